// The gradient lab's settings view: the recurrent scale ρ (with the lab's two telling values),
// the hidden size, the sentence's length and the seed; each change redraws all four curves.

import { fixed } from "./format.js";

/** root: the settings element (parts by data-part); defaults: the lab's; onChange(patch). */
export function createLabControls(root, { catalog, defaults, onChange }) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const scale = part("scale");
  let timer = null;
  scale.addEventListener("input", () => {
    part("scale-value").textContent = `ρ = ${fixed(Number(scale.value), 2)}`;
    clearTimeout(timer);
    timer = setTimeout(() => onChange({ recurrentScale: Number(scale.value) }), 150);
  });
  part("vanishing").textContent = `vanishing: ρ = ${defaults.vanishingScale}`;
  part("exploding").textContent = `exploding: ρ = ${defaults.explodingScale}`;
  part("vanishing").addEventListener("click", () => onChange({ recurrentScale: defaults.vanishingScale }));
  part("exploding").addEventListener("click", () => onChange({ recurrentScale: defaults.explodingScale }));
  const number = (name, field, lo, hi) => {
    const input = part(name);
    Object.assign(input, { min: lo, max: hi });
    input.addEventListener("change", () => {
      const value = Number(input.value);
      if (input.value.trim() !== "" && Number.isInteger(value)) onChange({ [field]: Math.min(hi, Math.max(lo, value)) });
    });
    return input;
  };
  const { limits } = catalog;
  const hidden = number("hidden-size", "hiddenSize", limits.hidden_size.min, limits.hidden_size.max);
  const length = number("length", "length", 2, defaults.maxLength);
  const seed = number("seed", "seed", limits.seed.min, limits.seed.max);

  function update({ state, changed }) {
    if (!["recurrentScale", "hiddenSize", "length", "seed"].some((k) => changed.has(k))) return;
    if (document.activeElement !== scale) scale.value = String(Math.min(Number(scale.max), state.recurrentScale));
    part("scale-value").textContent = `ρ = ${fixed(state.recurrentScale, 2)}`;
    hidden.value = state.hiddenSize;
    length.value = state.length;
    seed.value = state.seed;
  }
  return { update, resize() {} };
}

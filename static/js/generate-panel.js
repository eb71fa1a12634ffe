// The generation view (one_to_many and the seq2seq decoder): a seed input, the temperature,
// Next, and the steps written so far, each with its input, its hidden state h (coloured cells)
// and what it wrote, which is the next step's input. Root [data-generate]; each step
// [data-gen-step] with data-t, data-role, data-input, data-output and data-y (y as sent, its
// numbers joined by ","), each unit of h [data-gen-h] with data-unit and data-value.

import { el, replaceChildren, svg } from "./dom.js";
import { fixed, short } from "./format.js";
import { writtenText } from "./generation.js";
import { valueColor } from "./scales.js";

const SHOWN_STEPS = 200; // the newest steps listed; the written text holds them all

/** A token as a chip can show it: a space or a newline made visible. */
function visible(token) {
  return token === " " ? "␣" : token === "\n" ? "⏎" : token;
}

function inputText(step) {
  return step.x_label !== null && step.x_label !== undefined ? visible(step.x_label) : step.x.map((v) => short(v)).join(", ");
}

function outputText(step, kind) {
  if (step.y === null) return "(no output: the encoder reads)";
  if (kind === "regression") return `ŷ = ${step.y.map((v) => short(v, 4)).join(", ")}`;
  const how = step.temperature > 0 ? `drawn at temperature ${step.temperature}` : "the argmax";
  return `“${visible(step.label)}” (p ${fixed(step.p[step.picked], 2)}, ${how})`;
}

function hiddenCells(step, limit) {
  return el("span", { class: "gen-h", "aria-hidden": "true" }, step.h.map((v, unit) => {
    const cell = el("i", { "data-gen-h": "", "data-t": step.t, "data-unit": unit, "data-value": String(v), title: `h[${unit}] = ${v}` });
    cell.style.background = valueColor(v, limit);
    return cell;
  }));
}

/** A regression's written values as a small line over the task's value range. */
function valueLine(steps, range) {
  const values = steps.filter((s) => s.y).map((s) => s.y[0]);
  const [lo, hi] = range ?? [Math.min(...values, -1), Math.max(...values, 1)];
  const w = 200;
  const h = 40;
  const points = values.map((v, k) => `${values.length > 1 ? (k / (values.length - 1)) * w : w / 2},${h - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * h}`);
  return svg("svg", { class: "gen-wave", viewBox: `0 -2 ${w} ${h + 4}`, preserveAspectRatio: "none", role: "img",
    "aria-label": `the values written: ${values.map((v) => short(v)).join(", ")}` }, [svg("polyline", { points: points.join(" ") })]);
}

/** root: the [data-generate] section; onSeed(seed), onTemperature(t), onNext(count), onReset(). */
export function createGeneratePanel(root, { catalog, onSeed, onTemperature, onNext, onReset }) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const temperature = part("temperature");
  temperature.max = catalog.limits.temperature.max;
  part("seed-token").addEventListener("change", (e) => onSeed(e.target.value));
  part("seed-value").addEventListener("change", (e) => {
    if (e.target.value.trim() !== "" && Number.isFinite(Number(e.target.value))) onSeed(Number(e.target.value));
  });
  temperature.addEventListener("change", () => {
    const t = Number(temperature.value);
    if (temperature.value.trim() !== "" && t >= 0 && t <= catalog.limits.temperature.max) onTemperature(t);
  });
  part("next").addEventListener("click", () => onNext(1));
  part("more").addEventListener("click", () => onNext(10));
  part("reset").addEventListener("click", () => onReset());
  let vocabulary = null;

  function seedChoices(trace) {
    const select = part("seed-token");
    const key = (trace.input_vocab ?? []).join("\u0000");
    if (vocabulary === key) return;
    vocabulary = key;
    select.replaceChildren(...(trace.input_vocab ?? []).map((token) => new Option(visible(token), token)));
  }

  function update({ scene, state, changed }) {
    if (!["scene", "generation", "topology"].some((k) => changed.has(k))) return;
    if (!catalog.topology(state.topology).feeds_back || !scene) return;
    const { trace } = scene;
    const g = state.generation;
    const seq2seq = trace.topology === "seq2seq";
    const vocab = Boolean(trace.input_vocab);
    part("seed-row").hidden = seq2seq;
    part("seed-token").hidden = !vocab;
    part("seed-value").hidden = vocab;
    part("temperature-row").hidden = trace.kind === "regression";
    part("temperature-hint").hidden = trace.kind === "regression";
    if (!seq2seq && g.seed !== null) {
      if (vocab) {
        seedChoices(trace);
        part("seed-token").value = g.seed;
      } else if (document.activeElement !== part("seed-value")) {
        part("seed-value").value = g.seed;
      }
    }
    if (document.activeElement !== temperature) temperature.value = g.temperature;
    const source = seq2seq ? `The encoder first reads the drawn source (${trace.steps.filter((s) => s.role === "encoder").map(inputText).join(" ")}), then the decoder writes from <start>.` : "";
    const fed = trace.kind === "regression" ? "the value it writes is the next input" : "the token it writes is the next input";
    part("hint").textContent = `${source} Each Next is one step of the drawn weights: ${fed}, and h carries the memory.`.trim();
    const stepping = g.status === "stepping";
    part("next").disabled = stepping;
    part("more").disabled = stepping;
    part("error").hidden = g.status !== "failed";
    part("error").textContent = g.message ?? "";
    root.dataset.steps = g.steps.length;
    const list = g.steps.slice(-SHOWN_STEPS).map((step) => el("li", {
      "data-gen-step": "", "data-t": step.t, "data-role": step.role, "data-input": step.x_label ?? step.x.join(","),
      "data-output": step.label ?? (step.y ? step.y.join(",") : ""), "data-y": step.y ? step.y.map(String).join(",") : "",
    }, [
      el("span", { class: "gen-t", text: `t ${step.t}` }),
      el("span", { class: `gen-in role-${step.role}`, text: inputText(step) }),
      hiddenCells(step, scene.limits.h),
      el("span", { class: "gen-out", text: outputText(step, trace.kind) }),
    ]));
    replaceChildren(part("steps"), list);
    if (changed.has("generation")) part("steps").scrollTop = part("steps").scrollHeight; // the newest step in view
    const written = trace.kind === "regression" ? null : writtenText(trace, g.steps);
    part("written").replaceChildren(...(trace.kind === "regression" && g.steps.length ? [valueLine(g.steps, scene.task?.value_range)]
      : [el("span", { class: "gen-label", text: "written: " }), el("span", { class: "gen-text", text: written || "…" })]));
  }

  return { update, resize() {} };
}

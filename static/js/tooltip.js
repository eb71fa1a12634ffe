// The tooltip that gives a drawn value's exact number: hover a unit, a bar or a gradient label.

import { sub } from "./format.js";

/** What a tooltip says about a drawn value: its name and the number exactly as the API sent it. */
export function describeValue(node) {
  const d = node.dataset;
  if ("h" in d) return `h${sub(d.t)} unit ${d.unit}: ${d.value}`;
  if ("c" in d) return `c${sub(d.t)} unit ${d.unit}: ${d.value}`;
  if (d.label) return `${d.label}: ${d.value}`;
  return null;
}

/** Show `text` (none: hide) in `tooltip`, above the pointer of event `e` inside `container`. */
export function showTooltip(container, tooltip, text, e) {
  if (!text) { tooltip.hidden = true; return; }
  tooltip.textContent = text;
  tooltip.hidden = false;
  const box = container.getBoundingClientRect();
  const x = Math.min(e.clientX - box.left + 14, box.width - tooltip.offsetWidth - 4);
  const y = e.clientY - box.top - tooltip.offsetHeight - 10;
  const top = (y < 0 ? e.clientY - box.top + 18 : y) + container.scrollTop; // a scrolled panel's offset
  tooltip.style.transform = `translate(${Math.max(4, x)}px, ${top}px)`;
}

export function attachTooltip(container, tooltip, describe = describeValue) {
  container.addEventListener("pointermove", (e) => {
    const node = e.target.closest?.("[data-value]");
    showTooltip(container, tooltip, node ? describe(node) : null, e);
  });
  container.addEventListener("pointerleave", () => { tooltip.hidden = true; });
}

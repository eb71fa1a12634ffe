// The colour legend view: the diverging value scale and the gradient scale of the drawn scene.

import { el } from "./dom.js";
import { short } from "./format.js";
import { GRADIENT_STOPS, VALUE_STOPS } from "./scales.js";

function scale(stops, caption, left, right, description) {
  const ramp = el("span", { class: "ramp", "aria-hidden": "true" });
  ramp.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
  return el("div", { class: "scale", role: "img", "aria-label": description }, [
    el("span", { class: "scale-caption", text: caption }),
    el("span", { class: "tick", text: left }), ramp, el("span", { class: "tick", text: right }),
  ]);
}

export function createLegend(root) {
  /** The two scales: values (blue < 0 < orange, symmetric) and gradient norms (log). */
  function update({ scene, changed }) {
    if (!scene || !changed.has("scene")) return;
    const { h: valueLimit, largestH } = scene.limits;
    const [lo, hi] = scene.gradient;
    const faint = largestH < valueLimit / 4
      ? el("p", { class: "legend-note", text: `every |h| here is under ${short(largestH, 2)}: colours are faint` }) : null;
    root.replaceChildren(
      scale(VALUE_STOPS, "value", short(-valueLimit), short(valueLimit),
        `hidden values: blue below 0, white at 0, orange above, from ${short(-valueLimit)} to ${short(valueLimit)}`),
      scene.forwardOnly ? el("p", { class: "legend-note", text: "‖dL/dh‖: none, forward only (no loss)" })
        : scale(GRADIENT_STOPS, "‖dL/dh‖", short(lo, 2), short(hi, 2),
          `gradient norms on a log scale, from pale pink ${short(lo, 2)} to dark magenta ${short(hi, 2)}`),
      ...(faint ? [faint] : []),
    );
  }
  return { update, resize() {} };
}

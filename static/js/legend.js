// The colour legend: the three roles, the diverging value scale and the gradient scale.

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

/** The two scales: values (blue < 0 < orange, symmetric) and gradient norms (log). */
export function renderLegend(root, { valueLimit, largest, gradient }) {
  const faint = largest < valueLimit / 4
    ? el("p", { class: "legend-note", text: `every |h| here is under ${short(largest, 2)}: colours are faint` }) : null;
  root.replaceChildren(
    scale(VALUE_STOPS, "value", short(-valueLimit), short(valueLimit),
      `hidden values: blue below 0, white at 0, orange above, from ${short(-valueLimit)} to ${short(valueLimit)}`),
    scale(GRADIENT_STOPS, "‖dL/dh‖", short(gradient[0], 2), short(gradient[1], 2),
      `gradient norms on a log scale, from pale pink ${short(gradient[0], 2)} to dark magenta ${short(gradient[1], 2)}`),
    ...(faint ? [faint] : []),
  );
}

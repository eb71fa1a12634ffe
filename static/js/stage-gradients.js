// The backward pass on the stage: from the last step back to the playhead, each strip framed in
// the colour and width of ‖dL/dh_t‖ with its value, and an arrow from each step to the one before
// carrying dL/dh_t back through W_hh (the next strip's frame shows what arrived there in total).

import { svg } from "./dom.js";
import { short, sub } from "./format.js";
import { gradientColor } from "./scales.js";
import { arrow } from "./stage-column.js";

/** The elements of the backward pass at `playhead` (none in the forward pass). */
export function drawGradients({ layout, scene }, playhead, animate) {
  if (playhead.phase !== "backward") return [];
  const { hidden, shapes } = layout;
  const [lo, hi] = scene.gradient;
  const u = (n) => (hi > lo && n > 0 ? (Math.log10(n) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : 1);
  const nodes = [];
  layout.columns.forEach((col, i) => {
    if (col.t < playhead.t) return;
    const step = scene.trace.steps[col.t];
    const colour = gradientColor(step.dh_norm, lo, hi);
    const stroke = 1.5 + 4.5 * u(step.dh_norm);
    nodes.push(
      svg("rect", {
        class: "gradient-frame", x: col.x + shapes.gradientFrame.x, y: hidden.y - 3,
        width: shapes.gradientFrame.width, height: hidden.height + 6, rx: 3, stroke: colour, "stroke-width": stroke,
      }),
      svg("text", {
        class: "dh-norm", x: col.x - 4, y: hidden.gradientY, "text-anchor": "end", fill: colour,
        "data-dh-norm": "", "data-t": step.t, "data-value": String(step.dh_norm),
        "data-label": `‖dL/dh${sub(step.t)}‖`, text: short(step.dh_norm, 2),
      }),
    );
    const prev = layout.columns[i - 1];
    if (prev && prev.t >= playhead.t) {
      const entering = animate && prev.t === playhead.t ? " entering" : "";
      const { y, from, to } = shapes.gradientArrow;
      nodes.push(arrow(col.x + from, y, prev.x + to, y, {
        class: `link-gradient${entering}`, stroke: colour, "stroke-width": stroke, "marker-end": "url(#gradhead)", pathLength: 1,
      }));
    }
    if (step.loss !== null) { // the loss's own gradient enters from the output
      const { y1, y2 } = shapes.outputArrow;
      nodes.push(arrow(col.x - 8, y2, col.x - 8, y1, {
        class: "link-gradient", stroke: colour, "stroke-width": 2, "marker-end": "url(#gradhead)",
      }));
    }
  });
  return nodes;
}

// ‖dL/dh_t‖ against t on a log axis (axes.js: ticks at whole decades that never crowd), in SVG:
// a line through the steps that have a gradient, broken where one has none, and a dot per step
// where the steps are wide enough for dots to stay apart, each [data-dh-norm] with data-t and
// data-value (the API's number, String(x)).

import { logAxis, powerOfTen } from "./axes.js";
import { chartSvg, plotFrame, yTick } from "./chart-frame.js";
import { svg } from "./dom.js";

const DOT_ROOM = 1.5; // a step's width, in dot diameters, from which each step gets its dot

/** Draw scene's ‖dL/dh_t‖ into `box` of `size`; returns the plot's frame (chart-frame.js). */
export function drawNorms(box, size, scene, look) {
  const { trace, T } = scene;
  const frame = plotFrame(size, look, T);
  const axis = logAxis(scene.gradient, frame.h, look.font);
  const [from, to] = axis.range;
  const y = (norm) => frame.top + (1 - (Math.log10(norm) - from) / (to - from)) * frame.h;
  const { root, boundary } = chartSvg(frame, { yTitle: "‖dL/dh‖", label: describe(scene), decoderStart: scene.decoderStart });
  root.prepend(svg("rect", { class: "norm-plot", x: frame.left, y: frame.top, width: frame.w, height: frame.h }));
  axis.decades.forEach((decade, k) => root.append(...yTick(frame, y(10 ** decade), axis.labels[k], true)));
  const runs = [[]]; // the points of each unbroken stretch of steps that have a gradient
  for (const step of trace.steps) {
    if (step.dh_norm > 0) runs.at(-1).push(`${frame.x(step.t)},${y(step.dh_norm)}`);
    else if (runs.at(-1).length) runs.push([]);
  }
  for (const points of runs.filter((run) => run.length)) root.append(svg("polyline", { class: "norm-line", points: points.join(" ") }));
  const r = Math.max(3, 0.25 * look.font);
  if (frame.w / T >= DOT_ROOM * 2 * r) {
    for (const step of trace.steps.filter((s) => s.dh_norm > 0)) {
      root.append(svg("circle", { class: "norm-point", cx: frame.x(step.t), cy: y(step.dh_norm), r,
        "data-dh-norm": "", "data-t": step.t, "data-value": String(step.dh_norm) }));
    }
  }
  if (boundary) root.append(boundary);
  box.replaceChildren(root);
  return frame;
}

/** What the chart shows, for a screen reader. */
function describe({ trace, T, forwardOnly }) {
  const shown = trace.steps.filter((s) => s.dh_norm > 0);
  if (forwardOnly) return `‖dL/dh‖ over ${T} steps: none, no loss (forward only)`;
  if (!shown.length) return `‖dL/dh‖ over ${T} steps: 0 at every step`;
  const [first, last] = [shown[0], shown.at(-1)];
  return `‖dL/dh‖ on a log scale over ${T} steps: ${powerOfTen(first.dh_norm)} at t = ${first.t}, ${powerOfTen(last.dh_norm)} at t = ${last.t}`;
}

// The hidden state as a units × time heatmap: one cell per (unit, step), coloured on the page's
// diverging value scale (scales.js), unit 0 at the top. The cells are drawn into a canvas at one
// pixel each and scaled up without smoothing, so T = 500 by H = 256 costs one image, not 128 000
// elements; up to 40 steps (32 units) a thin gap parts the columns (rows). The axes are SVG.

import { unitTicks } from "./axes.js";
import { chartSvg, plotFrame, yTick } from "./chart-frame.js";
import { el } from "./dom.js";
import { valueRGB } from "./scales.js";

const GAPS_UP_TO = { steps: 40, units: 32 };

/** Draw scene's h into `box` of `size` (its canvas [data-heatmap] with data-rows H and data-columns T);
 * returns the plot's frame (chart-frame.js). */
export function drawHeatmap(box, size, scene, look) {
  const { T, H } = scene;
  const frame = plotFrame(size, look, T);
  const label = `Hidden state h: ${H} units over ${T} steps, blue below 0, orange above`;
  const { root, boundary } = chartSvg(frame, { yTitle: "unit", label, decoderStart: scene.decoderStart });
  const { dtick } = unitTicks(H, frame.h, look.font);
  for (let unit = 0; unit < H; unit += dtick) root.append(...yTick(frame, frame.top + ((unit + 0.5) / H) * frame.h, String(unit)));
  if (boundary) root.append(boundary);
  box.replaceChildren(cells(scene, frame), root);
  return frame;
}

/** The unit under a height y within the plot area. */
export function unitAt(frame, H, y) {
  return Math.min(H - 1, Math.max(0, Math.floor((y / frame.h) * H)));
}

function cells({ trace, T, H, limits }, frame) {
  const pixels = new ImageData(T, H);
  const rgba = pixels.data;
  trace.steps.forEach((step, t) => {
    for (let unit = 0; unit < H; unit++) {
      const i = 4 * (unit * T + t);
      valueRGB(step.h[unit], limits.h, rgba, i);
      rgba[i + 3] = 255;
    }
  });
  const source = el("canvas", { width: T, height: H });
  source.getContext("2d").putImageData(pixels, 0, 0);
  const ratio = window.devicePixelRatio || 1;
  const canvas = el("canvas", { class: "heatmap-cells", "data-heatmap": "", "data-rows": H, "data-columns": T, "aria-hidden": "true",
    width: Math.round(frame.w * ratio), height: Math.round(frame.h * ratio) });
  Object.assign(canvas.style, { left: `${frame.left}px`, top: `${frame.top}px`, width: `${frame.w}px`, height: `${frame.h}px` });
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  // the gaps show the canvas's own background (the plot's colour, static/css/unroll.css)
  const gap = Math.max(1, Math.round(ratio));
  if (T <= GAPS_UP_TO.steps) {
    for (let k = 1; k < T; k++) context.clearRect(Math.round((k * canvas.width) / T - gap / 2), 0, gap, canvas.height);
  }
  if (H <= GAPS_UP_TO.units) {
    for (let k = 1; k < H; k++) context.clearRect(0, Math.round((k * canvas.height) / H - gap / 2), canvas.width, gap);
  }
  return canvas;
}

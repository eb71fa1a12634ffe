// What the two charts under the stage share, drawn by the page itself (SVG, and a canvas for the
// heatmap's cells): the page's type, the plot area inside its margins, the time axis (one column
// per step t = 0 … T − 1), the encoder | decoder boundary, the axis titles, and the pointer (hover
// for the exact number, a click to seek). The charts themselves: heatmap-chart.js, norm-chart.js.

import { svg } from "./dom.js";
import { showTooltip } from "./tooltip.js";

const STEP_TICKS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500]; // a tick every so many steps

/** The plot's type size (larger in presenter mode: the plot's own font size, static/css/unroll.css). */
export function chartFont(plot) {
  return parseFloat(getComputedStyle(plot).fontSize);
}

/** The type, and margins in proportion to it that hold the tick labels and the titles (room
 * above the plot only where an encoder–decoder's block names go). */
export function chartLook(font, boundary) {
  const m = (em) => Math.round(em * font);
  return { font, margin: { l: m(4.4), r: m(0.8), t: m(boundary ? 1.2 : 0.5), b: m(1.7) } };
}

/** The plot area of a chart box of `size` ({width, height}, px) for T steps: x(t) is the centre
 * of step t's column, edge(k) its left side, stepAt(px) the step under a horizontal position. */
export function plotFrame(size, look, T) {
  const { margin } = look;
  const width = Math.max(1, Math.floor(size.width));
  const height = Math.max(1, Math.floor(size.height));
  const w = Math.max(1, width - margin.l - margin.r);
  const h = Math.max(1, height - margin.t - margin.b);
  return {
    width, height, w, h, T, left: margin.l, top: margin.t, font: look.font,
    x: (t) => margin.l + ((t + 0.5) / T) * w,
    edge: (k) => margin.l + (k / T) * w,
    stepAt: (px) => Math.min(T - 1, Math.max(0, Math.floor(((px - margin.l) / w) * T))),
  };
}

/** The steps that get a tick: every step up to 12, else every 2, 5, 10, … steps, as many as fit. */
export function stepTicks(T, width, font) {
  if (T <= 12) return [...Array(T).keys()];
  const room = Math.max(2, Math.floor(width / (3.2 * font)));
  const every = STEP_TICKS.find((d) => Math.ceil(T / d) <= room) ?? STEP_TICKS.at(-1);
  return Array.from({ length: Math.ceil(T / every) }, (_, k) => k * every);
}

/** An SVG sized to the box, with the time axis's labels, the y axis's title and, for an
 * encoder–decoder, the dotted boundary between its blocks with their names above. */
export function chartSvg(frame, { yTitle, label, decoderStart }) {
  const { width, height, top, h, font } = frame;
  const root = svg("svg", { class: "chart-svg", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
  const bottom = top + h;
  const axis = svg("g", { class: "chart-ticks" });
  for (const t of stepTicks(frame.T, frame.w, font)) {
    axis.append(svg("text", { x: frame.x(t), y: bottom + 1.25 * font, "text-anchor": "middle", text: String(t) }));
  }
  const middle = top + h / 2;
  axis.append(svg("text", { class: "chart-title", x: 1.1 * font, y: middle, "text-anchor": "middle",
    transform: `rotate(-90 ${1.1 * font} ${middle})`, text: yTitle }));
  root.append(axis);
  return { root, boundary: decoderStart > 0 ? boundary(frame, decoderStart) : null };
}

/** The dotted line at the decoder's first step, "encoder" left of it and "decoder" right, on top. */
function boundary(frame, k) {
  const x = frame.edge(k);
  const y = frame.top - 0.3 * frame.font;
  return svg("g", { class: "chart-boundary" }, [
    svg("line", { x1: x, x2: x, y1: frame.top, y2: frame.top + frame.h }),
    svg("text", { x: x - 0.3 * frame.font, y, "text-anchor": "end", text: "encoder" }),
    svg("text", { x: x + 0.3 * frame.font, y, "text-anchor": "start", text: "decoder" }),
  ]);
}

/** A y-axis tick: its label left of the plot area at height y, and a grid line when asked. */
export function yTick(frame, y, text, grid = false) {
  const nodes = [svg("text", { class: "chart-tick", x: frame.left - 0.4 * frame.font, y: y + 0.35 * frame.font, "text-anchor": "end", text })];
  if (grid) nodes.unshift(svg("line", { class: "chart-grid", x1: frame.left, x2: frame.left + frame.w, y1: y, y2: y }));
  return nodes;
}

/** The pointer over a chart: hovering the plot area says `describe(t, y)` (y from the plot
 * area's top, in px) in `tooltip`; a click seeks to step t. `frameOf()`: the frame drawn, or null. */
export function bindPointer(box, tooltip, { frameOf, describe, onSeek }) {
  const at = (e) => {
    const frame = frameOf();
    if (!frame) return null;
    const rect = box.getBoundingClientRect();
    const [px, py] = [e.clientX - rect.left, e.clientY - rect.top];
    const inside = px >= frame.left && px <= frame.left + frame.w && py >= frame.top && py <= frame.top + frame.h;
    return inside ? { t: frame.stepAt(px), y: py - frame.top, frame } : null;
  };
  const container = tooltip.parentElement; // the box of both charts, that the tooltip is placed in
  box.addEventListener("pointermove", (e) => {
    const where = at(e);
    box.classList.toggle("seeking", Boolean(where));
    showTooltip(container, tooltip, where && describe(where.t, where.y, where.frame), e);
  });
  box.addEventListener("pointerleave", () => { tooltip.hidden = true; });
  box.addEventListener("click", (e) => {
    const where = at(e);
    if (where) onSeek(where.t);
  });
}

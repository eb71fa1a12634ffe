// The training curve view: loss (log axis, left) and accuracy or R² (right, 0 to 1) against the
// step, in SVG, growing as the stream's progress lines arrive. New points are appended, never
// the whole curve redrawn, except when the loss leaves its axis (a new decade) or the box is
// resized. Each loss point is [data-train-point] with data-step, data-loss, data-accuracy: the
// stream's numbers as sent (String(x)). An R² below 0 is drawn at the axis's 0.

import { logAxis } from "./axes.js";
import { svg } from "./dom.js";
import { fixed, short } from "./format.js";

/** root: the chart's box. */
export function createTrainChart(root) {
  const chart = svg("svg", { class: "train-svg", role: "img", "aria-label": "The training curve: no training yet" });
  const grid = svg("g", { class: "train-grid" });
  const accuracyLine = svg("polyline", { class: "train-accuracy" });
  const lossLine = svg("polyline", { class: "train-loss" });
  const points = svg("g", { class: "train-points" });
  const empty = svg("text", { class: "train-empty", text: "the curve grows here" });
  chart.append(grid, accuracyLine, lossLine, points, empty);
  root.replaceChildren(chart);

  let frame = null; // {width, height, pad, font, steps, asked (null before a training), axis: logAxis, metric}
  let drawn = 0; // points drawn of the store's trainPoints
  let lossXY = []; // "x,y" of every loss point drawn, likewise accuracy
  let accuracyXY = [];
  let range = null; // [lowest, highest] loss drawn

  const x = (step) => frame.pad.l + (step / frame.steps) * (frame.width - frame.pad.l - frame.pad.r);
  const plotHeight = () => frame.height - frame.pad.t - frame.pad.b;
  const yLoss = (loss) => frame.pad.t + (1 - (Math.log10(loss) - frame.axis.range[0]) / (frame.axis.range[1] - frame.axis.range[0])) * plotHeight();
  const yAccuracy = (a) => frame.pad.t + (1 - Math.min(1, Math.max(0, a))) * plotHeight();

  function axes(metric) {
    const { width, height, pad, font, steps, axis } = frame;
    const nodes = [svg("rect", { class: "train-plot", x: pad.l, y: pad.t, width: width - pad.l - pad.r, height: plotHeight() })];
    for (const [k, decade] of axis.decades.entries()) {
      const y = yLoss(10 ** decade);
      nodes.push(svg("line", { class: "train-gridline", x1: pad.l, x2: width - pad.r, y1: y, y2: y }),
        svg("text", { class: "train-tick loss-tick", x: pad.l - 4, y: y + 0.35 * font, "text-anchor": "end", text: axis.labels[k] }));
    }
    for (const a of [0, 0.5, 1]) {
      nodes.push(svg("text", { class: "train-tick accuracy-tick", x: width - pad.r + 4, y: yAccuracy(a) + 0.35 * font,
        text: metric === "r2" ? String(a) : `${100 * a}%` }));
    }
    for (const step of [0, steps]) {
      nodes.push(svg("text", { class: "train-tick", x: x(step), y: height - 0.3 * font, "text-anchor": step ? "end" : "start", text: step ? (frame.asked === null ? "steps" : `${steps} steps`) : "0" }));
    }
    grid.replaceChildren(...nodes);
  }

  /** Lay out the box for `steps` steps and the loss range drawn; every point placed anew. */
  function layout(steps, metric, all) {
    const box = root.getBoundingClientRect();
    const font = parseFloat(getComputedStyle(root).fontSize);
    const width = Math.max(160, Math.floor(box.width));
    const height = Math.max(80, Math.floor(box.height));
    chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    chart.setAttribute("width", width);
    chart.setAttribute("height", height);
    frame = { width, height, font, steps: Math.max(1, steps ?? 1), asked: steps, metric, pad: { l: 2.6 * font, r: 3 * font, t: 0.6 * font, b: 1.4 * font } };
    frame.axis = logAxis(range ?? [0.1, 1], plotHeight(), font);
    axes(metric);
    empty.setAttribute("x", width / 2);
    empty.setAttribute("y", height / 2);
    lossXY = [];
    accuracyXY = [];
    points.replaceChildren();
    drawn = 0;
    append(all);
  }

  /** Draw the points not drawn yet. */
  function append(all) {
    const nodes = [];
    for (let k = drawn; k < all.length; k++) {
      const p = all[k];
      const [px, py] = [x(p.step), p.loss > 0 ? yLoss(p.loss) : frame.pad.t + plotHeight()];
      lossXY.push(`${px},${py}`);
      accuracyXY.push(`${px},${yAccuracy(p.accuracy)}`);
      nodes.push(svg("circle", { class: "train-point", cx: px, cy: py, r: 1.3,
        "data-train-point": "", "data-step": String(p.step), "data-loss": String(p.loss), "data-accuracy": String(p.accuracy) }));
    }
    points.append(...nodes);
    drawn = all.length;
    lossLine.setAttribute("points", lossXY.join(" "));
    accuracyLine.setAttribute("points", accuracyXY.join(" "));
  }

  function describe(all) {
    if (!all.length) return "The training curve: no training yet";
    const [first, last] = [all[0], all[all.length - 1]];
    const name = last.metric === "r2" ? "R²" : "accuracy";
    const value = (a) => (last.metric === "r2" ? fixed(a, 2) : `${fixed(100 * a, 0)} %`);
    return `The training curve over ${last.step} steps: loss from ${short(first.loss)} to ${short(last.loss)}, ${name} from ${value(first.accuracy)} to ${value(last.accuracy)}`;
  }

  /** The loss range widened by `fresh` points; true when it leaves the axis drawn. */
  function widen(fresh) {
    for (const p of fresh) {
      if (p.loss > 0) range = range ? [Math.min(range[0], p.loss), Math.max(range[1], p.loss)] : [p.loss, p.loss];
    }
    if (!frame || !range) return false;
    const [lo, hi] = frame.axis.range;
    return Math.log10(range[0]) < lo || Math.log10(range[1]) > hi;
  }

  let first = null; // the first point drawn: another first point is another training
  function draw(state, resized) {
    const all = state.trainPoints;
    const steps = state.train.steps ?? null; // null: no training yet
    const metric = all[0]?.metric ?? "accuracy";
    const restarted = all.length < drawn || (drawn > 0 && all[0] !== first);
    if (restarted) {
      range = null;
      drawn = 0;
    }
    first = all[0] ?? null;
    const widened = widen(all.slice(drawn));
    if (resized || restarted || widened || !frame || frame.asked !== steps || frame.metric !== metric) layout(steps, metric, all);
    else append(all);
    empty.style.display = all.length ? "none" : "";
    if (state.train.status !== "running") chart.setAttribute("aria-label", describe(all));
  }

  let last = null;
  function update({ state, changed }) {
    if (!["trainPoints", "train", "presenting"].some((k) => changed.has(k))) return;
    last = state;
    draw(state, changed.has("presenting"));
  }

  // Its own box changes size without the stage's (a tab shown, presenter mode): follow it.
  let pending = null;
  new ResizeObserver(() => {
    if (pending === null) pending = requestAnimationFrame(() => { pending = null; if (last) draw(last, true); });
  }).observe(root);

  return { update, resize() { if (last) draw(last, true); } };
}

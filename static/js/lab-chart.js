// The gradient lab's chart view: ‖dL/dh_t‖ against the distance from the loss, one curve per
// cell on one shared log axis (never rescaled per curve), in SVG. A curve is a link: it opens
// that cell in the visualizer at the same settings, the backward pass ready.

import { logAxis } from "./axes.js";
import { svg } from "./dom.js";
import { LAB_CELLS, sharedRange } from "./lab-data.js";

const LOOK = { // colour-blind-safe (Okabe–Ito), and a dash pattern each, so no curve needs its colour
  "rnn-tanh": { colour: "#0072B2", dash: "" },
  "rnn-relu": { colour: "#D55E00", dash: "10 5" },
  lstm: { colour: "#009E73", dash: "3 4" },
  gru: { colour: "#CC79A7", dash: "14 4 3 4" },
};

/** root: the chart's element; labelOf(choice) names a cell; linkOf(choice) is its visualizer URL. */
export function createLabChart(root, { labelOf, linkOf }) {
  const chart = svg("svg", { class: "lab-svg", role: "group", "aria-label": "‖dL/dh‖ against the distance from the loss, one curve per cell" });
  root.replaceChildren(chart);
  let last = null;

  function draw({ curves, T }) {
    const box = root.getBoundingClientRect();
    const width = Math.max(300, Math.floor(box.width));
    const height = Math.max(200, Math.floor(box.height));
    const font = parseFloat(getComputedStyle(root).fontSize);
    const pad = { l: 5.2 * font, r: 9 * font, t: font, b: 3.2 * font };
    chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    chart.setAttribute("width", width);
    chart.setAttribute("height", height);
    const drawn = LAB_CELLS.filter((c) => curves[c]).map((c) => curves[c]);
    const range = sharedRange(drawn) ?? [1e-3, 1];
    const axis = logAxis(range, height - pad.t - pad.b, font);
    const x = (d) => pad.l + (T > 1 ? d / (T - 1) : 0.5) * (width - pad.l - pad.r);
    const y = (norm) => pad.t + (1 - (Math.log10(norm) - axis.range[0]) / (axis.range[1] - axis.range[0])) * (height - pad.t - pad.b);
    const nodes = [];
    for (const [k, decade] of axis.decades.entries()) {
      const yy = y(10 ** decade);
      nodes.push(svg("line", { class: "lab-grid", x1: pad.l, x2: width - pad.r, y1: yy, y2: yy }),
        svg("text", { class: "lab-tick", x: pad.l - 6, y: yy + font * 0.35, "text-anchor": "end", text: axis.labels[k] }));
    }
    const every = [5, 10, 20, 25, 50, 100].find((d) => (T - 1) / d <= 6) ?? 100; // about six, evenly spaced
    const xTicks = Array.from({ length: Math.floor((T - 1) / every) + 1 }, (_, k) => k * every);
    for (const d of xTicks) {
      nodes.push(svg("text", { class: "lab-tick", x: x(d), y: height - pad.b + font * 1.3, "text-anchor": "middle", text: String(d) }));
    }
    nodes.push(
      svg("text", { class: "lab-axis-title", x: (pad.l + width - pad.r) / 2, y: height - font * 0.5, "text-anchor": "middle", text: "steps back from the loss (T − 1 − t)" }),
      svg("text", { class: "lab-axis-title", x: font, y: (pad.t + height - pad.b) / 2, "text-anchor": "middle",
        transform: `rotate(-90 ${font} ${(pad.t + height - pad.b) / 2})`, text: "‖dL/dhₜ‖" }),
    );
    const ends = [];
    for (const choice of LAB_CELLS) {
      const curve = curves[choice];
      const { colour, dash } = LOOK[choice];
      const group = svg("g", { class: "lab-curve", "data-lab-curve": "", "data-cell": choice });
      const link = svg("a", { href: linkOf(choice), "aria-label": `${labelOf(choice)}: open it in the visualizer, backward pass ready` }, [group]);
      if (!curve) {
        group.setAttribute("data-diverged", "true");
        ends.push({ choice, y: pad.t + font, text: `${labelOf(choice)}: diverged`, colour });
        nodes.push(link);
        continue;
      }
      const shown = curve.points.filter((p) => p.norm > 0);
      const points = shown.map((p) => `${x(p.distance)},${y(p.norm)}`).join(" ");
      group.append(
        svg("polyline", { class: "lab-hit", points }), // a wide, invisible line the pointer can find
        svg("polyline", { class: "lab-line", stroke: colour, "stroke-dasharray": dash, points }),
      );
      for (const p of curve.points) {
        group.append(svg("circle", {
          class: p.norm > 0 ? "lab-point" : "lab-point zero", cx: x(p.distance), cy: p.norm > 0 ? y(p.norm) : height - pad.b,
          r: T > 100 ? 1.5 : 2.5, fill: colour, "data-dh-norm": "", "data-t": p.t, "data-value": String(p.norm),
        }));
      }
      const far = shown[0] ?? curve.points[0]; // the step furthest from the loss that has a gradient
      ends.push({ choice, y: far.norm > 0 ? y(far.norm) : height - pad.b, text: labelOf(choice), colour });
      nodes.push(link);
    }
    // The curves' names at their far ends, pushed apart so that no two overlap.
    ends.sort((a, b) => a.y - b.y);
    for (let k = 1; k < ends.length; k++) ends[k].y = Math.max(ends[k].y, ends[k - 1].y + font * 1.3);
    for (const end of ends) {
      nodes.push(svg("text", { class: "lab-name", x: width - pad.r + 8, y: end.y + font * 0.35, fill: end.colour, text: end.text }));
    }
    chart.replaceChildren(...nodes);
    root.dataset.steps = T;
  }

  function update({ state, changed }) {
    if (!state.lab || !changed.has("lab") && !changed.has("presenting")) return;
    last = state.lab;
    draw(last);
  }

  return { update, resize() { if (last) draw(last); } };
}

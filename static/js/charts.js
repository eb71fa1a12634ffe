// The two linked charts under the stage, drawn with plotly.js (served from the installed
// `plotly` package): the hidden state as a units × time heatmap, and ‖dL/dh_t‖ on a log axis.
// Plotly redraws only when the trace changes; the playhead is an overlay of our own, positioned
// in percentages of the plot area, so following it costs no plotly work.

import { el } from "./dom.js";
import { GRADIENT_STOPS, gradientRange, limitsOf, plotlyValueScale } from "./scales.js";

const MARGIN = { l: 58, r: 10, t: 16, b: 22 };
const CONFIG = { displayModeBar: false };
const FONT = { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 13, color: "#334155" };

function boundary(trace) {
  const k = trace.steps.findIndex((s) => s.role === "decoder");
  if (k <= 0) return { shapes: [], annotations: [] };
  return {
    shapes: [{ type: "line", xref: "x", yref: "paper", x0: k - 0.5, x1: k - 0.5, y0: 0, y1: 1, line: { color: "#475569", width: 2, dash: "dot" } }],
    annotations: [
      { xref: "x", yref: "paper", x: k - 0.5, y: 1, xanchor: "right", yanchor: "bottom", text: "encoder ", showarrow: false, font: { size: 11, color: "#475569" } },
      { xref: "x", yref: "paper", x: k - 0.5, y: 1, xanchor: "left", yanchor: "bottom", text: " decoder", showarrow: false, font: { size: 11, color: "#475569" } },
    ],
  };
}

function axes(T, yTitle) {
  return {
    xaxis: { range: [-0.5, T - 0.5], zeroline: false, fixedrange: true, automargin: false, ...(T <= 12 ? { tick0: 0, dtick: 1 } : {}) },
    yaxis: { title: { text: yTitle, standoff: 4 }, fixedrange: true, automargin: false },
  };
}

function heatmapFigure(trace) {
  const T = trace.steps.length;
  const H = trace.hidden_size;
  const z = Array.from({ length: H }, (_, unit) => trace.steps.map((s) => s.h[unit]));
  const limit = limitsOf(trace).h;
  const { xaxis, yaxis } = axes(T, "unit");
  return {
    data: [{
      type: "heatmap", z, x: trace.steps.map((s) => s.t), y: [...Array(H).keys()], zmin: -limit, zmax: limit,
      colorscale: plotlyValueScale(), showscale: false, xgap: T <= 40 ? 1 : 0, ygap: H <= 32 ? 1 : 0,
      hovertemplate: "t = %{x}, unit %{y}<br>h = %{z}<extra></extra>",
    }],
    layout: {
      margin: MARGIN, font: FONT, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#f1f5f9",
      xaxis, yaxis: { ...yaxis, autorange: "reversed", showgrid: false, ...(H <= 8 ? { dtick: 1 } : {}) }, ...boundary(trace),
    },
  };
}

/** The log axis: the gradient scale's decades (at least two), a little headroom above. */
function logRange(trace) {
  const [lo, hi] = gradientRange(trace);
  return [Math.floor(Math.log10(lo) * 4) / 4 - 0.1, Math.log10(hi) + 0.15];
}

function normFigure(trace) {
  const T = trace.steps.length;
  const norms = trace.steps.map((s) => (s.dh_norm > 0 ? s.dh_norm : null));
  const { xaxis, yaxis } = axes(T, "‖dL/dh‖");
  return {
    data: [{
      type: "scatter", mode: T <= 120 ? "lines+markers" : "lines", x: trace.steps.map((s) => s.t), y: norms,
      line: { color: GRADIENT_STOPS[5], width: 2 }, marker: { color: GRADIENT_STOPS[5], size: 6 },
      hovertemplate: "t = %{x}<br>‖dL/dh‖ = %{y}<extra></extra>", connectgaps: false,
    }],
    layout: {
      margin: MARGIN, font: FONT, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fdf2f8", xaxis,
      yaxis: { ...yaxis, type: "log", exponentformat: "power", gridcolor: "#f5d0e6", dtick: 1, range: logRange(trace) }, ...boundary(trace), showlegend: false,
    },
  };
}

/** An overlay over a plot area: a veil over the steps not yet computed and a playhead box. */
function overlay(node) {
  const veil = el("div", { class: "veil" });
  const marker = el("div", { class: "playhead-box" });
  const message = el("p", { class: "veil-message" });
  node.replaceChildren(veil, marker, message);
  Object.assign(node.style, { left: `${MARGIN.l}px`, right: `${MARGIN.r}px`, top: `${MARGIN.t}px`, bottom: `${MARGIN.b}px` });
  return {
    show(T, t, veilFrom, veilTo, text = "", opaque = false) {
      veil.classList.toggle("opaque", opaque);
      const pct = (k) => `${(100 * k) / T}%`;
      Object.assign(marker.style, { left: pct(t), width: pct(1) });
      veil.hidden = veilTo <= veilFrom;
      Object.assign(veil.style, { left: pct(veilFrom), width: pct(veilTo - veilFrom) });
      message.textContent = text || "";
      message.hidden = !text;
    },
  };
}

export function createCharts({ heatmap, heatmapOverlay, norms, normsOverlay, onSeek }) {
  const plotly = window.Plotly;
  const overlays = { heatmap: overlay(heatmapOverlay), norms: overlay(normsOverlay) };
  let trace = null;
  if (!plotly) {
    for (const node of [heatmap, norms]) node.replaceChildren(el("p", { class: "chart-missing", text: "The charts need plotly.js, which did not load." }));
  }

  const sized = (node, layout) => ({ ...layout, width: node.clientWidth, height: node.clientHeight });

  async function update(next) {
    trace = next;
    if (!plotly) return;
    const figures = [[heatmap, heatmapFigure(trace)], [norms, normFigure(trace)]];
    await Promise.all(figures.map(([node, f]) => plotly.react(node, f.data, sized(node, f.layout), CONFIG)));
    for (const [node] of figures) {
      if (!node.dataset.bound) {
        node.on("plotly_click", (event) => onSeek(Number(event.points[0].x)));
        node.dataset.bound = "1";
      }
    }
  }

  /** Fit the plots to their boxes again (after the page's layout changed). */
  function resize() {
    if (!plotly || !trace) return;
    for (const node of [heatmap, norms]) {
      const full = node._fullLayout;
      if (full && (full.width !== node.clientWidth || full.height !== node.clientHeight)) {
        plotly.relayout(node, { width: node.clientWidth, height: node.clientHeight });
      }
    }
  }

  function follow(playhead) {
    if (!trace) return;
    const T = trace.steps.length;
    const { t, phase } = playhead;
    if (phase === "forward") {
      overlays.heatmap.show(T, t, t + 1, T);
      overlays.norms.show(T, t, 0, T, "press B to play the backward pass", true);
    } else {
      overlays.heatmap.show(T, t, 0, 0);
      overlays.norms.show(T, t, 0, t);
    }
  }

  return { update, follow, resize };
}

// The two linked chart views under the stage, drawn with plotly.js (served from the installed
// `plotly` package): the hidden state as a units × time heatmap, and ‖dL/dh_t‖ on a log axis.
// Plotly redraws only when the scene changes; the playhead is an overlay of our own, positioned
// in percentages of the plot area, so following it costs no plotly work. Colours and type are
// the page's CSS custom properties.

import { el } from "./dom.js";
import { plotlyValueScale } from "./scales.js";

const MARGIN = { l: 58, r: 10, t: 16, b: 22 };
const CONFIG = { displayModeBar: false };
const TICK_ROOM = 1.9; // em a log tick's label needs, its superscript included

/** The page's colours and type, read from its CSS (static/css/unroll.css). */
function theme() {
  const root = getComputedStyle(document.documentElement);
  const css = (name) => root.getPropertyValue(name).trim();
  return {
    font: { family: getComputedStyle(document.body).fontFamily, size: 13, color: css("--chart-ink") },
    muted: css("--muted"), gradient: css("--gradient"), gradientSoft: css("--gradient-soft"),
    gradientGrid: css("--gradient-grid"), plot: css("--plot-bg"),
  };
}

function boundary(scene, colour) {
  const k = scene.decoderStart;
  if (k <= 0) return { shapes: [], annotations: [] };
  const note = (text, xanchor) => ({ xref: "x", yref: "paper", x: k - 0.5, y: 1, xanchor, yanchor: "bottom", text, showarrow: false, font: { size: 11, color: colour } });
  return {
    shapes: [{ type: "line", xref: "x", yref: "paper", x0: k - 0.5, x1: k - 0.5, y0: 0, y1: 1, line: { color: colour, width: 2, dash: "dot" } }],
    annotations: [note("encoder ", "right"), note(" decoder", "left")],
  };
}

function axes(T, yTitle) {
  return {
    xaxis: { range: [-0.5, T - 0.5], zeroline: false, fixedrange: true, automargin: false, ...(T <= 12 ? { tick0: 0, dtick: 1 } : {}) },
    yaxis: { title: { text: yTitle, standoff: 4 }, fixedrange: true, automargin: false },
  };
}

function heatmapFigure(scene, look) {
  const { trace, T, H } = scene;
  const z = Array.from({ length: H }, (_, unit) => trace.steps.map((s) => s.h[unit]));
  const { xaxis, yaxis } = axes(T, "unit");
  return {
    data: [{
      type: "heatmap", z, x: trace.steps.map((s) => s.t), y: [...Array(H).keys()], zmin: -scene.limits.h, zmax: scene.limits.h,
      colorscale: plotlyValueScale(), showscale: false, xgap: T <= 40 ? 1 : 0, ygap: H <= 32 ? 1 : 0,
      hovertemplate: "t = %{x}, unit %{y}<br>h = %{z}<extra></extra>",
    }],
    layout: {
      margin: MARGIN, font: look.font, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: look.plot,
      xaxis, yaxis: { ...yaxis, autorange: "reversed", showgrid: false, ...(H <= 8 ? { dtick: 1 } : {}) }, ...boundary(scene, look.muted),
    },
  };
}

/**
 * The log axis over the gradient scale's decades (a little headroom above), with a tick every
 * `dtick` decades: as many as fit in `height` px without their labels touching, however many
 * decades the gradient spans (24 for a long seq2seq GRU).
 */
export function logAxis([lo, hi], height, fontSize) {
  const range = [Math.floor(Math.log10(lo) * 4) / 4 - 0.1, Math.log10(hi) + 0.15];
  const labels = Math.max(2, Math.floor(height / (fontSize * TICK_ROOM)));
  const dtick = Math.max(1, Math.ceil((range[1] - range[0]) / labels));
  return { range, dtick, tick0: 0 };
}

function normFigure(scene, look, height) {
  const { trace, T } = scene;
  const norms = trace.steps.map((s) => (s.dh_norm > 0 ? s.dh_norm : null));
  const { xaxis, yaxis } = axes(T, "‖dL/dh‖");
  const plotHeight = height - MARGIN.t - MARGIN.b;
  return {
    data: [{
      type: "scatter", mode: T <= 120 ? "lines+markers" : "lines", x: trace.steps.map((s) => s.t), y: norms,
      line: { color: look.gradient, width: 2 }, marker: { color: look.gradient, size: 6 },
      hovertemplate: "t = %{x}<br>‖dL/dh‖ = %{y}<extra></extra>", connectgaps: false,
    }],
    layout: {
      margin: MARGIN, font: look.font, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: look.gradientSoft, xaxis,
      yaxis: { ...yaxis, type: "log", exponentformat: "power", gridcolor: look.gradientGrid, ...logAxis(scene.gradient, plotHeight, look.font.size) },
      ...boundary(scene, look.muted), showlegend: false,
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
  let scene = null;
  if (!plotly) {
    for (const node of [heatmap, norms]) node.replaceChildren(el("p", { class: "chart-missing", text: "The charts need plotly.js, which did not load." }));
  }
  const sized = (node, layout) => ({ ...layout, width: node.clientWidth, height: node.clientHeight });

  async function draw() {
    if (!plotly) return;
    const look = theme();
    const figures = [[heatmap, heatmapFigure(scene, look)], [norms, normFigure(scene, look, norms.clientHeight)]];
    await Promise.all(figures.map(([node, f]) => plotly.react(node, f.data, sized(node, f.layout), CONFIG)));
    for (const [node] of figures) {
      if (!node.dataset.bound) {
        node.on("plotly_click", (event) => onSeek(Number(event.points[0].x)));
        node.dataset.bound = "1";
      }
    }
  }

  function follow({ phase, t }) {
    const { T } = scene;
    if (phase === "forward") {
      overlays.heatmap.show(T, t, t + 1, T);
      overlays.norms.show(T, t, 0, T, scene.forwardOnly ? "no loss: forward only" : "press B to play the backward pass", true);
    } else {
      overlays.heatmap.show(T, t, 0, 0);
      overlays.norms.show(T, t, 0, t);
    }
  }

  /** Redraws when the scene changes (a promise, done once both charts show it). */
  function update({ scene: next, playhead, changed }) {
    if (!next) return undefined;
    let drawn;
    if (changed.has("scene")) {
      scene = next;
      drawn = draw();
    }
    if (["scene", "t", "phase"].some((k) => changed.has(k))) follow(playhead);
    return drawn;
  }

  /** Fit the plots to their boxes again (after the page's layout changed). */
  function resize() {
    if (!plotly || !scene) return;
    const changedSize = [heatmap, norms].some((node) => {
      const full = node._fullLayout;
      return full && (full.width !== node.clientWidth || full.height !== node.clientHeight);
    });
    if (changedSize) draw(); // a new height can need another spacing of the log ticks
  }

  return { update, resize };
}

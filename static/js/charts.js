// The two linked chart views under the stage, drawn with plotly.js (its cartesian bundle, from
// our own origin): the hidden state as a units × time heatmap, and ‖dL/dh_t‖ on a log axis.
// They draw after the stage has been painted, and plotly.js is loaded when they are first drawn,
// so the stage never waits for them. Plotly redraws only when the scene changes; the playhead is an
// overlay of our own, positioned in percentages of the plot area, so following it costs no
// plotly work. Colours and type are the page's CSS custom properties.

import { logAxis, unitTicks } from "./axes.js";
import { el } from "./dom.js";
import { afterPaint, loadScript } from "./load-script.js";
import { plotlyValueScale } from "./scales.js";

const CONFIG = { displayModeBar: false };

/** The page's colours and type, read from its CSS (static/css/unroll.css): the plot's own font
 * size (larger in presenter mode) sets the margins that hold the tick labels. */
function theme(plot) {
  const root = getComputedStyle(document.documentElement);
  const css = (name) => root.getPropertyValue(name).trim();
  const { fontFamily, fontSize } = getComputedStyle(plot);
  const size = parseFloat(fontSize);
  return {
    font: { family: fontFamily, size, color: css("--chart-ink") },
    margin: { l: Math.round(4.4 * size), r: Math.round(0.8 * size), t: Math.round(1.2 * size), b: Math.round(1.7 * size) },
    muted: css("--muted"), gradient: css("--gradient"), gradientSoft: css("--gradient-soft"),
    gradientGrid: css("--gradient-grid"), plot: css("--plot-bg"),
  };
}

function boundary(scene, colour) {
  const k = scene.decoderStart;
  if (k <= 0) return { shapes: [], annotations: [] };
  const note = (text, xanchor) => ({ xref: "x", yref: "paper", x: k - 0.5, y: 1, xanchor, yanchor: "bottom", text, showarrow: false, font: { color: colour } });
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

function heatmapFigure(scene, look, height) {
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
      margin: look.margin, font: look.font, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: look.plot,
      xaxis, yaxis: { ...yaxis, autorange: "reversed", showgrid: false, ...unitTicks(H, height - look.margin.t - look.margin.b, look.font.size) },
      ...boundary(scene, look.muted),
    },
  };
}

/** A log axis (axes.js) as plotly's: its range, and its ticks at the chosen decades. */
function plotlyTicks(axis) {
  return { range: axis.range, tickmode: "array", tickvals: axis.decades.map((d) => 10 ** d), ticktext: axis.labels };
}

function normFigure(scene, look, height) {
  const { trace, T } = scene;
  const norms = trace.steps.map((s) => (s.dh_norm > 0 ? s.dh_norm : null));
  const { xaxis, yaxis } = axes(T, "‖dL/dh‖");
  const plotHeight = height - look.margin.t - look.margin.b;
  return {
    data: [{
      type: "scatter", mode: T <= 120 ? "lines+markers" : "lines", x: trace.steps.map((s) => s.t), y: norms,
      line: { color: look.gradient, width: 2 }, marker: { color: look.gradient, size: 6 },
      hovertemplate: "t = %{x}<br>‖dL/dh‖ = %{y}<extra></extra>", connectgaps: false,
    }],
    layout: {
      margin: look.margin, font: look.font, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: look.gradientSoft, xaxis,
      yaxis: { ...yaxis, type: "log", gridcolor: look.gradientGrid, ...plotlyTicks(logAxis(scene.gradient, plotHeight, look.font.size)) },
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
  return {
    /** Lay the overlay over the plot area, inside the plot's margins. */
    place(margin) {
      Object.assign(node.style, { left: `${margin.l}px`, right: `${margin.r}px`, top: `${margin.t}px`, bottom: `${margin.b}px` });
    },
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

/** plotlySrc: the URL of plotly.js, loaded on the first drawing. */
export function createCharts({ heatmap, heatmapOverlay, norms, normsOverlay, plotlySrc, onSeek }) {
  const overlays = { heatmap: overlay(heatmapOverlay), norms: overlay(normsOverlay) };
  heatmapOverlay.hidden = normsOverlay.hidden = true; // until laid over a drawn plot
  let scene = null;
  let plotly = null; // window.Plotly, once loaded
  let loading = null; // the promise of that load
  let queued = null; // the promise of the next drawing, while it waits for a painted frame
  const sized = (node, layout) => ({ ...layout, width: node.clientWidth, height: node.clientHeight });

  const say = (text) => {
    for (const node of [heatmap, norms]) node.replaceChildren(el("p", { class: "chart-missing", text }));
  };

  /** plotly.js, loaded once; null when it cannot load. */
  async function load() {
    say("Loading the charts…");
    try {
      await loadScript(plotlySrc);
    } catch { /* said in the charts' boxes */ }
    plotly = window.Plotly ?? null;
    if (plotly) for (const node of [heatmap, norms]) node.replaceChildren();
    else say("The charts need plotly.js, which did not load.");
    return plotly;
  }
  const ready = () => (loading ??= load());

  /** Both charts, drawn after the stage has been painted (the first time, plotly.js is loaded
   * then); the changes of one frame are drawn once, with the latest scene. */
  function draw() {
    queued ??= afterPaint().then(() => {
      queued = null;
      return ready();
    }).then((found) => found && drawNow());
    return queued;
  }

  async function drawNow() {
    const look = theme(heatmap);
    for (const o of Object.values(overlays)) o.place(look.margin);
    heatmapOverlay.hidden = normsOverlay.hidden = false;
    const figures = [[heatmap, heatmapFigure(scene, look, heatmap.clientHeight)], [norms, normFigure(scene, look, norms.clientHeight)]];
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
    if (changed.has("scene") || (changed.has("presenting") && scene)) {
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

// The two linked chart views under the stage, drawn by the page itself (no chart library): the
// hidden state as a units × time heatmap (heatmap-chart.js) and ‖dL/dh_t‖ on a log axis
// (norm-chart.js). Both are drawn in the same task as the stage, a few milliseconds, and only when
// the scene or the box changes; the playhead and the veil over steps not yet computed are an
// overlay of our own, positioned in percentages of the plot area, so following the playhead
// redraws nothing. Hovering a chart gives the exact number under the pointer; a click seeks.

import { bindPointer, chartFont, chartLook } from "./chart-frame.js";
import { el } from "./dom.js";
import { drawHeatmap, unitAt } from "./heatmap-chart.js";
import { drawNorms } from "./norm-chart.js";

const VEIL_BEYOND = 4; // px: how far past the plot area a veil reaches, over a dot or the line drawn on its edge

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
      // at the plot's ends the veil reaches past its edges, over the dots and line drawn on them
      const [before, after] = [veilFrom === 0 ? VEIL_BEYOND : 0, veilTo === T ? VEIL_BEYOND : 0];
      Object.assign(veil.style, { left: `calc(${pct(veilFrom)} - ${before}px)`, width: `calc(${pct(veilTo - veilFrom)} + ${before + after}px)` });
      message.textContent = text || "";
      message.hidden = !text;
    },
  };
}

/** tooltip: the element that gives a hovered cell's or point's number (its parent holds both charts). */
export function createCharts({ heatmap, heatmapOverlay, norms, normsOverlay, tooltip, onSeek }) {
  const overlays = { heatmap: overlay(heatmapOverlay), norms: overlay(normsOverlay) };
  heatmapOverlay.hidden = normsOverlay.hidden = true; // until laid over a drawn plot
  let scene = null;
  const frames = new Map(); // box -> the frame drawn in it

  bindPointer(heatmap, tooltip, {
    frameOf: () => frames.get(heatmap),
    describe: (t, y, frame) => {
      const unit = unitAt(frame, scene.H, y);
      return `t = ${t}, unit ${unit}: h = ${String(scene.trace.steps[t].h[unit])}`;
    },
    onSeek,
  });
  bindPointer(norms, tooltip, {
    frameOf: () => frames.get(norms),
    describe: (t) => {
      const norm = scene.trace.steps[t].dh_norm;
      return norm === null ? `t = ${t}: no loss, no gradient` : `t = ${t}: ‖dL/dh‖ = ${String(norm)}`;
    },
    onSeek,
  });

  // The boxes' sizes and type, as last laid out: kept from the resize observer's reports, so that
  // drawing never forces the browser to lay the page out again in the middle of a redraw (read
  // at once only before the first report, and the type again in presenter mode).
  const sizes = new Map(); // box -> {width, height}
  let font = null;
  const sizeOf = (box) => sizes.get(box) ?? { width: box.clientWidth, height: box.clientHeight };

  function draw() {
    font ??= chartFont(heatmap);
    const look = chartLook(font, scene.decoderStart > 0);
    frames.set(heatmap, drawHeatmap(heatmap, sizeOf(heatmap), scene, look));
    frames.set(norms, drawNorms(norms, sizeOf(norms), scene, look));
    for (const o of Object.values(overlays)) o.place(look.margin);
    heatmapOverlay.hidden = normsOverlay.hidden = false;
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

  function update({ scene: next, playhead, changed }) {
    if (!next) return;
    if (changed.has("presenting")) font = null; // its type is larger
    if (changed.has("scene") || (changed.has("presenting") && scene)) {
      scene = next;
      draw();
    }
    if (["scene", "t", "phase"].some((k) => changed.has(k))) follow(playhead);
  }

  /** Draw again where a box's size is no longer the one drawn (a new height can need another
   * spacing of the ticks). */
  function resize() {
    if (!scene) return;
    const stale = [heatmap, norms].some((box) => {
      const [frame, size] = [frames.get(box), sizeOf(box)];
      return frame && (frame.width !== Math.floor(size.width) || frame.height !== Math.floor(size.height));
    });
    if (stale) draw();
  }

  // The charts' boxes change size without the stage's (presenter mode, a lesson's full stage).
  const observer = new ResizeObserver((entries) => {
    for (const { target, contentRect } of entries) sizes.set(target, { width: contentRect.width, height: contentRect.height });
    font = chartFont(heatmap); // laid out just now: reading the type costs nothing here
    resize();
  });
  observer.observe(heatmap);
  observer.observe(norms);

  return { update, resize };
}

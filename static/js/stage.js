// The stage view: the unrolled network, drawn from the scene and the playhead. A step's column is
// built once for the window and kept while only the playhead moves; the links, labels and the
// backward pass are redrawn on every move (a few dozen elements). Geometry is layout.js's.

import { replaceChildren, svg } from "./dom.js";
import { classRows, inputSource, stageLayout } from "./layout.js";
import { classLabel } from "./scene.js";
import { chipLines, drawColumn } from "./stage-column.js";
import { drawGradients } from "./stage-gradients.js";
import { drawBack, drawLinks, weightKey } from "./stage-links.js";
import { textMeasurer } from "./text-measure.js";

const GUTTER_LABELS = ["outputs y", "hidden h", "inputs x", "◀ 999 earlier", "◇ target"];
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

function markers() {
  return svg("defs", {}, [
    svg("marker", {
      id: "arrowhead", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: "auto-start-reverse", markerUnits: "userSpaceOnUse",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" })]),
    svg("marker", {
      id: "gradhead", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 4, markerHeight: 4, orient: "auto",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 z", class: "gradhead" })]),
  ]);
}

const TOP_CLASS_TEXT = 0.75; // em of a top class's label ("e 0.31"), in static/css/own-data.css
const ROW_LABEL = 0.85; // em of a row label ("outputs y") and
const CLASS_NAME = 0.8; // of a gutter's class name or axis label, in static/css/unroll.css
const BOLD = 1.12; // how much wider bold type is than the measured regular, at most

/** The widths text needs, once per scene and font: the narrowest column, the row labels' gutter. */
function textRoom(scene, textWidth) {
  const { trace } = scene;
  const labels = (vocab) => (vocab ?? []).map((_, k) => classLabel({ output_vocab: vocab }, k));
  const tokens = [...labels(trace.input_vocab), ...labels(trace.output_vocab), "<start>"];
  const numbers = scene.kind === "regression" || !trace.input_vocab
    ? ["−0.00", ...trace.steps.flatMap((s) => chipLines(s, true, scene.valueText))] : [];
  const many = trace.output_vocab && classRows(trace.output_size) < trace.output_size;
  const topClass = many ? Math.max(...labels(trace.output_vocab).map((c) => textWidth(`${c} 0.00`))) * TOP_CLASS_TEXT + 10 : 0;
  // A value axis's labels stand right of "outputs y" on the same line: room for both.
  const axis = scene.kind === "regression" ? [1, 0, -1].map((u) => textWidth(scene.valueText(u * scene.limits.y, 2))) : [0];
  return {
    minColumn: Math.max(topClass, ...[...tokens, ...numbers].map(textWidth)) + 22,
    gutter: Math.max(...[...GUTTER_LABELS, ...labels(trace.output_vocab)].map(textWidth),
      textWidth("outputs y") * ROW_LABEL * BOLD + Math.max(...axis) * CLASS_NAME + 12) + 16,
  };
}

/**
 * root: the [data-stage] element. onSeek(t): a step was clicked; onHighlight(key | null): a
 * weight label is lit; onWindow({start, end, total, windowed}): the drawn steps changed.
 */
export function createStage(root, { onSeek, onHighlight, onWindow }) {
  const svgRoot = svg("svg", { class: "stage-svg", role: "group", "aria-label": "The unrolled network" });
  const textWidth = textMeasurer(svgRoot);
  const layers = Object.fromEntries(["back", "links", "columns", "backward", "front"]
    .map((name) => [name, svg("g", { class: `layer-${name}` })]));
  svgRoot.append(markers(), ...Object.values(layers));
  root.replaceChildren(svgRoot);

  let drawn = { scene: null, width: 0, height: 0, room: null, fontSize: 14 };
  let columns = new Map(); // "t:revealed:focusable" -> the column's <g>
  let lastPlayhead = null;
  let lastWindow = null;
  let last = null; // the last update's {scene, playhead, playing}
  let litKey = null; // the weight whose copies are lit (the store's `weight`)

  /** Measure again when the scene, the stage's size or (`restyled`) its type changed. */
  function prepare(scene, restyled) {
    const box = root.getBoundingClientRect();
    const width = Math.floor(box.width);
    const height = Math.floor(box.height);
    if (!restyled && scene === drawn.scene && width === drawn.width && height === drawn.height) return;
    textWidth.refresh();
    drawn = { scene, width, height, room: textRoom(scene, textWidth), fontSize: parseFloat(getComputedStyle(svgRoot).fontSize) };
    columns = new Map();
    svgRoot.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svgRoot.setAttribute("width", width);
    svgRoot.setAttribute("height", height);
    Object.assign(root.dataset, { topology: scene.trace.topology, cell: scene.trace.cell, steps: scene.T });
  }

  function columnFor(ctx, step, revealed, focusable) {
    const id = `${step.t}:${revealed}:${focusable}`;
    let node = columns.get(id);
    if (!node) {
      const source = inputSource(ctx.scene.feedsBack, step, step.t);
      node = drawColumn({ ...ctx, source, key: (name) => weightKey(step.role, name) }, step, revealed, focusable);
      columns.set(id, node);
    }
    return node;
  }

  function draw(scene, playhead, playing, restyled = false) {
    prepare(scene, restyled);
    const animate = playing && !reducedMotion.matches;
    const layout = stageLayout({
      topology: scene.trace.topology, steps: scene.trace.steps, hiddenSize: scene.H, hasCellState: scene.hasC,
      kind: scene.kind, outputSize: scene.trace.output_size, width: drawn.width, height: drawn.height,
      gutter: drawn.room.gutter, minColumn: drawn.room.minColumn, focus: playhead.t, fontSize: drawn.fontSize,
    });
    const ctx = { layout, scene, textWidth };
    const wanted = new Set();
    const seen = new Set();
    const nodes = layout.columns.map((col) => {
      const step = scene.trace.steps[col.t];
      const revealed = playhead.phase === "backward" || col.t <= playhead.t;
      const focusable = !seen.has(step.role);
      seen.add(step.role);
      const node = columnFor(ctx, step, revealed, focusable);
      wanted.add(`${col.t}:${revealed}:${focusable}`);
      node.setAttribute("transform", `translate(${col.x},0)`);
      const entering = animate && playhead.phase === "forward" && col.t === playhead.t
        && lastPlayhead?.phase === "forward" && lastPlayhead.t === playhead.t - 1;
      node.classList.toggle("entering", Boolean(entering));
      return node;
    });
    for (const id of columns.keys()) if (!wanted.has(id)) columns.delete(id);
    layers.columns.replaceChildren(...nodes);
    replaceChildren(layers.back, drawBack(ctx, playhead));
    const { lines, labels } = drawLinks(ctx, playhead);
    replaceChildren(layers.links, lines);
    replaceChildren(layers.front, labels);
    replaceChildren(layers.backward, drawGradients(ctx, playhead, animate));
    lastPlayhead = playhead;
    showLit(litKey); // the new links and labels too
    const shown = layout.window;
    if (!lastWindow || ["start", "end", "total"].some((k) => lastWindow[k] !== shown[k])) {
      lastWindow = shown;
      onWindow(shown);
    }
  }

  function update({ scene, playhead, state, changed }) {
    if (!scene) {
      root.dataset.empty = "true";
      return;
    }
    delete root.dataset.empty;
    if (changed.has("status")) root.dataset.stale = String(state.status.kind === "failed");
    const relevant = ["scene", "t", "phase", "presenting"].some((k) => changed.has(k));
    last = { scene, playhead, playing: state.playing };
    litKey = state.weight;
    if (relevant) draw(scene, playhead, state.playing, changed.has("presenting"));
    else if (changed.has("weight")) showLit(litKey);
  }

  function resize() {
    if (last) draw(last.scene, last.playhead, false);
  }

  /** Light every copy of the weight `key` (the store's `weight`: a label hovered or focused, or
   * a lesson's highlight), and no other. */
  function showLit(key) {
    for (const node of svgRoot.querySelectorAll(".lit-weight")) node.classList.remove("lit-weight");
    if (key) for (const node of svgRoot.querySelectorAll(`[data-weight-key="${CSS.escape(key)}"]`)) node.classList.add("lit-weight");
  }
  // Hover and focus: a weight label asks for every copy of its weight to be lit.
  const light = (key) => onHighlight(key);
  const labelOf = (e) => e.target.closest?.(".weight");
  svgRoot.addEventListener("pointerover", (e) => { if (labelOf(e)) light(labelOf(e).dataset.weightKey); });
  svgRoot.addEventListener("pointerout", (e) => { if (labelOf(e)) light(null); });
  svgRoot.addEventListener("focusin", (e) => { if (labelOf(e)) light(labelOf(e).dataset.weightKey); });
  svgRoot.addEventListener("focusout", (e) => { if (labelOf(e)) light(null); });
  svgRoot.addEventListener("keydown", (e) => {
    if (labelOf(e) && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      e.stopPropagation();
      light(labelOf(e).dataset.weightKey);
    }
  });
  svgRoot.addEventListener("click", (e) => {
    if (labelOf(e)) return;
    const column = e.target.closest("[data-step]");
    if (column) onSeek(Number(column.dataset.step));
  });

  return { update, resize };
}

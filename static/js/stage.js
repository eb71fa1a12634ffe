// The stage view: the unrolled network, drawn from the scene and the playhead. A step's column is
// built once for the window and kept while only the playhead moves; the links, labels and the
// backward pass are redrawn on every move (a few dozen elements). Geometry is layout.js's.

import { replaceChildren, svg } from "./dom.js";
import { inputSource, stageLayout } from "./layout.js";
import { drawColumn } from "./stage-column.js";
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

/** `parent`'s children made exactly `nodes`, in order, moving only the ones that must move:
 * replacing them all would style and lay out every column again at each step played. */
function placeChildren(parent, nodes) {
  const keep = new Set(nodes);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, k) => {
    if (parent.children[k] !== node) parent.insertBefore(node, parent.children[k] ?? null);
  });
}

/** The widths text needs, once per scene and font: the narrowest column, the row labels' gutter. */
function textRoom(scene, textWidth) {
  const { trace } = scene;
  const tokens = [...(trace.input_vocab ?? []), ...(trace.output_vocab ?? []), "<start>"];
  const numbers = scene.kind === "regression" || !trace.input_vocab ? ["−0.00"] : [];
  return {
    minColumn: Math.max(...[...tokens, ...numbers].map(textWidth)) + 22,
    gutter: Math.max(...[...GUTTER_LABELS, ...(trace.output_vocab ?? [])].map(textWidth)) + 16,
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
      const transform = `translate(${col.x},0)`;
      if (node.getAttribute("transform") !== transform) node.setAttribute("transform", transform);
      const entering = animate && playhead.phase === "forward" && col.t === playhead.t
        && lastPlayhead?.phase === "forward" && lastPlayhead.t === playhead.t - 1;
      node.classList.toggle("entering", Boolean(entering));
      return node;
    });
    for (const id of columns.keys()) if (!wanted.has(id)) columns.delete(id);
    placeChildren(layers.columns, nodes);
    replaceChildren(layers.back, drawBack(ctx, playhead));
    const { lines, labels } = drawLinks(ctx, playhead);
    replaceChildren(layers.links, lines);
    replaceChildren(layers.front, labels);
    replaceChildren(layers.backward, drawGradients(ctx, playhead, animate));
    lastPlayhead = playhead;
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
    if (relevant) draw(scene, playhead, state.playing, changed.has("presenting"));
  }

  function resize() {
    if (last) draw(last.scene, last.playhead, false);
  }

  // Hover and focus: a weight label lights up every copy of its weight.
  function light(key) {
    for (const node of svgRoot.querySelectorAll(".lit-weight")) node.classList.remove("lit-weight");
    if (key) for (const node of svgRoot.querySelectorAll(`[data-weight-key="${CSS.escape(key)}"]`)) node.classList.add("lit-weight");
    onHighlight(key);
  }
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

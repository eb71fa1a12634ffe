// The stage view: the unrolled network, drawn from the scene and the playhead. A step's column is
// built once for the window and kept while only the playhead moves, and a new trace of the same
// shape (a new seed) is drawn into the last one's columns; the links, labels and the backward
// pass are redrawn on every move (a few dozen elements). Geometry is layout.js's.

import { placeChildren, replaceChildren, svg } from "./dom.js";
import { classRows, foldedLayout, inputSource, stageLayout, unfoldingX } from "./layout.js";
import { classLabel } from "./scene.js";
import { chipLines, drawColumn } from "./stage-column.js";
import { drawFold } from "./stage-fold.js";
import { drawGradients } from "./stage-gradients.js";
import { drawBack, drawLinks, weightKey } from "./stage-links.js";
import { textMeasurer } from "./text-measure.js";

const GUTTER_LABELS = ["outputs y", "hidden h", "inputs x", "◀ 999 earlier", "◇ target"];
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
const UNFOLD_MS = 1100;
const ease = (u) => (u < 0.5 ? 2 * u * u : 1 - (-2 * u + 2) ** 2 / 2); // in and out
const clamp01 = (u) => Math.min(1, Math.max(0, u));

function markers() {
  return svg("defs", {}, [
    svg("marker", {
      id: "arrowhead", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: "auto-start-reverse", markerUnits: "userSpaceOnUse",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" })]),
    svg("marker", {
      // A fixed size: scaled by a thick gradient's stroke it grew over the W_hh label above it.
      id: "gradhead", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 12, markerHeight: 12, orient: "auto",
      markerUnits: "userSpaceOnUse",
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

/** A column is a step to select: the playhead's is the stage's one Tab stop (roving), Enter opens it. */
function stepFocus(node, step, atPlayhead) {
  const input = step.x_label ?? step.x.map((v) => Number(v.toPrecision(3))).join(", ");
  node.setAttribute("tabindex", atPlayhead ? "0" : "-1");
  node.setAttribute("role", "group");
  node.setAttribute("aria-label", `step t = ${step.t}, input ${input}: ← → move the playhead, Enter opens the step in the inspector`);
}

/** The drawn element of a lit unit ({what: "h"|"c"|"p"|"y", t, unit}; store.litUnit). */
function unitSelector({ what, t, unit }) {
  const index = { h: "unit", c: "unit", p: "class", y: "dim" }[what];
  return `[data-${what}][data-t="${t}"][data-${index}="${unit}"]`;
}

/**
 * root: the [data-stage] element. onSeek(t): a step was clicked; onSelect(): Enter on the stage
 * (open the playhead's step); onHighlight(key | null): a weight label is lit;
 * onWindow({start, end, total, windowed}): the drawn steps changed.
 */
export function createStage(root, { onSeek, onSelect, onHighlight, onWindow }) {
  const svgRoot = svg("svg", { class: "stage-svg", role: "group", "aria-label": "The unrolled network" });
  const textWidth = textMeasurer(svgRoot);
  const layers = Object.fromEntries(["back", "links", "columns", "backward", "front", "fold"]
    .map((name) => [name, svg("g", { class: `layer-${name}` })]));
  svgRoot.append(markers(), ...Object.values(layers));
  root.replaceChildren(svgRoot);

  let drawn = { scene: null, width: 0, height: 0, room: null, fontSize: 14 };
  let columns = new Map(); // columnId(…) -> the column's <g>
  let previous = new Map(); // the columns of the drawing before a new scene or size, drawn into
  let lastPlayhead = null;
  let lastWindow = null;
  let last = null; // the last update's {scene, playhead, playing}
  let litKey = null; // the weight whose copies are lit (the store's `weight`)
  // Folded (0) … unfolded (1); while it moves, `frame` is its animation and `target` where it goes.
  const fold = { u: 1, target: 1, frame: null, drawn: null };

  /** Measure again when the scene, the stage's size or (`restyled`) its type changed. */
  function prepare(scene, restyled) {
    const box = root.getBoundingClientRect();
    const width = Math.floor(box.width);
    const height = Math.floor(box.height);
    if (!restyled && scene === drawn.scene && width === drawn.width && height === drawn.height) return;
    textWidth.refresh();
    drawn = { scene, width, height, room: textRoom(scene, textWidth), fontSize: parseFloat(getComputedStyle(svgRoot).fontSize) };
    previous = columns;
    columns = new Map();
    svgRoot.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svgRoot.setAttribute("width", width);
    svgRoot.setAttribute("height", height);
    Object.assign(root.dataset, { topology: scene.trace.topology, cell: scene.trace.cell, steps: scene.T });
  }

  /** A column's key: its step and state, and its width, the one part of its geometry that changes
   * with the playhead in one scene and size (the window's count of steps, seq2seq's context gap). */
  const columnId = (layout, t, revealed, focusable) => `${t}:${revealed}:${focusable}:${layout.column}`;

  /** What a drawing at `playhead` lays out, and reads from: the layout, the scene, the text's widths. */
  function contextAt(scene, playhead) {
    const layout = stageLayout({
      topology: scene.trace.topology, steps: scene.trace.steps, hiddenSize: scene.H, hasCellState: scene.hasC,
      kind: scene.kind, outputSize: scene.trace.output_size, width: drawn.width, height: drawn.height,
      gutter: drawn.room.gutter, minColumn: drawn.room.minColumn, focus: playhead.t, fontSize: drawn.fontSize,
    });
    return { layout, scene, textWidth };
  }

  /** The column of each step `ctx` lays out, as a drawing at `playhead` shows it: from the cache,
   * or drawn and kept there (into the last scene's column of that step and state, if any). */
  function columnsAt(ctx, playhead) {
    const seen = new Set();
    return ctx.layout.columns.map((col) => {
      const step = ctx.scene.trace.steps[col.t];
      const revealed = playhead.phase === "backward" || col.t <= playhead.t;
      const focusable = !seen.has(step.role);
      seen.add(step.role);
      const id = columnId(ctx.layout, col.t, revealed, focusable);
      let node = columns.get(id);
      if (!node) {
        const source = inputSource(ctx.scene.feedsBack, step, step.t);
        node = drawColumn({ ...ctx, source, key: (name) => weightKey(step.role, name) }, step, revealed, focusable, previous.get(id));
        previous.delete(id);
        columns.set(id, node);
      }
      return { col, node, id };
    });
  }

  // Playing, the next step's new columns (the one it reveals, the one it brings into view) are
  // built while the page waits for that step, so that its frame only places them: building them
  // was most of a step's work, and with the page's other work made it miss its frame.
  // (A browser without requestIdleCallback builds them in the step's frame, as before.)
  // They are built only if the player still plays from where it asked (each draw cancels a wait).
  let building = 0;
  function buildNext(scene, playhead) {
    if (!window.requestIdleCallback) return;
    const t = playhead.t + (playhead.phase === "forward" ? 1 : -1);
    if (t < 0 || t >= scene.T) return;
    const next = { ...playhead, t };
    building = requestIdleCallback(() => {
      const still = last?.playing && last.scene === scene && last.playhead.t === playhead.t && last.playhead.phase === playhead.phase;
      if (still && drawn.scene === scene) columnsAt(contextAt(scene, next), next);
    });
  }

  function draw(scene, playhead, playing, restyled = false) {
    if (window.cancelIdleCallback) cancelIdleCallback(building);
    prepare(scene, restyled);
    if (drawn.width < 1 || drawn.height < 1) return; // not laid out yet (a grid changing): drawn on its resize
    const animate = playing && !reducedMotion.matches;
    const ctx = contextAt(scene, playhead);
    const { layout } = ctx;
    const wanted = new Set();
    const placed = columnsAt(ctx, playhead);
    previous = new Map(); // what this drawing did not draw into leaves the stage
    const nodes = placed.map(({ col, node, id }) => {
      wanted.add(id);
      const transform = `translate(${col.x},0)`;
      if (node.getAttribute("transform") !== transform) node.setAttribute("transform", transform);
      const entering = animate && playhead.phase === "forward" && col.t === playhead.t
        && lastPlayhead?.phase === "forward" && lastPlayhead.t === playhead.t - 1;
      node.classList.toggle("entering", Boolean(entering));
      return node;
    });
    for (const id of columns.keys()) if (!wanted.has(id)) columns.delete(id);
    const hadFocus = document.activeElement?.matches?.(".stage-svg [data-step]"); // a column: the focus follows the playhead
    layout.columns.forEach((col, i) => stepFocus(nodes[i], scene.trace.steps[col.t], col.t === playhead.t));
    const folded = foldedLayout(layout);
    fold.drawn = { layout, folded, nodes, focus: playhead.t };
    if (fold.u === 0 && !fold.frame) { // folded and still: the playhead's cell alone, with its loop
      const node = nodes[layout.columns.findIndex((c) => c.t === playhead.t)];
      node.setAttribute("transform", `translate(${folded.x},0)`);
      layers.columns.replaceChildren(node);
      for (const name of ["back", "links", "front", "backward"]) layers[name].replaceChildren();
      replaceChildren(layers.fold, drawFold(folded, scene, scene.trace.steps[playhead.t].role));
    } else {
      placeChildren(layers.columns, nodes);
      replaceChildren(layers.back, drawBack(ctx, playhead));
      const { lines, labels } = drawLinks(ctx, playhead);
      replaceChildren(layers.links, lines);
      replaceChildren(layers.front, labels);
      replaceChildren(layers.backward, drawGradients(ctx, playhead, animate));
      replaceChildren(layers.fold, fold.frame ? drawFold(folded, scene, scene.trace.steps[playhead.t].role) : []);
      if (fold.frame) placeFolding(fold.u);
    }
    if (hadFocus) nodes[layout.columns.findIndex((c) => c.t === playhead.t)]?.focus();
    if (!fold.frame) clearFolding();
    if (fold.u < 1) root.dataset.folded = "true";
    else delete root.dataset.folded;
    lastPlayhead = playhead;
    if (playing) buildNext(scene, playhead);
    showLit(litKey); // the new links and labels too
    const shown = layout.window;
    if (!lastWindow || ["start", "end", "total"].some((k) => lastWindow[k] !== shown[k])) {
      lastWindow = shown;
      onWindow(shown);
    }
  }

  /** Mid-animation: every column `u` of the way out from the fold, links fading in late. */
  function placeFolding(u) {
    const { layout, folded, nodes, focus } = fold.drawn;
    const e = ease(u);
    layout.columns.forEach((col, i) => {
      nodes[i].setAttribute("transform", `translate(${unfoldingX(col, folded, e)},0)`);
      if (col.t !== focus) nodes[i].setAttribute("opacity", clamp01(e * 1.6));
    });
    const late = clamp01((u - 0.6) / 0.4);
    for (const name of ["back", "links", "front", "backward"]) layers[name].setAttribute("opacity", late);
    layers.fold.setAttribute("opacity", 1 - clamp01(u / 0.4));
  }

  /** The steady drawing keeps nothing of an animation. */
  function clearFolding() {
    for (const node of [...Object.values(layers), ...(fold.drawn?.nodes ?? [])]) node.removeAttribute("opacity");
  }

  /** The animation's end (or an interruption): the steady drawing at `fold.target`. */
  function settleFold() {
    if (fold.frame) cancelAnimationFrame(fold.frame);
    fold.frame = null;
    fold.u = fold.target;
  }

  /** Fold (target 0) or unfold (1): animated, or at once under reduced motion. */
  function animateFold(target) {
    fold.target = target;
    if (reducedMotion.matches || !last) {
      settleFold();
      if (last) draw(last.scene, last.playhead, false);
      return;
    }
    const from = fold.u;
    const start = performance.now();
    const duration = UNFOLD_MS * Math.abs(target - from);
    const tick = (now) => {
      const k = duration ? clamp01((now - start) / duration) : 1;
      fold.u = from + (target - from) * k;
      if (k >= 1) {
        settleFold();
        draw(last.scene, last.playhead, false);
        performance.mark(target ? "unroll:unfolded" : "unroll:folded");
        return;
      }
      placeFolding(fold.u);
      fold.frame = requestAnimationFrame(tick);
    };
    if (!fold.frame) {
      fold.frame = requestAnimationFrame(tick);
      draw(last.scene, last.playhead, false); // every column, from where the fold has them
    } else {
      cancelAnimationFrame(fold.frame);
      fold.frame = requestAnimationFrame(tick);
    }
  }

  function update({ scene, playhead, state, changed }) {
    if (changed.has("folded") && !last) fold.u = fold.target = state.folded ? 0 : 1; // nothing drawn yet
    if (!scene) {
      root.dataset.empty = "true";
      return;
    }
    delete root.dataset.empty;
    if (changed.has("status")) root.dataset.stale = String(state.status.kind === "failed");
    const relevant = ["scene", "t", "phase", "presenting"].some((k) => changed.has(k));
    const drawnBefore = last !== null;
    last = { scene, playhead, playing: state.playing };
    litKey = state.weight;
    if (relevant && fold.frame) settleFold(); // a move ends the animation where it was going
    if (relevant) draw(scene, playhead, state.playing, changed.has("presenting"));
    else if (changed.has("folded") && drawnBefore) animateFold(state.folded ? 0 : 1);
    else if (changed.has("weight")) showLit(litKey);
    if (relevant || changed.has("litUnit")) lightUnit(state.litUnit);
  }

  /** The unit a number of the inspector belongs to, outlined (none: null). */
  function lightUnit(unit) {
    for (const node of svgRoot.querySelectorAll(".lit-unit")) node.classList.remove("lit-unit");
    if (unit) for (const node of svgRoot.querySelectorAll(unitSelector(unit))) node.classList.add("lit-unit");
  }

  function resize() {
    if (last) draw(last.scene, last.playhead, false); // mid-fold, the animation goes on in the new layout
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
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.defaultPrevented) return;
    const column = e.target === root ? null : e.target.closest?.("[data-step]");
    if (e.target !== root && e.target !== column) return; // Enter on a weight label is its own
    e.preventDefault();
    if (column) onSeek(Number(column.dataset.step));
    onSelect();
  });
  svgRoot.addEventListener("click", (e) => {
    if (labelOf(e)) return;
    const column = e.target.closest("[data-step]");
    if (column) onSeek(Number(column.dataset.step));
  });

  return { update, resize };
}

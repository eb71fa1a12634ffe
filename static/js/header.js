// The stage's header view: what is drawn (title and summary), a hint, and whether the drawing
// is stale (the last request was refused) or why nothing is drawn.

import { el, replaceChildren } from "./dom.js";
import { count, short } from "./format.js";

function defaultHint(scene) {
  const feedback = scene.feedsBack ? (scene.trace.teacher_forcing ? " Dashed: the target fed back (teacher forcing)."
    : " Dashed: each output fed back as the next input.") : "";
  const values = scene.kind === "regression" ? " ● ŷ, ◇ target." : "";
  const readouts = scene.trace.steps[0].readout ? " Dashed boxes: what it would answer if the input ended there." : "";
  return `Hover a weight label (W_ih, W_hh, W_hy) to light every copy.${values}${readouts}${feedback}`;
}

/** The hint while a weight is lit: its shape, and how many steps share it. */
function weightHint(scene, key) {
  const { trace, paramShapes } = scene;
  const [block, name] = key.includes(".") ? key.split(".") : [null, key];
  const shape = block ? paramShapes[block]?.[name] : paramShapes[name];
  if (!shape) return null; // a weight this network does not have (a lesson's, before its trace arrives)
  const [rows, columns] = shape;
  const users = trace.steps.filter((s) => (name === "W_hy" ? s.y !== null : !block || s.role === block)).length;
  return `${block ? `${block} ` : ""}${name}: one ${rows}×${columns} matrix (${rows * columns} numbers), shared by all ${users} steps that use it.`;
}

function sentence(text) {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function setText(node, text) {
  node.textContent = text;
  node.title = text;
}

/** The title, its parts ("LSTM", "H = 64") each kept on one line where it wraps (presenter mode):
 * the same text, a line broken only after a " · ". */
function setTitle(node, text) {
  const parts = text.split(" · ");
  replaceChildren(node, parts.flatMap((part, k) => [k ? " · " : null, el("span", { class: "title-part", text: part })]));
  node.title = text;
}

/** nodes: {title, summary, hint, status} elements. */
export function createHeader(nodes) {
  function update({ scene, state, changed }) {
    if (changed.has("status")) {
      const failed = state.status.kind === "failed";
      const kind = scene ? "stale" : "empty";
      nodes.status.hidden = !failed;
      nodes.status.dataset.kind = kind;
      nodes.status.textContent = !failed ? "" : kind === "stale"
        ? `Not redrawn: ${sentence(state.status.message)} The drawing is still the previous view.`
        : `Nothing to draw: ${state.status.message}`;
    }
    if (!scene || !["scene", "stageWindow", "weight"].some((k) => changed.has(k))) return;
    const drawn = state.stageWindow;
    const part = drawn?.windowed ? ` (t = ${drawn.start}–${drawn.end - 1} shown)` : "";
    setTitle(nodes.title, `${scene.title}${part}`);
    const { T, outputs } = scene;
    const trained = scene.weightsNote ? `${scene.weightsNote} · ` : "";
    const shared = T === 1 ? "used once (T = 1)" : `shared by all ${T} steps`;
    const loss = scene.forwardOnly ? "forward only: no targets, so no loss"
      : `loss L = ${short(scene.trace.loss, 4)} (mean of ${outputs} output${outputs === 1 ? "" : "s"})`;
    nodes.summary.textContent = `${trained}${count(scene.params)} parameters, ${shared} · ${loss}`;
    setText(nodes.hint, (state.weight && weightHint(scene, state.weight)) || defaultHint(scene));
  }
  return { update, resize() {} };
}

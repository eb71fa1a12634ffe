// The inspector view: the playhead step's numbers, as the API sent them (full precision on hover).

import { el, replaceChildren } from "./dom.js";
import { fixed, short, sub } from "./format.js";
import { valueColor } from "./scales.js";

const SHOWN = 12; // values listed before "… and N more"

/** A vector as a row of coloured chips with values; the first SHOWN, then a count. */
function vector(values, limit) {
  const items = values.slice(0, SHOWN).map((v) => el("span", { class: "chip", title: String(v) }, [
    el("i", { class: "dot", "aria-hidden": "true" }), short(v)]));
  items.forEach((item, k) => { item.firstChild.style.background = valueColor(values[k], limit); });
  const more = values.length > SHOWN ? el("span", { class: "more", text: `… and ${values.length - SHOWN} more` }) : null;
  return el("div", { class: "vector" }, [...items, more]);
}

function row(label, content) {
  return el("div", { class: "row" }, [el("dt", { text: label }), el("dd", {}, [content])]);
}

function text(value, title = null) {
  return el("span", { text: value, title });
}

function forwardRows(scene, step) {
  const rows = [row(`h${sub(step.t)}`, vector(step.h, scene.limits.h))];
  if (step.c) rows.push(row(`c${sub(step.t)}`, vector(step.c, scene.limits.c)));
  for (const [name, values] of Object.entries(step.gates ?? {})) rows.push(row(`gate ${name}`, vector(values, 1)));
  if (step.p) {
    const best = scene.best[step.t];
    rows.push(row("p = softmax(y)", el("ul", { class: "probabilities" }, step.p.map((p, k) => el("li", {
      class: [k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim() || null,
      title: String(p),
      text: `${scene.trace.output_vocab?.[k] ?? k}: ${fixed(p, 3)}${k === step.target ? "  ← target" : ""}`,
    })))));
  } else if (step.y) {
    rows.push(row("ŷ", text(step.y.map((v) => short(v, 4)).join(", "), step.y.map(String).join(", "))));
    rows.push(row("target", text(step.target.map((v) => short(v, 4)).join(", "), step.target.map(String).join(", "))));
  }
  if (step.loss !== null) rows.push(row("loss", text(short(step.loss, 4), String(step.loss))));
  return rows;
}

function backwardRows(step) {
  const contrib = Object.entries(step.grad_contrib).map(([name, v]) => `${name} ${short(v, 2)}`).join(" · ");
  return [
    row("‖dL/dh‖", text(short(step.dh_norm, 4), String(step.dh_norm))),
    row(`dL/dh${sub(step.t)}`, vector(step.dh, Math.max(...step.dh.map(Math.abs), 1e-300))),
    row("this step's share", text(contrib, "the norm of this step's term in each shared weight's gradient")),
  ];
}

export function createInspector(root) {
  function update({ scene, playhead, changed }) {
    if (!scene || !["scene", "t", "phase"].some((k) => changed.has(k))) return;
    const step = scene.trace.steps[playhead.t];
    const where = step.role === "step" ? "" : ` · ${step.role}`;
    const input = step.x_label ?? step.x.map((v) => short(v)).join(", ");
    const nodes = [
      el("h2", { text: `Step t = ${step.t}${where} · input “${input}”` }),
      el("p", { class: "equation", text: scene.cell.equation }),
      el("h3", { text: "Forward" }), el("dl", { class: "values" }, forwardRows(scene, step)),
    ];
    if (playhead.phase === "backward") nodes.push(el("h3", { text: "Backward" }), el("dl", { class: "values" }, backwardRows(step)));
    else nodes.push(el("p", { class: "hint", text: "Press B to send the gradient back through time." }));
    replaceChildren(root, nodes);
  }
  return { update, resize() {} };
}

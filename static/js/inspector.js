// The inspector view: the playhead step's numbers, as the API sent them (full precision on hover).

import { el, replaceChildren } from "./dom.js";
import { fixed, short, sub, visible } from "./format.js";
import { MANY_CLASSES } from "./layout.js";
import { valueColor } from "./scales.js";
import { topClasses } from "./scene.js";

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
    // Every class, or past MANY_CLASSES the most probable first (and the target, wherever it is).
    const many = step.p.length > MANY_CLASSES;
    const listed = many ? [...new Set([...topClasses(step.p, SHOWN), ...(step.target === null ? [] : [step.target])])] : step.p.keys();
    const items = [...listed].map((k) => el("li", {
      class: [k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim() || null,
      title: String(step.p[k]),
      text: `${visible(scene.trace.output_vocab?.[k]) ?? k}: ${fixed(step.p[k], 3)}${k === step.target ? "  ← target" : ""}`,
    }));
    if (many) items.push(el("li", { class: "more", text: `… the other ${step.p.length - items.length} of ${step.p.length} are smaller` }));
    rows.push(row(many ? "p, largest" : "p = softmax(y)", el("ul", { class: "probabilities" }, items)));
  } else if (step.y) {
    // In a series' own units (mean + std·y); the exact numbers on hover are the network's.
    const shown = (values) => text(values.map((v) => scene.valueText(v, 4)).join(", "), values.map(String).join(", "));
    rows.push(row("ŷ", shown(step.y)));
    rows.push(row("target", step.target ? shown(step.target) : text("none known")));
  }
  if (step.y && step.loss === null) rows.push(row("loss", text("none: no target here")));
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
    const input = step.x_label !== null ? visible(step.x_label) : step.x.map((v) => scene.valueText(v)).join(", ");
    const nodes = [
      el("h2", { text: `Step t = ${step.t}${where} · input “${input}”` }),
      el("p", { class: "equation", text: scene.cell.equation }),
      el("h3", { text: "Forward" }), el("dl", { class: "values" }, forwardRows(scene, step)),
    ];
    if (scene.trace.normalisation) {
      nodes.push(el("p", { class: "hint", text: "Values in your series' units: mean + std·(the network's number); hover for the network's own." }));
    }
    if (playhead.phase === "backward") nodes.push(el("h3", { text: "Backward" }), el("dl", { class: "values" }, backwardRows(step)));
    else if (scene.forwardOnly) {
      nodes.push(el("h3", { text: "Backward" }), el("p", {
        class: "hint forward-only", "data-forward-only": "",
        text: "No loss: forward only. No output has a target, so there is no loss and no gradient to send back (give targets to get them).",
      }));
    } else nodes.push(el("p", { class: "hint", text: "Press B to send the gradient back through time." }));
    replaceChildren(root, nodes);
  }
  return { update, resize() {} };
}

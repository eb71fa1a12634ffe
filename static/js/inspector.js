// The inspector: the playhead step's numbers, as the API sent them (full precision on hover).

import { el, replaceChildren } from "./dom.js";
import { fixed, short } from "./format.js";
import { valueColor } from "./scales.js";
import { sub } from "./stage-column.js";

const SHOWN = 12; // values listed before "… and N more"

const EQUATIONS = {
  "rnn-tanh": "h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)",
  "rnn-relu": "h_t = relu(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)",
  lstm: "i, f, g, o gates from x_t and h_{t−1};  c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)",
  gru: "r, z gates;  n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{t−1} + b_hn));  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}",
};

/** A vector as a row of coloured chips with values; the first SHOWN, then a count. */
function vector(values, limit) {
  const items = values.slice(0, SHOWN).map((v) => el("span", {
    class: "chip", title: String(v),
  }, [el("i", { class: "dot", "aria-hidden": "true" }), short(v)]));
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

export function createInspector(root) {
  function render(trace, playhead, limits) {
    const step = trace.steps[playhead.t];
    const where = step.role === "step" ? "" : ` · ${step.role}`;
    const input = step.x_label ?? step.x.map((v) => short(v)).join(", ");
    const nodes = [el("h2", { text: `Step t = ${step.t}${where} · input “${input}”` })];
    const cellKey = trace.cell === "rnn" ? `rnn-${trace.activation}` : trace.cell;
    nodes.push(el("p", { class: "equation", text: EQUATIONS[cellKey] }));

    const forward = [];
    forward.push(row(`h${sub(step.t)}`, vector(step.h, limits.h)));
    if (step.c) forward.push(row(`c${sub(step.t)}`, vector(step.c, limits.c)));
    if (step.gates) {
      for (const [name, values] of Object.entries(step.gates)) forward.push(row(`gate ${name}`, vector(values, 1)));
    }
    if (step.p) {
      const best = step.p.indexOf(Math.max(...step.p));
      const list = el("ul", { class: "probabilities" }, step.p.map((p, k) => el("li", {
        class: [k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim() || null,
        title: String(p),
        text: `${trace.output_vocab?.[k] ?? k}: ${fixed(p, 3)}${k === step.target ? "  ← target" : ""}`,
      })));
      forward.push(row("p = softmax(y)", list));
    } else if (step.y) {
      forward.push(row("ŷ", text(step.y.map((v) => short(v, 4)).join(", "), step.y.map(String).join(", "))));
      forward.push(row("target", text(step.target.map((v) => short(v, 4)).join(", "), step.target.map(String).join(", "))));
    }
    if (step.loss !== null) forward.push(row("loss", text(short(step.loss, 4), String(step.loss))));
    nodes.push(el("h3", { text: "Forward" }), el("dl", { class: "values" }, forward));

    if (playhead.phase === "backward") {
      const backward = [
        row("‖dL/dh‖", text(short(step.dh_norm, 4), String(step.dh_norm))),
        row(`dL/dh${sub(step.t)}`, vector(step.dh, Math.max(...step.dh.map(Math.abs), 1e-300))),
      ];
      const contrib = Object.entries(step.grad_contrib).map(([name, v]) => `${name} ${short(v, 2)}`).join(" · ");
      backward.push(row("this step's share", text(contrib, "the norm of this step's term in each shared weight's gradient")));
      nodes.push(el("h3", { text: "Backward" }), el("dl", { class: "values" }, backward));
    } else {
      nodes.push(el("p", { class: "hint", text: "Press B to send the gradient back through time." }));
    }
    replaceChildren(root, nodes);
  }
  return { render };
}

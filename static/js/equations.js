// One step's equations as data (docs/page.md, "The inspector"): for each cell, the lines the
// inspector typesets, forward and backward, each a formula in a small TeX-like notation whose
// `$name` slots are the numbers of /api/explain (docs/api.md) under that name. The page computes
// nothing: a slot shows the API's number. No DOM: mathml.js typesets what this describes.
//
// Notation: `W_{ih}·x_t` (a run of Latin letters is one identifier; `_` and `^` take the next
// atom or {group}), `"text"` is text, `$Wx_h` a number or vector of the answer, and ` & ` a
// place where a long line may wrap.

/** The tokens of a formula: {kind: "mi"|"mn"|"mo"|"mtext"|"value"|"open"|"close"|"sub"|"sup", text}. */
function tokens(text) {
  const out = [];
  const pattern = /\s+|\$(\w+)|"([^"]*)"|([A-Za-z]+)|(\d+(?:\.\d+)?)|([_^{}])|(.)/gu;
  for (const m of text.matchAll(pattern)) {
    if (m[1]) out.push({ kind: "value", text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: "mtext", text: m[2] });
    else if (m[3]) out.push({ kind: "mi", text: m[3] });
    else if (m[4]) out.push({ kind: "mn", text: m[4] });
    else if (m[5]) out.push({ kind: { _: "sub", "^": "sup", "{": "open", "}": "close" }[m[5]], text: m[5] });
    else if (m[6]) out.push({ kind: /[∂σαβγδεζηθλμνξπρτφχψω]/u.test(m[6]) ? "mi" : "mo", text: m[6] });
  }
  return out;
}

/**
 * A formula as a tree: {kind: "row", children} of leaves {kind: "mi"|"mn"|"mo"|"mtext", text},
 * slots {kind: "value", name}, and {kind: "script", base, sub, sup} (sub or sup may be null).
 */
export function parseFormula(text) {
  const list = tokens(text);
  let i = 0;
  function atom() {
    const token = list[i++];
    if (!token) return { kind: "row", children: [] };
    if (token.kind === "open") return row("close");
    if (token.kind === "value") return { kind: "value", name: token.text };
    return { kind: token.kind, text: token.text };
  }
  function row(until) {
    const children = [];
    while (i < list.length && list[i].kind !== until) {
      const kind = list[i].kind;
      if ((kind === "sub" || kind === "sup") && children.length) {
        i++;
        const last = children[children.length - 1];
        const script = last.kind === "script" ? last : { kind: "script", base: last, sub: null, sup: null };
        script[kind] = atom();
        children[children.length - 1] = script;
      } else {
        children.push(atom());
      }
    }
    i++; // the closing brace (or the end)
    return { kind: "row", children };
  }
  return row(null);
}

/** A formula's pieces, split where a long line may wrap (` & `). */
export function formulaPieces(text) {
  return text.split(" & ").map(parseFormula);
}

const ACTIVATION = { sigmoid: "σ", tanh: "tanh", relu: "ReLU" };
const GATE_WORDS = {
  i: "input gate i", f: "forget gate f", g: "candidate g", o: "output gate o",
  r: "reset gate r", z: "update gate z", n: "candidate n",
};

/** The lines of one gate block k (LSTM, GRU): its four terms, its pre-activation and the gate. */
function gateBlock(k, activation, preActivation = null) {
  return {
    title: GATE_WORDS[k],
    lines: [
      `W_{i${k}}·x_t & = $Wx_${k}`,
      `W_{h${k}}·h_{t−1} & = $Wh_${k}`,
      `b_{i${k}} + b_{h${k}} & = $bx_${k} & + $bh_${k}`,
      preActivation ?? `a_${k} = "sum of the four" & = $a_${k}`,
      `${k} = ${ACTIVATION[activation]}(a_${k}) & = $${k}`,
    ],
  };
}

/** What a forward pass reads: x_t (a token's one-hot, or its numbers) and the state before. */
function inputs(answer, xLabel, hasC) {
  const x = xLabel === null ? "x_t & = $x" : `x_t = "one-hot(“${xLabel}”)"`;
  return { title: "what the step reads", lines: [x, "h_{t−1} & = $h_prev", ...(hasC ? ["c_{t−1} & = $c_prev"] : [])] };
}

/** The output layer's lines at a step with an output. */
function outputLines(answer, kind, targetLabel) {
  const f = answer.forward;
  if (f.y === null) return [];
  const lines = ["y_t = W_{hy}·h_t + b_y & = $y"];
  if (kind === "classification") {
    lines.push("p_t = softmax(y_t) & = $p");
    if (f.target !== null) {
      lines.push(`target = $target ${targetLabel === null ? "" : `"  (“${targetLabel}”)"`}`,
        "loss_t = −log p_t[target] & = $loss");
    }
  } else if (f.target !== null) {
    lines.push("target & = $target", "loss_t = mean((y_t − target)^2) & = $loss");
  }
  return [{ title: "the output", lines }];
}

/** Each cell's forward sections (before the output), from the cell and activation. */
const FORWARD = {
  rnn: (activation) => [{
    title: "the pre-activation aₜ",
    lines: ["W_{ih}·x_t & = $Wx_h", "W_{hh}·h_{t−1} & = $Wh_h", "b_{ih} + b_{hh} & = $bx_h & + $bh_h",
      `a_t = "sum of the four" & = $a_h`],
  }, { title: "the new state", lines: [`h_t = ${ACTIVATION[activation]}(a_t) & = $h`] }],
  lstm: () => [
    gateBlock("i", "sigmoid"), gateBlock("f", "sigmoid"), gateBlock("g", "tanh"), gateBlock("o", "sigmoid"),
    { title: "the cell state and the new state", lines: ["c_t = f ⊙ c_{t−1} + i ⊙ g & = $c", "h_t = o ⊙ tanh(c_t) & = $h"] },
  ],
  gru: () => [
    gateBlock("r", "sigmoid"), gateBlock("z", "sigmoid"),
    gateBlock("n", "tanh", "a_n = W_{in}·x_t + b_{in} & + r ⊙ (W_{hn}·h_{t−1} + b_{hn}) & = $a_n"),
    { title: "the new state", lines: ["h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} & = $h"] },
  ],
};

/** Where dL/dh_t comes from: this step's output and the step after. */
const SPLIT = {
  title: "where ∂L/∂hₜ comes from",
  lines: [`"through the output:" & W_{hy}^⊤·∂L/∂y_t & = $dh_out`,
    `"from step t+1:" & (∂h_{t+1}/∂h_t)^⊤·∂L/∂h_{t+1} & = $dh_next`,
    `∂L/∂h_t = "the two together" & = $dh`],
};

/** Each cell's backward sections after the split: through the activations, then what goes back. */
const BACKWARD = {
  rnn: (activation) => [{
    title: "through the activation, back to hₜ₋₁",
    lines: [
      activation === "relu" ? "∂L/∂a_t = & ∂L/∂h_t ⊙ 1[a_t > 0] & = $da_h" : "∂L/∂a_t = & ∂L/∂h_t ⊙ (1 − h_t^2) & = $da_h",
      "∂L/∂h_{t−1} = & W_{hh}^⊤·∂L/∂a_t & = $dh_prev",
    ],
  }],
  lstm: () => [{
    title: "through the cell state c",
    lines: ["∂L/∂c_t = (\"from\u00a0\" c_{t+1}) & + ∂L/∂h_t ⊙ o ⊙ (1 − tanh^2 c_t) & = $dc",
      "∂L/∂c_{t−1} = ∂L/∂c_t ⊙ f & = $dc_prev"],
  }, {
    title: "through the gates, back to hₜ₋₁",
    lines: [
      "∂L/∂a_i = & ∂L/∂c_t ⊙ g ⊙ i(1 − i) & = $da_i", "∂L/∂a_f = & ∂L/∂c_t ⊙ c_{t−1} ⊙ f(1 − f) & = $da_f",
      "∂L/∂a_g = & ∂L/∂c_t ⊙ i ⊙ (1 − g^2) & = $da_g", "∂L/∂a_o = & ∂L/∂h_t ⊙ tanh(c_t) ⊙ o(1 − o) & = $da_o",
      "∂L/∂h_{t−1} = & ∑_k W_{hk}^⊤·∂L/∂a_k & = $dh_prev",
    ],
  }],
  gru: () => [{
    title: "through the gates, back to hₜ₋₁",
    lines: [
      "∂L/∂a_n = & ∂L/∂h_t ⊙ (1 − z) ⊙ (1 − n^2) & = $da_n", "∂L/∂a_z = & ∂L/∂h_t ⊙ (h_{t−1} − n) ⊙ z(1 − z) & = $da_z",
      "∂L/∂a_r = & ∂L/∂a_n ⊙ (W_{hn}·h_{t−1} + b_{hn}) & ⊙ r(1 − r) & = $da_r",
      "∂L/∂h_{t−1} = & z ⊙ ∂L/∂h_t & + W_{hr}^⊤·∂L/∂a_r & + W_{hz}^⊤·∂L/∂a_z & + W_{hn}^⊤·(r ⊙ ∂L/∂a_n) & = $dh_prev",
    ],
  }],
};

/**
 * The sections ({title, lines}) of an explained step (the /api/explain answer) in a phase.
 * o: {activation, kind ("classification" | "regression"), xLabel, targetLabel}.
 */
export function sections(answer, phase, o) {
  if (phase === "forward") {
    return [inputs(answer, o.xLabel, answer.cell === "lstm"), ...FORWARD[answer.cell](o.activation),
      ...outputLines(answer, o.kind, o.targetLabel)];
  }
  if (answer.backward === null) return [];
  return [SPLIT, ...BACKWARD[answer.cell](o.activation),
    { title: "how much one step back keeps", lines: ["shrink = ‖∂L/∂h_{t−1}‖ / ‖∂L/∂h_t‖ & = $shrink"] }];
}

/** The store's explanation when it is of the drawn scene's step t (else null: not here yet). */
export function explanationAt(state, scene, t) {
  const e = state.explanation;
  return e && e.scene === scene && e.t === t ? e : null;
}

/** A number of the answer by name, from forward or backward (undefined when it has none). */
export function valueOf(answer, name) {
  if (answer.forward && name in answer.forward) return answer.forward[name];
  if (answer.backward && name in answer.backward) return answer.backward[name];
  return undefined;
}

/** "shrink" in words: how much of the gradient one step back keeps. */
export function shrinkWords(shrink, cell) {
  if (shrink === null) {
    return "No gradient reaches this step (∂L/∂h_t = 0), so there is nothing to shrink: the loss does not "
      + "depend on h_t here.";
  }
  const through = cell === "lstm" ? " (an LSTM also carries gradient back along c)" : "";
  if (shrink === 0) return `One step back keeps none of the gradient${through}.`;
  if (shrink < 1) return `One step back keeps ${percent(shrink)} of the gradient${through}.`;
  return `One step back multiplies the gradient by ${shrink.toPrecision(3)}: it grows${through}.`;
}

/** 0.4181 -> "42 %"; small shares keep two significant digits ("0.31 %"). */
export function percent(x) {
  const p = 100 * x;
  return `${p >= 10 ? Math.round(p) : Number(p.toPrecision(2))} %`;
}

/**
 * The stage's unit a number belongs to, to light it: {what: "h"|"c"|"p"|"y", t, unit}, or null
 * (an input's entry, a target). `kind` is the task's; block vectors are indexed by hidden unit.
 */
export function unitOf(name, unit, t, kind) {
  if (["h_prev", "dh_prev"].includes(name)) return { what: "h", t: t - 1, unit };
  if (["c_prev", "dc_prev"].includes(name)) return { what: "c", t: t - 1, unit };
  if (["c", "dc"].includes(name)) return { what: "c", t, unit };
  if (name === "p" || (name === "y" && kind === "classification")) return { what: "p", t, unit };
  if (name === "y") return { what: "y", t, unit };
  if (["x", "target", "loss", "shrink"].includes(name)) return null;
  return { what: "h", t, unit };
}

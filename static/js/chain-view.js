// The gradient chain view (docs/page.md, "The gradient chain"): from the playhead's step back,
// each one-step Jacobian's size ‖J_k‖ and the product's ‖∂s_t/∂s_k‖ against the distance on a log
// axis (chain-chart.js), and the product written out for the first few steps with the numbers of
// /api/explain's `chain`, so "vanishing" is a multiplication a student can check. Every link is a
// [data-chain-k] with data-k, data-factor and data-product.

import { el, replaceChildren, svg } from "./dom.js";
import { chainChart } from "./chain-chart.js";
import { explanationAt, formulaPieces, percent } from "./equations.js";
import { short, sub } from "./format.js";
import { mathLine } from "./mathml.js";

const WRITTEN = 4; // links written out as products

/** Each cell's one-step Jacobian J_k, in its own notation, and what its state s is. */
const JACOBIANS = {
  "rnn-tanh": { s: "h", formula: "J_k = ∂h_k/∂h_{k−1} = & diag(1 − h_k^2)·W_{hh}" },
  "rnn-relu": { s: "h", formula: "J_k = ∂h_k/∂h_{k−1} = & diag(1[a_k > 0])·W_{hh}" },
  lstm: { s: "s", formula: "J_k = ∂(h_k, c_k)/∂(h_{k−1}, c_{k−1}) & ∋ ∂c_k/∂c_{k−1} = diag(f_k)" },
  gru: { s: "h", formula: "J_k = ∂h_k/∂h_{k−1} = & diag(z_k) + (through r_k, z_k, n_k)" },
};

/** "J₇·J₆·J₅" as notation: the factors from step t down to k + 1. */
function factors(t, k) {
  const list = [];
  for (let j = t; j > k; j--) list.push(`J_{${j}}`);
  return list.length > 3 ? `${list[0]}·${list[1]}⋯${list[list.length - 1]}` : list.join("·");
}

/** The product written out at link `i` (k = t − 1 − i), with its numbers. */
function writtenLink(chain, i, t, s) {
  const link = chain[i];
  const head = `∂${s}_{${t}}/∂${s}_{${link.k}} = ${factors(t, link.k)}`;
  const line = i === 0 ? `${head} & ‖·‖ = $product` : `${head} & ‖·‖ = $product & ≤ $previous × $factor`;
  const values = { product: link.product, factor: link.factor, previous: i > 0 ? chain[i - 1].product : null };
  const attributes = (name, value) => (name === "previous"
    ? { "data-k": chain[i - 1].k, "data-product": String(value) }
    : { "data-k": link.k, [`data-${name}`]: String(value) });
  return el("div", { class: "term" }, mathLine(formulaPieces(line), { valueOf: (name) => values[name], attributes }));
}

function words(chain, t, s) {
  const far = chain[chain.length - 1];
  const d = t - far.k;
  const share = far.product < 1 ? `at most ${percent(far.product)}` : `up to ${short(far.product)}×`;
  return `From step ${t} back to step ${far.k} (${d} step${d === 1 ? "" : "s"}), ${share} of a gradient survives: `
    + `‖∂${s}${sub(t)}/∂${s}${sub(far.k)}‖ = ${short(far.product)}. Each factor is one step's Jacobian; their product bounds what reaches step k.`;
}

function chart(chain, t, box, handoverK) {
  const geometry = chainChart(chain, { t, ...box, handoverK });
  const { plot } = geometry;
  const nodes = [svg("rect", { class: "chain-plot", x: plot.x0, y: plot.y0, width: plot.x1 - plot.x0, height: plot.y1 - plot.y0 })];
  for (const tick of geometry.yTicks) {
    nodes.push(svg("line", { class: "chain-grid", x1: plot.x0, x2: plot.x1, y1: tick.y, y2: tick.y }),
      svg("text", { class: "chain-tick", x: plot.x0 - 6, y: tick.y + box.fontSize * 0.35, "text-anchor": "end", text: tick.label }));
  }
  for (const tick of geometry.xTicks) {
    nodes.push(svg("text", { class: "chain-tick", x: tick.x, y: plot.y1 + box.fontSize * 1.6, "text-anchor": "middle", text: String(tick.d) }));
  }
  nodes.push(svg("text", { class: "chain-axis", x: (plot.x0 + plot.x1) / 2, y: box.height - 2, "text-anchor": "middle", text: "steps back, t − k" }));
  if (geometry.one !== null) nodes.push(svg("line", { class: "chain-one", x1: plot.x0, x2: plot.x1, y1: geometry.one, y2: geometry.one }));
  if (geometry.handoverX !== null) {
    nodes.push(svg("rect", { class: "chain-handover", x: geometry.handoverX - 1, y: plot.y0, width: 2, height: plot.y1 - plot.y0 }));
  }
  nodes.push(svg("polyline", { class: "chain-product-line", points: geometry.points.map((p) => `${p.fx},${p.py}`).join(" ") }));
  for (const p of geometry.points) {
    nodes.push(svg("g", { "data-chain-k": "", "data-k": p.k, "data-factor": String(p.factor), "data-product": String(p.product) }, [
      svg("circle", { class: "chain-factor", cx: p.fx, cy: p.fy, r: Math.max(2.5, box.fontSize * 0.22) }),
      svg("circle", { class: "chain-product", cx: p.fx, cy: p.py, r: Math.max(2, box.fontSize * 0.16) }),
      svg("title", { text: `k = ${p.k} (${p.d} back): factor ${p.factor}, product ${p.product}` }),
    ]));
  }
  return svg("svg", {
    class: "chain-chart", width: box.width, height: box.height, "font-size": box.fontSize, viewBox: `0 0 ${box.width} ${box.height}`, role: "img",
    "aria-label": `Each step's factor and the product's size against the distance back, on a log axis, for ${chain.length} steps`,
  }, nodes);
}

/** root: the [data-chain] element. */
export function createChainView(root) {
  let last = null;

  function draw({ scene, playhead, state }) {
    const explanation = explanationAt(state, scene, playhead.t);
    const t = playhead.t;
    const { s, formula } = JACOBIANS[scene.cell.choice];
    root.dataset.t = t;
    const nodes = [el("h2", { class: "chain-title", text: `The gradient chain: from step ${t} back` })];
    const chain = explanation?.chain;
    if (t === 0) {
      nodes.push(el("p", { class: "hint", text: "Step 0 reads the initial state, which is zero: no chain goes further back." }));
    } else if (explanation?.chainError) {
      nodes.push(el("p", { class: "hint", text: `The chain could not be computed: ${explanation.chainError}` }));
    } else if (!chain) {
      nodes.push(el("p", { class: "inspector-status", text: state.playing ? "Playing: the chain is computed when the playhead rests." : "Computing the chain…" }));
    } else {
      const width = Math.max(160, Math.floor(root.clientWidth));
      const fontSize = parseFloat(getComputedStyle(root).fontSize) * (state.presenting ? 1 : 0.82);
      const handoverK = scene.decoderStart > 0 && t >= scene.decoderStart ? scene.decoderStart - 1 : null;
      nodes.push(
        el("p", { class: "chain-words", text: words(chain, t, s) }),
        chart(chain, t, { width, height: Math.round(Math.max(160, width * 0.6)), fontSize }, handoverK),
        el("p", { class: "chain-key" }, [el("span", { class: "key-factor", text: "○ one step’s factor ‖J_k‖" }),
          el("span", { class: "key-product", text: `● the product ‖∂${s}ₜ/∂${s}ₖ‖` })]),
        el("div", { class: "term" }, mathLine(formulaPieces(formula), { valueOf: () => undefined })),
        ...chain.slice(0, WRITTEN).map((_, i) => writtenLink(chain, i, t, s)),
      );
      if (handoverK !== null) {
        nodes.push(el("p", { class: "hint", text: `The chain crosses the hand-over at k = ${handoverK}: the decoder's first step `
          + `is computed from the encoder's last state, so that link is the decoder cell's Jacobian (its own W_hh) and the links before it are the encoder's.` }));
      }
    }
    replaceChildren(root, nodes);
  }

  function update(frame) {
    const { scene, changed } = frame;
    if (!scene || !["scene", "t", "explanation", "presenting", "playing"].some((k) => changed.has(k))) return;
    last = frame;
    draw(frame);
  }
  return { update, resize() { if (last) draw(last); } };
}

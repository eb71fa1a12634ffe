// The comparison view: one network, two inputs. The difference of their hidden states,
// Δ = h(first) − h(second), units × steps on the value scale, the playhead's step framed, and
// the units whose Δ is largest there marked and named ([data-compare], [data-diff]).

import { el, svg } from "./dom.js";
import { short } from "./format.js";
import { valueColor } from "./scales.js";
import { argmax } from "./scene.js";

const TOP = 3; // units named at the playhead's step

/** nodes: {root, words, grid, top, close}; onClose(). */
export function createCompare(nodes, { onClose }) {
  nodes.close.addEventListener("click", onClose);

  function draw(scene, compared, t) {
    const a = scene.trace.steps;
    const b = compared.trace.steps;
    const T = Math.min(a.length, b.length);
    const H = scene.H;
    const diff = Array.from({ length: T }, (_, s) => a[s].h.map((v, u) => v - b[s].h[u]));
    const limit = Math.max(1e-12, ...diff.flat().map(Math.abs));
    const cell = Math.max(2, Math.min(16, 240 / Math.max(T, H)));
    const left = 34;
    const top = 16;
    const nodesOut = [svg("text", { class: "axis", x: 0, y: 11, text: "unit ↓ · t →" })];
    diff.forEach((row, s) => row.forEach((d, u) => nodesOut.push(svg("rect", {
      x: left + s * cell, y: top + u * cell, width: cell, height: cell, fill: valueColor(d, limit),
      "data-diff": "", "data-t": s, "data-unit": u, "data-value": String(d),
    }))));
    const now = Math.min(t, T - 1);
    const ranked = diff[now].map((d, u) => [Math.abs(d), u]).sort((p, q) => q[0] - p[0]).slice(0, Math.min(TOP, H)).map(([, u]) => u);
    for (const u of ranked) {
      nodesOut.push(svg("path", { class: "top-mark", "data-diff-top": "", "data-unit": u,
        d: `M${left - 8},${top + u * cell} l6,${cell / 2} l-6,${cell / 2} z` }));
    }
    nodesOut.push(svg("rect", { class: "now", x: left + now * cell, y: top, width: cell, height: H * cell }));
    const width = left + T * cell + 4;
    const height = top + H * cell + 4;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": `the difference of the two hidden states, ${H} units over ${T} steps` }, nodesOut);
    nodes.grid.replaceChildren(chart);
    nodes.top.textContent = `At t = ${now}, the units that differ most: ${ranked.map((u) => `${u} (Δ ${short(diff[now][u])})`).join(", ")}. Orange: larger in the first input; blue: in the second.`;
    const answer = (steps) => {
      const last = steps[steps.length - 1];
      return last.p ? scene.trace.output_vocab[argmax(last.p)] : null;
    };
    const verdicts = answer(a) && answer(b) ? ` The network answers ${answer(a)} and ${answer(b)}.` : "";
    nodes.words.replaceChildren("“", el("span", { class: "a", text: a.map((s) => s.x_label).join(" ") }), "” against “",
      el("span", { class: "b", text: b.map((s) => s.x_label).join(" ") }), `”.${verdicts}`);
  }

  function update({ scene, playhead, state, changed }) {
    if (!["compared", "t", "phase", "scene"].some((k) => changed.has(k))) return;
    const { compared } = state;
    const shown = Boolean(compared && scene && compared.of === scene);
    nodes.root.hidden = !shown;
    if (!shown) return;
    if (compared.error) {
      nodes.grid.replaceChildren();
      nodes.words.textContent = `The second input could not be traced: ${compared.error}`;
      nodes.top.textContent = "";
      return;
    }
    draw(scene, compared, playhead.t);
  }
  return { update, resize() {} };
}

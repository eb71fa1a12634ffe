// Inside the cell (LSTM, GRU): the gate diagram of gate-diagram.js, each gate's units coloured by
// the playhead step's gate values (the trace's `gates`, on the page's value scale), so a student
// watches the forget gate keep or drop c. Follows the playhead, playing or not. Surface:
// [data-cell-diagram], [data-gate] (data-name, data-t), [data-gate-unit] (data-unit, data-value).

import { el, replaceChildren, svg } from "./dom.js";
import { short, sub } from "./format.js";
import { FONT, gateDiagram, unitBox, VIEW } from "./gate-diagram.js";
import { valueColor } from "./scales.js";

const GATE_WORDS = {
  i: "the input gate", f: "the forget gate", g: "the candidate", o: "the output gate",
  r: "the reset gate", z: "the update gate", n: "the candidate",
};
const STATE_WORDS = { c_prev: "c", c: "c", h_prev: "h", h: "h" };

function label({ text, sub: subscript, x, y, anchor, gateName }) {
  return svg("text", { class: gateName ? "gate-name" : "diagram-label", x, y, "text-anchor": anchor }, [
    svg("tspan", { text }), subscript ? svg("tspan", { class: "sub", dy: FONT * 0.3, text: subscript }) : null]);
}

/** A strip of H unit boxes (painted later). */
function strip(box, H, attrs) {
  return Array.from({ length: H }, (_, unit) => svg("rect", { ...unitBox(box, unit, H), ...attrs(unit) }));
}

/** The state strips' values at step t: c_{t−1} and c_t (LSTM), h_{t−1} and h_t (GRU). */
function stateValues(scene, t, name) {
  const steps = scene.trace.steps;
  const zero = () => new Array(scene.H).fill(0);
  if (name === "c_prev") return t > 0 ? steps[t - 1].c : zero();
  if (name === "h_prev") return t > 0 ? steps[t - 1].h : zero();
  return steps[t][name];
}

/** root: the [data-cell-diagram] element. onLight({what, t, unit} | null): a unit is pointed at. */
export function createCellDiagram(root, { onLight }) {
  let drawnScene = null; // the scene painted last
  let diagram = null;
  let painted = null; // {gates: [{g, node, units, title}], strips: [{s, units}]}: what each step recolours

  /** The diagram's structure, once per scene: wires, nodes, boxes and unit strips. */
  function build(scene) {
    const H = scene.H;
    const nodes = [
      ...diagram.wires.map((d) => svg("path", { class: "diagram-wire", d })),
      ...diagram.arrows.map((d) => svg("path", { class: "diagram-wire", d, "marker-end": "url(#diagram-head)" })),
      ...diagram.nodes.map((n) => svg("g", { class: "diagram-node" }, [
        n.wide ? svg("rect", { x: n.x - 17, y: n.y - 10, width: 34, height: 20, rx: 10 }) : svg("circle", { cx: n.x, cy: n.y, r: 9 }),
        svg("text", { x: n.x, y: n.y + (n.wide ? 4.5 : 5), "text-anchor": "middle", class: n.wide ? "node-word" : "node-op", text: n.op }),
      ])),
    ];
    painted = { gates: [], strips: [] };
    for (const g of diagram.gates) {
      const units = strip(g.strip, H, (unit) => ({ "data-gate-unit": "", "data-unit": unit }));
      const title = svg("title");
      const node = svg("g", { class: "gate", "data-gate": "", "data-name": g.name }, [
        svg("rect", { class: "gate-box", x: g.x - g.width / 2, y: g.y, width: g.width, height: g.height, rx: 5 }),
        svg("text", { class: "gate-fn", x: g.x, y: g.labelY, "text-anchor": "middle", text: g.fn }), ...units, title]);
      painted.gates.push({ g, node, units, title });
      nodes.push(node);
    }
    for (const s of diagram.strips) {
      const box = { x: s.x, y: s.y, width: s.width, height: 13 };
      const units = strip(box, H, () => ({}));
      const title = svg("title");
      painted.strips.push({ s, units, title });
      nodes.push(svg("g", { class: "state-strip" }, [svg("rect", { class: "strip-back", ...box }), ...units, title]));
    }
    nodes.push(...diagram.labels.map(label));
    replaceChildren(root.querySelector("svg"), [svg("defs", {}, [svg("marker", {
      id: "diagram-head", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 z", class: "diagram-head" })])]), ...nodes]);
  }

  /** Step t's values: each gate's units, and the state before and after. */
  function paint(scene, t) {
    const step = scene.trace.steps[t];
    for (const { g, node, units, title } of painted.gates) {
      const values = step.gates[g.name];
      node.dataset.t = t;
      units.forEach((rect, unit) => {
        rect.setAttribute("fill", valueColor(values[unit], 1));
        rect.dataset.value = String(values[unit]);
        rect.dataset.label = `${g.name}${sub(t)} unit ${unit} (${GATE_WORDS[g.name]})`;
      });
      title.textContent = `${GATE_WORDS[g.name]} ${g.name}${sub(t)}: ${values.slice(0, 4).map((v) => short(v)).join(", ")}${values.length > 4 ? ", …" : ""}`;
    }
    for (const { s, units, title } of painted.strips) {
      const values = stateValues(scene, t, s.name);
      const limit = scene.limits[STATE_WORDS[s.name]];
      units.forEach((rect, unit) => rect.setAttribute("fill", valueColor(values[unit], limit)));
      const at = s.name.endsWith("_prev") ? (t > 0 ? sub(t - 1) : " before the first step (zero)") : sub(t);
      title.textContent = `${STATE_WORDS[s.name]}${at}: ${values.slice(0, 4).map((v) => short(v)).join(", ")}${values.length > 4 ? ", …" : ""}`;
    }
    root.dataset.t = t;
  }

  function update({ scene, playhead, changed }) {
    if (!scene || !["scene", "t"].some((k) => changed.has(k))) return;
    const shape = drawnScene && drawnScene.trace.cell === scene.trace.cell && drawnScene.H === scene.H;
    drawnScene = scene;
    if (!shape) { // another cell or H: built again; a new seed only repaints
      diagram = gateDiagram(scene.trace.cell);
      root.hidden = diagram === null;
      if (diagram) {
        const word = scene.trace.cell === "lstm" ? "LSTM" : "GRU";
        const keeps = scene.trace.cell === "lstm" ? "the forget gate f near 1 keeps c, near 0 drops it"
          : "the update gate z near 1 keeps h, near 0 takes the candidate n";
        root.replaceChildren(
          el("h2", { class: "diagram-title", text: `Inside the ${word} cell` }),
          svg("svg", {
            class: "cell-diagram-svg", viewBox: `0 0 ${VIEW.width} ${VIEW.height}`, role: "img",
            "aria-label": `Inside the ${word} cell: its gates coloured by their values at the playhead's step`,
          }),
          el("p", { class: "diagram-note", text: `Each gate's units in the value colours (white 0, orange 1): ${keeps}.` }),
        );
        build(scene);
      }
    }
    if (diagram) paint(scene, playhead.t);
  }

  const unitOf = (e) => e.target.closest?.("[data-gate-unit]");
  root.addEventListener("pointerover", (e) => {
    const node = unitOf(e);
    onLight(node && drawnScene ? { what: "h", t: Number(root.dataset.t), unit: Number(node.dataset.unit) } : null);
  });
  root.addEventListener("pointerleave", () => onLight(null));
  return { update, resize() {} };
}

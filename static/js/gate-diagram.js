// The inside of an LSTM or GRU cell as geometry, drawn the way students learn it: the cell state
// (LSTM) or the hidden state (GRU) running along the top, the gates as small σ / tanh boxes in a
// row, × (⊙, elementwise) and + nodes, h_{t−1} and x_t along the bottom. One fixed viewBox, scaled to its panel,
// so no label can meet another at any size. Pure: cell-diagram.js draws it. No DOM.

export const VIEW = { width: 340, height: 238 };
export const FONT = 15; // the labels' size in viewBox units (13 px in the 1366 px panel, 24+ px presenting)
const BOX = { width: 46, height: 44 };
const TOP = 34; // the state line along the top
const ROW = 152; // the gates' centres
const BOTTOM = 210; // h_{t−1} and x_t along the bottom

/** A gate box centred at x: {name, fn, x, y, width, height, strip: {x, y, width, height}}. */
function gate(name, fn, x) {
  const x0 = x - BOX.width / 2;
  const y0 = ROW - BOX.height / 2;
  return {
    name, fn, x, y: y0, width: BOX.width, height: BOX.height, labelY: y0 + 17,
    strip: { x: x0 + 4, y: y0 + 25, width: BOX.width - 8, height: 13 },
  };
}

const up = (x, from, to) => `M${x},${from} V${to}`;

const LSTM = () => {
  const gates = [gate("f", "σ", 112), gate("i", "σ", 164), gate("g", "tanh", 216), gate("o", "σ", 268)];
  const [f, i, g, o] = gates;
  const top = ROW - BOX.height / 2;
  const nodes = [
    { op: "×", x: f.x, y: TOP }, { op: "+", x: 190, y: TOP }, { op: "×", x: 190, y: 96 },
    { op: "×", x: 306, y: 112 }, { op: "tanh", x: 306, y: 72, wide: true },
  ];
  return {
    gates,
    nodes,
    strips: [{ name: "c_prev", x: 18, y: TOP - 6.5, width: 52 }, { name: "c", x: 208, y: TOP - 6.5, width: 56 }],
    wires: [
      `M10,${TOP} H${f.x - 9}`, `M${f.x + 9},${TOP} H181`, `M199,${TOP} H${330}`, // the cell state, c_{t−1} -> c_t
      up(f.x, top, TOP + 9), `M${i.x},${top} V96 H181`, `M${g.x},${top} V96 H199`, up(190, 87, TOP + 9),
      `M306,${TOP} V61`, up(306, 83, 103), `M${o.x},${top} V112 H297`, // tanh(c_t), o ⊙ it
      `M306,121 V${BOTTOM} H332`, // h_t out
      `M10,${BOTTOM} H${o.x}`, ...gates.map((q) => up(q.x, BOTTOM, top + BOX.height)), `M84,232 V${BOTTOM}`, // h_{t−1}, x_t in
    ],
    arrows: [`M322,${TOP} H330`, `M322,${BOTTOM} H332`],
    labels: [
      { text: "c", sub: "t−1", x: 12, y: TOP - 13, anchor: "start" }, { text: "c", sub: "t", x: 262, y: TOP - 13, anchor: "end" },
      { text: "h", sub: "t−1", x: 12, y: BOTTOM - 7, anchor: "start" }, { text: "x", sub: "t", x: 92, y: 234, anchor: "start" },
      { text: "h", sub: "t", x: 330, y: BOTTOM - 7, anchor: "end" },
      ...gates.map((q) => ({ text: q.name, x: q.x + 5, y: top - 8, anchor: "start", gateName: true })),
    ],
    state: "c",
  };
};

const GRU = () => {
  const gates = [gate("z", "σ", 120), gate("r", "σ", 186), gate("n", "tanh", 264)];
  const [z, r, n] = gates;
  const top = ROW - BOX.height / 2;
  const rx = 226; // r ⊙ (W_hn h_{t−1} + b_hn)
  return {
    gates,
    nodes: [
      { op: "×", x: z.x, y: TOP }, { op: "+", x: n.x, y: TOP }, { op: "×", x: n.x, y: 92 },
      { op: "1−", x: 186, y: 92, wide: true }, { op: "×", x: rx, y: ROW },
    ],
    strips: [{ name: "h_prev", x: 18, y: TOP - 6.5, width: 52 }, { name: "h", x: 276, y: TOP - 6.5, width: 54 }],
    wires: [
      `M10,${TOP} H${z.x - 9}`, `M${z.x + 9},${TOP} H${n.x - 9}`, `M${n.x + 9},${TOP} H334`, // h_{t−1} -> h_t
      up(z.x, top, TOP + 9), `M${z.x},92 H172`, `M200,92 H${n.x - 9}`, up(n.x, top, 101), up(n.x, 83, TOP + 9),
      `M${r.x + BOX.width / 2},${ROW} H${rx - 9}`, `M${rx + 9},${ROW} H${n.x - BOX.width / 2}`, up(rx, BOTTOM, ROW + 9),
      `M80,${TOP} V${BOTTOM} H${n.x}`, ...gates.map((q) => up(q.x, BOTTOM, top + BOX.height)), `M96,232 V${BOTTOM}`,
    ],
    arrows: [`M326,${TOP} H334`],
    labels: [
      { text: "h", sub: "t−1", x: 12, y: TOP - 13, anchor: "start" }, { text: "h", sub: "t", x: 332, y: TOP - 13, anchor: "end" },
      { text: "x", sub: "t", x: 104, y: 234, anchor: "start" },
      ...gates.map((q) => ({ text: q.name, x: q.x + 5, y: top - 8, anchor: "start", gateName: true })),
    ],
    state: "h",
  };
};

/** The diagram of a cell ("lstm" or "gru"); null for a cell without gates. */
export function gateDiagram(cell) {
  return { lstm: LSTM, gru: GRU }[cell]?.() ?? null;
}

/** Unit u's box in a strip of H units ({x, y, width, height}). */
export function unitBox(strip, u, H) {
  const w = strip.width / H;
  return { x: strip.x + u * w, y: strip.y, width: w, height: strip.height };
}

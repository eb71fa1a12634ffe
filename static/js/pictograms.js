// The five topologies as the small pictures textbooks use: inputs below, hidden states in a row
// joined left to right, outputs above (an "o" where a step has an output, an "i" an input).

import { svg } from "./dom.js";

const SHAPES = {
  one_to_one: ["io"],
  one_to_many: ["io", "o", "o"],
  many_to_one: ["i", "i", "io"],
  many_to_many: ["io", "io", "io"],
  seq2seq: ["i", "i", "o", "o"],
};

export function pictogram(topology) {
  const shape = SHAPES[topology];
  const step = 13;
  const width = shape.length * step + 2;
  const nodes = [];
  shape.forEach((has, k) => {
    const x = 1 + k * step;
    const decoder = topology === "seq2seq" && k >= 2;
    if (has.includes("o")) nodes.push(svg("rect", { class: "pict-output", x, y: 1, width: 9, height: 7, rx: 1.5 }));
    nodes.push(svg("rect", { class: decoder ? "pict-hidden decoder" : "pict-hidden", x, y: 11, width: 9, height: 7, rx: 1.5 }));
    if (has.includes("i")) nodes.push(svg("rect", { class: "pict-input", x, y: 21, width: 9, height: 7, rx: 1.5 }));
    if (k > 0) nodes.push(svg("line", { class: "pict-link", x1: x - 4, x2: x, y1: 14.5, y2: 14.5 }));
  });
  return svg("svg", { class: "pictogram", width, height: 29, viewBox: `0 0 ${width} 29`, "aria-hidden": "true" }, nodes);
}

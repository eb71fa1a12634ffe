// An output over many classes (your own text: up to 96 characters), drawn so it can be read: its
// top few classes as labelled bars (the character and its probability), and under them a strip of
// every class's probability in vocabulary order, the way a hidden state of large H is a strip.
// The strip's cells carry each class's [data-p] (docs/page.md, "The testable surface").

import { svg } from "./dom.js";
import { fixed } from "./format.js";
import { classRow, spectrumShape, valueStrips } from "./layout.js";
import { valueColor } from "./scales.js";
import { classLabel, topClasses } from "./scene.js";

/** The strip of every class: a cell each, as dark as its p is near the largest, the target marked. */
function spectrum(scene, step, box, band) {
  const strip = spectrumShape(box, band);
  const width = strip.width / step.p.length;
  const peak = Math.max(...step.p);
  const cells = step.p.map((p, k) => svg("rect", {
    class: "spectrum-cell", x: strip.x + k * width, y: strip.y, width, height: strip.height,
    "fill-opacity": peak > 0 ? Math.max(0.04, p / peak) : 0,
    "data-p": "", "data-t": step.t, "data-class": k, "data-value": String(p),
    "data-label": `p(${classLabel(scene.trace, k)}) at t = ${step.t}${k === step.target ? " (the target)" : ""}`,
  }));
  const nodes = [svg("rect", { class: "spectrum-track", x: strip.x, y: strip.y, width: strip.width, height: strip.height }), ...cells];
  if (step.target !== null) {
    const x = strip.x + (step.target + 0.5) * width;
    const y = strip.y + strip.height + 1;
    nodes.push(svg("path", { class: "target-mark", d: `M${x},${y} l4,${band * 0.4} l-8,0 z` }));
  }
  return nodes;
}

/** An output's top classes over the strip of all of them, in an output box. */
export function manyClasses({ scene, layout }, step, box) {
  const { rows, spectrum: band } = layout.output;
  const best = scene.best[step.t];
  const group = svg("g", { class: "class-bars many-classes" });
  topClasses(step.p, rows).forEach((k, i) => {
    const p = step.p[k];
    const row = classRow(box, i, rows, p, band);
    const classes = ["bar", k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim();
    group.append(
      svg("rect", { class: "bar-track", x: row.x, y: row.y, width: row.track, height: row.height }),
      svg("rect", {
        class: classes, x: row.x, y: row.y, width: row.width, height: row.height,
        "data-label": `p(${classLabel(scene.trace, k)}) at t = ${step.t}, the ${ordinal(i)}most probable`, "data-value": String(p),
      }),
      svg("text", { class: "top-class", x: row.x + 3, y: row.y + row.height * 0.78, text: `${classLabel(scene.trace, k)} ${fixed(p, 2)}` }),
    );
    if (k === step.target) {
      group.append(svg("path", { class: "target-mark", d: `M${row.markX},${row.y} l6,${row.height / 2} l-6,${row.height / 2} z` }));
    }
  });
  group.append(...spectrum(scene, step, box, band));
  return group;
}

/** An output of many values (an imported model's): ŷ and its target as two strips of cells on the
 * value scale, the ŷ cells carrying [data-y]. */
export function manyValues({ scene, layout }, step, box) {
  const limit = scene.limits.y;
  const strips = valueStrips(box, layout.shapes.stripWidth);
  const cell = strips.height / step.y.length;
  const strip = (values, x, name, attrs) => values.map((v, dim) => svg("rect", {
    x, y: strips.y + dim * cell, width: strips.width, height: Math.max(0.5, cell - (cell >= 7 ? 1 : 0)),
    fill: valueColor(v, limit), "data-value": String(v), "data-label": `${name}[${dim}] at t = ${step.t}`, ...attrs(dim),
  }));
  const frame = (x) => svg("rect", { class: "strip-frame frame-y", x: x - 1, y: strips.y - 1, width: strips.width + 2, height: strips.height + 2, rx: 2 });
  const nodes = [...strip(step.y, strips.yhatX, "ŷ", (dim) => ({ "data-y": "", "data-t": step.t, "data-dim": dim })), frame(strips.yhatX)];
  if (step.target) nodes.push(...strip(step.target, strips.targetX, "target", () => ({ class: "target-cell" })), frame(strips.targetX));
  return svg("g", { class: "value-strips" }, nodes);
}

const ORDINALS = ["", "second ", "third ", "fourth ", "fifth "];
function ordinal(i) {
  return ORDINALS[i] ?? `${i + 1}th `;
}

// What every view needs to know about one trace, computed once when it arrives (as Playground
// hands `network` to its views): colour limits, the gradient range, the cell and topology facts,
// the argmax of each output, the title. No DOM.

import { shortName } from "./catalog.js";
import { cellOf } from "./cells.js";
import { reading, short, visible } from "./format.js";
import { gradientRange, limitsOf } from "./scales.js";

/** The index of the largest value: the predicted class. */
export function argmax(values) {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** The indices of the n largest values, largest first (ties: the lower index first). */
export function topClasses(values, n) {
  return [...values.keys()].sort((a, b) => values[b] - values[a] || a - b).slice(0, n);
}

/** Class k of a trace's output as it can be seen ("␣" for your text's space; "class 2" without a vocabulary). */
export function classLabel(trace, k) {
  return trace.output_vocab ? visible(trace.output_vocab[k]) : `class ${k}`;
}

/** A file of the drawn view: unroll-<topology>-<cell>-seed<seed>.<ext>, as the API names its script. */
export function exportName(scene, ext) {
  return `unroll-${scene.trace.topology}-${scene.trace.cell}-seed${scene.request?.seed ?? 0}.${ext}`;
}

/** The shape of nested arrays of numbers: [[1, 2, 3], [4, 5, 6]] -> [2, 3]; a number -> []. */
function shapeOf(value) {
  return Array.isArray(value) ? [value.length, ...(value.length ? shapeOf(value[0]) : [])] : [];
}

/**
 * Each parameter's shape, nested as the trace's `params` are ({W_hh: [H, H], …}, or one level
 * more per block: {encoder: {…}, decoder: {…}}): the answer's `param_shapes` when it omits the
 * params (docs/api.md, `omit`), else read off the params themselves.
 */
export function paramShapes(trace) {
  if (trace.param_shapes) return trace.param_shapes;
  const visit = (v) => (Array.isArray(v) ? shapeOf(v)
    : Object.fromEntries(Object.entries(v ?? {}).map(([key, inner]) => [key, visit(inner)])));
  return visit(trace.params);
}

/** How many numbers parameters of these shapes hold (paramShapes' tree). */
export function paramCount(shapes) {
  if (Array.isArray(shapes)) return shapes.reduce((n, size) => n * size, 1);
  return Object.values(shapes ?? {}).reduce((n, inner) => n + paramCount(inner), 0);
}

/**
 * A value the network reads or writes in the data's own units: a series is read normalised, so
 * its value is mean + std·v (docs/api.md, "series"); any other trace's values are its own.
 */
export function unitsOf(trace) {
  if (!trace.normalisation) return (v) => v;
  const { mean, std } = trace.normalisation;
  return (v) => mean + std * v;
}

/**
 * The scene of a trace (the /api/trace answer) in a catalog (catalog.js). `extras` says what the
 * trace was drawn with beyond the trace itself: `weightsNote` (whose weights), `rho` (the
 * recurrent scale asked for, null for PyTorch's initialisation).
 */
export function sceneOf(trace, catalog, extras = {}) {
  const topology = catalog.topology(trace.topology);
  const cell = cellOf(trace.cell, trace.activation);
  const T = trace.steps.length;
  const outputs = trace.steps.filter((s) => s.loss !== null).length;
  const shapes = paramShapes(trace);
  return {
    trace,
    T,
    H: trace.hidden_size,
    kind: trace.kind,
    topology,
    task: catalog.tasks[trace.task],
    cell,
    hasC: trace.cell === "lstm",
    feedsBack: topology.feeds_back,
    limits: limitsOf(trace),
    gradient: gradientRange(trace),
    best: trace.steps.map((s) => (s.p ? argmax(s.p) : null)),
    outputs,
    forwardOnly: trace.loss === null, // no target at all: no loss, no backward pass (own data)
    units: unitsOf(trace),
    /** A value's label in the data's units: a series' as a reading (2152), any other short (0.123). */
    valueText: trace.normalisation ? (v) => reading(unitsOf(trace)(v)) : (v, digits = 3) => short(v, digits),
    decoderStart: trace.steps.findIndex((s) => s.role === "decoder"),
    params: paramCount(shapes),
    paramShapes: shapes,
    title: `${shortName(topology)} · ${cell.label} · H = ${trace.hidden_size} · T = ${T}${extras.rho == null ? "" : ` · ρ = ${extras.rho}`}`,
    ...extras,
  };
}

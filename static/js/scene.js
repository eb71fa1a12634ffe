// What every view needs to know about one trace, computed once when it arrives (as Playground
// hands `network` to its views): colour limits, the gradient range, the cell and topology facts,
// the argmax of each output, the title. No DOM.

import { shortName } from "./catalog.js";
import { cellOf } from "./cells.js";
import { gradientRange, limitsOf } from "./scales.js";

/** The index of the largest value: the predicted class. */
export function argmax(values) {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** How many numbers the parameters hold (every array element counted once). */
export function paramCount(params) {
  let n = 0;
  const visit = (v) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "number") n += 1;
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(params);
  return n;
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
    decoderStart: trace.steps.findIndex((s) => s.role === "decoder"),
    params: paramCount(trace.params),
    title: `${shortName(topology)} · ${cell.label} · H = ${trace.hidden_size} · T = ${T}${extras.rho == null ? "" : ` · ρ = ${extras.rho}`}`,
    ...extras,
  };
}

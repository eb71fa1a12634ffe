// The gradient lab's numbers, from four traces of one sentence: each cell's ‖dL/dh_t‖ against
// the distance from the loss, and the sentences the lab says about them, every one computed
// from the traces it describes. No DOM.

import { powerOfTen } from "./axes.js";

export const LAB_CELLS = ["rnn-tanh", "rnn-relu", "lstm", "gru"];
export const READOUT_DISTANCE = 50; // "50 steps back, …"

/** One cell's curve from its trace: points {t, distance, norm}, the loss at the last step. */
export function curveOf(trace) {
  const T = trace.steps.length;
  return {
    T,
    points: trace.steps.map((s) => ({ t: s.t, distance: T - 1 - s.t, norm: s.dh_norm })),
    last: trace.steps[T - 1].dh_norm,
  };
}

/** [lo, hi] of every norm above zero, over all curves; null when there is none. */
export function sharedRange(curves) {
  const norms = curves.flatMap((c) => c.points.map((p) => p.norm)).filter((n) => n > 0);
  if (!norms.length) return null;
  let lo = Infinity;
  let hi = 0;
  for (const n of norms) { lo = Math.min(lo, n); hi = Math.max(hi, n); }
  return [Math.min(lo, hi / 100), hi];
}

/** What reaches `distance` steps back, as a share of what the last step got: norm(T−1−d) / norm(T−1). */
export function kept(curve, distance) {
  const point = curve.points.find((p) => p.distance === distance);
  return curve.last > 0 ? point.norm / curve.last : null;
}

/**
 * The lab's sentence for one cell ("50 steps back, the tanh RNN keeps 1.6 × 10⁻⁹ of its
 * gradient"): `label` names the cell, `curve` is its curve, or `diverged` its API's message.
 */
export function readout(label, curve, diverged) {
  if (diverged) return `The ${label} diverged: ${diverged}`;
  const d = Math.min(READOUT_DISTANCE, curve.T - 1);
  if (d === 0) return `The ${label} has one step: nothing to carry back.`;
  const share = kept(curve, d);
  if (share === null) return `The ${label} gets no gradient at all: dL/dh is exactly 0 at the last step (its output is saturated).`;
  const words = share === 0 ? "keeps none of its gradient (exactly 0)"
    : share < 1 ? `keeps ${powerOfTen(share)} of its gradient` : `multiplies its gradient by ${powerOfTen(share)}`;
  const verdict = share < 1e-3 ? ": it vanishes" : share > 1e3 ? ": it explodes" : "";
  return `${d} steps back, the ${label} ${words}${verdict}.`;
}

/**
 * The lab's comparison, when it says something: how many times more gradient the best-keeping
 * gated cell (LSTM or GRU) keeps than the tanh RNN at the readout's distance.
 */
export function comparison(curves, labelOf) {
  const tanh = curves["rnn-tanh"];
  if (!tanh) return null;
  const d = Math.min(READOUT_DISTANCE, tanh.T - 1);
  const base = kept(tanh, d);
  const gated = ["lstm", "gru"].filter((c) => curves[c]).map((c) => ({ c, share: kept(curves[c], d) }))
    .filter((g) => g.share !== null && g.share > 0);
  if (!base || !gated.length) return null;
  const best = gated.reduce((a, b) => (b.share > a.share ? b : a));
  const times = best.share / base;
  if (times < 10) return null;
  return `${d} steps back, the ${labelOf(best.c)} keeps ${powerOfTen(times)} times as much gradient as the tanh RNN.`;
}

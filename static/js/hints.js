// What the page says about the drawn trace's gradient, computed from the trace it describes,
// so that "it vanishes" or "it explodes" is never said of a network that does not. No DOM.

import { powerOfTen } from "./axes.js";

export const VANISHES = 1e-3; // what reaches the first step, as a share of the last step's: below, it vanishes
export const EXPLODES = 1e3; // above, it explodes

/** A sentence on how ‖dL/dh_t‖ changes from the last step back to the first, and its verdict. */
export function gradientHint(scene) {
  if (scene.forwardOnly) return "No targets, so no loss and no gradient to follow back.";
  const norms = scene.trace.steps.map((s) => s.dh_norm);
  const T = norms.length;
  if (T < 2) return "One step: no gradient goes back through time here.";
  if (scene.trace.steps.filter((s) => s.loss !== null).length > 1) {
    return "Every step has a loss of its own, so ‖dL/dh_t‖ mixes gradients from near and far: click a step and its gradient chain shows how much of one loss reaches back.";
  }
  const last = norms[T - 1];
  if (!(last > 0)) return "The last step gets no gradient at all (its loss is flat: dL/dh is exactly 0).";
  const share = norms[0] / last;
  const back = `${T - 1} step${T === 2 ? "" : "s"} back, at t = 0,`;
  if (share === 0) return `${back} nothing of the gradient is left (exactly 0): it vanishes.`;
  const verdict = share < VANISHES ? ": it vanishes" : share > EXPLODES ? ": it explodes" : "";
  const words = share < 1 ? `keeps ${powerOfTen(share)} of the last step's` : `is ${powerOfTen(share)} times the last step's`;
  return `${back} ‖dL/dh‖ ${words}${verdict}.`;
}

// The playhead's 2T positions: the forward pass visits t = 0 … T−1, the backward pass
// t = T−1 … 0, one sequence that ←/→ walk and the timeline scrubs. No DOM.

/** The position of a playhead in the 2T sequence. */
export function positionOf({ phase, t }, T) {
  return phase === "forward" ? t : T + (T - 1 - t);
}

/** The playhead at a position of the 2T sequence (clamped; a forward-only trace, which has no
 * backward pass, to its first T). */
export function playheadAt(position, T, forwardOnly = false) {
  const p = Math.min(Math.max(0, position), (forwardOnly ? T : 2 * T) - 1);
  return p < T ? { phase: "forward", t: p } : { phase: "backward", t: 2 * T - 1 - p };
}

/** A playhead that fits a trace of T steps (forward only: in the forward pass). */
export function clampPlayhead({ phase, t }, T, forwardOnly = false) {
  return { phase: forwardOnly ? "forward" : phase, t: Math.min(Math.max(0, t), T - 1) };
}

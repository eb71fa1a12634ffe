// The player: the clock that moves the store's playhead. The forward pass visits t = 0 … T−1,
// the backward pass t = T−1 … 0: one sequence of 2T positions that ←/→ walk and the timeline
// scrubs. The playhead lives in the store (state.phase, state.t) and nowhere else; the player
// holds only whether it is playing (state.playing, in the store too).

const STEP_MS = 800; // one step at 1× speed

/** The position of a playhead in the 2T sequence. */
export function positionOf({ phase, t }, T) {
  return phase === "forward" ? t : T + (T - 1 - t);
}

/** The playhead at a position of the 2T sequence (clamped). */
export function playheadAt(position, T) {
  const p = Math.min(Math.max(0, position), 2 * T - 1);
  return p < T ? { phase: "forward", t: p } : { phase: "backward", t: 2 * T - 1 - p };
}

/** A playhead that fits a trace of T steps. */
export function clampPlayhead({ phase, t }, T) {
  return { phase, t: Math.min(Math.max(0, t), T - 1) };
}

/** The player of a store whose `scene` (with T) is the drawn trace. */
export function createPlayer(store) {
  let frame = null;
  let last = 0;

  const T = () => store.state.scene?.T ?? 1;
  const playhead = () => ({ phase: store.state.phase, t: store.state.t });
  const atEndOfPass = () => {
    const { phase, t } = playhead();
    return phase === "forward" ? t === T() - 1 : t === 0;
  };

  function tick(now) {
    frame = null;
    if (!store.state.playing) return;
    if (now - last >= STEP_MS / store.state.speed) {
      last = now;
      if (atEndOfPass()) {
        pause();
        return;
      }
      store.patch(playheadAt(positionOf(playhead(), T()) + 1, T()));
    }
    frame = requestAnimationFrame(tick);
  }

  function play() {
    if (store.state.playing || !store.state.scene) return;
    const { phase } = playhead();
    if (atEndOfPass()) store.patch({ phase, t: phase === "forward" ? 0 : T() - 1 });
    last = performance.now();
    store.patch({ playing: true });
    frame = requestAnimationFrame(tick);
  }

  function pause() {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    store.patch({ playing: false });
  }

  /** Move the playhead (pausing), clamped to the trace. */
  function seek(next) {
    if (store.state.playing) pause();
    store.patch(clampPlayhead(next, T()));
  }

  return {
    play,
    pause,
    seek,
    toggle: () => (store.state.playing ? pause() : play()),
    stepBy: (delta) => seek(playheadAt(positionOf(playhead(), T()) + delta, T())),
    home: () => seek({ phase: store.state.phase, t: store.state.phase === "forward" ? 0 : T() - 1 }),
    end: () => seek({ phase: store.state.phase, t: store.state.phase === "forward" ? T() - 1 : 0 }),
    backward() {
      seek({ phase: "backward", t: T() - 1 });
      play();
    },
  };
}

// The player: the clock that moves the store's playhead along its 2T positions (playhead.js).
// The playhead lives in the store (state.phase, state.t) and nowhere else; whether it is playing
// is the store's too (state.playing).

import { clampPlayhead, playheadAt, positionOf } from "./playhead.js";

const STEP_MS = 800; // one step at 1× speed

/** The player of a store whose `scene` (with T) is the drawn trace. */
export function createPlayer(store) {
  let frame = null;
  let last = 0;

  const T = () => store.state.scene?.T ?? 1;
  const forwardOnly = () => Boolean(store.state.scene?.forwardOnly); // no loss: no backward pass
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
    store.patch(clampPlayhead(next, T(), forwardOnly()));
  }

  return {
    play,
    pause,
    seek,
    toggle: () => (store.state.playing ? pause() : play()),
    stepBy: (delta) => seek(playheadAt(positionOf(playhead(), T()) + delta, T(), forwardOnly())),
    home: () => seek({ phase: store.state.phase, t: store.state.phase === "forward" ? 0 : T() - 1 }),
    end: () => seek({ phase: store.state.phase, t: store.state.phase === "forward" ? T() - 1 : 0 }),
    /** The backward pass from its start; a forward-only trace has none, and says so (`refused`). */
    backward() {
      if (forwardOnly()) {
        store.patch({ refused: { action: "backward", at: performance.now() } });
        return;
      }
      seek({ phase: "backward", t: T() - 1 });
      play();
    },
  };
}

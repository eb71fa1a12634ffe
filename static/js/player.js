// The playhead and its clock. The forward pass visits t = 0 … T−1, the backward pass
// t = T−1 … 0: one sequence of 2T positions that ←/→ walk and the timeline scrubs.

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

/**
 * The player: owns the playhead, tells onChange(playhead, {playing}) after every move.
 * Playing advances one step per STEP_MS / speed, and stops at the end of a pass.
 */
export function createPlayer({ onChange }) {
  let T = 1;
  let playhead = { phase: "forward", t: 0 };
  let speed = 1;
  let playing = false;
  let frame = null;
  let last = 0;

  const notify = () => onChange({ ...playhead }, { playing });
  const atEndOfPass = () => (playhead.phase === "forward" ? playhead.t === T - 1 : playhead.t === 0);

  function tick(now) {
    if (!playing) return;
    if (now - last >= STEP_MS / speed) {
      last = now;
      if (atEndOfPass()) {
        pause();
        return;
      }
      playhead = playheadAt(positionOf(playhead, T) + 1, T);
      notify();
    }
    frame = requestAnimationFrame(tick);
  }

  function play() {
    if (playing) return;
    if (atEndOfPass()) playhead = { phase: playhead.phase, t: playhead.phase === "forward" ? 0 : T - 1 };
    playing = true;
    last = performance.now();
    notify();
    frame = requestAnimationFrame(tick);
  }

  function pause() {
    playing = false;
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    notify();
  }

  function seek(next) {
    playhead = clampPlayhead(next, T);
    notify();
  }

  return {
    get playhead() { return { ...playhead }; },
    get playing() { return playing; },
    get steps() { return T; },
    load(steps, next) {
      T = steps;
      playhead = clampPlayhead(next, T);
    },
    play,
    pause,
    toggle: () => (playing ? pause() : play()),
    seek,
    stepBy(delta) {
      if (playing) pause();
      seek(playheadAt(positionOf(playhead, T) + delta, T));
    },
    home() {
      if (playing) pause();
      seek({ phase: playhead.phase, t: playhead.phase === "forward" ? 0 : T - 1 });
    },
    end() {
      if (playing) pause();
      seek({ phase: playhead.phase, t: playhead.phase === "forward" ? T - 1 : 0 });
    },
    backward() {
      if (playing) pause();
      seek({ phase: "backward", t: T - 1 });
      play();
    },
    setSpeed(value) { speed = value; },
  };
}

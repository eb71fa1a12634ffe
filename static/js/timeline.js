// The timeline view under the stage: all 2T positions of the playhead (the forward pass, then the
// backward pass), scrubbable with the pointer; the steps the stage shows are bracketed.

import { el } from "./dom.js";
import { playheadAt, positionOf } from "./playhead.js";

export function createTimeline(root, { onSeek }) {
  const windowBox = el("div", { class: "track-window", "aria-hidden": "true" });
  const handle = el("div", { class: "track-handle", "data-playhead": "" });
  const backwardLabel = el("span", { text: "backward" });
  const track = el("div", {
    class: "track", role: "slider", tabindex: 0, "aria-label": "Playhead: time step and pass",
    "aria-valuemin": 0, "aria-valuemax": 1, "aria-valuenow": 0, "aria-valuetext": "forward pass, step t = 0",
  }, [
    el("div", { class: "track-forward" }, [el("span", { text: "forward" })]),
    el("div", { class: "track-backward" }, [backwardLabel]),
    windowBox, handle,
  ]);
  root.replaceChildren(track);
  let T = 1;

  function positionAt(clientX) {
    const box = track.getBoundingClientRect();
    const u = Math.min(Math.max((clientX - box.left) / box.width, 0), 0.999999);
    return Math.floor(u * 2 * T);
  }
  let dragging = false;
  track.addEventListener("pointerdown", (e) => {
    dragging = true;
    track.setPointerCapture(e.pointerId);
    onSeek(playheadAt(positionAt(e.clientX), T));
  });
  track.addEventListener("pointermove", (e) => { if (dragging) onSeek(playheadAt(positionAt(e.clientX), T)); });
  track.addEventListener("pointerup", () => { dragging = false; });
  track.addEventListener("pointercancel", () => { dragging = false; });

  /** The playhead of the scene's T steps, and the window of steps the stage draws. */
  function update({ scene, playhead, state, changed }) {
    if (!scene || !["scene", "t", "phase", "stageWindow"].some((k) => changed.has(k))) return;
    T = scene.T;
    if (changed.has("scene")) { // a forward-only trace has no backward pass to scrub to
      track.classList.toggle("forward-only", scene.forwardOnly);
      backwardLabel.textContent = scene.forwardOnly ? "no loss" : "backward";
    }
    const position = positionOf(playhead, T);
    const pct = (k) => `${(100 * k) / (2 * T)}%`;
    handle.style.left = pct(position + 0.5);
    handle.dataset.t = playhead.t;
    handle.dataset.phase = playhead.phase;
    track.setAttribute("aria-valuemax", 2 * T - 1);
    track.setAttribute("aria-valuenow", position);
    track.setAttribute("aria-valuetext", `${playhead.phase} pass, step t = ${playhead.t} of ${T - 1}`);
    const shown = state.stageWindow;
    windowBox.hidden = !shown?.windowed;
    if (shown?.windowed) {
      const [a, b] = playhead.phase === "forward" ? [shown.start, shown.end] : [2 * T - shown.end, 2 * T - shown.start];
      Object.assign(windowBox.style, { left: pct(a), width: pct(b - a) });
    }
  }
  return { update, resize() {} };
}

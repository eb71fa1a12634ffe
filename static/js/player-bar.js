// The player bar view: play / pause, the step buttons, the backward pass, the speed, and where
// the playhead is in words.

import { SPEEDS } from "./state.js";

const FORWARD_ONLY = "No backward pass: no output has a target, so there is no loss to send back (forward only).";

/** nodes: {home, back, play, forward, end, backward, backwardReason, speed, text}; player: player.js's. */
export function createPlayerBar(nodes, { player, onSpeed }) {
  nodes.home.addEventListener("click", () => player.home());
  nodes.back.addEventListener("click", () => player.stepBy(-1));
  nodes.play.addEventListener("click", () => player.toggle());
  nodes.forward.addEventListener("click", () => player.stepBy(1));
  nodes.end.addEventListener("click", () => player.end());
  nodes.backward.addEventListener("click", () => player.backward());
  nodes.speed.replaceChildren(...SPEEDS.map((s) => new Option(s === 0.5 ? "½×" : `${s}×`, String(s))));
  nodes.speed.addEventListener("change", () => onSpeed(Number(nodes.speed.value)));

  function update({ scene, playhead, state, changed }) {
    if (changed.has("playing")) {
      nodes.play.dataset.playing = String(state.playing);
      nodes.play.setAttribute("aria-label", state.playing ? "Pause" : "Play");
    }
    if (changed.has("speed")) nodes.speed.value = String(state.speed);
    if (scene && changed.has("scene")) {
      nodes.backward.disabled = scene.forwardOnly;
      nodes.backward.textContent = scene.forwardOnly ? "forward only" : "backward pass (B)";
      nodes.backward.title = scene.forwardOnly ? FORWARD_ONLY : "";
      nodes.backwardReason.textContent = scene.forwardOnly ? FORWARD_ONLY : "";
    }
    if (changed.has("refused") && state.refused) { // B pressed on a forward-only trace: say why again
      nodes.backwardReason.textContent = "";
      requestAnimationFrame(() => { nodes.backwardReason.textContent = FORWARD_ONLY; });
      nodes.backward.classList.remove("refused");
      requestAnimationFrame(() => nodes.backward.classList.add("refused"));
    }
    if (scene && ["scene", "t", "phase"].some((k) => changed.has(k))) {
      nodes.text.textContent = `${playhead.phase} · t = ${playhead.t} / ${scene.T - 1}`;
    }
  }
  return { update, resize() {} };
}

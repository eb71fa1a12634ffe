// The screen-reader view: one short sentence in a live region wherever the playhead stops.

import { short, visible } from "./format.js";

export function createAnnouncer(node) {
  function update({ scene, playhead, state, changed }) {
    if (!scene || state.playing || !["t", "phase", "playing", "scene"].some((k) => changed.has(k))) return;
    const step = scene.trace.steps[playhead.t];
    const input = step.x_label !== null ? visible(step.x_label) : step.x.map((v) => scene.valueText(v)).join(", ");
    const gradient = playhead.phase === "backward" ? `, ‖dL/dh‖ ${short(step.dh_norm)}` : "";
    node.textContent = `${playhead.phase} pass, step ${playhead.t} of ${scene.T - 1}: input ${input}${gradient}.`;
  }
  return { update, resize() {} };
}

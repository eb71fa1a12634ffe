// The folded network on the stage (§1.4): one cell with its self-loop, the playhead's step drawn
// at the middle of the stage, and what the loop means. Geometry is layout.js's foldedLayout.

import { svg } from "./dom.js";

/** The self-loop, its W_hh label and the caption, for the scene's step of role `role`. */
export function drawFold(folded, scene, role) {
  const { loop, caption } = folded;
  const lineHeight = 1.3; // em
  const uses = scene.trace.steps.filter((s) => s.role === role).length;
  const lines = role === "step"
    ? ["one cell, one set of weights,", `used at every step (T = ${uses})`, "U unfolds it"]
    : [`the ${role}'s one cell and weights,`, `used at its ${uses} steps`, "U unfolds it"];
  return [
    svg("path", { class: "link link-self-loop", d: loop.d, "marker-end": "url(#arrowhead)" }),
    svg("text", { class: "weight self-loop-label", x: loop.labelX, y: loop.labelY, "text-anchor": "middle", text: "W_hh" }),
    svg("text", { class: "fold-caption", x: caption.x, y: caption.y }, lines.map((text, i) => svg("tspan", {
      x: caption.x, dy: i === 0 ? 0 : `${lineHeight}em`, text }))),
  ];
}

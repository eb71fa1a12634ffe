// The gradient lab's readout view: what the chart shows (its settings, as a title) and one plain
// sentence per cell, computed from its trace ("50 steps back, the tanh RNN keeps 1.6 × 10⁻⁹ of
// its gradient: it vanishes").

import { el, replaceChildren } from "./dom.js";
import { comparison, LAB_CELLS, readout } from "./lab-data.js";

/** root: the sentences' element; title: the chart's title element. */
export function createLabReadout(root, { title, labelOf }) {
  function update({ state, changed }) {
    if (!state.lab || !changed.has("lab")) return;
    const { settings } = state.lab;
    title.textContent = `One sentence of ${settings.length} words, four untrained cells · H = ${settings.hiddenSize} · ρ = ${settings.recurrentScale} · seed ${settings.seed}`;
    const { curves, errors } = state.lab;
    const lines = LAB_CELLS.map((choice) => el("li", {
      "data-readout-cell": choice, text: readout(labelOf(choice), curves[choice], errors[choice]),
    }));
    const compared = comparison(curves, labelOf);
    replaceChildren(root, [el("ul", {}, lines), compared ? el("p", { class: "lab-comparison", text: compared }) : null]);
  }
  return { update, resize() {} };
}

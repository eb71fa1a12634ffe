// The topology picker view: the five topologies as the pictures textbooks use, each with its
// example task (keys 1–5), one radio group.

import { shortName } from "./catalog.js";
import { el } from "./dom.js";
import { pictogram } from "./pictograms.js";
import { radioGroup } from "./radio-group.js";

export function createTopologyPicker(root, { catalog, onChoose }) {
  const buttons = catalog.topologies.map((topology, k) => el("button", {
    type: "button", class: "topology", "data-topology-choice": topology.id,
    title: `${topology.name} (key ${k + 1}): ${topology.example}`,
  }, [pictogram(topology.id), el("span", { class: "topology-name", text: shortName(topology) }),
    el("span", { class: "topology-use", text: catalog.taskOf(topology.id).name })]));
  root.replaceChildren(...buttons);
  const group = radioGroup(buttons, (b) => b.dataset.topologyChoice, onChoose);

  function update({ state, changed }) {
    if (changed.has("topology")) group.set(state.topology);
  }
  return { update, resize() {} };
}

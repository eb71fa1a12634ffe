// The right column's two panels, Train and Generate, one shown at a time (a radio group of two:
// Tab reaches the chosen one, the arrows move the choice). Generate exists where outputs are fed
// back (one_to_many, seq2seq); elsewhere Train is shown alone. CSS shows the chosen one from the
// root's data-tab and data-feeds.

import { radioGroup } from "./radio-group.js";

/** root: the panels' column, holding the buttons [data-live-tab]. */
export function createLiveTabs(root, { catalog }) {
  const buttons = [...root.querySelectorAll("[data-live-tab]")];
  let tab = "train";
  const group = radioGroup(buttons, (b) => b.dataset.liveTab, (choice) => show(choice));

  function show(choice) {
    tab = choice;
    root.dataset.tab = choice;
    group.set(choice);
  }
  show(tab);

  function update({ state, changed }) {
    if (!changed.has("topology")) return;
    const feeds = catalog.topology(state.topology).feeds_back;
    root.dataset.feeds = String(feeds);
    if (!feeds && tab !== "train") show("train");
  }
  return { update, resize() {} };
}

// The gradient lab page (`/lab`): one long sentence through the four cells — rnn-tanh, rnn-relu,
// lstm, gru — at the same seed, and ‖dL/dh_t‖ against the distance from the loss on one shared
// log axis. Its defaults are the engine's (app/engine/config.py, LAB_*), in the page's data.

import { fetchCatalog } from "./api.js";
import { makeCatalog } from "./catalog.js";
import { cellByChoice } from "./cells.js";
import { bindKeys } from "./keys.js";
import { createLabChart } from "./lab-chart.js";
import { createLabControls } from "./lab-controls.js";
import { createLabLoader } from "./lab-loader.js";
import { createLabReadout } from "./lab-readout.js";
import { createNotices } from "./notices.js";
import { createShell } from "./page-shell.js";
import { labTable, parseState, serializeState } from "./state.js";
import { createStore } from "./store.js";

const $ = (id) => document.getElementById(id);
const LABELS = { "rnn-tanh": "tanh RNN", "rnn-relu": "ReLU RNN", lstm: "LSTM", gru: "GRU" };

/** The lab's defaults, written into the page by the server from app/engine/config.py. */
function labDefaults() {
  const d = $("lab").dataset;
  return {
    topology: d.topology, task: d.task, length: Number(d.length), maxLength: Number(d.maxLength),
    hiddenSize: Number(d.hiddenSize), seed: Number(d.seed), recurrentScale: Number(d.vanishingScale),
    vanishingScale: Number(d.vanishingScale), explodingScale: Number(d.explodingScale),
  };
}

/** The visualizer at the lab's settings for one cell, the backward pass ready at its last step. */
function visualizerLink(state, choice, defaults) {
  const query = new URLSearchParams({
    topology: defaults.topology, cell: choice, h: state.hiddenSize, len: state.length, seed: state.seed,
    rho: state.recurrentScale, phase: "backward", t: state.length - 1,
  });
  return `/?${query}`;
}

async function start() {
  let retry = () => location.reload();
  const notices = createNotices({ box: $("notice"), text: $("notice-text"), progress: $("notice-progress"), retry: $("notice-retry") },
    { onRetry: () => retry() });
  let catalog;
  try {
    catalog = makeCatalog(await fetchCatalog());
  } catch (error) {
    notices.show("error", `The lab cannot start: ${error.message}`, { canRetry: true });
    return;
  }
  const defaults = labDefaults();
  const table = labTable(catalog, defaults);
  const store = createStore({ ...parseState(table, location.search), lab: null, status: { kind: "loading", message: "" } });
  const labelOf = (choice) => LABELS[choice] ?? cellByChoice(choice).label;
  const shell = createShell(store);
  const views = [
    shell, notices,
    createLabControls($("lab-settings"), { catalog, defaults, onChange: (patch) => store.patch(patch) }),
    createLabChart($("lab-chart"), { labelOf, linkOf: (choice) => visualizerLink(store.state, choice, defaults) }),
    createLabReadout($("lab-readout"), { title: $("lab-title"), labelOf }),
  ];
  const render = (changed) => {
    const frame = { scene: null, playhead: null, state: store.state, changed };
    for (const view of views) view.update(frame);
    if (changed.has("lab") && store.state.lab) performance.mark("unroll:lab-drawn");
  };
  store.subscribe(render);
  render(new Set(Object.keys(store.state)));
  store.subscribe(() => history.replaceState(null, "", `${location.pathname}${serializeState(table, store.state)}`));
  const loader = createLabLoader(store, defaults);
  retry = () => loader.load();
  bindKeys({
    present: () => shell.togglePresenting(),
    help: () => shell.showHelp(),
    // ρ in steps of 0.1 ([ ]), and back to the lab's vanishing scale (R); the sentence's length (− +)
    scale: (d) => store.patch({
      recurrentScale: d === 0 ? defaults.vanishingScale : Math.max(0, Math.round((store.state.recurrentScale + d * 0.1) * 100) / 100),
    }),
    length: (d) => store.patch({ length: Math.min(defaults.maxLength, Math.max(2, store.state.length + d * 10)) }),
  });
  new ResizeObserver(() => { for (const view of views) view.resize(); }).observe($("lab-chart"));
  loader.load();
}

start();

// The visualizer page (`/`): its store, its views and the wiring between them. Everything drawn
// comes from the API's answers through the store; views import no other view.

import { fetchCatalog } from "./api.js";
import { createAnnouncer } from "./announcer.js";
import { makeCatalog } from "./catalog.js";
import { CELLS, cellOf } from "./cells.js";
import { createCharts } from "./charts.js";
import { createControls } from "./controls.js";
import { createHeader } from "./header.js";
import { createInspector } from "./inspector.js";
import { createIntro } from "./intro.js";
import { bindKeys } from "./keys.js";
import { createLegend } from "./legend.js";
import { createNotices } from "./notices.js";
import { createShell } from "./page-shell.js";
import { createPlayer } from "./player.js";
import { createPlayerBar } from "./player-bar.js";
import { givenLength, savedWeights } from "./requests.js";
import { createStage } from "./stage.js";
import { parseState, urlTable } from "./state.js";
import { createStore } from "./store.js";
import { createTimeline } from "./timeline.js";
import { attachTooltip } from "./tooltip.js";
import { createTopologyPicker } from "./topology-picker.js";
import { createTraceLoader, failureStatus } from "./trace-loader.js";
import { syncUrl } from "./url-sync.js";

const $ = (id) => document.getElementById(id);
const RHO_STEP = 0.1; // what [ and ] change the recurrent scale by

/** Loads a saved training's file into the store (its network becomes the view's). */
async function loadWeights(store, catalog, file) {
  if (!file) {
    store.patch({ weights: null, weightsError: null });
    return;
  }
  try {
    if (file.size > catalog.limits.body_bytes) throw new Error(`${file.name} is over ${catalog.limits.body_bytes / 2 ** 20} MB`);
    const weights = savedWeights(await file.text(), file.name, catalog);
    const { config } = weights;
    store.patch({
      weights, weightsError: null, topology: config.topology, cell: cellOf(config.cell, config.activation).choice,
      hiddenSize: config.hidden_size, trained: false, inputs: null, length: null, t: 0, phase: "forward",
    });
  } catch (error) {
    store.patch({ weightsError: error.message });
  }
}

/** The page's views other than the shell and the notices, in the order they are drawn. */
function createViews(store, catalog, player) {
  const seek = (t) => player.seek({ phase: store.state.phase, t });
  return [
    createTopologyPicker($("topology-picker"), {
      catalog, onChoose: (id) => store.patch({ topology: id, inputs: null, length: null, t: 0, phase: "forward" }),
    }),
    createControls($("settings-panel"), {
      catalog,
      onChange: (patch) => store.patch(patch),
      onInputsDone: () => $("stage").focus(),
      onWeightsFile: (file) => loadWeights(store, catalog, file),
    }),
    createHeader({ title: $("stage-title"), summary: $("stage-summary"), hint: $("stage-hint"), status: $("stage-status") }),
    createLegend($("legend")),
    createStage($("stage"), {
      onSeek: seek,
      onHighlight: (key) => store.patch({ weight: key }),
      onWindow: (shown) => store.patch({ stageWindow: shown }),
    }),
    createPlayerBar({
      home: $("btn-home"), back: $("btn-back"), play: $("btn-play"), forward: $("btn-forward"), end: $("btn-end"),
      backward: $("btn-backward"), speed: $("speed"), text: $("playhead-text"),
    }, { player, onSpeed: (speed) => store.patch({ speed }) }),
    createTimeline($("timeline"), { onSeek: (playhead) => player.seek(playhead) }),
    createCharts({
      heatmap: $("heatmap"), heatmapOverlay: $("heatmap-overlay"), norms: $("dh-chart"), normsOverlay: $("dh-overlay"),
      plotlySrc: $("plotly-js").href, onSeek: seek,
    }),
    createIntro({ toggle: $("intro-toggle"), body: $("intro-body"), explainer: $("topology-explainer") }, { catalog }),
    createInspector($("step-details")),
    createAnnouncer($("announce")),
  ];
}

function bindKeyboard(store, catalog, player, shell) {
  bindKeys({
    toggle: () => player.toggle(),
    step: (d) => player.stepBy(d),
    home: () => player.home(),
    end: () => player.end(),
    backward: () => player.backward(),
    topology: (k) => {
      const topology = catalog.topologies[k];
      if (topology) store.patch({ topology: topology.id, inputs: null, length: null, t: 0, phase: "forward" });
    },
    present: () => shell.togglePresenting(),
    help: () => shell.showHelp(),
    cell: (d) => {
      const k = CELLS.findIndex((c) => c.choice === store.state.cell);
      store.patch({ cell: CELLS[(k + d + CELLS.length) % CELLS.length].choice });
    },
    trained: () => {
      const { state } = store;
      if (catalog.presetFor(catalog.taskOf(state.topology).id, state.cell)) store.patch({ trained: !state.trained });
    },
    scale: (d) => { // ρ in steps of 0.1 from PyTorch's initialisation (0: back to it)
      const { state } = store;
      if (state.trained) return;
      const rho = d === 0 ? null : Math.max(0, Math.round(((state.recurrentScale ?? 1) + d * RHO_STEP) * 100) / 100);
      store.patch({ recurrentScale: rho });
    },
    length: (d) => {
      const { state } = store;
      const task = catalog.taskOf(state.topology);
      const now = state.length ?? (state.scene ? givenLength(state.scene.trace) : 1);
      const length = Math.min(task.max_length, Math.max(1, now + d));
      if (length !== now) store.patch({ length, inputs: null });
    },
  });
}

async function start() {
  let retry = () => location.reload(); // until the catalog has come: start again
  const notices = createNotices({ box: $("notice"), text: $("notice-text"), progress: $("notice-progress"), retry: $("notice-retry") },
    { onRetry: () => retry() });
  notices.show("info", "Connecting to the Unroll server…");
  let catalog;
  try {
    catalog = makeCatalog(await fetchCatalog());
  } catch (error) {
    notices.show("error", failureStatus(error, {}).message, { canRetry: true });
    $("stage").dataset.empty = "true";
    return;
  }
  notices.clear();
  const table = urlTable(catalog);
  const store = createStore({
    ...parseState(table, location.search),
    scene: null, drawn: null, status: { kind: "loading", message: "" }, playing: false, weight: null,
    weights: null, weightsError: null, stageWindow: null,
  });
  const loader = createTraceLoader(store, catalog);
  loader.load(); // asked for first: the views are built while the server computes it
  const player = createPlayer(store);
  const shell = createShell(store);
  const views = [shell, notices, ...createViews(store, catalog, player)];
  const render = (changed) => {
    const frame = { scene: store.state.scene, playhead: { phase: store.state.phase, t: store.state.t }, state: store.state, changed };
    const drawing = views.map((view) => view.update(frame));
    if (!changed.has("scene") || !frame.scene) return;
    performance.mark("unroll:stage"); // the stage is drawn; the charts draw after (docs/page.md)
    Promise.all(drawing).then(() => performance.mark("unroll:drawn"));
  };
  store.subscribe(render);
  render(new Set(Object.keys(store.state)));
  syncUrl(store, table);
  retry = () => loader.load();
  bindKeyboard(store, catalog, player, shell);
  attachTooltip($("stage"), $("tooltip"));
  let frame = null;
  new ResizeObserver(() => {
    if (frame === null) frame = requestAnimationFrame(() => { frame = null; for (const view of views) view.resize(); });
  }).observe($("stage"));
}

start();

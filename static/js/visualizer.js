// The visualizer page (`/`): its store, its views and the wiring between them. Everything drawn
// comes from the API's answers through the store; views import no other view. The views of the
// first drawing are built here; the rest, once it is painted, by visualizer-later.js.

import { fetchCatalog, fetchLessons } from "./api.js";
import { makeCatalog } from "./catalog.js";
import { CELLS } from "./cells.js";
import { createCharts } from "./charts.js";
import { createExplainLoader } from "./explain-loader.js";
import { createFoldButton } from "./fold-button.js";
import { createHeader } from "./header.js";
import { bindKeys } from "./keys.js";
import { createLegend } from "./legend.js";
import { createLessonLoader } from "./lesson-loader.js";
import { createLessonPlayer } from "./lesson-player.js";
import { createNotices } from "./notices.js";
import { keepOwnData, keptOwnData } from "./own-keep.js";
import { createShell } from "./page-shell.js";
import { createPlayer } from "./player.js";
import { clampPlayhead } from "./playhead.js";
import { createPlayerBar } from "./player-bar.js";
import { createPresenterInspector } from "./presenter-inspector.js";
import { givenLength } from "./requests.js";
import { createStage } from "./stage.js";
import { parseState, urlTable } from "./state.js";
import { createStore } from "./store.js";
import { createTimeline } from "./timeline.js";
import { createTopologyPicker } from "./topology-picker.js";
import { createTraceLoader, failureStatus } from "./trace-loader.js";

const $ = (id) => document.getElementById(id);
const RHO_STEP = 0.1; // what [ and ] change the recurrent scale by
const UNFOLDED_KEY = "unroll.unfolded"; // set once the first visit has watched the network unfold
const SLOW_CATALOG_MS = 300; // a catalog that takes longer says so

/** The first visit opens folded and unfolds once the network is drawn (remembered per browser). */
function unfoldOnce(store) {
  if (!store.state.folded) return;
  const stop = store.subscribe((changed, state) => {
    if (!changed.has("scene") || !state.scene) return;
    stop();
    localStorage.setItem(UNFOLDED_KEY, "1");
    setTimeout(() => store.patch({ folded: false }), 500); // a moment to see the one cell first
  });
}

/**
 * The views of the page's first drawing, other than the shell and the notices, in the order they
 * are drawn; `later.inspector` is the inspector once visualizer-later.js has built it.
 */
function createViews(store, catalog, { player, lessons, later }) {
  const seek = (t) => player.seek({ phase: store.state.phase, t });
  return [
    createLessonPlayer({
      root: $("lesson"), title: $("lesson-title"), counter: $("lesson-counter"), text: $("lesson-text"),
      back: $("lesson-back"), next: $("lesson-next"), link: $("lesson-link"), close: $("lesson-close"),
    }, {
      go: (d) => lessons.go(d),
      close: () => lessons.close(),
      copyLink: async () => {
        const link = lessons.link();
        try {
          await navigator.clipboard.writeText(link);
          store.patch({ lessonNote: "The link to this lesson, at this step, is copied: share it with your class." });
        } catch {
          store.patch({ lessonNote: `Copy this link: ${link}` });
        }
      },
    }),
    createTopologyPicker($("topology-picker"), {
      catalog, onChoose: (id) => store.patch({ topology: id, inputs: null, length: null, t: 0, phase: "forward" }),
    }),
    createHeader({ title: $("stage-title"), summary: $("stage-summary"), hint: $("stage-hint"), status: $("stage-status") }),
    createLegend($("legend")),
    createStage($("stage"), {
      onSeek: (t) => { seek(t); later.inspector?.reveal(); },
      onSelect: () => later.inspector?.focus(),
      onHighlight: (key) => store.patch({ weight: key }),
      onWindow: (shown) => store.patch({ stageWindow: shown }),
    }),
    createFoldButton($("btn-fold"), { onToggle: () => store.patch({ folded: !store.state.folded }) }),
    createPresenterInspector($("btn-inspector"), { onToggle: () => store.patch({ inspecting: !store.state.inspecting }) }),
    createPlayerBar({
      home: $("btn-home"), back: $("btn-back"), play: $("btn-play"), forward: $("btn-forward"), end: $("btn-end"),
      backward: $("btn-backward"), backwardReason: $("backward-reason"), speed: $("speed"), text: $("playhead-text"),
    }, { player, onSpeed: (speed) => store.patch({ speed }) }),
    createTimeline($("timeline"), { onSeek: (playhead) => player.seek(playhead) }),
    createCharts({
      heatmap: $("heatmap"), heatmapOverlay: $("heatmap-overlay"), norms: $("dh-chart"), normsOverlay: $("dh-overlay"),
      tooltip: $("chart-tooltip"), onSeek: seek,
    }),
  ];
}

function bindKeyboard(store, catalog, player, shell, lessons) {
  bindKeys({
    toggle: () => player.toggle(),
    step: (d) => (store.state.lesson ? lessons.go(d) : player.stepBy(d)), // in a lesson: its steps
    home: () => player.home(),
    end: () => player.end(),
    backward: () => player.backward(),
    fold: () => store.patch({ folded: !store.state.folded }),
    inspect: () => store.patch({ inspecting: !store.state.inspecting }),
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

const PENDING = new Set(["loading", "busy", "receiving"]); // a trace status before its answer or failure

/** Resolves once the first trace is drawn and painted, or has failed. */
function firstTraceShown(store) {
  return new Promise((resolve) => {
    const shown = () => store.state.scene !== null || !PENDING.has(store.state.status.kind);
    const painted = () => requestAnimationFrame(() => setTimeout(resolve)); // after the frame that shows it
    if (shown()) { painted(); return; }
    const stop = store.subscribe(() => {
      if (!shown()) return;
      stop();
      painted();
    });
  });
}

async function start() {
  let retry = () => location.reload(); // until the catalog has come: start again
  const notices = createNotices({ box: $("notice"), text: $("notice-text"), progress: $("notice-progress"), retry: $("notice-retry") },
    { onRetry: () => retry() });
  // Said only when the catalog is slow: it is usually in already (preloaded with the modules).
  const connecting = setTimeout(() => notices.show("info", "Connecting to the Unroll server…"), SLOW_CATALOG_MS);
  const lessonIndex = fetchLessons().catch(() => []); // beside the catalog, not after it
  let catalog;
  try {
    catalog = makeCatalog(await fetchCatalog());
  } catch (error) {
    notices.show("error", failureStatus(error, {}).message, { canRetry: true });
    $("stage").dataset.empty = "true";
    return;
  } finally {
    clearTimeout(connecting);
  }
  notices.clear();
  const shipped = await lessonIndex;
  const table = urlTable(catalog);
  const store = createStore({
    ...parseState(table, location.search),
    scene: null, drawn: null, status: { kind: "loading", message: "" }, playing: false, weight: null,
    weights: null, weightsError: null, stageWindow: null, lesson: null, lessonNote: null, lessonError: null, compared: null,
    ...keptOwnData(), modelStatus: null, keepError: null, refused: null, // your own data (own-data.js)
    live: null, // weights trained in the page; `train`, `trainPoints` and `generation` come with their runners
    explanation: null, litUnit: null, folded: localStorage.getItem(UNFOLDED_KEY) === null, inspecting: false,
  });
  createExplainLoader(store); // first of the subscribers: a step's request leaves before the views draw
  keepOwnData(store);
  const loader = createTraceLoader(store, catalog);
  loader.load(); // asked for first: the views are built while the server computes it
  const player = createPlayer(store);
  const shell = createShell(store);
  const lessons = createLessonLoader(store, table, { onError: (message) => store.patch({ lessonError: message }) });
  const later = { inspector: null };
  const views = [shell, notices, ...createViews(store, catalog, { player, lessons, later })];
  const frameOf = (changed) => {
    const { scene, phase, t } = store.state;
    // While a view's new trace loads, its playhead may be past the drawn one's end: views see it
    // within the drawn trace (the loader moves it when the new one arrives).
    const playhead = scene ? clampPlayhead({ phase, t }, scene.T) : { phase, t };
    return { scene, playhead, state: store.state, changed };
  };
  const render = (changed) => {
    const frame = frameOf(changed);
    const drawing = views.map((view) => view.update(frame));
    if (!changed.has("scene") || !frame.scene) return;
    performance.mark("unroll:stage"); // the stage and the charts are drawn, in this task (docs/page.md)
    Promise.all(drawing).then(() => performance.mark("unroll:drawn"));
  };
  store.subscribe(render);
  render(new Set(Object.keys(store.state)));
  unfoldOnce(store);
  retry = () => loader.load();
  bindKeyboard(store, catalog, player, shell, lessons);
  let frame = null;
  new ResizeObserver(() => {
    if (frame === null) frame = requestAnimationFrame(() => { frame = null; for (const view of views) view.resize(); });
  }).observe($("stage"));
  lessons.open();
  await firstTraceShown(store);
  let built;
  try {
    document.head.append($("later-modules").content); // their <link rel="modulepreload">: all asked at once
    built = (await import("./visualizer-later.js")).createLaterViews(store, catalog, { table, lessons, shipped });
  } catch (error) {
    reportError(error);
    retry = () => location.reload();
    notices.show("error", "Part of the page (the settings, the panels, the inspector) could not be loaded.", { canRetry: true });
    return;
  }
  later.inspector = built.inspector;
  const now = frameOf(new Set(Object.keys(store.state)));
  for (const view of built.views) view.update(now);
  views.push(...built.views);
  $("main").dataset.ready = ""; // the panels beside the stage show from now on (unroll.css)
  performance.mark("unroll:ready"); // every view is built and has drawn the state (docs/page.md)
}

start();

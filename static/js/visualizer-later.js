// What the visualizer's first drawing does not need: the panels around the stage (the settings,
// your own data and model, the explainer, Train and Generate), what lies below the fold (the
// inspector with its cell diagram and chain, the comparison, the exports, the lesson menu), the
// controllers that only they use (training, generation, the comparison's second trace, a model's
// import), the tooltips, the screen reader's announcements and the URL kept in step.
// visualizer.js imports this module once the first trace is painted, so that a cold link fetches,
// builds and lays out less before its stage (docs/page.md, "How the page loads").

import { createAnnouncer } from "./announcer.js";
import { exportPytorch, fetchTraceJson } from "./api.js";
import { createCellDiagram } from "./cell-diagram.js";
import { cellOf } from "./cells.js";
import { createChainView } from "./chain-view.js";
import { createCompare } from "./compare.js";
import { createCompareLoader } from "./compare-loader.js";
import { createControls } from "./controls.js";
import { createExportsPanel } from "./exports-panel.js";
import { createGeneratePanel } from "./generate-panel.js";
import { createGenerator, GENERATION_IDLE } from "./generator.js";
import { createInspector, describeNumber } from "./inspector.js";
import { createIntro } from "./intro.js";
import { createLessonMenu } from "./lesson-menu.js";
import { createLiveTabs } from "./live-tabs.js";
import { createModelLoader } from "./model-loader.js";
import { createModelPanel } from "./model-panel.js";
import { ownDataOf } from "./own-data.js";
import { createOwnPanel } from "./own-panel.js";
import { savedWeights } from "./requests.js";
import { attachTooltip } from "./tooltip.js";
import { createTrainChart } from "./train-chart.js";
import { createTrainPanel } from "./train-panel.js";
import { createTrainRunner, TRAIN_IDLE } from "./train-runner.js";
import { syncUrl } from "./url-sync.js";

const $ = (id) => document.getElementById(id);

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

/**
 * The later views and controllers, built on a store that may already hold a drawn trace: the views
 * draw it on their first update (visualizer.js gives them every field as changed), the URL and the
 * comparison catch up at once. `table` is the URL table, `lessons` the page's lesson loader,
 * `shipped` the shipped lessons' index. Returns {views, inspector}, the views in the order they
 * are drawn.
 */
export function createLaterViews(store, catalog, { table, lessons, shipped }) {
  store.patch({ train: TRAIN_IDLE, trainPoints: [], generation: GENERATION_IDLE });
  const trainer = createTrainRunner(store, catalog);
  const generator = createGenerator(store, catalog);
  generator.reset(); // it follows each new scene from now on; this one is drawn already
  const models = createModelLoader(store, catalog);
  createCompareLoader(store).load();
  syncUrl(store, table).write();
  attachTooltip($("stage"), $("tooltip"));
  const inspector = createInspector($("step-details"), { onLight: (unit) => store.patch({ litUnit: unit }) });
  attachTooltip($("inspector-panel"), $("inspector-tooltip"), describeNumber);
  const views = [
    createControls($("settings-panel"), {
      catalog,
      onChange: (patch) => store.patch(patch),
      onInputsDone: () => $("stage").focus(),
      onWeightsFile: (file) => loadWeights(store, catalog, file),
    }),
    createOwnPanel($("own-data"), { catalog, onChange: (patch) => store.patch(patch) }),
    createLessonMenu($("lesson-menu"), {
      lessons: shipped,
      // The lesson's "next" takes the focus, so → and Space work at once.
      onPlay: (id) => { store.patch({ lessonError: null }); lessons.play(id).then(() => $("lesson-next").focus()); },
      onFile: (file) => { store.patch({ lessonError: null }); lessons.playFile(file).then(() => $("lesson-next").focus()); },
    }),
    createModelPanel($("own-model"), {
      catalog, onFile: (file) => models.load(file), onChange: (patch) => store.patch(patch), onInputsDone: () => $("stage").focus(),
    }),
    createExportsPanel($("exports"), {
      stage: $("stage"), fetchJson: (request) => fetchTraceJson(request), fetchScript: (request) => exportPytorch(request),
    }),
    createCompare({ root: $("compare"), words: $("compare-words"), grid: $("compare-grid"), top: $("compare-top"),
      close: $("compare-close") }, { onClose: () => store.patch({ compareWith: null }) }),
    inspector,
    createCellDiagram($("cell-diagram"), { onLight: (unit) => store.patch({ litUnit: unit }) }),
    createChainView($("chain")),
    createIntro({ toggle: $("intro-toggle"), body: $("intro-body"), explainer: $("topology-explainer") },
      { catalog, taskOf: (state) => ownDataOf(state, catalog).task }),
    createLiveTabs($("live"), { catalog }),
    createTrainPanel($("train"), {
      catalog, onStart: (recipe) => trainer.start(recipe), onStop: () => trainer.stop(), onNewExample: () => trainer.newExample(),
    }),
    createTrainChart($("train-chart")),
    createGeneratePanel($("generate"), {
      catalog, onSeed: (seed) => generator.reset(seed), onTemperature: (t) => generator.setTemperature(t),
      onNext: (count) => generator.next(count), onReset: () => generator.reset(),
    }),
    createAnnouncer($("announce")),
  ];
  trainer.resume();
  return { views, inspector };
}

// The visualizer's views that its first drawing does not need: below the fold, or hidden until
// asked for (the inspector with its cell diagram and chain, the comparison, the exports, the
// Generate tab, your own model, the lesson menu). visualizer.js imports this module once the
// first trace is drawn, so that a cold link fetches and compiles fewer modules before its stage
// (docs/page.md, "Loading").

import { exportPytorch, fetchTraceJson } from "./api.js";
import { createCellDiagram } from "./cell-diagram.js";
import { createChainView } from "./chain-view.js";
import { createCompare } from "./compare.js";
import { createExportsPanel } from "./exports-panel.js";
import { createGeneratePanel } from "./generate-panel.js";
import { createInspector, describeNumber } from "./inspector.js";
import { createLessonMenu } from "./lesson-menu.js";
import { createModelLoader } from "./model-loader.js";
import { createModelPanel } from "./model-panel.js";
import { attachTooltip } from "./tooltip.js";

const $ = (id) => document.getElementById(id);

/**
 * The later views, built on a store that may already hold a drawn trace: they draw it on their
 * first update (visualizer.js gives them every field as changed). `lessons` and `generator` are
 * the page's loaders, `shipped` the shipped lessons' index. Returns {views, inspector}.
 */
export function createLaterViews(store, catalog, { lessons, generator, shipped }) {
  const models = createModelLoader(store, catalog);
  const inspector = createInspector($("step-details"), { onLight: (unit) => store.patch({ litUnit: unit }) });
  attachTooltip($("inspector-panel"), $("inspector-tooltip"), describeNumber);
  const views = [
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
    createGeneratePanel($("generate"), {
      catalog, onSeed: (seed) => generator.reset(seed), onTemperature: (t) => generator.setTemperature(t),
      onNext: (count) => generator.next(count), onReset: () => generator.reset(),
    }),
  ];
  return { views, inspector };
}

// Trains the view's network in the page (docs/page.md §Training in the page): streams
// POST /api/train and puts what it hears in the store, its progress once per animation frame
// (`trainPoints`, `train`), so that a curve drawn from it stays smooth however fast lines come.
// Each snapshot's weights become the drawn network (`live`), one trace at a time: a snapshot that
// arrives while the last one is still being drawn waits, and a newer one replaces it. Once done,
// the trained weights are the view's network and the URL holds their recipe (`train=1` with
// steps, lr, batch), so a link retrains them: training is a pure function of its request.

import { ApiError, streamTraining } from "./api.js";
import { ownDataOf } from "./own-data.js";
import { recipeOf, trainable, trainingConfig, trainRequest } from "./requests.js";

/** The store's `train` before any training. */
export const TRAIN_IDLE = { status: "idle" };

/** A message as a sentence: a capital first, one full stop (or ? or !) last. */
function sentence(text) {
  const s = `${text[0].toUpperCase()}${text.slice(1)}`;
  return /[.?!]$/.test(s) ? s : `${s}.`;
}

function refusal(error) {
  if (!(error instanceof ApiError)) return { message: sentence(`The training failed: ${error}`) };
  if (error.kind === "busy") {
    return { message: "The server is busy: every trainer is taken and its queue of waiting trainings is full. Try again in a moment." };
  }
  if (error.kind === "invalid") return { message: sentence(`The server refused this training: ${error.message}`), field: error.field };
  if (error.kind === "unreachable" || error.kind === "timeout") return { message: `${sentence(error.message)} The training did not finish.` };
  return { message: sentence(`The training failed on the server: ${error.message}`) };
}

/** The stream's error line as a sentence (its detail names the quantity and the timestep). */
function errorLine(line) {
  if (line.step === undefined) return sentence(`The training failed on the server: ${line.detail}`);
  return `${sentence(`The training stopped at step ${line.step} — ${line.detail}`)} A smaller learning rate may keep it finite.`;
}

export function createTrainRunner(store, catalog) {
  let job = null; // the training running now, or null
  const keyOf = (state) => JSON.stringify(trainingConfig(state, catalog));
  const patchTrain = (changes) => store.patch({ train: { ...store.state.train, ...changes } });

  /** The progress lines heard since the last frame, into the store at once. */
  function flush(j) {
    if (j.frame !== null) cancelAnimationFrame(j.frame);
    j.frame = null;
    if (!j.buffer.length || j !== job) return;
    const lines = j.buffer;
    j.buffer = [];
    const last = lines[lines.length - 1];
    const elapsed = (performance.now() - j.firstAt) / 1000;
    const perStep = last.step > 1 ? elapsed / (last.step - 1) : null;
    store.patch({
      trainPoints: store.state.trainPoints.concat(lines),
      train: { ...store.state.train, status: "running", position: null, step: last.step, loss: last.loss,
        accuracy: last.accuracy, metric: last.metric, left: perStep === null ? null : perStep * (j.recipe.steps - last.step) },
    });
  }

  /** Draw the newest snapshot heard, unless one is still being drawn (then it waits its turn). */
  function showSnapshot(j) {
    if (j !== job || j.drawing || !j.pending) return;
    const line = j.pending;
    j.pending = null;
    j.drawing = true;
    j.shown = line.step;
    store.patch({ live: { params: line.params, key: j.key, note: `weights at training step ${line.step} of ${j.recipe.steps} (the last snapshot)` } });
  }

  function heard(j, line) {
    if (j !== job) return;
    if (line.type === "progress") {
      if (j.firstAt === null) j.firstAt = performance.now();
      j.buffer.push(line);
      if (j.frame === null) j.frame = requestAnimationFrame(() => { j.frame = null; flush(j); });
    } else if (line.type === "snapshot") {
      flush(j);
      j.pending = line;
      showSnapshot(j);
    } else if (line.type === "queued") {
      patchTrain({ status: "queued", position: line.position });
    } else if (line.type === "done") {
      flush(j);
      finish(j, line);
    } else if (line.type === "error") {
      flush(j);
      end(j, { status: "error", message: errorLine(line) });
    }
  }

  function finish(j, done) {
    job = null;
    const cut = done.steps < j.recipe.steps;
    store.patch({
      live: { params: done.params, key: j.key, note: `trained here: ${done.steps} steps` },
      trainedLive: true, trainSteps: done.steps, learningRate: j.recipe.learning_rate, batchSize: j.recipe.batch_size,
      train: { ...store.state.train, status: "done", metrics: done.metrics, steps: done.steps, asked: j.recipe.steps, cut, left: null },
    });
  }

  /**
   * A training that ended before `done`: the weights of its last snapshot drawn stay the view's
   * network, as the training of that many steps they exactly are (so the link still retrains
   * them); before any snapshot, the untrained network stays.
   */
  function end(j, changes, keep = true) {
    if (j !== job) return;
    job = null;
    j.controller.abort();
    const kept = keep && j.shown !== null ? {
      live: { ...store.state.live, note: `trained here: ${j.shown} steps (stopped at step ${store.state.train.step ?? 0})` },
      trainedLive: true, trainSteps: j.shown, learningRate: j.recipe.learning_rate, batchSize: j.recipe.batch_size,
    } : keep ? { live: null, trainedLive: false } : {};
    store.patch({ ...kept, train: { ...store.state.train, left: null, position: null, kept: keep ? j.shown : null, ...changes } });
  }

  /** Train the view's network: `recipe` {steps, learning_rate, batch_size}; `fromLink`: the URL's recipe, on opening. */
  function start(recipe, { fromLink = false } = {}) {
    if (job || !trainable(store.state, catalog)) return;
    if (!fromLink) { // from the seeded initialisation of the view's own network
      store.patch({ trained: false, weights: null, live: null, trainedLive: false, exampleSeed: null });
    }
    const state = store.state;
    const j = { controller: new AbortController(), key: keyOf(state), recipe, buffer: [], frame: null, firstAt: null,
      pending: null, drawing: false, shown: null };
    job = j;
    store.patch({ trainPoints: [], train: { status: "running", step: 0, steps: recipe.steps, recipe, fromLink, position: null, left: null } });
    streamTraining(trainRequest(state, catalog, recipe, catalog.limits.seconds.max), { signal: j.controller.signal, onLine: (line) => heard(j, line) })
      .then(() => end(j, { status: "error", message: "The training's stream ended without its result; try again." }))
      .catch((error) => { if (!j.controller.signal.aborted) end(j, { status: "error", ...refusal(error) }); });
  }

  /** Stop: the connection closes, and the server's training with it. */
  function stop(message = null) {
    if (job) flush(job);
    if (job) end(job, { status: "stopped", message });
  }

  store.subscribe((changed, state) => {
    if (job?.drawing && (changed.has("scene") || (changed.has("status") && state.status.kind === "failed"))) {
      job.drawing = false;
      showSnapshot(job);
    }
    if (job || state.live) {
      const mine = job ? job.key : state.live.key;
      if (keyOf(state) !== mine || state.trained || (changed.has("weights") && state.weights)) {
        // The view asks for another network (or a preset's, or a file's): the training's weights are not its own.
        if (job) end(job, { status: "stopped", message: "Stopped: the network changed, so this training is no longer the view's." }, false);
        store.patch({ live: null, trainedLive: false, exampleSeed: null });
      }
    }
    // A recipe belongs to its task: another topology (or data) starts from its task's own.
    if (changed.has("topology") || changed.has("data")) store.patch({ trainSteps: null, learningRate: null, batchSize: null });
  });

  return {
    start,
    stop,
    /** On opening: a link whose URL says train=1 retrains its recipe. */
    resume() {
      const { state } = store;
      if (state.trainedLive && trainable(state, catalog)) start(recipeOf(state, ownDataOf(state, catalog).task), { fromLink: true });
    },
    /** A fresh example for the trained weights: a new seed for the example, the same weights. */
    newExample() {
      store.patch({ exampleSeed: crypto.getRandomValues(new Uint32Array(1))[0], inputs: null, length: null, t: 0, phase: "forward" });
    },
  };
}

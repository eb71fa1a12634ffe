// The page's requests to the API, built from the view state, and typed inputs read back from a
// trace. Pure: api.js sends what these build. No DOM.

import { cellByChoice } from "./cells.js";
import { characters } from "./own-parse.js";
import { ownDataOf } from "./own-data.js";

/**
 * What a user typed, as the API's `inputs`: characters for your own text (code points, one a
 * step), words for a task with a vocabulary; otherwise numbers, one step per number when the
 * input is a single value, or steps separated by ";". Anything that is not a number is passed on
 * as typed, for the API to name in its 422.
 */
export function parseInputs(text, task) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (task.id === "text") return characters(trimmed);
  if (task.input_vocab) return trimmed.split(/\s+/).map((w) => w.toLowerCase());
  const item = (s) => (s !== "" && Number.isFinite(Number(s)) ? Number(s) : s);
  const vector = (s) => s.split(/[\s,]+/).filter(Boolean).map(item);
  if (task.input_size === 1) return trimmed.split(/[\s,;]+/).filter(Boolean).map((s) => [item(s)]);
  return trimmed.split(";").map((s) => s.trim()).filter(Boolean).map(vector);
}

/** The steps a trace read from its inputs (one_to_many: the seed; seq2seq: the encoder's). */
export function givenSteps(trace) {
  if (trace.topology === "seq2seq") return trace.steps.filter((s) => s.role === "encoder");
  if (trace.topology === "one_to_many") return trace.steps.slice(0, 1);
  return trace.steps;
}

/** The inputs of a trace as the text a user would type to get them again (a series' values in
 * its own units: mean + std·x). */
export function inputsText(trace) {
  const given = givenSteps(trace);
  if (trace.task === "text") return given.map((s) => s.x_label).join("");
  if (trace.input_vocab) return given.map((s) => s.x_label).join(" ");
  // A series' values as they were pasted (10 digits undo the normalisation's rounding: 2152.04).
  const { mean, std } = trace.normalisation ?? { mean: 0, std: 1 };
  const digits = trace.normalisation ? 10 : 4;
  return given.map((s) => s.x.map((v) => Number((mean + std * v).toPrecision(digits))).join(", ")).join("; ");
}

/** The number a length field shows for a trace: input steps (one_to_many: outputs; seq2seq: source). */
export function givenLength(trace) {
  return trace.topology === "one_to_many" ? trace.steps.length : givenSteps(trace).length;
}

/**
 * Weights loaded from a file apply while the view still asks for their network: the same
 * topology, cell and hidden size, and not a preset.
 */
export function weightsApply(weights, state) {
  if (!weights || state.trained) return false;
  const { config } = weights;
  const { cell, activation } = cellByChoice(state.cell);
  return config.topology === state.topology && config.cell === cell && config.activation === activation
    && config.hidden_size === state.hiddenSize;
}

/** The /api/trace request for your own data (own-data.js): its task, its data, its inputs. */
function ownTraceRequest(state, own) {
  const { cell, activation } = cellByChoice(state.cell);
  const request = {
    seed: state.seed, teacher_forcing: state.teacherForcing, topology: state.topology, task: own.task.id,
    cell, activation, hidden_size: state.hiddenSize, recurrent_scale: state.recurrentScale, ...own.fields,
  };
  const inputs = own.id === "model" ? own.inputs : state.inputs === null ? null : parseInputs(state.inputs, own.task);
  if (inputs) request.inputs = inputs;
  else if (state.length !== null) request.length = state.length;
  if (own.targets) request.targets = own.targets;
  return request;
}

/** Whether the view's network can be trained in the page: a task's, or one on your text or numbers (an imported model is drawn as PyTorch trained it). */
export function trainable(state, catalog) {
  return ownDataOf(state, catalog).id !== "model";
}

/**
 * The /api/trace request for a view state: the preset's, the weights trained in the page (while
 * they are the view's network, with the example's own seed), weights loaded from a file (if they
 * apply), or the seeded weights.
 */
export function traceRequest(state, catalog, weights = null) {
  const own = ownDataOf(state, catalog);
  if (own.id !== "task") {
    const request = ownTraceRequest(state, own);
    if (liveApplies(state, catalog)) Object.assign(request, { params: state.live.params, seed: state.exampleSeed ?? state.seed });
    return request;
  }
  const task = own.task;
  const preset = state.trained ? catalog.presetFor(task.id, state.cell) : null;
  const request = { seed: state.seed, teacher_forcing: state.teacherForcing };
  if (preset) {
    request.preset = preset.id;
  } else if (liveApplies(state, catalog)) {
    Object.assign(request, trainingConfig(state, catalog), { params: state.live.params, seed: state.exampleSeed ?? state.seed });
  } else if (weightsApply(weights, state)) {
    Object.assign(request, weights.config, { params: weights.params });
  } else {
    const { cell, activation } = cellByChoice(state.cell);
    Object.assign(request, {
      topology: state.topology, task: task.id, cell, activation,
      hidden_size: state.hiddenSize, recurrent_scale: state.recurrentScale,
    });
  }
  const inputs = state.inputs === null ? null : parseInputs(state.inputs, task);
  if (inputs) request.inputs = inputs;
  else if (state.length !== null) request.length = state.length;
  return request;
}

const TRACE_ONLY = ["inputs", "targets", "length", "params", "preset", "teacher_forcing", "omit"];

/**
 * The network a training in the page trains: the view's configuration and seed (and any own
 * data its trace request carries), from the seeded initialisation, never a preset's or a file's
 * weights. Its JSON is the key that says whether trained weights are still the view's network.
 */
export function trainingConfig(state, catalog) {
  const seeded = traceRequest({ ...state, trained: false, live: null, inputs: null, length: null }, catalog, null);
  return Object.fromEntries(Object.entries(seeded).filter(([k]) => !TRACE_ONLY.includes(k)));
}

/** Weights trained in the page ({params, key, note} in state.live) apply while the view asks for the network they trained. */
export function liveApplies(state, catalog) {
  return Boolean(state.live) && !state.trained && state.live.key === JSON.stringify(trainingConfig(state, catalog));
}

/** A recipe's three numbers as the view state holds them, each the task's own when not given. */
export function recipeOf(state, task) {
  const own = task.training_defaults;
  return {
    steps: state.trainSteps ?? own.steps,
    learning_rate: state.learningRate ?? own.learning_rate,
    batch_size: state.batchSize ?? own.batch_size,
  };
}

/** The /api/train request for the view's network and a recipe, bounded by `seconds`. */
export function trainRequest(state, catalog, recipe, seconds) {
  return { ...trainingConfig(state, catalog), ...recipe, seconds };
}

/**
 * A training saved by `unroll train --out` (or a preset file), as weights the page can trace:
 * {config, params, name, accuracy, metric}; an Error that says what is wrong otherwise.
 */
export function savedWeights(text, name, catalog) {
  let saved;
  try {
    saved = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON`);
  }
  const config = saved?.config;
  const fields = ["topology", "cell", "activation", "hidden_size", "task"];
  if (!config || typeof config !== "object" || !saved.params || typeof saved.params !== "object"
    || fields.some((f) => !(f in config))) {
    throw new Error(`${name} is not a saved training: it needs "config" (${fields.join(", ")}) and "params"`);
  }
  if (!catalog.topology(config.topology) || catalog.taskOf(config.topology).id !== config.task) {
    throw new Error(`${name} was trained on ${config.task} (${config.topology}), which this page does not show`);
  }
  return {
    name, params: saved.params, accuracy: saved.accuracy ?? null, metric: saved.metric ?? "accuracy",
    config: Object.fromEntries(fields.map((f) => [f, config[f]])),
  };
}

/** Whether a drawn scene's input can be compared with another: words of a task of its own. */
export function comparable(scene) {
  return Boolean(scene?.task?.input_vocab && !scene.task.reads?.length && scene.request);
}

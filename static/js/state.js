// The view's state and the query string: one table drives parsing and writing (as Playground's
// state.ts), so a copied link or a reload restores the exact view, the playhead included. The
// table is built from the server's catalog, so its ranges are the API's. No DOM.

import { CELLS } from "./cells.js";
import { DATA_IDS, SERIES_SOURCES, TEXT_SOURCES } from "./own-data.js";

export const SPEEDS = [0.5, 1, 2, 4];

const integer = (lo, hi) => ({
  parse: (text) => (/^\d+$/.test(text) && +text >= lo && +text <= hi ? +text : undefined),
  write: String,
});
const number = (lo, hi) => ({
  parse: (text) => {
    const x = text.trim() === "" ? NaN : Number(text);
    return Number.isFinite(x) && x >= lo && x <= hi ? x : undefined;
  },
  write: String,
});
const above = (lo, hi) => ({ // lo itself excluded (a learning rate above 0)
  parse: (text) => {
    const x = text.trim() === "" ? NaN : Number(text);
    return Number.isFinite(x) && x > lo && x <= hi ? x : undefined;
  },
  write: String,
});
const oneOf = (values) => ({
  parse: (text) => values.find((v) => String(v) === text),
  write: String,
});
const flag = { parse: (text) => ({ 1: true, 0: false })[text], write: (v) => (v ? "1" : "0") };
const text = (max) => ({ parse: (t) => t.slice(0, max), write: String });

/** Fields that change the trace (the others change only the view). The last five are your own
 * data, which no link carries (docs/page.md, "What a link carries"). */
export const TRACE_FIELDS = ["topology", "cell", "trained", "hiddenSize", "length", "seed", "recurrentScale",
  "teacherForcing", "inputs", "data", "passage", "seriesSource", "ownText", "ownSeries", "model", "modelInputs",
  "modelTargets"];

/**
 * The URL table for a catalog: name is the state's field, key its name in the URL, default what
 * a URL that does not say it gets.
 */
export function urlTable(catalog) {
  const { limits } = catalog;
  const steps = limits.timesteps;
  return [
    { name: "topology", key: "topology", default: "many_to_one", ...oneOf(catalog.topologies.map((t) => t.id)) },
    { name: "cell", key: "cell", default: "rnn-tanh", ...oneOf(CELLS.map((c) => c.choice)) },
    { name: "trained", key: "trained", default: false, ...flag },
    { name: "hiddenSize", key: "h", default: 8, ...integer(limits.hidden_size.min, limits.hidden_size.max) },
    { name: "length", key: "len", default: null, ...integer(1, steps) },
    { name: "seed", key: "seed", default: 0, ...integer(limits.seed.min, limits.seed.max) },
    { name: "recurrentScale", key: "rho", default: null, ...number(limits.recurrent_scale.min, limits.recurrent_scale.max) },
    { name: "teacherForcing", key: "tf", default: false, ...flag },
    { name: "inputs", key: "in", default: null, ...text(steps * (limits.token_characters + 1)) },
    { name: "compareWith", key: "vs", default: null, ...text(steps * (limits.token_characters + 1)) },
    { name: "data", key: "data", default: "task", ...oneOf(DATA_IDS) },
    { name: "passage", key: "text", default: "alice", ...oneOf(TEXT_SOURCES) },
    { name: "seriesSource", key: "series", default: "sample", ...oneOf(SERIES_SOURCES) },
    // A training's recipe (null: the task's own), and whether the drawn weights are its result
    // (`train=1`: opening the link retrains them); `ex`: the seed of the example they are shown on.
    { name: "trainSteps", key: "steps", default: null, ...integer(limits.steps.min, limits.steps.max) },
    { name: "learningRate", key: "lr", default: null, ...above(limits.learning_rate.above, limits.learning_rate.max) },
    { name: "batchSize", key: "batch", default: null, ...integer(limits.batch_size.min, limits.batch_size.max) },
    { name: "trainedLive", key: "train", default: false, ...flag },
    { name: "exampleSeed", key: "ex", default: null, ...integer(limits.seed.min, limits.seed.max) },
    { name: "phase", key: "phase", default: "forward", ...oneOf(["forward", "backward"]) },
    { name: "t", key: "t", default: 0, ...integer(0, steps - 1) },
    { name: "speed", key: "speed", default: 1, ...oneOf(SPEEDS) },
    { name: "presenting", key: "present", default: false, ...flag },
    { name: "lessonId", key: "lesson", default: null, parse: (t) => (/^[a-z0-9-]{1,64}$/.test(t) ? t : undefined), write: String },
    { name: "lessonStep", key: "lstep", default: 0, ...integer(0, 99) },
  ];
}

/**
 * The gradient lab's URL table: the settings its four traces share, with the lab's defaults
 * (`defaults`: {length, hiddenSize, seed, recurrentScale}, from app/engine/config.py).
 */
export function labTable(catalog, defaults) {
  const { limits } = catalog;
  return [
    { name: "recurrentScale", key: "rho", default: defaults.recurrentScale, ...number(limits.recurrent_scale.min, limits.recurrent_scale.max) },
    { name: "hiddenSize", key: "h", default: defaults.hiddenSize, ...integer(limits.hidden_size.min, limits.hidden_size.max) },
    { name: "length", key: "len", default: defaults.length, ...integer(1, defaults.maxLength) },
    { name: "seed", key: "seed", default: defaults.seed, ...integer(limits.seed.min, limits.seed.max) },
    { name: "presenting", key: "present", default: false, ...flag },
  ];
}

export function defaultState(table) {
  return Object.fromEntries(table.map((p) => [p.name, p.default]));
}

/** The state a query string describes; what is missing or invalid takes its default. */
export function parseState(table, search) {
  const params = new URLSearchParams(search);
  const state = defaultState(table);
  for (const p of table) {
    if (!params.has(p.key)) continue;
    const value = p.parse(params.get(p.key));
    if (value !== undefined) state[p.name] = value;
  }
  return state;
}

/** The query string of a state: every field that differs from its default, in table order. */
export function serializeState(table, state) {
  const params = new URLSearchParams();
  for (const p of table) {
    const value = state[p.name];
    if (value !== p.default && value !== null && value !== undefined) params.set(p.key, p.write(value));
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

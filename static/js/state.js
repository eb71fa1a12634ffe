// The view's state and the query string: one table drives parsing and writing (as Playground's
// state.ts), so a copied link or a reload restores the exact view, the playhead included.
// No DOM here.

export const TOPOLOGIES = ["one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq"];
export const CELL_CHOICES = ["rnn-tanh", "rnn-relu", "lstm", "gru"];
export const SPEEDS = [0.5, 1, 2, 4];
export const MAX_HIDDEN = 256;
export const MAX_SEED = 2 ** 32 - 1;
export const MAX_SCALE = 1e6;

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
const oneOf = (values) => ({
  parse: (text) => values.find((v) => String(v) === text),
  write: String,
});
const flag = { parse: (text) => ({ 1: true, 0: false })[text], write: (v) => (v ? "1" : "0") };
const text = { parse: (t) => t.slice(0, 4000), write: String };

/** name: the state's field; key: its name in the URL; default: when the URL does not say. */
export const PROPERTIES = [
  { name: "topology", key: "topology", default: "many_to_one", ...oneOf(TOPOLOGIES) },
  { name: "cell", key: "cell", default: "rnn-tanh", ...oneOf(CELL_CHOICES) },
  { name: "trained", key: "trained", default: false, ...flag },
  { name: "hiddenSize", key: "h", default: 8, ...integer(1, MAX_HIDDEN) },
  { name: "length", key: "len", default: null, ...integer(1, 500) },
  { name: "seed", key: "seed", default: 0, ...integer(0, MAX_SEED) },
  { name: "recurrentScale", key: "rho", default: null, ...number(0, MAX_SCALE) },
  { name: "teacherForcing", key: "tf", default: false, ...flag },
  { name: "inputs", key: "in", default: null, ...text },
  { name: "phase", key: "phase", default: "forward", ...oneOf(["forward", "backward"]) },
  { name: "t", key: "t", default: 0, ...integer(0, 499) },
  { name: "speed", key: "speed", default: 1, ...oneOf(SPEEDS) },
  { name: "presenting", key: "present", default: false, ...flag },
];

export function defaultState() {
  return Object.fromEntries(PROPERTIES.map((p) => [p.name, p.default]));
}

/** The state a query string describes; what is missing or invalid takes its default. */
export function parseState(search) {
  const params = new URLSearchParams(search);
  const state = defaultState();
  for (const p of PROPERTIES) {
    if (!params.has(p.key)) continue;
    const value = p.parse(params.get(p.key));
    if (value !== undefined) state[p.name] = value;
  }
  return state;
}

/** The query string of a state: every field that differs from its default, in table order. */
export function serializeState(state) {
  const params = new URLSearchParams();
  for (const p of PROPERTIES) {
    const value = state[p.name];
    if (value !== p.default && value !== null && value !== undefined) params.set(p.key, p.write(value));
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** "lstm" -> {cell: "lstm", activation: "tanh"}; "rnn-relu" -> {cell: "rnn", activation: "relu"}. */
export function splitCell(choice) {
  const [cell, activation = "tanh"] = choice.split("-");
  return { cell, activation };
}

/** The inverse of splitCell. */
export function cellChoice(cell, activation) {
  return cell === "rnn" ? `rnn-${activation}` : cell;
}

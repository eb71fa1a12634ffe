// Your own data: which data a topology draws (its shipped task, your text, your numbers or your
// imported model), what of it a request carries, and why a choice cannot be drawn when it cannot.
// The API computes everything; this only chooses fields. No DOM.

import { cellByChoice, cellOf } from "./cells.js";
import { characters, parseTargets, parseVectors, vocabularyOf } from "./own-parse.js";
import { passageOf } from "./passages.js";

/** The choices, in the order the page offers them: the URL's `data`, the API's task. */
export const DATA_CHOICES = [
  { id: "task", task: null, label: "its task", long: "the topology's own task" },
  { id: "text", task: "text", label: "your text", long: "your own text" },
  { id: "series", task: "series", label: "your numbers", long: "your own numbers" },
  { id: "model", task: "vectors", label: "your model", long: "your own PyTorch model" },
];
export const DATA_IDS = DATA_CHOICES.map((c) => c.id);
export const TEXT_SOURCES = ["alice", "austen", "pasted"]; // the URL's `text`: a passage, or pasted
export const SERIES_SOURCES = ["sample", "pasted"]; // the URL's `series`: the API's sample, or pasted

const TORCH = { rnn: "RNN", lstm: "LSTM", gru: "GRU" };

/** "nn.GRU, input 5, hidden 16, output 3, head: yes" (an nn.RNN says its nonlinearity). */
export function modelSummary(model) {
  const act = model.cell === "rnn" ? ` (${model.activation})` : "";
  return `nn.${TORCH[model.cell]}${act}, input ${model.input_size}, hidden ${model.hidden_size}, `
    + `output ${model.output_size}, head: ${model.file.head ? "yes" : "no"}`;
}

/** Where a task can be drawn, as words: "many_to_many" and "one_to_many" -> "Many to many or One to many". */
function topologyNames(ids, catalog) {
  return ids.map((id) => catalog.topology(id)?.name ?? id).join(" or ");
}

/** The topologies an imported model can be drawn on: the vectors task's, one_to_many only when I = O. */
export function modelTopologies(model, catalog) {
  return catalog.tasks.vectors.topologies.filter((id) => id !== "one_to_many" || model.input_size === model.output_size);
}

function textData(state, catalog, task) {
  const passage = passageOf(state.passage);
  const pasted = state.passage === "pasted";
  const text = pasted ? state.ownText : passage.text;
  if (text === null || text === undefined) {
    const alice = passageOf("alice");
    return { ...textData({ ...state, passage: "alice" }, catalog, task),
      note: `This view drew a pasted text, which a link cannot carry: ${alice.title} instead. Paste it again to draw it.` };
  }
  const vocab = vocabularyOf(text);
  const seeded = state.topology === "one_to_many";
  return {
    fields: { text },
    text,
    source: pasted ? "your pasted text" : passage.title,
    task: {
      ...task, input_vocab: vocab, output_vocab: vocab, input_size: vocab.length, output_size: vocab.length,
      max_length: Math.min(catalog.limits.timesteps, characters(text).length - 1),
      inputsLabel: seeded ? "seed character" : "characters",
      inputsHint: seeded ? "One character of the text: the network writes what follows it."
        : "Characters of the text, each one a step (a space is one too).",
    },
  };
}

function seriesData(state, catalog, task) {
  const pasted = state.seriesSource === "pasted" && state.ownSeries;
  const base = {
    task: { ...task, inputsLabel: "input numbers", inputsHint: "Numbers in your series' units, one a step." },
    source: pasted ? `your ${state.ownSeries.values.length} numbers` : "the sample series",
  };
  if (pasted) {
    const values = state.ownSeries.values;
    return { ...base, fields: { series: values }, task: { ...base.task, max_length: Math.min(catalog.limits.timesteps, values.length - 1) } };
  }
  const lost = state.seriesSource === "pasted"
    ? "This view drew pasted numbers, which a link cannot carry: the sample series instead. Paste them again to draw them." : null;
  return { ...base, fields: {}, note: lost };
}

function modelData(state, catalog, task) {
  const { model } = state;
  if (!model) {
    return { fallback: "No model is loaded in this tab (a link cannot carry one): load its file below to draw it." };
  }
  const { answer } = model;
  const where = modelTopologies(answer, catalog);
  if (!where.includes(state.topology)) {
    const why = answer.input_size !== answer.output_size ? " (One to many feeds each output back: it needs input size = output size)" : "";
    return { fallback: `Your model draws on ${topologyNames(where, catalog)}${why}.` };
  }
  const chosen = cellByChoice(state.cell);
  if (chosen.cell !== answer.cell || state.hiddenSize !== answer.hidden_size) {
    const its = cellOf(answer.cell, chosen.cell === "rnn" ? chosen.activation : answer.activation);
    return {
      fallback: `Your model is ${modelSummary(answer)}: choose ${its.label} and H = ${answer.hidden_size} to draw it.`,
      restore: { cell: its.choice, hiddenSize: answer.hidden_size },
    };
  }
  const { cell, activation } = chosen;
  const inputs = parseVectors(state.modelInputs);
  const targets = parseTargets(state.modelTargets, answer.output_size);
  return {
    fields: {
      cell, activation, hidden_size: answer.hidden_size, input_size: answer.input_size,
      output_size: answer.output_size, params: answer.params, recurrent_scale: null,
    },
    inputs,
    targets,
    source: `your model ${model.name}`,
    task: { ...task, input_size: answer.input_size, output_size: answer.output_size },
  };
}

const MAKERS = { text: textData, series: seriesData, model: modelData };

/**
 * The data a view state draws: {id, task, fields, inputs?, targets?, source, note?}, where `id`
 * is the choice drawn ("task" when the chosen one cannot be drawn here: `note` says why, and
 * `restore` is the patch that would draw it), `task` the catalog's task with what this data
 * changes (its vocabulary, sizes, longest window, the input field's words), `fields` what the
 * request carries beyond the network's configuration.
 */
export function ownDataOf(state, catalog) {
  const shipped = { id: "task", task: catalog.taskOf(state.topology), fields: {}, note: null };
  const choice = DATA_CHOICES.find((c) => c.id === state.data);
  if (!choice || choice.id === "task") return shipped;
  const task = catalog.tasks[choice.task];
  if (!task.topologies.includes(state.topology)) {
    return { ...shipped, note: `${choice.long[0].toUpperCase()}${choice.long.slice(1)} draws on ${topologyNames(task.topologies, catalog)}; this topology draws its own task.` };
  }
  const made = MAKERS[choice.id](state, catalog, task);
  if (made.fallback) return { ...shipped, note: made.fallback, restore: made.restore ?? null };
  return { note: null, ...made, id: choice.id };
}

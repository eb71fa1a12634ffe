// The "your own data" view, a section of the settings: which data the topology draws (its task,
// your text, your numbers or your model), and for text and numbers the place to paste them.
// Pasted data is checked as the API will check it (code points, one column of numbers) and
// reported line by line; the API computes everything else. The model's part is model-panel.js.

import { cellOf } from "./cells.js";
import { el } from "./dom.js";
import { count, short } from "./format.js";
import { DATA_CHOICES, ownDataOf } from "./own-data.js";
import { characters, parseColumn, vocabularyOf } from "./own-parse.js";
import { PASSAGES, passageOf } from "./passages.js";
import { radioGroup } from "./radio-group.js";

const LINK_NOTE = "A copied link carries this choice but not pasted data: what you paste stays in this tab (a reload keeps it).";
const PASSAGE_LINK_NOTE = "A copied link opens the same passage.";

/** A labelled text area. */
function area(id, label, attrs) {
  const field = el("textarea", { id, class: "own-area", spellcheck: "false", autocomplete: "off", ...attrs });
  return { field, label: el("label", { for: id, text: label }) };
}

/**
 * root: the section's element; catalog: catalog.js's (its limits: text_characters, text_vocab,
 * series_values, body_bytes); onChange(patch) patches the view state.
 */
export function createOwnPanel(root, { catalog, onChange }) {
  const { limits } = catalog;
  const buttons = DATA_CHOICES.map((c) => el("button", { type: "button", "data-data-choice": c.id, text: c.label }));
  const choices = radioGroup(buttons, (b) => b.dataset.dataChoice, (id) => choose(id));
  const note = el("p", { class: "own-note", role: "status", hidden: true });
  const restore = el("button", { type: "button", class: "link", hidden: true });
  let restorePatch = null;
  restore.addEventListener("click", () => restorePatch && onChange(restorePatch));

  // Your text: a passage, or your own.
  const passage = el("select", { id: "own-passage", "aria-label": "Which text" }, [
    ...PASSAGES.map((p) => el("option", { value: p.id, text: `${p.title} (${p.source})` })),
    el("option", { value: "pasted", text: "your own text (pasted)" }),
  ]);
  const text = area("own-text", "the text it reads", { rows: 6, "aria-describedby": "own-text-count own-text-error" });
  const textCount = el("p", { id: "own-text-count", class: "hint", "aria-live": "polite" });
  const textError = el("p", { id: "own-text-error", class: "field-error", role: "alert", hidden: true });
  const useText = el("button", { type: "button", class: "small", text: "Use this text" });
  const textBox = el("div", { class: "own-part", "data-own": "text" }, [
    el("label", { for: "own-passage", text: "text" }), passage, text.label, text.field, textCount, textError,
    el("div", { class: "field-row" }, [useText]), el("p", { class: "hint", "data-part": "text-link", text: LINK_NOTE }),
  ]);

  // Your numbers: the sample series, or a pasted column.
  const seriesSource = el("select", { id: "own-series-source", "aria-label": "Which numbers" }, [
    el("option", { value: "sample", text: "the sample series (240 monthly values)" }),
    el("option", { value: "pasted", text: "your own numbers (pasted)" }),
  ]);
  const column = area("own-series", "a column of numbers", {
    rows: 6, placeholder: "One number a line, or CSV with one column (a header line is fine)",
    "aria-describedby": "own-series-count own-series-error",
  });
  const seriesCount = el("p", { id: "own-series-count", class: "hint", "aria-live": "polite" });
  const seriesError = el("p", { id: "own-series-error", class: "field-error", role: "alert", hidden: true });
  const useSeries = el("button", { type: "button", class: "small", text: "Use these numbers" });
  const seriesFile = el("input", { type: "file", accept: ".csv,.txt,text/csv,text/plain", "aria-label": "Read a column from a file" });
  const seriesBox = el("div", { class: "own-part", "data-own": "series" }, [
    el("label", { for: "own-series-source", text: "numbers" }), seriesSource, column.label, column.field, seriesCount, seriesError,
    el("div", { class: "field-row" }, [useSeries, el("label", { class: "small file-button", text: "from a file…" }, [seriesFile])]),
    el("p", { class: "hint", "data-part": "units" }), el("p", { class: "hint", text: LINK_NOTE }),
  ]);

  root.replaceChildren(
    el("h2", { id: "own-data-title", text: "Your own data" }),
    el("div", { class: "segmented own-choices", role: "radiogroup", "aria-labelledby": "own-data-title" }, buttons),
    note, restore, textBox, seriesBox,
  );

  let state = null;
  function choose(id) {
    const choice = DATA_CHOICES.find((c) => c.id === id);
    const task = choice.task && catalog.tasks[choice.task];
    const model = state.model?.answer;
    // Draw it where it can be drawn: this topology if it takes the data, else the data's own.
    let topology = state.topology;
    if (task && !task.topologies.includes(topology)) topology = task.topology;
    const patch = { data: id, topology, inputs: null, length: null, trained: false, t: 0, phase: "forward" };
    if (id === "model" && model) Object.assign(patch, { cell: cellOf(model.cell, model.activation).choice, hiddenSize: model.hidden_size });
    onChange(patch);
  }

  // Your text, counted as the API counts it.
  function showTextCount() {
    const chars = characters(text.field.value);
    const distinct = vocabularyOf(text.field.value).length;
    const over = chars.length > limits.text_characters || distinct > limits.text_vocab;
    textCount.textContent = `${count(chars.length)} / ${count(limits.text_characters)} characters · ${distinct} distinct (at most ${limits.text_vocab})`;
    textCount.classList.toggle("over", over);
    return { chars, distinct, over };
  }
  text.field.addEventListener("input", () => { showTextCount(); textError.hidden = true; });
  useText.addEventListener("click", () => {
    const { chars, distinct } = showTextCount();
    const problem = chars.length < 2 ? "a text needs at least 2 characters (each step predicts the next)"
      : chars.length > limits.text_characters ? `${count(chars.length)} characters; at most ${count(limits.text_characters)}`
        : distinct > limits.text_vocab ? `${distinct} distinct characters; at most ${limits.text_vocab}, since each is one input and one output of the network`
          : null;
    textError.textContent = problem ? `Not used: ${problem}.` : "";
    textError.hidden = !problem;
    if (problem) return;
    const value = text.field.value;
    const same = PASSAGES.find((p) => p.text === value);
    onChange(same ? { passage: same.id, inputs: null, length: null, t: 0, phase: "forward" }
      : { passage: "pasted", ownText: value, inputs: null, length: null, t: 0, phase: "forward" });
  });
  passage.addEventListener("change", () => {
    const id = passage.value;
    if (id === "pasted" && state.ownText === null) { // nothing pasted yet: an empty field to paste into
      text.field.value = "";
      showTextCount();
      text.field.focus();
      return;
    }
    onChange({ passage: id, inputs: null, length: null, t: 0, phase: "forward" });
  });

  // Your numbers, read line by line.
  function readColumn() {
    const read = parseColumn(column.field.value, { min: 2, max: limits.series_values });
    const header = read.header ? ` (header “${read.header}” skipped)` : "";
    seriesCount.textContent = column.field.value.trim() === "" ? ""
      : `${count(read.values.length)} numbers${header}; at most ${count(limits.series_values)}`;
    return read;
  }
  column.field.addEventListener("input", () => { readColumn(); seriesError.hidden = true; });
  useSeries.addEventListener("click", () => {
    const read = readColumn();
    seriesError.textContent = read.error ?? "";
    seriesError.hidden = !read.error;
    if (read.error) return;
    onChange({ seriesSource: "pasted", ownSeries: { values: read.values, text: column.field.value }, inputs: null, length: null, t: 0, phase: "forward" });
  });
  seriesFile.addEventListener("change", async () => {
    const [file] = seriesFile.files;
    seriesFile.value = "";
    if (!file) return;
    if (file.size > limits.body_bytes) {
      seriesError.textContent = `Not used: ${file.name} is larger than a request can be.`;
      seriesError.hidden = false;
      return;
    }
    column.field.value = await file.text();
    readColumn();
    useSeries.click();
  });
  seriesSource.addEventListener("change", () => {
    if (seriesSource.value === "pasted" && !state.ownSeries) {
      column.field.focus();
      return;
    }
    onChange({ seriesSource: seriesSource.value, inputs: null, length: null, t: 0, phase: "forward" });
  });

  function update({ scene, state: next, changed }) {
    const previous = state;
    state = next;
    const watched = ["data", "passage", "seriesSource", "ownText", "ownSeries", "model", "topology", "cell", "hiddenSize", "scene"];
    if (!watched.some((k) => changed.has(k))) return;
    choices.set(state.data);
    const own = ownDataOf(state, catalog);
    note.textContent = own.note ?? "";
    note.hidden = !own.note;
    restorePatch = own.restore ?? null;
    restore.hidden = !restorePatch;
    restore.textContent = restorePatch?.cell ? "draw my model again" : "";
    textBox.hidden = state.data !== "text";
    seriesBox.hidden = state.data !== "series";
    passage.value = state.passage === "pasted" && state.ownText === null ? "alice" : state.passage;
    if (!previous || ["passage", "ownText", "data"].some((k) => changed.has(k))) {
      if (document.activeElement !== text.field) text.field.value = state.passage === "pasted" ? state.ownText ?? "" : passageOf(state.passage).text;
      showTextCount();
    }
    root.querySelector("[data-part=text-link]").textContent = state.passage === "pasted" ? LINK_NOTE : PASSAGE_LINK_NOTE;
    seriesSource.value = state.seriesSource === "pasted" && state.ownSeries ? "pasted" : "sample";
    if (!previous || changed.has("ownSeries")) {
      if (state.ownSeries && document.activeElement !== column.field) column.field.value = state.ownSeries.text ?? state.ownSeries.values.join("\n");
      readColumn();
    }
    const units = scene?.trace.normalisation;
    root.querySelector("[data-part=units]").textContent = units && own.id === "series"
      ? `The network reads z = (value − ${short(units.mean, 4)}) / ${short(units.std, 4)} (the series' mean and standard deviation, from the API); the stage shows values in your units.` : "";
  }

  return { update, resize() {} };
}

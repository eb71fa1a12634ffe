// The settings view: cell, trained weights, the input editor, the network's sizes, a saved
// training. Each control reports a patch of the view state (onChange); update() shows the state
// and the drawn scene. Its elements are found inside `root` by their `data-part` names.

import { el, replaceChildren } from "./dom.js";
import { fixed, visible } from "./format.js";
import { CELLS } from "./cells.js";
import { ownDataOf } from "./own-data.js";
import { gradientHint } from "./hints.js";
import { radioGroup } from "./radio-group.js";
import { comparable, givenLength, inputsText, weightsApply } from "./requests.js";
import { TRACE_FIELDS } from "./state.js";

/** A whole number typed in a field, clamped to [lo, hi]; null when the field is empty or not one. */
function wholeNumber(input, lo, hi) {
  const value = Number(input.value);
  if (input.value.trim() === "" || !Number.isInteger(value)) return null;
  return Math.min(hi, Math.max(lo, value));
}

function inputsHint(task) {
  if (task.inputsHint) return task.inputsHint; // your own data's (own-data.js)
  if (task.input_vocab) return `A sentence of the task's ${task.input_vocab.length} words (see the vocabulary).`;
  if (task.input_size === 1) return `the seed: one number in [${task.value_range.join(", ")}]`;
  return `${task.input_size} numbers, e.g. 0.5, −0.3`;
}

function scoreText(preset) {
  return preset.metric === "r2" ? `R² ${fixed(preset.accuracy, 3)}` : `accuracy ${fixed(100 * preset.accuracy, 1)} %`;
}

/**
 * root: the settings element; catalog: catalog.js's; onChange(patch); onInputsDone(): the
 * input field was left (Enter or Esc); onWeightsFile(file | null): a saved training was chosen
 * (or cleared).
 */
export function createControls(root, { catalog, onChange, onInputsDone, onWeightsFile }) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const { limits } = catalog;

  const cellButtons = CELLS.map((c) => el("button", { type: "button", "data-cell-choice": c.choice, text: c.label }));
  part("cells").replaceChildren(...cellButtons);
  const cells = radioGroup(cellButtons, (b) => b.dataset.cellChoice, (choice) => onChange({ cell: choice }));

  const field = part("inputs");
  const apply = () => {
    const text = field.value.trim();
    onChange({ inputs: text === "" ? null : text, length: null, t: 0, phase: "forward" });
  };
  part("form").addEventListener("submit", (e) => {
    e.preventDefault();
    // Enter in a number field submits the form too; that field's own change event applies it.
    if (document.activeElement !== field && document.activeElement !== part("apply")) return;
    apply();
    onInputsDone();
  });
  field.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onInputsDone();
    }
  });
  part("sample").addEventListener("click", () => onChange({ inputs: null }));
  part("trained").addEventListener("change", (e) => onChange({ trained: e.target.checked }));
  const hidden = part("hidden-size");
  Object.assign(hidden, { min: limits.hidden_size.min, max: limits.hidden_size.max });
  hidden.addEventListener("change", () => {
    const value = wholeNumber(hidden, limits.hidden_size.min, limits.hidden_size.max);
    if (value !== null) onChange({ hiddenSize: value, trained: false });
  });
  const length = part("length");
  length.addEventListener("change", () => onChange({ length: wholeNumber(length, 1, Number(length.max)), inputs: null }));
  const seed = part("seed");
  Object.assign(seed, { min: limits.seed.min, max: limits.seed.max });
  seed.addEventListener("change", () => {
    const value = wholeNumber(seed, limits.seed.min, limits.seed.max);
    if (value !== null) onChange({ seed: value });
  });
  part("new-seed").addEventListener("click", () => onChange({ seed: crypto.getRandomValues(new Uint32Array(1))[0], inputs: null }));
  const scale = part("scale");
  const scaleOn = part("scale-on");
  let scaleTimer = null;
  scaleOn.addEventListener("change", () => onChange({ recurrentScale: scaleOn.checked ? Number(scale.value) : null }));
  scale.addEventListener("input", () => {
    part("scale-value").textContent = `ρ = ${fixed(Number(scale.value), 2)}`;
    clearTimeout(scaleTimer);
    scaleTimer = setTimeout(() => onChange({ recurrentScale: Number(scale.value) }), 120);
  });
  part("teacher-forcing").addEventListener("change", (e) => onChange({ teacherForcing: e.target.checked }));
  const file = part("weights-file");
  file.addEventListener("change", () => {
    if (file.files.length) onWeightsFile(file.files[0]);
    file.value = "";
  });
  part("weights-clear").addEventListener("click", () => onWeightsFile(null));

  function renderVocabulary(task) {
    replaceChildren(part("vocabulary-chips"), (task.input_vocab ?? []).map((word) => {
      const chip = el("button", { type: "button", class: "word", text: visible(word) });
      chip.addEventListener("click", () => {
        field.value = task.id === "text" ? `${field.value}${word}` : `${field.value.trim()} ${word}`.trim();
        field.focus();
      });
      return chip;
    }));
  }

  function reflectTrained(state, task, preset) {
    const trained = part("trained");
    trained.checked = state.trained && preset !== null;
    trained.disabled = preset === null;
    const note = part("trained-note");
    if (!preset) note.textContent = task.reads?.length ? "Your own data has no shipped training." : "No trained network for this cell.";
    else if (trained.checked && preset.config.hidden_size !== state.hiddenSize) {
      note.textContent = `The shipped network for this task: ${scoreText(preset)} on fresh examples. It was trained with H = ${preset.config.hidden_size}, so H is ${preset.config.hidden_size} while it is ticked (your H = ${state.hiddenSize} comes back when you untick it).`;
    } else {
      note.textContent = `The shipped network for this task: ${scoreText(preset)} on fresh examples, H = ${preset.config.hidden_size}.`;
    }
  }

  function reflectWeights(state, own) {
    const { weights } = state;
    const applies = own.id === "task" && weightsApply(weights, state); // your own data draws its own network
    part("weights-clear").hidden = !weights;
    part("weights-note").textContent = state.weightsError ?? (!weights ? ""
      : applies ? `Drawing ${weights.name}'s weights (a copied link opens the seeded weights instead).`
        : `${weights.name} was trained for another network; its weights are not drawn.`);
  }

  /** Show a state, and the scene drawn for it (null while none has arrived). */
  const compareInput = part("compare-input");
  const compare = () => onChange({ compareWith: compareInput.value.trim() || null });
  part("compare-apply").addEventListener("click", compare);
  compareInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      compare();
    }
  });

  function update({ scene, state, changed }) {
    if (changed.has("status")) reflectStatus(state);
    if (changed.has("scene")) part("compare").hidden = !comparable(scene);
    if (changed.has("compareWith") && document.activeElement !== compareInput) compareInput.value = state.compareWith ?? "";
    if (changed.has("scene") && scene) part("gradient-hint").textContent = `Drawn now: ${gradientHint(scene)}`;
    if (!["scene", "weights", "weightsError", ...TRACE_FIELDS].some((k) => changed.has(k))) return;
    cells.set(state.cell);
    const topology = catalog.topology(state.topology);
    const own = ownDataOf(state, catalog);
    const task = own.task;
    const preset = catalog.presetFor(task.id, state.cell);
    part("form").querySelector(".inputs-field").hidden = own.id === "model"; // a model's vectors: its own panel
    part("task-name").textContent = task.name;
    part("task-rule").textContent = task.rule;
    reflectTrained(state, task, preset);
    reflectWeights(state, own);
    part("inputs-label").textContent = task.inputsLabel ?? (task.input_vocab ? (topology.feeds_back ? "source sentence" : "sentence")
      : topology.feeds_back ? "seed value" : "input numbers");
    part("inputs-hint").textContent = inputsHint(task);
    const vocabulary = part("vocabulary");
    const vocabularyKey = `${task.id}:${(task.input_vocab ?? []).join("")}`;
    if (vocabulary.dataset.task !== vocabularyKey) {
      vocabulary.dataset.task = vocabularyKey;
      vocabulary.hidden = !task.input_vocab;
      renderVocabulary(task);
    }
    const trace = scene?.trace;
    if (document.activeElement !== field) field.value = state.inputs ?? (trace ? inputsText(trace) : "");
    part("sample").hidden = state.inputs === null;
    hidden.value = state.trained && preset ? preset.config.hidden_size : state.hiddenSize;
    length.max = task.max_length;
    length.disabled = task.max_length === 1;
    if (document.activeElement !== length) length.value = state.length ?? (trace ? givenLength(trace) : "");
    seed.value = state.seed;
    scaleOn.checked = state.recurrentScale !== null;
    scaleOn.disabled = state.trained && preset !== null;
    scale.disabled = !scaleOn.checked || scaleOn.disabled;
    if (state.recurrentScale !== null && document.activeElement !== scale) scale.value = Math.min(Number(scale.max), state.recurrentScale);
    part("scale-value").textContent = state.recurrentScale === null ? "PyTorch's init" : `ρ = ${fixed(state.recurrentScale, 2)}`;
    const tf = part("teacher-forcing");
    tf.checked = state.teacherForcing;
    tf.disabled = !topology.feeds_back;
    part("teacher-forcing-hint").textContent = topology.feeds_back
      ? "Feed back the target instead of the network's own prediction." : "Only where outputs are fed back.";
  }

  /** The API's refusal of the typed inputs, beside the field. */
  function reflectStatus({ status }) {
    const message = status.kind === "failed" && status.input ? status.message : "";
    const error = part("inputs-error");
    error.textContent = message;
    error.hidden = !message;
    field.setAttribute("aria-invalid", message ? "true" : "false");
  }

  return { update, resize() {} };
}

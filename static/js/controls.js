// The settings: the topology picker, cell, trained weights, the input editor and the network's
// sizes. Each control reports a patch of the view state; reflect() shows a state and its trace.

import { presetFor } from "./api.js";
import { el, replaceChildren } from "./dom.js";
import { fixed } from "./format.js";
import { pictogram } from "./pictograms.js";
import { MAX_HIDDEN, MAX_SEED, TOPOLOGIES } from "./state.js";

const FEEDS_BACK = new Set(["one_to_many", "seq2seq"]);
const $ = (id) => document.getElementById(id);

/** A whole number typed in a field, clamped to [lo, hi]; null when the field is empty or not one. */
function wholeNumber(input, lo, hi) {
  const value = Number(input.value);
  if (input.value.trim() === "" || !Number.isInteger(value)) return null;
  return Math.min(hi, Math.max(lo, value));
}

/** The inputs of a trace as the text a user would type to get them again. */
export function inputsText(trace) {
  const given = trace.steps.filter((s, k) => (trace.topology === "seq2seq" ? s.role === "encoder"
    : trace.topology === "one_to_many" ? k === 0 : true));
  if (trace.input_vocab) return given.map((s) => s.x_label).join(" ");
  return given.map((s) => s.x.map((v) => Number(v.toPrecision(4))).join(", ")).join("; ");
}

function inputsHint(task) {
  if (task.input_vocab) return `A sentence of the task's ${task.input_vocab.length} words (see the vocabulary).`;
  if (task.input_size === 1) return `the seed: one number in [${task.value_range.join(", ")}]`;
  return `${task.input_size} numbers, e.g. 0.5, −0.3`;
}

/** A topology's short name: "Many to one"; "Many to many (encoder-decoder)" -> "Encoder–decoder". */
export function topologyName(topology) {
  const [, base, detail] = topology.name.match(/^(.*?)(?: \((.*)\))?$/);
  if (!detail || detail === "aligned") return base;
  return `${detail[0].toUpperCase()}${detail.slice(1)}`.replace("-", "–");
}

/** How many numbers the parameters hold (every array element counted once). */
export function paramCount(params) {
  let n = 0;
  const visit = (v) => { if (Array.isArray(v)) v.forEach(visit); else if (typeof v === "number") n += 1; else if (v && typeof v === "object") Object.values(v).forEach(visit); };
  visit(params);
  return n;
}

export function createControls({ catalog, onChange }) {
  const picker = $("topology-picker");
  const buttons = TOPOLOGIES.map((id, k) => {
    const topology = catalog.topologies.find((t) => t.id === id);
    const task = catalog.tasks[topology.tasks[0]];
    const button = el("button", {
      type: "button", role: "radio", class: "topology", "data-topology-choice": id,
      title: `${topology.name} (key ${k + 1}): ${topology.example}`,
    }, [pictogram(id), el("span", { class: "topology-name", text: topologyName(topology) }),
      el("span", { class: "topology-use", text: task.name })]);
    button.addEventListener("click", () => onChange({ topology: id, inputs: null, length: null, t: 0, phase: "forward" }));
    return button;
  });
  picker.replaceChildren(...buttons);

  const cellButtons = [...document.querySelectorAll("[data-cell-choice]")];
  for (const button of cellButtons) {
    button.addEventListener("click", () => onChange({ cell: button.dataset.cellChoice }));
  }

  const field = $("inputs-field");
  $("settings").addEventListener("submit", (e) => {
    e.preventDefault();
    // Enter in a number field submits the form too; that field's own change event applies it.
    if (document.activeElement !== field && document.activeElement?.id !== "inputs-apply") return;
    const text = field.value.trim();
    onChange({ inputs: text === "" ? null : text, length: null });
  });
  $("inputs-sample").addEventListener("click", () => onChange({ inputs: null }));
  $("trained").addEventListener("change", (e) => onChange({ trained: e.target.checked }));
  $("hidden-size").addEventListener("change", (e) => {
    const value = wholeNumber(e.target, 1, MAX_HIDDEN);
    if (value !== null) onChange({ hiddenSize: value, trained: false });
  });
  $("length").addEventListener("change", (e) => {
    const value = wholeNumber(e.target, 1, Number(e.target.max) || 500);
    onChange({ length: value, inputs: null });
  });
  $("seed").addEventListener("change", (e) => {
    const value = wholeNumber(e.target, 0, MAX_SEED);
    if (value !== null) onChange({ seed: value });
  });
  $("new-seed").addEventListener("click", () => {
    onChange({ seed: crypto.getRandomValues(new Uint32Array(1))[0], inputs: null });
  });
  const scale = $("scale");
  let scaleTimer = null;
  $("scale-on").addEventListener("change", (e) => onChange({ recurrentScale: e.target.checked ? Number(scale.value) : null }));
  scale.addEventListener("input", () => {
    $("scale-value").textContent = `ρ = ${fixed(Number(scale.value), 2)}`;
    clearTimeout(scaleTimer);
    scaleTimer = setTimeout(() => onChange({ recurrentScale: Number(scale.value) }), 120);
  });
  $("teacher-forcing").addEventListener("change", (e) => onChange({ teacherForcing: e.target.checked }));
  $("speed").addEventListener("change", (e) => onChange({ speed: Number(e.target.value) }));

  function reflectPicker(state) {
    for (const b of buttons) b.setAttribute("aria-checked", String(b.dataset.topologyChoice === state.topology));
    for (const b of cellButtons) b.setAttribute("aria-checked", String(b.dataset.cellChoice === state.cell));
  }

  /** Show a state, and the trace drawn for it (null while none has arrived). */
  function reflect(state, trace) {
    reflectPicker(state);
    const topology = catalog.topologies.find((t) => t.id === state.topology);
    const task = catalog.tasks[topology.tasks[0]];
    const preset = presetFor(catalog, task.id, state.cell);
    $("task-name").textContent = task.name;
    $("task-rule").textContent = task.rule;
    $("topology-explainer").textContent = `${topology.name}: ${topology.description} Here: ${task.why_memory}`;

    const trained = $("trained");
    trained.checked = state.trained && preset !== null;
    trained.disabled = preset === null;
    const metric = preset?.metric === "r2" ? `R² ${fixed(preset.accuracy, 3)}` : `accuracy ${fixed(100 * (preset?.accuracy ?? 0), 1)} %`;
    $("trained-note").textContent = preset ? `The shipped network for this task: ${metric} on fresh examples, H = ${preset.config.hidden_size}.` : "No trained network for this cell.";

    $("inputs-label").textContent = task.input_vocab ? (topology.id === "seq2seq" ? "source sentence" : "sentence")
      : topology.id === "one_to_many" ? "seed value" : "input numbers";
    $("inputs-hint").textContent = inputsHint(task);
    const vocabulary = $("vocabulary");
    if (vocabulary.dataset.task !== task.id) {
      vocabulary.dataset.task = task.id;
      vocabulary.hidden = !task.input_vocab;
      renderVocabulary(task);
    }
    if (document.activeElement !== field) field.value = state.inputs ?? (trace ? inputsText(trace) : "");
    $("inputs-sample").hidden = state.inputs === null;

    const hidden = $("hidden-size");
    hidden.value = state.trained && preset ? preset.config.hidden_size : state.hiddenSize;
    const length = $("length");
    length.max = task.max_length;
    length.disabled = topology.id === "one_to_one";
    if (document.activeElement !== length) length.value = state.length ?? (trace ? givenLength(trace) : "");
    $("seed").value = state.seed;
    const scaleOn = $("scale-on");
    scaleOn.checked = state.recurrentScale !== null;
    scaleOn.disabled = state.trained && preset !== null;
    scale.disabled = !scaleOn.checked || scaleOn.disabled;
    if (state.recurrentScale !== null && document.activeElement !== scale) scale.value = Math.min(3, state.recurrentScale);
    $("scale-value").textContent = state.recurrentScale === null ? "PyTorch's init" : `ρ = ${fixed(state.recurrentScale, 2)}`;
    const tf = $("teacher-forcing");
    tf.checked = state.teacherForcing;
    tf.disabled = !FEEDS_BACK.has(topology.id);
    $("teacher-forcing-hint").textContent = FEEDS_BACK.has(topology.id)
      ? "Feed back the target instead of the network's own prediction."
      : "Only where outputs are fed back.";
    $("speed").value = String(state.speed);

  }

  function renderVocabulary(task) {
    replaceChildren($("vocabulary-chips"), (task.input_vocab ?? []).map((word) => {
      const chip = el("button", { type: "button", class: "word", text: word });
      chip.addEventListener("click", () => {
        field.value = `${field.value.trim()} ${word}`.trim();
        field.focus();
      });
      return chip;
    }));
  }

  function showInputError(message) {
    const error = $("inputs-error");
    error.textContent = message;
    error.hidden = !message;
    field.setAttribute("aria-invalid", message ? "true" : "false");
  }

  return { reflect, showInputError };
}

/** The number a length field shows for a trace: input steps (one_to_many: outputs; seq2seq: source). */
function givenLength(trace) {
  if (trace.topology === "seq2seq") return trace.steps.filter((s) => s.role === "encoder").length;
  return trace.steps.length;
}

// The "your model" view, a part of the own-data section: drop or choose a PyTorch model's file
// (safetensors or .npz; how to save one is shown), see its sizes and cell, choose an nn.RNN's
// nonlinearity, and type or paste its input vectors (or draw a random sequence from the seed) and,
// optionally, targets. Without targets the trace is forward only, and the page says so.

import { el } from "./dom.js";
import { modelSummary, ownDataOf } from "./own-data.js";
import { vectorsText } from "./own-parse.js";
import { givenSteps } from "./requests.js";

export const SAVE_SNIPPETS = [
  { title: "with safetensors", code: "from safetensors.torch import save_file\nsave_file(model.state_dict(), \"model.safetensors\")" },
  {
    title: "or with numpy alone",
    code: "import numpy as np\nnp.savez(\"model.npz\", **{k: v.detach().numpy() for k, v in model.state_dict().items()})",
  },
];
const INPUT_FIELD = /^(inputs|targets|length|teacher_forcing)/; // refusals shown beside the vectors

function snippet({ title, code }) {
  return el("figure", { class: "snippet" }, [el("figcaption", { text: title }), el("pre", {}, [el("code", { text: code })])]);
}

/**
 * root: the model's part of the section; onFile(file) imports a file; onChange(patch) patches
 * the view state; onInputsDone() when the typed vectors are run (the keys are the player's again).
 */
export function createModelPanel(root, { catalog, onFile, onChange, onInputsDone }) {
  const file = el("input", { type: "file", id: "model-file", accept: ".safetensors,.npz", "aria-describedby": "model-status" });
  const drop = el("div", { class: "drop-zone", "data-drop": "" }, [
    el("p", { text: "Drop a .safetensors or .npz file here, or" }),
    el("label", { class: "small file-button", text: "choose a file…" }, [file]),
  ]);
  const status = el("p", { id: "model-status", class: "model-status", role: "status", "aria-live": "polite" });
  const summary = el("p", { class: "model-summary", "data-model-summary": "" });
  const keys = el("p", { class: "hint" });
  const tanh = el("button", { type: "button", "data-activation": "tanh", text: "tanh" });
  const relu = el("button", { type: "button", "data-activation": "relu", text: "relu" });
  const activation = el("div", { class: "field" }, [
    el("span", { class: "label", id: "model-activation-label", text: "nn.RNN nonlinearity (a file does not say)" }),
    el("div", { class: "segmented two", role: "group", "aria-labelledby": "model-activation-label" }, [tanh, relu]),
  ]);
  const inputs = el("textarea", { id: "model-inputs", class: "own-area", rows: 4, wrap: "off", spellcheck: "false", "aria-describedby": "model-inputs-hint model-error" });
  const inputsHint = el("p", { id: "model-inputs-hint", class: "hint" });
  const targets = el("textarea", { id: "model-targets", class: "own-area", rows: 3, wrap: "off", spellcheck: "false", "aria-describedby": "model-targets-hint model-error" });
  const targetsHint = el("p", { id: "model-targets-hint", class: "hint" });
  const error = el("p", { id: "model-error", class: "field-error", role: "alert", hidden: true });
  const run = el("button", { type: "button", class: "small", text: "Run" });
  const random = el("button", { type: "button", class: "link", text: "a random sequence from the seed" });
  const forwardOnly = el("p", { class: "hint forward-only-note", hidden: true,
    text: "No targets: the trace is forward only (no loss, so no backward pass). Add targets to send a gradient back." });
  const loaded = el("div", { class: "model-loaded", hidden: true }, [
    summary, keys, activation,
    el("label", { for: "model-inputs", text: "input vectors, one a line" }), inputs, inputsHint,
    el("label", { for: "model-targets", text: "targets (optional), one a line" }), targets, targetsHint, error,
    el("div", { class: "field-row" }, [run, random]), forwardOnly,
  ]);
  root.replaceChildren(
    drop, status, loaded,
    el("details", { class: "save-snippet" }, [el("summary", { text: "How to save your model (three lines)" }),
      el("p", { class: "hint", text: "A single-layer nn.RNN, nn.LSTM or nn.GRU, with an optional nn.Linear head. Never a pickle: .pt files are refused." }),
      ...SAVE_SNIPPETS.map(snippet)]),
    el("p", { class: "hint", text: "A copied link does not carry your model: it stays in this tab (a reload keeps it), and a new tab asks for the file again." }),
  );

  let state = null;
  const chooseFile = (f) => { if (f) onFile(f); };
  file.addEventListener("change", () => { chooseFile(file.files[0]); file.value = ""; });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    chooseFile(e.dataTransfer?.files?.[0]);
  });
  for (const button of [tanh, relu]) { // the model keeps its nonlinearity, as if the file had said it
    button.addEventListener("click", () => {
      const { activation: chosen } = button.dataset;
      const { model } = state;
      onChange({ cell: `rnn-${chosen}`, model: { ...model, answer: { ...model.answer, activation: chosen } } });
    });
  }
  const typed = (field) => (field.value.trim() === "" ? null : field.value);
  const apply = () => onChange({ modelInputs: typed(inputs), modelTargets: typed(targets), length: null, t: 0, phase: "forward" });
  run.addEventListener("click", () => { apply(); onInputsDone(); });
  random.addEventListener("click", () => {
    inputs.value = "";
    onChange({ modelInputs: null, modelTargets: null, seed: crypto.getRandomValues(new Uint32Array(1))[0], t: 0, phase: "forward" });
  });

  function update({ scene, state: next, changed }) {
    state = next;
    if (changed.has("modelStatus")) {
      const s = state.modelStatus;
      status.textContent = s?.message ?? "";
      status.dataset.kind = s?.kind ?? "";
      status.setAttribute("role", s?.kind === "failed" ? "alert" : "status");
    }
    if (!["model", "data", "cell", "scene", "status", "modelInputs", "modelTargets", "keepError"].some((k) => changed.has(k))) return;
    root.hidden = state.data !== "model";
    const answer = state.model?.answer;
    loaded.hidden = !answer;
    if (!answer) return;
    const own = ownDataOf(state, catalog);
    const rnn = answer.cell === "rnn";
    activation.hidden = !rnn;
    tanh.setAttribute("aria-pressed", String(state.cell === "rnn-tanh"));
    relu.setAttribute("aria-pressed", String(state.cell === "rnn-relu"));
    summary.textContent = modelSummary({ ...answer, activation: rnn && state.cell.startsWith("rnn-") ? state.cell.slice(4) : answer.activation });
    const head = answer.file.head ? "" : " No nn.Linear head: the output is h_t itself (W_hy = I).";
    keys.textContent = `From ${state.model.name} (${answer.file.format}: ${Object.values(answer.file.keys).join(", ")}).${head}${state.keepError ? ` ${state.keepError}` : ""}`;
    inputsHint.textContent = `${answer.input_size} numbers a line, separated by commas or spaces; empty: ${catalog.tasks.vectors.lengths[0]} random steps from the seed (the sequence length sets how many).`;
    targetsHint.textContent = answer.output_size > 1
      ? `A class index 0–${answer.output_size - 1} a line (cross-entropy), or ${answer.output_size} numbers a line (squared error).`
      : "One number a line (squared error).";
    const drawn = own.id === "model" && scene?.trace.task === "vectors" ? scene.trace : null;
    if (drawn && document.activeElement !== inputs) inputs.value = state.modelInputs ?? vectorsText(givenSteps(drawn).map((s) => s.x));
    if (document.activeElement !== targets) targets.value = state.modelTargets ?? "";
    forwardOnly.hidden = !(drawn && scene.forwardOnly);
    const refused = state.status.kind === "failed" && own.id === "model" && INPUT_FIELD.test(state.status.field ?? "");
    error.textContent = refused ? state.status.message : "";
    error.hidden = !refused;
  }

  return { update, resize() {} };
}

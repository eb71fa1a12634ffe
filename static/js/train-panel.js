// The Train panel view: the recipe (steps, learning rate, batch size: the task's own unless
// changed), Start / Stop, "new example" for trained weights, and in one sentence where the
// training is: queued, running (with the time left), done (with its score), stopped or failed.
// Root [data-train] with data-status (idle, queued, running, done, stopped, error).

import { fixed, short } from "./format.js";
import { ownDataOf } from "./own-data.js";
import { recipeOf, trainable } from "./requests.js";

const FIELDS = { steps: "trainSteps", learning_rate: "learningRate", batch_size: "batchSize" };
const PARTS = { steps: "steps", learning_rate: "learning-rate", batch_size: "batch-size" };

function score(value, metric) {
  return metric === "r2" ? `R² ${fixed(value, 3)}` : `accuracy ${fixed(100 * value, 1)} %`;
}

function seconds(s) {
  return s < 1 ? "under a second" : s < 90 ? `about ${Math.round(s)} s` : `about ${Math.round(s / 60)} min`;
}

function recipeText(recipe) {
  return `${recipe.steps} steps of ${recipe.batch_size} examples at learning rate ${recipe.learning_rate}`;
}

const LONG = 4; // a recipe this many times the task's own work (steps × batch) is said to be long

/** Before a long recipe trains: that it is long, and the server's bound on any training. */
function longNote(recipe, own, limit) {
  const times = (recipe.steps * recipe.batch_size) / (own.steps * own.batch_size);
  if (!(times >= LONG)) return "";
  return ` A long recipe: ${Math.round(times)}× the work of the task's own, so it may take minutes; the server stops any`
    + ` training after ${limit} s, and the link then keeps the steps it ran.`;
}

/** The sentence that says where the training is (`own`: the task's recipe; `limit`: the server's seconds). */
function sentence(train, state, recipe, own, limit) {
  switch (train.status) {
    case "queued":
      return `Waiting for a free trainer on the server: number ${train.position} in the queue.`;
    case "running":
      return train.fromLink ? `Retraining this link's network here (${recipeText(recipe)}): the same weights as the link's, since a training is a pure function of its recipe.${longNote(recipe, own, limit)}`
        : `Training from the seeded start (seed ${state.seed}): ${recipe.steps} steps.`;
    case "done": {
      const m = train.metrics;
      const result = m.diverged ? `but the trained network overflows on fresh examples (${m.diverged})`
        : `${score(m.accuracy, m.metric)} on ${m.examples} fresh examples (loss ${short(m.loss, 3)})`;
      const cut = train.cut ? ` The server's time limit stopped it at step ${train.steps} of ${train.asked}; the link holds ${train.steps} steps.` : "";
      return `Trained ${train.steps} steps: ${result}. Step through it, or try a new example.${cut}`;
    }
    case "stopped": {
      const why = train.message ?? `Stopped at step ${train.step ?? 0}.`;
      if (train.kept === null || train.kept === undefined) return `${why} The stage shows the untrained network (no snapshot had come yet).`;
      return `${why} The stage shows the weights after step ${train.kept} (the last snapshot), which the link retrains.`;
    }
    case "error":
      return train.kept ? `${train.message} The stage shows the weights after step ${train.kept}.` : train.message;
    default: {
      const said = state.trainedLive ? `This link retrains its network here from its recipe: ${recipeText(recipe)}.`
        : `Trains the drawn network from its seeded start (seed ${state.seed}): this recipe is ${recipe.steps} steps.`;
      return `${said}${longNote(recipe, own, limit)}`;
    }
  }
}

const UNTRAINABLE = "Your model is drawn with the weights PyTorch trained. Training here trains a task's network, or one on your text or your numbers.";

/** root: the [data-train] section; onStart(recipe), onStop(), onNewExample(). */
export function createTrainPanel(root, { catalog, onStart, onStop, onNewExample }) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const { limits } = catalog;
  const inputs = Object.fromEntries(Object.entries(PARTS).map(([name, id]) => [name, part(id)]));
  Object.assign(inputs.steps, { min: limits.steps.min, max: limits.steps.max });
  Object.assign(inputs.batch_size, { min: limits.batch_size.min, max: limits.batch_size.max });
  inputs.learning_rate.max = limits.learning_rate.max;

  /** The recipe typed: a field left empty is the task's own; anything else goes as typed, for the API to judge. */
  function typed() {
    const task = ownDataOf(lastState, catalog).task;
    const own = task.training_defaults;
    return Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value.trim() === "" ? own[name] : Number(input.value)]));
  }

  let lastState = null;
  part("form").addEventListener("submit", (e) => {
    e.preventDefault();
    onStart(typed());
  });
  part("stop").addEventListener("click", () => onStop());
  // A recipe typed is said (a long one too) before it trains; a live region speaks once it rests.
  let typing = null;
  part("form").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { if (lastState) say(lastState); }, 400);
  });
  part("new-example").addEventListener("click", () => onNewExample());

  function update({ state, changed }) {
    lastState = state;
    if (!["train", "trainedLive", "live", "topology", "seed", "data", "model", ...Object.values(FIELDS)].some((k) => changed.has(k))) return;
    const task = ownDataOf(state, catalog).task;
    const can = trainable(state, catalog);
    const recipe = recipeOf(state, task);
    const { train } = state;
    for (const [name, input] of Object.entries(inputs)) {
      if (document.activeElement !== input && (changed.has(FIELDS[name]) || changed.has("topology"))) input.value = recipe[name];
      input.placeholder = String(task.training_defaults[name]);
      input.setAttribute("aria-invalid", String(train.status === "error" && train.field === name));
    }
    const busy = train.status === "queued" || train.status === "running";
    root.dataset.status = train.status;
    part("start").disabled = busy || !can;
    part("start").textContent = train.status === "idle" && state.trainedLive ? "Retrain" : "Start";
    part("stop").disabled = !busy;
    part("new-example").hidden = busy || !state.live;
    part("metric-key").textContent = `${task.kind === "regression" ? "R²" : "accuracy"} (right)`;
    say(state);
    part("numbers").textContent = !busy ? "" : !train.step ? "Starting…" : [
      `step ${train.step} of ${train.steps}`, train.left === null ? null : `${seconds(train.left)} left`,
      `loss ${short(train.loss, 3)}`, score(train.accuracy, train.metric)].filter(Boolean).join(" · ");
  }

  /** The panel's sentence: where the training is, or what Start would train (the typed recipe). */
  function say(state) {
    const { train } = state;
    const task = ownDataOf(state, catalog).task;
    const asTyped = typed();
    const recipe = train.recipe ?? (Object.values(asTyped).every(Number.isFinite) ? asTyped : recipeOf(state, task));
    const said = !trainable(state, catalog) ? UNTRAINABLE : sentence(train, state, recipe, task.training_defaults, limits.seconds.max);
    if (part("status").textContent !== said) part("status").textContent = said; // a live region: said once
    part("status").dataset.kind = train.status;
  }

  return { update, resize() {} };
}

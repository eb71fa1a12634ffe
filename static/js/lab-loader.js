// The gradient lab's traces: one sentence through the four cells at the lab's settings, fetched
// together whenever a setting changes (a newer set aborts the older), into the store's `lab`.

import { ApiError, fetchTrace } from "./api.js";
import { cellByChoice } from "./cells.js";
import { curveOf, LAB_CELLS } from "./lab-data.js";

const SETTINGS = ["recurrentScale", "hiddenSize", "length", "seed"];

/** The trace request of one cell at the lab's state: `task` and `topology` are the lab's. */
export function labRequest(state, choice, defaults) {
  const { cell, activation } = cellByChoice(choice);
  return {
    topology: defaults.topology, task: defaults.task, cell, activation, hidden_size: state.hiddenSize,
    length: state.length, seed: state.seed, recurrent_scale: state.recurrentScale, omit: ["params", "grads"],
  };
}

export function createLabLoader(store, defaults) {
  let inFlight = null;

  async function load() {
    inFlight?.abort();
    const mine = new AbortController();
    inFlight = mine;
    const state = store.state;
    store.patch({ status: { kind: "loading", message: "Computing four traces…" } });
    const answers = await Promise.allSettled(LAB_CELLS.map((choice) => fetchTrace(labRequest(state, choice, defaults), { signal: mine.signal })));
    if (inFlight !== mine) return;
    const curves = {};
    const errors = {};
    let failure = null;
    answers.forEach((answer, k) => {
      const choice = LAB_CELLS[k];
      if (answer.status === "fulfilled") curves[choice] = curveOf(answer.value);
      else if (answer.reason instanceof ApiError && answer.reason.type === "diverged") errors[choice] = answer.reason.message;
      else failure = answer.reason;
    });
    if (failure) {
      const message = failure instanceof ApiError ? failure.message : String(failure);
      store.patch({ status: { kind: "failed", message: `The lab could not be drawn: ${message}`, canRetry: true } });
      return;
    }
    const settings = Object.fromEntries(SETTINGS.map((k) => [k, state[k]]));
    store.patch({ lab: { curves, errors, T: state.length, settings }, status: { kind: "ready" } });
  }

  store.subscribe((changed) => { if (SETTINGS.some((k) => changed.has(k))) load(); });
  return { load };
}

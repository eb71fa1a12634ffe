// Live generation (one_to_many and the seq2seq decoder): from a seed input, each Next is one
// POST /api/step with the drawn network's weights, its output fed back as the next input and its
// h (and c) carried to the next step (generation.js says how). What it wrote goes in the store's
// `generation`; a new drawing (other weights, another network) starts it again.

import { ApiError, fetchStep } from "./api.js";
import { feedBack, generationPlan, seededUniform, seedInput, stepParams } from "./generation.js";

/** The store's `generation` before any. */
export const GENERATION_IDLE = { steps: [], seed: null, temperature: 0, status: "idle", message: null };

/** The seed a trace reads first (one_to_many): its token, or its value; null for seq2seq. */
export function seedOf(trace) {
  if (trace.topology !== "one_to_many") return null;
  const first = trace.steps[0];
  return trace.input_vocab ? first.x_label : first.x[0];
}

export function createGenerator(store, catalog) {
  let run = null; // {trace, plan, next, h, c, uniform}
  const patch = (changes) => store.patch({ generation: { ...store.state.generation, ...changes } });

  /** Start again from `seed` (default: the one chosen, or the drawn trace's). */
  function reset(seed = undefined) {
    const trace = store.state.scene?.trace;
    if (!trace || !catalog.topology(trace.topology).feeds_back) {
      run = null;
      patch({ steps: [], status: "idle", message: null });
      return;
    }
    const chosen = seed ?? store.state.generation.seed;
    const valid = trace.topology === "one_to_many" && chosen !== null
      && (trace.input_vocab ? trace.input_vocab.includes(chosen) : Number.isFinite(Number(chosen)));
    const first = valid ? chosen : seedOf(trace);
    const plan = generationPlan(trace);
    if (plan[0].source === "seed") Object.assign(plan[0], seedInput(trace, first));
    const { state } = store;
    run = { trace, plan, h: null, c: null, uniform: seededUniform(state.exampleSeed ?? state.seed), fed: null };
    patch({ steps: [], seed: first, status: "ready", message: null });
  }

  /** One more step: the plan's next input, or the last output fed back. */
  async function stepOnce(mine) {
    const { steps, temperature } = store.state.generation;
    const k = steps.length;
    const planned = mine.plan[k] ?? null;
    const input = planned && planned.source !== "fed" ? planned : mine.fed;
    const role = planned?.role ?? mine.plan[mine.plan.length - 1].role;
    const { trace } = mine;
    const request = { cell: trace.cell, activation: trace.activation, params: stepParams(trace.params, role), x: input.x,
      kind: trace.kind, temperature: temperature > 0 ? temperature : 1 };
    if (mine.h) request.h = mine.h;
    if (mine.c) request.c = mine.c;
    const answer = await fetchStep(request);
    if (run !== mine) return false;
    mine.h = answer.h;
    mine.c = trace.cell === "lstm" ? answer.c : null;
    const written = answer.y ? feedBack(trace, answer, temperature, mine.uniform) : { picked: null, label: null, next: null };
    mine.fed = written.next;
    const step = { t: k, role, x: input.x, x_label: input.x_label, h: answer.h, c: answer.c, y: answer.y, p: answer.p,
      picked: written.picked, label: written.label, temperature };
    patch({ steps: [...store.state.generation.steps, step] });
    return true;
  }

  /** `count` more steps, one request at a time. */
  async function next(count = 1) {
    if (!run || store.state.generation.status === "stepping") return;
    const mine = run;
    patch({ status: "stepping", message: null });
    try {
      for (let n = 0; n < count && store.state.generation.steps.length < catalog.limits.timesteps; n++) {
        if (!(await stepOnce(mine))) return;
      }
      patch({ status: "ready" });
    } catch (error) {
      if (run !== mine) return;
      const message = error instanceof ApiError ? error.message : String(error);
      patch({ status: "failed", message: `The step failed: ${message}.` });
    }
  }

  store.subscribe((changed) => {
    if (changed.has("scene")) reset();
  });

  return {
    reset,
    next,
    setTemperature(temperature) { patch({ temperature }); },
  };
}

// Opens the playhead's step up: asks /api/explain for it once the playhead rests (never while
// playing), first without the chain (quick: the inspector draws the terms at once), then with it,
// and puts what it has in the store's `explanation`. Answers are kept per (trace request, t), so
// going back to a step is instant; a request for a step the playhead has left is aborted, and the
// next waits until the playhead has rested REST_MS (a held arrow key sends one request, then one
// when it is let go, not one per step).

import { fetchExplain } from "./api.js";
import { clampPlayhead } from "./playhead.js";

const REST_MS = 120; // after an aborted request: how long the playhead must rest before the next
const KEPT_TRACES = 4; // requests whose answers are kept
const KEPT_STEPS = 64; // answers kept per request

/**
 * store.state.explanation: {scene, t, terms (the answer without its chain, or null), chain (its
 * links, or null), status ("waiting" | "loading" | "ready" | "failed"), error, chainError}.
 */
export function createExplainLoader(store) {
  const cache = new Map(); // request key -> Map(t -> {terms, chain}), oldest first
  let inFlight = null; // {key, t, controller}
  let timer = null; // waiting for the playhead to rest
  let restUntil = 0; // after an aborted request, no new one before this time (performance.now())

  const keys = new WeakMap(); // scene -> its request as a string (a new scene of the same request hits the cache)
  const keyOf = (scene) => {
    if (!keys.has(scene)) keys.set(scene, JSON.stringify(scene.request));
    return keys.get(scene);
  };

  function entry(key, t) {
    let steps = cache.get(key);
    if (!steps) {
      steps = new Map();
      cache.set(key, steps);
      if (cache.size > KEPT_TRACES) cache.delete(cache.keys().next().value);
    }
    let found = steps.get(t);
    if (found) steps.delete(t); // re-inserted: the most recent last
    else found = { terms: null, chain: null };
    steps.set(t, found);
    if (steps.size > KEPT_STEPS) steps.delete(steps.keys().next().value);
    return found;
  }

  function publish(scene, t, known, status, errors = {}) {
    store.patch({ explanation: { scene, t, terms: known.terms, chain: known.chain, status, error: null, chainError: null, ...errors } });
  }

  async function open(scene, key, t, known) {
    const controller = new AbortController();
    inFlight = { key, t, controller };
    const ask = (chain) => fetchExplain({ ...scene.request, t, ...(chain ? {} : { chain: false }) }, { signal: controller.signal });
    try {
      if (!known.terms) {
        publish(scene, t, known, "loading");
        const answer = await ask(false);
        known.terms = answer;
        publish(scene, t, known, "loading");
      }
      if (!known.chain) {
        try {
          known.chain = (await ask(true)).chain;
        } catch (error) {
          if (controller.signal.aborted) throw error;
          publish(scene, t, known, "ready", { chainError: error.message });
          return;
        }
      }
      publish(scene, t, known, "ready");
    } catch (error) {
      if (!controller.signal.aborted) publish(scene, t, known, "failed", { error: error.message });
    } finally {
      if (inFlight?.controller === controller) inFlight = null;
    }
  }

  /** What the playhead now needs: the cached answer at once, and a request once it rests. */
  function follow() {
    const moving = timer !== null; // it moved again while waiting to rest
    clearTimeout(timer);
    timer = null;
    const { scene, playing } = store.state;
    if (!scene) return;
    // The step the views show: a link's (or a lesson's) t past the end is the last step.
    const { t } = clampPlayhead(store.state, scene.T);
    const key = keyOf(scene);
    const known = entry(key, t);
    const complete = known.terms && known.chain;
    const now = performance.now();
    if (inFlight && (inFlight.key !== key || inFlight.t !== t)) {
      inFlight.controller.abort(); // the playhead has left that step
      inFlight = null;
      restUntil = now + REST_MS;
    } else if (moving) {
      restUntil = now + REST_MS;
    }
    if (complete || playing) {
      publish(scene, t, known, complete ? "ready" : "waiting");
    } else if (inFlight) {
      // this step's answer is on its way
    } else if (now < restUntil) {
      publish(scene, t, known, "waiting");
      timer = setTimeout(() => { timer = null; follow(); }, restUntil - now);
    } else {
      open(scene, key, t, known);
    }
  }

  store.subscribe((changed) => {
    if (["scene", "t", "playing"].some((k) => changed.has(k))) follow();
  });
  return { follow };
}

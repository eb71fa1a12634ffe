// The second input of a comparison: the drawn trace's own request (the same network and weights)
// with the other input, fetched whenever either changes, into the store's `compared`.

import { fetchTrace } from "./api.js";
import { comparable, parseInputs } from "./requests.js";

export function createCompareLoader(store) {
  let inFlight = null;

  async function load() {
    inFlight?.abort();
    const { scene, compareWith } = store.state;
    if (compareWith === null || !comparable(scene)) {
      if (store.state.compared) store.patch({ compared: null });
      return;
    }
    const mine = new AbortController();
    inFlight = mine;
    const { length, ...request } = scene.request;
    try {
      const trace = await fetchTrace({ ...request, inputs: parseInputs(compareWith, scene.task) }, { signal: mine.signal });
      if (inFlight === mine) store.patch({ compared: { trace, of: scene, error: null } });
    } catch (error) {
      if (!mine.signal.aborted) store.patch({ compared: { trace: null, of: scene, error: error.message } });
    }
  }

  store.subscribe((changed) => { if (changed.has("compareWith") || changed.has("scene")) load(); });
  return { load };
}

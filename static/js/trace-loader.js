// Fetches the trace the view state asks for, whenever a field that changes it changes, and puts
// its scene in the store; a refusal or a failure becomes the store's `status`, and the last good
// drawing stays (marked stale). Only one request is in flight: a newer one aborts the older.

import { ApiError, fetchTrace } from "./api.js";
import { clampPlayhead } from "./playhead.js";
import { ownDataOf } from "./own-data.js";
import { liveApplies, traceRequest, weightsApply } from "./requests.js";
import { sceneOf } from "./scene.js";
import { TRACE_FIELDS } from "./state.js";

const SLOW_MS = 300; // a trace that takes longer says so
/** What the page does not draw, left out of the answer: the full gradients, and the params (the
 * scene counts them from their shapes) unless the view generates with them (/api/step). */
function undrawn(catalog, state) {
  return catalog.topology(state.topology)?.feeds_back ? ["grads"] : ["params", "grads"];
}
const INPUT_FIELD = /^(inputs|targets|length)/; // refusals shown beside the input field

function sentence(text) {
  const s = `${text[0].toUpperCase()}${text.slice(1)}`;
  return /[.?!]$/.test(s) ? s : `${s}.`;
}

/** The status of a failed request: what to say, and whether "Try again" can help. */
export function failureStatus(error, state) {
  if (error instanceof ApiError) {
    if (error.kind === "unreachable" || error.kind === "timeout") {
      return { kind: "failed", message: sentence(error.message), canRetry: true };
    }
    if (error.kind === "busy") return { kind: "failed", message: "The server is still busy after several tries; try again in a moment.", canRetry: true };
    const input = error.kind === "invalid" && state.inputs !== null && INPUT_FIELD.test(error.field ?? "");
    return { kind: "failed", message: input ? error.message : `The server could not draw this: ${error.message}`,
      field: error.field, input, canRetry: error.kind !== "invalid" };
  }
  return { kind: "failed", message: `Something went wrong: ${error}`, canRetry: true };
}

/** Fields that change the trace only while weights trained in the page are drawn or apply. */
const LIVE_FIELDS = ["live", "exampleSeed"];

export function createTraceLoader(store, catalog) {
  let inFlight = null;
  let usedLive = false; // the last request drew weights trained in the page

  async function load() {
    inFlight?.abort();
    const mine = new AbortController();
    inFlight = mine;
    const state = store.state;
    const request = traceRequest(state, catalog, state.weights);
    const live = liveApplies(state, catalog);
    usedLive = live;
    const drawn = Object.fromEntries(TRACE_FIELDS.map((k) => [k, state[k]]));
    const slow = setTimeout(() => store.patch({ status: { kind: "loading", message: "Computing the trace…" } }), SLOW_MS);
    try {
      const trace = await fetchTrace(request, {
        omit: undrawn(catalog, state),
        signal: mine.signal,
        onRetry: (attempt, ms) => {
          clearTimeout(slow);
          store.patch({ status: { kind: "busy", message: `The server is busy; trying again in ${ms / 1000} s (attempt ${attempt})…` } });
        },
        onProgress: (fraction) => {
          if (fraction < 1) store.patch({ status: { kind: "receiving", message: `Receiving the trace… ${Math.round(100 * fraction)} %`, fraction } });
        },
      });
      if (inFlight !== mine) return;
      const own = ownDataOf(state, catalog);
      const weightsNote = request.preset ? "trained weights" : live ? state.live.note : own.id !== "task" ? own.source
        : weightsApply(state.weights, state) ? `weights from ${state.weights.name}` : null;
      const rho = request.params || request.preset ? null : request.recurrent_scale;
      const scene = sceneOf(trace, catalog, { weightsNote, rho, request });
      const now = store.state;
      store.patch({ scene, drawn, status: { kind: "ready" }, ...clampPlayhead({ phase: now.phase, t: now.t }, scene.T, scene.forwardOnly) });
    } catch (error) {
      if (mine.signal.aborted) return;
      store.patch({ status: failureStatus(error, state) });
    } finally {
      clearTimeout(slow);
    }
  }

  store.subscribe((changed, state) => {
    const liveChanged = LIVE_FIELDS.some((k) => changed.has(k)) && (usedLive || liveApplies(state, catalog));
    if (changed.has("weights") || liveChanged || TRACE_FIELDS.some((k) => changed.has(k))) load();
  });
  return { load };
}

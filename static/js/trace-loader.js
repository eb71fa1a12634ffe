// Fetches the trace the view state asks for, whenever a field that changes it changes, and puts
// its scene in the store; a refusal or a failure becomes the store's `status`, and the last good
// drawing stays (marked stale). Only one request is in flight: a newer one aborts the older.

import { ApiError, fetchTrace } from "./api.js";
import { clampPlayhead } from "./playhead.js";
import { traceRequest, weightsApply } from "./requests.js";
import { sceneOf } from "./scene.js";
import { TRACE_FIELDS } from "./state.js";

const SLOW_MS = 300; // a trace that takes longer says so
const UNDRAWN = ["params", "grads"]; // not drawn: the scene counts the params from their shapes
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

export function createTraceLoader(store, catalog) {
  let inFlight = null;

  async function load() {
    inFlight?.abort();
    const mine = new AbortController();
    inFlight = mine;
    const state = store.state;
    const request = traceRequest(state, catalog, state.weights);
    const drawn = Object.fromEntries(TRACE_FIELDS.map((k) => [k, state[k]]));
    const slow = setTimeout(() => store.patch({ status: { kind: "loading", message: "Computing the trace…" } }), SLOW_MS);
    try {
      const trace = await fetchTrace(request, {
        omit: UNDRAWN,
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
      const weightsNote = request.preset ? "trained weights"
        : weightsApply(state.weights, state) ? `weights from ${state.weights.name}` : null;
      const rho = request.params || request.preset ? null : request.recurrent_scale;
      const scene = sceneOf(trace, catalog, { weightsNote, rho });
      const now = store.state;
      store.patch({ scene, drawn, status: { kind: "ready" }, ...clampPlayhead({ phase: now.phase, t: now.t }, scene.T) });
    } catch (error) {
      if (mine.signal.aborted) return;
      store.patch({ status: failureStatus(error, state) });
    } finally {
      clearTimeout(slow);
    }
  }

  store.subscribe((changed) => {
    if (changed.has("weights") || TRACE_FIELDS.some((k) => changed.has(k))) load();
  });
  return { load };
}

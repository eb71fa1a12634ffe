// The API client: the only module that knows the server's URLs and its error shapes.

import { splitCell } from "./state.js";

const TRACE_TIMEOUT_MS = 90_000;
const CATALOG_TIMEOUT_MS = 15_000;
const BUSY_RETRIES = 6;

/** A refusal or a failure, with `kind`: invalid (4xx), busy (503), unreachable, timeout, server. */
export class ApiError extends Error {
  constructor(kind, message, { status = null, field = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.field = field;
  }
}

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
});

/** "body.inputs.3" -> "inputs[3]" */
function fieldName(loc) {
  return (loc || []).slice(1).reduce((name, part) => (
    typeof part === "number" ? `${name}[${part}]` : name ? `${name}.${part}` : String(part)), "");
}

/** The `detail` of a 4xx as one readable sentence, and the field it names first. */
function describeDetail(detail) {
  if (typeof detail === "string") return { message: detail, field: null };
  if (!Array.isArray(detail) || !detail.length) return { message: "the server refused the request", field: null };
  const parts = detail.slice(0, 3).map((item) => {
    const name = fieldName(item.loc);
    return name ? `${name}: ${item.msg}` : String(item.msg);
  });
  if (detail.length > 3) parts.push(`and ${detail.length - 3} more`);
  return { message: parts.join("; "), field: fieldName(detail[0].loc) || null };
}

async function errorFrom(response) {
  let detail = null;
  try { detail = (await response.json()).detail; } catch { /* not JSON: keep the status */ }
  const { message, field } = describeDetail(detail ?? `HTTP ${response.status}`);
  const kind = response.status === 503 ? "busy" : response.status >= 500 ? "server" : "invalid";
  return new ApiError(kind, message, { status: response.status, field });
}

const PROGRESS_FROM_BYTES = 4_000_000; // smaller answers arrive too fast for a progress bar to help

/** The body as JSON, reporting the fraction received when the answer is large. */
async function readJson(response, onProgress) {
  const total = Number(response.headers.get("content-length")) || 0;
  if (!onProgress || !response.body || total < PROGRESS_FROM_BYTES) return response.json();
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress(Math.min(1, received / total));
  }
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) { body.set(chunk, offset); offset += chunk.length; }
  return JSON.parse(new TextDecoder().decode(body));
}

/**
 * One call to the API. A 503 is retried after its Retry-After (onRetry(attempt, ms) is told);
 * a server that does not answer within timeoutMs, or at all, is an ApiError.
 */
async function call(path, { body = undefined, signal, timeoutMs, onRetry, onProgress } = {}) {
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response;
    try {
      response = await fetch(path, {
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signals,
      });
      if (response.status === 503 && attempt <= BUSY_RETRIES) {
        const wait = 1000 * Math.min(8, Number(response.headers.get("retry-after")) || attempt);
        onRetry?.(attempt, wait);
        await sleep(wait, signal);
        continue;
      }
      if (!response.ok) throw await errorFrom(response);
      return await readJson(response, onProgress);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ApiError("timeout", `the server did not answer within ${timeoutMs / 1000} s`);
      if (error instanceof SyntaxError) throw new ApiError("server", "the server's answer was not valid JSON");
      throw new ApiError("unreachable", "the Unroll server cannot be reached: is `unroll serve` still running?");
    }
  }
}

/** The five topologies, the tasks and the presets, by id. */
export async function fetchCatalog(options) {
  const get = (path) => call(path, { timeoutMs: CATALOG_TIMEOUT_MS, ...options });
  const [topologies, tasks, presets] = await Promise.all([get("/api/topologies"), get("/api/tasks"), get("/api/presets")]);
  const byId = (list) => Object.fromEntries(list.map((item) => [item.id, item]));
  return { topologies, tasks: byId(tasks), presets };
}

/** POST /api/trace. */
export function fetchTrace(request, options) {
  return call("/api/trace", { body: request, timeoutMs: TRACE_TIMEOUT_MS, ...options });
}

/** The shipped preset for a task and cell choice, or null. */
export function presetFor(catalog, taskId, cellChoice) {
  const { cell, activation } = splitCell(cellChoice);
  return catalog.presets.find((p) => p.config.task === taskId && p.config.cell === cell
    && p.config.activation === activation) || null;
}

/**
 * What a user typed, as the API's `inputs`: words for a task with a vocabulary; otherwise
 * numbers, one step per number when the input is a single value, or steps separated by ";".
 * Anything that is not a number is passed on as typed, for the API to name in its 422.
 */
export function parseInputs(text, task) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (task.input_vocab) return trimmed.split(/\s+/).map((w) => w.toLowerCase());
  const item = (s) => (s !== "" && Number.isFinite(Number(s)) ? Number(s) : s);
  const vector = (s) => s.split(/[\s,]+/).filter(Boolean).map(item);
  if (task.input_size === 1) return trimmed.split(/[\s,;]+/).filter(Boolean).map((s) => [item(s)]);
  return trimmed.split(";").map((s) => s.trim()).filter(Boolean).map(vector);
}

/** The /api/trace request for a view state. */
export function traceRequest(state, catalog) {
  const topology = catalog.topologies.find((t) => t.id === state.topology);
  const task = catalog.tasks[topology.tasks[0]];
  const preset = state.trained ? presetFor(catalog, task.id, state.cell) : null;
  const request = { seed: state.seed, teacher_forcing: state.teacherForcing };
  if (preset) {
    request.preset = preset.id;
  } else {
    const { cell, activation } = splitCell(state.cell);
    Object.assign(request, {
      topology: state.topology, task: task.id, cell, activation,
      hidden_size: state.hiddenSize, recurrent_scale: state.recurrentScale,
    });
  }
  const inputs = state.inputs === null ? null : parseInputs(state.inputs, task);
  if (inputs) request.inputs = inputs;
  else if (state.length !== null) request.length = state.length;
  return request;
}

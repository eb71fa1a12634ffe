// The API client: the only module that speaks HTTP, and knows the server's URLs and its error
// shapes. Requests are built elsewhere (requests.js); this sends them and reads the answers.

import { ACCEPT_PACKED, decodeTrace, isPacked } from "./wire-format.js";

const TRACE_TIMEOUT_MS = 90_000;
const CATALOG_TIMEOUT_MS = 15_000;
const BUSY_RETRIES = 6;

/**
 * A refusal or a failure, with `kind`: invalid (4xx), busy (503), unreachable, timeout, server;
 * `field` the first field a refusal names, `fields` every one, `type` its first item's type
 * (e.g. "diverged").
 */
export class ApiError extends Error {
  constructor(kind, message, { status = null, field = null, fields = [], type = null } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.field = field;
    this.fields = fields;
    this.type = type;
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
  const type = Array.isArray(detail) ? detail[0]?.type ?? null : null;
  const fields = Array.isArray(detail) ? detail.map((item) => fieldName(item?.loc)) : [];
  return new ApiError(kind, message, { status: response.status, field, fields, type });
}

const PROGRESS_FROM_BYTES = 2_000_000; // smaller answers arrive too fast for a progress bar to help

/** The body's bytes, reporting the fraction received when the answer is large. */
async function readBytes(response, onProgress) {
  const total = Number(response.headers.get("content-length")) || 0;
  if (!onProgress || !response.body || total < PROGRESS_FROM_BYTES) return new Uint8Array(await response.arrayBuffer());
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
  return body;
}

/** The answer as the object its JSON gives, read by its Content-Type: the packed form
 * (docs/api.md, "The packed form of a trace") or JSON (a server or proxy that only speaks it). */
async function readAnswer(response, onProgress) {
  const bytes = await readBytes(response, onProgress);
  if (!isPacked(response.headers.get("content-type"))) return JSON.parse(new TextDecoder().decode(bytes));
  try {
    return decodeTrace(bytes);
  } catch (error) {
    throw new ApiError("server", `the server's packed answer could not be read: ${error.message}`);
  }
}

/**
 * One call to the API. A 503 is retried after its Retry-After (onRetry(attempt, ms) is told);
 * a server that does not answer within timeoutMs, or at all, is an ApiError. `body` is sent as
 * JSON, or as it is when it is FormData (multipart); `read(response)` reads a non-JSON answer;
 * `accept` asks for another form of the answer (the packed trace).
 */
async function call(path, { body = undefined, accept = null, signal, timeoutMs, onRetry, onProgress, read } = {}) {
  const form = body instanceof FormData;
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signals = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response;
    try {
      response = await fetch(path, {
        method: body === undefined ? "GET" : "POST",
        headers: { ...(body === undefined || form ? {} : { "Content-Type": "application/json" }), ...(accept ? { Accept: accept } : {}) },
        body: body === undefined || form ? body : JSON.stringify(body),
        signal: signals,
      });
      if (response.status === 503 && attempt <= BUSY_RETRIES) {
        const wait = 1000 * Math.min(8, Number(response.headers.get("retry-after")) || attempt);
        onRetry?.(attempt, wait);
        await sleep(wait, signal);
        continue;
      }
      if (!response.ok) throw await errorFrom(response);
      return await (read ? read(response) : readAnswer(response, onProgress));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ApiError("timeout", `the server did not answer within ${timeoutMs / 1000} s`);
      if (error instanceof SyntaxError) throw new ApiError("server", "the server's answer was not valid JSON");
      throw new ApiError("unreachable", "the Unroll server cannot be reached: is `unroll serve` still running?");
    }
  }
}

/** The catalog's four answers: topologies, tasks, presets and limits (catalog.js reads them). */
export async function fetchCatalog(options) {
  const get = (path) => call(path, { timeoutMs: CATALOG_TIMEOUT_MS, ...options });
  const [topologies, tasks, presets, limits] = await Promise.all(
    ["/api/topologies", "/api/tasks", "/api/presets", "/api/limits"].map(get));
  return { topologies, tasks, presets, limits };
}

/** The shipped lessons, [{id, title}], and one of them (static/lessons/). */
export function fetchLessons(options) {
  return call("/static/lessons/index.json", { timeoutMs: CATALOG_TIMEOUT_MS, ...options });
}

export function fetchLesson(id, options) {
  if (!/^[a-z0-9-]{1,64}$/.test(id)) return Promise.reject(new ApiError("invalid", `no shipped lesson is named "${id.slice(0, 64)}"`));
  return call(`/static/lessons/${id}.json`, { timeoutMs: CATALOG_TIMEOUT_MS, ...options }).catch((error) => {
    throw error.status === 404 ? new ApiError("invalid", `no shipped lesson is named "${id}"`, { status: 404 }) : error;
  });
}

/**
 * POST /api/trace, asked for in the packed form and without the parts named in `omit` (of
 * "params", "grads"; `param_shapes` then stands for the params). An older server that refuses
 * `omit` is asked once more without it; one that only speaks JSON answers JSON.
 */
export async function fetchTrace(request, { omit = [], ...options } = {}) {
  const post = (body) => call("/api/trace", { body, accept: ACCEPT_PACKED, timeoutMs: TRACE_TIMEOUT_MS, ...options });
  if (!omit.length) return post(request);
  try {
    return await post({ ...request, omit });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 422 && error.fields.includes("omit"))) throw error;
    return post(request);
  }
}

/** POST /api/trace as JSON, the whole answer (params and grads too): its bytes exactly as the API
 * sent them, a Blob (the page's own trace is packed and omits what it does not draw; `request`
 * is a trace request as requests.js builds it, without `omit`). */
export function fetchTraceJson(request, options) {
  return call("/api/trace", { body: request, timeoutMs: TRACE_TIMEOUT_MS, ...options,
    read: async (response) => new Blob([await response.arrayBuffer()], { type: "application/json" }) });
}

/**
 * POST /api/import: a model file (safetensors or .npz) as multipart/form-data, field `file`, and
 * an nn.RNN's `activation`. The answer: {cell, activation, input_size, hidden_size, output_size,
 * params, file}; a refusal is an ApiError naming `file` (its message starts with the file's key).
 */
export function importModel(file, activation, options) {
  const form = new FormData();
  form.append("file", file, file.name);
  if (activation) form.append("activation", activation);
  return call("/api/import", { body: form, timeoutMs: TRACE_TIMEOUT_MS, ...options });
}

/** The file name a Content-Disposition header gives, or null. */
function attachmentName(header) {
  return /filename="([^"]+)"/.exec(header ?? "")?.[1] ?? null;
}

/** POST /api/export/pytorch with a trace request: {script, name}, the script and its file name. */
export function exportPytorch(request, options) {
  return call("/api/export/pytorch", {
    body: request, timeoutMs: TRACE_TIMEOUT_MS, ...options,
    read: async (response) => ({ script: await response.text(), name: attachmentName(response.headers.get("content-disposition")) }),
  });
}

/** POST /api/step: one timestep (generation feeds each output back through it). */
export function fetchStep(request, options) {
  return call("/api/step", { body: request, timeoutMs: TRACE_TIMEOUT_MS, ...options });
}

/** POST /api/explain: one step opened up (`"chain": false` leaves the chain out, and is quick). */
export function fetchExplain(request, options) {
  return call("/api/explain", { body: request, timeoutMs: TRACE_TIMEOUT_MS, ...options });
}

/**
 * POST /api/train: a newline-delimited JSON stream. onLine(object) hears each line as it comes;
 * the promise ends with the stream (or an ApiError, as for any call). Aborting `signal` closes
 * the connection, which stops the training on the server.
 */
export async function streamTraining(request, { signal, onLine }) {
  let response;
  try {
    response = await fetch("/api/train", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request), signal,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ApiError("unreachable", "the Unroll server cannot be reached: is `unroll serve` still running?");
  }
  if (!response.ok) throw await errorFrom(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new ApiError("unreachable", "the connection to the server was lost during the training");
    }
    if (chunk.done) break;
    pending += chunk.value;
    const lines = pending.split("\n");
    pending = lines.pop();
    for (const line of lines) if (line.trim()) onLine(JSON.parse(line));
  }
  if (pending.trim()) onLine(JSON.parse(pending));
}

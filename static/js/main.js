// The page's controller: view state in, trace from the API, everything drawn from the two.

import { ApiError, fetchCatalog, fetchTrace, presetFor, traceRequest } from "./api.js";
import { createCharts } from "./charts.js";
import { createControls, paramCount, topologyName } from "./controls.js";
import { count, short } from "./format.js";
import { createInspector } from "./inspector.js";
import { bindKeys } from "./keys.js";
import { renderLegend } from "./legend.js";
import { createNotices } from "./notices.js";
import { createPlayer } from "./player.js";
import { gradientRange, limitsOf } from "./scales.js";
import { createStage, describeValue } from "./stage.js";
import { parseState, serializeState, TOPOLOGIES } from "./state.js";
import { createTimeline } from "./timeline.js";
import { attachTooltip } from "./tooltip.js";

const $ = (id) => document.getElementById(id);
/** The state fields that change the trace (the others only change the view). */
const TRACE_FIELDS = new Set(["topology", "cell", "trained", "hiddenSize", "length", "seed", "recurrentScale", "teacherForcing", "inputs"]);
const CELL_NAMES = { "rnn-tanh": "RNN (tanh)", "rnn-relu": "RNN (ReLU)", lstm: "LSTM", gru: "GRU" };
const URL_EVERY_MS = 250;

const state = parseState(location.search);
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");
let catalog = null;
let controls = null;
let trace = null;
let limits = null; // limitsOf(trace), once per trace: it reads every value
let inFlight = null;
let urlTimer = null;
let layoutWindow = { start: 0, end: 1, windowed: false };

const notices = createNotices({ onRetry: () => (catalog ? load() : start()) });
const inspector = createInspector($("step-details"));
const stage = createStage($("stage"), {
  onSeek: (t) => player.seek({ phase: state.phase, t }),
  onHighlight: showWeight,
});
const player = createPlayer({ onChange: onPlayhead });
const timeline = createTimeline($("timeline"), { onSeek: (p) => player.seek(p) });
const charts = createCharts({
  heatmap: $("heatmap"), heatmapOverlay: $("heatmap-overlay"), norms: $("dh-chart"), normsOverlay: $("dh-overlay"),
  onSeek: (t) => player.seek({ phase: state.phase, t }),
});
attachTooltip($("stage"), $("tooltip"), describeValue);

function writeUrl() {
  clearTimeout(urlTimer);
  urlTimer = null;
  history.replaceState(null, "", `${location.pathname}${serializeState(state)}`);
}

function writeUrlSoon() {
  if (urlTimer === null) urlTimer = setTimeout(writeUrl, URL_EVERY_MS);
}

function renderView() {
  if (!trace) return;
  const playhead = player.playhead;
  const box = $("stage").getBoundingClientRect();
  const layout = stage.render(trace, playhead, {
    width: Math.floor(box.width), height: Math.floor(box.height), animate: !reducedMotion.matches && player.playing,
  });
  layoutWindow = layout.window;
  timeline.show(trace.steps.length, playhead, layoutWindow);
  charts.follow(playhead);
  inspector.render(trace, playhead, limits);
  const T = trace.steps.length;
  const shown = layoutWindow.windowed ? ` (t = ${layoutWindow.start}–${layoutWindow.end - 1} shown)` : "";
  const title = `${topologyName(catalog.topologies.find((t) => t.id === trace.topology))} · ${CELL_NAMES[state.cell]} · H = ${trace.hidden_size} · T = ${T}${shown}`;
  $("stage-title").textContent = title;
  $("stage-title").title = title;
  const trained = state.trained && presetFor(catalog, trace.task, state.cell) ? "trained weights · " : "";
  const outputs = trace.steps.filter((s) => s.loss !== null).length;
  const shared = T === 1 ? "used once (T = 1)" : `shared by all ${T} steps`;
  $("stage-summary").textContent = `${trained}${count(paramCount(trace.params))} parameters, ${shared} · loss L = ${short(trace.loss, 4)} (mean of ${outputs} output${outputs === 1 ? "" : "s"})`;
  $("playhead-text").textContent = `${playhead.phase} · t = ${playhead.t} / ${T - 1}`;
  if (!$("stage-hint").dataset.weight) {
    $("stage-hint").textContent = defaultHint();
    $("stage-hint").title = defaultHint();
  }
}

function defaultHint() {
  const fed = trace.topology === "one_to_many" || trace.topology === "seq2seq";
  const feedback = fed ? (trace.teacher_forcing ? " Dashed: the target fed back (teacher forcing)."
    : " Dashed: each output fed back as the next input.") : "";
  const values = trace.kind === "regression" ? " ● ŷ, ◇ target." : "";
  return `Hover a weight label (W_ih, W_hh, W_hy) to light every copy.${values}${feedback}`;
}

/** The stage hint while a weight is lit: its shape, and how many steps share it. */
function showWeight(key) {
  const hint = $("stage-hint");
  if (!key || !trace) {
    delete hint.dataset.weight;
    hint.textContent = trace ? defaultHint() : "";
    return;
  }
  const [block, name] = key.includes(".") ? key.split(".") : [null, key];
  const matrix = block ? trace.params[block][name] : trace.params[name];
  const users = trace.steps.filter((s) => (name === "W_hy" ? s.y !== null : !block || s.role === block)).length;
  hint.dataset.weight = key;
  hint.textContent = `${block ? `${block} ` : ""}${name}: one ${matrix.length}×${matrix[0].length} matrix (${matrix.length * matrix[0].length} numbers), shared by all ${users} steps that use it.`;
}

function onPlayhead(playhead, { playing }) {
  state.phase = playhead.phase;
  state.t = playhead.t;
  const play = $("btn-play");
  play.dataset.playing = String(playing);
  play.setAttribute("aria-label", playing ? "Pause" : "Play");
  renderView();
  if (playing) writeUrlSoon();
  else {
    writeUrl();
    announce(playhead);
  }
}

/** One short sentence for screen readers when the playhead stops somewhere. */
function announce(playhead) {
  if (!trace) return;
  const step = trace.steps[playhead.t];
  const input = step.x_label ?? step.x.map((v) => short(v)).join(", ");
  const gradient = playhead.phase === "backward" ? `, ‖dL/dh‖ ${short(step.dh_norm)}` : "";
  $("announce").textContent = `${playhead.phase} pass, step ${playhead.t} of ${trace.steps.length - 1}: input ${input}${gradient}.`;
}

/** Draw a new trace; marks "unroll:drawn" once the stage and both charts show it. */
async function setTrace(next) {
  trace = next;
  limits = limitsOf(trace);
  player.load(trace.steps.length, { phase: state.phase, t: state.t });
  Object.assign(state, player.playhead);
  renderLegend($("legend"), { valueLimit: limits.h, largest: limits.largestH, gradient: gradientRange(trace) });
  controls.reflect(state, trace);
  const charted = charts.update(trace);
  renderView();
  writeUrl();
  await charted;
  performance.mark("unroll:drawn");
}

function describeFailure(error) {
  if (error instanceof ApiError) {
    if (error.kind === "unreachable" || error.kind === "timeout") {
      const sentence = `${error.message[0].toUpperCase()}${error.message.slice(1)}`;
      return /[.?!]$/.test(sentence) ? sentence : `${sentence}.`;
    }
    if (error.kind === "busy") return "The server is still busy after several tries; try again in a moment.";
    return `The server could not draw this: ${error.message}`;
  }
  return `Something went wrong: ${error}`;
}

async function load() {
  inFlight?.abort();
  const mine = new AbortController();
  inFlight = mine;
  const slow = setTimeout(() => notices.show("info", "Computing the trace…"), 300);
  try {
    const next = await fetchTrace(traceRequest(state, catalog), {
      signal: mine.signal,
      onRetry: (attempt, ms) => {
        clearTimeout(slow);
        notices.show("busy", `The server is busy; trying again in ${ms / 1000} s (attempt ${attempt})…`);
      },
      onProgress: (f) => { if (f < 1) notices.show("info", `Receiving the trace… ${Math.round(100 * f)} %`, { fraction: f }); },
    });
    if (inFlight !== mine) return;
    notices.clear();
    controls.showInputError("");
    await setTrace(next);
  } catch (error) {
    if (mine.signal.aborted) return;
    const inputField = error.kind === "invalid" && state.inputs !== null
      && /^(inputs|targets|length)/.test(error.field ?? "");
    if (inputField) {
      notices.clear();
      controls.showInputError(error.message);
    } else {
      notices.show("error", describeFailure(error), { canRetry: error.kind !== "invalid" });
    }
    if (!trace) $("stage").dataset.empty = "true";
  } finally {
    clearTimeout(slow);
  }
}

function applyPatch(patch) {
  const retrace = Object.keys(patch).some((k) => TRACE_FIELDS.has(k) && patch[k] !== state[k]);
  Object.assign(state, patch);
  if ("speed" in patch) player.setSpeed(state.speed);
  if ("presenting" in patch) document.body.classList.toggle("presenting", state.presenting);
  if ("t" in patch || "phase" in patch) player.seek({ phase: state.phase, t: state.t });
  controls.reflect(state, trace);
  writeUrl();
  if (retrace) load();
}

function togglePresenting() {
  applyPatch({ presenting: !state.presenting });
  $("present-button").setAttribute("aria-pressed", String(state.presenting));
  const full = document.fullscreenElement;
  if (state.presenting && !full) document.documentElement.requestFullscreen?.().catch(() => {});
  if (!state.presenting && full) document.exitFullscreen?.().catch(() => {});
}

function bindPlayer() {
  $("btn-home").addEventListener("click", () => player.home());
  $("btn-back").addEventListener("click", () => player.stepBy(-1));
  $("btn-play").addEventListener("click", () => player.toggle());
  $("btn-forward").addEventListener("click", () => player.stepBy(1));
  $("btn-end").addEventListener("click", () => player.end());
  $("btn-backward").addEventListener("click", () => player.backward());
  $("help-button").addEventListener("click", () => $("shortcuts").showModal());
  $("present-button").addEventListener("click", togglePresenting);
  const intro = $("intro-toggle");
  const setIntro = (open) => {
    $("intro-body").hidden = !open;
    intro.textContent = open ? "hide" : "show";
    intro.setAttribute("aria-expanded", String(open));
    localStorage.setItem("unroll.intro", open ? "open" : "closed");
  };
  intro.addEventListener("click", () => setIntro($("intro-body").hidden));
  if (localStorage.getItem("unroll.intro") === "closed") setIntro(false);
  bindKeys({
    toggle: () => player.toggle(),
    step: (d) => player.stepBy(d),
    home: () => player.home(),
    end: () => player.end(),
    backward: () => player.backward(),
    topology: (k) => applyPatch({ topology: TOPOLOGIES[k], inputs: null, length: null, t: 0, phase: "forward" }),
    present: togglePresenting,
    help: () => $("shortcuts").showModal(),
  });
  let frame = null;
  new ResizeObserver(() => {
    if (frame === null) frame = requestAnimationFrame(() => { frame = null; renderView(); charts.resize(); });
  }).observe($("stage"));
}

async function start() {
  notices.show("info", "Connecting to the Unroll server…");
  try {
    catalog = await fetchCatalog();
  } catch (error) {
    notices.show("error", describeFailure(error), { canRetry: true });
    return;
  }
  controls = createControls({ catalog, onChange: applyPatch });
  player.setSpeed(state.speed);
  document.body.classList.toggle("presenting", state.presenting);
  $("present-button").setAttribute("aria-pressed", String(state.presenting));
  bindPlayer();
  controls.reflect(state, null);
  await load();
}

start();

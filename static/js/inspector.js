// The inspector view: the playhead's step opened up (docs/page.md, "The inspector"). Its
// equations, one line per term, typeset in MathML with the numbers of /api/explain (the store's
// `explanation`, which explain-loader.js fills); forward or backward as the playhead's phase.
// Hovering or focusing a number lights the unit it belongs to on the stage (onLight).

import { el, placeChildren } from "./dom.js";
import { explanationAt, formulaPieces, sections, shrinkWords, unitOf, valueOf } from "./equations.js";
import { fixed, short, visible } from "./format.js";
import { MANY_CLASSES } from "./layout.js";
import { mathLine } from "./mathml.js";
import { topClasses } from "./scene.js";

const SHOWN = 4; // a vector's entries shown until "all" is asked for
const LISTED = 8; // classes listed by name past MANY_CLASSES, the most probable first
const SLOW_ANSWER_MS = 250; // until then a step's answer on its way leaves the last step's lines, faded
const SLOT = /\$(\w+)/g; // a number of the answer in a line of equations.js
const NAV_KEYS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** The tooltip of a number of the inspector: its name (and unit) and the API's number exactly. */
export function describeNumber(node) {
  const d = node.dataset;
  if (d.name) return `${d.name}${d.unit === undefined ? "" : `[${d.unit}]`}: ${d.value}`;
  return d.label ? `${d.label}: ${d.value}` : null;
}

/** What a step's answer will hold, from the trace alone, to lay the lines out before it comes. */
function skeleton(scene, step) {
  return {
    cell: scene.trace.cell,
    forward: { y: step.y, target: step.target },
    backward: step.dh === null ? null : {},
  };
}

function header(scene, step) {
  const where = step.role === "step" ? "" : ` · ${step.role}`;
  const input = step.x_label !== null ? visible(step.x_label) : step.x.map((v) => scene.valueText(v)).join(", ");
  return el("h2", { class: "inspector-title", tabindex: -1, text: `Step t = ${step.t}${where} · input “${input}”` });
}

/**
 * p by class name (every class, or past MANY_CLASSES the most probable and the target), so a
 * student reads which word or character the step bets on; the exact number on hover.
 */
function classList(scene, step) {
  const best = scene.best[step.t];
  const many = step.p.length > MANY_CLASSES;
  const listed = many ? [...new Set([...topClasses(step.p, LISTED), ...(step.target === null ? [] : [step.target])])] : [...step.p.keys()];
  const items = listed.map((k) => el("li", {
    class: [k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim() || null,
    title: String(step.p[k]),
    text: `${visible(scene.trace.output_vocab?.[k]) ?? k}: ${fixed(step.p[k], 3)}${k === step.target ? "  ← target" : ""}`,
  }));
  if (many) items.push(el("li", { class: "more", text: `… the other ${step.p.length - items.length} of ${step.p.length} are smaller` }));
  return el("section", { class: "terms-block" }, [
    el("h3", { text: many ? "p by class, the largest" : "p by class" }), el("ul", { class: "probabilities" }, items)]);
}

function statusText(explanation, playing, t) {
  if (!explanation || explanation.status === "waiting") {
    return playing ? "Playing: the numbers appear when the playhead rests (Space pauses)." : "Opening the step up…";
  }
  if (explanation.status === "failed") return `This step could not be opened up: ${explanation.error}`;
  return explanation.terms ? "" : `Opening step ${t} up…`;
}

/** What a line of equations.js shows, as a string: its formula and, of each number it names, what
 * mathml.js typesets (of a vector, its length and first `shown` entries). */
function lineKey(line, values, shown) {
  const shows = [...line.matchAll(SLOT)].map(([, name]) => {
    const value = values(name);
    // not here yet ("…") and the API's null ("none") kept apart as "undefined" and "null" (JSON writes both as null)
    if (value === undefined || value === null) return String(value);
    return Array.isArray(value) ? [value.length, ...value.slice(0, shown)] : value;
  });
  return JSON.stringify([shown, line, ...shows]);
}

/** Do two scenes draw the same lines (topology, cell, activation, sizes), whatever their numbers? */
function sameShape(a, b) {
  const [x, y] = [a.trace, b.trace];
  return a === b || (x.topology === y.topology && x.cell === y.cell && x.activation === y.activation && a.H === b.H
    && a.T === b.T && x.input_size === y.input_size && x.output_size === y.output_size);
}

/** root: the [data-inspector] element. onLight({what, t, unit} | null): a number is pointed at. */
export function createInspector(root, { onLight }) {
  let showAll = false;
  let last = null;

  const toggle = el("button", { type: "button", class: "small show-all", "aria-pressed": "false" });
  // One status line for the inspector's life: a screen reader speaks a live region's changes, not a
  // new one's first words (a refused step's reason among them).
  const statusLine = el("p", { class: "inspector-status", role: "status" });
  const tools = el("div", { class: "inspector-tools" }, [statusLine, toggle]);
  toggle.addEventListener("click", () => {
    showAll = !showAll;
    if (last) draw(last);
  });

  // The equations' block, its sections and their lines are kept from one drawing to the next: a
  // line is typeset again only when its formula or one of its numbers changes (`lineNodes`: the
  // last drawing's lines by what they show). Playing, most lines are the same "…" from step to
  // step, and a line left in place is not styled and laid out again.
  const terms = el("div", { class: "terms", role: "group" });
  const blocks = [];
  let lineNodes = new Map();

  /** `terms` made the lines of `answer` in `phase`, typesetting only the lines not drawn already. */
  function lines(answer, phase, scene, step, shown) {
    const values = (name) => valueOf(answer, name);
    const list = sections(answer, phase, {
      activation: scene.trace.activation, kind: scene.kind, xLabel: step.x_label,
      targetLabel: step.target_label ?? (typeof step.target === "number" ? scene.trace.output_vocab?.[step.target] ?? null : null),
    });
    const kept = new Map();
    list.forEach((section, k) => {
      blocks[k] ??= el("section", { class: "terms-block" }, [el("h3")]);
      const title = blocks[k].firstChild;
      if (title.textContent !== section.title) title.textContent = section.title;
      placeChildren(blocks[k], [title, ...section.lines.map((line) => {
        const key = lineKey(line, values, shown);
        const node = lineNodes.get(key) ?? el("div", { class: "term" }, mathLine(formulaPieces(line), { valueOf: values, shown }));
        lineNodes.delete(key); // a line shown twice is typeset twice
        kept.set(key, node);
        return node;
      })]);
    });
    blocks.length = list.length;
    lineNodes = kept;
    placeChildren(terms, blocks);
  }

  function draw({ scene, playhead, state }) {
    // before anything moves: a focused number whose line is typeset again leaves the page
    const focused = root.contains(document.activeElement) ? document.activeElement : null;
    const step = scene.trace.steps[playhead.t];
    const explanation = explanationAt(state, scene, playhead.t);
    const answer = explanation?.terms ?? skeleton(scene, step);
    const shown = showAll ? Infinity : SHOWN;
    root.dataset.t = playhead.t;
    root.dataset.phase = playhead.phase;
    toggle.hidden = scene.H <= SHOWN && (scene.trace.input_vocab || step.x.length <= SHOWN);
    const units = showAll ? `show the first ${SHOWN} units` : `show all ${scene.H} units`;
    if (toggle.textContent !== units) toggle.textContent = units;
    toggle.setAttribute("aria-pressed", String(showAll));
    const status = statusText(explanation, state.playing, playhead.t);
    if (statusLine.textContent !== status) statusLine.textContent = status;
    const nodes = [header(scene, step), tools];
    if (playhead.phase === "backward" && answer.backward === null) {
      nodes.push(el("p", { class: "hint", text: "This trace has no loss (no output has a target): no gradient flows back." }));
    } else {
      lines(answer, playhead.phase, scene, step, shown);
      terms.setAttribute("aria-label",
        `${playhead.phase === "forward" ? "Forward" : "Backward"} equations of step ${playhead.t}; arrow keys move between the numbers`);
      const first = terms.querySelector("[data-value]"); // the one number the Tab key reaches
      for (const node of terms.querySelectorAll('[data-value][tabindex="0"]')) if (node !== first) node.setAttribute("tabindex", "-1");
      if (first) first.setAttribute("tabindex", "0");
      nodes.push(terms);
      if (playhead.phase === "forward" && step.p) nodes.push(classList(scene, step));
      if (playhead.phase === "forward" && scene.trace.normalisation) {
        nodes.push(el("p", { class: "hint", text: "These are the network's own numbers: your series normalised, (v − mean) / std. The stage shows your units." }));
      }
      if (playhead.phase === "backward" && explanation?.terms) {
        nodes.push(el("p", { class: "shrink-words", text: shrinkWords(answer.backward.shrink, answer.cell) }));
      }
      if (playhead.phase === "backward" && step.grad_contrib) {
        const shares = Object.entries(step.grad_contrib).map(([name, v]) => `${name} ${short(v, 2)}`).join(" · ");
        nodes.push(el("p", { class: "hint", text: `This step's term in each shared weight's gradient (its norm): ${shares}.` }));
      } else if (playhead.phase === "forward" && scene.forwardOnly) {
        nodes.push(el("p", {
          class: "hint forward-only", "data-forward-only": "",
          text: "No loss: forward only. No output has a target, so there is no loss and no gradient to send back (give targets to get them).",
        }));
      } else if (playhead.phase === "forward") {
        nodes.push(el("p", { class: "hint", text: "Press B to send the gradient back through time." }));
      }
    }
    root.classList.remove("pending");
    placeChildren(root, nodes);
    refocus(focused);
    // A number pointed at that stayed in place hears no new pointerover or focusin: its unit is
    // another step's now, lit again here.
    const pointed = root.querySelector(".terms [data-name]:focus, .terms [data-name]:hover");
    if (pointed) light(pointed);
    if (explanation?.terms) performance.mark("unroll:inspected");
  }

  /** After a redraw, the focus goes back where it was: the title, the button, or the same number. */
  function refocus(focused) {
    if (focused === toggle) toggle.focus();
    if (focused?.classList.contains("inspector-title")) root.querySelector(".inspector-title").focus();
    if (!focused?.dataset?.name) return;
    const { name, unit } = focused.dataset;
    const again = [...root.querySelectorAll(".terms [data-value]")].find((n) => n.dataset.name === name && n.dataset.unit === unit);
    if (!again) return;
    root.querySelector('.terms [tabindex="0"]')?.setAttribute("tabindex", "-1");
    again.setAttribute("tabindex", "0");
    again.focus();
  }

  let drawnKey = null; // what the inspector shows; a change that keeps it (the chain came) draws nothing
  let slowAnswer = null; // the timer that draws a step's empty lines when its answer is slow
  function update(frame) {
    const { scene, playhead, state, changed } = frame;
    if (!scene || !["scene", "t", "phase", "explanation", "playing"].some((k) => changed.has(k))) return;
    const before = last;
    last = frame;
    const explanation = explanationAt(state, scene, playhead.t);
    const key = [scene, playhead.t, playhead.phase, explanation?.terms, explanation?.status === "failed" ? explanation.error : null,
      explanation?.terms ? null : statusText(explanation, state.playing, playhead.t)];
    if (drawnKey && key.every((k, i) => Object.is(k, drawnKey[i]))) return;
    // Paused on another step, or on a new trace of the same network's shape (a new seed), whose
    // answer is on its way: the lines drawn stay, greyed, until it comes (typesetting the empty
    // lines first cost a click half its time, and a new seed's redraw a tenth).
    const coming = !state.playing && !explanation?.terms && explanation?.status !== "failed";
    clearTimeout(slowAnswer);
    if (coming && before && sameShape(before.scene, scene) && root.querySelector(".terms [data-value]")) {
      root.classList.add("pending");
      // A slow answer: the step's own (empty) lines and its status after all.
      slowAnswer = setTimeout(() => { if (last === frame) { drawnKey = key; draw(frame); } }, SLOW_ANSWER_MS);
      return;
    }
    drawnKey = key;
    draw(frame);
  }

  // Pointing at a number lights its unit on the stage; the arrow keys walk the numbers.
  const numberOf = (e) => e.target.closest?.("[data-name]");
  const light = (node) => {
    if (!node || !last) return onLight(null);
    const unit = node.dataset.unit === undefined ? null : Number(node.dataset.unit);
    return onLight(unit === null ? null : unitOf(node.dataset.name, unit, last.playhead.t, last.scene.kind));
  };
  root.addEventListener("pointerover", (e) => light(numberOf(e)));
  root.addEventListener("pointerleave", () => onLight(null));
  root.addEventListener("focusin", (e) => light(numberOf(e)));
  root.addEventListener("focusout", () => onLight(null));
  root.addEventListener("keydown", (e) => {
    const current = numberOf(e);
    if (!current || !(e.key in NAV_KEYS || e.key === "Home" || e.key === "End")) return;
    const all = [...root.querySelectorAll(".terms [data-value]")];
    const i = all.indexOf(current);
    const next = e.key === "Home" ? 0 : e.key === "End" ? all.length - 1 : Math.min(all.length - 1, Math.max(0, i + NAV_KEYS[e.key]));
    e.preventDefault();
    current.setAttribute("tabindex", "-1");
    all[next].setAttribute("tabindex", "0");
    all[next].focus();
  });

  /** A step clicked on the stage: where the inspector's panel scrolls (beside the stage, below
   * the introduction) and the step's top is out of its sight, the panel brings it to the top. The
   * page itself is not scrolled (on a phone the panel is part of the page, below the stage). */
  function reveal() {
    requestAnimationFrame(() => { // laid out for the frame anyway: reading it forces nothing more
      const panel = root.parentElement;
      if (panel.scrollHeight <= panel.clientHeight) return;
      const top = root.getBoundingClientRect().top - panel.getBoundingClientRect().top;
      if (top < 0 || top > panel.clientHeight / 2) panel.scrollTop += top;
    });
  }

  return { update, resize() {}, reveal, focus: () => root.querySelector(".inspector-title")?.focus() };
}

// The stage: the unrolled network, drawn from (trace, playhead, view). A step's column is built
// once for the window and kept while only the playhead moves; links and the backward pass's
// gradients are redrawn on every move (a few dozen elements).

import { replaceChildren, svg } from "./dom.js";
import { short } from "./format.js";
import { blocks, inputSource, stageLayout } from "./layout.js";
import { gradientColor, gradientRange, limitsOf } from "./scales.js";
import { arrow, chipWidth, drawColumn, outputBox, sub, valueY, weightLabel } from "./stage-column.js";

const GUTTER_LABELS = ["outputs y", "hidden h", "inputs x", "◀ 999 earlier", "◇ target"];

/** The width of a text in the stage's font (read from CSS, so presenter mode's larger type counts).
 * `refresh()` reads the font again; the stage calls it when the trace or the view changes. */
function textMeasurer(node) {
  const context = document.createElement("canvas").getContext("2d");
  const cache = new Map();
  const measure = (text) => {
    let width = cache.get(text);
    if (width === undefined) {
      width = context.measureText(text).width;
      cache.set(text, width);
    }
    return width;
  };
  measure.refresh = () => {
    const style = getComputedStyle(node);
    context.font = `${style.fontSize} ${style.fontFamily}`;
    cache.clear();
  };
  return measure;
}

/** Per-trace constants: colour limits, the gradient range, the widths that text needs. */
function prepare(trace, textWidth) {
  const tokens = [...(trace.input_vocab ?? []), ...(trace.output_vocab ?? []), "<start>"];
  const numbers = trace.kind === "regression" || !trace.input_vocab ? ["−0.00"] : [];
  const classNames = trace.output_vocab ?? [];
  return {
    limits: limitsOf(trace),
    gradient: gradientRange(trace),
    minColumn: Math.max(...[...tokens, ...numbers].map(textWidth)) + 22,
    gutter: Math.max(...[...GUTTER_LABELS, ...classNames].map(textWidth)) + 16,
  };
}

export function createStage(root, { onSeek, onHighlight }) {
  const svgRoot = svg("svg", { class: "stage-svg", role: "group", "aria-label": "The unrolled network" });
  const textWidth = textMeasurer(svgRoot);
  const defs = svg("defs", {}, [
    svg("marker", {
      id: "arrowhead", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: "auto-start-reverse", markerUnits: "userSpaceOnUse",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" })]),
    svg("marker", {
      id: "gradhead", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 4, markerHeight: 4, orient: "auto",
    }, [svg("path", { d: "M0,0 L10,5 L0,10 z", class: "gradhead" })]),
  ]);
  const layers = Object.fromEntries(["back", "links", "columns", "backward", "front"].map((name) => [name, svg("g", { class: `layer-${name}` })]));
  svgRoot.append(defs, ...Object.values(layers));
  root.replaceChildren(svgRoot);

  let current = { trace: null, width: 0, height: 0, prepared: null };
  let columns = new Map(); // "t:revealed:focusable" -> the column's <g>
  let lastPlayhead = null;

  function keyOf(role) {
    return (name) => (role === "step" || name === "W_hy" ? name : `${role}.${name}`);
  }

  function chipContext(trace, layout) {
    return { layout, trace, limits: current.prepared.limits, textWidth };
  }

  function columnFor(trace, layout, step, index, revealed, focusable) {
    const id = `${step.t}:${revealed}:${focusable}`;
    let node = columns.get(id);
    if (!node) {
      const ctx = {
        ...chipContext(trace, layout), source: inputSource(trace.topology, step, index), key: keyOf(step.role),
      };
      node = drawColumn(ctx, step, revealed, focusable);
      columns.set(id, node);
    }
    return node;
  }

  /** A regression's ŷ and targets joined across the drawn steps, so a generated wave is seen. */
  function waveLines(trace, layout, revealedUpTo) {
    const box = outputBox(layout);
    const limit = current.prepared.limits.y;
    const points = (pick) => layout.columns
      .filter((c) => trace.steps[c.t].y !== null && c.t <= revealedUpTo)
      .map((c) => `${c.x},${valueY(box, pick(trace.steps[c.t]), limit)}`).join(" ");
    return [
      svg("polyline", { class: "wave-target", points: points((s) => s.target[0]) }),
      svg("polyline", { class: "wave-prediction", points: points((s) => s.y[0]) }),
    ];
  }

  function drawBack(trace, layout, playhead) {
    const nodes = [];
    const titles = []; // over the playhead's highlight
    if (trace.topology === "seq2seq") {
      for (const block of blocks(layout)) {
        nodes.push(svg("rect", { class: `block block-${block.role}`, x: block.x0 - 4, y: 4, width: block.x1 - block.x0 + 8, height: layout.height - 8, rx: 10 }));
        titles.push(svg("text", { class: "block-title", x: block.x0 + 4, y: 21, text: block.role === "encoder" ? "encoder" : "decoder" }));
      }
    }
    const focus = layout.columns.find((c) => c.t === playhead.t);
    if (focus) {
      nodes.push(svg("rect", {
        class: "focus", x: focus.x0 + 2, y: 8, width: focus.x1 - focus.x0 - 4, height: layout.height - 16, rx: 8,
      }));
    }
    const labels = [
      ["inputs x", layout.input.y + layout.input.height / 2 + 5, "row-input"],
      ["hidden h", layout.hidden.mid + 5, "row-hidden"],
    ];
    if (layout.output.height) labels.push(["outputs y", layout.output.y - 4 + (trace.kind === "regression" ? 16 : 0), "row-output"]);
    for (const [text, y, cls] of labels) nodes.push(svg("text", { class: `row-label ${cls}`, x: 8, y, text }));
    if (layout.output.height && trace.output_vocab) {
      const rowHeight = (layout.output.height - 8) / trace.output_vocab.length;
      trace.output_vocab.forEach((name, k) => nodes.push(svg("text", {
        class: "class-name", x: layout.gutter - 4, y: layout.output.y + 4 + rowHeight * (k + 0.5) + 4, "text-anchor": "end", text: name,
      })));
      nodes.push(svg("text", { class: "gutter-note", x: layout.gutter - 4, y: layout.output.verdictY, "text-anchor": "end", text: "▸ target" }));
    } else if (layout.output.height) {
      const box = outputBox(layout);
      const limit = current.prepared.limits.y;
      for (const v of [limit, 0, -limit]) {
        nodes.push(svg("text", { class: "class-name", x: layout.gutter - 4, y: valueY(box, v, limit) + 4, "text-anchor": "end", text: short(v, 2) }));
      }
    }
    replaceChildren(layers.back, [...nodes, ...titles]);
  }

  function drawLinks(trace, layout, playhead) {
    const { hidden, column } = layout;
    const w = hidden.stripWidth;
    const hasC = trace.cell === "lstm";
    const right = hasC ? w + 3 : w / 2 + 1;
    const left = hasC ? -w - 3 : -w / 2 - 1;
    const revealedUpTo = playhead.phase === "backward" ? Infinity : playhead.t;
    const nodes = [];
    const labels = []; // painted last, over any line that crosses them
    const first = layout.columns[0];
    if (first.t === 0) {
      nodes.push(arrow(first.x0 + 4, hidden.mid, first.x + left - 2, hidden.mid, { class: "link link-initial" }));
      labels.push(svg("text", { class: "initial-label", x: first.x0 + 6, y: hidden.mid - 6, text: "0" }, [
        svg("title", { text: "the initial state h (and c) is zero" })]));
    } else {
      nodes.push(arrow(layout.gutter, hidden.mid, first.x + left - 2, hidden.mid, { class: "link link-recurrent lit" }));
      labels.push(svg("text", { class: "window-note", x: 8, y: hidden.mid + 24, text: `◀ ${first.t} earlier` }));
    }
    const focusable = new Set();
    layout.columns.forEach((col, i) => {
      const step = trace.steps[col.t];
      const next = layout.columns[i + 1];
      if (!next) return;
      const nextStep = trace.steps[next.t];
      const lit = next.t <= revealedUpTo ? " lit" : "";
      if (step.role === "encoder" && nextStep.role === "decoder" && layout.context) {
        const { x0, x1 } = layout.context;
        nodes.push(arrow(col.x + right + 2, hidden.mid, next.x + left - 2, hidden.mid, { class: `link link-context${lit}` }));
        labels.push(
          svg("text", { class: "context-label", x: (x0 + x1) / 2, y: hidden.mid - 7 - layout.input.lineHeight * 0.9, "text-anchor": "middle", text: "context" }),
          svg("text", { class: "context-sub", x: (x0 + x1) / 2, y: hidden.mid - 7, "text-anchor": "middle", text: hasC ? "h and c" : "final h" }),
        );
      } else {
        const key = keyOf(nextStep.role)("W_hh");
        const x1 = col.x + right + 2;
        const x2 = next.x + left - 2;
        nodes.push(arrow(x1, hidden.mid, x2, hidden.mid, { class: `link link-recurrent${lit}`, "data-weight-key": key }));
        if (hasC) nodes.push(arrow(x1, hidden.y + 4, x2, hidden.y + 4, { class: `link link-cell${lit}` }));
        const fed = inputSource(trace.topology, nextStep, next.t) === "fed";
        // An LSTM's c runs along the strips' tops, so its W_hh label goes under the h arrow.
        const labelY = hasC ? hidden.mid + 15 : hidden.mid - 6;
        labels.push(weightLabel("W_hh", key, fed ? x1 + (x2 - x1) * 0.36 : (x1 + x2) / 2, labelY, "middle", !focusable.has(key)));
        focusable.add(key);
      }
      if (inputSource(trace.topology, nextStep, next.t) === "fed" && step.y !== null) {
        const xs = col.x + Math.min(column - 12, 120) / 2;
        const turn = col.x + right + 2 + (next.x + left - col.x - right - 4) * 0.78;
        const chipLeft = next.x - chipWidth(chipContext(trace, layout), nextStep, next.t <= revealedUpTo) / 2;
        const ys = layout.output.y + layout.output.height / 2;
        const ye = layout.input.y + layout.input.height / 2;
        nodes.push(svg("path", {
          class: `link link-feedback${next.t <= revealedUpTo ? " lit" : ""}`, "marker-end": "url(#arrowhead)",
          d: `M${xs},${ys} H${turn - 8} Q${turn},${ys} ${turn},${ys + 8} V${ye - 8} Q${turn},${ye} ${turn - 8},${ye} H${chipLeft - 2}`,
        }));
      }
    });
    const last = layout.columns[layout.columns.length - 1];
    if (last.t < trace.steps.length - 1) {
      nodes.push(arrow(last.x + right + 2, hidden.mid, layout.width - 4, hidden.mid, { class: "link link-recurrent" }));
      labels.push(svg("text", { class: "window-note", x: layout.width - 6, y: hidden.mid + 24, "text-anchor": "end", text: `${trace.steps.length - 1 - last.t} later ▶` }));
    }
    if (trace.kind === "regression") nodes.push(...waveLines(trace, layout, revealedUpTo));
    replaceChildren(layers.links, [...nodes, ...labels]);
  }

  function drawBackward(trace, layout, playhead, animate) {
    if (playhead.phase !== "backward") {
      layers.backward.replaceChildren();
      return;
    }
    const { hidden } = layout;
    const [lo, hi] = current.prepared.gradient;
    const u = (n) => (hi > lo && n > 0 ? (Math.log10(n) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : 1);
    const hasC = trace.cell === "lstm";
    const w = hidden.stripWidth;
    const nodes = [];
    layout.columns.forEach((col, i) => {
      if (col.t < playhead.t) return;
      const step = trace.steps[col.t];
      const colour = gradientColor(step.dh_norm, lo, hi);
      const stroke = 1.5 + 4.5 * u(step.dh_norm);
      nodes.push(
        svg("rect", {
          class: "gradient-frame", x: col.x + (hasC ? -w - 4 : -w / 2 - 3), y: hidden.y - 3,
          width: (hasC ? 2 * w + 8 : w + 6), height: hidden.height + 6, rx: 3, stroke: colour, "stroke-width": stroke,
        }),
        svg("text", {
          class: "dh-norm", x: col.x - 4, y: hidden.gradientY, "text-anchor": "end", fill: colour,
          "data-dh-norm": "", "data-t": step.t, "data-value": String(step.dh_norm),
          "data-label": `‖dL/dh${sub(step.t)}‖`, text: short(step.dh_norm, 2),
        }),
      );
      // The arrow back to step t − 1 carries dL/dh_t (this step's) back through W_hh; the next
      // strip's frame then shows what arrived there in total.
      const prev = layout.columns[i - 1];
      if (prev && prev.t >= playhead.t) {
        const entering = animate && prev.t === playhead.t ? " entering" : "";
        const y = hidden.mid + (hasC ? 24 : 12);
        nodes.push(arrow(col.x - (hasC ? w + 6 : w / 2 + 4), y, prev.x + (hasC ? w + 8 : w / 2 + 6), y, {
          class: `link-gradient${entering}`, stroke: colour, "stroke-width": stroke, "marker-end": "url(#gradhead)", pathLength: 1,
        }));
      }
      if (step.loss !== null) {
        const top = layout.output.lossY + 5; // the loss's own gradient enters here
        const bottom = layout.hidden.labelY - 14;
        nodes.push(arrow(col.x - 8, top, col.x - 8, bottom, {
          class: "link-gradient", stroke: colour, "stroke-width": 2, "marker-end": "url(#gradhead)",
        }));
      }
    });
    replaceChildren(layers.backward, nodes);
  }

  function render(trace, playhead, view) {
    if (trace !== current.trace || view.width !== current.width || view.height !== current.height) {
      textWidth.refresh();
      current = { trace, width: view.width, height: view.height, prepared: prepare(trace, textWidth) };
      columns = new Map();
      svgRoot.setAttribute("viewBox", `0 0 ${view.width} ${view.height}`);
      svgRoot.setAttribute("width", view.width);
      svgRoot.setAttribute("height", view.height);
      root.dataset.topology = trace.topology;
      root.dataset.cell = trace.cell;
      root.dataset.steps = trace.steps.length;
    }
    const layout = stageLayout({
      topology: trace.topology, steps: trace.steps, hiddenSize: trace.hidden_size, hasCellState: trace.cell === "lstm",
      kind: trace.kind, outputSize: trace.output_size, width: view.width, height: view.height,
      gutter: current.prepared.gutter, minColumn: current.prepared.minColumn, focus: playhead.t,
      fontSize: parseFloat(getComputedStyle(svgRoot).fontSize),
    });
    const wanted = new Set();
    const nodes = [];
    const seen = new Set();
    layout.columns.forEach((col) => {
      const step = trace.steps[col.t];
      const revealed = playhead.phase === "backward" || col.t <= playhead.t;
      const focusable = !seen.has(step.role);
      seen.add(step.role);
      const node = columnFor(trace, layout, step, col.t, revealed, focusable);
      wanted.add(`${col.t}:${revealed}:${focusable}`);
      node.setAttribute("transform", `translate(${col.x},0)`);
      const entering = view.animate && playhead.phase === "forward" && col.t === playhead.t
        && lastPlayhead && lastPlayhead.phase === "forward" && lastPlayhead.t === playhead.t - 1;
      node.classList.toggle("entering", Boolean(entering));
      nodes.push(node);
    });
    for (const id of columns.keys()) if (!wanted.has(id)) columns.delete(id);
    layers.columns.replaceChildren(...nodes);
    drawBack(trace, layout, playhead);
    drawLinks(trace, layout, playhead);
    drawBackward(trace, layout, playhead, view.animate);
    lastPlayhead = playhead;
    return layout;
  }

  // Hover and focus: a weight label lights up every copy of its weight; a value shows a tooltip.
  function light(key) {
    for (const node of svgRoot.querySelectorAll(".lit-weight")) node.classList.remove("lit-weight");
    if (key) for (const node of svgRoot.querySelectorAll(`[data-weight-key="${CSS.escape(key)}"]`)) node.classList.add("lit-weight");
    onHighlight(key);
  }
  svgRoot.addEventListener("pointerover", (e) => {
    const label = e.target.closest(".weight");
    if (label) light(label.dataset.weightKey);
  });
  svgRoot.addEventListener("pointerout", (e) => {
    if (e.target.closest(".weight")) light(null);
  });
  svgRoot.addEventListener("focusin", (e) => {
    const label = e.target.closest(".weight");
    if (label) light(label.dataset.weightKey);
  });
  svgRoot.addEventListener("focusout", (e) => {
    if (e.target.closest(".weight")) light(null);
  });
  svgRoot.addEventListener("keydown", (e) => {
    const label = e.target.closest(".weight");
    if (label && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); e.stopPropagation(); light(label.dataset.weightKey); }
  });
  svgRoot.addEventListener("click", (e) => {
    if (e.target.closest(".weight")) return;
    const column = e.target.closest("[data-step]");
    if (column) onSeek(Number(column.dataset.step));
  });

  return { render, element: svgRoot };
}

/** What a tooltip says about a drawn value: its name and the number exactly as the API sent it. */
export function describeValue(node) {
  const d = node.dataset;
  if ("h" in d) return `h${sub(d.t)} unit ${d.unit}: ${d.value}`;
  if ("c" in d) return `c${sub(d.t)} unit ${d.unit}: ${d.value}`;
  if (d.label) return `${d.label}: ${d.value}`;
  return null;
}

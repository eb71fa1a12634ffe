// The stage around its columns: the seq2seq blocks, the playhead's highlight and the row labels
// behind; the recurrent arrows h_{t−1} -> h_t, the context hand-over, the fed-back outputs and
// the window's "earlier / later" marks between them. Labels come back apart from lines, to be
// painted over the columns (where the pointer reaches them).

import { svg } from "./dom.js";
import { short } from "./format.js";
import { blocks, chipShape, classRow, inputSource, linkShape, spectrumShape, VALUE_DOTS, valueY } from "./layout.js";
import { classLabel } from "./scene.js";
import { arrow, chipLines, weightLabel } from "./stage-column.js";

/** The weight key a step's copy of `name` lights: W_hh, or encoder.W_hh for seq2seq. */
export function weightKey(role, name) {
  return role === "step" || name === "W_hy" ? name : `${role}.${name}`;
}

/** Behind the columns: the encoder and decoder blocks, the playhead's step, the row labels. */
export function drawBack({ layout, scene }, playhead) {
  const nodes = [];
  const titles = []; // over the playhead's highlight
  if (scene.decoderStart > 0) {
    for (const block of blocks(layout)) {
      nodes.push(svg("rect", { class: `block block-${block.role}`, x: block.x0 - 4, y: 4, width: block.x1 - block.x0 + 8, height: layout.height - 8, rx: 10 }));
      titles.push(svg("text", { class: "block-title", x: block.x0 + 4, y: 21, text: block.role }));
    }
  }
  const focus = layout.columns.find((c) => c.t === playhead.t);
  if (focus) {
    nodes.push(svg("rect", { class: "focus", x: focus.x0 + 2, y: 8, width: focus.x1 - focus.x0 - 4, height: layout.height - 16, rx: 8 }));
  }
  const labels = [
    ["inputs x", layout.input.y + layout.input.height / 2 + 5, "row-input"],
    ["hidden h", layout.hidden.mid + 5, "row-hidden"],
  ];
  if (layout.output.height) labels.push(["outputs y", layout.output.y - 4 + (scene.kind === "regression" ? 16 : 0), "row-output"]);
  for (const [text, y, cls] of labels) nodes.push(svg("text", { class: `row-label ${cls}`, x: 8, y, text }));
  const vocab = scene.trace.output_vocab;
  const { rows, spectrum } = layout.output;
  const gutterText = (text, y, cls = "class-name") => svg("text", { class: cls, x: layout.gutter - 4, y, "text-anchor": "end", text });
  if (layout.output.height && vocab && rows < vocab.length) { // many classes: the top few, then all of them
    const box = layout.shapes.outputBox;
    const first = classRow(box, 0, rows, 0, spectrum);
    const strip = spectrumShape(box, spectrum);
    nodes.push(gutterText(`top ${rows}`, first.y + first.height * 0.8), gutterText(`all ${vocab.length}`, strip.y + strip.height + 2),
      gutterText("▸ target", layout.output.verdictY, "gutter-note"));
  } else if (layout.output.height && vocab) {
    if (layout.output.named) { // their names, when the rows are tall enough for them
      const rowHeight = (layout.output.height - 8) / vocab.length;
      vocab.forEach((_, k) => nodes.push(gutterText(classLabel(scene.trace, k), layout.output.y + 4 + rowHeight * (k + 0.5) + 4)));
      nodes.push(gutterText("▸ target", layout.output.verdictY, "gutter-note"));
    }
  } else if (layout.output.height && scene.trace.output_size > VALUE_DOTS) { // two strips: ŷ and the target
    const box = layout.shapes.outputBox;
    nodes.push(gutterText(`${scene.trace.output_size} values`, box.y + 30), gutterText("ŷ | target", box.y + 46),
      gutterText(`±${short(scene.limits.y, 2)}`, box.y + 62));
  } else if (layout.output.height) { // a value axis, in the data's own units (a series: mean + std·y)
    const box = layout.shapes.outputBox;
    const limit = scene.limits.y;
    for (const v of [limit, 0, -limit]) nodes.push(gutterText(scene.valueText(v, 2), valueY(box, v, limit) + 4));
  }
  return [...nodes, ...titles];
}

/** A regression's ŷ and targets joined across the drawn steps, so a generated wave is seen. */
function waveLines({ layout, scene }, revealedUpTo) {
  const box = layout.shapes.outputBox;
  const limit = scene.limits.y;
  const steps = scene.trace.steps;
  const points = (pick) => layout.columns
    .filter((c) => steps[c.t].y !== null && c.t <= revealedUpTo && pick(steps[c.t]) !== null)
    .map((c) => `${c.x},${valueY(box, pick(steps[c.t]), limit)}`).join(" ");
  return [
    svg("polyline", { class: "wave-target", points: points((s) => s.target?.[0] ?? null) }),
    svg("polyline", { class: "wave-prediction", points: points((s) => s.y[0]) }),
  ];
}

/** Between the columns: {lines, labels}, lit up to the step the forward pass has reached. */
export function drawLinks(ctx, playhead) {
  const { layout, scene, textWidth } = ctx;
  const { hidden, shapes } = layout;
  const steps = scene.trace.steps;
  const revealedUpTo = playhead.phase === "backward" ? Infinity : playhead.t;
  const lines = [];
  const labels = [];
  const first = layout.columns[0];
  if (first.t === 0) {
    lines.push(arrow(first.x0 + 4, hidden.mid, first.x + shapes.edges.left - 2, hidden.mid, { class: "link link-initial" }));
    labels.push(svg("text", { class: "initial-label", x: first.x0 + 6, y: hidden.mid - 6, text: "0" }, [
      svg("title", { text: "the initial state h (and c) is zero" })]));
  } else {
    lines.push(arrow(layout.gutter, hidden.mid, first.x + shapes.edges.left - 2, hidden.mid, { class: "link link-recurrent lit" }));
    labels.push(svg("text", { class: "window-note", x: 8, y: hidden.mid + 5 + layout.input.lineHeight * 1.2, text: `◀ ${first.t} earlier` }));
  }
  const focusable = new Set();
  layout.columns.forEach((col, i) => {
    const next = layout.columns[i + 1];
    if (!next) return;
    const step = steps[col.t];
    const nextStep = steps[next.t];
    const lit = next.t <= revealedUpTo ? " lit" : "";
    const fed = inputSource(scene.feedsBack, nextStep, next.t) === "fed" && step.y !== null;
    const nextChipWidth = fed ? chipShape(layout, chipLines(nextStep, next.t <= revealedUpTo, scene.valueText), textWidth).width : 0;
    const link = linkShape(layout, col, next, { fed, nextChipWidth });
    if (step.role === "encoder" && nextStep.role === "decoder" && layout.context) {
      const mid = (layout.context.x0 + layout.context.x1) / 2;
      lines.push(arrow(link.x1, hidden.mid, link.x2, hidden.mid, { class: `link link-context${lit}` }));
      labels.push(
        svg("text", { class: "context-label", x: mid, y: hidden.mid - 7 - layout.input.lineHeight * 0.9, "text-anchor": "middle", text: "context" }),
        svg("text", { class: "context-sub", x: mid, y: hidden.mid - 7, "text-anchor": "middle", text: scene.hasC ? "h and c" : "final h" }),
      );
    } else {
      const key = weightKey(nextStep.role, "W_hh");
      lines.push(arrow(link.x1, hidden.mid, link.x2, hidden.mid, { class: `link link-recurrent${lit}`, "data-weight-key": key }));
      if (scene.hasC) lines.push(arrow(link.x1, shapes.cellLinkY, link.x2, shapes.cellLinkY, { class: `link link-cell${lit}` }));
      labels.push(weightLabel("W_hh", key, link.labelX, shapes.whhLabelY, "middle", !focusable.has(key)));
      focusable.add(key);
    }
    if (link.feedback) {
      lines.push(svg("path", { class: `link link-feedback${lit}`, "marker-end": "url(#arrowhead)", d: link.feedback }));
    }
  });
  const last = layout.columns[layout.columns.length - 1];
  if (last.t < scene.T - 1) {
    lines.push(arrow(last.x + shapes.edges.right + 2, hidden.mid, layout.width - 4, hidden.mid, { class: "link link-recurrent" }));
    labels.push(svg("text", { class: "window-note", x: layout.width - 6, y: hidden.mid + 5 + layout.input.lineHeight * 1.2, "text-anchor": "end", text: `${scene.T - 1 - last.t} later ▶` }));
  }
  if (scene.kind === "regression" && scene.trace.output_size === 1) lines.push(...waveLines(ctx, revealedUpTo));
  return { lines, labels };
}

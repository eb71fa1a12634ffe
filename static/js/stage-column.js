// One timestep of the unrolled network, drawn in column coordinates (x = 0 at the column's
// centre): the input below, the hidden state (and an LSTM's c) in the middle, the output above.
// Every drawn value carries its data attributes (docs/page.md, "The testable surface").

import { svg } from "./dom.js";
import { fixed, short } from "./format.js";
import { valueColor } from "./scales.js";

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";
/** 12 -> "₁₂" */
export const sub = (n) => String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);

/** An arrow from (x1, y1) to (x2, y2) with the shared arrowhead marker. */
export function arrow(x1, y1, x2, y2, attrs = {}) {
  return svg("line", { x1, y1, x2, y2, "marker-end": "url(#arrowhead)", ...attrs });
}

/** A weight's label; every copy shares data-weight-key, which hover and focus light up. */
export function weightLabel(name, key, x, y, anchor, focusable) {
  return svg("text", {
    class: "weight", x, y, "text-anchor": anchor, "data-weight-key": key,
    tabindex: focusable ? 0 : null, role: focusable ? "button" : null,
    "aria-label": focusable ? `${name}: highlight every copy of this shared weight` : null,
    text: name,
  });
}

/** The lines a step's input chip shows: its token, or up to two of its numbers. */
function chipLines(step, known) {
  if (!known) return ["?"];
  if (step.x_label !== null) return [step.x_label];
  const lines = step.x.slice(0, 2).map((v) => short(v, 2));
  if (step.x.length > 2) lines[1] += " …";
  return lines;
}

/** The chip's width: its text and some room, but never wider than the column allows. */
export function chipWidth(ctx, step, known) {
  const lines = chipLines(step, known);
  return Math.min(ctx.layout.column - 12, Math.max(...lines.map((l) => ctx.textWidth(l))) + 18);
}

/** A text cut to fit a width, with an ellipsis (the whole text stays in the chip's title). */
function fit(ctx, text, width) {
  if (ctx.textWidth(text) <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.textWidth(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function inputChip(ctx, step, revealed) {
  const { layout, source, trace } = ctx;
  const { y, height } = layout.input;
  const known = revealed || source !== "fed";
  const width = chipWidth(ctx, step, known);
  const lines = chipLines(step, known).map((line) => fit(ctx, line, width - 8));
  const line = layout.input.lineHeight;
  const chipHeight = lines.length > 1 ? height : Math.max(30, line * 1.8);
  const top = y + (height - chipHeight) / 2;
  const chip = svg("g", { class: `input-chip source-${source}` }, [
    svg("rect", { x: -width / 2, y: top, width, height: chipHeight, rx: Math.min(15, chipHeight / 2) }),
    ...lines.map((l, i) => svg("text", {
      class: "chip-text", x: 0, "text-anchor": "middle",
      y: top + chipHeight / 2 + line * 0.32 + (i - (lines.length - 1) / 2) * line, text: l,
    })),
  ]);
  const what = source === "start" ? "the decoder's start input" : source === "fed"
    ? (trace.teacher_forcing ? "the previous target, fed back" : "the previous output, fed back") : "the input";
  const exact = step.x_label ?? step.x.map(String).join(", ");
  chip.append(svg("title", { text: `x${sub(step.t)}: ${what}, ${exact}` }));
  return chip;
}

function hiddenStrip(ctx, step, revealed) {
  const { layout, trace, limits } = ctx;
  const { hidden } = layout;
  const hasC = step.c !== null;
  const w = hidden.stripWidth;
  const strips = hasC ? [["h", -w - 2], ["c", 2]] : [["h", -w / 2]];
  const group = svg("g", { class: "hidden-state" });
  const pair = hasC ? `h${sub(step.t)} c${sub(step.t)}` : `h${sub(step.t)}`;
  group.append(svg("text", {
    class: "strip-label", x: 0, y: hidden.labelY, "text-anchor": "middle",
    text: ctx.textWidth(pair) * 0.85 <= layout.column - 6 ? pair : (hasC ? "h c" : "h"),
  }));
  for (const [name, x] of strips) {
    const values = step[name];
    const cells = svg("g", { class: `strip strip-${name}` });
    for (let unit = 0; unit < values.length; unit++) {
      const attrs = {
        x, y: hidden.y + unit * hidden.cellHeight, width: w,
        height: Math.max(0.5, hidden.cellHeight - hidden.gap),
      };
      if (revealed) {
        attrs.fill = valueColor(values[unit], limits[name]);
        attrs[`data-${name}`] = "";
        attrs["data-t"] = step.t;
        attrs["data-unit"] = unit;
        attrs["data-value"] = String(values[unit]);
      }
      cells.append(svg("rect", attrs));
    }
    group.append(cells, svg("rect", {
      class: `strip-frame frame-${name}`, x: x - 1, y: hidden.y - 1, width: w + 2, height: hidden.height + 2, rx: 2,
    }));
  }
  if (trace.hidden_size > 1 && hidden.cellHeight < 4) {
    group.append(svg("title", { text: `${trace.hidden_size} hidden units: hover to read one` }));
  }
  return group;
}

function classBars(ctx, step, box) {
  const { trace } = ctx;
  const rows = step.p.length;
  const rowHeight = (box.height - 8) / rows;
  const track = box.width - 16;
  const best = step.p.indexOf(Math.max(...step.p));
  const group = svg("g", { class: "class-bars" });
  for (let k = 0; k < rows; k++) {
    const y = box.y + 4 + k * rowHeight;
    const name = trace.output_vocab ? trace.output_vocab[k] : `class ${k}`;
    const classes = ["bar", k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim();
    group.append(
      svg("rect", { class: "bar-track", x: box.x + 10, y: y + 1, width: track, height: rowHeight - 2 }),
      svg("rect", {
        class: classes, x: box.x + 10, y: y + 1, width: Math.max(0.5, step.p[k] * track), height: rowHeight - 2,
        "data-p": "", "data-t": step.t, "data-class": k, "data-value": String(step.p[k]),
        "data-label": `p(${name}) at t = ${step.t}${k === step.target ? " (the target)" : ""}`,
      }),
    );
    if (k === step.target) {
      group.append(svg("path", {
        class: "target-mark", d: `M${box.x + 2},${y + 1} l6,${(rowHeight - 2) / 2} l-6,${(rowHeight - 2) / 2} z`,
      }));
    }
  }
  return group;
}

/** The y of a regression value v in an output box: +limit at the top, −limit at the bottom. */
export function valueY(box, v, limit) {
  return box.y + 6 + ((1 - v / limit) / 2) * (box.height - 12);
}

/** The output box of a column, in column coordinates. */
export function outputBox(layout) {
  const width = Math.min(layout.column - 12, 120);
  return { x: -width / 2, y: layout.output.y, width, height: layout.output.height };
}

function valueDots(ctx, step, box) {
  const limit = ctx.limits.y;
  const group = svg("g", { class: "value-dots" }, [
    svg("line", { class: "value-zero", x1: box.x + 4, x2: box.x + box.width - 4, y1: valueY(box, 0, limit), y2: valueY(box, 0, limit) }),
  ]);
  step.y.forEach((value, dim) => {
    const target = step.target[dim];
    const dx = step.y.length > 1 ? (dim - (step.y.length - 1) / 2) * 14 : 0;
    group.append(
      svg("path", {
        class: "target-diamond", d: `M${dx},${valueY(box, target, limit) - 6} l6,6 l-6,6 l-6,-6 z`,
        "data-label": `target at t = ${step.t}`, "data-value": String(target),
      }),
      svg("circle", {
        class: "prediction", cx: dx, cy: valueY(box, value, limit), r: 5,
        "data-y": "", "data-t": step.t, "data-dim": dim, "data-value": String(value),
        "data-label": `ŷ at t = ${step.t}`,
      }),
    );
  });
  return group;
}

/** Under an output: the predicted class, ✓ or ✗ against the target; or ŷ for a value. */
function verdict(ctx, step) {
  const { trace, layout } = ctx;
  if (!step.p) return svg("text", { class: "verdict", x: 0, y: layout.output.verdictY, "text-anchor": "middle", text: `ŷ ${short(step.y[0])}` });
  const best = step.p.indexOf(Math.max(...step.p));
  const name = (k) => trace.output_vocab?.[k] ?? `class ${k}`;
  const right = best === step.target;
  const text = fit(ctx, `${name(best)} ${right ? "✓" : "✗"}`, layout.column - 6);
  return svg("text", {
    class: `verdict ${right ? "right" : "wrong"}`, x: 0, y: layout.output.verdictY, "text-anchor": "middle", text,
  }, [svg("title", { text: `predicted ${name(best)}; the target is ${name(step.target)}` })]);
}

function output(ctx, step, focusable) {
  const { layout, key } = ctx;
  const box = outputBox(layout);
  const loss = `loss ${fixed(step.loss, 3)}`;
  const group = svg("g", { class: "output" }, [
    svg("rect", { class: `output-box${step.p ? "" : " values"}`, x: box.x, y: box.y, width: box.width, height: box.height, rx: 6 }),
    step.p ? classBars(ctx, step, box) : valueDots(ctx, step, box),
    verdict(ctx, step),
    svg("text", {
      class: "loss", x: 0, y: layout.output.lossY, "text-anchor": "middle",
      text: ctx.textWidth(loss) * 0.78 <= layout.column - 6 ? loss : fixed(step.loss, 3),
    }, [svg("title", { text: `loss at t = ${step.t}: ${step.loss}` })]),
  ]);
  const top = layout.output.lossY + 5;
  const bottom = layout.hidden.labelY - 14;
  group.append(
    arrow(0, bottom, 0, top, { class: "link link-output", "data-weight-key": key("W_hy") }),
    weightLabel("W_hy", key("W_hy"), 5, (top + bottom) / 2 + 4, "start", focusable),
  );
  return group;
}

/**
 * One step's column.
 * ctx: {layout, trace, limits: {h, c, y}, source, key(name) -> weight key, textWidth(text)}
 * revealed: the forward pass has reached this step (its values are drawn, with data attributes).
 * focusable: its weight labels take keyboard focus (one copy of each weight does).
 */
export function drawColumn(ctx, step, revealed, focusable) {
  const { layout } = ctx;
  const group = svg("g", {
    class: `column role-${step.role}${revealed ? " revealed" : " future"}`,
    "data-step": step.t, "data-role": step.role,
  });
  const stripBottom = layout.hidden.y + layout.hidden.height + 1;
  const chip = step.x_label === null && step.x.length > 1 ? layout.input.height : Math.max(30, layout.input.lineHeight * 1.8);
  const inputTop = layout.input.y + (layout.input.height - chip) / 2;
  group.append(
    svg("rect", { class: "column-hit", x: -layout.column / 2, y: 0, width: layout.column, height: layout.height }),
    inputChip(ctx, step, revealed),
    arrow(0, inputTop - 1, 0, stripBottom + 3, { class: "link link-input", "data-weight-key": ctx.key("W_ih") }),
    weightLabel("W_ih", ctx.key("W_ih"), 5, (inputTop + stripBottom) / 2 + 10, "start", focusable),
    hiddenStrip(ctx, step, revealed),
    svg("text", { class: "step-label", x: 0, y: layout.input.labelY, "text-anchor": "middle", text: `t = ${step.t}` }),
  );
  if (step.y !== null && revealed) group.append(output(ctx, step, focusable));
  else if (step.y !== null) {
    const width = Math.min(layout.column - 12, 120);
    group.append(svg("rect", {
      class: "output-box empty", x: -width / 2, y: layout.output.y, width, height: layout.output.height, rx: 6,
    }));
  }
  return group;
}

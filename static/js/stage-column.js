// One timestep of the unrolled network, drawn in column coordinates (x = 0 at the column's
// centre) from the layout's shapes: the input below, the hidden state (and an LSTM's c) in the
// middle, the output above. Every drawn value carries its data attributes (docs/page.md, "The
// testable surface").

import { placeChildren, svg } from "./dom.js";
import { fixed, short, sub, visible } from "./format.js";
import { chipShape, classRow, VALUE_DOTS, valueY } from "./layout.js";
import { valueColor } from "./scales.js";
import { argmax, classLabel } from "./scene.js";
import { manyClasses, manyValues } from "./stage-distribution.js";

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

/** The lines a step's input chip shows: its token (as it can be seen), or up to two of its
 * numbers, written by `valueText` (scene.js: in the data's units). */
export function chipLines(step, known, valueText = short) {
  if (!known) return ["?"];
  if (step.x_label !== null) return [visible(step.x_label)];
  const lines = step.x.slice(0, 2).map((v) => valueText(v, 2));
  if (step.x.length > 2) lines[1] += " …";
  return lines;
}

/** A text cut to fit a width, with an ellipsis (the whole text stays in the chip's title). */
export function fit(textWidth, text, width) {
  if (textWidth(text) <= width) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const SOURCE_WORDS = {
  start: () => "the decoder's start input",
  fed: (teacherForcing) => (teacherForcing ? "the previous target, fed back" : "the previous output, fed back"),
  given: () => "the input",
};

function inputChip(ctx, step, revealed) {
  const { layout, source, scene, textWidth } = ctx;
  const known = revealed || source !== "fed";
  const lines = chipLines(step, known, scene.valueText);
  const shape = chipShape(layout, lines, textWidth);
  const exact = step.x_label !== null ? visible(step.x_label) : step.x.map((v) => String(scene.units(v))).join(", ");
  return svg("g", { class: `input-chip source-${source}` }, [
    svg("rect", { x: shape.x, y: shape.y, width: shape.width, height: shape.height, rx: shape.rx }),
    ...lines.map((line, i) => svg("text", {
      class: "chip-text", x: 0, "text-anchor": "middle", y: shape.lineYs[i], text: fit(textWidth, line, shape.width - 8),
    })),
    svg("title", { text: `x${sub(step.t)}: ${SOURCE_WORDS[source](scene.trace.teacher_forcing)}, ${exact}` }),
  ]);
}

const stripTemplates = new Map(); // a strip's geometry -> its cells without values, to clone

/** A strip of `units` cells at x, placed as the layout says: a copy of the one built for this
 * geometry (cloning is several times faster than building each cell of each column anew). */
function stripCells(name, x, hidden, width, units) {
  const key = [name, x, hidden.y, hidden.cellHeight, hidden.gap, width, units].join();
  let template = stripTemplates.get(key);
  if (!template) {
    if (stripTemplates.size >= 16) stripTemplates.clear();
    const height = Math.max(0.5, hidden.cellHeight - hidden.gap);
    template = svg("g", { class: `strip strip-${name}` });
    for (let unit = 0; unit < units; unit++) template.append(svg("rect", { x, y: hidden.y + unit * hidden.cellHeight, width, height }));
    stripTemplates.set(key, template);
  }
  return template.cloneNode(true);
}

const stripShapes = new WeakMap(); // a hidden-state group -> the shape it was drawn in (hiddenStrip)

/** The hidden state h (and an LSTM's c) as strips of cells, one a unit, coloured by value when
 * `revealed`. `previous`: the same step's group in the last drawing (a new seed's trace); where it
 * has this group's shape it is kept, and only its cells' colours and values change, so that its
 * cells are neither built nor laid out again (most of a redraw's elements are these cells). */
function hiddenStrip(ctx, step, revealed, previous) {
  const { layout, scene, textWidth } = ctx;
  const { hidden, shapes } = layout;
  const pair = scene.hasC ? `h${sub(step.t)} c${sub(step.t)}` : `h${sub(step.t)}`;
  const label = textWidth(pair) * 0.85 <= layout.column - 6 ? pair : (scene.hasC ? "h c" : "h");
  const titled = scene.H > 1 && hidden.cellHeight < 4;
  const shape = JSON.stringify([label, revealed, titled, hidden, shapes.strips, shapes.stripWidth,
    shapes.strips.map(({ name }) => step[name].length)]);
  if (previous && stripShapes.get(previous) === shape) {
    if (revealed) recolour(previous, ctx, step);
    return previous;
  }
  const group = svg("g", { class: "hidden-state" });
  stripShapes.set(group, shape);
  group.append(svg("text", { class: "strip-label", x: 0, y: hidden.labelY, "text-anchor": "middle", text: label }));
  for (const { name, x } of shapes.strips) {
    const values = step[name];
    const cells = stripCells(name, x, hidden, shapes.stripWidth, values.length);
    if (revealed) {
      let unit = 0;
      for (const cell of cells.children) {
        cell.setAttribute(`data-${name}`, "");
        cell.setAttribute("data-t", step.t);
        cell.setAttribute("data-unit", unit);
        unit += 1;
      }
    }
    group.append(cells, svg("rect", {
      class: `strip-frame frame-${name}`, x: x - 1, y: hidden.y - 1, width: shapes.stripWidth + 2,
      height: hidden.height + 2, rx: 2,
    }));
  }
  if (titled) group.append(svg("title", { text: `${scene.H} hidden units: hover to read one` }));
  if (revealed) recolour(group, ctx, step);
  return group;
}

/** A revealed group's cells given this step's values: their colour and data-value (the rest of
 * each cell, its place and its data-t, data-unit, is the shape's: a kept group has it already).
 * Its strips are in the order of the layout's, as drawn. */
function recolour(group, { layout, scene }, step) {
  const strips = group.querySelectorAll(":scope > .strip");
  layout.shapes.strips.forEach(({ name }, k) => {
    const values = step[name];
    const limit = scene.limits[name];
    let unit = 0;
    for (const cell of strips[k].children) {
      const value = values[unit];
      cell.setAttribute("fill", valueColor(value, limit));
      cell.setAttribute("data-value", String(value));
      unit += 1;
    }
  });
}

const className = (scene, k) => classLabel(scene.trace, k);

function classBars(ctx, step, box) {
  const { scene } = ctx;
  if (ctx.layout.output.rows < step.p.length) return manyClasses(ctx, step, box);
  const best = scene.best[step.t];
  const group = svg("g", { class: "class-bars" });
  step.p.forEach((p, k) => {
    const row = classRow(box, k, step.p.length, p);
    const classes = ["bar", k === best ? "argmax" : "", k === step.target ? "target" : ""].join(" ").trim();
    group.append(
      svg("rect", { class: "bar-track", x: row.x, y: row.y, width: row.track, height: row.height }),
      svg("rect", {
        class: classes, x: row.x, y: row.y, width: row.width, height: row.height,
        "data-p": "", "data-t": step.t, "data-class": k, "data-value": String(p),
        "data-label": `p(${className(scene, k)}) at t = ${step.t}${k === step.target ? " (the target)" : ""}`,
      }),
    );
    if (k === step.target) {
      group.append(svg("path", { class: "target-mark", d: `M${row.markX},${row.y} l6,${row.height / 2} l-6,${row.height / 2} z` }));
    }
  });
  return group;
}

/** What a value's tooltip says: in a series' own units too, beside the network's number. */
function valueLabel(scene, what, v) {
  return scene.trace.normalisation ? `${what} (${scene.valueText(v)} in the series' units), the network's value` : what;
}

function valueDots(ctx, step, box) {
  const { scene } = ctx;
  if (step.y.length > VALUE_DOTS) return manyValues(ctx, step, box);
  const limit = scene.limits.y;
  const zero = valueY(box, 0, limit);
  const group = svg("g", { class: "value-dots" }, [
    svg("line", { class: "value-zero", x1: box.x + 4, x2: box.x + box.width - 4, y1: zero, y2: zero }),
  ]);
  step.y.forEach((value, dim) => {
    const target = step.target?.[dim] ?? null; // null: no target is known (own data)
    const dx = step.y.length > 1 ? (dim - (step.y.length - 1) / 2) * 14 : 0;
    if (target !== null) {
      group.append(svg("path", {
        class: "target-diamond", d: `M${dx},${valueY(box, target, limit) - 6} l6,6 l-6,6 l-6,-6 z`,
        "data-label": valueLabel(scene, `target at t = ${step.t}`, target), "data-value": String(target),
      }));
    }
    group.append(svg("circle", {
      class: "prediction", cx: dx, cy: valueY(box, value, limit), r: 5,
      "data-y": "", "data-t": step.t, "data-dim": dim, "data-value": String(value),
      "data-label": valueLabel(scene, `ŷ at t = ${step.t}`, value),
    }));
  });
  return group;
}

/** Under an output: the predicted class, ✓ or ✗ against the target (none without one); or ŷ for a
 * value, in the data's units. */
function verdict(ctx, step) {
  const { scene, layout, textWidth } = ctx;
  const y = layout.output.verdictY;
  if (!step.p) {
    const more = step.y.length > 1 ? ", …" : ""; // the first of several values (the inspector lists them)
    return svg("text", { class: "verdict", x: 0, y, "text-anchor": "middle", text: fit(textWidth, `ŷ ${scene.valueText(step.y[0])}${more}`, layout.column - 6) });
  }
  const best = scene.best[step.t];
  if (step.target === null) {
    return svg("text", { class: "verdict", x: 0, y, "text-anchor": "middle", text: fit(textWidth, className(scene, best), layout.column - 6) }, [
      svg("title", { text: `predicted ${className(scene, best)}; no target is known here` })]);
  }
  const right = best === step.target;
  const text = fit(textWidth, `${className(scene, best)} ${right ? "✓" : "✗"}`, layout.column - 6);
  return svg("text", { class: `verdict ${right ? "right" : "wrong"}`, x: 0, y, "text-anchor": "middle", text }, [
    svg("title", { text: `predicted ${className(scene, best)}; the target is ${className(scene, step.target)}` })]);
}

function output(ctx, step, focusable) {
  const { layout, key, textWidth } = ctx;
  const { outputBox: box, outputArrow, whyLabel } = layout.shapes;
  // Three decimals, or two significant digits below 0.001 (a trained network's loss is not 0.000).
  const loss = step.loss === null ? "no target" : `loss ${step.loss > 0 && step.loss < 1e-3 ? short(step.loss, 2) : fixed(step.loss, 3)}`;
  const lossShort = step.loss === null ? "–" : fixed(step.loss, 3);
  return svg("g", { class: "output" }, [
    svg("rect", { class: `output-box${step.p ? "" : " values"}`, ...box, rx: 6 }),
    step.p ? classBars(ctx, step, box) : valueDots(ctx, step, box),
    verdict(ctx, step),
    svg("text", {
      class: "loss", x: 0, y: layout.output.lossY, "text-anchor": "middle",
      text: textWidth(loss) * 0.78 <= layout.column - 6 ? loss : lossShort,
    }, [svg("title", { text: step.loss === null ? `no target at t = ${step.t}, so no loss` : `loss at t = ${step.t}: ${step.loss}` })]),
    arrow(0, outputArrow.y1, 0, outputArrow.y2, { class: "link link-output", "data-weight-key": key("W_hy") }),
    weightLabel("W_hy", key("W_hy"), whyLabel.x, whyLabel.y, "start", focusable),
  ]);
}

/**
 * A many_to_one step's readout (not an output): what the network would answer if the sequence
 * ended here, drawn faint and dashed in the output's place, with its would-be verdict.
 */
function readout(ctx, step) {
  const { layout, scene, textWidth } = ctx;
  const box = layout.shapes.outputBox;
  const values = step.readout;
  const group = svg("g", { class: "readout" }, [svg("rect", { class: "readout-box", ...box, rx: 6 })]);
  if (scene.kind === "regression") {
    const limit = scene.limits.y;
    values.forEach((value, dim) => group.append(svg("circle", {
      class: "readout-dot", cx: 0, cy: valueY(box, value, limit), r: 4,
      "data-readout": "", "data-t": step.t, "data-dim": dim, "data-value": String(value),
      "data-label": `readout at t = ${step.t} (if the sequence ended here)`,
    })));
    return group;
  }
  const best = argmax(values);
  values.forEach((p, k) => {
    const row = classRow(box, k, values.length, p);
    group.append(svg("rect", {
      class: `readout-bar${k === best ? " argmax" : ""}`, x: row.x, y: row.y, width: row.width, height: row.height,
      "data-readout": "", "data-t": step.t, "data-class": k, "data-value": String(p),
      "data-label": `p(${className(scene, k)}) if the sequence ended at t = ${step.t}`,
    }));
  });
  group.append(svg("text", {
    class: "readout-verdict", x: 0, y: layout.output.verdictY, "text-anchor": "middle",
    text: fit(textWidth, `${className(scene, best)}?`, layout.column - 6),
  }, [svg("title", { text: `if the sentence ended here, the network would answer ${className(scene, best)}` })]));
  return group;
}

/**
 * One step's column.
 * ctx: {layout, scene, source ("given" | "start" | "fed"), key(name) -> weight key, textWidth(text)}
 * revealed: the forward pass has reached this step (its values are drawn, with data attributes).
 * focusable: its weight labels take keyboard focus (one copy of each weight does).
 * previous: this step's column of the last drawing, in the same state (a new seed's trace), or
 * null: drawn into it, its hidden state kept where it has this one's shape (hiddenStrip).
 */
export function drawColumn(ctx, step, revealed, focusable, previous = null) {
  const { layout } = ctx;
  const chip = chipShape(layout, chipLines(step, revealed || ctx.source !== "fed", ctx.scene.valueText), ctx.textWidth);
  const attrs = { class: `column role-${step.role}${revealed ? " revealed" : " future"}`, "data-step": step.t, "data-role": step.role };
  const parts = [
    svg("rect", { class: "column-hit", x: -layout.column / 2, y: 0, width: layout.column, height: layout.height }),
    inputChip(ctx, step, revealed),
    arrow(0, chip.arrow.y1, 0, chip.arrow.y2, { class: "link link-input", "data-weight-key": ctx.key("W_ih") }),
    weightLabel("W_ih", ctx.key("W_ih"), chip.label.x, chip.label.y, "start", focusable),
    hiddenStrip(ctx, step, revealed, previous?.querySelector(":scope > .hidden-state") ?? null),
    svg("text", { class: "step-label", x: 0, y: layout.input.labelY, "text-anchor": "middle", text: `t = ${step.t}` }),
  ];
  if (step.y !== null && revealed) parts.push(output(ctx, step, focusable));
  else if (step.y !== null) parts.push(svg("rect", { class: "output-box empty", ...layout.shapes.outputBox, rx: 6 }));
  else if (step.readout && revealed) parts.push(readout(ctx, step));
  if (!previous) return svg("g", attrs, parts);
  for (const [name, value] of Object.entries(attrs)) previous.setAttribute(name, value);
  placeChildren(previous, parts);
  return previous;
}

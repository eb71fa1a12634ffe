// Where everything on the stage goes: a pure function of (topology, steps, sizes, viewport,
// playhead), down to each column's strips, chip, output box and arrow anchors, so the drawing
// modules only draw. No DOM: the caller measures text and passes the widths (or a measuring
// function) in.

// Sizes are given at the 14 px stage font and scale with it (presenter mode, large screens):
// `k` below is the font size / 14.
const MIN_COLUMN = 60; // px: a step narrower than this is not drawn in full
const MAX_COLUMN = 150;
const CONTEXT_GAP = 64; // px between the encoder's and the decoder's blocks (seq2seq)
const PAD = 10;
const WINDOW_NOTE = 64; // px on the right for "n later ▶" when the window hides later steps
const BLOCK_TITLE = 18; // px above seq2seq's encoder and decoder for their titles
const INPUT_BAND = 40; // a token chip, or two numbers stacked
const STEP_LABEL = 16;
const ARROW_GAP = 28; // the W_ih and W_hy arrows
const HIDDEN_HEADER = 18;
const GRAD_LABEL = 16;
const WEIGHT_LABEL = 13; // px of a weight label's line (0.85 em of 14 px type, and a gap)
const VERDICT_LINES = 30; // under each output: the prediction (and whether it is right), the loss
const CLASS_ROW = 13.6; // the smallest row of a class's bar: its name in the gutter is 0.8 em, a 0.96 em line box
const MAX_CELL = 22; // px: the tallest a hidden unit is drawn
const MAX_BOX = 120; // px: the widest an output box is drawn
const COLUMN_MARGIN = 12; // px between a column's boxes and the next column's
const MIN_HIDDEN_SHARE = 0.3; // of the height left for outputs and the hidden state, the least h gets
export const MANY_CLASSES = 8; // past this many classes (your text: up to 96) an output draws its top few
export const TOP_CLASSES = 4; // … as labelled bars, over a strip of every class's p
export const VALUE_DOTS = 3; // up to this many regression values are dots on an axis; more, a strip (a model's)
const SPECTRUM = 14; // the strip's band under the top few (at 14 px type)

/** The rows of class bars an output of `outputSize` classes draws: each class, or its top few. */
export function classRows(outputSize) {
  return outputSize > MANY_CLASSES ? TOP_CLASSES : outputSize;
}

/** Where step `index`'s input comes from: given, the decoder's <start>, or fed back from the
 * step before, in a topology that does (`feedsBack`) or does not feed its outputs back. */
export function inputSource(feedsBack, step, index) {
  if (!feedsBack || step.role === "encoder" || (step.role === "step" && index === 0)) return "given";
  return step.x_label === "<start>" ? "start" : "fed";
}

/** The output band's height: a bar per class (or the top few and a strip of all), or a value box
 * for regression. */
function outputBandHeight(kind, outputSize, available, k) {
  if (kind === "regression") {
    const axis = Math.max(48, Math.min(90, available * 0.16));
    return outputSize <= VALUE_DOTS ? axis : Math.min(MAX_CELL * outputSize, Math.max(axis, available * 0.2));
  }
  const rows = classRows(outputSize);
  const row = Math.max(CLASS_ROW * k, Math.min(15 * k, Math.floor((available * 0.22) / rows)));
  return row * rows + 8 + (rows < outputSize ? SPECTRUM * k : 0);
}

/**
 * The stage's geometry.
 * @param {object} o
 *   o.topology, o.steps (the trace's steps), o.hiddenSize, o.hasCellState (LSTM),
 *   o.kind ("classification" | "regression"), o.outputSize,
 *   o.width, o.height (the stage's box), o.gutter (px for the row labels), o.minColumn,
 *   o.focus (the playhead's step: the window is centred on it), o.fontSize (px, the stage's text)
 */
export function stageLayout(o) {
  const T = o.steps.length;
  const k = (o.fontSize || 14) / 14;
  const minColumn = Math.max(MIN_COLUMN * k, o.minColumn || 0);
  const contextRoom = CONTEXT_GAP * k;
  const seq2seq = o.topology === "seq2seq";
  let available = Math.max(minColumn, o.width - o.gutter - 2 * PAD);

  // How many steps fit at full size; past that, a window of them around the playhead.
  let fits = Math.max(1, Math.floor(available / minColumn));
  let start = 0;
  let end = T;
  const hasContextIn = (s, e) => seq2seq && o.steps.slice(s, e).some((st) => st.role === "encoder")
    && o.steps.slice(s, e).some((st) => st.role === "decoder");
  if (T > fits) {
    // A window around the playhead, with room on the right for "n later" unless it ends at T.
    const room = (extra) => Math.max(1, Math.floor((available - extra - (seq2seq ? contextRoom : 0)) / minColumn));
    fits = room(WINDOW_NOTE * k);
    start = Math.min(Math.max(0, o.focus - Math.floor(fits / 2)), T - fits);
    if (start + room(0) >= T) {
      fits = room(0);
      start = T - fits;
    } else {
      available -= WINDOW_NOTE * k;
    }
    end = start + fits;
  }
  const count = end - start;
  const contextGap = hasContextIn(start, end) ? contextRoom : 0;
  const column = Math.min(MAX_COLUMN * k, (available - contextGap) / count);
  const used = column * count + contextGap;
  let x = o.gutter + PAD + (available - used) / 2;

  const columns = [];
  let context = null;
  for (let t = start; t < end; t++) {
    const step = o.steps[t];
    if (contextGap && step.role === "decoder" && o.steps[t - 1]?.role === "encoder") {
      context = { x0: x, x1: x + contextGap };
      x += contextGap;
    }
    columns.push({ t, role: step.role, x: x + column / 2, x0: x, x1: x + column });
    x += column;
  }

  // Bands from the top: outputs, W_hy, hidden state, W_ih, inputs, step labels.
  const hasOutputs = o.steps.some((s) => s.y !== null);
  const top = PAD + 8 + (seq2seq ? BLOCK_TITLE * k : 0);
  const inputBand = INPUT_BAND * k;
  // Everything but the output band and the hidden state's room; the hidden state keeps at least
  // MIN_HIDDEN_SHARE of what is left, the output band's class rows giving way first (their
  // names then leave the gutter: `output.named`).
  const fixed = top + (hasOutputs ? VERDICT_LINES * k + ARROW_GAP : 0) + HIDDEN_HEADER * k
    + ARROW_GAP + GRAD_LABEL * k + inputBand + STEP_LABEL * k + PAD;
  const wanted = hasOutputs ? outputBandHeight(o.kind, o.outputSize, o.height, k) : 0;
  const outputHeight = hasOutputs ? Math.max(Math.min(wanted, (o.height - fixed) * (1 - MIN_HIDDEN_SHARE)), 4 * classRows(o.outputSize) + 8) : 0;
  const output = {
    y: top, height: outputHeight, verdictY: top + outputHeight + 13 * k, lossY: top + outputHeight + (VERDICT_LINES - 3) * k,
    rows: classRows(o.outputSize), // class bars drawn (o.kind "classification")
    spectrum: o.kind !== "regression" && classRows(o.outputSize) < o.outputSize ? SPECTRUM * k : 0,
    named: o.kind === "regression"
      || (outputHeight - 8 - (o.kind !== "regression" && classRows(o.outputSize) < o.outputSize ? SPECTRUM * k : 0))
        / classRows(o.outputSize) >= CLASS_ROW * k - 0.01,
  };
  const hiddenTop = top + (hasOutputs ? outputHeight + VERDICT_LINES * k + ARROW_GAP : 0) + HIDDEN_HEADER * k;
  const inputY = o.height - PAD - STEP_LABEL * k - inputBand;
  const hiddenRoom = Math.max(20, inputY - ARROW_GAP - GRAD_LABEL * k - hiddenTop);
  const cellHeight = Math.min(MAX_CELL * k, hiddenRoom / o.hiddenSize);
  const stripHeight = cellHeight * o.hiddenSize;
  const hidden = {
    y: hiddenTop + (hiddenRoom - stripHeight) / 2,
    height: stripHeight,
    cellHeight,
    gap: cellHeight >= 7 ? 1.5 : 0, // a hairline between units only where they are tall enough
    stripWidth: Math.max(12, Math.min(26 * k, column * (o.hasCellState ? 0.17 : 0.22))),
    room: { y0: hiddenTop, y1: hiddenTop + hiddenRoom },
  };
  hidden.mid = hidden.y + stripHeight / 2;
  hidden.labelY = hidden.y - 6;
  hidden.gradientY = Math.max(hidden.y + stripHeight + 14, hidden.mid + (o.hasCellState ? 44 : 32)); // under the backward arrow

  const layout = {
    width: o.width,
    height: o.height,
    gutter: o.gutter,
    column,
    columns,
    window: { start, end, total: T, windowed: count < T },
    context,
    output,
    hidden,
    input: { y: inputY, height: inputBand, labelY: inputY + inputBand + (STEP_LABEL - 4) * k, lineHeight: 17.5 * k },
    hasCellState: Boolean(o.hasCellState),
    k,
  };
  layout.shapes = columnShapes(layout);
  return layout;
}

/**
 * What every column draws at the same place, in column coordinates (x = 0 at its centre): the
 * strips of h (and c), where links attach to them, the output box and its arrow, the W_ih and
 * W_hy labels, the backward pass's frame and arrows.
 */
function columnShapes(layout) {
  const { hidden, output } = layout;
  const w = hidden.stripWidth;
  const hasC = layout.hasCellState;
  const boxWidth = Math.min(layout.column - COLUMN_MARGIN, MAX_BOX * layout.k);
  const outputArrow = { y1: hidden.labelY - 14, y2: output.lossY + 5 }; // up from the strip label to the loss
  return {
    strips: hasC ? [{ name: "h", x: -w - 2 }, { name: "c", x: 2 }] : [{ name: "h", x: -w / 2 }],
    stripWidth: w,
    /** Where the recurrent arrows leave a strip (right) and enter the next (left). */
    edges: hasC ? { left: -w - 3, right: w + 3 } : { left: -w / 2 - 1, right: w / 2 + 1 },
    outputBox: { x: -boxWidth / 2, y: output.y, width: boxWidth, height: output.height },
    outputArrow,
    whyLabel: { x: 5, y: (outputArrow.y1 + outputArrow.y2) / 2 + 4 },
    stripBottom: hidden.y + hidden.height + 1,
    gradientFrame: hasC ? { x: -w - 4, width: 2 * w + 8 } : { x: -w / 2 - 3, width: w + 6 },
    /** The backward arrow from a column to the one before: it leaves at `from`, arrives at `to`. */
    gradientArrow: { y: hidden.mid + (hasC ? 24 : 12), from: hasC ? -w - 6 : -w / 2 - 4, to: hasC ? w + 8 : w / 2 + 6 },
    /** W_hh's label above the h arrow (by 6 px of the 14 px type, scaled: in presenter mode's type it
     * sat on the arrow), or under it where an LSTM's c runs along the strips' tops. */
    whhLabelY: hasC ? hidden.mid + 15 : hidden.mid - 6 * layout.k,
    cellLinkY: hidden.y + 4,
  };
}


/**
 * An input chip holding `lines` of text, in column coordinates: its box, the y of each line,
 * and the W_ih arrow and label from its top up to the strip. `textWidth(text)` measures.
 */
export function chipShape(layout, lines, textWidth) {
  const { input } = layout;
  const width = Math.min(layout.column - COLUMN_MARGIN, Math.max(...lines.map(textWidth)) + 18);
  const height = lines.length > 1 ? input.height : Math.max(30, input.lineHeight * 1.8);
  const top = input.y + (input.height - height) / 2;
  const lineYs = lines.map((_, i) => top + height / 2 + input.lineHeight * 0.32
    + (i - (lines.length - 1) / 2) * input.lineHeight);
  const bottom = layout.shapes.stripBottom;
  return {
    x: -width / 2, y: top, width, height, rx: Math.min(15, height / 2), lineYs,
    arrow: { y1: top - 1, y2: bottom + 3 },
    // Midway up the arrow, but below the line of ‖dL/dh‖ numbers (a wide one reaches back over
    // the column before), and above the chip.
    label: { x: 5, y: Math.min(top - 3, Math.max((top + bottom) / 2 + 10, layout.hidden.gradientY + WEIGHT_LABEL * layout.k)) },
  };
}

/** The strip of every class's p at the bottom of an output box `spectrum` px tall (and the room
 * under it for the target's mark). */
export function spectrumShape(box, spectrum) {
  return { x: box.x + 10, y: box.y + box.height - spectrum, width: box.width - 16, height: spectrum * 0.5 };
}

/** The two strips of an output of many values in its box: ŷ on the left, the target on the right. */
export function valueStrips(box, width) {
  const height = box.height - 8;
  return { y: box.y + 4, height, width, yhatX: -width - 2, targetX: 2 };
}

/** The y of a regression value v in an output box: +limit at the top, −limit at the bottom. */
export function valueY(box, v, limit) {
  return box.y + 6 + ((1 - v / limit) / 2) * (box.height - 12);
}

/** Row k of an output box's class bars: the track's and the bar's box (the bar as long as p), above
 * the strip of every class (`spectrum` px, or 0). */
export function classRow(box, k, rows, p, spectrum = 0) {
  const height = (box.height - 8 - spectrum) / rows;
  const y = box.y + 4 + k * height;
  const track = box.width - 16;
  return { x: box.x + 10, y: y + 1, height: height - 2, track, width: Math.max(0.5, p * track), markX: box.x + 2 };
}

/**
 * The links from column `col` to the next drawn column `next` (absolute x): the recurrent arrow
 * h_t -> h_{t+1}, its label's x, and, when the next step reads this one's output, the fed-back
 * path from the output box round to the next chip's left edge (`nextChipWidth`).
 */
export function linkShape(layout, col, next, { fed, nextChipWidth }) {
  const { edges, outputBox } = layout.shapes;
  const x1 = col.x + edges.right + 2;
  const x2 = next.x + edges.left - 2;
  const shape = { x1, x2, labelX: fed ? x1 + (x2 - x1) * 0.36 : (x1 + x2) / 2 };
  if (fed) {
    const xs = col.x + outputBox.width / 2;
    const turn = x1 + (x2 - x1) * 0.78; // the path turns down most of the way to the next step
    const ys = layout.output.y + layout.output.height / 2;
    const ye = layout.input.y + layout.input.height / 2;
    const chipLeft = next.x - nextChipWidth / 2;
    shape.feedback = `M${xs},${ys} H${turn - 8} Q${turn},${ys} ${turn},${ys + 8} V${ye - 8} Q${turn},${ye} ${turn - 8},${ye} H${chipLeft - 2}`;
  }
  return shape;
}

/** The x range of the two seq2seq blocks (or one block), for their backgrounds and titles. */
export function blocks(layout) {
  const groups = [];
  for (const c of layout.columns) {
    const last = groups[groups.length - 1];
    if (last && last.role === c.role) last.x1 = c.x1;
    else groups.push({ role: c.role, x0: c.x0, x1: c.x1 });
  }
  return groups;
}

/**
 * The folded drawing of a layout (§1.4): one cell, the playhead's column, at the middle of the
 * stage with its self-loop h_{t−1} -> h_t (the same cell and weights at every step). `x` is where
 * every column folds to; `loop` the self-loop's path and its label, in absolute coordinates.
 */
export function foldedLayout(layout) {
  const x = (layout.gutter + layout.width) / 2;
  const { edges } = layout.shapes;
  const { mid, y: top, height } = layout.hidden;
  const right = x + edges.right + 2;
  const reach = Math.min(64, layout.column * 0.55) + 16; // how far right the loop swings
  const rise = Math.min(height / 2 + 6, 60);
  return {
    x,
    loop: {
      d: `M${right},${mid - 8} C${right + reach},${mid - rise} ${right + reach},${mid + rise} ${right + 2},${mid + 8}`,
      labelX: right + reach * 0.55, labelY: mid - rise * 0.75 - 7,
    },
    caption: { x: right + reach + 14, y: Math.max(top + 12, mid - 14) },
  };
}

/** The x of a column `u` of the way from folded (0, at `x`) to unfolded (1, at col.x). */
export function unfoldingX(col, folded, u) {
  return folded.x + (col.x - folded.x) * u;
}

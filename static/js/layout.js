// Where everything on the stage goes: a pure function of (topology, steps, sizes, viewport,
// playhead). No DOM: the caller measures text and passes the widths in.

export const MIN_COLUMN = 60; // px: a step narrower than this is not drawn in full
export const MAX_COLUMN = 150;
const CONTEXT_GAP = 64; // px between the encoder's and the decoder's blocks (seq2seq)
const PAD = 10;
const WINDOW_NOTE = 64; // px on the right for "n later ▶" when the window hides later steps
// Heights that hold text are given at the 14 px stage font and scale with it (presenter mode,
// large screens): `k` below is the font size / 14.
const BLOCK_TITLE = 18; // px above seq2seq's encoder and decoder for their titles
const INPUT_BAND = 40; // a token chip, or two numbers stacked
const STEP_LABEL = 16;
const ARROW_GAP = 28; // the W_ih and W_hy arrows
const HIDDEN_HEADER = 18;
const GRAD_LABEL = 16;
const VERDICT_LINES = 30; // under each output: the prediction (and whether it is right), the loss
const CLASS_ROW = 13.6; // the smallest row of a class's bar: its name in the gutter is 0.8 em, a 0.96 em line box
const MAX_CELL = 22; // px: the tallest a hidden unit is drawn

/** Where step s's input comes from: given, the decoder's <start>, or fed back from step s − 1. */
export function inputSource(topology, step, index) {
  if (topology === "seq2seq" && step.role === "decoder") return step.x_label === "<start>" ? "start" : "fed";
  if (topology === "one_to_many" && index > 0) return "fed";
  return "given";
}

/** The output band's height: a bar per class, or a value box for regression. */
function outputBandHeight(kind, outputSize, available, k) {
  if (kind === "regression") return Math.max(48, Math.min(90, available * 0.16)) * outputSize;
  const row = Math.max(CLASS_ROW * k, Math.min(15 * k, Math.floor((available * 0.22) / outputSize)));
  return row * outputSize + 8;
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
  const minColumn = Math.max(MIN_COLUMN, o.minColumn || 0);
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
    const room = (extra) => Math.max(1, Math.floor((available - extra - (seq2seq ? CONTEXT_GAP : 0)) / minColumn));
    fits = room(WINDOW_NOTE);
    start = Math.min(Math.max(0, o.focus - Math.floor(fits / 2)), T - fits);
    if (start + room(0) >= T) {
      fits = room(0);
      start = T - fits;
    } else {
      available -= WINDOW_NOTE;
    }
    end = start + fits;
  }
  const count = end - start;
  const contextGap = hasContextIn(start, end) ? CONTEXT_GAP : 0;
  const column = Math.min(MAX_COLUMN, (available - contextGap) / count);
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
  const k = (o.fontSize || 14) / 14;
  const outputHeight = hasOutputs ? outputBandHeight(o.kind, o.outputSize, o.height, k) : 0;
  const top = PAD + 8 + (seq2seq ? BLOCK_TITLE * k : 0);
  const output = {
    y: top, height: outputHeight, verdictY: top + outputHeight + 13 * k, lossY: top + outputHeight + (VERDICT_LINES - 3) * k,
  };
  const hiddenTop = top + (hasOutputs ? outputHeight + VERDICT_LINES * k + ARROW_GAP : 0) + HIDDEN_HEADER * k;
  const inputBand = INPUT_BAND * k;
  const inputY = o.height - PAD - STEP_LABEL * k - inputBand;
  const hiddenRoom = Math.max(20, inputY - ARROW_GAP - GRAD_LABEL * k - hiddenTop);
  const cellHeight = Math.min(MAX_CELL, hiddenRoom / o.hiddenSize);
  const stripHeight = cellHeight * o.hiddenSize;
  const hidden = {
    y: hiddenTop + (hiddenRoom - stripHeight) / 2,
    height: stripHeight,
    cellHeight,
    gap: cellHeight >= 7 ? 1.5 : 0, // a hairline between units only where they are tall enough
    stripWidth: Math.max(12, Math.min(26, column * (o.hasCellState ? 0.17 : 0.22))),
    room: { y0: hiddenTop, y1: hiddenTop + hiddenRoom },
  };
  hidden.mid = hidden.y + stripHeight / 2;
  hidden.labelY = hidden.y - 6;
  hidden.gradientY = Math.max(hidden.y + stripHeight + 14, hidden.mid + (o.hasCellState ? 44 : 32)); // under the backward arrow

  return {
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
  };
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

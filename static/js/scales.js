// The page's two colour scales, shared by the stage, the heatmap and the legend.
// Values: one diverging, colour-blind-safe scale centred on 0 (blue < 0 < orange, ColorBrewer
// RdBu's blues and PuOr's oranges). Gradients: one sequential scale of magnitude (ColorBrewer RdPu).

export const VALUE_STOPS = [
  "#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
  "#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08",
];
export const GRADIENT_STOPS = ["#fde0dd", "#fcc5c0", "#fa9fb5", "#f768a1", "#dd3497", "#ae017e", "#7a0177"];

const parse = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
const VALUE_RGB = VALUE_STOPS.map(parse);
const GRADIENT_RGB = GRADIENT_STOPS.map(parse);

/** r, g, b (0–255) at u in [0, 1] along the stops, linearly between neighbours, written into
 * out[at], out[at + 1], out[at + 2] (a new array by default); returns out. */
function interpolate(rgbStops, u, out = [0, 0, 0], at = 0) {
  const k = Math.min(Math.max(u, 0), 1) * (rgbStops.length - 1);
  const i = Math.min(Math.floor(k), rgbStops.length - 2);
  const f = k - i;
  const a = rgbStops[i]; // written out, not destructured nor looped: the heatmap calls it T·H times
  const b = rgbStops[i + 1];
  out[at] = Math.round(a[0] + (b[0] - a[0]) * f);
  out[at + 1] = Math.round(a[1] + (b[1] - a[1]) * f);
  out[at + 2] = Math.round(a[2] + (b[2] - a[2]) * f);
  return out;
}

const css = (rgb) => `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;

/** [r, g, b] of a value v on the diverging scale [−limit, +limit]; or written into out[at…at+2]
 * (the heatmap's pixels, without an array a cell). */
export function valueRGB(v, limit, out, at) {
  return interpolate(VALUE_RGB, 0.5 + v / (2 * limit), out, at);
}

/** The colour of a value v on the diverging scale [−limit, +limit]. */
export function valueColor(v, limit) {
  return css(valueRGB(v, limit));
}

/** The colour of a gradient norm n on the log scale [lo, hi] (both > 0). */
export function gradientColor(n, lo, hi) {
  if (!(n > 0)) return GRADIENT_STOPS[0];
  const u = hi > lo ? (Math.log10(n) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : 1;
  return css(interpolate(GRADIENT_RGB, u));
}

function maxAbs(values, floor) {
  let m = floor;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/** The symmetric limit of each drawn quantity's scale: h is 1 for bounded cells (tanh, σ) and
 * the largest |h| for a ReLU RNN; c and a regression's y: the largest |value|, at least 1. */
export function limitsOf(trace) {
  const flat = (name) => trace.steps.flatMap((s) => s[name] ?? []);
  const bounded = !(trace.cell === "rnn" && trace.activation === "relu");
  const targets = trace.kind === "regression" ? flat("target") : [];
  const largestH = maxAbs(flat("h"), 0);
  return {
    largestH,
    h: bounded ? 1 : Math.max(largestH, 1e-12),
    c: maxAbs(flat("c"), 1),
    y: maxAbs([...flat("y"), ...targets], 1),
  };
}

export const MIN_DECADES = 2; // a gradient scale spans at least this, so small differences look small

/** The [lo, hi] of the gradient scale: the ‖dL/dh_t‖ above zero, widened to MIN_DECADES below
 * the largest, so that norms within a factor of two do not look like a vanishing gradient. */
export function gradientRange(trace) {
  const norms = trace.steps.map((s) => s.dh_norm).filter((n) => n > 0);
  if (!norms.length) return [1, 1];
  const hi = Math.max(...norms);
  return [Math.min(Math.min(...norms), hi / 10 ** MIN_DECADES), hi];
}

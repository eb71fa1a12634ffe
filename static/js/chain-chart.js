// The gradient chain's chart as geometry (docs/page.md, "The gradient chain"): each link's factor
// ‖∂s_{k+1}/∂s_k‖ and the product ‖∂s_t/∂s_k‖ against the distance t − k, on a log axis whose
// labels never crowd. Pure: the chain view draws what this returns. No DOM.

const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** 10^e as text: "10⁻³", "1", "10". */
export function powerOfTen(e) {
  if (e === 0) return "1";
  if (e === 1) return "10";
  return `10${String(e).replace(/[-\d]/g, (c) => SUPERSCRIPTS[c])}`;
}

/** Distances at which to label the x axis: 1, then a round step that leaves room for each label. */
function distanceTicks(n, width, fontSize) {
  const room = Math.max(1, Math.floor(width / (fontSize * 2.6)));
  const step = [1, 2, 5, 10, 20, 25, 50].find((s) => Math.ceil(n / s) <= room) ?? 50;
  const ticks = [1];
  for (let d = step; d <= n; d += step) if (d !== 1) ticks.push(d);
  return ticks;
}

/**
 * The chart of `chain` (the /api/explain links, k = t−1 down) in a box of width × height px with
 * labels of `fontSize` px. `handoverK`: the k whose link is the seq2seq hand-over (or null).
 * Returns {plot: {x0, x1, y0, y1}, points: [{k, d, factor, product, fx, fy, py}], xTicks, yTicks,
 * one (the y of 1, or null), handoverX (or null)}; a norm of 0 sits on the floor (`zero`).
 */
export function chainChart(chain, { t, width, height, fontSize, handoverK = null }) {
  const n = chain.length;
  const positive = chain.flatMap((l) => [l.factor, l.product]).filter((v) => v > 0);
  let lo = positive.length ? Math.floor(Math.log10(Math.min(...positive, 1))) : -1;
  let hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive, 1))) : 1;
  if (hi === lo) lo -= 1;
  const plot = { x0: fontSize * 3.2, x1: width - fontSize * 0.8, y0: fontSize * 0.8, y1: height - fontSize * 3.1 };
  const rows = Math.max(2, Math.floor((plot.y1 - plot.y0) / (fontSize * 1.5)));
  const every = Math.max(1, Math.ceil((hi - lo) / (rows - 1))); // decades between labels
  lo = hi - Math.ceil((hi - lo) / every) * every; // the bottom on a label
  const x = (d) => plot.x0 + (n <= 1 ? 0.5 : (d - 1) / (n - 1)) * (plot.x1 - plot.x0);
  const y = (v) => (v > 0 ? plot.y1 - ((Math.log10(v) - lo) / (hi - lo)) * (plot.y1 - plot.y0) : plot.y1);
  const yTicks = [];
  for (let e = hi; e >= lo; e -= every) yTicks.push({ e, label: powerOfTen(e), y: y(10 ** e) });
  return {
    plot,
    points: chain.map((l) => ({
      k: l.k, d: t - l.k, factor: l.factor, product: l.product, fx: x(t - l.k), fy: y(l.factor), py: y(l.product),
      zero: l.factor <= 0 || l.product <= 0,
    })),
    xTicks: distanceTicks(n, plot.x1 - plot.x0, fontSize).map((d) => ({ d, x: x(d) })),
    yTicks,
    one: lo <= 0 && hi >= 0 ? y(1) : null,
    handoverX: handoverK === null || handoverK >= t ? null : x(t - handoverK),
  };
}

// Axes whose labels never crowd each other, and numbers written as powers of ten with
// superscript characters (10⁻⁵: the exponent as large as the type around it). No DOM.

const TICK_ROOM = 1.5; // em a tick's label needs on a vertical axis

const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** −12 -> "⁻¹²" */
export function superscript(n) {
  return String(n).replace(/./g, (c) => SUPERSCRIPTS[c]);
}

/**
 * A log axis over [lo, hi] (both > 0, a little headroom added), with a tick every `dtick`
 * decades: as many as fit in `height` px at `fontSize` without their labels touching, however
 * many decades it spans. {range: [log10 from, log10 to], dtick, decades, labels}.
 */
export function logAxis([lo, hi], height, fontSize) {
  const range = [Math.floor(Math.log10(lo) * 4) / 4 - 0.1, Math.log10(hi) + 0.15];
  const room = Math.max(2, Math.floor(height / (fontSize * TICK_ROOM)));
  const dtick = Math.max(1, Math.ceil((range[1] - range[0]) / room));
  const decades = [];
  for (let d = Math.ceil(range[0] / dtick) * dtick; d <= range[1]; d += dtick) decades.push(d);
  return { range, dtick, decades, labels: decades.map((d) => `10${superscript(d)}`) };
}

const UNIT_STEPS = [1, 2, 4, 5, 8, 10, 16, 20, 25, 32, 50, 64, 100, 128, 256]; // round steps for H = 8, 64, 100…

/** A tick every `dtick` units of H (a round step, one that divides H where one fits: 0, 16, 32,
 * 48 for H = 64), as many as fit in `height` px with a line of type each. */
export function unitTicks(H, height, fontSize) {
  const labels = Math.max(2, Math.floor(height / (fontSize * 1.3)));
  const least = Math.max(1, Math.ceil(H / labels));
  const steps = UNIT_STEPS.filter((step) => step >= least);
  return { tick0: 0, dtick: steps.find((step) => H % step === 0) ?? steps[0] ?? least }; // one that divides H first
}

/** 1.6e-9 -> "1.6 × 10⁻⁹"; 0.5 -> "0.5"; a number near 1 as it is, to two digits. */
export function powerOfTen(x) {
  if (x === 0) return "0";
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  if (exponent >= -2 && exponent <= 3) return String(Number(x.toPrecision(2)));
  const mantissa = Number((x / 10 ** exponent).toPrecision(2));
  return mantissa === 1 ? `10${superscript(exponent)}` : `${mantissa} × 10${superscript(exponent)}`;
}

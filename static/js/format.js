// Numbers as text for labels. The value itself is never changed, only how it is written.

/** A short label: 3 significant digits, exponent form when very small or large, a real minus. */
export function short(x, digits = 3) {
  if (x === null || x === undefined) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  const text = a >= 1e4 || a < 1e-3 ? x.toExponential(digits - 1) : x.toPrecision(digits);
  return text.replace("-", "−").replace(/e\+?/, "e");
}

/** Fixed decimals, for values in a known range such as probabilities. */
export function fixed(x, decimals = 2) {
  return x.toFixed(decimals).replace("-", "−");
}

/** An integer with thin thousands separators: 12 345. (Not toLocaleString: its first call loads
 * the locale's data, 20 ms of a page's first drawing.) */
export function count(n) {
  return String(n).replace(/\B(?=(\d{3})+$)/g, "\u202f");
}

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** 12 -> "₁₂" */
export function sub(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
}

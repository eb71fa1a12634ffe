// Numbers as text for labels. The value itself is never changed, only how it is written.

/** A short label: 3 significant digits, exponent form when very small or large, a real minus. */
export function short(x, digits = 3) {
  if (x === null || x === undefined) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  const text = a >= 1e4 || a < 1e-3 ? x.toExponential(digits - 1) : x.toPrecision(digits);
  return text.replace("-", "−").replace(/e\+?/, "e");
}

/** A reading in its own units (a series' value), without an exponent from 0.001 to a million:
 * whole from 1000 (13712), else 4 significant digits (1.742); short() past them. */
export function reading(x, digits = 4) {
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return short(x, 3);
  return String(a >= 1000 ? Math.round(x) : Number(x.toPrecision(digits))).replace("-", "−");
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

const VISIBLE = { " ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍" };
const UNSEEN = /[\p{Cc}\p{Cf}\p{Z}]/u; // controls, format characters (a right-to-left override), spaces

/** A token as it can be seen: a space, newline or tab as ␣ ↵ ⇥, any other invisible character
 * (a control, a direction override, an odd space) as its code point, U+202E. */
export function visible(token) {
  if (token === null || token === undefined) return token;
  return Array.from(token).map((c) => VISIBLE[c]
    ?? (UNSEEN.test(c) ? `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}` : c)).join("");
}

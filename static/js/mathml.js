// Formulas (equations.js's trees) typeset as MathML elements, built with createElementNS (dom.js),
// never from markup. A `$name` slot becomes the API's number or vector, each number an <mn> with
// data-name, data-unit (a vector's entry) and data-value = String(x) (docs/page.md, "The
// testable surface").

import { mathml } from "./dom.js";
import { short } from "./format.js";

const TIGHT = new Set(["/", "·", "‖"]); // operators set without the space around them

/** One number of the answer: its short form drawn, the exact one in data-value. */
function number(name, value, unit = null) {
  return mathml("mn", {
    class: "num", "data-name": name, "data-unit": unit, "data-value": String(value), tabindex: -1,
    text: typeof value === "number" && !Number.isInteger(value) ? short(value) : String(value).replace("-", "−"),
  });
}

/** A vector as [v₀ v₁ … ]: its first `shown` entries (all when `shown` is Infinity), then "…". */
function vector(name, values, shown) {
  const parts = [mathml("mo", { text: "[" })];
  values.slice(0, shown).forEach((v, unit) => parts.push(number(name, v, unit)));
  if (values.length > shown) parts.push(mathml("mo", { text: "…" }));
  parts.push(mathml("mo", { text: "]" }));
  return mathml("mrow", { class: "vec" }, parts);
}

/**
 * A tree node as MathML. `valueOf(name)` gives the slot's number or vector (null: not known);
 * `shown` how many entries of a vector to show.
 */
function typeset(node, valueOf, shown) {
  switch (node.kind) {
    case "row": return mathml("mrow", {}, node.children.map((c) => typeset(c, valueOf, shown)));
    case "script": {
      const base = typeset(node.base, valueOf, shown);
      if (node.sub && node.sup) return mathml("msubsup", {}, [base, typeset(node.sub, valueOf, shown), typeset(node.sup, valueOf, shown)]);
      return mathml(node.sub ? "msub" : "msup", {}, [base, typeset(node.sub ?? node.sup, valueOf, shown)]);
    }
    case "value": {
      const value = valueOf(node.name);
      if (value === null || value === undefined) return mathml("mi", { class: "pending", text: "…" });
      return Array.isArray(value) ? vector(node.name, value, shown) : number(node.name, value);
    }
    case "mo": return mathml("mo", { text: node.text, ...(TIGHT.has(node.text) ? { lspace: "0", rspace: "0" } : {}) });
    default: return mathml(node.kind, { text: node.text });
  }
}

/** A formula's pieces (equations.formulaPieces) as inline <math> elements that wrap between them. */
export function mathLine(pieces, valueOf, shown) {
  return pieces.map((tree) => mathml("math", { class: tree.children.some((c) => c.kind === "value") ? "values" : "formula" },
    [typeset(tree, valueOf, shown)]));
}

// Formulas (equations.js's trees) typeset as MathML elements, built with createElementNS (dom.js),
// never from markup. A `$name` slot becomes the API's number or vector, each number an <mn> with
// data-name, data-unit (a vector's entry) and data-value = String(x) (docs/page.md, "The
// testable surface").

import { mathml } from "./dom.js";
import { short } from "./format.js";

const TIGHT = new Set(["/", "·", "‖"]); // operators set without the space around them

/** The data attributes of a number of /api/explain: its name, its unit (a vector's entry), its value. */
export function answerAttributes(name, value, unit) {
  return { "data-name": name, "data-unit": unit, "data-value": String(value) };
}

/** One number: its short form drawn, the exact one in the data attributes `o.attributes` gives. */
function number(name, value, unit, o) {
  return mathml("mn", {
    class: "num", tabindex: -1, ...o.attributes(name, value, unit),
    text: (typeof value === "number" && !Number.isInteger(value) ? short(value) : String(value)).replaceAll("-", "−"),
  });
}

/** A vector as [v₀ v₁ … ]: its first `shown` entries (all when `shown` is Infinity), then "…". */
function vector(name, values, o) {
  const parts = [mathml("mo", { text: "[" })];
  values.slice(0, o.shown).forEach((v, unit) => parts.push(number(name, v, unit, o)));
  if (values.length > o.shown) parts.push(mathml("mo", { text: "…" }));
  parts.push(mathml("mo", { text: "]" }));
  return mathml("mrow", { class: "vec" }, parts);
}

/**
 * A tree node as MathML. o.valueOf(name) gives the slot's number or vector (undefined: not known yet);
 * o.shown how many entries of a vector to show; o.attributes(name, value, unit) a number's data.
 */
function typeset(node, o) {
  switch (node.kind) {
    case "row": return mathml("mrow", {}, node.children.map((c) => typeset(c, o)));
    case "script": {
      const base = typeset(node.base, o);
      if (node.sub && node.sup) return mathml("msubsup", {}, [base, typeset(node.sub, o), typeset(node.sup, o)]);
      return mathml(node.sub ? "msub" : "msup", {}, [base, typeset(node.sub ?? node.sup, o)]);
    }
    case "value": {
      const value = o.valueOf(node.name);
      if (value === undefined) return mathml("mi", { class: "pending", text: "…" }); // not here yet
      if (value === null) return mathml("mtext", { class: "none", text: "none" }); // the API's null
      return Array.isArray(value) ? vector(node.name, value, o) : number(node.name, value, null, o);
    }
    case "mo": return mathml("mo", { text: node.text, ...(TIGHT.has(node.text) ? { lspace: "0", rspace: "0" } : {}) });
    default: return mathml(node.kind, { text: node.text });
  }
}

/**
 * A formula's pieces (equations.formulaPieces) as inline <math> elements that wrap between them.
 * o: {valueOf(name), shown (default: every entry), attributes (default: answerAttributes)}.
 */
export function mathLine(pieces, o) {
  const options = { shown: Infinity, attributes: answerAttributes, ...o };
  return pieces.map((tree) => mathml("math", { class: tree.children.some((c) => c.kind === "value") ? "values" : "formula" },
    [typeset(tree, options)]));
}

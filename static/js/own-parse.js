// What a user pastes for their own data, read as the API will take it: a text counted in code
// points (the API's characters), a column of numbers (a series), and an imported model's input
// vectors and targets. Nothing is computed here but counts and numbers as typed. No DOM.

import { count } from "./format.js";

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SHOWN_REFUSALS = 3; // lines named in a refusal before "and n more"

/** A number as typed (decimals, an exponent), or null: no hex, no "Infinity", nothing past float64. */
export function numberOf(text) {
  const t = text.trim();
  if (!NUMBER.test(t)) return null;
  const x = Number(t);
  return Number.isFinite(x) ? x : null;
}

/** A text's characters as the API counts them: code points, so an emoji is one. */
export function characters(text) {
  return Array.from(text);
}

/** A text's distinct characters in code-point order: the vocabulary the API will read it with. */
export function vocabularyOf(text) {
  return [...new Set(Array.from(text))].sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
}

/** A line cut for quoting in a message. */
function quoted(text) {
  const cut = Array.from(text);
  return `“${cut.length > 40 ? `${cut.slice(0, 40).join("")}…` : text}”`;
}

/** Why one line of a column is not a number, or null when it is (its value in `value`). */
function readLine(line) {
  const cells = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, "$1").trim());
  const filled = cells.filter((c) => c !== "");
  if (filled.length > 1) {
    const comma = /^\d+,\d+$/.test(line.trim()) ? " (a decimal comma? write 3.5, not 3,5)" : "";
    return { why: `has ${filled.length} columns; paste one column${comma}` };
  }
  const value = numberOf(filled[0] ?? "");
  if (value !== null) return { value };
  const big = NUMBER.test(filled[0] ?? "") ? "is past what float64 holds" : "is not a number";
  return { why: big };
}

/**
 * A pasted column (CSV with one column, or one number a line; a header line first is allowed;
 * blank lines are skipped), for a series of `min` to `max` numbers:
 * {values, header, refused: [{line, text, why}], error} where `error` says what was refused,
 * line by line (numbered from 1), or is null.
 */
export function parseColumn(text, { min, max }) {
  const values = [];
  const refused = [];
  let header = null;
  let first = true;
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const read = readLine(line);
    if (first && read.why && !/columns/.test(read.why) && !NUMBER.test(line)) header = line; // a header line
    else if (read.why) refused.push({ line: i + 1, text: line, why: read.why });
    else values.push(read.value);
    first = false;
  });
  let error = null;
  if (refused.length) {
    const named = refused.slice(0, SHOWN_REFUSALS).map((r) => `line ${r.line}: ${quoted(r.text)} ${r.why}`);
    const more = refused.length > SHOWN_REFUSALS ? `; and ${refused.length - SHOWN_REFUSALS} more lines` : "";
    error = `Not used: ${named.join("; ")}${more}.`;
  } else if (values.length > max) {
    error = `Not used: ${count(values.length)} numbers; a series takes at most ${count(max)}.`;
  } else if (values.length < min) {
    error = `Not used: ${values.length === 0 ? "no numbers" : "one number"}; a series needs at least ${min}.`;
  }
  return { values, header, refused, error };
}

/** A token of a typed vector: its number, or the text itself for the API to name in its 422. */
const item = (s) => numberOf(s) ?? s;

/** Typed input vectors, one a line (numbers separated by commas or spaces), or null if none. */
export function parseVectors(text) {
  const rows = (text ?? "").split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
  return rows.length ? rows.map((l) => l.split(/[\s,;]+/).filter(Boolean).map(item)) : null;
}

/**
 * Typed targets, one a line: a class index (a whole number alone on its line, when there are
 * several outputs) or a vector of `outputSize` numbers; null if none.
 */
export function parseTargets(text, outputSize) {
  const rows = parseVectors(text);
  if (!rows) return null;
  return rows.map((row) => (row.length === 1 && outputSize > 1 && Number.isInteger(row[0]) ? row[0] : row));
}

/** Vectors as the text a user would type to get them again (one a line). */
export function vectorsText(vectors) {
  return vectors.map((v) => v.map(String).join(", ")).join("\n");
}

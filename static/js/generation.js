// Live generation, the page's part of it (the maths is the API's: each step is POST /api/step):
// which weights and input each step reads, what an output feeds back, and how a token is picked.
// A generator writes as one_to_many and the seq2seq decoder do (docs/maths.md): a step's output
// is the next step's input, one-hot of the picked token (classification) or the value itself
// (regression). At temperature 0 the pick is the argmax of y, as /api/trace feeds back, so the
// steps equal the trace's; above 0 it is drawn from p = softmax(y / temperature) by a seeded
// generator (mulberry32), so the same view and seed write the same sequence. No DOM.

import { argmax } from "./scene.js";

/** A seeded generator of uniform numbers in [0, 1) (mulberry32): the same seed, the same draws. */
export function seededUniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The index drawn from probabilities p with a uniform u in [0, 1). */
export function drawIndex(p, u) {
  let total = 0;
  for (let k = 0; k < p.length; k++) {
    total += p[k];
    if (u < total) return k;
  }
  return p.length - 1; // u past a sum a little under 1
}

/** A one-hot vector of `size` with a 1 at `index`. */
export function oneHot(index, size) {
  return Array.from({ length: size }, (_, k) => (k === index ? 1 : 0));
}

/**
 * The steps a generator walks for a trace: one_to_many's seed step, then steps fed back; a
 * seq2seq's encoder steps reading the trace's source, then the decoder, from `<start>` (zeros).
 * Each: {role, source ("seed" | "given" | "start" | "fed"), x (given steps)}; fed steps go on.
 */
export function generationPlan(trace) {
  if (trace.topology === "seq2seq") {
    const encoder = trace.steps.filter((s) => s.role === "encoder").map((s) => ({ role: "encoder", source: "given", x: s.x, x_label: s.x_label }));
    const start = trace.steps.find((s) => s.role === "decoder"); // reads <start>, a zero vector
    return [...encoder, { role: "decoder", source: "start", x: start.x, x_label: start.x_label }];
  }
  return [{ role: "step", source: "seed" }];
}

/** One step's weights for POST /api/step: the cell's (the encoder's or decoder's), and the output layer where it writes. */
export function stepParams(params, role) {
  if (role === "encoder") return params.encoder;
  const cell = role === "decoder" ? params.decoder : params;
  return { W_ih: cell.W_ih, W_hh: cell.W_hh, b_ih: cell.b_ih, b_hh: cell.b_hh, W_hy: params.W_hy, b_y: params.b_y };
}

/** The seed input of one_to_many as the cell reads it: a token one-hot, or a value. */
export function seedInput(trace, seed) {
  if (trace.input_vocab) return { x: oneHot(trace.input_vocab.indexOf(seed), trace.input_size), x_label: seed };
  return { x: [Number(seed)], x_label: null };
}

/**
 * What a step writes and feeds back: {picked, label, next: {x, x_label}}. Classification: the
 * argmax of y at temperature 0, else an index drawn from p with `uniform()`; regression: y.
 */
export function feedBack(trace, answer, temperature, uniform) {
  if (trace.kind === "regression") return { picked: null, label: null, next: { x: answer.y, x_label: null } };
  const picked = temperature === 0 ? argmax(answer.y) : drawIndex(answer.p, uniform());
  const label = trace.output_vocab ? trace.output_vocab[picked] : String(picked);
  return { picked, label, next: { x: oneHot(picked, trace.output_size), x_label: label } };
}

/** The tokens written so far as text: characters run together, words spaced. */
export function writtenText(trace, steps) {
  const tokens = steps.filter((s) => s.label !== null && s.label !== undefined).map((s) => s.label);
  const characters = (trace.output_vocab ?? []).every((token) => [...token].length === 1);
  return tokens.join(characters ? "" : " ");
}

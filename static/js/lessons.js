// Lessons as data: a title and steps, each a sentence and a view (the visualizer's query
// string, state.js's URL table), and optionally a weight to light. A lesson comes shipped
// (static/lessons/<id>.json), from a teacher's file, or whole in a link (#lesson=…). No DOM.

export const LIMITS = { title: 120, steps: 40, text: 600, view: 2000 };
const WEIGHT = /^((encoder|decoder)\.)?W_(ih|hh)$|^W_hy$/; // the stage's weight keys

/** A lesson checked field by field: {title, steps: [{text, view, highlight}]}; an Error that
 * names what is wrong otherwise (`where` names the lesson in the message). */
export function parseLesson(data, where = "the lesson") {
  const fail = (what) => { throw new Error(`${where}: ${what}`); };
  if (!data || typeof data !== "object" || Array.isArray(data)) fail("expected an object with a title and steps");
  const { title, steps } = data;
  if (typeof title !== "string" || !title.trim() || title.length > LIMITS.title) fail(`"title" must be a text of 1 to ${LIMITS.title} characters`);
  if (!Array.isArray(steps) || !steps.length || steps.length > LIMITS.steps) fail(`"steps" must be a list of 1 to ${LIMITS.steps} steps`);
  return {
    title: title.trim(),
    steps: steps.map((step, k) => {
      const at = `step ${k + 1}`;
      if (!step || typeof step !== "object") fail(`${at} must be an object with "text" and "view"`);
      const { text, view = "", highlight = null } = step;
      if (typeof text !== "string" || !text.trim() || text.length > LIMITS.text) fail(`${at}: "text" must be a text of 1 to ${LIMITS.text} characters`);
      if (typeof view !== "string" || view.length > LIMITS.view || (view && !view.startsWith("?"))) {
        fail(`${at}: "view" must be a query string such as "?topology=seq2seq&cell=gru"`);
      }
      if (highlight !== null && (typeof highlight !== "string" || !WEIGHT.test(highlight))) {
        fail(`${at}: "highlight" must be a weight: W_ih, W_hh, W_hy, or encoder./decoder. and one of the first two`);
      }
      return { text: text.trim(), view, highlight };
    }),
  };
}

/** A lesson as the text after #lesson= : its JSON, UTF-8, in base64url. */
export function encodeLesson(lesson) {
  const bytes = new TextEncoder().encode(JSON.stringify(lesson));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The lesson a #lesson= text carries (checked); an Error when it is not one. */
export function decodeLesson(text) {
  let data;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw new Error("the lesson in this link is damaged (it is not the text a lesson's link holds)");
  }
  return parseLesson(data, "the lesson in this link");
}

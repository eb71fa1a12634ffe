// Lessons into the store: a shipped one (?lesson=<id>, fetched), one a link carries whole
// (#lesson=…), or a teacher's file; each step applied as the view it names (the visualizer's
// query string, read by the URL table; presenter mode and speed stay as they are).

import { fetchLesson } from "./api.js";
import { decodeLesson, encodeLesson, parseLesson } from "./lessons.js";
import { parseState } from "./state.js";

const KEPT = new Set(["presenting", "speed", "lessonId", "lessonStep"]); // a step's view leaves these

/** store: the visualizer's; table: its URL table; onError(message). */
export function createLessonLoader(store, table, { onError }) {
  function show(k) {
    const { lesson } = store.state;
    const step = Math.min(Math.max(0, k), lesson.steps.length - 1);
    const view = parseState(table, lesson.steps[step].view);
    const patch = Object.fromEntries(Object.entries(view).filter(([name]) => !KEPT.has(name)));
    store.patch({ ...patch, lessonStep: step, lessonNote: null, weight: lesson.steps[step].highlight });
  }

  function start(lesson, { id = null, step = 0 } = {}) {
    store.patch({ lesson, lessonId: id, lessonStep: step });
    show(step);
  }

  return {
    /** The lesson the page was opened with, if any: the URL's ?lesson= or #lesson=. */
    async open() {
      const { lessonId, lessonStep } = store.state;
      const carried = new URLSearchParams(location.hash.slice(1)).get("lesson");
      try {
        if (carried) start(decodeLesson(carried), { step: lessonStep });
        else if (lessonId) start(parseLesson(await fetchLesson(lessonId), `the lesson "${lessonId}"`), { id: lessonId, step: lessonStep });
      } catch (error) {
        onError(error.message);
      }
    },
    async play(id) {
      try {
        history.replaceState(null, "", location.pathname + location.search); // no carried lesson now
        start(parseLesson(await fetchLesson(id), `the lesson "${id}"`), { id });
      } catch (error) {
        onError(error.message);
      }
    },
    /** A teacher's lesson file (JSON): played, and carried whole by the page's link. */
    async playFile(file) {
      try {
        if (file.size > 256 * 1024) throw new Error(`${file.name} is over 256 kB: a lesson is a small text file`);
        let data;
        try {
          data = JSON.parse(await file.text());
        } catch {
          throw new Error(`${file.name} is not JSON`);
        }
        const lesson = parseLesson(data, file.name);
        history.replaceState(null, "", `${location.pathname}${location.search}#lesson=${encodeLesson(lesson)}`);
        start(lesson);
      } catch (error) {
        onError(error.message);
      }
    },
    go: (d) => { if (store.state.lesson) show(store.state.lessonStep + d); },
    close() {
      history.replaceState(null, "", location.pathname + location.search);
      store.patch({ lesson: null, lessonId: null, lessonStep: 0, lessonNote: null, weight: null });
    },
    /** The link that opens this lesson at this step: its id, or the lesson itself in the hash. */
    link() {
      const { lesson, lessonId } = store.state;
      const url = new URL(location.href);
      if (!lessonId) url.hash = `lesson=${encodeLesson(lesson)}`;
      return url.href;
    },
  };
}

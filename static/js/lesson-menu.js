// The lessons menu view (in the settings): the shipped lessons to play, and a teacher's own
// lesson file to load; what went wrong with a file is said beside it.

import { el } from "./dom.js";

/** root: the menu's element (parts by data-part); lessons: [{id, title}]; onPlay(id); onFile(file). */
export function createLessonMenu(root, { lessons, onPlay, onFile }) {
  const part = (name) => root.querySelector(`[data-part="${name}"]`);
  const choice = part("lesson-choice");
  choice.replaceChildren(...lessons.map((l) => el("option", { value: l.id, text: l.title })));
  part("lesson-play").addEventListener("click", () => onPlay(choice.value));
  const file = part("lesson-file");
  file.addEventListener("change", () => {
    if (file.files.length) onFile(file.files[0]);
    file.value = "";
  });

  function update({ state, changed }) {
    if (changed.has("lessonError")) part("lesson-error").textContent = state.lessonError ?? "";
    if (changed.has("lessonId") && state.lessonId) choice.value = state.lessonId;
  }
  return { update, resize() {} };
}

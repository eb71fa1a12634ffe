// The lesson bar view: the lesson's title, where it is ("3 / 7"), the step's sentence, and its
// buttons (back, next, a link that carries the lesson, close). Text goes in as text only.

/** nodes: {root, title, counter, text, back, next, link, close}; actions: {go(k), close(), copyLink()}. */
export function createLessonPlayer(nodes, actions) {
  nodes.back.addEventListener("click", () => actions.go(-1));
  nodes.next.addEventListener("click", () => actions.go(1));
  nodes.close.addEventListener("click", () => actions.close());
  nodes.link.addEventListener("click", () => actions.copyLink());

  function update({ state, changed }) {
    if (!["lesson", "lessonStep", "lessonNote", "lessonError"].some((k) => changed.has(k))) return;
    const { lesson } = state;
    nodes.root.hidden = !lesson && !state.lessonError;
    nodes.root.dataset.kind = lesson ? "lesson" : "error";
    document.body.classList.toggle("in-lesson", Boolean(lesson));
    for (const button of [nodes.back, nodes.next, nodes.link]) button.hidden = !lesson;
    if (!lesson) { // a lesson that could not be opened says why, in presenter mode too
      nodes.title.textContent = "No lesson";
      nodes.counter.textContent = "";
      nodes.text.textContent = state.lessonError ?? "";
      return;
    }
    const k = Math.min(state.lessonStep, lesson.steps.length - 1);
    nodes.root.dataset.step = k;
    nodes.title.textContent = lesson.title;
    nodes.counter.textContent = `${k + 1} / ${lesson.steps.length}`;
    nodes.text.textContent = state.lessonNote ?? lesson.steps[k].text;
    nodes.back.disabled = k === 0;
    nodes.next.disabled = k === lesson.steps.length - 1;
  }
  return { update, resize() {} };
}

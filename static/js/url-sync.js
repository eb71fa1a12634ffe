// The URL as one subscriber of the store: the query string always describes the view that is
// drawn (a refused input never reaches it), written at most every 250 ms while playing.

import { serializeState, TRACE_FIELDS } from "./state.js";

const EVERY_MS = 250;

export function syncUrl(store, table) {
  let timer = null;
  const write = () => {
    clearTimeout(timer);
    timer = null;
    const { state } = store;
    if (!state.drawn) return; // nothing drawn yet: the link stays as it was opened
    const url = `${location.pathname}${serializeState(table, { ...state, ...state.drawn })}${location.hash}`;
    // replaceState costs milliseconds: only when the link changes (not when a field that has not
    // been drawn yet changes, say, a seed still being fetched)
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, "", url);
  };
  const watched = ["drawn", "phase", "t", "speed", "presenting", "lessonId", "lessonStep", "compareWith"];
  store.subscribe((changed, state) => {
    if (!watched.some((k) => changed.has(k)) && !TRACE_FIELDS.some((k) => changed.has(k))) return;
    if (state.playing) {
      if (timer === null) timer = setTimeout(write, EVERY_MS);
    } else {
      write();
    }
  });
  return { write };
}

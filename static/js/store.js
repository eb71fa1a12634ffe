// One small store for a page: the view state (the URL's fields, the playhead among them), the
// drawn trace's scene, and what else views share. patch() merges, subscribe() hears each change
// with the names of the fields that changed. No DOM.

/**
 * A patch made while subscribers are being told of another is queued and told after, so every
 * subscriber hears every change, in order, with the state as it then is; a subscriber that
 * throws is reported (to the console) and the others are told all the same.
 */
export function createStore(initial) {
  let state = { ...initial };
  const subscribers = new Set();
  const queue = [];
  let telling = false;

  function patch(partial) {
    queue.push(partial);
    if (telling) return;
    telling = true;
    try {
      while (queue.length) {
        const next = queue.shift();
        const changed = new Set(Object.keys(next).filter((k) => !Object.is(state[k], next[k])));
        if (!changed.size) continue;
        state = { ...state, ...next };
        for (const fn of [...subscribers]) {
          try {
            fn(changed, state);
          } catch (error) { // one subscriber's bug must not keep the others from hearing
            reportError(error);
          }
        }
      }
    } finally {
      telling = false;
    }
  }

  return {
    get state() { return state; },
    patch,
    /** fn(changed: Set of field names, state); returns a function that unsubscribes. */
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}

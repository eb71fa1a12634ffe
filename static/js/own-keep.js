// Your own data kept for a reload of this tab: a pasted text, pasted numbers, an imported model and
// the vectors typed for it live in sessionStorage, since no link can carry them (docs/page.md,
// "What a link carries"). One key a field, written when it changes; a field too large for the
// browser to keep is still drawn, and `keepError` says a reload will lose it.

const PREFIX = "unroll.own.";
export const KEPT = ["ownText", "ownSeries", "model", "modelInputs", "modelTargets"];

/** The fields this tab kept (null where none). */
export function keptOwnData() {
  return Object.fromEntries(KEPT.map((name) => {
    try {
      return [name, JSON.parse(sessionStorage.getItem(PREFIX + name) ?? "null")];
    } catch {
      return [name, null];
    }
  }));
}

/** Keep each field of KEPT whenever it changes; the store's `keepError` names what could not be kept. */
export function keepOwnData(store) {
  const lost = new Set();
  store.subscribe((changed, state) => {
    const names = KEPT.filter((name) => changed.has(name));
    if (!names.length) return;
    for (const name of names) {
      try {
        if (state[name] === null) sessionStorage.removeItem(PREFIX + name);
        else sessionStorage.setItem(PREFIX + name, JSON.stringify(state[name]));
        lost.delete(name);
      } catch { // over the browser's quota (a few MB): drawn now, gone after a reload
        sessionStorage.removeItem(PREFIX + name);
        lost.add(name);
      }
    }
    const keepError = lost.size ? `Too large for this browser to keep for a reload: ${[...lost].join(", ")}.` : null;
    if (keepError !== state.keepError) store.patch({ keepError });
  });
}

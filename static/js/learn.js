// The Learn page (`/learn`): short sections, each linking to the view that shows it. Its terms'
// one-line definitions are CSS tooltips (static/css/learn.css); this module gives the page the
// shell every page has: presenter mode (F) and the shortcuts (?).

import { bindKeys } from "./keys.js";
import { createShell } from "./page-shell.js";
import { createStore } from "./store.js";

const store = createStore({ presenting: new URLSearchParams(location.search).get("present") === "1" });
const shell = createShell(store);
store.subscribe((changed, state) => shell.update({ state, changed }));
shell.update({ state: store.state, changed: new Set(["presenting"]) });
bindKeys({ present: () => shell.togglePresenting(), help: () => shell.showHelp() });

// Keyboard shortcuts (docs/page.md). A page binds the actions it has: Space, ←/→, Home/End, B,
// U (fold ⇄ unfold), I (presenter mode's inspector), 1–5, F, ?, and the settings a presenter
// changes without leaving presenter mode (C cell, T trained weights, [ ] ρ, R ρ's default, − +
// length); a key whose action a page lacks is left alone. Keys typed into a field stay in the field; Space and Enter on a button press the button.

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const TOGGLES = new Set(["checkbox", "radio", "file"]); // inputs that take no keys but Space (or Enter)

/** key -> [action name, its argument]. */
const KEYS = {
  " ": ["toggle"], ArrowLeft: ["step", -1], ArrowRight: ["step", 1], Home: ["home"], End: ["end"],
  b: ["backward"], B: ["backward"], f: ["present"], F: ["present"], "?": ["help"],
  u: ["fold"], U: ["fold"], i: ["inspect"], I: ["inspect"],
  c: ["cell", 1], C: ["cell", -1], t: ["trained"], T: ["trained"],
  "[": ["scale", -1], "]": ["scale", 1], r: ["scale", 0], R: ["scale", 0],
  "-": ["length", -1], "+": ["length", 1], "=": ["length", 1],
  ...Object.fromEntries([1, 2, 3, 4, 5].map((n) => [String(n), ["topology", n - 1]])),
};

export function bindKeys(actions) {
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.target;
    const toggle = target.tagName === "INPUT" && TOGGLES.has(target.type);
    if ((TYPING.has(target.tagName) && !toggle) || target.isContentEditable) return;
    if (target.closest?.("dialog[open]")) return;
    const onButton = toggle || target.tagName === "BUTTON" || target.tagName === "A" || target.closest?.("[role=button]");
    if (e.key === " " && onButton) return; // Space presses the focused button
    const [name, argument] = KEYS[e.key] ?? [];
    const action = actions[name];
    if (!action) return;
    e.preventDefault();
    action(argument);
  });
}

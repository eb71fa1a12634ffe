// Keyboard shortcuts (docs/page.md): Space, ←/→, Home/End, B, 1–5, F, ?, and the settings a
// presenter changes without leaving presenter mode: C cell, T trained weights, [ ] ρ, R ρ's
// default, − + length.
// Keys typed into a field stay in the field; Space and Enter on a button press the button.

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const TOGGLES = new Set(["checkbox", "radio"]); // inputs that take no keys but Space

export function bindKeys(actions) {
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.target;
    const toggle = target.tagName === "INPUT" && TOGGLES.has(target.type);
    if ((TYPING.has(target.tagName) && !toggle) || target.isContentEditable) return;
    if (target.closest?.("dialog[open]")) return;
    const onButton = toggle || target.tagName === "BUTTON" || target.tagName === "A" || target.closest?.("[role=button]");
    const key = e.key;
    const act = (fn) => { e.preventDefault(); fn(); };
    if (key === " ") { if (!onButton) act(actions.toggle); }
    else if (key === "ArrowLeft") act(() => actions.step(-1));
    else if (key === "ArrowRight") act(() => actions.step(1));
    else if (key === "Home") act(actions.home);
    else if (key === "End") act(actions.end);
    else if (key === "b" || key === "B") act(actions.backward);
    else if (key >= "1" && key <= "5") act(() => actions.topology(Number(key) - 1));
    else if (key === "f" || key === "F") act(actions.present);
    else if (key === "?") act(actions.help);
    else if (actions.cell && (key === "c" || key === "C")) act(() => actions.cell(key === "C" ? -1 : 1));
    else if (actions.trained && (key === "t" || key === "T")) act(actions.trained);
    else if (actions.scale && (key === "[" || key === "]")) act(() => actions.scale(key === "]" ? 1 : -1));
    else if (actions.scale && (key === "r" || key === "R")) act(() => actions.scale(0));
    else if (actions.length && (key === "-" || key === "+" || key === "=")) act(() => actions.length(key === "-" ? -1 : 1));
  });
}

// Keyboard shortcuts (docs/page.md): Space, ←/→, Home/End, B, U, I, 1–5, F, ?.
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
    else if (key === "u" || key === "U") act(actions.fold);
    else if (key === "i" || key === "I") act(actions.inspect);
    else if (key >= "1" && key <= "5") act(() => actions.topology(Number(key) - 1));
    else if (key === "f" || key === "F") act(actions.present);
    else if (key === "?") act(actions.help);
  });
}

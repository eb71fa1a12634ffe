// The fold ⇄ unfold button (key U): it says what pressing it does, and is pressed while folded.

export function createFoldButton(button, { onToggle }) {
  button.addEventListener("click", onToggle);
  function update({ state, changed }) {
    if (!changed.has("folded")) return;
    button.setAttribute("aria-pressed", String(state.folded));
    button.textContent = state.folded ? "unfold (U)" : "fold (U)";
    button.title = state.folded ? "Unfold the cell into the chain of T copies (U)" : "Fold the chain back into one cell with a loop (U)";
  }
  return { update, resize() {} };
}

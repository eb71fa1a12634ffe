// The inspector in presenter mode: hidden (the stage fills the screen) until the presenter asks
// for it (key I or the button), then beside the stage in large type.

export function createPresenterInspector(button, { onToggle }) {
  button.addEventListener("click", onToggle);
  function update({ state, changed }) {
    if (!changed.has("inspecting")) return;
    document.body.classList.toggle("inspecting", state.inspecting);
    button.setAttribute("aria-pressed", String(state.inspecting));
    button.textContent = state.inspecting ? "hide the step (I)" : "show the step (I)";
  }
  return { update, resize() {} };
}

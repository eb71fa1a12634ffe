// The shell every page shares (templates/base.html): the top bar's shortcuts dialog, presenter
// mode (F: large type, full screen) with its link for students, and, on a phone, the settings
// behind a button.

/** This page's address without presenter mode: what students open. */
export function studentLink(href) {
  const url = new URL(href);
  url.searchParams.delete("present");
  return url.href;
}

export function createShell(store) {
  const help = document.getElementById("shortcuts");
  const present = document.getElementById("present-button");
  const settings = document.getElementById("settings-button");

  function togglePresenting() {
    const presenting = !store.state.presenting;
    store.patch({ presenting });
    const full = document.fullscreenElement;
    if (presenting && !full) document.documentElement.requestFullscreen?.().catch(() => {});
    if (!presenting && full) document.exitFullscreen?.().catch(() => {});
  }
  const showHelp = () => help.showModal();

  document.getElementById("help-button").addEventListener("click", showHelp);
  present.addEventListener("click", togglePresenting);
  const linkDialog = document.getElementById("student-link");
  const link = document.getElementById("student-url");
  document.getElementById("student-link-button").addEventListener("click", () => {
    link.href = link.textContent = studentLink(location.href);
    document.getElementById("student-link-copied").textContent = "";
    linkDialog.showModal();
  });
  document.getElementById("student-link-copy").addEventListener("click", async () => {
    const said = document.getElementById("student-link-copied");
    try {
      await navigator.clipboard.writeText(link.href);
      said.textContent = "Copied.";
    } catch {
      said.textContent = "Copying was refused: select the link and copy it.";
    }
  });
  settings?.addEventListener("click", () => {
    const open = !document.body.classList.contains("settings-open");
    document.body.classList.toggle("settings-open", open);
    settings.setAttribute("aria-expanded", String(open));
  });

  function update({ state, changed }) {
    if (!changed.has("presenting")) return;
    document.body.classList.toggle("presenting", state.presenting);
    present.setAttribute("aria-pressed", String(state.presenting));
  }
  return { update, resize() {}, togglePresenting, showHelp };
}

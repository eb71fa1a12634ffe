// "What am I looking at?": the short explanation beside the picture, hidable (remembered per
// browser), with the chosen topology's description and why its task needs memory.

const KEY = "unroll.intro";

/** nodes: {toggle, body, explainer}. */
export function createIntro(nodes, { catalog, taskOf }) {
  const setOpen = (open) => {
    nodes.body.hidden = !open;
    nodes.toggle.textContent = open ? "hide" : "show";
    nodes.toggle.setAttribute("aria-expanded", String(open));
    localStorage.setItem(KEY, open ? "open" : "closed");
  };
  nodes.toggle.addEventListener("click", () => setOpen(nodes.body.hidden));
  if (localStorage.getItem(KEY) === "closed") setOpen(false);

  function update({ state, changed }) {
    if (!["topology", "data", "model", "cell", "hiddenSize"].some((k) => changed.has(k))) return;
    const topology = catalog.topology(state.topology);
    nodes.explainer.textContent = `${topology.name}: ${topology.description} Here: ${taskOf(state).why_memory}`;
  }
  return { update, resize() {} };
}

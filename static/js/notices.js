// The notice bar view: loading progress, a busy server being retried, a server that cannot be
// reached or that failed (with "Try again"). A refused input is shown beside its field instead.

/** nodes: {box, text, progress, retry}; onRetry() when "Try again" is pressed. */
export function createNotices(nodes, { onRetry }) {
  nodes.retry.addEventListener("click", () => onRetry());

  function show(kind, message, { fraction = null, canRetry = false } = {}) {
    nodes.box.hidden = false;
    nodes.box.dataset.kind = kind;
    nodes.text.textContent = message;
    nodes.progress.hidden = fraction === null;
    if (fraction !== null) nodes.progress.value = fraction;
    nodes.retry.hidden = !canRetry;
  }

  function clear() {
    nodes.box.hidden = true;
    nodes.retry.hidden = true;
  }

  /** status: {kind: "ready" | "loading" | "receiving" | "busy" | "failed", message, fraction, canRetry, input}. */
  function update({ state, changed }) {
    if (!changed.has("status")) return;
    const { status } = state;
    if (status.kind === "loading" || status.kind === "receiving") show("info", status.message, { fraction: status.fraction ?? null });
    else if (status.kind === "busy") show("busy", status.message);
    else if (status.kind === "failed" && !status.input) show("error", status.message, { canRetry: status.canRetry });
    else clear();
  }
  return { update, resize() {}, show, clear };
}

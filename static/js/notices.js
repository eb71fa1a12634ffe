// The notice bar: loading progress, a busy server being retried, a server that cannot be reached.

const $ = (id) => document.getElementById(id);

export function createNotices({ onRetry }) {
  const box = $("notice");
  const text = $("notice-text");
  const progress = $("notice-progress");
  const retry = $("notice-retry");
  retry.addEventListener("click", () => onRetry());

  return {
    /** kind: "info" | "busy" | "error"; fraction: a number in [0, 1] shows a progress bar. */
    show(kind, message, { fraction = null, canRetry = false } = {}) {
      box.hidden = false;
      box.dataset.kind = kind;
      text.textContent = message;
      progress.hidden = fraction === null;
      if (fraction !== null) progress.value = fraction;
      retry.hidden = !canRetry;
    },
    clear() {
      box.hidden = true;
      retry.hidden = true;
    },
  };
}

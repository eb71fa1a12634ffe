// A classic script loaded on demand, once (a vendored library: plotly.js for the charts), and
// the moment to load it without delaying a drawing: after the browser has painted.

import { el } from "./dom.js";

const loading = new Map(); // src -> the promise of its load

/** Adds <script src> to the head once; the promise settles when it has run, or failed to load. */
export function loadScript(src) {
  if (!loading.has(src)) {
    loading.set(src, new Promise((resolve, reject) => {
      const script = el("script", { src });
      script.addEventListener("load", () => resolve());
      script.addEventListener("error", () => reject(new Error(`${src} did not load`)));
      document.head.append(script);
    }));
  }
  return loading.get(src);
}

/** After the next frame has been painted: a frame's callback, then a task after it. */
export function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

// The "take it with you" view (DESIGN §6.1, Export): the drawn view as files named
// unroll-<topology>-<cell>-seed<seed>.<ext>: the stage as SVG (standalone, holding the drawn
// data-* values) and as PNG at 2× its size, the trace as JSON exactly as the API sent it, and the
// PyTorch script of POST /api/export/pytorch, downloaded or copied to the clipboard.

import { el } from "./dom.js";
import { exportName } from "./scene.js";
import { download, pngOf, standaloneSvg } from "./svg-export.js";

const PNG_SCALE = 2;

/**
 * root: the section's element; stage: the [data-stage] element whose <svg> is exported;
 * fetchJson(request) -> the trace's JSON as the API sends it (a Blob); fetchScript(request) -> {script, name}.
 */
export function createExportsPanel(root, { stage, fetchJson, fetchScript }) {
  const button = (kind, text, label) => el("button", { type: "button", class: "small", "data-export": kind, text, "aria-label": label });
  const buttons = [
    button("svg", "SVG", "Download the stage as SVG"),
    button("png", "PNG 2×", "Download the stage as PNG at twice its size"),
    button("json", "JSON", "Download the trace as JSON, as the API sent it"),
    button("py", ".py", "Download the view as a PyTorch script"),
    button("copy", "Copy as PyTorch", "Copy the view's PyTorch script to the clipboard"),
  ];
  const status = el("p", { class: "hint export-status", role: "status", "aria-live": "polite" });
  root.replaceChildren(
    el("h2", { id: "exports-title", text: "Take it with you" }),
    el("div", { class: "export-buttons", role: "group", "aria-labelledby": "exports-title" }, buttons),
    status,
    el("p", { class: "hint", text: "The picture is the stage as drawn (the steps in view, up to the playhead). The script rebuilds this view in PyTorch (float64), runs it and checks every number: it prints ok." }),
  );

  let scene = null;
  let script = null; // {request, promise}: the drawn view's script, fetched once
  const say = (text, failed = false) => {
    status.textContent = text;
    status.classList.toggle("failed", failed);
  };
  const scriptOf = () => {
    if (script?.request !== scene.request) script = { request: scene.request, promise: fetchScript(scene.request) };
    const mine = script;
    mine.promise.catch(() => { if (script === mine) script = null; }); // a failure is fetched again next time
    return mine.promise;
  };
  const drawing = () => stage.querySelector("svg");
  const svgText = () => standaloneSvg(drawing(), {
    title: `Unroll: ${scene.title}`,
    description: `Drawn by Unroll from /api/trace (${scene.trace.topology}, ${scene.trace.cell}, seed ${scene.request.seed}). Every drawn value carries its number as data-value.`,
  });

  const ACTIONS = {
    async svg() {
      const name = exportName(scene, "svg");
      download(new Blob([svgText()], { type: "image/svg+xml" }), name);
      return `Saved ${name}.`;
    },
    async png() {
      const name = exportName(scene, "png");
      const [width, height] = ["width", "height"].map((side) => Number(drawing().getAttribute(side)));
      download(await pngOf(svgText(), width, height, PNG_SCALE), name);
      return `Saved ${name} (${width * PNG_SCALE} × ${height * PNG_SCALE} px).`;
    },
    async json() {
      const body = await fetchJson(scene.request);
      const name = exportName(scene, "json");
      download(body, name);
      return `Saved ${name}: the trace exactly as the API sent it.`;
    },
    async py() {
      const { script: text, name } = await scriptOf();
      download(new Blob([text], { type: "text/x-python" }), name ?? exportName(scene, "py"));
      return `Saved ${name}: run it with python (it needs torch) and it prints ok.`;
    },
    async copy() {
      const pending = scriptOf();
      try { // a ClipboardItem given a promise keeps the click's permission while the script comes
        await navigator.clipboard.write([new ClipboardItem({ "text/plain": pending.then((s) => new Blob([s.script], { type: "text/plain" })) })]);
      } catch (error) {
        if (!navigator.clipboard?.writeText) throw error;
        await navigator.clipboard.writeText((await pending).script);
      }
      return "Copied the PyTorch script to the clipboard.";
    },
  };
  for (const b of buttons) {
    b.addEventListener("click", async () => {
      if (!scene) return;
      say("…");
      try {
        say(await ACTIONS[b.dataset.export]());
      } catch (error) {
        say(`Not exported: ${error.message}`, true);
      }
    });
  }

  function update({ scene: next, changed }) {
    if (!changed.has("scene")) return;
    scene = next;
    for (const b of buttons) b.disabled = !scene;
    say("");
  }
  return { update, resize() {} };
}

// The stage as files that stand alone (DESIGN §6.1, Export): its SVG with the page's style rules
// that apply to it embedded (custom properties resolved, the type size fixed in px) on a white
// ground, holding every drawn data-* value; a PNG drawn from that SVG on a canvas; and a download
// of any Blob through a blob: URL and an <a download>. Nothing is parsed as HTML.

import { el, svg } from "./dom.js";

const VAR = /var\((--[\w-]+)\)/g;

/** Whether a style rule's selector picks anything in (or is) the SVG. */
function applies(selectorText, root) {
  return selectorText.split(",").some((selector) => {
    try {
      return root.matches(selector) || root.querySelector(selector) !== null;
    } catch {
      return false; // a selector this browser cannot test
    }
  });
}

/** The text of the page's style rules that apply to `root`, with var(--x) replaced by its value. */
function appliedCss(root) {
  const style = getComputedStyle(root);
  const rules = [];
  for (const sheet of document.styleSheets) {
    let list;
    try {
      list = sheet.cssRules;
    } catch {
      continue; // a sheet from elsewhere (there is none: CSP) cannot be read
    }
    for (const rule of list) {
      if (rule instanceof CSSStyleRule && applies(rule.selectorText, root)) rules.push(rule.cssText);
    }
  }
  return rules.join("\n").replace(VAR, (_, name) => style.getPropertyValue(name).trim() || "initial");
}

/**
 * The stage's <svg> as a standalone SVG document (text): the drawing as it is, every data-*
 * attribute kept, with `title` and `description` for a reader.
 */
export function standaloneSvg(root, { title, description }) {
  const copy = root.cloneNode(true);
  for (const node of copy.querySelectorAll(".entering")) node.classList.remove("entering");
  const style = getComputedStyle(root);
  copy.setAttribute("style", `font-size: ${style.fontSize}; font-family: ${style.fontFamily}`);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const css = svg("style", { text: appliedCss(root) });
  const ground = svg("rect", { x: 0, y: 0, width: "100%", height: "100%", fill: "#ffffff" });
  copy.prepend(svg("title", { text: title }), svg("desc", { text: description }), css, ground);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** A PNG of an SVG document of `width` × `height` px, drawn at `scale` times its size. */
export async function pngOf(svgText, width, height, scale = 2) {
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    await new Promise((resolve, reject) => {
      image.onload = resolve;
      image.onerror = () => reject(new Error("the browser could not draw the SVG"));
      image.src = url;
    });
    const canvas = el("canvas", { width: Math.round(width * scale), height: Math.round(height * scale) });
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the canvas gave no PNG"))), "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Save a Blob as a file named `name` (the browser's download). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// Building DOM and SVG nodes. Text always goes in as textContent: nothing here parses HTML.

const SVG_NS = "http://www.w3.org/2000/svg";
const MATHML_NS = "http://www.w3.org/1998/Math/MathML";

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.setAttribute("class", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** An HTML element: el("p", {class: "hint", text: "…"}, [children]). */
export function el(tag, attrs = {}, children = []) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, likewise. */
export function svg(tag, attrs = {}, children = []) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** A MathML element, likewise (MathML Core: native in Chromium and Firefox). */
export function mathml(tag, attrs = {}, children = []) {
  return fill(document.createElementNS(MATHML_NS, tag), attrs, children);
}

/** Replace a node's children. */
export function replaceChildren(node, children) {
  node.replaceChildren(...children.filter(Boolean));
}

/** `parent`'s children made exactly `nodes`, in order, moving only the ones that must move:
 * a node that stays where it is is not styled and laid out again (replacing them all would do
 * that for every column of the stage, and every line of the inspector, at each step played). */
export function placeChildren(parent, nodes) {
  const keep = new Set(nodes);
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, k) => {
    if (parent.children[k] !== node) parent.insertBefore(node, parent.children[k] ?? null);
  });
}

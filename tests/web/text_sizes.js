// Every visible text on the page with its rendered size in CSS px, smallest first: for HTML the
// computed font-size; for SVG text the font-size times the element's scale on screen.
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const owner = node.parentElement;
    if (!text || !owner || owner.closest("title, script, style, [hidden], .sr-only, dialog:not([open])")) continue;
    const style = getComputedStyle(owner);
    if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.bottom < 0 || box.top > innerHeight || box.right < 0 || box.left > innerWidth) continue;
    let px = parseFloat(style.fontSize);
    if (owner instanceof SVGElement) {
      const svg = owner.ownerSVGElement;
      const matrix = owner.getScreenCTM?.();
      if (matrix) px *= Math.hypot(matrix.a, matrix.b);
      if (svg && !matrix) continue;
    }
    found.push({ px: Math.round(px * 10) / 10, text: text.slice(0, 30), where: owner.closest("[id]")?.id ?? owner.tagName });
  }
  return found.sort((a, b) => a.px - b.px);
}

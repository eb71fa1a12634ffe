// The tooltip that gives a drawn value's exact number: hover a unit, a bar or a gradient label.

export function attachTooltip(container, tooltip, describe) {
  container.addEventListener("pointermove", (e) => {
    const node = e.target.closest?.("[data-value]");
    const text = node ? describe(node) : null;
    if (!text) { tooltip.hidden = true; return; }
    tooltip.textContent = text;
    tooltip.hidden = false;
    const box = container.getBoundingClientRect();
    const x = Math.min(e.clientX - box.left + 14, box.width - tooltip.offsetWidth - 4);
    const y = e.clientY - box.top - tooltip.offsetHeight - 10;
    tooltip.style.transform = `translate(${Math.max(4, x)}px, ${y < 0 ? e.clientY - box.top + 18 : y}px)`;
  });
  container.addEventListener("pointerleave", () => { tooltip.hidden = true; });
}

// A group of buttons that act as one radio group (WAI-ARIA's radio group pattern): one Tab stop,
// the checked button; ←/→ (and ↑/↓, Home, End) move the choice within the group; Space, Enter or
// a click choose a button.

const NEXT = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** buttons: elements with `data-<attribute>` holding their value; onChoose(value) is told. */
export function radioGroup(buttons, valueOf, onChoose) {
  const choose = (button) => {
    button.focus();
    onChoose(valueOf(button));
  };
  buttons.forEach((button, k) => {
    button.setAttribute("role", "radio");
    button.addEventListener("click", () => onChoose(valueOf(button)));
    button.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      let to = null;
      if (e.key in NEXT) to = (k + NEXT[e.key] + buttons.length) % buttons.length;
      else if (e.key === "Home") to = 0;
      else if (e.key === "End") to = buttons.length - 1;
      if (to === null) return;
      e.preventDefault();
      choose(buttons[to]);
    });
  });
  return {
    /** Check the button of `value`: it alone takes Tab. */
    set(value) {
      for (const button of buttons) {
        const checked = valueOf(button) === value;
        button.setAttribute("aria-checked", String(checked));
        button.tabIndex = checked ? 0 : -1;
      }
    },
  };
}

"""The engine's two ways to refuse: bad input from a caller, and a network that overflowed."""


class InputError(ValueError):
    """A caller's value the engine cannot use; `field` names it, the message says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def __reduce__(self):  # pickled as its own arguments, so it crosses a process pool intact
        return type(self), (self.field, self.message)


class Diverged(ArithmeticError):
    """A value overflowed float64 at timestep `step` of the forward or backward pass (or, in
    training, somewhere in a mini-batch: `step` is None)."""

    def __init__(self, step: int | None, phase: str, quantity: str):
        where = f"at step {step} of the {phase} pass" if step is not None else f"in {phase}"
        super().__init__(f"the network diverged: {quantity} overflowed float64 {where}")
        self.step = step
        self.phase = phase
        self.quantity = quantity

    def __reduce__(self):
        return type(self), (self.step, self.phase, self.quantity)


def counted(n: int, noun: str) -> str:
    """'1 number', '2 numbers': a count for a message."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

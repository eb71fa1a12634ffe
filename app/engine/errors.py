"""The engine's two ways to refuse: bad input from a caller, and a network that overflowed."""


class InputError(ValueError):
    """A caller's value the engine cannot use; `field` names it, the message says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Diverged(ArithmeticError):
    """A value overflowed float64 at step `step` of the forward or backward pass."""

    def __init__(self, step: int, phase: str, quantity: str):
        super().__init__(
            f"the network diverged: {quantity} overflowed float64 at step {step} of the {phase} pass"
        )
        self.step = step
        self.phase = phase
        self.quantity = quantity

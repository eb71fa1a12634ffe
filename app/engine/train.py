"""Training: Adam on mini-batches of the task's examples, with gradient clipping.

Deterministic from a seed. A mini-batch holds `batch_size` examples, which run side by side
through one Unroller, padded to the longest (each example's numbers are those it has alone);
the batch's loss is the mean over its examples of each example's mean loss, and the gradient
is that loss's. Under a curriculum (`TrainSettings.curriculum`) each mini-batch has one length,
drawn from its phase's range. Training feeds the targets back (teacher forcing); `evaluate`
measures what a user sees, the network feeding back its own predictions.
"""

import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .config import MAX_STEP_WORK, RANGES, Range, TrainSettings
from .errors import Diverged, InputError
from .network import Network
from .tree import leaves, tree_map
from .unroll import Unroller, backward, finite_mean

DEFAULTS = TrainSettings()
TRAIN_STREAM, EVAL_STREAM = 1, 2  # seed -> two independent streams of examples


def step_work(net: Network, settings: TrainSettings) -> int:
    """A measure of one optimisation step's arithmetic, to keep live training steps short."""
    task = net.task
    steps = settings.trained_lengths(task.lengths)[1]
    if net.topology.id == "seq2seq":
        steps *= 2  # the decoder writes as many steps as the encoder reads
    per_step = net.cell.blocks * net.hidden_size * (task.input_size + net.hidden_size + task.output_size)
    return settings.batch_size * steps * per_step


def check_settings(net: Network, s: TrainSettings, live: bool, given: bool = False):
    """Each setting within its bounds, or an InputError naming the first that is not. `live`
    training (streamed by the server) is also bounded in seconds and in work per step. `given`:
    the request brought inputs or targets, which only the vectors task trains on (and needs)."""
    task = net.task
    task.check_trainable(given)
    for field in ("steps", "learning_rate", "batch_size"):
        RANGES[field].check(field, getattr(s, field))
    if s.length is not None:
        Range(1, task.max_length).check("length", s.length, f" for {task.id}")
    for k, phase in enumerate(s.curriculum):
        RANGES["steps"].check(f"curriculum[{k}].steps", phase.steps)
        for end in phase.lengths or ():
            Range(1, task.max_length).check(f"curriculum[{k}].lengths", end, f" for {task.id}")
    if s.curriculum and sum(phase.steps for phase in s.curriculum) != s.steps:
        raise InputError("curriculum", f"its phases' steps must add up to steps = {s.steps}")
    RANGES["seconds" if live else "any_seconds"].check("seconds", s.seconds)
    if live and step_work(net, s) > MAX_STEP_WORK:
        raise InputError(
            "batch_size", "batch_size × length × hidden_size is too large for live training; "
            "lower one of them (or train offline with `unroll train`)",
        )


@dataclass(frozen=True)
class Progress:
    step: int  # 1-based optimisation step
    loss: float  # the mini-batch's loss before this step's update
    accuracy: float  # per-output accuracy on the mini-batch (R² for a regression task)
    metric: str  # what `accuracy` is: "accuracy", or "r2" (Task.metric)
    grad_norm: float  # global gradient norm before clipping


def batch_arrays(net: Network, examples: list):
    """The examples side by side: inputs (T_in, B, I) and targets (T_out, B) or (T_out, B, O),
    right-padded with zeros to the longest, and each example's (B,) input and output steps, or
    None when they all have the same."""
    task = net.task
    xs = [task.input_matrix(ex.inputs) for ex in examples]  # (T_in, I) each
    ys = [task.target_array(ex.targets) for ex in examples]  # (T_out,) or (T_out, O) each
    n_in, n_out = np.array([len(x) for x in xs]), np.array([len(y) for y in ys])
    if (n_in == n_in[0]).all() and (n_out == n_out[0]).all():
        return np.stack(xs, axis=1), np.stack(ys, axis=1), None
    X = np.zeros((n_in.max(), len(xs), task.input_size))
    Y = np.zeros((n_out.max(), len(ys), *ys[0].shape[1:]), dtype=ys[0].dtype)
    for b, (x, y) in enumerate(zip(xs, ys, strict=True)):
        X[: len(x), b] = x
        Y[: len(y), b] = y
    return X, Y, (n_in, n_out)


def _tally(net: Network, unroller: Unroller):
    """(correct outputs, outputs) for classification; (n, mean squared error, Σy, Σy²) for
    regression, the mean taken so that it stays finite whenever each squared error is. Only
    the outputs that count: an example's own, not its padding."""
    Y, _ = unroller.outputs()  # (N, B, O)
    T = unroller.targets  # (N, B) or (N, B, O)
    counted = unroller.counted  # (N, B) or None: all
    if net.task.kind == "classification":
        right = Y.argmax(axis=2) == T
        return np.array([right.sum(), T.size] if counted is None else
                        [right[counted].sum(), counted.sum()], dtype=float)
    if counted is not None:
        Y, T = Y[counted], T[counted]  # (k, O)
    return np.array([T.size, finite_mean((Y - T) ** 2), T.sum(), (T * T).sum()])


def _merge(kind: str, a, b):
    """Two tallies as one; a mean squared error is merged as a weighted mean, never as a sum."""
    if a is None:
        return b
    if kind == "classification":
        return a + b
    n = a[0] + b[0]
    return np.array([n, (a[0] / n) * a[1] + (b[0] / n) * b[1], a[2] + b[2], a[3] + b[3]])


def _score(kind: str, tally, phase: str) -> float:
    """Accuracy = correct / outputs; R² = 1 − MSE / variance of the targets for regression,
    taken as 0 when the targets hardly vary (fewer than two, or a variance below 1e-9).
    Diverged when R² itself does not fit in float64."""
    if kind == "classification":
        return float(tally[0] / tally[1])
    n, mse, total, squares = tally
    if n < 2:
        return 0.0
    variance = squares / n - (total / n) ** 2
    if variance <= 1e-9:
        return 0.0
    r2 = 1.0 - mse / variance
    if not np.isfinite(r2):
        raise Diverged(None, phase, "R² (the mean squared error over the targets' variance)")
    return float(r2)


def _forward(net: Network, examples: list, teacher_forcing: bool) -> Unroller:
    """The forward pass of the examples side by side."""
    X, Y, lengths = batch_arrays(net, examples)
    return Unroller(net, X, Y, teacher_forcing, lengths=lengths).run()


def loss_and_grads(net: Network, examples: list):
    """The mean loss over `examples` (teacher-forced), its gradient, and the score tally."""
    with np.errstate(all="ignore"):
        unroller = _forward(net, examples, teacher_forcing=True)
        return unroller.loss, backward(unroller).grads, _tally(net, unroller)


def global_norm(grads) -> float:
    """‖g‖ over every parameter, scaled by the largest |g| so that finite gradients whose squares
    would overflow float64 still give their norm."""
    m = max(float(np.abs(g).max()) for _, g in leaves(grads))
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(np.sqrt(sum(np.square(g / m).sum() for _, g in leaves(grads))))


def clip_to_norm(grads, norm: float, clip: float):
    """g · min(1, clip / ‖g‖), ‖g‖ = `norm`: the same direction, a global norm of at most `clip`."""
    scale = min(1.0, clip / norm) if norm > 0 else 1.0
    return tree_map(partial(np.multiply, scale), grads)


class Training:
    """Iterate to train: each iteration is one Adam step and yields its Progress.

    m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr·m̂/(√v̂ + ε), with g clipped to norm `clip`.
    Stops after `settings.steps` steps or `settings.seconds`; `network` holds the current params.
    """

    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, net: Network, settings: TrainSettings = DEFAULTS, seed: int = 0):
        self.network = net
        self.settings = settings
        self.rng = np.random.default_rng([seed, TRAIN_STREAM])
        self._m = tree_map(np.zeros_like, net.params)
        self._v = tree_map(np.zeros_like, net.params)
        self.steps_done = 0

    def __iter__(self):
        s = self.settings
        self.deadline = time.monotonic() + s.seconds  # the scoring after training keeps to it too
        task = self.network.task
        while self.steps_done < s.steps and time.monotonic() < self.deadline:
            length = self._length()
            examples = [task.sample(self.rng, length) for _ in range(s.batch_size)]
            loss, grads, tally = loss_and_grads(self.network, examples)
            grad_norm = global_norm(grads)
            accuracy = _score(task.kind, tally, "training")
            for name, value in (("the mini-batch's loss", loss), ("the gradient norm", grad_norm)):
                if not np.isfinite(value):
                    raise Diverged(None, "training", name)
            self._adam(clip_to_norm(grads, grad_norm, s.clip))
            self.steps_done += 1
            yield Progress(self.steps_done, loss, accuracy, task.metric, grad_norm)

    def _length(self) -> int | None:
        """This mini-batch's length: `settings.length`, or under a curriculum one drawn from its
        phase's range (None: the task's natural lengths)."""
        phase = self.settings.phase_at(self.steps_done)
        if phase is None:
            return self.settings.length
        if phase.lengths is None:
            return None
        low, high = phase.lengths
        return int(self.rng.integers(low, high + 1))

    def _adam(self, grads):
        t, lr = self.steps_done + 1, self.settings.learning_rate
        b1, b2 = self.beta1, self.beta2
        self._m = tree_map(lambda m, g: b1 * m + (1 - b1) * g, self._m, grads)
        self._v = tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, self._v, grads)
        step = tree_map(
            lambda m, v: lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps),
            self._m, self._v,
        )
        params = tree_map(lambda param, d: param - d, self.network.params, step)
        self.network = replace(self.network, params=params)


def evaluate(net: Network, examples: int = 500, seed: int = 0, length: int | None = None,
             deadline: float | None = None, stop=None) -> dict | None:
    """Loss and per-output accuracy (R² for regression) on fresh examples, the network feeding
    back its own predictions as a user sees it.

    The examples run in chunks of at most MAX_STEP_WORK each (so memory stays bounded at any
    size); past `deadline` (time.monotonic()) no further chunk starts once one is scored, and
    `examples` in the metrics says how many were. None when `stop` (an Event) is set."""
    rng = np.random.default_rng([seed, EVAL_STREAM])  # never the examples training drew
    batch = [net.task.sample(rng, length) for _ in range(examples)]
    loss, tally, scored = 0.0, None, 0
    with np.errstate(all="ignore"):
        for chunk in _chunks(net, batch):
            if stop is not None and stop.is_set():
                return None
            if scored and deadline is not None and time.monotonic() >= deadline:
                break
            unroller = _forward(net, chunk, teacher_forcing=False)
            scored += len(chunk)
            loss += (len(chunk) / scored) * (unroller.loss - loss)  # a running mean: never past the largest
            tally = _merge(net.task.kind, tally, _tally(net, unroller))
    accuracy = _score(net.task.kind, tally, "evaluation")
    metrics = {"loss": loss, "accuracy": accuracy, "metric": net.task.metric, "examples": scored}
    if length is not None:  # otherwise the task's natural lengths
        metrics["length"] = length
    if net.task.kind == "regression":
        metrics["r2"] = metrics["accuracy"]
    return metrics


def _chunks(net: Network, examples: list):
    """`examples` in order, cut into chunks whose forward pass, padded to the chunk's longest
    example, is at most MAX_STEP_WORK."""
    per_step = net.cell.blocks * net.hidden_size * (net.input_size + net.hidden_size + net.output_size)
    chunk, n_in, n_out = [], 0, 0  # the chunk, padded to n_in inputs and n_out outputs
    for ex in examples:
        wider = max(n_in, len(ex.inputs)), max(n_out, len(ex.targets))
        if chunk and (len(chunk) + 1) * len(net.topology.plan(*wider)) * per_step > MAX_STEP_WORK:
            yield chunk
            chunk, wider = [], (len(ex.inputs), len(ex.targets))
        chunk.append(ex)
        n_in, n_out = wider
    if chunk:
        yield chunk


def final_metrics(net: Network, seed: int, length: int | None, deadline: float | None = None,
                  stop=None) -> dict | None:
    """`evaluate` after training on up to 200 examples, on the length trained on and within
    the training's deadline; when the trained network overflows on the fresh examples,
    {"diverged": why} instead, so the trained params are never lost. None when stopped."""
    try:
        return evaluate(net, examples=200, seed=seed, length=length, deadline=deadline, stop=stop)
    except Diverged as error:
        return {"diverged": str(error)}

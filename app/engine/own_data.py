"""The tasks that carry their data in the request: your own text, series and vectors (docs/api.md
§Your own data, docs/maths.md §Your own data).

Each joins TASKS as a template (a short passage, a synthetic series, random vectors) that
describes itself for `/api/tasks` and serves a request that brings no data of its own; `made()`
builds the task a request describes, from the fields it `reads`, for the request's topology.

- `text`: its distinct characters are the vocabulary; each output predicts the next character.
- `series`: a column of numbers, normalised by its mean and standard deviation; each output
  forecasts the next value.
- `vectors`: any sizes and no rule: the given targets (class indices or vectors), or none.

A target no rule can know (the character after the last one typed, the value after a typed
window; every target of `vectors` given none) is None: that output has y (and p) but no loss,
and a trace with no target at all runs forward only (docs/maths.md §Outputs and loss).
"""

import numpy as np

from .config import (
    DEFAULT_VECTORS,
    MAX_SERIES,
    MAX_TEXT,
    MAX_TEXT_VOCAB,
    MAX_TIMESTEPS,
    RANGES,
    SERIES_WINDOW,
    TEXT_WINDOW,
    VECTORS_WINDOW,
)
from .errors import InputError
from .tasks import TASKS, Example, Task
from .topologies import TOPOLOGIES

# Lewis Carroll, Alice's Adventures in Wonderland (1865), the opening: in the public domain.
ALICE = (
    "Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
    "nothing to do: once or twice she had peeped into the book her sister was reading, but it had "
    "no pictures or conversations in it, 'and what is the use of a book,' thought Alice 'without "
    "pictures or conversations?' So she was considering in her own mind (as well as she could, for "
    "the hot day made her feel very sleepy and stupid), whether the pleasure of making a "
    "daisy-chain would be worth the trouble of getting up and picking the daisies, when suddenly a "
    "White Rabbit with pink eyes ran close by her."
)


def _seasonal_series() -> list[float]:
    """240 synthetic monthly values: a trend, a yearly season and a slower cycle (no noise)."""
    t = np.arange(240)
    values = 20 + 0.05 * t + 4 * np.sin(2 * np.pi * t / 12) + 1.5 * np.sin(2 * np.pi * t / 40)
    return values.round(2).tolist()


class Text(Task):
    """A character-level model of a text: the next character at every step, or generated from a seed."""

    id = "text"
    topology = "many_to_many"
    topologies = ("many_to_many", "one_to_many")
    name = "Your own text"
    rule = (
        "Each step's target is the character that comes next: after a typed character the one typed "
        "after it (none after the last one); from a seed character, the text as it goes on after the "
        "seed's first appearance in it."
    )
    why_memory = (
        "One character says little about the next: after 'q' comes 'u', but after 'e' or a space "
        "almost anything. The hidden state must carry the word so far, and further back, to predict it."
    )
    kind = "classification"
    reads = ("text",)

    def __init__(self, text: str = ALICE, topology: str = "many_to_many"):
        if not isinstance(text, str) or not 2 <= len(text) <= MAX_TEXT:
            size = f"{len(text)} characters" if isinstance(text, str) else type(text).__name__
            raise InputError("text", f"expected 2 to {MAX_TEXT} characters, got {size}")
        vocab = tuple(sorted(set(text)))
        if len(vocab) > MAX_TEXT_VOCAB:
            raise InputError("text", f"has {len(vocab)} distinct characters; at most {MAX_TEXT_VOCAB}, "
                             "since they are the vocabulary (one input and one output each)")
        self.text = text
        self.topology = topology
        self._seeded = TOPOLOGIES[topology].inputs == "one"  # one_to_many: one seed character
        self.input_vocab = self.output_vocab = vocab
        self.input_size = self.output_size = len(vocab)
        self.max_length = min(MAX_TIMESTEPS, len(text) - 1)  # a window and the character after it
        window = min(TEXT_WINDOW, self.max_length)
        self.lengths = (window, window)

    def made(self, topology, data):
        return Text(data.get("text", self.text), topology)

    def sample(self, rng, length=None):
        """A window of the text: L characters (one_to_many: the first) and the L that follow each."""
        L = self.lengths[0] if length is None else length
        i = int(rng.integers(0, len(self.text) - L))  # i + L is the last character read as a target
        inputs = [self.text[i]] if self._seeded else list(self.text[i : i + L])
        return Example(inputs, list(self.text[i + 1 : i + 1 + L]))

    def label(self, inputs, length=None):
        if not self._seeded:
            return list(inputs[1:]) + [None]  # nothing typed after the last character
        L = self.lengths[0] if length is None else length
        start = self.text.find(inputs[0]) + 1  # the seed is one of the text's characters
        follows = list(self.text[start : start + L])
        return follows + [None] * (L - len(follows))

    def length_of(self, example):
        return len(example.targets) if self._seeded else len(example.inputs)


class Series(Task):
    """Forecast the next value of a series of numbers, read normalised, shown in its own units."""

    id = "series"
    topology = "many_to_one"
    topologies = ("many_to_one", "many_to_many")
    name = "Your own time series"
    rule = (
        "Each output forecasts the value that comes next in the series; after the last value of a "
        "typed window none is known."
    )
    why_memory = (
        "One value does not say where the series goes next: whether it is rising or falling, and "
        "where in its season it is, take the values before it, which the hidden state must carry."
    )
    kind = "regression"
    input_size = output_size = 1
    reads = ("series",)

    def __init__(self, series=None, topology: str = "many_to_one"):
        values = self._values(_seasonal_series() if series is None else series)
        with np.errstate(over="ignore"):  # a spread past float64 is refused just below
            mean, std = float(values.mean()), float(values.std())
        if not (np.isfinite(mean) and np.isfinite(std)):
            raise InputError("series", "its mean or spread overflows float64: scale the numbers down")
        std = std if std > 0 else 1.0  # a constant series: only shifted
        self.values = values  # (N,) in the series' own units
        self.topology = topology
        self._aligned = TOPOLOGIES[topology].outputs == "per_input"  # many_to_many
        self.normalisation = {"mean": mean, "std": std}
        z = (values - mean) / std
        self.value_range = (float(z.min()), float(z.max()))
        self.max_length = min(MAX_TIMESTEPS, len(values) - 1)
        window = min(SERIES_WINDOW, self.max_length)
        self.lengths = (window, window)

    @staticmethod
    def _values(series) -> np.ndarray:
        if not isinstance(series, (list, tuple)) or not 2 <= len(series) <= MAX_SERIES:
            size = f"{len(series)} numbers" if isinstance(series, (list, tuple)) else type(series).__name__
            raise InputError("series", f"expected 2 to {MAX_SERIES} numbers, got {size}")
        for k, v in enumerate(series):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
                raise InputError(f"series[{k}]", f"expected a finite number, got {v!r:.80}")
        return np.array(series, dtype=np.float64)

    def made(self, topology, data):
        return Series(data.get("series", self.values.tolist()), topology)

    def sample(self, rng, length=None):
        """A window of L values and what follows each (many_to_one: the value after the window)."""
        L = self.lengths[0] if length is None else length
        i = int(rng.integers(0, len(self.values) - L))
        window = self.values[i : i + L + 1].tolist()
        after = [[v] for v in window[1:]] if self._aligned else [[window[-1]]]
        return Example([[v] for v in window[:-1]], after)

    def label(self, inputs, length=None):
        return [list(v) for v in inputs[1:]] + [None] if self._aligned else [None]

    def _normalised(self, a, field):
        """(a − mean) / std: the series' units to what the network reads and writes."""
        z = (a - self.normalisation["mean"]) / self.normalisation["std"]
        if not np.isfinite(z).all():
            raise InputError(field, "a value too far from the series' mean: normalised, it overflows float64")
        return z

    def input_matrix(self, inputs, field="inputs"):
        return self._normalised(super().input_matrix(inputs, field), field)

    def target_array(self, targets, field="targets"):
        return self._normalised(super().target_array(targets, field), field)


def _kind_of(targets) -> str | None:
    """"classification" for class indices, "regression" for vectors, None without targets."""
    if targets is None:
        return None
    kinds = ["classification" if type(t) is int else "regression" if isinstance(t, list) else None
             for t in targets]
    for k, kind in enumerate(kinds):
        if kind is None or kind != kinds[0]:
            raise InputError(f"targets[{k}]", "expected all class indices (integers) or all vectors of "
                             f"the output size; got {targets[k]!r:.80} after {targets[0]!r:.80}")
    return kinds[0] if kinds else None


class Vectors(Task):
    """Vectors in, any sizes, no rule of its own: for imported models and hand-made inputs."""

    id = "vectors"
    topology = "many_to_many"
    topologies = ("many_to_many", "many_to_one", "one_to_one", "one_to_many")
    name = "Your own vectors"
    rule = (
        "No rule of its own: the targets are the ones given, class indices (cross-entropy) or vectors "
        "of the output size (squared error); without them the trace runs forward only."
    )
    why_memory = (
        "Whatever the network learned (an imported model's own task): h_t carries what the earlier "
        "inputs left behind, and the trace shows it step by step."
    )
    reads = ("input_size", "output_size", "kind")
    value_range = (-1.0, 1.0)  # what the inputs of a sampled random sequence are drawn from

    def __init__(self, topology="many_to_many", input_size=DEFAULT_VECTORS[0],
                 output_size=DEFAULT_VECTORS[1], kind=None, inputs=None, targets=None):
        RANGES["input_size"].check("input_size", input_size)
        RANGES["output_size"].check("output_size", output_size)
        plan = TOPOLOGIES[topology]
        if plan.outputs == "sequence" and input_size != output_size:
            raise InputError("output_size", f"{topology} feeds each output back as the next input, so "
                             f"output_size must equal input_size ({input_size}), got {output_size}")
        given = _kind_of(targets)
        if kind is not None and given is not None and kind != given:
            raise InputError("kind", f"is {kind}, but the targets are {given} targets")
        self.topology = topology
        self.kind = kind or given or "regression"  # no targets and no kind: y alone, as the model writes it
        self.input_size, self.output_size = input_size, output_size
        self.sequence = (inputs, targets)  # what training reads: the request's inputs and targets
        self._plan = plan
        n = self.length_of(Example(inputs, targets)) if inputs is not None and targets is not None else None
        natural = 1 if plan.inputs == plan.outputs == "one" else n or VECTORS_WINDOW
        self.lengths = (natural, natural)
        self.max_length = 1 if natural == 1 else n or MAX_TIMESTEPS

    def made(self, topology, data):
        return Vectors(topology, data.get("input_size", DEFAULT_VECTORS[0]),
                       data.get("output_size", DEFAULT_VECTORS[1]), data.get("kind"),
                       data.get("inputs"), data.get("targets"))

    def length_of(self, example):
        return len(example.targets) if self._plan.outputs == "sequence" else len(example.inputs)

    def _outputs(self, n_in: int, length: int | None) -> int:
        return {"one": 1, "per_input": n_in}.get(self._plan.outputs, length or VECTORS_WINDOW)

    def sample(self, rng, length=None):
        """The given sequence (a window of `length` steps: many_to_many at random, many_to_one its
        last inputs, one_to_many its first outputs), or random inputs U(−1, 1) without targets."""
        inputs, targets = self.sequence
        if targets is None:
            n = 1 if self._plan.inputs == "one" else length or self.lengths[0]
            x = rng.uniform(-1.0, 1.0, (n, self.input_size)).tolist()
            return Example(x, self.label(x, length))
        L = self.lengths[0] if length is None else length
        if self._plan.outputs == "per_input":
            i = int(rng.integers(0, len(inputs) - L + 1))
            return Example(inputs[i : i + L], targets[i : i + L])
        if self._plan.outputs == "sequence":
            return Example(inputs, targets[:L])
        return Example(inputs[len(inputs) - L :], targets)

    def label(self, inputs, length=None):
        return [None] * self._outputs(len(inputs), length)

    def target_array(self, targets, field="targets"):
        if self.kind == "regression":
            return super().target_array(targets, field)
        for k, c in enumerate(targets):
            if not (type(c) is int and 0 <= c < self.output_size):
                raise InputError(f"{field}[{k}]", f"expected a class index 0 to {self.output_size - 1} "
                                 f"(the output size), got {c!r:.80}")
        return np.array(targets, dtype=np.int64)

    def check_trainable(self, given=False):
        """Training reads the given inputs and targets: both must be there and fit."""
        inputs, targets = self.sequence
        for field, value in (("inputs", inputs), ("targets", targets)):
            if value is None:
                raise InputError(field, "required to train the vectors task: it has no rule of its "
                                 "own, so it trains on the given inputs and their targets")
        if self._plan.inputs == "one" and len(inputs) != 1:
            raise InputError("inputs", f"{self.topology} reads exactly one input, got {len(inputs)}")
        expected = self._outputs(len(inputs), len(targets))
        if len(targets) != expected:
            raise InputError("targets", f"{self.topology} needs {expected} target(s), got {len(targets)}")
        self.input_matrix(inputs)
        self.target_array(targets)


TASKS.update({task.id: task for task in (Text(), Series(), Vectors())})
# The request fields that carry a task's own data, each read by the tasks that list it in `reads`.
DATA_FIELDS = tuple(dict.fromkeys(field for task in TASKS.values() for field in task.reads))

"""The example tasks, one or more per topology, each a rule a student can state (docs/api.md, `/api/tasks`).

A task samples examples deterministically from a NumPy generator, labels any input a user types
by its rule, and turns tokens or vectors into the arrays the network reads. Every task with more
than one step needs memory: its `why_memory` says why (and `/api/tasks` shows it).

A task with a vocabulary reads any typed word (docs/api.md §Typed words): `fold` takes case and
the punctuation at its ends away ("Bad!" -> "bad"), and a word the vocabulary does not hold is
read as `UNK`, a token of its own, which each task's rule treats as its `unk` says.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .config import MAX_TIMESTEPS
from .errors import InputError, counted


@dataclass(frozen=True)
class Example:
    inputs: list  # tokens (str) or vectors (list of float), one per input step
    targets: list  # tokens (classification) or vectors (regression), one per output


UNK = "<unk>"  # the token of every word outside a task's vocabulary (the last in its vocabulary)
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")  # what is not a letter or a digit, at either end


def fold(word: str) -> str:
    """'Bad!' -> 'bad', 'Mr.' -> 'mr': case folded, punctuation taken off both ends (inside a
    word it stays: "don't"). '' when no letter or digit is left ('!!!')."""
    return _EDGES.sub("", word.casefold())


@lru_cache(maxsize=256)  # bounded: every pasted `text` brings a vocabulary of its own
def _vocab_index(vocab: tuple[str, ...]) -> dict[str, int]:
    return {token: i for i, token in enumerate(vocab)}


class Task:
    id: str
    topology: str
    name: str
    rule: str  # the labelling rule, in one sentence a student can say aloud
    unk: str | None = None  # what the rule does with UNK (None: the task reads vectors)
    why_memory: str  # why the answer needs the hidden state (or, for one step, why it does not)
    kind: str  # "classification" or "regression"
    input_vocab: tuple[str, ...] | None = None  # None: the inputs are vectors
    output_vocab: tuple[str, ...] | None = None  # None: the outputs are regression values
    input_size: int
    output_size: int
    value_range: tuple[float, float] | None = None  # of vector inputs and regression outputs
    lengths: tuple[int, int]  # the shortest and longest `length` of a sample of natural length
    max_length: int = MAX_TIMESTEPS  # the largest `length` a request may ask for
    reads: tuple[str, ...] = ()  # request fields that carry the task's own data (own_data.py)
    normalisation: dict | None = None  # {"mean", "std"} when values are normalised (a series)

    @property
    def topologies(self) -> tuple[str, ...]:
        """The topologies it runs on: its own (a task that carries its data may run on several)."""
        return (self.topology,)

    def made(self, topology: str, data: dict) -> "Task":
        """The task as a request makes it: from its own data (`reads`), for `topology`. A task with
        a rule and data of its own is itself."""
        return self

    def check_trainable(self, given: bool = False):
        """InputError unless training can sample labelled examples; `given`: the training request
        brought inputs or targets, which only a task without a rule of its own trains on."""
        if given:
            raise InputError("inputs", f"{self.id} trains on examples it samples itself; only the "
                             "vectors task trains on given inputs and targets")

    def sample(self, rng: np.random.Generator, length: int | None = None) -> Example:
        """A random example with `length` steps (see `length_of`), or a natural length."""
        raise NotImplementedError

    def label(self, inputs: list, length: int | None = None) -> list:
        """The targets the task's rule gives these inputs (`length` outputs for one_to_many)."""
        raise NotImplementedError

    @property
    def metric(self) -> str:
        """What a score of this task measures: "accuracy" (the share of outputs that are right),
        or "r2" for a regression task (R² = 1 − SSE / Σ(y − ȳ)², which may be below 0)."""
        return "r2" if self.kind == "regression" else "accuracy"

    def length_of(self, example: Example) -> int:
        """What `length` counts: input steps, except one_to_many, where it counts outputs."""
        return len(example.inputs)

    # --- encoding --------------------------------------------------------------------------

    def token(self, word: str, field: str = "inputs") -> str:
        """The token a typed word is read as: itself when in the vocabulary, else folded, and
        UNK when the folded word is not in it either. A task without a rule for UNK (`unk` None:
        a text's characters, where case matters) reads its own tokens only. InputError naming
        `field` when the task reads vectors, when nothing is left of the word once folded, or
        for a token a task without UNK does not have."""
        if self.input_vocab is None:
            raise InputError(field, f"this task reads vectors, not tokens; got {word!r:.80}")
        index = _vocab_index(self.input_vocab)
        if word in index:
            return word
        if self.unk is None:
            shown = "".join(self.input_vocab) if len(self.input_vocab) <= 96 else f"{len(index)} tokens"
            raise InputError(field, f"{word!r:.80} is not in the vocabulary ({shown!r:.200})")
        folded = fold(word)
        if not folded:
            raise InputError(field, f"{word!r:.80} has no letter or digit: give a word, or leave it out")
        return folded if folded in index else UNK

    def input_matrix(self, inputs: list, field: str = "inputs") -> np.ndarray:
        """(T, I) float64: one-hot rows for tokens (any word: see `token`), vectors as given."""
        index = _vocab_index(self.input_vocab or ())
        cols = [index.get(item) if isinstance(item, str) else None for item in inputs]
        for t, item in enumerate(inputs):
            if cols[t] is None and isinstance(item, str):
                cols[t] = index[self.token(item, f"{field}[{t}]")]
        x = np.zeros((len(inputs), self.input_size))
        rows = [t for t, col in enumerate(cols) if col is not None]
        x[rows, [cols[t] for t in rows]] = 1.0
        for t, item in enumerate(inputs):
            if cols[t] is None:
                x[t] = self._vector(item, self.input_size, f"{field}[{t}]")
        return x

    def target_array(self, targets: list, field: str = "targets") -> np.ndarray:
        """(T_out,) class indices for classification, (T_out, O) float64 for regression."""
        if self.kind == "regression":
            return np.array(
                [self._vector(v, self.output_size, f"{field}[{k}]") for k, v in enumerate(targets)]
            ).reshape(len(targets), self.output_size)
        index = _vocab_index(self.output_vocab)
        classes = [index.get(item) if isinstance(item, str) else item for item in targets]
        for k, item in enumerate(classes):
            if not (type(item) is int and 0 <= item < self.output_size):
                raise InputError(
                    f"{field}[{k}]",
                    f"expected one of {list(self.output_vocab)} or a class index "
                    f"0..{self.output_size - 1}, got {targets[k]!r:.80}",
                )
        return np.array(classes, dtype=np.int64)

    def tokens_of(self, inputs: list) -> list[str] | None:
        """The inputs as the tokens the network reads (words as `token` reads them, one-hot
        vectors read back), or None when they are not tokens."""
        if self.input_vocab is None:
            return None
        tokens = []
        for item in inputs:
            if isinstance(item, str):
                tokens.append(self.token(item))
                continue
            v = np.asarray(item, dtype=float)
            hot = np.flatnonzero(v)
            if v.shape != (self.input_size,) or len(hot) != 1 or v[hot[0]] != 1.0:
                return None
            tokens.append(self.input_vocab[hot[0]])
        return tokens

    @staticmethod
    def _vector(item, size, field):
        if isinstance(item, (list, tuple)) and len(item) != size:
            raise InputError(
                field, f"expected a vector of {counted(size, 'number')}, got {counted(len(item), 'number')}"
            )
        if not isinstance(item, (list, tuple)):
            raise InputError(field, f"expected a vector of {counted(size, 'number')}, got {item!r:.80}")
        try:
            v = np.asarray(item, dtype=float)
        except (TypeError, ValueError):
            v = None
        if v is None or v.shape != (size,) or not np.isfinite(v).all():
            raise InputError(field, f"expected {counted(size, 'finite number')}, got {item!r:.80}")
        return v

    def describe(self) -> dict:
        """The task as plain data (for `/api/tasks`)."""
        example = self.sample(np.random.default_rng(0))
        return {
            "id": self.id,
            "topology": self.topology,
            "topologies": list(self.topologies),
            "reads": list(self.reads),
            "name": self.name,
            "rule": self.rule,
            "unk": self.unk,
            "why_memory": self.why_memory,
            "kind": self.kind,
            "input_vocab": list(self.input_vocab) if self.input_vocab else None,
            "output_vocab": list(self.output_vocab) if self.output_vocab else None,
            "input_size": self.input_size,
            "output_size": self.output_size,
            "value_range": list(self.value_range) if self.value_range else None,
            "lengths": list(self.lengths),
            "max_length": self.max_length,
            "example": {"inputs": example.inputs, "targets": example.targets},
        }


class SameSign(Task):
    """One step: do two numbers have the same sign?"""

    id = "same_sign"
    topology = "one_to_one"
    name = "Same sign?"
    rule = "Two numbers are 'same' when they have the same sign (or one is 0), else 'different'."
    why_memory = (
        "One step, so no memory. The answer is the XOR of two signs, which no straight line separates, "
        "so the hidden layer is what solves it."
    )
    kind = "classification"
    output_vocab = ("same", "different")
    input_size = 2
    output_size = 2
    value_range = (-1.0, 1.0)
    lengths = (1, 1)
    max_length = 1

    def sample(self, rng, length=None):
        point = rng.uniform(0.05, 1.0, 2) * rng.choice([-1.0, 1.0], 2)
        inputs = [[float(point[0]), float(point[1])]]
        return Example(inputs, self.label(inputs))

    def label(self, inputs, length=None):
        x1, x2 = inputs[0]
        opposite = (x1 < 0 < x2) or (x2 < 0 < x1)  # signs compared, not the product (underflow)
        return ["different" if opposite else "same"]


class SineWave(Task):
    """From one seed value, continue a sine wave."""

    id = "sine_wave"
    topology = "one_to_many"
    name = "Continue a sine wave"
    rule = (
        "Continue the sine wave of period 12 steps that rises through the seed value: "
        "output k is sin(arcsin(seed) + (k + 1)·30°)."
    )
    why_memory = (
        "A rising and a falling wave pass through the same values, so the value just written does not "
        "tell which comes next: the hidden state must remember the direction (and the phase)."
    )
    kind = "regression"
    input_size = 1
    output_size = 1
    value_range = (-1.0, 1.0)
    lengths = (6, 18)
    omega = 2 * np.pi / 12  # radians per step

    def sample(self, rng, length=None):
        length = int(rng.integers(self.lengths[0], self.lengths[1] + 1)) if length is None else length
        inputs = [[float(np.sin(rng.uniform(-np.pi / 2, np.pi / 2)))]]
        return Example(inputs, self.label(inputs, length))

    def label(self, inputs, length=None):
        length = 12 if length is None else length
        seed = inputs[0][0]
        if not -1.0 <= seed <= 1.0:
            raise InputError("inputs[0]", f"the seed is a value of the sine, -1 to 1; got {seed}")
        phase = np.arcsin(seed)
        return [[float(np.sin(phase + (k + 1) * self.omega))] for k in range(length)]

    def length_of(self, example):
        return len(example.targets)


def _pick(rng: np.random.Generator, items: tuple, unknown: float = 0.0):
    """One item of `items`, drawn by the list's length; UNK instead with probability `unknown`.
    (One uniform draw scaled to the length: a third of the time of `rng.integers`.)"""
    if unknown and rng.random() < unknown:
        return UNK
    return items[int(rng.random() * len(items))]


def _phrase(rng: np.random.Generator, phrases: tuple, unknown: float = 0.0) -> list[str]:
    """The words of one of `phrases` (tuples of words); [UNK] instead with probability `unknown`."""
    if unknown and rng.random() < unknown:
        return [UNK]
    return list(_pick(rng, phrases))


class Sentiment(Task):
    """The sentiment of a sentence, after its last word."""

    id = "sentiment"
    topology = "many_to_one"
    name = "Sentiment of a sentence"
    rule = (
        "The last sentiment word decides (good, great, fun, … positive; bad, boring, dull, … "
        "negative), and a 'not' flips the next sentiment word of its clause (a clause ends at "
        "'and' or 'but'); no sentiment word: neutral."
    )
    unk = "An unknown word (<unk>) is neutral: it carries no sentiment, flips none and ends no clause."
    why_memory = (
        "The answer comes after the last word, but what decides it comes earlier: the last sentiment "
        "word, a 'not' that may stand several words before it, and then any number of neutral words. "
        "The final hidden state must carry them to the end."
    )
    kind = "classification"
    output_vocab = ("negative", "neutral", "positive")
    output_size = 3
    lengths = (3, 12)  # one clause, or two joined by 'and' / 'but'
    positive = ("good", "great", "fun", "brilliant", "lovely")
    negative = ("bad", "boring", "awful", "dull", "poor")
    neutral = ("long", "short", "new")  # what a neutral clause ends with (or an unknown word)
    subjects = (("the", "movie"), ("the", "film"), ("the", "plot"), ("the", "acting"), ("it",))
    openers = (("i", "think"), ("honestly",), ("well",))
    tails = (("overall",), ("today",), ("to", "me"))
    verbs = ("was", "is")
    fillers = ("very", "really", "so")  # may stand between a 'not' and the word it flips
    conjunctions = ("and", "but")  # each starts a new clause
    input_vocab = tuple(
        sorted(
            {w for group in (subjects, openers, tails) for words in group for w in words}
            | set(positive + negative + neutral + verbs + fillers + conjunctions)
            | {"not"}
        )
    ) + (UNK,)
    input_size = len(input_vocab)

    def _kind(self, rng):
        """The words a clause ends with: positive, negative (0.4 each) or neutral."""
        kind = rng.random()
        return self.positive if kind < 0.4 else self.negative if kind < 0.8 else self.neutral

    def _clause(self, rng, group, fillers: int | None = None):
        """[opener] subject verb [not] [fillers] word-of-`group` [tail]; `fillers` of them (None:
        1–3 of them 0.4 of the time, else none). Now and then an unknown word stands in place of
        an opener, a noun, a filler, a neutral word or a tail."""
        words = _phrase(rng, self.openers, unknown=0.15) if rng.random() < 0.3 else []
        subject = _phrase(rng, self.subjects)
        if rng.random() < 0.08:
            subject[-1] = UNK  # 'the <unk>', or '<unk>' for 'it'
        words += subject
        words.append(_pick(rng, self.verbs))
        if rng.random() < 0.5:
            words.append("not")
        if fillers is None:
            fillers = _pick(rng, (1, 2, 3)) if rng.random() < 0.4 else 0
        unknown = 0.1 if fillers <= 3 else 0.4  # a long gap: mostly words the task does not know
        words += [_pick(rng, self.fillers, unknown) for _ in range(fillers)]
        words.append(_pick(rng, group, unknown=0.2 if group is self.neutral else 0.0))
        if rng.random() < 0.3:
            words += _phrase(rng, self.tails, unknown=0.15)
        return words

    def _sentence(self, rng):
        """One clause, or (0.45) two joined by 'and' / 'but', of at most 12 words."""
        while True:
            words = self._clause(rng, self._kind(rng))
            if rng.random() < 0.45:
                words += [_pick(rng, self.conjunctions)] + self._clause(rng, self._kind(rng))
            if len(words) <= self.lengths[1]:
                return words

    def sample(self, rng, length=None):
        """A natural sentence; or, at a given length, one whose verdict is decided far from its
        end: its deciding clause has (0.4 of the time) a gap of up to `length` fillers between
        its 'not' and its sentiment word, and (0.5) neutral clauses after it; then clauses of any
        kind before it, and the front cut to fit."""
        if length is None:
            words = self._sentence(rng)
            return Example(words, self.label(words))
        if rng.random() < 0.4:
            group = self.positive if rng.random() < 0.5 else self.negative
            words = self._clause(rng, group, fillers=int(rng.integers(length)))
        else:
            words = self._sentence(rng)
        if rng.random() < 0.5:
            after = int(rng.integers(max(length - len(words), 0) + 1))
            while after > 0:
                clause = [_pick(rng, self.conjunctions)] + self._clause(rng, self.neutral)
                words += clause
                after -= len(clause)
        while len(words) < length:
            words = self._clause(rng, self._kind(rng)) + [_pick(rng, self.conjunctions)] + words
        words = words[len(words) - length :]
        return Example(words, self.label(words))

    def label(self, inputs, length=None):
        """`inputs` are tokens (see `Task.token`)."""
        verdict, negated = "neutral", False
        for word in inputs:
            if word in self.conjunctions:
                negated = False  # a new clause: a 'not' before it flips nothing after it
            elif word == "not":
                negated = True
            elif word in self.positive or word in self.negative:
                positive = (word in self.positive) != negated
                verdict, negated = ("positive" if positive else "negative"), False
        return [verdict]


class NamedEntities(Task):
    """Tag each word: a person, a place, or other."""

    id = "named_entities"
    topology = "many_to_many"
    name = "Tag people and places"
    rule = (
        "A name is PER right after a title (mr, ms, dr), LOC right after a preposition "
        "(in, to, from), and O otherwise; every other word is O."
    )
    unk = (
        "An unknown word (<unk>) is read as a name: PER right after a title (mr smith), LOC right "
        "after a preposition (in london), O otherwise."
    )
    why_memory = (
        "Names are ambiguous ('jordan', 'paris', 'georgia' are people and places): a name's tag is "
        "decided by the word before it, which the hidden state must remember one step."
    )
    kind = "classification"
    output_vocab = ("O", "PER", "LOC")
    output_size = 3
    lengths = (4, 8)
    titles = ("mr", "ms", "dr")
    prepositions = ("in", "to", "from")
    names = ("jordan", "paris", "georgia", "chad", "sydney", "victoria", "austin", "florence")
    verbs = ("met", "visited", "called", "saw")
    articles = ("the", "a")
    input_vocab = titles + prepositions + names + verbs + ("and", "today", "with") + articles + (UNK,)
    input_size = len(input_vocab)

    def _name(self, rng):
        """A name, or (0.15) an unknown word in its place."""
        return UNK if rng.random() < 0.15 else _pick(rng, self.names)

    def _sentence(self, rng):
        """[title] name verb, then a place, a person or a thing, then maybe more: 4 to 8 words."""
        words = [_pick(rng, self.titles), self._name(rng)] if rng.random() < 0.75 else [self._name(rng)]
        words.append(UNK if rng.random() < 0.1 else _pick(rng, self.verbs))
        what = rng.random()
        if what < 0.45:
            words += [_pick(rng, self.prepositions), self._name(rng)]
        elif what < 0.8:
            words += [_pick(rng, self.titles), self._name(rng)]
        else:
            words += [_pick(rng, self.articles), UNK]  # a thing: 'saw the <unk>' is O
        tail = rng.random()
        if tail < 0.2:
            words.append("today")
        elif tail < 0.4:
            words += ["with", _pick(rng, self.titles), self._name(rng)]
        elif tail < 0.6:
            words += [_pick(rng, self.prepositions), self._name(rng)]
        return words

    def sample(self, rng, length=None):
        words = self._sentence(rng)
        if length is not None:
            while len(words) < length:
                words += ["and"] + self._sentence(rng)
            words = words[:length]
        return Example(words, self.label(words))

    def label(self, inputs, length=None):
        """`inputs` are tokens (see `Task.token`)."""
        tags, before = [], None
        for word in inputs:
            named = word in self.names or word == UNK
            if named and before in self.titles:
                tags.append("PER")
            elif named and before in self.prepositions:
                tags.append("LOC")
            else:
                tags.append("O")
            before = word
        return tags


class Reverse(Task):
    """Write the input sentence backwards."""

    id = "reverse"
    topology = "seq2seq"
    name = "Reverse a sentence"
    rule = "Write the input words in reverse order."
    unk = "An unknown word (<unk>) is written back as <unk>: the output vocabulary holds it too."
    why_memory = (
        "The decoder's first output is the encoder's last input and its last output the first: the "
        "whole sentence must pass through the single hidden state handed from encoder to decoder."
    )
    kind = "classification"
    input_vocab = ("cat", "dog", "bird", "red", "blue", "big", UNK)
    output_vocab = input_vocab
    input_size = output_size = len(input_vocab)
    lengths = (3, 5)
    max_length = MAX_TIMESTEPS // 2  # the decoder writes as many steps as the encoder reads

    def sample(self, rng, length=None):
        length = int(rng.integers(self.lengths[0], self.lengths[1] + 1)) if length is None else length
        words = [self.input_vocab[i] for i in rng.integers(len(self.input_vocab), size=length)]
        return Example(words, self.label(words))

    def label(self, inputs, length=None):
        return list(reversed(inputs))


TASKS = {task.id: task for task in (SameSign(), SineWave(), Sentiment(), NamedEntities(), Reverse())}
DEFAULT_TASK: dict[str, str] = {}  # topology -> its first task
for _task in TASKS.values():
    DEFAULT_TASK.setdefault(_task.topology, _task.id)

# The tasks that carry their data in the request (text, series, vectors) build on Task above and
# join TASKS from their own module, after the defaults; imported here so TASKS always holds them.
from . import own_data  # noqa: E402, F401

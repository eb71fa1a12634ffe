"""The five input/output topologies, each a plan of timesteps (docs/maths.md §Topologies).

A plan says, for every step t, which parameter set runs it (`part`: None, or `encoder` /
`decoder` for seq2seq), where its input comes from, and which output (if any) it produces.
Inputs come from the given sequence (`given`), from a zero vector labelled <start> (`start`),
or from the previous step's output (`fed`: the prediction, or the target under teacher forcing).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple


class StepSpec(NamedTuple):
    role: str  # "step", or "encoder" / "decoder" for seq2seq
    part: str | None  # which parameter set runs this step
    source: str  # "given", "start" or "fed"
    given_index: int | None  # index into the input sequence when source == "given"
    output_index: int | None  # index into the target sequence, None when the step has no output


@dataclass(frozen=True)
class Topology:
    id: str
    name: str
    description: str
    example: str
    parts: tuple[str | None, ...]  # parameter sets; (None,) for one shared cell
    plan: Callable[[int, int], tuple[StepSpec, ...]]  # (inputs, outputs) -> steps, cached
    inputs: str  # "one" input, or a "sequence"
    outputs: str  # "one" output, one "per_input", or a "sequence" of its own length
    readouts: bool = False  # a trace applies the output layer to every step's h (many_to_one)

    @property
    def feeds_back(self) -> bool:
        """Does a step read the previous step's output (a generator, or a decoder)?"""
        return any(step.source == "fed" for step in self.plan(3, 3))


@lru_cache(maxsize=1024)
def _one_to_one(n_in, n_out):
    return (StepSpec("step", None, "given", 0, 0),)


@lru_cache(maxsize=1024)
def _one_to_many(n_in, n_out):
    return (StepSpec("step", None, "given", 0, 0),) + tuple(
        StepSpec("step", None, "fed", None, k) for k in range(1, n_out)
    )


@lru_cache(maxsize=1024)
def _many_to_one(n_in, n_out):
    return tuple(StepSpec("step", None, "given", k, 0 if k == n_in - 1 else None) for k in range(n_in))


@lru_cache(maxsize=1024)
def _many_to_many(n_in, n_out):
    return tuple(StepSpec("step", None, "given", k, k) for k in range(n_in))


@lru_cache(maxsize=1024)
def _seq2seq(n_in, n_out):
    encoder = tuple(StepSpec("encoder", "encoder", "given", k, None) for k in range(n_in))
    decoder = (StepSpec("decoder", "decoder", "start", None, 0),) + tuple(
        StepSpec("decoder", "decoder", "fed", None, k) for k in range(1, n_out)
    )
    return encoder + decoder


TOPOLOGIES = {
    t.id: t
    for t in (
        Topology(
            "one_to_one", "One to one",
            "One input, one output, a single step (T = 1): a plain feed-forward network. "
            "The recurrent weights W_hh never act: the initial state they multiply is zero.",
            "Classify a single input: do two numbers have the same sign?",
            (None,), _one_to_one, "one", "one",
        ),
        Topology(
            "one_to_many", "One to many",
            "One seed input, then a sequence of outputs; each output is fed back as the next "
            "input, so the network generates.",
            "Generate a sequence from a seed: continue a sine wave.",
            (None,), _one_to_many, "one", "sequence",
        ),
        Topology(
            "many_to_one", "Many to one",
            "A sequence of inputs, one output after the last step: the final hidden state must "
            "summarise the whole sequence.",
            "Sentiment of a short sentence, where 'not' flips the meaning.",
            (None,), _many_to_one, "sequence", "one", readouts=True,
        ),
        Topology(
            "many_to_many", "Many to many (aligned)",
            "An output at every step, aligned with the inputs: each output may depend on the "
            "inputs so far.",
            "Tag each word of a sentence: person, place or other.",
            (None,), _many_to_many, "sequence", "per_input",
        ),
        Topology(
            "seq2seq", "Many to many (encoder-decoder)",
            "An encoder reads the whole input; its final state starts a decoder with its own "
            "weights, which writes an output sequence of its own length.",
            "Reverse a short sentence.",
            ("encoder", "decoder"), _seq2seq, "sequence", "sequence",
        ),
    )
}

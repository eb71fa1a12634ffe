"""A trace: one example unrolled forward and backward, seen step by step (docs/maths.md §BPTT).

`trace()` picks the example (sampled from a seed, or typed and labelled by the task's rule),
runs the Unroller and BPTT on a batch of one, and keeps for every step what the page shows:
the forward records (x, h, c, gates, y, p, target, loss), dL/dh_t and its norm, and the norm of
this step's term in the gradient of each shared cell weight (the gradient is their sum over t).
A target may be None (no rule knows it): that output has no loss; with no target at all the
trace is forward only, and its loss, gradients, dL/dh_t and their norms are None.
For many_to_one it also keeps every step's readout: what the network would answer if the
sequence ended there (docs/maths.md §Readouts).
"""

from dataclasses import dataclass

import numpy as np

from .config import MAX_TIMESTEPS, Range
from .errors import Diverged, InputError
from .network import Network
from .tasks import Example
from .unroll import Gradients, StepRecord, Unroller, backward, softmax

START_LABEL = "<start>"


@dataclass
class Trace:
    network: Network
    example: Example
    teacher_forcing: bool
    records: list[StepRecord]  # the forward pass, a batch of one
    gradients: Gradients | None  # BPTT: dh, dc, da per step and the parameter gradients
    loss: float | None  # None: forward only (no output has a target)
    x_labels: list[str | None]  # per step: the input's token, <start>, or the fed-back token
    dh_norm: np.ndarray | None  # (T,) ‖dL/dh_t‖
    grad_contrib: dict | None  # W_ih, W_hh, b_ih, b_hh -> (T,) ‖step t's term in that gradient‖
    readouts: np.ndarray | None  # (T, O) the output layer at every step (topology.readouts), else None

    @property
    def forward_only(self) -> bool:
        return self.gradients is None


def choose_example(net: Network, inputs=None, targets=None, length=None, seed=0) -> Example:
    """The example to trace: sampled from `seed`, or `inputs` labelled by the task's rule."""
    task = net.task
    if length is not None:
        Range(1, task.max_length).check("length", length, f" for {task.id}")
    if inputs is None:
        if targets is not None:
            raise InputError("targets", "given without inputs; give both, or neither")
        return task.sample(np.random.default_rng(seed), length)
    if not isinstance(inputs, list) or not inputs:
        raise InputError("inputs", "expected a non-empty list of tokens or vectors")
    if net.topology.inputs == "one" and len(inputs) != 1:
        raise InputError("inputs", f"{net.topology.id} reads exactly one input, got {len(inputs)}")
    if len(inputs) > task.max_length:
        raise InputError("inputs", f"at most {task.max_length} steps for {task.id}, got {len(inputs)}")
    task.input_matrix(inputs)  # names a bad token or vector before anything reads them
    if targets is None:
        tokens = task.tokens_of(inputs)
        if task.input_vocab is not None and tokens is None:
            k = next(k for k, item in enumerate(inputs) if task.tokens_of([item]) is None)
            raise InputError(
                "targets", f"required: inputs[{k}] is a vector but not a one-hot token, so the "
                "task's rule cannot label it",
            )
        targets = task.label(tokens or inputs, length)
    example = Example(inputs, targets)
    if length is not None and task.length_of(example) != length:
        raise InputError("length", f"is {length}, but the inputs and targets give {task.length_of(example)}")
    return example


def _check_target_count(net: Network, n_in: int, n_out: int):
    expected = {"one": 1, "per_input": n_in}.get(net.topology.outputs)
    if expected is not None and n_out != expected:
        raise InputError("targets", f"{net.topology.id} needs {expected} target(s), got {n_out}")
    if n_out < 1:
        raise InputError("targets", "expected at least one target")
    steps = len(net.topology.plan(n_in, n_out))
    if steps > MAX_TIMESTEPS:
        raise InputError("targets", f"encoder plus decoder is at most {MAX_TIMESTEPS} steps, got {steps}")


def trace(net: Network, example: Example, teacher_forcing: bool = False) -> Trace:
    """Unroll `example` forward and backward through `net` and keep every step (batch of one)."""
    task = net.task
    _check_target_count(net, len(example.inputs), len(example.targets))
    X = task.input_matrix(example.inputs)[:, None, :]  # (T_in, 1, I)
    targets, scored = _targets_and_scored(task, example.targets)
    if teacher_forcing and scored is not None:
        raise InputError("teacher_forcing", "feeds back the targets, so every output needs one; "
                         f"output {int(np.flatnonzero(~scored)[0])} has none")
    loss = gradients = dh_norm = contrib = None
    with np.errstate(all="ignore"):  # overflow is caught as Diverged, not warned about
        unroller = Unroller(net, X, targets[:, None], teacher_forcing, scored).run()
        if scored is None or scored.any():
            loss = unroller.loss
            gradients = backward(unroller)
    if gradients is not None:
        dh_norm = row_norms(gradients.dh[:, 0])
        contrib = _grad_contributions(unroller, gradients)
        _check_finite_norms(dh_norm, contrib)
    tokens = task.tokens_of(example.inputs)
    readouts = _readouts(unroller) if net.topology.readouts else None
    return Trace(
        network=net,
        example=example,
        teacher_forcing=teacher_forcing,
        records=unroller.records,
        gradients=gradients,
        loss=loss,
        x_labels=[_x_label(task, r.spec, r.x, tokens) for r in unroller.records],
        dh_norm=dh_norm,
        grad_contrib=contrib,
        readouts=readouts,
    )


def _targets_and_scored(task, targets: list):
    """(T_out,) class indices or (T_out, O) values, with a placeholder (class 0, zeros) where an
    output has no target (None), and the mask of the outputs that have one (None when all do)."""
    scored = np.array([target is not None for target in targets])
    given = task.target_array([target for target in targets if target is not None])
    if scored.all():
        return given, None
    full = np.zeros((len(targets),) + given.shape[1:], dtype=given.dtype)
    full[scored] = given
    return full, scored


def _readouts(unroller: Unroller) -> np.ndarray:
    """(T, O) the output layer applied to every h_t in one product: softmax(W_hy h_t + b_y) for
    classification, y_t = W_hy h_t + b_y for regression. Not part of the loss; at an output step
    it is that step's own p (or y). Diverged at the first step whose readout overflows."""
    net = unroller.net
    hs = unroller.hidden_states()[:, 0]  # (T, H)
    with np.errstate(all="ignore"):
        Y = hs @ net.params["W_hy"].T + net.params["b_y"]  # (T, O)
        R = Y if net.task.kind == "regression" else softmax(Y)[0]
    for r in unroller.output_records():
        R[r.t] = r.y[0] if r.p is None else r.p[0]
    finite = np.isfinite(R).all(axis=1)
    if not finite.all():
        raise Diverged(int(np.flatnonzero(~finite)[0]), "forward", "the readout")
    return R


def _grad_contributions(unroller: Unroller, gradients: Gradients) -> dict:
    """‖da_x,tᵀ x_t‖ = ‖da_x,t‖·‖x_t‖ (an outer product's norm), likewise for W_hh, b_ih, b_hh."""
    da_x = row_norms(gradients.da_x[:, 0])  # (T,)
    da_h = da_x if gradients.da_h is gradients.da_x else row_norms(gradients.da_h[:, 0])
    x = np.zeros(len(unroller.records))
    given = [r.spec.given_index is not None for r in unroller.records]
    x[given] = row_norms(unroller.inputs[:, 0])  # the given inputs, read in order
    for r in unroller.records:
        if r.spec.given_index is None:
            x[r.t] = row_norms(r.x)[0]
    h_prev = row_norms(np.concatenate([r.h_prev for r in unroller.records]))
    return {"W_ih": da_x * x, "W_hh": da_h * h_prev, "b_ih": da_x, "b_hh": da_h}


def row_norms(a):
    """‖row‖ of a (T, n) array, as m·‖row/m‖ with m = max |row| so the squares cannot overflow."""
    scaled = np.abs(a)  # one temporary, reused in place: a large trace's rows are megabytes
    m = scaled.max(axis=1)
    np.divide(a, np.where(m > 0, m, 1.0)[:, None], out=scaled)
    squares = np.square(scaled, out=scaled)
    norms = np.sqrt(squares.sum(axis=1))
    norms *= m
    return norms


def _check_finite_norms(dh_norm, contrib):
    """A norm too large for float64 is an overflow like any other: Diverged at its step."""
    terms = [(f"the step's term of d{key}", values) for key, values in contrib.items()]
    for name, values in [("‖dL/dh‖", dh_norm), *terms]:
        if not np.isfinite(values).all():
            raise Diverged(int(np.flatnonzero(~np.isfinite(values))[-1]), "backward", name)


def _x_label(task, spec, x, tokens):
    """What a step read, as the page labels it: its token, <start>, or the token fed back (x is
    the (1, I) input, a one-hot vector when fed back)."""
    if spec.source == "start":
        return START_LABEL
    if spec.source == "given":
        return None if tokens is None else tokens[spec.given_index]
    return None if task.output_vocab is None else task.output_vocab[int(x[0].argmax())]

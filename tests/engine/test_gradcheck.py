"""BPTT against central finite differences, for every cell × topology (docs/maths.md §BPTT).

Each check perturbs every parameter entry by ±ε and recomputes L from scratch with the inputs
each step read held fixed (fed-back inputs are constants for the gradient), then compares.
"""

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.network import build_network
from app.engine.topologies import TOPOLOGIES
from app.engine.trace import choose_example, trace
from app.engine.tree import leaves

from .helpers import replay_loss

EPS = 1e-5  # truncation error ~ε² and rounding error ~1e-16/ε both stay far below 1e-6


def numeric_grads(net, records, targets):
    """dL/dθ ≈ (L(θ + ε) − L(θ − ε)) / 2ε for every entry of every parameter."""
    grads = {}
    for key, value in leaves(net.params):
        g = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + EPS
            plus = replay_loss(net, records, targets)
            value[index] = saved - EPS
            minus = replay_loss(net, records, targets)
            value[index] = saved
            g[index] = (plus - minus) / (2 * EPS)
        grads[key] = g
    return grads


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def check(topology, cell, activation, hidden_size, length=None, seed=0, teacher_forcing=False):
    net = build_network(topology, cell, activation, hidden_size, seed=seed)
    example = choose_example(net, length=length, seed=seed)
    tr = trace(net, example, teacher_forcing)
    targets = net.task.target_array(example.targets)[:, None]
    assert replay_loss(net, tr.records, targets) == pytest.approx(tr.loss, rel=1e-13)
    numeric = numeric_grads(net, tr.records, targets)
    analytic = dict(leaves(tr.gradients.grads))
    assert analytic.keys() == numeric.keys()
    for key in numeric:
        assert relative_error(analytic[key], numeric[key]) < 1e-6, key
        assert np.abs(analytic[key] - numeric[key]).max() < 1e-7, key
    return tr


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_every_cell_and_topology(topology, cell, activation):
    tr = check(topology, cell, activation, hidden_size=3, seed=7)
    assert any(np.abs(g).max() > 1e-3 for _, g in leaves(tr.gradients.grads))


@pytest.mark.parametrize("topology", ["one_to_many", "seq2seq"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_teacher_forcing(topology, cell, activation):
    check(topology, cell, activation, hidden_size=3, seed=3, teacher_forcing=True)


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_hidden_size_one(cell, activation):
    check("many_to_many", cell, activation, hidden_size=1, length=5, seed=1)
    check("seq2seq", cell, activation, hidden_size=1, length=3, seed=1)


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_long_sequence(cell, activation):
    """60 steps: the gradient reaches back through every one of them."""
    tr = check("many_to_one", cell, activation, hidden_size=2, length=60, seed=5)
    assert len(tr.records) == 60
    assert tr.grad_contrib["W_ih"][0] > 0  # the first step still contributes

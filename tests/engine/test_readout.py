"""Readouts (many_to_one): the output layer applied to every h_t, what the network would answer
if the sequence ended there; not part of the loss (docs/maths.md §Readouts)."""

import math

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.errors import Diverged
from app.engine.network import build_network
from app.engine.tasks import Example
from app.engine.topologies import TOPOLOGIES
from app.engine.trace import choose_example, trace

from .helpers import TinyRegression, network_with


def softmax_by_hand(y):
    """softmax in plain Python floats, shifted by the largest logit."""
    m = max(y)
    e = [math.exp(v - m) for v in y]
    return [v / sum(e) for v in e]


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_a_readout_is_the_output_layer_at_every_step(cell, activation):
    net = build_network("many_to_one", cell, activation, hidden_size=6, seed=3)
    tr = trace(net, choose_example(net, inputs="the film was not long and it was good".split()))
    W_hy, b_y = net.params["W_hy"], net.params["b_y"]
    assert tr.readouts.shape == (9, 3)
    for r in tr.records:
        y = [sum(W_hy[o, k] * r.h[0, k] for k in range(net.hidden_size)) + b_y[o] for o in range(3)]
        np.testing.assert_allclose(tr.readouts[r.t], softmax_by_hand(y), rtol=1e-12, atol=1e-15)
    last = tr.records[-1]
    np.testing.assert_array_equal(tr.readouts[-1], last.p[0])  # the output step's readout is its p
    assert [r.p for r in tr.records[:-1]] == [None] * 8  # the readouts are no outputs


def test_readouts_are_not_part_of_the_loss():
    net = build_network("many_to_one", "gru", hidden_size=4, seed=1)
    tr = trace(net, choose_example(net, inputs="it was good".split()))
    assert tr.loss == pytest.approx(-math.log(tr.records[-1].p[0, 2]), rel=1e-14)
    assert tr.loss != pytest.approx(-np.log(tr.readouts[:, 2]).mean())


def test_a_regression_readout_is_the_value():
    net = network_with(TinyRegression(), "many_to_one", "lstm", "tanh", hidden_size=3, seed=2)
    tr = trace(net, Example([[0.5], [-0.25], [1.0]], [[0.3]]))
    expected = [r.h[0] @ net.params["W_hy"].T + net.params["b_y"] for r in tr.records]
    np.testing.assert_allclose(tr.readouts, expected, rtol=1e-13)
    np.testing.assert_array_equal(tr.readouts[-1], tr.records[-1].y[0])


@pytest.mark.parametrize("topology", [t for t in TOPOLOGIES if t != "many_to_one"])
def test_only_many_to_one_has_readouts(topology):
    """Elsewhere every step has an output already (or, for the encoder, another cell's h)."""
    net = build_network(topology, "rnn", hidden_size=3, seed=0)
    assert trace(net, choose_example(net, seed=0)).readouts is None


def test_a_readout_that_overflows_is_diverged_at_its_step():
    """h_0 = relu(1e200) and the last h is 0: only the readout of step 0 overflows."""
    net = build_network("many_to_one", "rnn", "relu", hidden_size=1, seed=0)
    vocab = net.task.input_vocab
    W_ih = np.zeros((1, len(vocab)))
    W_ih[0, vocab.index("good")] = 1e200
    params = {"W_ih": W_ih, "W_hh": np.zeros((1, 1)), "b_ih": np.zeros(1), "b_hh": np.zeros(1),
              "W_hy": np.array([[1e200], [0.0], [0.0]]), "b_y": np.zeros(3)}
    net = build_network("many_to_one", "rnn", "relu", hidden_size=1, params=params)
    with pytest.raises(Diverged) as caught:
        trace(net, choose_example(net, inputs=["good", "it", "was"]))
    assert caught.value.step == 0 and caught.value.quantity == "the readout"
    assert trace(net, choose_example(net, inputs=["it", "was"])).readouts.tolist() == [[1 / 3] * 3] * 2

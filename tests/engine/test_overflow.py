"""Overflow at the edges of float64: every non-finite intermediate is Diverged, naming the right
quantity, and means of finite values stay finite however large their sum."""

import threading
import time

import numpy as np
import pytest

from app.engine.errors import Diverged
from app.engine.network import build_network
from app.engine.trace import choose_example, trace
from app.engine.train import Training, TrainSettings, evaluate, final_metrics
from app.engine.unroll import finite_mean, step_once

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def same_sign_params(cell, w, w_hy=((1.0,), (-1.0,)), b_y=(0.0, 0.0)):
    """one_to_one (same_sign: 2 inputs, 2 classes), hidden size 1, every gate row reading w·x_0."""
    G = BLOCKS[cell]
    return {"W_ih": [[w, 0.0]] * G, "W_hh": [[0.0]] * G, "b_ih": [0.0] * G, "b_hh": [0.0] * G,
            "W_hy": [list(r) for r in w_hy], "b_y": list(b_y)}


@pytest.mark.parametrize(("cell", "activation"), CELLS)
def test_an_infinite_pre_activation_behind_a_finite_h_is_diverged(cell, activation):
    # w·x = ±4e310 overflows; tanh, σ flatten it to ±1, 0 or 1 and relu(−∞) to 0: h stays finite
    w = -4e300 if activation == "relu" else 4e300
    net = build_network("one_to_one", cell, activation, hidden_size=1, params=same_sign_params(cell, w))
    with pytest.raises(Diverged) as caught:
        trace(net, choose_example(net, inputs=[[1e10, 0.25]]))
    assert (caught.value.step, caught.value.phase) == (0, "forward")
    assert caught.value.quantity == net.cell.pre_activation_name and "pre-activation" in str(caught.value)
    p = net.params
    with pytest.raises(Diverged) as caught:
        step_once(net.cell, {k: p[k] for k in ("W_ih", "W_hh", "b_ih", "b_hh")}, np.array([1e10, 0.25]),
                  np.zeros(1), np.zeros(1) if net.cell.has_c else None)
    assert caught.value.quantity == net.cell.pre_activation_name


@pytest.mark.parametrize(("cell", "activation"), CELLS)
def test_a_huge_finite_pre_activation_is_kept(cell, activation):
    """Saturated by a finite 3e299: a limit value, but no overflow, so an answer."""
    w = -3e289 if activation == "relu" else 3e289
    net = build_network("one_to_one", cell, activation, hidden_size=1, params=same_sign_params(cell, w))
    tr = trace(net, choose_example(net, inputs=[[1e10, 0.25]]))
    assert np.isfinite(tr.records[0].h).all() and np.isfinite(tr.loss)


def test_a_pre_activation_overflowing_later_in_a_sequence_names_its_step():
    net = build_network("many_to_many", "gru", hidden_size=4, seed=2)
    net.params["W_ih"][:, 5] = 1e308  # 1e308 + 1e308 = ∞ where token 5 is read; 1e308 elsewhere
    net.params["b_ih"][:] = 1e308
    tokens = net.task.input_vocab
    inputs = [tokens[0], tokens[1], tokens[5], tokens[2]]
    with pytest.raises(Diverged) as caught:
        trace(net, choose_example(net, inputs=inputs, targets=["O"] * 4))
    assert caught.value.step == 2 and caught.value.quantity == "the pre-activation of the gates"


def test_diverged_names_the_loss_when_only_the_loss_overflows():
    # h = 2·8.5e307 = 1.7e308, y = ±1.53e308 (finite), loss = 1.53e308 + 1.53e308 = ∞
    params = same_sign_params("rnn", 2.0, w_hy=((0.9,), (-0.9,)))
    net = build_network("one_to_one", "rnn", "relu", hidden_size=1, params=params)
    with pytest.raises(Diverged) as caught:
        trace(net, choose_example(net, inputs=[[8.5e307, 0.5]], targets=["different"]))
    assert caught.value.quantity == "loss"
    net = build_network("one_to_one", "rnn", "relu", hidden_size=1,
                        params=same_sign_params("rnn", 2.0, w_hy=((3.0,), (0.0,))))
    with pytest.raises(Diverged) as caught:  # y = 3 · 1.7e308 = ∞ itself
        trace(net, choose_example(net, inputs=[[8.5e307, 0.5]], targets=["different"]))
    assert caught.value.quantity == "y"


def test_the_mean_loss_is_finite_when_every_loss_is_however_large_their_sum():
    params = {"W_ih": [[0.0]], "W_hh": [[0.0]], "b_ih": [0.0], "b_hh": [0.0], "W_hy": [[0.0]], "b_y": [0.0]}
    net = build_network("one_to_many", "rnn", hidden_size=1, params=params)
    targets = [[1.2e154], [-1.2e154], [1.1e154], [1.2e154]]  # losses ~1.4e308: their sum is ∞
    tr = trace(net, choose_example(net, inputs=[[0.3]], targets=targets))
    assert tr.loss == pytest.approx(1.3825e308)  # (3 · 1.44e308 + 1.21e308) / 4
    assert finite_mean(np.array([1e308, 1.5e308, 1.7e308])) == pytest.approx(1.4e308)
    assert finite_mean(np.array([0.5, 1.5])) == 1.0  # plain mean when the sum fits


def test_scoring_keeps_to_the_deadline_and_stops_when_told():
    net = build_network("seq2seq", "lstm", hidden_size=256, seed=1)
    started = time.monotonic()
    metrics = evaluate(net, examples=200, length=250, deadline=time.monotonic())
    assert 1 <= metrics["examples"] < 200 and np.isfinite(metrics["loss"])
    assert time.monotonic() - started < 30  # one chunk, not 200 examples: does not hang
    stop = threading.Event()
    stop.set()
    assert final_metrics(net, seed=0, length=250, stop=stop) is None


def test_scoring_in_chunks_gives_what_scoring_at_once_gives():
    net = build_network("many_to_one", "gru", hidden_size=8, seed=4)
    whole = evaluate(net, examples=120, seed=3)
    import app.engine.train as train

    saved = train.MAX_STEP_WORK
    train.MAX_STEP_WORK = 2000  # a few examples a chunk
    try:
        chunked = evaluate(net, examples=120, seed=3)
    finally:
        train.MAX_STEP_WORK = saved
    assert chunked["examples"] == whole["examples"] == 120
    assert chunked["accuracy"] == whole["accuracy"] and chunked["loss"] == pytest.approx(whole["loss"], rel=1e-12)


def test_training_counts_the_seconds_from_its_first_step():
    net = build_network("many_to_one", "rnn", hidden_size=4, seed=0)
    training = Training(net, TrainSettings(steps=5000, seconds=0.2, batch_size=4), seed=0)
    list(training)
    assert 0 < training.steps_done < 5000 and training.deadline <= time.monotonic()

"""The stepper, the unroll built on it, shapes, determinism, teacher forcing and divergence."""

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.errors import Diverged
from app.engine.network import build_network
from app.engine.tasks import Example
from app.engine.topologies import TOPOLOGIES
from app.engine.trace import START_LABEL, choose_example, trace
from app.engine.train import batch_arrays
from app.engine.tree import leaves
from app.engine.unroll import Unroller, backward


def arrays(tr):
    """Every number a trace holds, for exact comparisons."""
    out = [tr.loss]
    for r in tr.records:
        out += [r.x, r.h] + [a for a in (r.c, r.gates, r.y, r.p, r.loss) if a is not None]
    return out + [g for _, g in leaves(tr.gradients.grads)] + [tr.gradients.dh]


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_backward_factors_in_one_batch_or_step_by_step_are_the_same_numbers(topology, cell, activation, monkeypatch):
    """A trace's backward computes its steps' factors at once, a large mini-batch's step by step
    (app/engine/unroll.py, BATCHED_FACTORS): elementwise products and differences, so the two
    give the same numbers to the last bit, here on a padded mini-batch (steps that hold some of
    their examples)."""
    net = build_network(topology, cell, activation, hidden_size=5, seed=3)
    rng = np.random.default_rng(1)
    low, high = net.task.lengths
    examples = [net.task.sample(rng, length) for length in (low, high, None)]
    X, Y, lengths = batch_arrays(net, examples)

    def gradients():
        with np.errstate(all="ignore"):
            g = backward(Unroller(net, X, Y, teacher_forcing=True, lengths=lengths).run())
        return [g.dh, g.dc, g.dh_next, g.dc_next, g.da_x, g.da_h] + [v for _, v in leaves(g.grads)]

    batched = gradients()
    monkeypatch.setattr("app.engine.unroll.BATCHED_FACTORS", 0)
    for a, b in zip(batched, gradients(), strict=True):
        assert (a is None and b is None) or np.array_equal(a, b)


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
def test_step_by_step_equals_run(topology):
    net = build_network(topology, "lstm", hidden_size=4, seed=2)
    example = choose_example(net, seed=2)
    X = net.task.input_matrix(example.inputs)[:, None]
    targets = net.task.target_array(example.targets)[:, None]
    stepper = Unroller(net, X, targets)
    seen = []
    while not stepper.done:
        record = stepper.step()  # every record is complete when step() returns
        assert record.t == len(seen)
        if record.spec.output_index is not None:
            assert record.y is not None and record.loss is not None
        seen.append((record.h.copy(), None if record.y is None else record.y.copy()))
    whole = Unroller(net, X, targets).run()
    for (h, y), r in zip(seen, whole.records, strict=True):
        np.testing.assert_array_equal(h, r.h)
        if y is not None:
            np.testing.assert_array_equal(y, r.y)
    assert stepper.loss == whole.loss


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_shapes(topology, cell, activation):
    H = 5
    net = build_network(topology, cell, activation, H, seed=1)
    tr = trace(net, choose_example(net, seed=1))
    G = net.cell.blocks
    O = net.output_size
    for r in tr.records:
        I = net.input_size if r.spec.part != "decoder" else O
        assert r.x.shape == (1, I) and r.h.shape == (1, H)
        assert (r.c is not None) == (cell == "lstm")
        assert (r.gates is None) == (cell == "rnn")
        if r.gates is not None:
            assert r.gates.shape == (1, G * H)
        if r.spec.output_index is None:
            assert r.y is None and r.loss is None
        else:
            assert r.y.shape == (1, O)
    assert tr.gradients.dh.shape == (len(tr.records), 1, H)
    for key, g in leaves(tr.gradients.grads):
        node = net.params
        for part in key.split("."):
            node = node[part]
        assert g.shape == node.shape, key


def test_topology_shapes_match_the_textbook():
    def plan_of(topology, **kw):
        net = build_network(topology, "rnn", hidden_size=2)
        tr = trace(net, choose_example(net, **kw))
        return [(r.spec.role, r.y is not None) for r in tr.records]

    assert plan_of("one_to_one") == [("step", True)]
    assert plan_of("one_to_many", length=4) == [("step", True)] * 4
    assert plan_of("many_to_one", length=4) == [("step", False)] * 3 + [("step", True)]
    assert plan_of("many_to_many", length=4) == [("step", True)] * 4
    assert plan_of("seq2seq", length=3) == [("encoder", False)] * 3 + [("decoder", True)] * 3


def test_same_seed_same_numbers_other_seed_other_numbers():
    def run(seed):
        net = build_network("seq2seq", "gru", hidden_size=6, seed=seed)
        return arrays(trace(net, choose_example(net, seed=seed)))

    for a, b in zip(run(11), run(11), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(run(11)[-1], run(12)[-1])


def test_seq2seq_decoder_starts_from_zero_and_encoder_state():
    net = build_network("seq2seq", "lstm", hidden_size=4, seed=0)
    tr = trace(net, Example(["cat", "dog", "red"], ["red", "dog", "cat"]))
    first = tr.records[3]
    assert tr.x_labels[3] == START_LABEL and not first.x.any()
    np.testing.assert_array_equal(first.h_prev, tr.records[2].h)  # the encoder's final h
    assert [r.t for r in tr.records] == list(range(6))


def test_feedback_reads_the_prediction_and_teacher_forcing_the_target():
    net = build_network("seq2seq", "rnn", hidden_size=4, seed=4)
    example = Example(["cat", "dog", "red", "big"], ["big", "red", "dog", "cat"])
    vocab = net.task.output_vocab
    free = trace(net, example)
    forced = trace(net, example, teacher_forcing=True)
    for t in range(5, 8):
        predicted = vocab[int(free.records[t - 1].y.argmax())]
        assert free.x_labels[t] == predicted
        assert forced.x_labels[t] == example.targets[t - 5]
        np.testing.assert_array_equal(forced.records[t].x[0], np.eye(7)[vocab.index(example.targets[t - 5])])
    # a regression network feeds back the value itself
    wave = build_network("one_to_many", "gru", hidden_size=3, seed=1)
    tr = trace(wave, choose_example(wave, length=4, seed=1))
    for t in range(1, 4):
        np.testing.assert_array_equal(tr.records[t].x, tr.records[t - 1].y)


def test_explosion_is_kept_while_finite_and_reported_when_it_overflows():
    net = build_network("many_to_many", "rnn", "relu", hidden_size=16, seed=0, recurrent_scale=3.0)
    tr = trace(net, choose_example(net, length=100, seed=0))
    norms = np.linalg.norm([r.h[0] for r in tr.records], axis=1)
    assert norms[-1] > 1e30 and np.isfinite(norms).all()  # huge, and kept as it is
    assert tr.dh_norm[0] > 1e25 and np.isfinite(tr.dh_norm).all()
    tr = trace(net, choose_example(net, length=500, seed=0))  # h reaches ~1e214: still finite
    assert 1e150 < tr.loss < np.inf and np.isfinite(tr.dh_norm).all()
    faster = build_network("many_to_many", "rnn", "relu", hidden_size=16, seed=0, recurrent_scale=10.0)
    with pytest.raises(Diverged) as caught:
        trace(faster, choose_example(faster, length=500, seed=0))
    assert (caught.value.phase, caught.value.quantity, caught.value.step) == ("forward", "h", 324)
    assert "step 324" in str(caught.value)


def test_huge_but_finite_norms_do_not_overflow():
    from app.engine.trace import row_norms

    big = np.full((2, 4), 1e300)
    assert row_norms(big) == pytest.approx([2e300, 2e300])
    assert row_norms(np.zeros((1, 3)))[0] == 0.0


def test_vanishing_gradient_with_a_small_recurrent_scale():
    net = build_network("many_to_one", "rnn", "tanh", hidden_size=16, seed=0, recurrent_scale=0.5)
    tr = trace(net, choose_example(net, length=30, seed=0))
    assert tr.dh_norm[0] < 1e-6 * tr.dh_norm[-1]


def test_backward_overflow_names_a_step():
    """Units 1…7 stay at 0 going forward, but W_hh[i, i+1] = 1e200 multiplies dL/dh by 1e200
    per unit and per step going backward: finite forward, overflow backward."""
    net = build_network("many_to_many", "rnn", "tanh", hidden_size=8, seed=0)
    p = net.params
    p["W_hh"][:] = 0.0
    p["W_hh"][np.arange(7), np.arange(1, 8)] = 1e200
    p["W_ih"][1:] = p["b_ih"][1:] = p["b_hh"][1:] = 0.0
    with pytest.raises(Diverged) as caught:
        trace(net, choose_example(net, length=20, seed=0))
    assert caught.value.phase == "backward"

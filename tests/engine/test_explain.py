"""explain(trace, t): every term of a step against central finite differences, a hand-worked
H = 2 case, the trace's own arrays to the last bit, and the Jacobian chain against products of
finite-difference Jacobians and of the cells' explicit ones (docs/maths.md §Inside a step).

The finite differences replay the network from scratch with the inputs each step read held
fixed (fed-back inputs are constants for the gradient), perturbing one thing: the input
projection of step t (a_k moves with it one for one), the state entering step t (seen by step
t alone: what dh_prev and dc_prev measure), or h_t as the output layer sees it (dh_out).
"""

import numpy as np
import pytest

import app.engine.explain as explain_module
from app.engine.cells import CELL_ACTIVATIONS, sigmoid
from app.engine.errors import Diverged, InputError
from app.engine.explain import explain, jacobian_chain
from app.engine.network import build_network
from app.engine.tasks import Example
from app.engine.trace import choose_example, trace
from app.engine.unroll import output_forward

from .helpers import tiny_network

EPS = 1e-6
TOPOLOGIES = ["many_to_one", "many_to_many", "seq2seq", "one_to_many"]


def traced(topology, cell, activation, hidden_size=3, seed=7, length=None, **kw):
    net = build_network(topology, cell, activation, hidden_size, seed=seed, **kw)
    return trace(net, choose_example(net, length=length, seed=seed))


def replay(tr, at=None, d_ax=None, d_in=None, d_out=None):
    """(L, states) recomputed from scratch, states[t] the state s_t = h_t (and c_t) after step t.
    At step `at`: d_ax is added to the input projection, d_in to the state entering the step
    (as that step alone sees it), d_out to h_t as the output layer alone sees it."""
    net = tr.network
    H = net.hidden_size
    targets = net.task.target_array(tr.example.targets)[:, None]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    losses, states = [], []
    for r in tr.records:
        params = net.part_params(r.spec.part)
        ax = net.cell.project_input(params, r.x)
        h_in, c_in = h, c
        if r.t == at and d_ax is not None:
            ax = ax + d_ax
        if r.t == at and d_in is not None:
            h_in, c_in = h + d_in[:H], (c + d_in[H:]) if net.cell.has_c else c
        h, c, _, _ = net.cell.forward(params, ax, h_in, c_in)
        c = np.zeros((1, H)) if c is None else c
        states.append(np.concatenate([h[0], c[0]]) if net.cell.has_c else h[0].copy())
        if r.spec.output_index is not None:
            seen = h + d_out if (r.t == at and d_out is not None) else h
            y = seen @ net.params["W_hy"].T + net.params["b_y"]
            losses.append(output_forward(net.task.kind, y, targets[r.spec.output_index])[1][0])
    return float(np.mean(losses)), states


def numeric_gradient(loss_of, n):
    """dL/dv ≈ (L(v + εe_i) − L(v − εe_i)) / 2ε for each of the n coordinates."""
    g = np.zeros(n)
    for i in range(n):
        e = np.zeros(n)
        e[i] = EPS
        g[i] = (loss_of(e) - loss_of(-e)) / (2 * EPS)
    return g


def state_size(tr):
    return (2 if tr.network.cell.has_c else 1) * tr.network.hidden_size


def numeric_jacobian(tr, k, t):
    """∂s_t/∂s_k by central differences: the state entering step k+1 moved, the steps replayed."""
    S = state_size(tr)
    J = np.zeros((S, S))
    for i in range(S):
        e = np.zeros(S)
        e[i] = EPS
        plus, minus = replay(tr, at=k + 1, d_in=e)[1][t], replay(tr, at=k + 1, d_in=-e)[1][t]
        J[:, i] = (plus - minus) / (2 * EPS)
    return J


def close(a, b, tol=1e-7):
    """Equal within tol relative to the larger of the two (absolute below a size of 1)."""
    scale = max(1.0, np.abs(a).max(initial=0), np.abs(b).max(initial=0))
    return np.abs(np.asarray(a) - np.asarray(b)).max(initial=0) <= tol * scale


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_backward_terms_against_finite_differences(topology, cell, activation):
    tr = traced(topology, cell, activation)
    net, H = tr.network, tr.network.hidden_size
    for t in range(len(tr.records)):
        b = explain(tr, t).backward
        da = numeric_gradient(lambda e, t=t: replay(tr, at=t, d_ax=e)[0], net.cell.blocks * H)
        for k, name in enumerate(net.cell.block_names):
            assert close(b[f"da_{name}"], da[k * H : (k + 1) * H]), (t, name)
        sent = numeric_gradient(lambda e, t=t: replay(tr, at=t, d_in=e)[0], state_size(tr))
        assert close(b["dh_prev"], sent[:H]), t
        if cell == "lstm":
            assert close(b["dc_prev"], sent[H:]), t
        if tr.records[t].spec.output_index is not None:
            assert close(b["dh_out"], numeric_gradient(lambda e, t=t: replay(tr, at=t, d_out=e)[0], H)), t
        else:
            assert not b["dh_out"].any()
        if t + 1 < len(tr.records):
            after = numeric_gradient(lambda e, t=t: replay(tr, at=t + 1, d_in=e)[0], state_size(tr))
            assert close(b["dh_next"], after[:H]), t
        if np.linalg.norm(b["dh"]) == 0:  # no gradient reaches the step (a relu's dead units)
            assert b["shrink"] is None
        else:
            assert b["shrink"] == pytest.approx(np.linalg.norm(b["dh_prev"]) / np.linalg.norm(b["dh"]), rel=1e-12)


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_the_trace_arrays_to_the_last_bit(topology, cell, activation):
    tr = traced(topology, cell, activation, seed=3)
    g = tr.gradients
    for r in tr.records:
        e = explain(tr, r.t)
        f, b = e.forward, e.backward
        assert (e.t, e.role, e.cell) == (r.t, r.spec.role, cell)
        assert np.array_equal(f["h"], r.h[0]) and np.array_equal(f["x"], r.x[0])
        assert np.array_equal(f["h_prev"], r.h_prev[0])
        assert np.array_equal(b["dh"], g.dh[r.t, 0])
        assert np.array_equal(b["dh_out"] + b["dh_next"], b["dh"])  # the split BPTT made
        for name in tr.network.cell.gate_names:
            assert np.array_equal(f[name], tr.network.cell.gates_by_name(r.gates[0])[name])
        H = tr.network.hidden_size
        for k, name in enumerate(tr.network.cell.block_names):
            assert np.array_equal(b[f"da_{name}"], g.da_x[r.t, 0, k * H : (k + 1) * H])
        if cell == "lstm":
            assert np.array_equal(f["c"], r.c[0]) and np.array_equal(b["dc"], g.dc[r.t, 0])
        if r.t > 0:  # what step t sends back is what step t−1 was handed, across a hand-over too
            assert np.array_equal(b["dh_prev"], g.dh_next[r.t - 1, 0])
            if cell == "lstm":
                assert np.array_equal(b["dc_prev"], g.dc_next[r.t - 1, 0])
        if r.y is not None:
            assert np.array_equal(f["y"], r.y[0]) and f["loss"] == r.loss[0]


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_forward_terms_add_up(cell, activation):
    """a_k is the sum of its parts (r gating the recurrent part of GRU's n), and each block is
    its activation of a_k."""
    tr = traced("many_to_many", cell, activation, hidden_size=4, seed=2)
    for t in range(len(tr.records)):
        f = explain(tr, t).forward
        params = tr.network.params
        for k, name in enumerate(tr.network.cell.block_names):
            rows = slice(4 * k, 4 * (k + 1))
            assert np.array_equal(f[f"Wx_{name}"], params["W_ih"][rows] @ f["x"])
            assert np.allclose(f[f"Wh_{name}"], params["W_hh"][rows] @ f["h_prev"], rtol=0, atol=1e-15)
            assert np.array_equal(f[f"bx_{name}"], params["b_ih"][rows])
            assert np.array_equal(f[f"bh_{name}"], params["b_hh"][rows])
            parts = (f[f"Wx_{name}"], f[f"bx_{name}"], f[f"Wh_{name}"], f[f"bh_{name}"])
            expected = parts[0] + parts[1] + (f["r"] if name == "n" else 1.0) * (parts[2] + parts[3])
            assert np.allclose(f[f"a_{name}"], expected, rtol=1e-14, atol=1e-15), name
            squash = np.tanh if name in ("g", "n") else sigmoid
            if cell == "rnn":
                squash = np.tanh if activation == "tanh" else (lambda a: np.maximum(a, 0.0))
            assert np.allclose(f[name], squash(f[f"a_{name}"]), rtol=1e-15, atol=1e-16), name
        if cell == "lstm":
            assert np.allclose(f["c"], f["f"] * f["c_prev"] + f["i"] * f["g"], rtol=1e-15, atol=1e-16)
            assert np.allclose(f["h"], f["o"] * np.tanh(f["c"]), rtol=1e-15, atol=1e-16)
        if cell == "gru":
            assert np.allclose(f["h"], (1 - f["z"]) * f["n"] + f["z"] * f["h_prev"], rtol=1e-15, atol=1e-16)


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_one_step_jacobians_against_finite_differences(cell, activation):
    tr = traced("many_to_many", cell, activation, hidden_size=4, seed=5)
    net = tr.network
    for t in range(1, len(tr.records)):
        r = tr.records[t]
        J = net.cell.jacobian(net.params, r.cache)[0]
        assert close(J, numeric_jacobian(tr, t - 1, t)), t
        # backward is the product with its transpose: (dh_prev, dc_prev) = Jᵀ·(dh, dc handed in)
        b = explain(tr, t).backward
        handed = tr.gradients.dh[t, 0] if cell != "lstm" else np.concatenate(
            [tr.gradients.dh[t, 0], tr.gradients.dc_next[t, 0]])
        sent = b["dh_prev"] if cell != "lstm" else np.concatenate([b["dh_prev"], b["dc_prev"]])
        assert np.allclose(J.T @ handed, sent, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("topology", ["many_to_one", "many_to_many", "seq2seq"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_chain_against_finite_difference_jacobians(topology, cell, activation):
    tr = traced(topology, cell, activation, seed=4)
    t = len(tr.records) - 1
    chain = explain(tr, t).chain
    assert [link.k for link in chain] == list(range(t - 1, -1, -1))
    for link in chain:
        k = link.k
        # central differences are good to about 1e-10 absolute (ε² and rounding / ε)
        assert link.factor == pytest.approx(np.linalg.norm(numeric_jacobian(tr, k, k + 1), 2), rel=1e-7, abs=1e-9)
        assert link.product == pytest.approx(np.linalg.norm(numeric_jacobian(tr, k, t), 2), rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("topology", ["many_to_many", "seq2seq", "one_to_many"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_chain_against_explicit_products(topology, cell, activation):
    """The norms against LAPACK's SVD of the product of the cells' Jacobians, multiplied out."""
    tr = traced(topology, cell, activation, hidden_size=6, seed=1, length=12)
    net = tr.network
    for t in (len(tr.records) - 1, len(tr.records) // 2):
        P = np.eye(state_size(tr))
        for link in explain(tr, t).chain:
            r = tr.records[link.k + 1]
            J = net.cell.jacobian(net.part_params(r.spec.part), r.cache)[0]
            P = P @ J
            assert link.factor == pytest.approx(np.linalg.norm(J, 2), rel=1e-10)
            assert link.product == pytest.approx(np.linalg.norm(P, 2), rel=1e-10)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_seq2seq_chain_crosses_the_hand_over(cell):
    """From a decoder step the chain runs into the encoder; at the hand-over the link is the
    decoder cell's Jacobian with respect to its initial state, the encoder's last state."""
    tr = traced("seq2seq", cell, "tanh", hidden_size=3, seed=6, length=4)
    roles = [r.spec.role for r in tr.records]
    first_decoder = roles.index("decoder")
    t = len(tr.records) - 1
    chain = {link.k: link for link in explain(tr, t).chain}
    assert set(chain) == set(range(t))  # every step back, encoder steps included
    hand_over = chain[first_decoder - 1]
    decoder = tr.records[first_decoder]
    J = tr.network.cell.jacobian(tr.network.params["decoder"], decoder.cache)[0]
    assert hand_over.factor == pytest.approx(np.linalg.norm(J, 2), rel=1e-10)
    encoder_J = tr.network.cell.jacobian(tr.network.params["encoder"], decoder.cache)[0]
    assert not np.allclose(J, encoder_J)  # the decoder's own weights, not the encoder's
    for k in range(first_decoder):  # ∂s_t/∂s_k for encoder states k, by finite differences
        assert chain[k].product == pytest.approx(np.linalg.norm(numeric_jacobian(tr, k, t), 2), rel=1e-7, abs=1e-9)


def test_chain_is_fifty_steps_at_most():
    tr = traced("many_to_one", "gru", "tanh", hidden_size=4, seed=0, length=80)
    chain = explain(tr, 79).chain
    assert [link.k for link in chain] == list(range(78, 28, -1))
    assert explain(tr, 0).chain == []
    assert [link.k for link in explain(tr, 3).chain] == [2, 1, 0]
    assert chain[0].factor == chain[0].product  # ∂s_79/∂s_78 is one factor


def test_a_vanishing_chain_keeps_its_digits():
    """Products far below float64's smallest normal number are kept as P·2^E: each is the
    same as the explicit product computed in a log scale."""
    tr = traced("many_to_one", "rnn", "tanh", hidden_size=5, seed=0, length=60, recurrent_scale=1e-6)
    chain = explain(tr, 59).chain
    net, log_norm = tr.network, 0.0
    P = np.eye(5)
    for link in chain:
        P = P @ net.cell.jacobian(net.params, tr.records[link.k + 1].cache)[0]
        scale = np.abs(P).max()
        P, log_norm = P / scale, log_norm + np.log(scale)
        expected = np.log(np.linalg.norm(P, 2)) + log_norm
        if expected > np.log(1e-300):
            assert np.log(link.product) == pytest.approx(expected, rel=1e-10)
        else:
            assert link.product < 1e-290
    assert chain[-1].product < 1e-250 and all(link.factor > 1e-7 for link in chain)


def test_the_step_must_be_in_the_trace():
    tr = traced("many_to_one", "rnn", "tanh", length=5)
    for t in (5, -1, 99):
        with pytest.raises(InputError) as caught:
            explain(tr, t)
        assert caught.value.field == "t"
        assert caught.value.message.startswith("must be 0 to 4 for this trace of 5 steps")


def test_shrink_without_a_gradient_is_none():
    """A relu RNN whose units are all off at the last step passes no gradient back: ‖dh‖ = 0."""
    params = {"W_ih": np.array([[-1.0], [-2.0]]), "W_hh": np.zeros((2, 2)), "b_ih": np.zeros(2),
              "b_hh": np.zeros(2), "W_hy": np.array([[1.0, 1.0]]), "b_y": np.zeros(1)}
    net = tiny_network(params, activation="relu", topology="many_to_one")
    tr = trace(net, Example([[1.0], [1.0], [1.0]], [[0.5]]))
    b = explain(tr, 1).backward
    assert not b["dh"].any() and b["shrink"] is None
    assert explain(tr, 2).backward["shrink"] == 0.0  # dh ≠ 0 at the output, but relu′ = 0 there


def test_an_overflowing_product_is_diverged():
    """A finite trace whose Jacobian product passes float64 is refused, naming the step k."""
    params = {"W_ih": np.array([[1.0], [1.0]]), "W_hh": 1e100 * np.eye(2), "b_ih": np.zeros(2),
              "b_hh": np.zeros(2), "W_hy": np.zeros((1, 2)), "b_y": np.zeros(1)}  # no gradient to overflow
    net = tiny_network(params, activation="relu", topology="many_to_one")
    tr = trace(net, Example([[1e-300], [0.0], [0.0], [0.0], [0.0]], [[0.0]]))  # h_4 = 1e100, finite
    assert [link.product for link in explain(tr, 3).chain] == pytest.approx([1e100, 1e200, 1e300])
    with pytest.raises(Diverged) as caught:
        explain(tr, 4)  # ∂h_4/∂h_0 = 1e400·I
    assert (caught.value.step, caught.value.phase) == (0, "backward")


# --- a 2-unit tanh RNN over 2 steps, worked by hand -----------------------------------------
# h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), y_t = h_t[0] − h_t[1], L = ½ Σ (y_t − y*_t)²
# W_ih = (0.5, −0.3)ᵀ, W_hh = [[0.1, 0.2], [−0.4, 0.3]], b_ih = (0.05, −0.1), b_hh = (0, 0.1),
# x = (1, −1), y* = (0.2, −0.1).
HAND = {"W_ih": np.array([[0.5], [-0.3]]), "W_hh": np.array([[0.1, 0.2], [-0.4, 0.3]]),
        "b_ih": np.array([0.05, -0.1]), "b_hh": np.array([0.0, 0.1]),
        "W_hy": np.array([[1.0, -1.0]]), "b_y": np.array([0.0])}


@pytest.fixture(scope="module")
def hand():
    tr = trace(tiny_network(HAND), Example([[1.0], [-1.0]], [[0.2], [-0.1]]))
    return explain(tr, 0), explain(tr, 1)


def test_hand_worked_forward(hand):
    step0, step1 = hand
    f0, f1 = step0.forward, step1.forward
    assert step0.blocks == ("h",) and f0["c"] is None and f0["c_prev"] is None
    # step 0: h_{−1} = 0, so Wh = 0 and a = (0.5 + 0.05, −0.3 − 0.1 + 0.1) = (0.55, −0.3)
    assert f0["Wx_h"] == pytest.approx([0.5, -0.3], abs=1e-16) and not f0["Wh_h"].any()
    assert f0["a_h"] == pytest.approx([0.55, -0.3], abs=1e-15)
    assert f0["h"] == pytest.approx([0.5005202111902353, -0.2913126124515909], abs=1e-15)  # tanh(a)
    # step 1: Wx = (−0.5, 0.3); Wh = W_hh h_0 = (0.1·0.500520 + 0.2·(−0.291313), −0.4·0.500520 + 0.3·(−0.291313))
    assert f1["Wh_h"] == pytest.approx([-0.008210501371294657, -0.2876018682115714], abs=1e-15)
    assert f1["a_h"] == pytest.approx([-0.45821050137129465, 0.012398131788428579], abs=1e-15)
    assert f1["h"] == pytest.approx([-0.428624598870129, 0.012397496573364648], abs=1e-15)
    assert f1["bx_h"] == pytest.approx([0.05, -0.1]) and f1["bh_h"] == pytest.approx([0.0, 0.1])
    # y_1 = −0.428625 − 0.012397 = −0.441022; loss_1 = (−0.441022 + 0.1)² = 0.116296
    assert f1["y"] == pytest.approx([-0.44102209544349363], abs=1e-15)
    assert f1["loss"] == pytest.approx(0.11629606958067126, abs=1e-15) and f1["p"] is None


def test_hand_worked_backward(hand):
    b0, b1 = hand[0].backward, hand[1].backward
    # t = 1, the last step: dy = y_1 − y* = −0.341022 (2(y − y*)/(O·N) with O = 1, N = 2),
    # dh_out = W_hyᵀ dy = (−0.341022, 0.341022), dh_next = 0
    assert b1["dh_out"] == pytest.approx([-0.3410220954434936, 0.3410220954434936], abs=1e-15)
    assert not b1["dh_next"].any() and np.array_equal(b1["dh"], b1["dh_out"])
    # da = dh ⊙ (1 − h_1²); dh_prev = W_hhᵀ da; shrink = ‖dh_prev‖ / ‖dh‖
    assert b1["da_h"] == pytest.approx([-0.27836984114568386, 0.34096968105631115], abs=1e-15)
    assert b1["dh_prev"] == pytest.approx([-0.16422485653709284, 0.04661693608775657], abs=1e-15)
    assert b1["shrink"] == pytest.approx(0.3539722213495079, abs=1e-15)
    # t = 0: dh = dh_out (dy_0 = 0.591833) + dh_next (what step 1 sent back)
    assert b0["dh_out"] == pytest.approx([0.5918328236418262, -0.5918328236418262], abs=1e-15)
    assert np.array_equal(b0["dh_next"], b1["dh_prev"])
    assert b0["dh"] == pytest.approx([0.42760796710473337, -0.5452158875540697], abs=1e-15)
    assert b0["da_h"] == pytest.approx([0.32048341315989615, -0.49894721087584043], abs=1e-15)
    assert b0["dh_prev"] == pytest.approx([0.23162722566632582, -0.0855874806307729], abs=1e-15)
    assert b0["shrink"] == pytest.approx(0.35637805552143487, abs=1e-15)


def test_hand_worked_chain(hand):
    # ∂h_1/∂h_0 = diag(1 − h_1²)·W_hh = [[0.081628, 0.163256], [−0.399939, 0.299954]];
    # for a 2×2 A, σ_max² = (‖A‖_F² + √(‖A‖_F⁴ − 4 det(A)²)) / 2, so σ_max = 0.501145
    (link,) = hand[1].chain
    assert link.k == 0
    assert link.factor == pytest.approx(0.501145016173508, abs=1e-14)
    assert link.product == link.factor
    assert hand[0].chain == []


def test_the_chain_is_measured_in_batches(monkeypatch):
    """A chain of large Jacobians is built and measured a batch at a time (CHAIN_MEMORY bytes):
    the same norms, to the last bit, whatever the batch."""
    tr = traced("many_to_one", "lstm", "tanh", hidden_size=64, seed=0, length=60)
    whole = jacobian_chain(tr, 59)  # 50 Jacobians of 128 × 128: one batch
    monkeypatch.setattr(explain_module, "CHAIN_MEMORY", 3 * 128 * 128 * 8)  # three a batch
    batched = jacobian_chain(tr, 59)
    assert len(whole) == 50
    assert batched == whole

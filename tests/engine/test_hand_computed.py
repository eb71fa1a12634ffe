"""A 1-unit tanh RNN over 3 steps, forward and backward, with every number worked by hand.

h_t = tanh(0.5·x_t + 0.1 + 0.8·h_{t−1} − 0.2), y_t = 2·h_t + 0.3, L = ⅓ Σ (y_t − y*_t)²
with x = (1, 0.5, −1) and y* = (0.5, −0.2, 0.1).
"""

import math

import numpy as np
import pytest

from app.engine.tasks import Example
from app.engine.trace import trace

from .helpers import tiny_network

PARAMS = {
    "W_ih": np.array([[0.5]]), "W_hh": np.array([[0.8]]), "b_ih": np.array([0.1]),
    "b_hh": np.array([-0.2]), "W_hy": np.array([[2.0]]), "b_y": np.array([0.3]),
}
EXAMPLE = Example([[1.0], [0.5], [-1.0]], [[0.5], [-0.2], [0.1]])


@pytest.fixture(scope="module")
def tr():
    return trace(tiny_network(PARAMS), EXAMPLE)


def test_forward_by_hand(tr):
    # step 0: a = 0.5·1 + 0.1 + 0.8·0 − 0.2 = 0.4
    h0 = math.tanh(0.4)  # 0.379949
    # step 1: a = 0.25 + 0.1 + 0.8·0.379949 − 0.2 = 0.453959
    h1 = math.tanh(0.15 + 0.8 * h0)  # 0.425148
    # step 2: a = −0.5 + 0.1 + 0.8·0.425148 − 0.2 = −0.259882
    h2 = math.tanh(-0.6 + 0.8 * h1)  # −0.254185
    assert [r.h[0, 0] for r in tr.records] == pytest.approx([h0, h1, h2], abs=1e-15)
    assert [r.h[0, 0] for r in tr.records] == pytest.approx([0.3799490, 0.4251480, -0.2541848], abs=1e-7)
    ys = [2 * h + 0.3 for h in (h0, h1, h2)]  # 1.059898, 1.150296, −0.208370
    assert [r.y[0, 0] for r in tr.records] == pytest.approx(ys, abs=1e-15)
    # L = ⅓[(1.059898 − 0.5)² + (1.150296 + 0.2)² + (−0.208370 − 0.1)²] = 0.743959
    assert tr.loss == pytest.approx(0.7439589275576367, abs=1e-14)
    assert [r.loss[0] for r in tr.records] == pytest.approx(
        [(ys[0] - 0.5) ** 2, (ys[1] + 0.2) ** 2, (ys[2] - 0.1) ** 2], abs=1e-15
    )


def test_backward_by_hand(tr):
    h = [0.0] + [r.h[0, 0] for r in tr.records]  # h[-1] = 0 stands first
    y = [r.y[0, 0] for r in tr.records]
    dy = [2 * (y[t] - t_) / 3 for t, t_ in enumerate((0.5, -0.2, 0.1))]  # dL/dy_t = ⅔(y_t − y*_t)
    dh2 = 2.0 * dy[2]  # only through the output: W_hy·dy
    da2 = dh2 * (1 - h[3] ** 2)  # backprop through tanh
    dh1 = 2.0 * dy[1] + 0.8 * da2  # through the output and through step 2 (W_hh·da)
    da1 = dh1 * (1 - h[2] ** 2)
    dh0 = 2.0 * dy[0] + 0.8 * da1
    da0 = dh0 * (1 - h[1] ** 2)
    assert tr.gradients.dh[:, 0, 0] == pytest.approx([dh0, dh1, dh2], abs=1e-15)
    assert tr.gradients.dh[:, 0, 0] == pytest.approx([1.7248577, 1.4927191, -0.4111594], abs=1e-7)
    g = tr.gradients.grads
    assert g["W_ih"][0, 0] == pytest.approx(da0 * 1.0 + da1 * 0.5 + da2 * -1.0, abs=1e-15)
    assert g["W_hh"][0, 0] == pytest.approx(da0 * h[0] + da1 * h[1] + da2 * h[2], abs=1e-15)
    assert g["b_ih"][0] == g["b_hh"][0] == pytest.approx(da0 + da1 + da2, abs=1e-15)
    assert g["W_hy"][0, 0] == pytest.approx(sum(dy[t] * h[t + 1] for t in range(3)), abs=1e-15)
    assert g["b_y"][0] == pytest.approx(sum(dy), abs=1e-15)
    assert (g["W_ih"][0, 0], g["W_hh"][0, 0], g["b_ih"][0]) == pytest.approx(
        (2.4719040, 0.3011334, 2.3141696), abs=1e-7
    )


def test_grad_contrib_are_the_terms_of_the_sum(tr):
    """|da_t·x_t| per step; these terms add up to dW_ih."""
    h = [0.0] + [r.h[0, 0] for r in tr.records]
    da = tr.gradients.da_x[:, 0, 0]
    assert tr.grad_contrib["W_ih"] == pytest.approx(np.abs(da * [1.0, 0.5, -1.0]), abs=1e-15)
    assert tr.grad_contrib["W_hh"] == pytest.approx(np.abs(da * h[:3]), abs=1e-15)
    assert tr.grad_contrib["W_hh"][0] == 0.0  # h_{-1} = 0: the first step adds nothing to dW_hh

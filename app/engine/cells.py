"""The recurrent cells: PyTorch's equations, gate order and parameter layout (docs/maths.md §Cells).

Every array carries a leading batch axis B; a trace is the batch of one. Each cell's forward
step and backward step stand side by side so a reader can check one against the other. The
input projection `ax` is computed by `project_input` (for a whole sequence at once where the
inputs are known), so a forward step does only the recurrent work. A step's products with W_hh
are `np.dot` of 2-D arrays, which calls the same BLAS routine as `@` with the same arguments (the
same numbers) for less of NumPy's overhead a call; stacks of steps (3-D) use `@`.

Parameter names and shapes are PyTorch's: W_ih (G·H, I), W_hh (G·H, H), b_ih (G·H,),
b_hh (G·H,), with G gate blocks stacked in the order of `gate_names`. `CELLS` is the one table
of cells: the API's schema, the command line's choices, the presets and the tests read it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def sigmoid(a, out=None):
    """σ(a) = 1 / (1 + e^(−a)), written as (1 + tanh(a/2)) / 2, which cannot overflow."""
    return np.multiply(0.5, 1.0 + np.tanh(0.5 * a), out=out)


def rows_scaled(v, W):
    """diag(v)·W for a batch: v (B, H), W (H, K) -> (B, H, K), row j of W times v_j."""
    return v[:, :, None] * W


@dataclass(frozen=True)
class Activation:
    id: str
    fn: Callable  # h = fn(a, out=None), written into `out` when given
    grad_from_output: Callable  # dh/da written with h = fn(a), so the backward needs only h


def _tanh_grad(h):
    return 1.0 - h * h  # tanh'(a) = 1 − tanh(a)²


def _relu(a, out=None):
    return np.maximum(a, 0.0, out=out)


def _relu_grad(h):
    return (h > 0.0).astype(h.dtype)  # 1 where the unit is on


# Named functions, not lambdas, so that a network pickles (presets train on a process pool).
ACTIVATIONS = {
    "tanh": Activation("tanh", np.tanh, _tanh_grad),
    "relu": Activation("relu", _relu, _relu_grad),
}


NEW = (None,) * 5  # Cell.forward's and Cell.backward's `out` when every result is a new array


class Cell:
    """A recurrent cell: one forward step and its backward step.

    forward(params, ax, h, c, out=NEW) -> (h_new, c_new, gates, cache), h_new, c_new and gates
    written into the arrays of `out` (its first three) where not None (the Unroller's rows)
    backward_factors(cache) -> factors: what a step's backward reads that the gradient does not
    change, from its cache; elementwise, so the same numbers for one step (B, ·) or a stack of
    steps (T, B, ·), which BPTT computes in one batch before its loop
    backward(params, factors, dh, dc, out=NEW) -> (da_x, da_h, dh_prev, dc_prev, dc_total), each
    written into its array of `out` where that is not None (BPTT's rows of its (T, B, ·) stacks)
    jacobian(params, cache) -> J, (B, S, S): the one-step Jacobian ∂s_t/∂s_{t−1} of the state
    s = h (S = H), or s = (h, c) stacked for the LSTM (S = 2H); backward is the product Jᵀ·(dh, dc)
    dh is the total dL/dh_t and dc is dL/dc_t through c_{t+1} only; the LSTM adds the path
    through h_t and returns the total as dc_total (None for the others). da_x and da_h are
    dL/d(input projection) and dL/d(recurrent projection), (B, G·H), so that
    dW_ih = Σ_t da_x[t]ᵀ x_t, dW_hh = Σ_t da_h[t]ᵀ h_{t−1}, db_ih = Σ_t da_x[t], db_hh = Σ_t da_h[t].
    """

    id: str
    activations: tuple[str, ...] = ("tanh",)  # the `activation` values it accepts, default first
    gate_names: tuple[str, ...] = ()  # post-activation gate vectors reported per step
    block_names: tuple[str, ...] = ("h",)  # the G row blocks of W_ih and W_hh, by what they make
    blocks: int = 1  # G, the number of stacked row blocks in W_ih and W_hh
    has_c: bool = False  # an LSTM carries a cell state c beside h
    same_da: bool = True  # da_x is da_h (false for the GRU, whose r gates the recurrent part of n)

    pre_activation_name = "the pre-activation of the gates"

    def __init__(self, activation: str = "tanh"):
        self.activation = ACTIVATIONS[activation]

    def param_shapes(self, input_size: int, hidden_size: int) -> dict:
        """The shape of each of the cell's parameters, PyTorch's layout."""
        GH = self.blocks * hidden_size
        return {"W_ih": (GH, input_size), "W_hh": (GH, hidden_size), "b_ih": (GH,), "b_hh": (GH,)}

    def project_input(self, params, x):
        """ax = x W_ihᵀ + b_ih + b_hh, (…, G·H): the part of the pre-activation known before h."""
        return x @ params["W_ih"].T + (params["b_ih"] + params["b_hh"])

    def pre_activations(self, params, x, h_prev):
        """What the squashing functions read, recomputed for a stack of steps from their inputs
        (…, I) and previous hidden states (…, H). The forward pass does not keep them, and a
        finite h can hide an overflowed one (tanh(∞) = 1, σ(−∞) = 0, relu(−∞) = 0), so the
        overflow check recomputes them wherever an output sits exactly at such a limit."""
        return self.project_input(params, x) + h_prev @ params["W_hh"].T

    @staticmethod
    def at_a_limit(h, gates):
        """Per step of a stack (n, B, ·): does any squashed value sit exactly at 0 or ±1, where
        an infinite pre-activation would leave it?"""
        v = h if gates is None else gates
        return ((v == 0.0) | (np.abs(v) == 1.0)).reshape(len(v), -1).any(axis=1)

    def gates_by_name(self, gates) -> dict:
        """(G·H,) post-activation gates -> {name: (H,) block}."""
        return dict(zip(self.gate_names, gates.reshape(self.blocks, -1), strict=True))


class RNN(Cell):
    id = "rnn"
    activations = ("tanh", "relu")
    pre_activation_name = "the pre-activation of h"

    def forward(self, params, ax, h, c, out=NEW):
        """h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)"""
        h_new = self.activation.fn(ax + np.dot(h, params["W_hh"].T), out=out[0])  # (B, H)
        return h_new, None, None, (h_new,)

    def backward_factors(self, cache):
        (h_new,) = cache
        return (self.activation.grad_from_output(h_new),)  # act′(a_t), from h_t

    def backward(self, params, factors, dh, dc, out=NEW):
        (act_grad,) = factors
        da_out, _, dh_prev_out, _, _ = out
        da = np.multiply(dh, act_grad, out=da_out)  # backprop through the activation
        return da, da, np.dot(da, params["W_hh"], out=dh_prev_out), None, None  # dh_prev = da W_hh

    def jacobian(self, params, cache):
        """∂h_t/∂h_{t−1} = diag(act′(a_t))·W_hh"""
        (h_new,) = cache
        return rows_scaled(self.activation.grad_from_output(h_new), params["W_hh"])  # (B, H, H)


class LSTM(Cell):
    id = "lstm"
    gate_names = ("i", "f", "g", "o")
    block_names = gate_names
    blocks = 4
    has_c = True

    def forward(self, params, ax, h, c, out=NEW):
        """i, f, o = σ(·), g = tanh(·) of W_ih x + b_ih + W_hh h + b_hh; c' = f⊙c + i⊙g; h' = o⊙tanh(c')"""
        h_out, c_out, gates_out = out[:3]
        H = h.shape[1]
        a = ax + np.dot(h, params["W_hh"].T)  # (B, 4H) pre-activations, blocks i f g o
        gates = sigmoid(a, out=gates_out)
        gates[:, 2 * H : 3 * H] = np.tanh(a[:, 2 * H : 3 * H])
        i, f, g, o = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H :]
        c_new = np.add(f * c, i * g, out=c_out)
        tanh_c = np.tanh(c_new)
        h_new = np.multiply(o, tanh_c, out=h_out)
        return h_new, c_new, gates, (gates, c, tanh_c)

    def backward_factors(self, cache):
        """o, f, 1 − tanh²(c_t); what dL/dc_t and dL/dh_t multiply to give di, df, dg, do, (g, c_{t−1},
        i, tanh c_t); and each block's activation derivative as two factors: σ′ = σ·(1 − σ) for i, f,
        o and 1·(1 − g²) for g (times 1 is exact, so one product serves every block)."""
        gates, c_prev, tanh_c = cache
        H = c_prev.shape[-1]
        i, f, g, o = (gates[..., k * H : (k + 1) * H] for k in range(4))
        by_d = np.concatenate([g, c_prev, i, tanh_c], axis=-1)
        sig, one_minus = gates.copy(), 1.0 - gates
        sig[..., 2 * H : 3 * H] = 1.0
        one_minus[..., 2 * H : 3 * H] = 1.0 - g * g
        return o, f, 1.0 - tanh_c * tanh_c, by_d, sig, one_minus

    def backward(self, params, factors, dh, dc, out=NEW):
        o, f, tanh_grad, by_d, sig, one_minus = factors
        da_out, _, dh_prev_out, dc_prev_out, dc_total_out = out
        dc_total = np.add(dc, dh * o * tanh_grad, out=dc_total_out)  # dL/dc_t: through c_{t+1} and h_t
        dgates = np.concatenate([dc_total, dc_total, dc_total, dh], axis=-1) * by_d  # di df dg do
        da = np.multiply(dgates * sig, one_minus, out=da_out)  # through σ for i, f, o, tanh for g
        dh_prev = np.dot(da, params["W_hh"], out=dh_prev_out)
        return da, da, dh_prev, np.multiply(dc_total, f, out=dc_prev_out), dc_total  # dc_prev = dc_t ⊙ f

    def jacobian(self, params, cache):
        """∂(h_t, c_t)/∂(h_{t−1}, c_{t−1}) = [[∂h/∂h, ∂h/∂c], [∂c/∂h, ∂c/∂c]], W_k the gate rows of W_hh:
        ∂c/∂h = diag(c_{t−1}⊙f(1−f))·W_f + diag(g⊙i(1−i))·W_i + diag(i⊙(1−g²))·W_g,  ∂c/∂c = diag(f),
        ∂h/∂h = diag(tanh(c_t)⊙o(1−o))·W_o + diag(o⊙(1−tanh²c_t))·∂c/∂h,     ∂h/∂c = diag(o⊙(1−tanh²c_t)⊙f)"""
        gates, c_prev, tanh_c = cache
        B, H = c_prev.shape
        i, f, g, o = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H : 3 * H], gates[:, 3 * H :]
        W_i, W_f, W_g, W_o = (params["W_hh"][k * H : (k + 1) * H] for k in range(4))
        dh_dc = o * (1.0 - tanh_c * tanh_c)  # ∂h_t/∂c_t, elementwise
        dc_dh = (rows_scaled(c_prev * f * (1.0 - f), W_f) + rows_scaled(g * i * (1.0 - i), W_i)
                 + rows_scaled(i * (1.0 - g * g), W_g))  # (B, H, H)
        J = np.zeros((B, 2 * H, 2 * H))
        J[:, :H, :H] = rows_scaled(tanh_c * o * (1.0 - o), W_o) + dh_dc[:, :, None] * dc_dh
        J[:, H:, :H] = dc_dh
        diagonal = np.arange(H)
        J[:, diagonal, H + diagonal] = dh_dc * f  # ∂h/∂c
        J[:, H + diagonal, H + diagonal] = f  # ∂c/∂c
        return J


class GRU(Cell):
    id = "gru"
    gate_names = ("r", "z", "n")
    block_names = gate_names
    blocks = 3
    same_da = False

    def project_input(self, params, x):
        """ax = x W_ihᵀ + b_ih; b_hh stays inside the recurrent term because r gates b_hn."""
        return x @ params["W_ih"].T + params["b_ih"]

    def pre_activations(self, params, x, h_prev):
        """r and z's pre-activations, n's (W_in x + b_in + r⊙(W_hn h + b_hn)), and W_hn h + b_hn."""
        ax = self.project_input(params, x)
        ah = h_prev @ params["W_hh"].T + params["b_hh"]
        H = h_prev.shape[-1]
        a_rz = ax[..., : 2 * H] + ah[..., : 2 * H]
        a_n = ax[..., 2 * H :] + sigmoid(a_rz[..., :H]) * ah[..., 2 * H :]
        return np.concatenate([a_rz, a_n, ah[..., 2 * H :]], axis=-1)

    def forward(self, params, ax, h, c, out=NEW):
        """r, z = σ(W_i x + b_i + W_h h + b_h); n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn));
        h' = (1 − z)⊙n + z⊙h"""
        h_out, _, gates = out[:3]
        H = h.shape[1]
        ah = np.dot(h, params["W_hh"].T) + params["b_hh"]  # (B, 3H) recurrent projections, blocks r z n
        gates = np.empty_like(ah) if gates is None else gates
        gates[:, : 2 * H] = sigmoid(ax[:, : 2 * H] + ah[:, : 2 * H])
        r, z = gates[:, :H], gates[:, H : 2 * H]
        gates[:, 2 * H :] = np.tanh(ax[:, 2 * H :] + r * ah[:, 2 * H :])
        n = gates[:, 2 * H :]
        h_new = np.add(n, z * (h - n), out=h_out)
        return h_new, None, gates, (gates, h, ah[:, 2 * H :])

    def backward_factors(self, cache):
        """r, z, 1 − r, 1 − z, 1 − n², h_{t−1} − n and W_hn h + b_hn."""
        gates, h_prev, ah_n = cache
        H = h_prev.shape[-1]
        r, z, n = gates[..., :H], gates[..., H : 2 * H], gates[..., 2 * H :]
        return r, z, 1.0 - r, 1.0 - z, 1.0 - n * n, h_prev - n, ah_n

    def backward(self, params, factors, dh, dc, out=NEW):
        r, z, one_minus_r, one_minus_z, tanh_grad, h_minus_n, ah_n = factors
        da_x, da_h, dh_prev_out, _, _ = out
        H = dh.shape[1]
        da_x = np.empty((dh.shape[0], 3 * H)) if da_x is None else da_x
        da_h = np.empty_like(da_x) if da_h is None else da_h
        da_n = dh * one_minus_z * tanh_grad  # through h' = (1−z)⊙n + z⊙h, then tanh
        da_x[:, :H] = da_h[:, :H] = da_n * ah_n * r * one_minus_r  # dr = da_n ⊙ (W_hn h + b_hn), σ
        da_x[:, H : 2 * H] = da_h[:, H : 2 * H] = dh * h_minus_n * z * one_minus_z  # dz = dh ⊙ (h − n), σ
        da_x[:, 2 * H :] = da_n
        da_h[:, 2 * H :] = da_n * r  # r gates the recurrent part of n
        return da_x, da_h, np.add(dh * z, np.dot(da_h, params["W_hh"]), out=dh_prev_out), None, None

    def jacobian(self, params, cache):
        """∂h_t/∂h_{t−1} = diag(z) + diag(h_{t−1} − n)·∂z/∂h + diag(1 − z)·∂n/∂h, where, W_k the gate
        rows of W_hh, ∂r/∂h = diag(r(1−r))·W_r, ∂z/∂h = diag(z(1−z))·W_z and
        ∂n/∂h = diag(1 − n²)·(diag(W_hn h + b_hn)·∂r/∂h + diag(r)·W_n)"""
        gates, h_prev, ah_n = cache
        H = h_prev.shape[1]
        r, z, n = gates[:, :H], gates[:, H : 2 * H], gates[:, 2 * H :]
        W_r, W_z, W_n = (params["W_hh"][k * H : (k + 1) * H] for k in range(3))
        dh_da_n = (1.0 - z) * (1.0 - n * n)  # ∂h_t/∂a_n: through (1 − z)⊙n, then tanh
        J = (rows_scaled((h_prev - n) * z * (1.0 - z), W_z)  # through z
             + rows_scaled(dh_da_n * ah_n * r * (1.0 - r), W_r)  # through r, inside n
             + rows_scaled(dh_da_n * r, W_n))  # through W_hn h, inside n; (B, H, H)
        diagonal = np.arange(H)
        J[:, diagonal, diagonal] += z
        return J


CELLS = {cell.id: cell for cell in (RNN, LSTM, GRU)}  # the cell registry: id -> class
# Every cell with every activation it accepts: what the tests run, cell by cell.
CELL_ACTIVATIONS = tuple((cell.id, activation) for cell in CELLS.values() for activation in cell.activations)


def make_cell(cell: str, activation: str) -> Cell:
    """The cell `cell` with `activation` (checked by the caller against CELLS)."""
    return CELLS[cell](activation)

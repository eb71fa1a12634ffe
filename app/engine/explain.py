"""One step of a trace opened up (docs/maths.md §Inside a step): every term of its equations,
forward and backward, and the chain of Jacobians ∂s_t/∂s_k that carries the gradient back.

Nothing is derived twice: h, c, the gates, dh, dc and the split dh = dh_out + dh_next are the
trace's own arrays; the pre-activations are the cell's `pre_activations`; what the step sends
back (dh_prev, dc_prev) is the cell's own backward step re-run from exactly what BPTT handed
it, so it is the same computation, to the last bit; the Jacobians are the cell's `jacobian`.
The names of `forward` and `backward` are the JSON names of docs/api.md.
"""

from dataclasses import dataclass

import numpy as np

from .config import CHAIN_MEMORY, CHAIN_STEPS, Range
from .errors import Diverged
from .spectral import spectral_norms
from .trace import Trace, row_norms
from .unroll import StepRecord


@dataclass(frozen=True)
class ChainLink:
    k: int
    factor: float  # ‖∂s_{k+1}/∂s_k‖₂: the largest singular value of one step's Jacobian
    product: float  # ‖∂s_t/∂s_k‖₂ = ‖∂s_t/∂s_{t−1} ⋯ ∂s_{k+1}/∂s_k‖₂


@dataclass
class StepExplanation:
    t: int
    role: str  # step, encoder or decoder
    cell: str
    blocks: tuple[str, ...]  # the gate blocks of W_ih and W_hh, in order: h / i f g o / r z n
    forward: dict  # x, h_prev, c_prev, per block k: Wx_k Wh_k bx_k bh_k a_k k, then c, h, y, p, target, loss
    backward: dict | None  # dh, dh_out, dh_next, dc, per block da_k, dh_prev, dc_prev, shrink; None: no loss
    chain: list[ChainLink] | None  # k = t−1 down to max(0, t − CHAIN_STEPS); None: not asked for


def explain(trace: Trace, t: int, chain: bool = True) -> StepExplanation:
    """Step t of `trace`, forward, backward and (unless `chain` is false: most of the work) the
    Jacobian chain behind it."""
    T = len(trace.records)
    Range(0, T - 1).check("t", t, f" for this trace of {T} steps")
    net, r = trace.network, trace.records[t]
    with np.errstate(all="ignore"):  # an overflow is caught as Diverged, not warned about
        forward, backward = forward_terms(trace, t), backward_terms(trace, t)
        links = jacobian_chain(trace, t) if chain else None
    return StepExplanation(t, r.spec.role, net.cell.id, net.cell.block_names, forward, backward, links)


def _block_rows(net):
    """(name, rows) of each gate block of W_ih, W_hh, b_ih and b_hh: H rows each, in order."""
    H = net.hidden_size
    return [(name, slice(k * H, (k + 1) * H)) for k, name in enumerate(net.cell.block_names)]


def forward_terms(trace: Trace, t: int) -> dict:
    """a_k = Wx_k + bx_k + Wh_k + bh_k (GRU's n: Wx_n + bx_n + r ⊙ (Wh_n + bh_n)), each block's
    activation of a_k (RNN: h_t itself), c and h; and at an output step y, p, target and loss."""
    net, r = trace.network, trace.records[t]
    params = net.part_params(r.spec.part)
    Wx = r.x[0] @ params["W_ih"].T  # (G·H,) W_ih·x_t
    Wh = r.h_prev[0] @ params["W_hh"].T  # (G·H,) W_hh·h_{t−1}
    a = net.cell.pre_activations(params, r.x, r.h_prev)[0]  # (G·H,), the GRU's then W_hn h + b_hn
    squashed = r.h[0] if r.gates is None else r.gates[0]  # (G·H,) every block after its activation
    terms = {"x": r.x[0], "h_prev": r.h_prev[0], "c_prev": _c_prev(trace, t)}
    for name, rows in _block_rows(net):
        terms |= {f"Wx_{name}": Wx[rows], f"Wh_{name}": Wh[rows], f"bx_{name}": params["b_ih"][rows],
                  f"bh_{name}": params["b_hh"][rows], f"a_{name}": a[rows], name: squashed[rows]}
    terms |= {"c": None if r.c is None else r.c[0], "h": r.h[0], "y": None, "p": None, "target": None,
              "loss": None}
    if r.y is not None:
        classification = net.task.kind == "classification"
        terms |= {"y": r.y[0], "p": r.p[0] if classification else None}
        if r.target is not None:  # an output without a target (own data past its end) has no loss
            terms |= {"target": int(r.target[0]) if classification else r.target[0], "loss": float(r.loss[0])}
    return terms


def _c_prev(trace: Trace, t: int):
    """c_{t−1} of an LSTM: the previous step's c (the encoder's last for the decoder's first), or
    zero at the first step."""
    if not trace.network.cell.has_c:
        return None
    return trace.records[t - 1].c[0] if t > 0 else np.zeros(trace.network.hidden_size)


def backward_terms(trace: Trace, t: int) -> dict | None:
    """dh = dh_out + dh_next, dc, dL/da_k for each block, what the step sends back to step t−1
    (dh_prev, dc_prev) and shrink = ‖dh_prev‖ / ‖dh‖; None for a trace without a loss (forward
    only: no output had a target)."""
    net, r, g = trace.network, trace.records[t], trace.gradients
    if g is None:
        return None
    dc_next = None if g.dc_next is None else g.dc_next[t]
    factors = net.cell.backward_factors(r.cache)  # as BPTT computes them, for this step alone
    da_x, _, dh_prev, dc_prev, _ = net.cell.backward(net.part_params(r.spec.part), factors, g.dh[t], dc_next)
    for name, value in (("dh_prev", dh_prev), ("dc_prev", dc_prev)):
        if value is not None and not np.isfinite(value).all():  # only at t = 0: dL/dh_{−1} is new
            raise Diverged(t, "backward", name)
    n = r.spec.output_index
    dh = g.dh[t, 0]
    terms = {"dh": dh, "dh_out": np.zeros_like(dh) if n is None else g.dh_out[n, 0],
             "dh_next": g.dh_next[t, 0], "dc": None if g.dc is None else g.dc[t, 0]}
    terms |= {f"da_{name}": da_x[0, rows] for name, rows in _block_rows(net)}
    terms |= {"dh_prev": dh_prev[0], "dc_prev": None if dc_prev is None else dc_prev[0],
              "shrink": _shrink(dh_prev[0], dh)}
    return terms


def _shrink(dh_prev, dh) -> float | None:
    """‖dh_prev‖ / ‖dh‖; None when ‖dh‖ = 0 (no gradient reaches the step) or when the ratio is
    past float64 (an LSTM's dh_prev also carries what reaches c_t from step t+1)."""
    norms = row_norms(np.array([dh_prev, dh]))
    if norms[1] == 0:
        return None
    ratio = norms[0] / norms[1]
    return float(ratio) if np.isfinite(ratio) else None


def jacobian_chain(trace: Trace, t: int, steps: int = CHAIN_STEPS) -> list[ChainLink]:
    """For k = t−1 down to max(0, t − steps): ‖∂s_{k+1}/∂s_k‖₂ and ‖∂s_t/∂s_k‖₂, the state s
    being h, or (h, c) for an LSTM.

    The chain crosses a seq2seq hand-over as BPTT does: the decoder's first state is computed
    from the encoder's last, so ∂s_{k+1}/∂s_k there is the decoder cell's Jacobian with respect
    to its initial state. Inputs (given, <start> or fed back) are constants, as for the gradient.
    The product is kept as P·2^E with max |P| in [½, 1) (exact scaling by a power of two), so
    neither it nor what it multiplies underflows or overflows, however long the chain; the
    Jacobians are built and measured a batch at a time, at most CHAIN_MEMORY bytes of them."""
    net, records = trace.network, trace.records
    ks = list(range(t - 1, max(0, t - steps) - 1, -1))
    S = (2 if net.cell.has_c else 1) * net.hidden_size
    batch = max(1, CHAIN_MEMORY // (S * S * 8))
    chain, P, E = [], None, 0
    for first in range(0, len(ks), batch):
        chunk = ks[first : first + batch]
        J = np.array([_jacobian(net, records[k + 1]) for k in chunk])  # (n, S, S) ∂s_{k+1}/∂s_k
        products, exponents = np.empty_like(J), np.empty(len(chunk), dtype=int)
        for n in range(len(chunk)):
            P, e = _power_of_two_scaled(J[n] if P is None else P @ J[n])  # ∂s_t/∂s_k = ∂s_t/∂s_{k+1}·J
            E += e
            products[n], exponents[n] = P, E
        factor_norms = spectral_norms(J)
        product_norms = np.ldexp(spectral_norms(products), exponents)
        for k, factor, product in zip(chunk, factor_norms, product_norms, strict=True):
            if not np.isfinite(factor):
                raise Diverged(k, "backward", "the Jacobian ‖∂s_{k+1}/∂s_k‖")
            if not np.isfinite(product):
                raise Diverged(k, "backward", "the Jacobian product ‖∂s_t/∂s_k‖")
            chain.append(ChainLink(k, float(factor), float(product)))
    return chain


def _jacobian(net, record: StepRecord):
    """∂s_t/∂s_{t−1} of the step `record`, (S, S), with the parameters that ran it."""
    return net.cell.jacobian(net.part_params(record.spec.part), record.cache)[0]


def _power_of_two_scaled(P):
    """(P·2^−e, e) with the largest |entry| of P·2^−e in [½, 1); (P, 0) for a zero matrix."""
    largest = np.abs(P).max()
    if largest == 0:
        return P, 0
    e = int(np.frexp(largest)[1])
    return np.ldexp(P, -e), e

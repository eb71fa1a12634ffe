"""Every number against PyTorch, where PyTorch is installed (it is not a dependency).

PyTorch's cells (nn.RNNCell, nn.LSTMCell, nn.GRUCell share nn.RNN/LSTM/GRU's equations and
layout) are stepped by hand with our weights and the inputs each step read, so that every h_t
can keep its gradient: h_t.grad is then the total dL/dh_t that the trace reports as dh.
"""

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.network import build_network
from app.engine.topologies import TOPOLOGIES
from app.engine.trace import choose_example, trace

torch = pytest.importorskip("torch")

TORCH_CELLS = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}


def torch_cell(cell, activation, params):
    I, H = params["W_ih"].shape[1], params["W_hh"].shape[1]
    kwargs = {"nonlinearity": activation} if cell == "rnn" else {}
    module = TORCH_CELLS[cell](I, H, **kwargs).double()
    with torch.no_grad():
        for ours, theirs in (("W_ih", "weight_ih"), ("W_hh", "weight_hh"), ("b_ih", "bias_ih"), ("b_hh", "bias_hh")):
            getattr(module, theirs).copy_(torch.from_numpy(params[ours]))
    return module


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_trace_equals_pytorch(topology, cell, activation):
    net = build_network(topology, cell, activation, hidden_size=6, seed=11, recurrent_scale=1.2)
    tr = trace(net, choose_example(net, seed=11))
    p = net.params
    cells = {part: torch_cell(cell, activation, net.part_params(part)) for part in net.topology.parts}
    W_hy = torch.tensor(p["W_hy"], requires_grad=True)
    b_y = torch.tensor(p["b_y"], requires_grad=True)
    h = torch.zeros(1, 6, dtype=torch.float64)
    c = torch.zeros(1, 6, dtype=torch.float64)
    hs, cs, losses = [], [], []
    for r in tr.records:
        x = torch.from_numpy(r.x)  # what the step read; a fed-back input is a constant
        module = cells[r.spec.part]
        if cell == "lstm":
            h, c = module(x, (h, c))
            c.retain_grad()
            cs.append(c)
        else:
            h = module(x, h)
        h.retain_grad()
        hs.append(h)
        if r.spec.output_index is not None:
            y = h @ W_hy.T + b_y
            np.testing.assert_allclose(y.detach().numpy(), r.y, rtol=1e-13, atol=1e-15)
            target = torch.from_numpy(np.asarray(r.target))
            if net.task.kind == "classification":
                losses.append(torch.nn.functional.cross_entropy(y, target))
            else:
                losses.append(torch.nn.functional.mse_loss(y, target))
    loss = torch.stack(losses).mean()
    loss.backward()

    assert tr.loss == pytest.approx(loss.item(), rel=1e-13)
    for r, h_t in zip(tr.records, hs, strict=True):
        np.testing.assert_allclose(r.h, h_t.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(tr.gradients.dh[r.t], h_t.grad.numpy(), rtol=1e-10, atol=1e-15)
    for r, c_t in zip(tr.records, cs, strict=False):
        np.testing.assert_allclose(tr.gradients.dc[r.t], c_t.grad.numpy(), rtol=1e-10, atol=1e-15)
    g = tr.gradients.grads
    for part, module in cells.items():
        ours = g if part is None else g[part]
        for key, theirs in (("W_ih", "weight_ih"), ("W_hh", "weight_hh"), ("b_ih", "bias_ih"), ("b_hh", "bias_hh")):
            np.testing.assert_allclose(ours[key], getattr(module, theirs).grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(g["W_hy"], W_hy.grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(g["b_y"], b_y.grad.numpy(), rtol=1e-10, atol=1e-15)

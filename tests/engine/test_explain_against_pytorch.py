"""The Jacobian chain against torch.autograd.functional.jacobian, where PyTorch is installed:
PyTorch's own cells (test_against_pytorch.torch_cell) stepped from s_k to s_t with the inputs
each step read, differentiated with respect to s_k, and the product's spectral norm by LAPACK."""

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.explain import explain
from app.engine.network import build_network
from app.engine.trace import choose_example, trace

from .test_against_pytorch import torch, torch_cell


def torch_steps(tr, k, t):
    """s_k -> s_t through PyTorch's cells (the parameters of each step's part), s = h or (h, c)."""
    cells = {part: torch_cell(tr.network.cell.id, tr.network.activation, tr.network.part_params(part))
             for part in tr.network.topology.parts}
    H = tr.network.hidden_size

    def run(s):
        h, c = s[None, :H], s[None, H:]
        for r in tr.records[k + 1 : t + 1]:
            module, x = cells[r.spec.part], torch.from_numpy(r.x)
            if tr.network.cell.has_c:
                h, c = module(x, (h, c))
            else:
                h = module(x, h)
        return torch.cat([h[0], c[0]]) if tr.network.cell.has_c else h[0]

    return run


@pytest.mark.parametrize("topology", ["many_to_one", "seq2seq"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_chain_against_autograd(topology, cell, activation):
    net = build_network(topology, cell, activation, hidden_size=5, seed=9)
    tr = trace(net, choose_example(net, seed=9))
    t = len(tr.records) - 1
    states = [np.concatenate([r.h[0], r.c[0]]) if net.cell.has_c else r.h[0] for r in tr.records]
    for link in explain(tr, t).chain:
        s_k = torch.from_numpy(states[link.k].copy())
        one_step = torch.autograd.functional.jacobian(torch_steps(tr, link.k, link.k + 1), s_k).numpy()
        whole = torch.autograd.functional.jacobian(torch_steps(tr, link.k, t), s_k).numpy()
        r = tr.records[link.k + 1]
        ours = net.cell.jacobian(net.part_params(r.spec.part), r.cache)[0]
        np.testing.assert_allclose(ours, one_step, rtol=1e-12, atol=1e-15)
        assert link.factor == pytest.approx(np.linalg.norm(one_step, 2), rel=1e-10)
        assert link.product == pytest.approx(np.linalg.norm(whole, 2), rel=1e-10, abs=1e-300)

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


# --- an imported model: the user's own nn.RNN/LSTM/GRU and nn.Linear, run by PyTorch itself ---

TORCH_MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


class Model(torch.nn.Module):
    """What a user trains: one recurrent layer and a linear head, as PyTorch users write it."""

    def __init__(self, cell, activation, I, H, O):
        super().__init__()
        kwargs = {"nonlinearity": activation} if cell == "rnn" else {}
        self.rnn = TORCH_MODULES[cell](I, H, **kwargs)
        self.fc = torch.nn.Linear(H, O)

    def forward(self, x):  # (T, 1, I) -> (T, 1, O), and h_t of every step
        out, _ = self.rnn(x)
        return self.fc(out), out


@pytest.mark.parametrize("targets", ["classes", "values", "none"])
@pytest.mark.parametrize("topology", ["many_to_many", "many_to_one"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_an_imported_model_traces_as_pytorch_runs_it(cell, activation, topology, targets):
    """Saved by safetensors in float32, as users save; Unroll's float64 trace of those weights is
    PyTorch's float64 forward (nn.RNN/LSTM/GRU over the whole sequence) and backward."""
    import io

    from safetensors.torch import save

    from app.engine.imported import model_from_tensors
    from app.engine.tensor_files import read_tensors
    from app.wire import imported_json

    torch.manual_seed(3)
    I, H, O, T = 3, 5, 4, 6
    model = Model(cell, activation, I, H, O)
    imported = imported_json(model_from_tensors(read_tensors(io.BytesIO(save(model.state_dict())))[1], activation), "safetensors")
    x = np.random.default_rng(4).uniform(-2, 2, (T, I))
    n_out = T if topology == "many_to_many" else 1
    given = {"classes": [int(k) for k in np.random.default_rng(5).integers(0, O, n_out)],
             "values": np.random.default_rng(6).uniform(-1, 1, (n_out, O)).tolist(), "none": None}[targets]
    data = {"input_size": I, "output_size": O, "targets": given}
    net = build_network(topology, imported["cell"], activation, imported["hidden_size"], "vectors",
                        params=imported["params"], task_data=data)
    tr = trace(net, choose_example(net, inputs=x.tolist(), targets=given))

    model = model.double()
    y, out = model(torch.from_numpy(x)[:, None, :])
    out.retain_grad()
    np.testing.assert_allclose(np.array([r.h[0] for r in tr.records]), out[:, 0].detach().numpy(), rtol=1e-12, atol=1e-15)
    at = slice(None) if topology == "many_to_many" else slice(T - 1, T)
    ours_y = np.array([r.y[0] for r in tr.records if r.y is not None])
    np.testing.assert_allclose(ours_y, y[at, 0].detach().numpy(), rtol=1e-12, atol=1e-15)
    if targets == "none":
        assert tr.loss is None and tr.gradients is None
        return
    if targets == "classes":
        loss = torch.nn.functional.cross_entropy(y[at, 0], torch.tensor(given))
    else:
        loss = torch.nn.functional.mse_loss(y[at, 0], torch.tensor(given, dtype=torch.float64), reduction="none").mean(dim=1).mean()
    loss.backward()
    assert tr.loss == pytest.approx(loss.item(), rel=1e-12)
    g = tr.gradients.grads
    for ours, theirs in (("W_ih", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_ih", "bias_ih_l0"), ("b_hh", "bias_hh_l0")):
        np.testing.assert_allclose(g[ours], getattr(model.rnn, theirs).grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["W_hy"], model.fc.weight.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(g["b_y"], model.fc.bias.grad.numpy(), rtol=1e-10, atol=1e-14)
    # The total dL/dh_t: the same module stepped one timestep at a time, each h_t a tensor of its own.
    state, hs = None, []
    for t in range(T):
        _, state = model.rnn(torch.from_numpy(x[t : t + 1])[:, None, :], state)
        h = state[0] if cell == "lstm" else state
        h.retain_grad()
        hs.append(h)
    y = model.fc(torch.cat(hs)[:, 0])  # (T, O)
    if targets == "classes":
        loss = torch.nn.functional.cross_entropy(y[at], torch.tensor(given))
    else:
        loss = torch.nn.functional.mse_loss(y[at], torch.tensor(given, dtype=torch.float64), reduction="none").mean(dim=1).mean()
    loss.backward()
    np.testing.assert_allclose(tr.gradients.dh[:, 0], np.array([h.grad[0, 0].numpy() for h in hs]), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_an_imported_model_without_a_head_outputs_h(cell, activation):
    from app.engine.imported import model_from_tensors

    torch.manual_seed(1)
    rnn = TORCH_MODULES[cell](2, 3, **({"nonlinearity": activation} if cell == "rnn" else {}))
    model = model_from_tensors({k: v.detach().double().numpy() for k, v in rnn.state_dict().items()}, activation)
    net = build_network("many_to_many", model.cell, activation, 3, "vectors", params=model.params,
                        task_data={"input_size": 2, "output_size": 3})
    x = np.random.default_rng(0).normal(size=(4, 2))
    tr = trace(net, choose_example(net, inputs=x.tolist()))
    out, _ = rnn.double()(torch.from_numpy(x)[:, None, :])
    np.testing.assert_allclose(np.array([r.y[0] for r in tr.records]), out[:, 0].detach().numpy(), rtol=1e-12, atol=1e-15)

"""Shared helpers for the engine tests: a tiny regression task and a replayed loss."""

import numpy as np

from app.engine.cells import make_cell
from app.engine.network import Network, init_params, param_shapes
from app.engine.tasks import Task
from app.engine.topologies import TOPOLOGIES
from app.engine.unroll import output_forward


class TinyRegression(Task):
    """Test-only: one number in, one number out, at every step."""

    id = "tiny"
    topology = "many_to_many"
    name = "tiny"
    rule = "copy"
    kind = "regression"
    input_size = 1
    output_size = 1
    lengths = (3, 3)


def tiny_network(params: dict, cell="rnn", activation="tanh", topology="many_to_many") -> Network:
    hidden_size = params["W_hh"].shape[1]
    return Network(
        TOPOLOGIES[topology], make_cell(cell, activation), activation, TinyRegression(), hidden_size, params
    )


def network_with(task, topology, cell, activation, hidden_size, seed=0) -> Network:
    """A seeded network on `task` (any Task instance, also a test-only one)."""
    the_cell = make_cell(cell, activation)
    shapes = param_shapes(TOPOLOGIES[topology], the_cell, task, hidden_size)
    params = init_params(shapes, hidden_size, seed, the_cell.blocks)
    return Network(TOPOLOGIES[topology], the_cell, activation, task, hidden_size, params)


def replay_loss(net: Network, records, targets) -> float:
    """L recomputed from scratch with the inputs each step read held fixed: the function whose
    exact gradient BPTT returns (fed-back inputs are constants for the gradient)."""
    H = net.hidden_size
    h, c = np.zeros((1, H)), np.zeros((1, H))
    losses = []
    for r in records:
        params = net.part_params(r.spec.part)
        h, c, _, _ = net.cell.forward(params, net.cell.project_input(params, r.x), h, c)
        if r.spec.output_index is not None:
            y = h @ net.params["W_hy"].T + net.params["b_y"]
            _, loss = output_forward(net.task.kind, y, targets[r.spec.output_index])
            losses.append(loss[0])
    return float(np.mean(losses))

"""Validated requests -> engine objects: the network (seeded, given params, or a preset), its trace."""

from ..engine.errors import InputError
from ..engine.network import Network, build_network
from ..engine.own_data import DATA_FIELDS
from ..engine.presets import preset_network
from ..engine.trace import Trace, choose_example, trace
from .schemas import NetworkConfig, TraceFields

CONFIG_FIELDS = ("topology", "cell", "activation", "hidden_size", "task")


def task_data(req: NetworkConfig) -> dict:
    """The request's fields that may carry a task's own data, and its inputs and targets (which
    the vectors task reads: its kind from the targets, and training's sequence)."""
    return {field: getattr(req, field, None) for field in (*DATA_FIELDS, "inputs", "targets")}


def network_from(req: NetworkConfig, preset: str | None = None) -> Network:
    """The request's network; with `preset`, the preset's configuration and weights, and any
    configuration field the request sets explicitly must agree with the preset's."""
    if preset is None:
        params = None if req.params is None else req.params.as_engine()
        return build_network(
            req.topology, req.cell, req.activation, req.hidden_size, req.task, req.seed,
            req.recurrent_scale, params, task_data(req),
        )
    if req.params is not None:
        raise InputError("params", "give params or preset, not both")
    explicit = {field: getattr(req, field) for field in CONFIG_FIELDS if field in req.model_fields_set}
    return preset_network(preset, req.seed, task_data(req), **explicit)


def trace_from(req: TraceFields) -> Trace:
    """The trace a request asks for: its network, and its example (given, or sampled from `seed`)."""
    net = network_from(req, req.preset)
    return trace(net, choose_example(net, req.inputs, req.targets, req.length, req.seed), req.teacher_forcing)

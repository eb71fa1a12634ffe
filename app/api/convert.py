"""Validated requests -> engine objects: the network (seeded, given params, or a preset)."""

from ..engine.errors import InputError
from ..engine.network import Network, build_network
from ..engine.presets import load_preset
from .schemas import NetworkConfig

CONFIG_FIELDS = ("topology", "cell", "activation", "hidden_size", "task")


def network_from(req: NetworkConfig, preset: str | None = None) -> Network:
    """The request's network; with `preset`, the preset's configuration and weights, and any
    configuration field the request sets explicitly must agree with the preset's."""
    if preset is None:
        params = None if req.params is None else req.params.as_engine()
        return build_network(
            req.topology, req.cell, req.activation, req.hidden_size, req.task, req.seed,
            req.recurrent_scale, params,
        )
    try:
        data = load_preset(preset)
    except KeyError:
        raise InputError("preset", f"unknown preset {preset!r}; see GET /api/presets") from None
    if req.params is not None:
        raise InputError("params", "give params or preset, not both")
    for field in CONFIG_FIELDS:
        if field in req.model_fields_set and getattr(req, field) != data["config"][field]:
            raise InputError(
                field, f"preset {preset} was trained with {field} = {data['config'][field]!r}"
            )
    return build_network(**data["config"], seed=req.seed, params=data["params"])

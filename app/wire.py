"""The wire format: engine results as the JSON the API and the command line write.

The engine returns arrays and records; this module alone knows the shapes they take in JSON
(docs/api.md). Values stay NumPy arrays (C-contiguous rows) so a fast serialiser writes them
without copying into Python lists; `dumps` is that serialiser, and every float round-trips
exactly.
"""

import numpy as np
import orjson

from .engine.explain import StepExplanation
from .engine.trace import Trace
from .engine.tree import tree_map

OMITTABLE = ("params", "grads")  # the parts of a trace a request may leave out (`omit`, docs/api.md)


def dumps(data, indent: bool = False) -> bytes:
    """JSON bytes; floats are written in their shortest form that reads back to the same double.
    `indent`: two spaces a level, for people to read."""
    option = orjson.OPT_SERIALIZE_NUMPY | (orjson.OPT_INDENT_2 if indent else 0)
    return orjson.dumps(data, default=_array_as_list, option=option)


def _array_as_list(value):
    """What orjson does not write itself: an array that is a strided view (not C-contiguous)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def trace_json(trace: Trace, omit=()) -> dict:
    """The `/api/trace` response: configuration, params, every step, loss and gradients; the
    parts named in `omit` (of OMITTABLE) are null, see `_without`. What a step has only at some
    steps (an output, a target) or in some cells (c, gates) is set where it is."""
    net, gradients = trace.network, trace.gradients
    steps = [{"t": r.t, "role": r.spec.role, "x": r.x[0], "x_label": x_label, "h": r.h[0], "c": None,
              "gates": None, "y": None, "p": None, "target": None, "target_label": None, "loss": None,
              "readout": None, "dh": None, "dc": None, "dh_norm": None, "grad_contrib": None}
             for r, x_label in zip(trace.records, trace.x_labels, strict=True)]
    if net.cell.has_c:
        for step, r in zip(steps, trace.records, strict=True):
            step["c"] = r.c[0]
    if net.cell.gate_names:
        for step, r in zip(steps, trace.records, strict=True):
            step["gates"] = net.cell.gates_by_name(r.gates[0])
    if trace.readouts is not None:
        for step, readout in zip(steps, trace.readouts, strict=True):
            step["readout"] = readout
    _set_outputs(steps, trace)
    if not trace.forward_only:  # forward only: dh, dc, dh_norm, grad_contrib, loss, grads null
        _set_backward(steps, trace)
    answer = {
        **network_json(net),
        "teacher_forcing": trace.teacher_forcing,
        "params": net.params,
        "steps": steps,
        "loss": trace.loss,
        "grads": None if trace.forward_only else gradients.grads,
    }
    return _without(answer, omit) if omit else answer


def _set_outputs(steps: list[dict], trace: Trace):
    """y and p at an output step; its target (a class, with its label, or a vector) and loss
    where it has one (an output without a target has none)."""
    task = trace.network.task
    vocab = task.output_vocab  # None for vectors: class indices without names
    for r in trace.records:
        if r.y is None:
            continue
        step = steps[r.t]
        step["y"] = r.y[0]
        step["p"] = None if r.p is None else r.p[0]
        if r.loss is None:
            continue
        step["loss"] = float(r.loss[0])
        if task.kind == "classification":
            step["target"] = int(r.target[0])
            step["target_label"] = None if vocab is None else vocab[step["target"]]
        else:
            step["target"] = r.target[0]


def _set_backward(steps: list[dict], trace: Trace):
    """dL/dh_t (and dL/dc_t), its norm and the norms of the step's terms in the gradients, as
    Python floats a column at a time rather than a float() per number."""
    gradients, contrib = trace.gradients, trace.grad_contrib
    W_ih, W_hh, b_ih, b_hh = (contrib[key].tolist() for key in ("W_ih", "W_hh", "b_ih", "b_hh"))
    for step, dh, norm, w_ih, w_hh, bias_ih, bias_hh in zip(
            steps, gradients.dh[:, 0], trace.dh_norm.tolist(), W_ih, W_hh, b_ih, b_hh, strict=True):
        step["dh"], step["dh_norm"] = dh, norm
        step["grad_contrib"] = {"W_ih": w_ih, "W_hh": w_hh, "b_ih": bias_ih, "b_hh": bias_hh}
    if gradients.dc is not None:
        for step, dc in zip(steps, gradients.dc[:, 0], strict=True):
            step["dc"] = dc


def explain_json(explanation: StepExplanation) -> dict:
    """The `/api/explain` response: one step's terms forward and backward, and its Jacobian chain."""
    e = explanation
    return {
        "t": e.t,
        "role": e.role,
        "cell": e.cell,
        "blocks": list(e.blocks),
        "forward": e.forward,
        "backward": e.backward,
        "chain": None if e.chain is None else [
            {"k": link.k, "factor": link.factor, "product": link.product} for link in e.chain],
    }


def _without(answer: dict, omit) -> dict:
    """`answer` with the parts in `omit` null, in their places; without `params`, `param_shapes`
    follows them: nested like them, each leaf the shape of its array ([rows, columns] or [n])."""
    kept = {}
    for key, value in answer.items():
        kept[key] = None if key in omit else value
        if key == "params" and key in omit:
            kept["param_shapes"] = tree_map(lambda array: list(array.shape), value)
    return kept


def config_json(net) -> dict:
    """The configuration fields of a trace request that make this network (with its params)."""
    return {
        "topology": net.topology.id,
        "cell": net.cell.id,
        "activation": net.activation,
        "hidden_size": net.hidden_size,
        "task": net.task.id,
    }


def trained_json(net, metrics: dict) -> dict:
    """A trained network as saved by `unroll train` and in presets: config, metrics, params."""
    return {"config": config_json(net), "metrics": metrics, "accuracy": metrics.get("accuracy"),
            "metric": net.task.metric, "params": params_json(net.params)}


def preset_json(preset) -> dict:
    """A preset's file (`app/engine/presets/<id>.json`): a trained network, its recipe, the
    lengths it trained on and its accuracy at other lengths (JSON keys: the lengths as text)."""
    by_length = {str(length): accuracy for length, accuracy in preset.accuracy_by_length.items()}
    return {"id": preset.id, **trained_json(preset.network, preset.metrics), "training": preset.training,
            "trained_lengths": list(preset.trained_lengths), "accuracy_by_length": by_length}


def network_json(net) -> dict:
    """The configuration and sizes every response that describes a network starts with."""
    return {
        **config_json(net),
        "kind": net.task.kind,
        "input_size": net.input_size,
        "output_size": net.output_size,
        "gate_names": list(net.cell.gate_names),
        "input_vocab": None if net.task.input_vocab is None else list(net.task.input_vocab),
        "output_vocab": None if net.task.output_vocab is None else list(net.task.output_vocab),
        "normalisation": net.task.normalisation,  # a series: x, y, target are (v − mean) / std
    }


def params_json(params: dict) -> dict:
    """Parameters as nested lists (for files and messages that are not serialised by `dumps`)."""
    return {k: params_json(v) if isinstance(v, dict) else np.asarray(v).tolist() for k, v in params.items()}


def imported_json(model, file_format: str) -> dict:
    """The `/api/import` response: a user's model in the layout of `/api/trace`, and what was read."""
    return {
        "cell": model.cell,
        "activation": model.activation,
        "input_size": model.input_size,
        "hidden_size": model.hidden_size,
        "output_size": model.output_size,
        "params": model.params,
        "file": {"format": file_format, "keys": model.keys, "head": model.head},
    }

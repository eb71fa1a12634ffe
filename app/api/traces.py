"""The heart: a whole trace forward and backward, and one stateless step."""

import numpy as np
from fastapi import APIRouter

from ..engine.errors import InputError
from ..engine.network import MAX_HIDDEN, check_params, checked_cell
from ..engine.trace import choose_example, trace
from ..engine.unroll import step_once
from ..wire import dumps, trace_json
from .convert import network_from
from .errors import POST_ERRORS
from .jsonbody import FastJSONRoute
from .limits import TRACE_POOL
from .respond import json_response
from .schemas import StepRequest, StepResponse, TraceRequest, TraceResponse

router = APIRouter(prefix="/api", tags=["trace"], route_class=FastJSONRoute)
ERRORS = POST_ERRORS


def _trace_bytes(req: TraceRequest) -> bytes:
    net = network_from(req, req.preset)
    example = choose_example(net, req.inputs, req.targets, req.length, req.seed)
    return dumps(trace_json(trace(net, example, req.teacher_forcing)))


@router.post("/trace", response_model=TraceResponse, responses=ERRORS, summary="Trace one example")
async def post_trace(req: TraceRequest):
    """Unroll one example: every step's x, h, c, gates, y, p, loss and dL/dh, and all gradients."""
    return json_response(await TRACE_POOL.run(_trace_bytes, req))


def _step(req: StepRequest) -> dict:
    """Sizes from the params (H: the columns of W_hh, I: of W_ih), then x, h, c checked
    against them, so that an error names the value that does not fit."""
    cell = checked_cell(req.cell, req.activation)
    given = req.params.model_dump(exclude_none=True)
    if ("W_hy" in given) != ("b_y" in given):
        raise InputError("params", "give both W_hy and b_y for an output, or neither")
    G = cell.blocks
    H, I = _columns(given, "W_hh"), _columns(given, "W_ih")
    if not 1 <= H <= MAX_HIDDEN:
        raise InputError("params.W_hh", f"its {H} columns are the hidden size: 1 to {MAX_HIDDEN} allowed")
    if len(given["W_hh"]) != G * H:
        raise InputError("params.W_hh", f"expected shape [{G * H}, {H}] ({G} gate blocks of its {H} "
                         f"columns), got [{len(given['W_hh'])}, {H}]")
    if "b_y" in given and not given["b_y"]:
        raise InputError("params.b_y", "expected at least one output")
    for name, value, size, of in (("x", req.x, I, "W_ih"), ("h", req.h, H, "W_hh"), ("c", req.c, H, "W_hh")):
        if value is not None and len(value) != size:
            raise InputError(name, f"expected {size} numbers (the columns of {of}), got {len(value)}")
    if req.c is not None and not cell.has_c:
        raise InputError("c", f"only an lstm has a cell state c; {req.cell} does not")
    shapes = {"W_ih": (G * H, I), "W_hh": (G * H, H), "b_ih": (G * H,), "b_hh": (G * H,)}
    if "W_hy" in given:
        O = len(given["b_y"])
        shapes |= {"W_hy": (O, H), "b_y": (O,)}
    p = check_params(given, shapes)
    h = np.zeros(H) if req.h is None else np.asarray(req.h, dtype=float)
    c = None if not cell.has_c else np.zeros(H) if req.c is None else np.asarray(req.c, dtype=float)
    return step_once(cell, p, np.asarray(req.x, dtype=float), h, c, req.kind)


def _columns(params: dict, key: str) -> int:
    rows = params[key]
    if not rows or not rows[0]:
        raise InputError(f"params.{key}", "expected a matrix, got an empty one")
    return len(rows[0])


@router.post("/step", response_model=StepResponse, responses=ERRORS, summary="One timestep")
async def post_step(req: StepRequest):
    """One timestep from a given state: h, c, gates, and y, p when W_hy, b_y are given."""
    return json_response(await TRACE_POOL.run(_step, req))

"""The heart: a whole trace forward and backward, and one stateless step."""

from fastapi import APIRouter

from ..engine.network import check_step, checked_cell
from ..engine.unroll import step_once
from ..wire import dumps, trace_json
from .convert import trace_from
from .errors import POST_ERRORS
from .jsonbody import FastJSONRoute
from .limits import TRACE_POOL
from .respond import json_response
from .schemas import StepRequest, StepResponse, TraceRequest, TraceResponse

router = APIRouter(prefix="/api", tags=["trace"], route_class=FastJSONRoute)
ERRORS = POST_ERRORS


def _trace_bytes(req: TraceRequest) -> bytes:
    return dumps(trace_json(trace_from(req)))


@router.post("/trace", response_model=TraceResponse, responses=ERRORS, summary="Trace one example")
async def post_trace(req: TraceRequest):
    """Unroll one example: every step's x, h, c, gates, y, p, loss and dL/dh, and all gradients."""
    return json_response(await TRACE_POOL.run(_trace_bytes, req))


def _step(req: StepRequest) -> dict:
    cell = checked_cell(req.cell, req.activation)
    params, x, h, c = check_step(cell, req.params.model_dump(exclude_none=True), req.x, req.h, req.c)
    return step_once(cell, params, x, h, c, req.kind, req.temperature)


@router.post("/step", response_model=StepResponse, responses=ERRORS, summary="One timestep")
async def post_step(req: StepRequest):
    """One timestep from a given state: h, c, gates, and y, p when W_hy, b_y are given."""
    return json_response(await TRACE_POOL.run(_step, req))

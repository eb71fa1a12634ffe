"""The heart: a whole trace forward and backward, and one stateless step."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from ..engine.network import check_step, checked_cell
from ..engine.unroll import step_once
from ..packed import MEDIA_TYPE as PACKED
from ..packed import packed_dumps
from ..wire import dumps, trace_json
from .convert import trace_from
from .errors import POST_ERRORS
from .jsonbody import FastJSONRoute
from .limits import TRACE_POOL
from .negotiation import prefers_packed
from .respond import json_response
from .schemas import StepRequest, StepResponse, TraceRequest, TraceResponse

router = APIRouter(prefix="/api", tags=["trace"], route_class=FastJSONRoute)
ERRORS = POST_ERRORS

PACKED_ANSWER = {200: {"description": (
    "The trace as JSON (`application/json`, the default), or, when the request's `Accept` "
    f"prefers it, in the packed form (`{PACKED}`): the same answer with every float64 array "
    "moved out of the JSON into raw little-endian bytes, exact to the last bit, in about 40 % of "
    "the bytes. Layout: bytes 0-3 `UNR1`; bytes 4-7 n (uint32, little-endian); then n bytes of "
    "UTF-8 JSON, the head, in which each float64 array is `{\"$f64\": [offset, ...shape]}`, padded "
    "with spaces so that 8 + n is a multiple of 8; then the float64 values, row-major, `offset` "
    "counting values. Errors are JSON whatever the `Accept`. See docs/api.md."),
    "content": {PACKED: {"schema": {"type": "string", "format": "binary"}}}}}


def trace_answer(req: TraceRequest, packed: bool = False) -> bytes:
    """The job of one trace request: the network, the example, the trace, and the answer's bytes."""
    answer = trace_json(trace_from(req), req.omit or ())
    return packed_dumps(answer) if packed else dumps(answer)


@router.post("/trace", response_model=TraceResponse, responses=ERRORS | PACKED_ANSWER,
             summary="Trace one example")
async def post_trace(req: TraceRequest, request: Request):
    """Unroll one example: every step's x, h, c, gates, y, p, loss and dL/dh, and all gradients.

    As JSON, or in the packed form when the request's `Accept` prefers
    `application/vnd.unroll.packed` (e.g. `application/vnd.unroll.packed, application/json;q=0.5`;
    see the 200 answer). `omit` leaves out `params` and/or `grads` in either form."""
    packed = prefers_packed(request.headers.get("accept"))
    body = await TRACE_POOL.run(trace_answer, req, packed)
    return Response(body, media_type=PACKED if packed else "application/json", headers={"Vary": "Accept"})


def _step(req: StepRequest) -> dict:
    cell = checked_cell(req.cell, req.activation)
    params, x, h, c = check_step(cell, req.params.model_dump(exclude_none=True), req.x, req.h, req.c)
    return step_once(cell, params, x, h, c, req.kind, req.temperature)


@router.post("/step", response_model=StepResponse, responses=ERRORS, summary="One timestep")
async def post_step(req: StepRequest):
    """One timestep from a given state: h, c, gates, and y, p when W_hy, b_y are given."""
    return json_response(await TRACE_POOL.run(_step, req))

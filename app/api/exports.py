"""Take it with you: the view as a PyTorch script that reproduces every number."""

from fastapi import APIRouter
from starlette.responses import Response

from ..engine.trace import choose_example, trace
from ..pytorch_script import pytorch_script, script_name
from .convert import network_from
from .errors import POST_ERRORS
from .jsonbody import FastJSONRoute
from .limits import TRACE_POOL
from .schemas import TraceFields

router = APIRouter(prefix="/api/export", tags=["export"], route_class=FastJSONRoute)

SCRIPT_DOC = {
    200: {"description": "The script, plain ASCII Python, named `unroll-<topology>-<cell>-seed<seed>.py` "
          "by the Content-Disposition header", "content": {"text/x-python": {"schema": {"type": "string"}}}},
    **POST_ERRORS,
}


def _script(req: TraceFields) -> tuple[str, str]:
    net = network_from(req, req.preset)
    example = choose_example(net, req.inputs, req.targets, req.length, req.seed)
    traced = trace(net, example, req.teacher_forcing)
    return pytorch_script(traced, req.seed), script_name(traced, req.seed)


@router.post("/pytorch", response_class=Response, responses=SCRIPT_DOC, summary="Export as a PyTorch script")
async def post_export_pytorch(req: TraceFields):
    """The trace of these `/api/trace` fields as one self-contained Python script (it needs only
    torch): it builds the same network in float64 with `torch.nn.RNN`/`LSTM`/`GRU` and
    `torch.nn.Linear`, loads the weights, runs the same inputs one step at a time (feeding back
    its own outputs where the topology does), computes the loss and its backward, and compares
    every x, h, c, y, the loss and dL/dh_t with Unroll's numbers, which it holds inline. It
    prints `ok` and exits 0, or names the first number that differs and exits 1; the tolerance
    (rtol 1e-8, atol 1e-12) is stated in it, since CPUs differ in the last bit of tanh and exp.
    A forward-only trace (no targets) checks x, h, c and y. Tokens a user typed are written as
    escaped string literals: nothing in a request becomes code."""
    script, name = await TRACE_POOL.run(_script, req)
    return Response(script, media_type="text/x-python",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

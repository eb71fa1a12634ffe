"""One step opened up: every term of its equations with its numbers, and the gradient's chain of Jacobians."""

from fastapi import APIRouter

from ..engine.config import CHAIN_STEPS
from ..engine.explain import explain
from ..wire import dumps, explain_json
from .convert import trace_from
from .errors import POST_ERRORS
from .jsonbody import FastJSONRoute
from .limits import TRACE_POOL
from .respond import json_response
from .schemas import ExplainRequest, ExplainResponse

router = APIRouter(prefix="/api", tags=["trace"], route_class=FastJSONRoute)

DESCRIPTION = f"""Step `t` of the trace the same request gives `/api/trace`, opened up (float64, the
engine's own numbers: `h`, `c`, the gates and `dh` are the trace's to the last bit).

- `forward`: `x`, `h_prev`, `c_prev`, and for each gate block k of `blocks` `Wx_k` = W_ih·x_t,
  `Wh_k` = W_hh·h_{{t−1}}, `bx_k`, `bh_k`, the pre-activation `a_k` and the gate `k`; then `c`,
  `h`, and at an output step `y`, `p`, `target`, `loss`.
- `backward`: `dh` = `dh_out` + `dh_next`, `dc`, `da_k` for each block, `dh_prev` and `dc_prev`
  (what the step sends back: step t−1's `dh_next`), `shrink` = ‖dh_prev‖ / ‖dh‖ (null when
  ‖dh‖ = 0).
- `chain`: for k = t−1 down to max(0, t − {CHAIN_STEPS}), the spectral norms (largest singular
  values) `factor` = ‖∂s_{{k+1}}/∂s_k‖₂ and `product` = ‖∂s_t/∂s_k‖₂, with s = h, or (h, c) stacked
  for an LSTM. With `"chain": false` it is null and not computed: the chain is most of the
  work, so a page can draw the terms first and ask for the chain after.

**seq2seq**: the chain crosses the hand-over from encoder to decoder, as the gradient does. The
decoder's first state is computed from the encoder's last, so the link at k = (the encoder's
last step) is the decoder cell's Jacobian with respect to its initial state, and the links
before it are the encoder's. Inputs (given, `<start>` or fed back) are constants, as they are
for the gradient.

`t` outside the trace's steps is a 422 naming `t` and the range allowed."""


def _explain_bytes(req: ExplainRequest) -> bytes:
    return dumps(explain_json(explain(trace_from(req), req.t, chain=req.chain)))


@router.post("/explain", response_model=ExplainResponse, responses=POST_ERRORS, summary="One step opened up",
             description=DESCRIPTION)
async def post_explain(req: ExplainRequest):
    """Step t of a trace, forward and backward term by term, and the Jacobian chain behind it."""
    return json_response(await TRACE_POOL.run(_explain_bytes, req))

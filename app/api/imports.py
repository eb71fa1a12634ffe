"""Bring your own model: a single-layer PyTorch nn.RNN / nn.LSTM / nn.GRU (+ nn.Linear) from a file.

The body is multipart/form-data, capped at 16 MB by app.api.limits.BodyLimit before any of it is
parsed (by its Content-Length, or by counting as it arrives). Starlette's parser (with
python-multipart) keeps at most 1 MB of the file in memory and spools the rest to a temporary
file, so many uploads at once hold little memory; the file is then read on the trace pool, one
at a time, by app.engine.tensor_files, which never unpickles anything. The form is read with
tight limits: one file, one other field (`activation`), each field a few bytes.

A plain HTML form on another site can post multipart bodies here (they need no preflight), but
the route only reads the file and answers it: it changes nothing and keeps nothing.
"""

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ..engine.cells import ACTIVATIONS
from ..engine.config import DEFAULT_ACTIVATION
from ..engine.errors import InputError
from ..engine.imported import model_from_tensors
from ..engine.tensor_files import read_tensors
from ..wire import dumps, imported_json
from .errors import documented, error_item
from .limits import TRACE_POOL
from .respond import json_response
from .schemas import ImportResponse

router = APIRouter(prefix="/api", tags=["import"])
FIELDS = ("file", "activation")
MAX_FIELD = 64  # bytes of the `activation` field

FORM_DOC = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "a state_dict saved by safetensors' save_file or numpy.savez, "
                         "at most 16 MB"},
                "activation": {"type": "string", "enum": list(ACTIVATIONS), "default": DEFAULT_ACTIVATION,
                               "description": "an nn.RNN's nonlinearity, which its file does not hold "
                               "(tanh or relu); an LSTM or GRU takes tanh"},
            },
        }}},
    }
}
ERRORS = documented(400, 408, 413, 415, 422, 431, 503)


async def read_form(request: Request) -> tuple[UploadFile, str]:
    """The uploaded file and the activation, or a refusal naming the field."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        got = f"got {content_type[:80]!r}" if content_type else "got none"
        msg = f"send the model as multipart/form-data with a file field `file` ({got})"
        raise HTTPException(415, [error_item("content_type", msg, ("header", "content-type"))])
    try:
        form = await request.form(max_files=1, max_fields=1, max_part_size=MAX_FIELD)
    except HTTPException as error:
        if error.status_code != 400:
            raise
        raise HTTPException(400, [error_item("multipart_invalid", f"the multipart body cannot be read: "
                                             f"{error.detail}; send one file field `file` and at most "
                                             "an `activation`")]) from None
    request.state.form = form  # closed (its temporary file removed) by post_import
    unknown = [key for key in form if key not in FIELDS]
    if unknown:
        raise InputError(unknown[0][:40], f"unexpected field; the form takes {', '.join(FIELDS)}")
    upload, activation = form.get("file"), form.get("activation", DEFAULT_ACTIVATION)
    if not isinstance(upload, UploadFile):
        raise InputError("file", "required: the model, sent as a file (curl -F file=@model.safetensors)")
    if activation not in ACTIVATIONS:
        raise InputError("activation", f"{str(activation)[:40]!r} is not allowed; "
                         f"allowed {list(ACTIVATIONS)}")
    return upload, activation


def _import(f, activation: str) -> bytes:
    file_format, tensors = read_tensors(f)
    return dumps(imported_json(model_from_tensors(tensors, activation), file_format))


@router.post("/import", response_model=ImportResponse, responses=ERRORS, openapi_extra=FORM_DOC,
             summary="Import your own PyTorch model")
async def post_import(request: Request):
    """A single-layer `nn.RNN` (tanh or relu), `nn.LSTM` or `nn.GRU`, with an optional `nn.Linear`
    head, from its `state_dict` saved by safetensors or numpy (never a pickle: `torch.save` files
    are refused, not read). Send it as multipart/form-data, field `file` (at most 16 MB), and for
    an `nn.RNN` built with `nonlinearity="relu"` the field `activation=relu`. Save it with

    ```python
    from safetensors.torch import save_file
    save_file(model.state_dict(), "model.safetensors")
    ```

    or, without safetensors,

    ```python
    import numpy as np
    np.savez("model.npz", **{k: v.detach().numpy() for k, v in model.state_dict().items()})
    ```

    and upload it: `curl -F file=@model.safetensors http://127.0.0.1:8000/api/import`.

    The keys are PyTorch's, under any prefix: `weight_ih_l0 weight_hh_l0 bias_ih_l0 bias_hh_l0`
    (e.g. `rnn.weight_ih_l0`), and a head's `weight bias` (e.g. `fc.weight`). The cell is told by
    the shape of `weight_hh_l0`: H, 3H or 4H rows for its H columns (RNN, GRU, LSTM). Weights of
    float16, bfloat16, float32 or float64 are answered as float64 (exactly). A file that does not
    fit is a 422 naming `file`, with the key and the reason in `msg`: a second layer (`_l1`), a
    bidirectional one (`_reverse`), shapes that fit no cell, NaN or Infinity, a head whose columns
    are not H, a missing or unexpected key, a hidden size over 256, an unknown format.

    The answer is in `/api/trace`'s layout: `cell activation input_size hidden_size output_size
    params` go as they are into a trace request with `"task": "vectors"` (and a topology, inputs
    and, for a loss and gradients, targets). Without a head the output is h_t itself: `W_hy` is
    the identity and `b_y` zero, `output_size` = H. `file` says what was read; leave it out of a
    trace request."""
    try:
        upload, activation = await read_form(request)
        return json_response(await TRACE_POOL.run(_import, upload.file, activation))
    finally:
        form = getattr(request.state, "form", None)
        if form is not None:
            await form.close()

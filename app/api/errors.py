"""Every refusal as a JSON `detail` naming the field (DESIGN §4): 400 unparseable JSON, 422
schema, range and engine errors (type `diverged` for an overflow), never a 500."""

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError

from ..engine.errors import Diverged, InputError
from .respond import json_response


def field_loc(field: str) -> list:
    """'params.encoder.W_hh' -> ['body', 'params', 'encoder', 'W_hh'], 'inputs[3]' -> […, 'inputs', 3]."""
    loc = ["body"]
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        loc.append(int(index) if index else name)
    return loc


def _validation_items(errors) -> list[dict]:
    """pydantic's errors without the echoed input (which may be megabytes)."""
    items = []
    for e in errors:
        item = {"type": e["type"], "loc": list(e["loc"]), "msg": e["msg"]}
        if e.get("ctx"):
            item["ctx"] = {k: str(v) for k, v in e["ctx"].items()}
        items.append(item)
    return items


async def on_validation_error(request: Request, exc: RequestValidationError):
    items = _validation_items(exc.errors())
    if any(item["type"] == "json_invalid" for item in items):
        return json_response({"detail": items}, status_code=400)
    return json_response({"detail": items}, status_code=422)


async def on_input_error(request: Request, exc: InputError):
    item = {"type": "value_error", "loc": field_loc(exc.field), "msg": exc.message}
    return json_response({"detail": [item]}, status_code=422)


async def on_diverged(request: Request, exc: Diverged):
    item = {"type": "diverged", "loc": ["body"], "msg": str(exc), "step": exc.step,
            "phase": exc.phase, "quantity": exc.quantity}
    return json_response({"detail": [item]}, status_code=422)


def install(app: FastAPI):
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(InputError, on_input_error)
    app.add_exception_handler(Diverged, on_diverged)

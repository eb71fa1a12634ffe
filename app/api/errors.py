"""Every refusal in one shape (docs/api.md §Errors): `{"detail": [{"type", "loc", "msg"}, …]}`, whatever the
status, so a client reads every error the same way; never a 500, never a long answer.

400 unparseable JSON, 404 no such route or preset, 405 a method the route does not answer,
408 a request that stops arriving, 413 a body over 16 MB, 415 a body not sent as JSON, 422 schema,
range and engine errors (type `diverged` for an overflow), 431 headers over their limit,
503 (with `Retry-After`) when the server's queues are full. The 408 for slow headers, the 431 and
a 400 for a request that is not HTTP are written by the server's protocol (app.server) in the
same shape.
"""

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from ..engine.config import RANGES
from ..engine.errors import Diverged, InputError
from .respond import json_response
from .schemas import ErrorResponse

MAX_ERRORS = 10  # items listed in one answer; the rest are counted in a last item
MAX_TEXT = 200  # characters of any one name or message quoted back

# The `type` of an error item for each status that is not a validation error.
STATUS_TYPES = {307: "redirect", 400: "json_invalid", 404: "not_found", 405: "method_not_allowed",
                408: "request_timeout", 413: "body_too_large", 415: "content_type",
                431: "headers_too_large", 500: "server_error", 503: "busy"}


def error_item(type_: str, msg: str, loc=("body",), **extra) -> dict:
    return {"type": type_, "loc": [_short(part) for part in loc], "msg": _short(msg), **extra}


def error_body(status: int, msg: str, loc=("body",)) -> dict:
    """The whole answer for a refusal that is not a validation error."""
    return {"detail": [error_item(STATUS_TYPES.get(status, "error"), msg, loc)]}


def _short(value):
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + f"… ({len(value)} characters)"
    return value

RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def field_loc(field: str) -> list:
    """'params.encoder.W_hh' -> ['body', 'params', 'encoder', 'W_hh'], 'inputs[3]' -> […, 'inputs', 3]."""
    loc = ["body"]
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", field):
        loc.append(int(index) if index else name)
    return loc


def _validation_items(errors) -> list[dict]:
    """pydantic's errors without the echoed input (which may be megabytes): the first
    MAX_ERRORS, and one more item that counts the others. A value out of its range is worded
    as the engine words it (`Range.message`)."""
    items = []
    for e in errors[:MAX_ERRORS]:
        msg = e["msg"]
        if e["type"] in RANGE_ERRORS and e["loc"] and e["loc"][-1] in RANGES:
            msg = RANGES[e["loc"][-1]].message(e["input"])
        item = error_item(e["type"], msg, e["loc"])
        if e.get("ctx"):
            item["ctx"] = {k: _short(str(v)) for k, v in e["ctx"].items()}
        items.append(item)
    if len(errors) > MAX_ERRORS:
        items.append(error_item("too_many_errors", f"and {len(errors) - MAX_ERRORS} more errors"))
    return items


async def on_validation_error(request: Request, exc: RequestValidationError):
    items = _validation_items(exc.errors())
    if any(item["type"] == "json_invalid" for item in items):
        return json_response({"detail": items}, status_code=400)
    return json_response({"detail": items}, status_code=422)


async def on_input_error(request: Request, exc: InputError):
    return json_response({"detail": [error_item("value_error", exc.message, field_loc(exc.field))]},
                         status_code=422)


async def on_diverged(request: Request, exc: Diverged):
    item = error_item("diverged", str(exc), step=exc.step, phase=exc.phase, quantity=exc.quantity)
    return json_response({"detail": [item]}, status_code=422)


async def on_http_error(request: Request, exc: HTTPException):
    """Starlette's and ours (404, 405, 408, 413, 503…) in the shape of every other error; a
    path that differs from a route's only by a trailing slash is redirected, relatively (never
    to the Host header's name)."""
    if exc.status_code == 404 and (other := _slash_twin(request)) is not None:
        query = request.url.query
        return json_response(error_body(307, f"see {other}"), status_code=307,
                             headers={"Location": other + (f"?{query}" if query else "")})
    if isinstance(exc.detail, list):
        body = {"detail": exc.detail}
    else:
        loc = ("path",) if exc.status_code in (404, 405) else ("body",)
        body = error_body(exc.status_code, str(exc.detail), loc)
    return json_response(body, status_code=exc.status_code, headers=exc.headers)


def _slash_twin(request: Request) -> str | None:
    """The path with its trailing slash removed or added, when a route answers that one."""
    path = request.url.path
    if path == "/":
        return None
    other = path.rstrip("/") if path.endswith("/") else path + "/"
    scope = {**request.scope, "path": other}
    if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
        return other
    return None


async def on_bug(request: Request, exc: Exception):
    """Never meant to happen (docs/api.md §Errors), but if it does, the same shape (the error is logged)."""
    return json_response(error_body(500, "the server failed on this request: a bug", ("server",)),
                         status_code=500)


def install(app: FastAPI):
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(InputError, on_input_error)
    app.add_exception_handler(Diverged, on_diverged)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_bug)


ERROR_DOCS = {
    400: "The body is not JSON (or not valid HTTP)",
    404: "No such preset",
    408: "The request's headers (10 s) or body (a pause of 10 s, or 60 s in all) stopped arriving",
    413: "The body is over 16 MB",
    415: "The body was not sent with `Content-Type: application/json`",
    422: "A field out of its range or of the wrong kind (`loc` names it), or `diverged`: a value "
         "overflowed float64 (`step`, `phase` and `quantity` say where and which)",
    431: "The request's headers are over 32 kB",
    503: "The server's queues are full, or busy sending answers that clients are not reading; "
         "try again after `Retry-After` seconds",
}


def documented(*statuses: int) -> dict:
    """`responses` for a route: each status's error shape and meaning, for /docs."""
    return {status: {"model": ErrorResponse, "description": ERROR_DOCS[status]} for status in statuses}


POST_ERRORS = documented(400, 408, 413, 415, 422, 431, 503)

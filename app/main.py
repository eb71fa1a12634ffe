"""The web application: `create_app()` wires routers, static files, templates and limits."""

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from . import __version__
from .api import catalog, errors, explain, exports, imports, pages, presets, traces, training
from .api.assets import StaticAssets
from .api.headers import SecurityHeaders
from .api.limits import BodyLimit
from .api.sending import HeadAsGet, SendGuard
from .paths import resource_dir

DESCRIPTION = """Every hidden state and every gradient of a small recurrent network, as JSON.

All numbers are float64 and follow PyTorch's equations and parameter layout exactly.
Send request bodies as JSON with `Content-Type: application/json` (`curl -H 'content-type:
application/json' -d '{…}'`). Every GET route also answers HEAD.

Every refusal has one shape, whatever its status: `{"detail": [{"type", "loc", "msg"}, …]}`,
where `loc` names the field (or header) and `msg` what is allowed; at most 10 items, then one
of type `too_many_errors` that counts the rest. The statuses:

- **400** the body is not JSON (`json_invalid`), or not readable multipart (`multipart_invalid`,
  `/api/import`), or the request is not HTTP;
- **404** no such route or preset; **405** a method the route does not take;
- **408** the request stopped arriving (`request_timeout`): its headers not all within 10 s, or its
  body silent for 10 s or not all within 60 s;
- **413** a body over 16 MB (`body_too_large`);
- **415** a body not sent as `application/json` (`content_type`); `/api/import` takes
  `multipart/form-data`;
- **422** a field out of its range or of the wrong kind, or type `diverged`: a value (a
  pre-activation, h, c, y, a loss, dL/dh, a gradient) overflowed float64, with `step`, `phase`
  and `quantity`. Finite values, however large, are answered as they are;
- **431** request headers over 32 kB (`headers_too_large`);
- **503** with `Retry-After: 1` (`busy`): more engine jobs wait than the server queues, or the
  answers being sent to clients that do not read them fill the server's budget.

A client that reads none of its answer for 10 s is disconnected. `POST /api/train` streams
`queued`, `progress`, then `done` or `error` lines (see its 200 answer).

A score named `accuracy` (presets, training progress, metrics) is the share of outputs that are
right for a classification task and R² for a regression task (`sine_wave`); the `metric` beside
it says which: `"accuracy"` or `"r2"`.

Your own data: the tasks `text`, `series` and `vectors` carry it in the request (`text`,
`series`; `input_size`, `output_size`, `kind`), `POST /api/import` reads your own PyTorch model
(safetensors or numpy.savez, never a pickle), and `POST /api/export/pytorch` writes the view as a
PyTorch script that checks every number. A trace with no target at all is forward only: its
`loss`, `grads`, `dh`, `dc`, `dh_norm` and `grad_contrib` are null."""


def create_app() -> FastAPI:
    # Swagger UI's assets come from the installed fastapi-offline package, not a CDN; the /docs
    # page that starts it is ours (app.api.pages), so it needs no inline script. (No /redoc:
    # ReDoc's bundle loads its logo from the web.) No automatic slash redirect: Starlette's
    # builds an absolute URL from the Host header; app.api.errors redirects relatively.
    app = FastAPIOffline(title="Unroll", version=__version__, description=DESCRIPTION,
                         docs_url=None, redoc_url=None, redirect_slashes=False)
    # /static first: a cold page asks for sixty of its files at once, and the router tries its
    # routes in order (each router's after the other's: 40 µs a file when the files came last)
    app.mount("/static", StaticAssets(resource_dir("static")), name="static")
    for module in (catalog, traces, explain, training, imports, exports, presets, pages):
        app.include_router(module.router)
    errors.install(app)
    app.add_middleware(BodyLimit)
    starlette_stack = app.build_middleware_stack
    # Outside Starlette's own stack, so that its 500 page (ServerErrorMiddleware) is covered too:
    # security headers on every answer, HEAD as GET, answers sent in bounded pieces.
    app.build_middleware_stack = lambda: SecurityHeaders(HeadAsGet(SendGuard(starlette_stack())))
    return app


app = create_app()

"""The web application: `create_app()` wires routers, static files, templates and limits."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from . import __version__
from .api import catalog, errors, pages, presets, traces, training
from .api.headers import SecurityHeaders
from .api.limits import BodyLimit
from .paths import resource_dir

DESCRIPTION = """Every hidden state and every gradient of a small recurrent network, as JSON.

All numbers are float64 and follow PyTorch's equations and parameter layout exactly.
Bad input gets a 4xx whose `detail` names the field: 400 unparseable JSON, 413 a body over
16 MB, 422 a schema or range error (type `diverged` when a value overflows float64). When more
engine jobs wait than the server will queue, the answer is 503 with `Retry-After: 1`."""


def create_app() -> FastAPI:
    # Swagger UI's assets come from the installed fastapi-offline package, not a CDN; the /docs
    # page that starts it is ours (app.api.pages), so it needs no inline script. (No /redoc:
    # ReDoc's bundle loads its logo from the web.)
    app = FastAPIOffline(title="Unroll", version=__version__, description=DESCRIPTION,
                         docs_url=None, redoc_url=None)
    for module in (catalog, traces, training, presets, pages):
        app.include_router(module.router)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=resource_dir("static")), name="static")
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, the 413s included
    return app


app = create_app()

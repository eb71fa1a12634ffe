"""The page, its favicon, and plotly.js served from the installed `plotly` package (no CDN)."""

import gzip
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..paths import resource_dir

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resource_dir("templates")))
YEAR = 365 * 24 * 3600
PLOTLY_URL = "/vendor/plotly.min.js"


@router.get("/", response_class=HTMLResponse)
async def index(request: Request):
    return templates.TemplateResponse(
        request, "index.html", {"version": __version__, "plotly_url": PLOTLY_URL})


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request):
    return templates.TemplateResponse(request, "api-docs.html")


@lru_cache(maxsize=1)
def _plotly_js() -> tuple[bytes, bytes]:
    raw = (files("plotly") / "package_data" / "plotly.min.js").read_bytes()
    return raw, gzip.compress(raw, 6)


@router.get("/vendor/plotly.min.js")
async def plotly_js(request: Request):
    raw, packed = _plotly_js()
    headers = {"Cache-Control": f"public, max-age={YEAR}, immutable", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="text/javascript", headers=headers)
    return Response(raw, media_type="text/javascript", headers=headers)


@router.get("/favicon.ico")
async def favicon():
    return Response((resource_dir("static") / "favicon.svg").read_bytes(), media_type="image/svg+xml")

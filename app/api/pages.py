"""The pages, the favicon, and plotly.js from our own origin (no CDN). The page draws its charts
itself (static/js/charts.js) and loads no chart library; plotly.js, as the installed `plotly`
package ships it, stays at the URLs it was served from, for what links to them."""

import gzip
import hashlib
import re
from functools import lru_cache
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from .. import __version__
from ..engine import config
from ..engine.tasks import TASKS
from ..paths import resource_dir
from .negotiation import accepts_gzip, etag_matches

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resource_dir("templates")))
YEAR = 365 * 24 * 3600


# What the visualizer asks for before anything else (static/js/api.js, fetchCatalog and
# fetchLessons): preloaded beside its modules, so that it is in when they have run.
CATALOG = ("/api/topologies", "/api/tasks", "/api/presets", "/api/limits", "/static/lessons/index.json")


@router.get("/", response_class=HTMLResponse)
async def index(request: Request):
    """The visualizer: its first drawing's modules preloaded, the later views' modules listed
    (inert, in a <template>) for the page to preload once the stage is drawn (docs/page.md)."""
    first, later = visualizer_modules()
    return templates.TemplateResponse(request, "index.html", {
        "version": __version__, "modules": first, "later_modules": later, "catalog": CATALOG})


@lru_cache(maxsize=1)
def visualizer_modules() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the modules visualizer.js imports, visualizer-later.js and the modules only it imports)."""
    first = imported_modules("visualizer.js")
    later = (m for m in imported_modules("visualizer-later.js") if m not in first)
    return first, ("visualizer-later.js", *later)


IMPORT = re.compile(r"""^import\s[^"';]*["']\./([\w-]+\.js)["']""", re.M)  # import … from "./x.js"


@lru_cache(maxsize=4)
def imported_modules(entry: str) -> tuple[str, ...]:
    """Every module of static/js that `entry` imports, directly or not, for the page's
    <link rel="modulepreload">: the browser asks for them all at once, instead of one level of
    imports after another (four levels, a round trip each, before the first trace was asked)."""
    folder = resource_dir("static") / "js"
    found, pending = [], [entry]
    while pending:
        for name in IMPORT.findall((folder / pending.pop()).read_text()):
            if name not in found and name != entry:
                found.append(name)
                pending.append(name)
    return tuple(sorted(found))


@router.get("/lab", response_class=HTMLResponse)
async def lab(request: Request):
    """The gradient lab, its defaults the engine's (app/engine/config.py, LAB_*)."""
    defaults = {
        "topology": TASKS[config.LAB_TASK].topology, "task": config.LAB_TASK, "length": config.LAB_LENGTH,
        "max_length": config.MAX_LAB_LENGTH, "hidden_size": config.LAB_HIDDEN, "seed": config.LAB_SEED,
        "vanishing_scale": config.LAB_VANISHING_SCALE, "exploding_scale": config.LAB_EXPLODING_SCALE,
    }
    return templates.TemplateResponse(request, "lab.html", {"version": __version__, "lab": defaults})


@router.get("/learn", response_class=HTMLResponse)
async def learn(request: Request):
    return templates.TemplateResponse(request, "learn.html", {"version": __version__})


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request):
    return templates.TemplateResponse(request, "api-docs.html")


class _Asset:
    """A file served as it is or gzipped, each with its own strong ETag."""

    def __init__(self, raw: bytes):
        self.raw, self.packed = raw, gzip.compress(raw, 6)
        digest = hashlib.sha256(raw).hexdigest()[:32]
        self.etag, self.packed_etag = f'"{digest}"', f'"{digest}-gzip"'


# plotly.js as the `plotly` package ships it, for the links of pages from before.
FULL = files("plotly") / "package_data" / "plotly.min.js"


@lru_cache(maxsize=1)
def _plotly() -> _Asset:
    return _Asset(FULL.read_bytes())


def _version(head: bytes) -> str:
    """plotly.js's version from its bundle's first comment ("plotly.js v4.1.1")."""
    found = re.search(r"plotly\.js[^\n]*? v([\w.+-]+)", head.decode("latin-1"))
    return found.group(1) if found else "unknown"


# Each URL names plotly.js's version, so a year's `immutable` caching can never serve a stale
# copy; the unversioned URL stays for old links, revalidated on every use (its ETag makes that a 304).
PLOTLY_URL = f"/vendor/plotly-{_version(FULL.open('rb').read(200))}.min.js"
IMMUTABLE = f"public, max-age={YEAR}, immutable"


@router.get(PLOTLY_URL)
async def plotly_js(request: Request):
    return _serve(request, _plotly(), IMMUTABLE)


@router.get("/vendor/plotly.min.js")
async def plotly_js_unversioned(request: Request):
    return _serve(request, _plotly(), "no-cache")


def _serve(request: Request, asset: _Asset, cache_control: str) -> Response:
    """gzip when the client accepts it (not when it says q=0), 304 for a copy it already holds."""
    packed = accepts_gzip(request.headers.get("accept-encoding", ""))
    etag = asset.packed_etag if packed else asset.etag
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding", "ETag": etag}
    if etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    if packed:
        headers["Content-Encoding"] = "gzip"
        return Response(asset.packed, media_type="text/javascript", headers=headers)
    return Response(asset.raw, media_type="text/javascript", headers=headers)


@router.get("/favicon.ico")
async def favicon():
    return Response((resource_dir("static") / "favicon.svg").read_bytes(), media_type="image/svg+xml")

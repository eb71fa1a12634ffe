"""The static files (static/: the page's modules and styles, the lessons, the favicon), from memory.

Starlette's StaticFiles stats and reads a file in a worker thread for every request, 1.4 ms a
file on loopback here, and a cold page asks for ninety files at once (benchmarks/README.md, the
cold link). `StaticAssets` keeps each file's bytes, type and validators in memory, reads a file
again only when its size or modification time has changed (one `os.stat` in the event loop),
and answers 304 to a request whose If-None-Match (or, without one, If-Modified-Since) matches.
A path that is not a file under the folder is a 404, any method but GET a 405, as StaticFiles.
"""

import hashlib
import mimetypes
import os
import stat
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .negotiation import etag_matches


class _File:
    """One file as served: its bytes and headers, and the (size, mtime) they were read at."""

    def __init__(self, path: Path, stamp: tuple[int, int]):
        self.stamp = stamp
        self.body = path.read_bytes()
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type == "application/json":
            media_type += "; charset=utf-8"
        self.headers = {
            "content-type": media_type,
            "etag": f'"{hashlib.sha256(self.body).hexdigest()[:32]}"',
            "last-modified": formatdate(stamp[1] / 1e9, usegmt=True),
        }


class StaticAssets:
    """An ASGI app serving the files under `directory`, mounted at a prefix (`app.mount`)."""

    def __init__(self, directory: Path):
        self.root = directory.resolve()
        self.files: dict[str, _File] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["method"] != "GET":  # HEAD arrives as GET (app.api.sending.HeadAsGet)
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        found = self.lookup(_route_path(scope))
        if found is None:
            raise HTTPException(404)
        request = Headers(scope=scope)
        fresh = _not_modified(request, found.headers)
        body = b"" if fresh else found.body
        response = Response(body, status_code=304 if fresh else 200, headers=found.headers)
        await response(scope, receive, send)

    def lookup(self, route: str) -> _File | None:
        """The file at `route` (below the mount), read again if it changed; None if there is none."""
        parts = route.removeprefix("/").split("/")
        if any(part in ("", "..", ".") or "\\" in part or "\0" in part for part in parts):
            return None
        path = self.root.joinpath(*parts)
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(status.st_mode):
            return None
        stamp = (status.st_size, status.st_mtime_ns)
        key = str(path)
        known = self.files.get(key)
        if known is None or known.stamp != stamp:
            if not path.resolve().is_relative_to(self.root):  # a link out of the folder
                return None
            known = self.files[key] = _File(path, stamp)
        return known


def _route_path(scope: Scope) -> str:
    """The path below the mount point (Starlette keeps the whole path and puts the prefix in root_path)."""
    path, root = scope["path"], scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root):]
    return path


def _not_modified(request: Headers, headers: dict) -> bool:
    """If-None-Match names our ETag; or, without it, If-Modified-Since is no earlier than our file."""
    if "if-none-match" in request:
        return etag_matches(request["if-none-match"], headers["etag"])
    since = request.get("if-modified-since")
    if not since:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(headers["last-modified"])
    except (TypeError, ValueError):
        return False

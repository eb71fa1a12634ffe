"""JSON responses written by the wire format's serialiser: exact floats, NumPy arrays without copies."""

from starlette.responses import Response

from ..wire import dumps


def json_response(data, status_code: int = 200, headers: dict | None = None) -> Response:
    """`data` as JSON (or as it is, when it is JSON bytes already)."""
    body = data if isinstance(data, bytes) else dumps(data)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)

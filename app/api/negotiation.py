"""Content negotiation: which encoding (Accept-Encoding) and which form (Accept) a client takes,
and whether it already holds our copy (If-None-Match).

Both headers are lists of names with optional weights, `gzip;q=0.5, *;q=0` (RFC 9110 §12.4.2):
a name is acceptable when its weight is above 0, and a missing weight is 1.
"""

from ..packed import MEDIA_TYPE as PACKED


def weights(header: str) -> dict[str, float]:
    """Each listed name (lower case, parameters other than q dropped) -> its weight q."""
    found = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name.strip():
            found[name.strip().lower()] = q
    return found


def accepts_gzip(accept_encoding: str) -> bool:
    """RFC 9110 §12.5.3: gzip is acceptable when listed, or covered by `*`, with a q above 0."""
    w = weights(accept_encoding)
    return w.get("gzip", w.get("x-gzip", w.get("*", 0.0))) > 0


def prefers_packed(accept: str | None) -> bool:
    """The packed form when Accept names it with a q above 0 and no higher q for JSON (named,
    or as application/* or */*); JSON otherwise, as for a client that sends no Accept."""
    w = weights(accept or "")
    packed = w.get(PACKED, 0.0)
    json = max(w.get("application/json", 0.0), w.get("application/*", 0.0), w.get("*/*", 0.0))
    return packed > 0 and packed >= json


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match's weak comparison: `*`, or any listed tag equal to ours without its W/."""
    tags = [tag.strip() for tag in if_none_match.split(",") if tag.strip()]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)

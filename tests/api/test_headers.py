"""Security headers on every kind of answer: page, asset, API, error, and the early 413."""

import pytest

from app.api.headers import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/", 200), ("GET", "/docs", 200), ("GET", "/static/css/unroll.css", 200),
    ("GET", "/api/health", 200), ("GET", "/no/such/page", 404), ("POST", "/api/trace", 422),
])
def test_every_answer_carries_the_security_headers(client, method, path, status):
    response = client.request(method, path, json={"hidden_size": 0} if method == "POST" else None)
    assert response.status_code == status
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_policy_allows_scripts_from_our_origin_only():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_policy_lets_the_page_export_its_picture_and_nothing_more():
    """The PNG export draws the stage's SVG from a blob: URL on a canvas (static/js/svg-export.js);
    images may come from blob: and data:, scripts, styles and connections never do."""
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert "blob:" in directives["img-src"].split()
    for name in ("script-src", "style-src", "connect-src", "default-src"):
        assert not {"blob:", "data:"} & set(directives[name].split()), name


def test_the_early_413_carries_them_too(client):
    response = client.post("/api/trace", content=b"{}",
                           headers={"content-type": "application/json", "content-length": str(17 << 20)})
    assert response.status_code == 413
    assert response.headers["x-content-type-options"] == "nosniff"

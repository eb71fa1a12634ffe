"""plotly.js's cartesian bundle, vendored in static/vendor/ and served from our origin: what the
page preloads and runs after its stage is drawn (docs/page.md, "How the page loads")."""

import gzip
import hashlib

from app.api.pages import CARTESIAN, CHARTS_URL, PLOTLY_URL
from app.paths import resource_dir

SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"  # static/vendor/README.md


def test_the_vendored_bundle_is_the_npm_package_s_file_with_its_licence():
    assert hashlib.sha256(CARTESIAN.read_bytes()).hexdigest() == SHA256
    assert CARTESIAN.read_bytes()[:60].startswith(b"/**\n* plotly.js (cartesian - minified) v4.1.1")
    assert "MIT License" in (resource_dir("static") / "vendor" / "plotly-LICENSE").read_text()


def test_the_bundle_is_served_gzipped_cached_for_a_year_and_revalidated_by_etag(client):
    assert CHARTS_URL == "/vendor/plotly-cartesian-4.1.1.min.js"
    js = client.get(CHARTS_URL, headers={"accept-encoding": "gzip"})
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert js.headers["content-encoding"] == "gzip" and "immutable" in js.headers["cache-control"]
    assert js.content == CARTESIAN.read_bytes()  # httpx undoes the gzip
    assert len(gzip.compress(CARTESIAN.read_bytes(), 6)) < 520_000  # a third of the full bundle's 1.47 MB
    again = client.get(CHARTS_URL, headers={"accept-encoding": "gzip", "if-none-match": js.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    plain = client.get(CHARTS_URL, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == CARTESIAN.read_bytes()


def test_the_page_preloads_the_cartesian_bundle_and_runs_no_script_before_its_module(client):
    page = client.get("/").text
    assert f'<link rel="preload" id="plotly-js" href="{CHARTS_URL}" as="script" fetchpriority="low">' in page
    assert PLOTLY_URL not in page and "<script src=" not in page  # no classic script holds the stage back
    assert client.get(PLOTLY_URL).status_code == 200  # the full bundle, for pages of older versions

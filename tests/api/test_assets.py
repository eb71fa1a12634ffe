"""The static files from memory (app/api/assets.py): the bytes on disk, their type, 304 for a copy
the client holds, 404 for anything that is not a file under static/, and a changed file served
anew."""

import os

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api import errors
from app.api.assets import StaticAssets
from app.paths import resource_dir

STATIC = resource_dir("static")


@pytest.mark.parametrize("path,media_type", [
    ("js/stage.js", "text/javascript; charset=utf-8"), ("css/unroll.css", "text/css; charset=utf-8"),
    ("lessons/index.json", "application/json; charset=utf-8"), ("favicon.svg", "image/svg+xml"),
])
def test_a_file_is_its_bytes_with_its_type(client, path, media_type):
    answer = client.get(f"/static/{path}")
    assert answer.status_code == 200 and answer.content == (STATIC / path).read_bytes()
    assert answer.headers["content-type"] == media_type
    assert answer.headers["etag"].startswith('"') and answer.headers["last-modified"].endswith(" GMT")


def test_a_copy_the_client_holds_is_a_304(client):
    first = client.get("/static/js/stage.js")
    by_tag = client.get("/static/js/stage.js", headers={"if-none-match": f'W/{first.headers["etag"]}, "other"'})
    by_date = client.get("/static/js/stage.js", headers={"if-modified-since": first.headers["last-modified"]})
    assert (by_tag.status_code, by_tag.content) == (304, b"") and (by_date.status_code, by_date.content) == (304, b"")
    assert by_tag.headers["etag"] == first.headers["etag"]
    stale = client.get("/static/js/stage.js", headers={"if-none-match": '"other"', "if-modified-since": first.headers["last-modified"]})
    assert stale.status_code == 200 and stale.content == first.content  # the tag decides
    for since in ("Mon, 01 Jan 1990 00:00:00 GMT", "yesterday"):
        assert client.get("/static/js/stage.js", headers={"if-modified-since": since}).status_code == 200


@pytest.mark.parametrize("path", [
    "/static/nope.js", "/static/js/", "/static/js", "/static/../app/main.py", "/static/js/../../pyproject.toml",
    "/static/%2e%2e/pyproject.toml", "/static/js/..%2f..%2fpyproject.toml", "/static/js/stage.js/", "/static/js//stage.js", "/static/js\\stage.js",
    "/static/js/stage.js%00",
])
def test_what_is_not_a_file_under_static_is_a_404_in_the_api_s_shape(client, path):
    answer = client.get(path)
    assert answer.status_code == 404, path
    assert answer.json()["detail"][0]["type"] == "not_found"


def test_only_get_and_head_are_answered(client):
    refused = client.post("/static/js/stage.js", content=b"{}")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
    head = client.head("/static/js/stage.js")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len((STATIC / "js/stage.js").read_bytes())


def test_a_changed_file_is_read_again_and_a_link_out_of_the_folder_is_not_served(tmp_path):
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "a.js").write_text("export const a = 1;\n")
    (tmp_path / "secret.txt").write_text("not yours")
    (folder / "out.txt").symlink_to(tmp_path / "secret.txt")
    app = FastAPI()
    errors.install(app)
    app.mount("/static", StaticAssets(folder))
    with TestClient(app) as client:
        first = client.get("/static/a.js")
        assert first.text == "export const a = 1;\n"
        (folder / "a.js").write_text("export const a = 22;\n")
        os.utime(folder / "a.js", ns=(10**18, 10**18))
        again = client.get("/static/a.js", headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 200 and again.text == "export const a = 22;\n"
        assert again.headers["etag"] != first.headers["etag"]
        assert client.get("/static/out.txt").status_code == 404

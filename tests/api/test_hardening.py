"""What an adversarial probe found, answered in process: capped error lists, one error shape for
every status, JSON content type, integers of any length, HEAD, relative redirects, plotly.js
caching, and overflow hidden behind a finite h."""

import json
import time

import pytest

from app.api.headers import SECURITY_HEADERS
from app.api.pages import PLOTLY_URL

JSON = {"content-type": "application/json"}


def assert_error_shape(response, status):
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for item in detail:
        assert isinstance(item["type"], str) and isinstance(item["loc"], list) and item["msg"]
    return detail


def test_a_body_of_millions_of_bad_items_gets_one_short_error_at_once(client):
    rows = [[""] * 2000] * 900  # 3.6 million strings where numbers belong: as many errors before
    body = json.dumps({"hidden_size": 900, "params": {"W_ih": rows, "W_hh": rows, "W_hy": [[""]],
                                                      "b_ih": [""], "b_hh": [""], "b_y": [""]}})
    assert 8e6 < len(body) < 16e6
    started = time.monotonic()
    r = client.post("/api/trace", content=body, headers=JSON)
    detail = assert_error_shape(r, 422)
    assert len(r.content) < 5000 and len(detail) <= 11
    assert detail[0]["loc"][:3] == ["body", "hidden_size"] or detail[0]["loc"][:3] == ["body", "params", "W_ih"]
    assert time.monotonic() - started < 30  # does not hang (it takes well under a second)


def test_many_unknown_keys_are_one_error(client):
    body = {f"field{k}": k for k in range(50_000)}
    detail = assert_error_shape(client.post("/api/trace", json=body), 422)
    assert len(detail) == 1 and "and 49997 more" in detail[0]["msg"] and "'field0'" in detail[0]["msg"]


def test_a_long_list_of_errors_is_capped_with_a_count_of_the_rest(client):
    body = {"topology": 1, "cell": 2, "activation": 3, "hidden_size": "h", "seed": "s", "task": 4,
            "length": "l", "recurrent_scale": "r", "teacher_forcing": 5, "inputs": 6, "targets": 7,
            "preset": 8, "params": 9}
    detail = assert_error_shape(client.post("/api/trace", json=body), 422)
    assert len(detail) == 11 and detail[-1]["type"] == "too_many_errors"
    assert detail[-1]["msg"].startswith("and ") and "more errors" in detail[-1]["msg"]


def test_a_huge_unknown_key_is_quoted_short(client):
    detail = assert_error_shape(client.post("/api/step", json={"k" * 300_000: 1, "x": [1.0]}), 422)
    assert all(len(json.dumps(item)) < 1000 for item in detail)


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain",
                                          "multipart/form-data; boundary=x", "application/jsonx"])
def test_a_body_not_sent_as_json_is_told_how_to_send_it(client, content_type):
    headers = {} if content_type is None else {"content-type": content_type}
    r = client.post("/api/trace", content=b'{"hidden_size": 4}', headers=headers)
    (item,) = assert_error_shape(r, 415)
    assert item["loc"] == ["header", "content-type"] and "Content-Type: application/json" in item["msg"]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON",
                                          "application/vnd.unroll+json"])
def test_json_content_types_are_accepted(client, content_type):
    r = client.post("/api/trace", content=b'{"hidden_size": 3}', headers={"content-type": content_type})
    assert r.status_code == 200


@pytest.mark.parametrize(("field", "value", "words"), [
    ("seed", str(3**50), "less than or equal to 4294967295"),  # 80 bits
    ("seed", str(-(2**65)), "greater than or equal to 0"),
    ("seed", "8" * 6001, "less than or equal to 4294967295"),  # past Python's 4300 digits
    ("hidden_size", str(10**25), "less than or equal to 256"),
    ("length", "-" + "3" * 320, "greater than or equal to 1"),  # past float64 too
])
@pytest.mark.parametrize("padding", [0, 100_000])  # under and over the size the fast parser took
def test_integers_past_64_bits_get_the_fields_range_error_whatever_the_body_size(client, field, value, words, padding):
    body = f'{{"{field}": {value}{" " * padding}}}'
    (item,) = assert_error_shape(client.post("/api/trace", content=body, headers=JSON), 422)
    assert item["loc"] == ["body", field] and words in item["msg"]


@pytest.mark.parametrize("padding", [0, 100_000])
def test_an_integer_past_float64_in_a_number_field_is_not_finite(client, padding):
    body = f'{{"recurrent_scale": {"6" * 5200}{" " * padding}}}'
    (item,) = assert_error_shape(client.post("/api/trace", content=body, headers=JSON), 422)
    assert item["loc"] == ["body", "recurrent_scale"] and "finite" in item["msg"]


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/presets", PLOTLY_URL, "/docs", "/favicon.ico",
                                  "/static/css/unroll.css"])
def test_head_answers_like_get_without_a_body(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("content-length") == get.headers.get("content-length")
    for name, value in SECURITY_HEADERS:
        assert head.headers[name.decode()] == value.decode()


def test_a_trailing_slash_redirects_relatively_never_to_the_host_header(client):
    for path, target in [("/api/presets/", "/api/presets"), ("/api/tasks/", "/api/tasks"),
                         ("/api/presets/reverse-gru/", "/api/presets/reverse-gru")]:
        r = client.get(path + "?x=1", headers={"host": "attacker.example"}, follow_redirects=False)
        assert r.status_code == 307 and r.headers["location"] == target + "?x=1"
    r = client.get("/no/such/thing/", headers={"host": "attacker.example"}, follow_redirects=False)
    (item,) = assert_error_shape(r, 404)
    assert "location" not in r.headers and item["loc"] == ["path"]


def test_every_refusal_has_the_same_shape(client):
    assert_error_shape(client.get("/api/nothing"), 404)
    assert_error_shape(client.get("/api/presets/nothing"), 404)
    assert_error_shape(client.delete("/api/health"), 405)
    assert_error_shape(client.post("/api/trace", content=b"{", headers=JSON), 400)
    assert_error_shape(client.post("/api/trace", content=b"{}", headers={**JSON, "content-length": str(20 << 20)}), 413)
    assert_error_shape(client.post("/api/trace", content=b"{}", headers={"content-type": "text/csv"}), 415)
    assert_error_shape(client.post("/api/trace", json={"hidden_size": 1000}), 422)


def test_docs_list_every_status_with_the_error_shape(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/trace", "/api/step", "/api/train"):
        responses = spec["paths"][path]["post"]["responses"]
        assert {"400", "408", "413", "415", "422", "431", "503"} <= set(responses)
        assert responses["415"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    error = spec["components"]["schemas"]["ErrorResponse"]
    assert error["properties"]["detail"]["type"] == "array"
    train = spec["paths"]["/api/train"]["post"]["responses"]["200"]["description"]
    assert all(word in train for word in ('"queued"', '"progress"', '"done"', '"error"', "seconds"))
    for status in ("408", "413", "415", "422", "431", "503", "diverged"):
        assert status in spec["info"]["description"]


def test_step_refuses_a_pre_activation_that_overflowed_behind_a_finite_h(client):
    params = {"W_ih": [[3e300, 0.0]], "W_hh": [[0.5]], "b_ih": [0.0], "b_hh": [0.0]}
    (item,) = assert_error_shape(client.post("/api/step", json={"params": params, "x": [1e9, 2.0]}), 422)
    assert item["type"] == "diverged" and item["quantity"] == "the pre-activation of h" and item["step"] == 0
    r = client.post("/api/step", json={"params": params, "x": [1e7, 2.0]})  # 3e307: finite, tanh = 1
    assert r.status_code == 200 and r.json()["h"] == [1.0]


def test_trace_refuses_a_gate_pre_activation_that_overflowed(client):
    G = 4
    params = {"W_ih": [[-2e300, 0.0]] * G, "W_hh": [[0.0]] * G, "b_ih": [0.0] * G, "b_hh": [0.0] * G,
              "W_hy": [[1.0], [1.0]], "b_y": [0.0, 0.0]}
    r = client.post("/api/trace", json={"topology": "one_to_one", "cell": "lstm", "hidden_size": 1,
                                        "params": params, "inputs": [[1e9, 1.0]]})
    (item,) = assert_error_shape(r, 422)
    assert item["type"] == "diverged" and item["quantity"] == "the pre-activation of the gates"


def test_diverged_names_the_loss_of_a_trace(client):
    params = {"W_ih": [[1.5, 0.0]], "W_hh": [[0.0]], "b_ih": [0.0], "b_hh": [0.0],
              "W_hy": [[1.0], [-1.0]], "b_y": [0.0, 0.0]}
    r = client.post("/api/trace", json={"topology": "one_to_one", "activation": "relu", "hidden_size": 1,
                                        "params": params, "inputs": [[1.1e308, 2.0]], "targets": ["different"]})
    (item,) = assert_error_shape(r, 422)
    assert item["type"] == "diverged" and item["quantity"] == "loss" and "loss overflowed" in item["msg"]


def test_plotly_url_names_its_version_and_caching_is_by_etag(client):
    assert PLOTLY_URL.startswith("/vendor/plotly-4.") and PLOTLY_URL.endswith(".min.js")
    versioned = client.get(PLOTLY_URL, headers={"accept-encoding": "br, gzip;q=0.5"})
    assert versioned.headers["content-encoding"] == "gzip" and "immutable" in versioned.headers["cache-control"]
    etag = versioned.headers["etag"]
    again = client.get(PLOTLY_URL, headers={"accept-encoding": "gzip", "if-none-match": f'"x", W/{etag}'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert again.headers["x-content-type-options"] == "nosniff"
    old = client.get("/vendor/plotly.min.js", headers={"accept-encoding": "identity"})
    assert "immutable" not in old.headers["cache-control"] and "content-encoding" not in old.headers
    assert old.headers["etag"] != etag  # another representation, another tag
    assert client.get("/vendor/plotly.min.js", headers={"if-none-match": old.headers["etag"],
                                                        "accept-encoding": ""}).status_code == 304


@pytest.mark.parametrize("accept", ["gzip;q=0, identity", "gzip; q=0.0", "*;q=0", "identity", "",
                                    "deflate, br", "x-gzip;q=0,*;q=1;foo=bar, gzip;q=0"])
def test_gzip_only_where_accepted(client, accept):
    r = client.get(PLOTLY_URL, headers={"accept-encoding": accept})
    assert r.status_code == 200 and "content-encoding" not in r.headers and r.content.startswith(b"/**")


@pytest.mark.parametrize("accept", ["gzip", "GZIP;q=0.001", "deflate, *", "identity;q=1, x-gzip"])
def test_gzip_where_accepted(client, accept):
    assert client.get(PLOTLY_URL, headers={"accept-encoding": accept}).headers["content-encoding"] == "gzip"


def test_even_a_crash_answers_in_the_error_shape_with_the_security_headers():
    from fastapi.testclient import TestClient

    from app.main import create_app

    app = create_app()

    @app.get("/crash")
    async def crash():
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get("/crash")
    assert r.status_code == 500 and r.headers["x-content-type-options"] == "nosniff"
    assert r.json()["detail"][0]["type"] == "server_error"

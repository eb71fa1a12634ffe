"""POST /api/trace in the packed form (docs/api.md §Packed): asked for by `Accept`, it is the JSON
answer to the last bit for every cell and topology; without asking, the answer is the JSON one;
`omit` leaves out params and/or grads in either form."""

import json
import socket
from urllib.parse import urlsplit

import orjson
import pytest

from app.api import sending
from app.engine.cells import CELL_ACTIVATIONS
from app.engine.topologies import TOPOLOGIES
from tests.packed_reader import assert_same_bits, unpack

PACKED = "application/vnd.unroll.packed"
ACCEPT = f"{PACKED}, application/json;q=0.5"  # what the page sends

# Numbers at the edges: -0.0, the smallest subnormal and 1e308 among given params (the answer echoes
# them, and computes with them); values near 1e294 from a relu network made to grow.
EDGE_PARAMS = {"W_ih": [[-0.0, 5e-324], [1e-300, 2.0]], "W_hh": [[-0.0, 0.0], [0.5, -0.0]], "b_ih": [-0.0, 0.0],
               "b_hh": [0.0, -0.0], "W_hy": [[1.0, -0.0], [-0.0, 1.0]], "b_y": [-0.0, 1e308]}
EDGES = [
    {"topology": "one_to_one", "task": "same_sign", "cell": "rnn", "hidden_size": 2, "params": EDGE_PARAMS},
    {"topology": "many_to_many", "cell": "rnn", "activation": "relu", "hidden_size": 4, "length": 52,
     "recurrent_scale": 1e6, "seed": 3},  # values up to 1e295, still finite
]


def both_forms(client, body, accept=ACCEPT):
    as_json = client.post("/api/trace", json=body)
    packed = client.post("/api/trace", json=body, headers={"accept": accept})
    assert as_json.status_code == packed.status_code == 200, (as_json.text[:300], packed.content[:300])
    assert as_json.headers["content-type"] == "application/json"
    assert packed.headers["content-type"] == PACKED
    return as_json.content, packed.content


def assert_packed_is_the_json(json_body: bytes, packed_body: bytes):
    decoded = unpack(packed_body)
    assert_same_bits(decoded, json.loads(json_body))
    assert orjson.dumps(decoded) == json_body  # written back, the very bytes of the JSON answer


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_packed_is_the_json_answer_to_the_last_bit(client, topology, cell, activation):
    body = {"topology": topology, "cell": cell, "activation": activation, "hidden_size": 5, "seed": 42}
    assert_packed_is_the_json(*both_forms(client, body))


@pytest.mark.parametrize("body", [
    *EDGES,
    {"topology": "seq2seq", "cell": "gru", "hidden_size": 4, "teacher_forcing": True, "inputs": ["cat", "dog", "red"]},
    {"topology": "many_to_one", "cell": "lstm", "hidden_size": 3, "inputs": ["the", "movie", "was", "not", "good"]},
    {"preset": "sine_wave-lstm", "seed": 2},
    {"topology": "many_to_many", "cell": "lstm", "hidden_size": 64, "length": 100},
], ids=["signed-zeros-subnormal-1e308", "near-1e294", "seq2seq-teacher-forcing", "typed", "regression-preset",
        "page-view"])
def test_packed_edges_and_larger_answers(client, body):
    json_body, packed_body = both_forms(client, body)
    assert_packed_is_the_json(json_body, packed_body)


def test_the_edges_are_really_in_the_answers(client):
    tiny, grown = (client.post("/api/trace", json=body).text for body in EDGES)
    assert "-0.0" in tiny and "5e-324" in tiny and "1e+308" in tiny
    assert "e+29" in grown


@pytest.mark.parametrize("omit", [["params"], ["grads"], ["params", "grads"], []])
@pytest.mark.parametrize("topology", ["many_to_one", "seq2seq"])
def test_omit_in_both_forms(client, omit, topology):
    body = {"topology": topology, "cell": "lstm", "hidden_size": 3}
    whole = client.post("/api/trace", json=body).json()
    json_body, packed_body = both_forms(client, body | {"omit": omit})
    assert_packed_is_the_json(json_body, packed_body)
    answer = json.loads(json_body)
    for part in ("params", "grads"):
        assert answer[part] == (None if part in omit else whole[part])
    if "params" in omit:
        shapes = answer["param_shapes"]
        assert list(answer).index("param_shapes") == list(answer).index("params") + 1
        cell = whole["params"]["encoder"] if topology == "seq2seq" else whole["params"]
        expected = shapes["encoder"] if topology == "seq2seq" else shapes
        assert expected["W_hh"] == [len(cell["W_hh"]), len(cell["W_hh"][0])] == [12, 3]
        assert expected["b_ih"] == [12] and shapes["W_hy"] == [len(whole["params"]["W_hy"]), 3]
    else:
        assert "param_shapes" not in answer
    assert {k: v for k, v in answer.items() if k not in ("params", "grads", "param_shapes")} == {
        k: v for k, v in whole.items() if k not in ("params", "grads")}


def test_packed_without_params_and_grads_is_under_half_a_megabyte_for_the_page_view(client):
    body = {"topology": "many_to_many", "task": "named_entities", "cell": "lstm", "hidden_size": 64,
            "length": 100, "omit": ["params", "grads"]}
    json_body, packed_body = both_forms(client, body)
    assert len(packed_body) <= 500_000 < len(json_body)


@pytest.mark.parametrize("accept,packed", [
    (None, False), ("application/json", False), ("*/*", False), ("", False), ("text/html, */*;q=0.8", False),
    (PACKED, True), (ACCEPT, True), (f"{PACKED.upper()}", True), (f"{PACKED}; q=0.9, */*;q=0.1", True),
    (f"{PACKED}, */*", True), (f"{PACKED};q=0", False), (f"application/json, {PACKED};q=0.5", False),
    (f"{PACKED};q=abc", False), (f"{PACKED}+json", False), ("application/vnd.unroll", False),
    (";;,,q=1", False), (f"{PACKED};q=0.5, application/*;q=0.4", True),
])
def test_the_form_follows_accept(client, accept, packed):
    headers = {} if accept is None else {"accept": accept}
    r = client.post("/api/trace", json={"hidden_size": 2}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == (PACKED if packed else "application/json")
    assert r.headers["vary"] == "Accept"
    if not packed:
        assert r.json()["hidden_size"] == 2


@pytest.mark.parametrize("body", [{"hidden_size": 0}, {"preset": "nope"}, {"omit": ["steps"]}, {"omit": "params"},
                                  {"omit": ["params", "grads", "params"]}])
def test_refusals_are_json_whatever_the_accept(client, body):
    r = client.post("/api/trace", json=body, headers={"accept": PACKED})
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    (item,) = r.json()["detail"]
    assert item["loc"][:2] == ["body", next(iter(body))]


def test_an_unknown_omit_names_the_field_and_what_is_allowed(client):
    r = client.post("/api/trace", json={"omit": ["params", "steps"]})
    (item,) = r.json()["detail"]
    assert r.status_code == 422 and item["loc"] == ["body", "omit", 1]
    assert "'params'" in item["msg"] and "'grads'" in item["msg"]


def test_the_docs_describe_the_packed_form_and_omit(client):
    spec = client.get("/openapi.json").json()
    route = spec["paths"]["/api/trace"]["post"]
    assert PACKED in route["responses"]["200"]["content"]
    assert "UNR1" in route["responses"]["200"]["description"]
    assert PACKED in route["description"] and "Accept" in route["description"]
    assert "omit" in spec["components"]["schemas"]["TraceRequest"]["properties"]


def test_a_packed_answer_larger_than_a_piece_arrives_whole_from_a_real_server(live_url, client):
    body = {"topology": "many_to_many", "cell": "lstm", "hidden_size": 64, "length": 100}
    request = orjson.dumps(body)
    host, port = urlsplit(live_url).hostname, urlsplit(live_url).port
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     + f"Accept: {PACKED}\r\nContent-Length: {len(request)}\r\nConnection: close\r\n\r\n".encode()
                     + request)
        data = b""
        while chunk := sock.recv(1 << 16):
            data += chunk
    head, _, packed_body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and f"content-type: {PACKED}".encode() in head.lower()
    assert len(packed_body) > 2 * sending.CHUNK
    assert f"content-length: {len(packed_body)}".encode() in head.lower()
    assert_packed_is_the_json(client.post("/api/trace", json=body).content, packed_body)

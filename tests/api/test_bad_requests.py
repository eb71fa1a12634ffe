"""Bad input: a clear 4xx whose detail names the field and what is allowed; never a 500."""

import json

import pytest


def params(client, **config):
    return client.post("/api/trace", json=config).json()["params"]


def body(**kw):
    return json.dumps(kw).encode()


# (what is wrong, path, raw body, status, loc the detail must name, words the message must hold)
CASES = [
    ("hidden size 0", "/api/trace", body(hidden_size=0), 422, ["body", "hidden_size"], "greater than or equal to 1"),
    ("hidden size 257", "/api/trace", body(hidden_size=257), 422, ["body", "hidden_size"], "less than or equal to 256"),
    ("hidden size as text", "/api/trace", body(hidden_size="8"), 422, ["body", "hidden_size"], "valid integer"),
    ("length 0", "/api/trace", body(length=0), 422, ["body", "length"], "greater than or equal to 1"),
    ("length 501", "/api/trace", body(length=501), 422, ["body", "length"], "less than or equal to 500"),
    ("seq2seq over 500 steps", "/api/trace", body(topology="seq2seq", length=251), 422, ["body", "length"], "1 to 250"),
    ("unknown topology", "/api/trace", body(topology="tree"), 422, ["body", "topology"], "one_to_one"),
    ("unknown cell", "/api/trace", body(cell="transformer"), 422, ["body", "cell"], "'lstm'"),
    ("unknown activation", "/api/trace", body(activation="sigmoid"), 422, ["body", "activation"], "'relu'"),
    ("relu with lstm", "/api/trace", body(cell="lstm", activation="relu"), 422, ["body", "activation"], "allowed ['tanh']"),
    ("unknown task", "/api/trace", body(task="chess"), 422, ["body", "task"], "sentiment"),
    ("task of another topology", "/api/trace", body(topology="seq2seq", task="sentiment"), 422, ["body", "task"], "reverse"),
    ("a token of punctuation only", "/api/trace", body(inputs=["the", "film", "!?"]), 422, ["body", "inputs", 2], "'!?' has no letter or digit"),
    ("a token for a task of vectors", "/api/trace", body(topology="one_to_one", inputs=["good"]), 422, ["body", "inputs", 0], "reads vectors, not tokens"),
    ("vector of the wrong size", "/api/trace", body(topology="one_to_one", inputs=[[0.5]]), 422, ["body", "inputs", 0], "2 numbers"),
    ("ragged vectors", "/api/trace", body(topology="many_to_many", inputs=[[1.0] * 24, [1.0] * 3], targets=["O", "O"]), 422, ["body", "inputs", 1], "24 numbers, got 3"),
    ("one-hot longer than the vocabulary", "/api/trace", body(topology="seq2seq", inputs=[[0] * 7 + [1, 0, 0]]), 422, ["body", "inputs", 0], "7 numbers, got 10"),
    ("a vector no rule can label", "/api/trace", body(inputs=["good", [0.0] * 36]), 422, ["body", "targets"], "inputs[1] is a vector but not a one-hot token"),
    ("empty inputs", "/api/trace", body(inputs=[]), 422, ["body", "inputs"], "at least 1"),
    ("two seeds for one_to_many", "/api/trace", body(topology="one_to_many", inputs=[[0.1], [0.2]]), 422, ["body", "inputs"], "exactly one input"),
    ("wrong number of targets", "/api/trace", body(topology="many_to_many", inputs=["mr", "chad"], targets=["O"]), 422, ["body", "targets"], "needs 2 target"),
    ("target not a class", "/api/trace", body(inputs=["it", "was", "good"], targets=["great"]), 422, ["body", "targets", 0], "'negative'"),
    ("targets without inputs", "/api/trace", body(targets=["positive"]), 422, ["body", "targets"], "without inputs"),
    ("negative seed", "/api/trace", body(seed=-1), 422, ["body", "seed"], "greater than or equal to 0"),
    ("huge seed", "/api/trace", body(seed=2**64), 422, ["body", "seed"], "less than or equal to 4294967295"),
    ("boolean as a number", "/api/trace", body(recurrent_scale=True), 422, ["body", "recurrent_scale"], "valid number"),
    ("number as a boolean", "/api/trace", body(teacher_forcing=0), 422, ["body", "teacher_forcing"], "valid boolean"),
    ("unknown field", "/api/trace", body(hiden_size=8), 422, ["body", "hiden_size"], "Extra inputs"),
    ("NaN in inputs", "/api/trace", b'{"topology": "one_to_one", "inputs": [[NaN, 0.5]]}', 422, ["body", "inputs", 0], "finite"),
    ("Infinity in recurrent_scale", "/api/trace", b'{"recurrent_scale": Infinity}', 422, ["body", "recurrent_scale"], "finite"),
    ("1e400 overflows to infinity", "/api/trace", b'{"recurrent_scale": 1e400}', 422, ["body", "recurrent_scale"], "finite"),
    ("params missing a key", "/api/trace", body(hidden_size=2, params={"W_hy": [[0.0] * 2] * 3, "b_y": [0.0] * 3}), 422, ["body", "params", "W_ih"], "missing"),
    ("unknown preset", "/api/trace", body(preset="best"), 422, ["body", "preset"], "unknown preset 'best'"),
    ("not JSON", "/api/trace", b"{topology: many_to_one", 400, ["body", 1], "JSON decode error"),
    ("truncated JSON", "/api/trace", b'{"topology": "many_to_one", "inputs": ["the"', 400, ["body"], "JSON decode error"),
    ("nested too deeply", "/api/trace", b"[" * 50_000 + b"]" * 50_000, 400, ["body"], "nested too deeply"),
    ("an integer of 4400 digits", "/api/trace", b'{"seed": ' + b"7" * 4400 + b"}", 422, ["body", "seed"], "less than or equal to 4294967295"),
    ("JSON but not an object", "/api/trace", b"[1, 2, 3]", 422, ["body"], "valid dictionary"),
    ("step: x missing", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0]}), 422, ["body", "x"], "Field required"),
    ("step: lstm shapes", "/api/step", body(cell="lstm", params={"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0]}, x=[1.0]), 422, ["body", "params", "W_hh"], "expected shape [4, 1]"),
    ("step: x of the wrong size", "/api/step", body(params={"W_ih": [[1.0, 2.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0]}, x=[1.0]), 422, ["body", "x"], "expected 2 numbers (the columns of W_ih)"),
    ("step: h of the wrong size", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0]}, x=[1.0], h=[0.0, 0.0]), 422, ["body", "h"], "expected 1 number (the columns of W_hh), got 2"),
    ("step: empty W_hh", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [], "b_ih": [0.0], "b_hh": [0.0]}, x=[1.0]), 422, ["body", "params", "W_hh"], "empty"),
    ("step: W_hh not square", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [[0.8, 0.1]], "b_ih": [0.0], "b_hh": [0.0]}, x=[1.0], h=[0.0]), 422, ["body", "params", "W_hh"], "expected shape [2, 2]"),
    ("step: empty output layer", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0], "W_hy": [], "b_y": []}, x=[1.0]), 422, ["body", "params", "b_y"], "at least one output"),
    ("step: W_hy without b_y", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0], "W_hy": [[1.0]]}, x=[1.0]), 422, ["body", "params"], "both W_hy and b_y"),
    ("a vector over 4096 numbers", "/api/step", body(params={"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0]}, x=[0.0] * 5000), 422, ["body", "x"], "at most 4096"),
    ("step: c for a gru", "/api/step", body(cell="gru", params={"W_ih": [[1.0]] * 3, "W_hh": [[1.0]] * 3, "b_ih": [0.0] * 3, "b_hh": [0.0] * 3}, x=[1.0], c=[0.0]), 422, ["body", "c"], "only an lstm"),
    ("train: zero steps", "/api/train", body(steps=0), 422, ["body", "steps"], "greater than or equal to 1"),
    ("train: learning rate 5", "/api/train", body(learning_rate=5), 422, ["body", "learning_rate"], "less than or equal to 1"),
    ("train: batch 10000", "/api/train", body(batch_size=10000), 422, ["body", "batch_size"], "less than or equal to 256"),
    ("train: length over the task's", "/api/train", body(topology="seq2seq", length=300), 422, ["body", "length"], "1 to 250"),
    ("train: too much work a step", "/api/train", body(hidden_size=256, cell="lstm", batch_size=256, length=100), 422, ["body", "batch_size"], "too large"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_request(client, case):
    _, path, raw, status, loc, words = case
    r = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert any(item["loc"][: len(loc)] == loc for item in detail), detail
    assert any(words in item["msg"] or words in json.dumps(item.get("ctx", {})) for item in detail), detail


def test_params_with_a_wrong_shape_name_key_expected_and_given(client):
    good = params(client, topology="many_to_one", hidden_size=3)
    good["W_hh"] = [[0.0] * 2] * 3
    r = client.post("/api/trace", json={"hidden_size": 3, "params": good})
    (item,) = r.json()["detail"]
    assert r.status_code == 422 and item["loc"] == ["body", "params", "W_hh"]
    assert "expected shape [3, 3], got [3, 2]" in item["msg"]


def test_body_over_16_mb_is_413_with_or_without_content_length(client, live_url):
    import httpx

    huge = b'{"inputs": [' + b'"the", ' * 2_400_000 + b'"the"]}'
    assert len(huge) > 16 * 1024 * 1024
    r = client.post("/api/trace", content=huge, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "16 MB" in r.json()["detail"][0]["msg"]

    def chunks():  # streamed without a Content-Length
        for start in range(0, len(huge), 1 << 20):
            yield huge[start : start + (1 << 20)]

    r = httpx.post(f"{live_url}/api/trace", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_absurd_nesting_in_a_large_body_is_a_400_not_a_crash(client):
    deep = b"[" * 1_000_000 + b"]" * 1_000_000  # over 64 kB: the fast parser's path first
    r = client.post("/api/trace", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "nested too deeply" in r.text
    assert client.get("/api/health").status_code == 200


def test_a_mean_loss_whose_sum_overflows_is_returned(client):
    """Every loss_t is finite (about 1.5e308) and so is their mean, though their sum is not."""
    params = {"W_ih": [[0.1], [0.1]], "W_hh": [[0, 0], [0, 0]], "b_ih": [0, 0], "b_hh": [0, 0],
              "W_hy": [[0, 0]], "b_y": [1.24e154]}
    r = client.post("/api/trace", json={"topology": "one_to_many", "hidden_size": 2, "length": 3, "params": params})
    assert r.status_code == 200, r.text
    losses = [step["loss"] for step in r.json()["steps"]]
    assert 1e308 < r.json()["loss"] <= max(losses) < float("inf")


def test_body_limit_gives_up_on_a_body_that_trickles(monkeypatch):
    """One byte now and then, forever: 408 once the whole body's time is up."""
    import asyncio

    from app.api import limits

    monkeypatch.setattr(limits, "BODY_TIMEOUT", 0.3)
    sent = []

    async def app(scope, receive, send):
        while True:
            await receive()

    async def receive():
        await asyncio.sleep(0.05)
        return {"type": "http.request", "body": b"[", "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "headers": [(b"content-type", b"application/json")]}
    try:
        asyncio.run(limits.BodyLimit(app)(scope, receive, send))
    except limits.HTTPException as error:
        assert error.status_code == 408
    else:
        raise AssertionError("the trickling body was not stopped")


def test_a_large_valid_body_is_accepted(client):
    """The largest network's params fit in 16 MB: an lstm of hidden size 256."""
    net = client.post("/api/trace", json={"topology": "many_to_many", "cell": "lstm", "hidden_size": 256,
                                          "length": 2}).json()
    r = client.post("/api/trace", json={"topology": "many_to_many", "cell": "lstm", "hidden_size": 256,
                                        "params": net["params"], "inputs": ["mr", "chad"]})
    assert r.status_code == 200 and len(r.request.content) < 16 * 1024 * 1024


def test_nan_in_a_large_body_is_still_a_422_naming_the_field(client):
    """Large bodies take the fast parser, which refuses NaN; the fallback reads it for the schema."""
    net = client.post("/api/trace", json={"cell": "gru", "hidden_size": 64}).json()
    text = json.dumps({"cell": "gru", "hidden_size": 64, "params": net["params"]})
    assert len(text) > 64 * 1024
    text = text.replace('"W_hh": [[', '"W_hh": [[NaN, ', 1)
    r = client.post("/api/trace", content=text, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][:4] == ["body", "params", "W_hh", 0] and "finite" in r.json()["detail"][0]["msg"]


def test_a_range_error_reads_the_same_whoever_catches_it(client):
    """The schema refuses hidden_size 0 in a request; the engine refuses it from `unroll`."""
    from app.engine.errors import InputError
    from app.engine.network import build_network

    (item,) = client.post("/api/trace", json={"hidden_size": 0}).json()["detail"]
    with pytest.raises(InputError) as caught:
        build_network("many_to_one", "rnn", hidden_size=0)
    assert item["msg"] == caught.value.message == (
        "must be 1 to 256 (greater than or equal to 1 and less than or equal to 256), got 0")
    (item,) = client.post("/api/train", json={"learning_rate": 5}).json()["detail"]
    assert item["msg"] == "must be more than 0 and at most 1 (greater than 0 and less than or equal to 1), got 5"


def test_the_readme_counts_these_cases():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert f"{len(CASES)} bad requests" in readme

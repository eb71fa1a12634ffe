"""Bring your own and take it with you, through the API: text, series and vectors in /api/trace,
/api/train and /api/step; POST /api/import; POST /api/export/pytorch (its script run by Python)."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.config import MAX_BODY
from app.engine.topologies import TOPOLOGIES

TEXT = "the cat sat on the mat. the dog sat on the log."


def lines(r):
    return [json.loads(line) for line in r.text.splitlines() if line]


def test_a_text_trace_shows_a_window_and_its_next_characters(client):
    r = client.post("/api/trace", json={"topology": "many_to_many", "task": "text", "text": TEXT, "length": 8,
                                        "cell": "gru", "seed": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["input_vocab"] == body["output_vocab"] == sorted(set(TEXT)) and body["input_size"] == 14
    window = "".join(s["x_label"] for s in body["steps"])
    after = "".join(s["target_label"] for s in body["steps"])
    assert len(window) == 8 and (window[0] + after) in TEXT and after[:-1] == window[1:]
    assert body["loss"] == pytest.approx(np.mean([s["loss"] for s in body["steps"]]), rel=1e-12)


def test_typed_characters_are_scored_up_to_the_last(client):
    r = client.post("/api/trace", json={"topology": "many_to_many", "task": "text", "text": TEXT,
                                        "inputs": list("cat")})
    steps = r.json()["steps"]
    assert [s["target_label"] for s in steps] == ["a", "t", None]
    assert steps[2]["loss"] is None and steps[2]["p"] is not None and steps[2]["dh"] == [0.0] * 8


def test_generation_from_a_seed_character_with_step(client):
    """one_to_many: the seed's output is the next character; stepping /api/step with the trace's
    params and each output fed back (argmax) reproduces the trace, and a temperature flattens p."""
    trace = client.post("/api/trace", json={"topology": "one_to_many", "task": "text", "text": TEXT,
                                            "cell": "lstm", "inputs": ["d"], "length": 5}).json()
    assert [s["target_label"] for s in trace["steps"]] == list("og sa")
    p, vocab = trace["params"], trace["input_vocab"]
    h = c = None
    x = [float(ch == "d") for ch in vocab]
    for step in trace["steps"]:
        body = {"cell": "lstm", "params": p, "x": x} | ({"h": h, "c": c} if h else {})
        out = client.post("/api/step", json=body).json()
        assert out["h"] == step["h"] and out["p"] == step["p"]
        h, c = out["h"], out["c"]
        x = [float(k == int(np.argmax(out["y"]))) for k in range(len(vocab))]
    hot = client.post("/api/step", json={"cell": "lstm", "params": p, "x": x, "temperature": 5.0}).json()
    cold = client.post("/api/step", json={"cell": "lstm", "params": p, "x": x}).json()
    assert hot["y"] == cold["y"] and max(hot["p"]) < max(cold["p"])
    y = np.array(cold["y"]) / 5.0
    np.testing.assert_allclose(hot["p"], np.exp(y - y.max()) / np.exp(y - y.max()).sum(), rtol=1e-13)


def test_a_series_trace_says_its_normalisation(client):
    series = [float(v) for v in 100 + 10 * np.sin(np.arange(60) / 3)]
    r = client.post("/api/trace", json={"topology": "many_to_one", "task": "series", "series": series, "length": 12})
    body = r.json()
    mean, std = float(np.mean(series)), float(np.std(series))
    assert body["normalisation"] == {"mean": mean, "std": std} and body["kind"] == "regression"
    xs = [s["x"][0] * std + mean for s in body["steps"]]
    start = next(i for i in range(len(series)) if abs(series[i] - xs[0]) < 1e-9)
    np.testing.assert_allclose(xs, series[start : start + 12], rtol=1e-12)
    last = body["steps"][-1]
    assert last["target"][0] * std + mean == pytest.approx(series[start + 12], rel=1e-12)
    typed = client.post("/api/trace", json={"topology": "many_to_one", "task": "series", "series": series,
                                            "inputs": [[100.0], [103.0]]}).json()
    assert typed["loss"] is None and typed["grads"] is None and typed["steps"][-1]["y"] is not None
    assert client.post("/api/trace", json={"task": "sentiment"}).json()["normalisation"] is None


def test_own_data_trains_live(client):
    r = client.post("/api/train", json={"topology": "many_to_many", "task": "text", "text": TEXT, "steps": 3,
                                        "batch_size": 4, "length": 10})
    done = lines(r)[-1]
    assert done["type"] == "done" and len(done["params"]["b_y"]) == 14 and done["metrics"]["metric"] == "accuracy"
    r = client.post("/api/train", json={"topology": "many_to_many", "task": "series", "series": [1.0, 2, 3, 2] * 10,
                                        "steps": 3, "length": 6})
    assert lines(r)[-1]["metrics"]["metric"] == "r2"
    r = client.post("/api/train", json={"topology": "many_to_many", "task": "vectors", "input_size": 2,
                                        "output_size": 2, "inputs": [[0, 1], [1, 0], [1, 1]],
                                        "targets": [[1, 0], [0, 1], [0, 0]], "steps": 3})
    assert lines(r)[-1]["type"] == "done" and lines(r)[-1]["metrics"]["metric"] == "r2"


def test_the_tasks_say_what_they_read_and_where_they_run(client):
    tasks = {t["id"]: t for t in client.get("/api/tasks").json()}
    assert tasks["text"]["reads"] == ["text"] and tasks["text"]["topologies"] == ["many_to_many", "one_to_many"]
    assert tasks["vectors"]["reads"] == ["input_size", "output_size", "kind"]
    assert tasks["sentiment"]["reads"] == [] and tasks["sentiment"]["topologies"] == ["many_to_one"]
    topologies = {t["id"]: t["tasks"] for t in client.get("/api/topologies").json()}
    assert topologies["many_to_one"][0] == "sentiment" and "series" in topologies["many_to_one"]


# --- POST /api/import ---------------------------------------------------------------------------

def model_bytes(cell="gru", I=3, H=4, O=2, head=True, fmt="safetensors", dtype=np.float32, extra=None):
    rng = np.random.default_rng(1)
    G = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
    shapes = {"rnn.weight_ih_l0": (G * H, I), "rnn.weight_hh_l0": (G * H, H), "rnn.bias_ih_l0": (G * H,),
              "rnn.bias_hh_l0": (G * H,)} | ({"fc.weight": (O, H), "fc.bias": (O,)} if head else {})
    arrays = {k: rng.uniform(-0.5, 0.5, s).astype(dtype) for k, s in shapes.items()} | (extra or {})
    if fmt == "safetensors":
        from safetensors.numpy import save

        return save(arrays), arrays
    f = io.BytesIO()
    np.savez(f, **arrays)
    return f.getvalue(), arrays


def upload(client, data: bytes, **fields):
    return client.post("/api/import", files={"file": ("model", data)}, data=fields)


@pytest.mark.parametrize("fmt", ["safetensors", "npz"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_import_answers_the_model_in_the_trace_layout(client, cell, fmt):
    pytest.importorskip("safetensors")
    data, arrays = model_bytes(cell, fmt=fmt)
    r = upload(client, data)
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: body[k] for k in ("cell", "activation", "input_size", "hidden_size", "output_size")} == \
        {"cell": cell, "activation": "tanh", "input_size": 3, "hidden_size": 4, "output_size": 2}
    assert body["file"] == {"format": fmt, "head": True, "keys": {
        "W_ih": "rnn.weight_ih_l0", "W_hh": "rnn.weight_hh_l0", "b_ih": "rnn.bias_ih_l0",
        "b_hh": "rnn.bias_hh_l0", "W_hy": "fc.weight", "b_y": "fc.bias"}}
    assert body["params"]["W_hh"] == arrays["rnn.weight_hh_l0"].astype(np.float64).tolist()  # float32 widened exactly
    body.pop("file")
    trace = client.post("/api/trace", json={**body, "task": "vectors", "topology": "many_to_many",
                                            "inputs": [[0.5, -1.0, 0.25], [1.0, 0.0, 0.0]], "targets": [1, 0]})
    assert trace.status_code == 200, trace.text
    assert trace.json()["kind"] == "classification" and trace.json()["loss"] > 0


def test_import_of_an_rnn_with_relu(client):
    pytest.importorskip("safetensors")
    assert upload(client, model_bytes("rnn")[0], activation="relu").json()["activation"] == "relu"


@pytest.mark.parametrize("what,data,fields,loc,words", [
    ("two layers", lambda: model_bytes(extra={"rnn.weight_ih_l1": np.zeros((12, 4), np.float32)})[0], {}, ["body", "file"], "rnn.weight_ih_l1: layer 1"),
    ("bidirectional", lambda: model_bytes(extra={"rnn.weight_hh_l0_reverse": np.zeros((12, 4), np.float32)})[0], {}, ["body", "file"], "rnn.weight_hh_l0_reverse: a bidirectional"),
    ("shapes that fit no cell", lambda: model_bytes(extra={"rnn.weight_hh_l0": np.zeros((8, 4), np.float32)})[0], {}, ["body", "file"], "fits no cell"),
    ("NaN", lambda: model_bytes(extra={"fc.bias": np.array([np.nan, 0], np.float32)})[0], {}, ["body", "file"], "fc.bias: holds NaN"),
    ("a head that does not match", lambda: model_bytes(extra={"fc.weight": np.zeros((2, 7), np.float32)})[0], {}, ["body", "file"], "fc.weight: shape [2, 7] does not match"),
    ("an unknown format", lambda: b"\x80\x04\x95 pickled bytes", {}, ["body", "file"], "neither a safetensors file nor"),
    ("a torch.save file", lambda: _torch_save(), {}, ["body", "file"], "never unpickled"),
    ("a missing key", lambda: model_bytes(head=False, extra={"fc.weight": np.zeros((2, 4), np.float32)})[0], {}, ["body", "file"], "fc.bias: missing"),
    ("relu for an lstm", lambda: model_bytes("lstm")[0], {"activation": "relu"}, ["body", "activation"], "allowed ['tanh']"),
    ("an unknown activation", lambda: model_bytes()[0], {"activation": "sigmoid"}, ["body", "activation"], "'sigmoid' is not allowed"),
    ("an unknown field", lambda: model_bytes()[0], {"cell": "gru"}, ["body", "cell"], "unexpected field"),
])
def test_import_refusals_name_the_key_and_the_reason(client, what, data, fields, loc, words):
    pytest.importorskip("safetensors")
    r = upload(client, data(), **fields)
    assert r.status_code == 422, r.text
    (item,) = r.json()["detail"]
    assert item["loc"] == loc and words in item["msg"], item


def _torch_save() -> bytes:
    import zipfile

    f = io.BytesIO()  # what torch.save writes: a zip holding a pickle
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        z.writestr("archive/version", b"3\n")
    return f.getvalue()


def test_import_needs_a_multipart_file(client):
    r = client.post("/api/import", json={"file": "weights"})
    assert r.status_code == 415 and r.json()["detail"][0]["loc"] == ["header", "content-type"]
    r = client.post("/api/import", data={"activation": "tanh"}, files={"other": ("x", b"")})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "other"]
    r = client.post("/api/import", files={"activation": ("x", b"tanh")}, data={})
    assert r.status_code == 422
    r = client.post("/api/import", content=b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m\"\r\n\r\nabc",
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code in (400, 422) and r.json()["detail"][0]["type"] in ("multipart_invalid", "value_error")
    two = client.post("/api/import", files=[("file", ("a", b"1")), ("file", ("b", b"2"))])
    assert two.status_code == 400 and two.json()["detail"][0]["type"] == "multipart_invalid"


def test_an_upload_over_16_mb_is_refused_before_it_is_read(client):
    r = upload(client, b"\0" * MAX_BODY)  # the file alone is the cap: with the form around it, over
    assert r.status_code == 413 and r.json()["detail"][0]["type"] == "body_too_large"


# --- POST /api/export/pytorch ----------------------------------------------------------------------


def run_script(source: str):
    return subprocess.run([sys.executable, "-c", source], capture_output=True, text=True, timeout=120)


def export(client, body):
    r = client.post("/api/export/pytorch", json=body)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/x-python") and r.text.isascii()
    return r


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_the_exported_script_reproduces_every_number(client, topology, cell, activation):
    pytest.importorskip("torch")
    body = {"topology": topology, "cell": cell, "activation": activation, "hidden_size": 5, "seed": 7,
            "recurrent_scale": 1.1}
    r = export(client, body)
    assert r.headers["content-disposition"] == f'attachment; filename="unroll-{topology}-{cell}-seed7.py"'
    done = run_script(r.text)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "ok", done.stdout + done.stderr
    assert "the loss and dL/dh_t" in done.stdout


@pytest.mark.parametrize("body", [
    {"topology": "seq2seq", "cell": "gru", "teacher_forcing": True},
    {"topology": "many_to_many", "task": "text", "text": TEXT, "inputs": list("the dog")},
    {"topology": "one_to_many", "task": "text", "text": TEXT, "cell": "lstm", "inputs": ["c"], "length": 6},
    {"topology": "many_to_one", "task": "series", "series": [1.0, 4.0, 2.0, 8.0, 5.0, 7.0], "cell": "gru"},
    {"topology": "one_to_many", "task": "vectors", "input_size": 2, "output_size": 2, "inputs": [[0.3, -0.2]],
     "targets": [[0.1, 0.2], [0.3, 0.4]]},
    {"topology": "many_to_many", "task": "vectors", "input_size": 3, "output_size": 2},  # forward only
], ids=["seq2seq teacher forcing", "typed text", "generated text", "series", "vectors fed back", "forward only"])
def test_the_exported_script_of_own_data(client, body):
    pytest.importorskip("torch")
    done = run_script(export(client, body).text)
    assert done.returncode == 0 and done.stdout.splitlines()[-1] == "ok", done.stdout + done.stderr


def test_a_changed_weight_makes_the_script_fail_naming_the_number(client):
    pytest.importorskip("torch")
    script = export(client, {"topology": "many_to_one", "cell": "lstm", "hidden_size": 3, "seed": 1}).text
    bias = script.index("'bias_ih_l0': [", script.index("WEIGHTS = ")) + len("'bias_ih_l0': [")
    changed = script[:bias] + "0.123456" + script[script.index(",", bias):]  # b_ih of gate i, unit 0
    done = run_script(changed)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("h_0[0] differs: PyTorch ") and "Unroll" in done.stdout
    loss_changed = script.replace("'loss': ", "'loss': 1.0 + ", 1)
    done = run_script(loss_changed)
    assert done.returncode == 1 and done.stdout.startswith("the loss L differs"), done.stdout + done.stderr


def test_typed_tokens_stay_data(client):
    """Quotes, backslashes, a newline, a right-to-left override and code typed into a text: the
    script holds them as escaped literals (plain ASCII), the data reads back as typed, and it runs."""
    import ast

    tricky = "a'b\"c\\d\ne\u202ef)\"\"\"; import os #"
    r = export(client, {"topology": "many_to_many", "task": "text", "text": tricky * 2, "inputs": list(tricky)})
    assert "\u202e" not in r.text
    tree = ast.parse(r.text)
    steps = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                 and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "STEPS")
    assert [step["label"] for step in ast.literal_eval(steps)] == list(tricky)
    assert not [node for node in tree.body if isinstance(node, ast.Import) and node.names[0].name == "os"]
    pytest.importorskip("torch")
    done = run_script(r.text)
    assert done.returncode == 0, done.stdout + done.stderr


def test_export_refuses_what_trace_refuses(client):
    r = client.post("/api/export/pytorch", json={"hidden_size": 0})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "hidden_size"]


BAD = [  # (what, path, body, loc, words)
    ("text of 97 characters", "/api/trace", {"topology": "many_to_many", "task": "text", "text": "".join(chr(32 + k) for k in range(97))}, ["body", "text"], "has 97 distinct characters; at most 96"),
    ("text too long", "/api/trace", {"topology": "many_to_many", "task": "text", "text": "ab" * 10_001}, ["body", "text"], "at most 20000 characters"),
    ("text for another task", "/api/trace", {"topology": "many_to_many", "text": "hello"}, ["body", "text"], "read by the task text only"),
    ("a typed character not in the text", "/api/trace", {"topology": "many_to_many", "task": "text", "text": TEXT, "inputs": ["c", "z"]}, ["body", "inputs", 1], "'z' is not in the vocabulary"),
    ("text on seq2seq", "/api/trace", {"topology": "seq2seq", "task": "text"}, ["body", "task"], "allowed ['reverse']"),
    ("a series of one number", "/api/trace", {"topology": "many_to_one", "task": "series", "series": [1.0]}, ["body", "series"], "at least 2"),
    ("a series of 5001 numbers", "/api/trace", {"topology": "many_to_one", "task": "series", "series": [1.0] * 5001}, ["body", "series"], "at most 5000"),
    ("a series with a string", "/api/trace", {"topology": "many_to_one", "task": "series", "series": [1.0, "2"]}, ["body", "series", 1], "valid number"),
    ("a window longer than the series", "/api/trace", {"topology": "many_to_one", "task": "series", "series": [1.0, 2.0, 3.0], "length": 3}, ["body", "length"], "1 to 2"),
    ("input_size 0", "/api/trace", {"task": "vectors", "topology": "many_to_many", "input_size": 0}, ["body", "input_size"], "greater than or equal to 1"),
    ("output_size 257", "/api/trace", {"task": "vectors", "topology": "many_to_many", "output_size": 257}, ["body", "output_size"], "less than or equal to 256"),
    ("kind against the targets", "/api/trace", {"task": "vectors", "topology": "many_to_many", "kind": "regression", "inputs": [[0, 0, 0]], "targets": [1]}, ["body", "kind"], "classification targets"),
    ("a vector of the wrong size", "/api/trace", {"task": "vectors", "topology": "many_to_many", "input_size": 2, "inputs": [[0.0]]}, ["body", "inputs", 0], "2 numbers"),
    ("vectors trained without targets", "/api/train", {"task": "vectors", "topology": "many_to_many", "inputs": [[0, 0, 0]]}, ["body", "targets"], "required to train the vectors task"),
    ("vectors trained without inputs", "/api/train", {"task": "vectors", "topology": "many_to_many"}, ["body", "inputs"], "required to train the vectors task"),
    ("inputs to train a task with a rule", "/api/train", {"topology": "many_to_one", "inputs": ["good"]}, ["body", "inputs"], "only the vectors task trains on given inputs"),
    ("teacher forcing without every target", "/api/trace", {"topology": "one_to_many", "task": "text", "text": "abcab", "inputs": ["b"], "length": 4, "teacher_forcing": True}, ["body", "teacher_forcing"], "output 3 has none"),
    ("temperature 0", "/api/step", {"params": {"W_ih": [[1.0]], "W_hh": [[1.0]], "b_ih": [0.0], "b_hh": [0.0]}, "x": [1.0], "temperature": 0}, ["body", "temperature"], "greater than 0"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_own_data_is_refused_naming_the_field(client, case):
    _, path, body, loc, words = case
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(item["loc"][: len(loc)] == loc for item in detail), detail
    assert any(words in item["msg"] for item in detail), detail

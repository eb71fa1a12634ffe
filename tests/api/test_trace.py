"""POST /api/trace and /api/step: the engine's numbers, exactly, in the shape of docs/api.md."""

import numpy as np
import pytest

from app.engine.cells import CELL_ACTIVATIONS
from app.engine.network import build_network
from app.engine.trace import choose_example, trace
from app.engine.tree import leaves

TOPOLOGIES = ["one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq"]


def post(client, **body):
    r = client.post("/api/trace", json=body)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_trace_is_the_engines_arrays_to_the_last_bit(client, topology, cell, activation):
    data = post(client, topology=topology, cell=cell, activation=activation, hidden_size=5, seed=42)
    net = build_network(topology, cell, activation, 5, seed=42)
    tr = trace(net, choose_example(net, seed=42))
    assert data["loss"] == tr.loss
    assert len(data["steps"]) == len(tr.records)
    for step, r in zip(data["steps"], tr.records, strict=True):
        assert np.array_equal(step["h"], r.h[0]) and np.array_equal(step["x"], r.x[0])
        assert np.array_equal(step["dh"], tr.gradients.dh[r.t, 0])
        assert step["dh_norm"] == tr.dh_norm[r.t]
        if r.y is not None:
            assert np.array_equal(step["y"], r.y[0]) and step["loss"] == r.loss[0]
        if cell == "lstm":
            assert np.array_equal(step["c"], r.c[0]) and np.array_equal(step["dc"], tr.gradients.dc[r.t, 0])
    flat = dict(leaves(data["grads"]))
    for key, g in leaves(tr.gradients.grads):
        assert np.array_equal(flat[key], g), key
    assert data["input_size"] == net.input_size and data["output_size"] == net.output_size


def test_the_documented_shape(client):
    data = post(client, topology="many_to_one", cell="rnn", hidden_size=8, seed=0,
                task="sentiment", inputs=["it", "was", "not", "good"])
    assert {"topology", "cell", "activation", "input_size", "hidden_size", "output_size",
            "params", "steps", "loss", "grads"} <= set(data)
    first, last = data["steps"][0], data["steps"][-1]
    assert first["role"] == "step" and first["x_label"] == "it" and first["c"] is None
    assert first["y"] is first["p"] is first["target"] is first["loss"] is None
    assert set(first["grad_contrib"]) == {"W_ih", "W_hh", "b_ih", "b_hh"}
    assert last["target_label"] == "negative" and last["target"] == 0  # labelled by the task's rule
    assert sum(last["p"]) == pytest.approx(1.0)
    assert set(data["grads"]) == set(data["params"]) == {"W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y"}


def test_any_typed_word_draws_and_many_to_one_steps_carry_readouts(client):
    data = post(client, preset="sentiment-lstm", inputs=["It", "was", "NOT", "terrible,", "and", "the", "film", "was", "Good!"])
    steps = data["steps"]
    assert [s["x_label"] for s in steps] == ["it", "was", "not", "<unk>", "and", "the", "film", "was", "good"]
    assert steps[3]["x"][data["input_vocab"].index("<unk>")] == 1.0 and data["input_vocab"][-1] == "<unk>"
    assert steps[-1]["target_label"] == "positive"  # the 'not' is spent at 'and'
    assert all(len(s["readout"]) == 3 and sum(s["readout"]) == pytest.approx(1.0) for s in steps)
    assert steps[-1]["readout"] == steps[-1]["p"] and all(s["p"] is None for s in steps[:-1])
    assert max(range(3), key=lambda k: steps[2]["readout"][k]) != 2  # ... not: no longer positive
    tagged = post(client, topology="many_to_many", inputs=["Mr.", "Smith", "visited", "London"])
    assert [s["x_label"] for s in tagged["steps"]] == ["mr", "<unk>", "visited", "<unk>"]
    assert [s["target_label"] for s in tagged["steps"]] == ["O", "PER", "O", "O"]
    assert all(s["readout"] is None for s in tagged["steps"])


def test_seq2seq_shape(client):
    data = post(client, topology="seq2seq", cell="gru", hidden_size=4, inputs=["cat", "dog"])
    assert set(data["params"]) == {"encoder", "decoder", "W_hy", "b_y"}
    assert set(data["grads"]["decoder"]) == {"W_ih", "W_hh", "b_ih", "b_hh"}
    assert [s["role"] for s in data["steps"]] == ["encoder"] * 2 + ["decoder"] * 2
    assert [s["t"] for s in data["steps"]] == [0, 1, 2, 3]
    assert data["steps"][2]["x_label"] == "<start>" and data["steps"][2]["x"] == [0.0] * 7
    assert set(data["steps"][0]["gates"]) == {"r", "z", "n"}


def test_tokens_and_one_hot_vectors_give_the_same_trace(client):
    tokens = post(client, topology="many_to_many", hidden_size=4, inputs=["mr", "jordan", "met", "ms", "paris"])
    vectors = post(client, topology="many_to_many", hidden_size=4,
                   inputs=[s["x"] for s in tokens["steps"]])
    assert vectors["loss"] == tokens["loss"] and vectors["steps"][1]["x_label"] == "jordan"
    targets = [s["target_label"] for s in tokens["steps"]]
    assert targets == ["O", "PER", "O", "O", "PER"]
    halfway = [[v * 0.5 for v in s["x"]] for s in tokens["steps"]]  # not one-hot: needs targets
    r = client.post("/api/trace", json={"topology": "many_to_many", "inputs": halfway})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "targets"]
    given = post(client, topology="many_to_many", hidden_size=4, inputs=halfway, targets=targets)
    assert given["steps"][0]["x_label"] is None


def test_params_from_a_response_reproduce_it(client):
    first = post(client, topology="seq2seq", cell="lstm", hidden_size=3, seed=5, length=4)
    inputs = [s["x_label"] for s in first["steps"] if s["role"] == "encoder"]
    again = post(client, topology="seq2seq", cell="lstm", hidden_size=3, seed=999, params=first["params"],
                 inputs=inputs, recurrent_scale=9.0)  # given params: seed and recurrent_scale do not touch them
    assert again["loss"] == first["loss"] and again["grads"] == first["grads"]


def test_length_and_seed(client):
    data = post(client, topology="many_to_one", length=37, seed=3)
    assert len(data["steps"]) == 37
    wave = post(client, topology="one_to_many", length=20, seed=3)
    assert len(wave["steps"]) == 20 and wave["steps"][0]["p"] is None
    assert post(client, topology="many_to_one", seed=3) == post(client, topology="many_to_one", seed=3)
    longest = post(client, topology="seq2seq", length=250)
    assert len(longest["steps"]) == 500


def test_teacher_forcing_feeds_targets(client):
    body = {"topology": "seq2seq", "hidden_size": 4, "seed": 1, "inputs": ["cat", "dog", "red", "big"]}
    forced = post(client, **body, teacher_forcing=True)
    assert [s["x_label"] for s in forced["steps"][4:]] == ["<start>", "big", "red", "dog"]
    free = post(client, **body)
    predicted = [free["output_vocab"][int(np.argmax(s["y"]))] for s in free["steps"][4:7]]
    assert [s["x_label"] for s in free["steps"][5:]] == predicted


def test_presets_trace(client):
    data = post(client, preset="reverse-lstm", inputs=["cat", "dog", "red", "big"])
    assert data["hidden_size"] == 32 and data["cell"] == "lstm"
    assert [s["x_label"] for s in data["steps"][5:]] == ["big", "red", "dog"]
    conflict = client.post("/api/trace", json={"preset": "reverse-lstm", "cell": "gru"})
    assert conflict.status_code == 422 and conflict.json()["detail"][0]["loc"] == ["body", "cell"]


def test_diverged_is_a_422_naming_the_step(client):
    r = client.post("/api/trace", json={"topology": "many_to_many", "activation": "relu", "hidden_size": 16,
                                        "recurrent_scale": 10.0, "length": 500})
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["type"] == "diverged" and item["step"] == 324 and "step 324" in item["msg"]
    big = post(client, topology="many_to_many", activation="relu", hidden_size=16, recurrent_scale=3.0,
               length=500)  # ~1e214: finite, so returned as it is
    assert max(abs(v) for v in big["steps"][-1]["h"]) > 1e150


@pytest.mark.parametrize("topology", ["many_to_many", "seq2seq"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_stepping_with_api_step_reproduces_the_trace_exactly(client, topology, cell, activation):
    data = post(client, topology=topology, cell=cell, activation=activation, hidden_size=4, seed=8, length=4)
    h = c = None
    for s in data["steps"]:
        part = data["params"].get(s["role"], data["params"])
        params = {k: part[k] for k in ("W_ih", "W_hh", "b_ih", "b_hh")}
        if s["y"] is not None:
            params |= {"W_hy": data["params"]["W_hy"], "b_y": data["params"]["b_y"]}
        body = {"cell": cell, "activation": activation, "params": params, "x": s["x"]}
        if h is not None:
            body |= {"h": h} | ({"c": c} if cell == "lstm" else {})
        r = client.post("/api/step", json=body)
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["h"] == s["h"] and out["c"] == s["c"] and out["gates"] == s["gates"]
        assert out["y"] == s["y"] and out["p"] == s["p"]
        h, c = out["h"], out["c"]


def test_the_same_request_gives_the_same_bytes_in_every_process(client):
    """Bit for bit on one machine (docs/maths.md §Exact): asked twice, and asked of a fresh
    process as another worker of the same server would be, an answer is the same bytes."""
    import subprocess
    import sys

    body = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 6, "seed": 11, "length": 7}
    first = client.post("/api/trace", json=body).content
    assert client.post("/api/trace", json=body).content == first
    other_worker = subprocess.run(
        [sys.executable, "-c", "import json, sys; from fastapi.testclient import TestClient; "
         "from app.main import create_app; "
         "sys.stdout.buffer.write(TestClient(create_app()).post('/api/trace', json=json.loads(sys.argv[1])).content)",
         __import__("json").dumps(body)],
        capture_output=True, check=True,
    )
    assert other_worker.stdout == first

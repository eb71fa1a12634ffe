"""POST /api/train: streamed progress, trained params, bounds, and stopping on disconnect."""

import json
import time
from contextlib import ExitStack

import httpx

from app.engine.network import build_network
from app.engine.train import evaluate


def test_streams_progress_then_params_that_lower_the_loss(client):
    config = {"topology": "many_to_one", "cell": "gru", "hidden_size": 12, "seed": 4}
    with client.stream("POST", "/api/train", json={**config, "steps": 200, "learning_rate": 0.02}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in r.iter_lines() if line]
    progress, done = lines[:-1], lines[-1]
    assert [p["step"] for p in progress] == list(range(1, 201))
    assert all(p["type"] == "progress" and {"loss", "accuracy", "grad_norm"} <= set(p) for p in progress)
    assert done["type"] == "done" and done["steps"] == 200
    before = evaluate(build_network(**config), examples=300, seed=77)
    after = evaluate(build_network(**config, params=done["params"]), examples=300, seed=77)
    assert after["loss"] < 0.5 * before["loss"] and after["accuracy"] > before["accuracy"]
    assert 0 <= done["metrics"]["accuracy"] <= 1


def test_starts_from_given_params(client):
    preset = client.get("/api/presets/sentiment-rnn").json()
    with client.stream("POST", "/api/train", json={**preset["config"], "params": preset["params"],
                                                   "steps": 3}) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert lines[0]["accuracy"] > 0.9  # already trained from the first step


def training_jobs(url):
    return httpx.get(f"{url}/api/health").json()["jobs"]["training"]


def test_closing_the_connection_stops_the_training(live_url):
    body = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 64, "steps": 5000, "seconds": 100,
            "batch_size": 64}  # would run for about a minute if nothing stopped it
    with httpx.Client(timeout=30) as http, http.stream("POST", f"{live_url}/api/train", json=body) as r:
        lines = r.iter_lines()
        assert json.loads(next(lines))["step"] == 1
        assert json.loads(next(lines))["step"] == 2
        assert training_jobs(live_url) == 1
    # the connection is closed; poll until the training thread has ended (well before a minute)
    for _ in range(300):
        if training_jobs(live_url) == 0:
            break
        time.sleep(0.05)
    assert training_jobs(live_url) == 0


def test_overflow_in_training_is_an_error_line_never_null(client):
    """Gradients too large to square in float64 still give a finite norm (so clipping works);
    a loss that overflows ends the stream with an error line naming the training step."""
    body = {"topology": "one_to_many", "activation": "relu", "recurrent_scale": 5, "steps": 2,
            "hidden_size": 128, "length": 200, "batch_size": 8}
    with client.stream("POST", "/api/train", json=body) as r:
        text = r.read().decode()
    assert "null" not in text.split('"params"')[0]
    crafted = {"W_ih": [[0.1], [0.1]], "W_hh": [[0, 0], [0, 0]], "b_ih": [0, 0], "b_hh": [0, 0],
               "W_hy": [[0, 0]], "b_y": [2e154]}  # each loss_t about (2e154)² = 4e308: past float64
    with client.stream("POST", "/api/train", json={"topology": "one_to_many", "hidden_size": 2, "steps": 2,
                                                   "params": crafted}) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert lines[-1]["type"] == "error" and lines[-1]["step"] == 1 and lines[-1]["timestep"] >= 0
    assert "loss overflowed float64" in lines[-1]["detail"]


def test_metrics_are_measured_on_the_length_trained_on_and_never_lose_the_params(client):
    with client.stream("POST", "/api/train", json={"topology": "many_to_one", "length": 40, "steps": 2}) as r:
        done = [json.loads(line) for line in r.iter_lines() if line][-1]
    assert done["type"] == "done" and done["metrics"]["length"] == 40
    # Fed its own targets in training the values stay below 1e240; fed its own predictions on
    # fresh examples they overflow. The trained params still arrive, with the reason.
    huge = {"W_ih": [[1e60]], "W_hh": [[0.0]], "b_ih": [0.0], "b_hh": [0.0], "W_hy": [[1e60]], "b_y": [0.0]}
    body = {"topology": "one_to_many", "activation": "relu", "hidden_size": 1, "length": 3, "steps": 2,
            "params": huge}
    with client.stream("POST", "/api/train", json=body) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert [line["type"] for line in lines] == ["progress", "progress", "done"]
    assert "overflowed float64" in lines[-1]["metrics"]["diverged"] and len(lines[-1]["params"]["W_ih"]) == 1


def test_squared_errors_that_add_up_past_float64_still_give_a_finite_r2(client):
    """Each loss_t is finite (~1e305) and the squared errors behind R² add up past float64: their
    mean is finite, and so is R² (a huge negative number), never null."""
    crafted = {"W_ih": [[0], [0]], "W_hh": [[0, 0], [0, 0]], "b_ih": [0, 0], "b_hh": [0, 0],
               "W_hy": [[0, 0]], "b_y": [3.2e152]}
    body = {"topology": "one_to_many", "hidden_size": 2, "steps": 1, "batch_size": 1,
            "learning_rate": 1e-9, "params": crafted}
    with client.stream("POST", "/api/train", json=body) as r:
        text = r.read().decode()
    assert "null" not in text and "Infinity" not in text and "NaN" not in text
    last = json.loads(text.strip().splitlines()[-1])
    assert last["type"] == "done" and -1e308 < last["metrics"]["r2"] < -1e300


def test_a_training_waits_for_a_free_thread_and_a_client_that_left_is_skipped(live_url):
    long = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 64, "steps": 5000, "seconds": 100,
            "batch_size": 64}
    with httpx.Client(timeout=30) as http:
        running = [http.stream("POST", f"{live_url}/api/train", json=long) for _ in range(2)]
        lines = [r.__enter__().iter_lines() for r in running]  # kept, or closing them ends the stream
        for stream_lines in lines:
            next(stream_lines)  # both threads are training
        with http.stream("POST", f"{live_url}/api/train", json=long) as waiting:
            assert waiting.status_code == 200 and training_jobs(live_url) == 3  # 2 running, 1 waiting
        for r in running:
            r.__exit__(None, None, None)
    for _ in range(300):
        if training_jobs(live_url) == 0:
            break
        time.sleep(0.05)
    assert training_jobs(live_url) == 0  # the one that waited never trained: its client had left


def test_a_waiting_training_hears_its_place_at_once_then_trains(live_url):
    long = {"topology": "many_to_many", "cell": "gru", "hidden_size": 48, "steps": 5000, "seconds": 60,
            "batch_size": 48}
    short = {"topology": "one_to_one", "hidden_size": 3, "steps": 3, "batch_size": 2}
    with httpx.Client(timeout=30) as http, ExitStack() as running:
        kept = []  # a line iterator dropped closes its stream
        for _ in range(2):  # both training threads busy
            r = running.enter_context(http.stream("POST", f"{live_url}/api/train", json=long))
            kept.append(r.iter_lines())
            assert json.loads(next(kept[-1]))["type"] == "progress"
        with http.stream("POST", f"{live_url}/api/train", json=short) as first, \
                http.stream("POST", f"{live_url}/api/train", json=short) as second:
            first_lines, second_lines = first.iter_lines(), second.iter_lines()
            assert json.loads(next(first_lines)) == {"type": "queued", "position": 1}
            assert json.loads(next(second_lines)) == {"type": "queued", "position": 2}
            assert json.loads(next(second_lines)) == {"type": "queued", "position": 2}  # again while it waits
            running.close()  # both threads free up: the waiting ones train
            rest = [json.loads(line) for line in first_lines if line]
            assert [line["type"] for line in rest[-2:]] == ["progress", "done"]
            assert {line["type"] for line in rest} <= {"queued", "progress", "done"}
            rest = [json.loads(line) for line in second_lines if line]
            assert rest[-1]["type"] == "done"


BIG = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 224, "length": 240, "batch_size": 1}


def test_the_scoring_keeps_to_seconds_and_stops_when_the_client_leaves(live_url):
    started = time.monotonic()
    with httpx.Client(timeout=60) as http:
        with http.stream("POST", f"{live_url}/api/train", json={**BIG, "steps": 2, "seconds": 0.4}) as r:
            lines = [json.loads(line) for line in r.iter_lines() if line]
        assert lines[-1]["type"] == "done" and 1 <= lines[-1]["metrics"]["examples"] < 200
        assert time.monotonic() - started < 20  # one chunk of scoring past the deadline, not 200 examples
        with http.stream("POST", f"{live_url}/api/train", json={**BIG, "steps": 1, "seconds": 60}) as r:
            assert json.loads(next(r.iter_lines()))["type"] == "progress"  # now scoring, for seconds
        left = time.monotonic()
        while training_jobs(live_url) and time.monotonic() - left < 20:
            time.sleep(0.05)
        assert training_jobs(live_url) == 0  # stopped between two chunks, long before 200 examples


def test_a_regression_task_says_its_accuracy_is_r2(client):
    with client.stream("POST", "/api/train", json={"topology": "one_to_many", "hidden_size": 3, "steps": 2}) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert [line["metric"] for line in lines[:-1]] == ["r2", "r2"] and lines[-1]["metrics"]["metric"] == "r2"
    with client.stream("POST", "/api/train", json={"topology": "many_to_one", "hidden_size": 3, "steps": 1}) as r:
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert lines[0]["metric"] == "accuracy" and lines[-1]["metrics"]["metric"] == "accuracy"
    presets = {p["id"]: p["metric"] for p in client.get("/api/presets").json()}
    assert presets["sine_wave-gru"] == "r2" and presets["sentiment-gru"] == "accuracy"
    assert client.get("/api/presets/sine_wave-lstm").json()["metric"] == "r2"
    assert "R²" in client.get("/openapi.json").json()["info"]["description"]

"""POST /api/train as a page reads it: snapshots of the weights, the same stream for the same
request (queued or not, cut by `seconds` or not), and a server that goes idle when the page stops."""

import json
import time
from contextlib import ExitStack

import httpx
import pytest

from app.api import training as training_route
from app.api.training import SnapshotClock

SMALL = {"topology": "many_to_one", "cell": "gru", "hidden_size": 6, "seed": 3, "batch_size": 8,
         "learning_rate": 0.02}
# Keeps a trainer busy for about a minute unless its client leaves (then it stops within a step).
LONG = {"topology": "many_to_many", "cell": "gru", "hidden_size": 48, "steps": 5000, "seconds": 60,
        "batch_size": 48}


def stream(client, body) -> list[dict]:
    with client.stream("POST", "/api/train", json=body) as r:
        assert r.status_code == 200
        return [json.loads(line) for line in r.iter_lines() if line]


def trained(lines: list[dict]) -> list[dict]:
    """The lines a request decides: without `queued` and `snapshot` lines, which time decides
    (another test's training may still hold a trainer for a moment)."""
    return [line for line in lines if line["type"] not in ("queued", "snapshot")]


@pytest.fixture
def snapshot_every_step(monkeypatch):
    monkeypatch.setattr(training_route, "SNAPSHOT_SECONDS", 0.0)
    monkeypatch.setattr(training_route, "SNAPSHOT_BYTES_PER_SECOND", float("inf"))


def test_a_snapshot_holds_exactly_the_params_of_a_training_of_that_many_steps(client, snapshot_every_step):
    lines = [line for line in stream(client, {**SMALL, "steps": 6}) if line["type"] != "queued"]
    assert [(line["type"], line.get("step")) for line in lines] == [
        *[(kind, k) for k in range(1, 6) for kind in ("progress", "snapshot")],
        ("progress", 6), ("done", None),  # no snapshot at the last step: `done` has its params
    ]
    snapshots = {line["step"]: line["params"] for line in lines if line["type"] == "snapshot"}
    assert set(snapshots[1]) == {"W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y"}
    for steps in (1, 4, 5):
        done = trained(stream(client, {**SMALL, "steps": steps}))[-1]
        assert done["type"] == "done" and done["steps"] == steps
        assert snapshots[steps] == done["params"]  # every float as sent, to the last bit
    assert snapshots[4] != snapshots[5]


def test_snapshots_come_every_two_seconds_or_slower_for_large_networks():
    now = [100.0]
    clock = SnapshotClock(clock=lambda: now[0])
    assert not clock.due()
    now[0] = 101.99
    assert not clock.due()
    now[0] = 102.0
    assert clock.due()
    clock.sent(4_000)  # a small network's few kB: the next in 2 s
    now[0] = 103.9
    assert not clock.due()
    now[0] = 104.0
    assert clock.due()
    clock.sent(12_000_000)  # the largest network: 12 MB at 500 kB/s, the next in 24 s
    now[0] = 127.9
    assert not clock.due()
    now[0] = 128.0
    assert clock.due()


def test_the_same_request_streams_the_same_progress_and_params(client):
    body = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 5, "seed": 11, "steps": 25, "batch_size": 6}
    first, second = trained(stream(client, body)), trained(stream(client, body))
    progress = [line for line in first if line["type"] == "progress"]
    assert len(progress) == 25 and first == second
    assert first[-1]["type"] == "done" and len(first) == 26  # params and metrics the same
    other = stream(client, {**body, "seed": 12})
    assert [line for line in other if line["type"] == "progress"] != progress


def test_a_training_cut_by_seconds_stops_at_a_step_boundary_and_says_how_many_ran(client):
    big = {"topology": "many_to_many", "cell": "lstm", "hidden_size": 64, "batch_size": 64, "seed": 2}
    cut = trained(stream(client, {**big, "steps": 5000, "seconds": 0.5}))
    done = cut[-1]
    assert done["type"] == "done" and 1 <= done["steps"] < 5000
    assert [line["step"] for line in cut if line["type"] == "progress"] == list(range(1, done["steps"] + 1))
    whole = trained(stream(client, {**big, "steps": done["steps"], "seconds": 120}))
    assert whole[-1]["steps"] == done["steps"] and whole[-1]["params"] == done["params"]
    assert [line for line in whole if line["type"] == "progress"] == [line for line in cut if line["type"] == "progress"]


def jobs(url) -> int:
    return httpx.get(f"{url}/api/health").json()["jobs"]["training"]


def test_a_training_that_waited_in_the_queue_streams_what_it_would_have_streamed(live_url, client):
    body = {**SMALL, "steps": 30}
    alone = trained(stream(client, body))
    with httpx.Client(timeout=60) as http, ExitStack() as streams:
        busy, kept = [], []  # a line iterator dropped closes its stream: keep them
        for _ in range(2):  # both trainers busy
            r = streams.enter_context(http.stream("POST", f"{live_url}/api/train", json=LONG))
            busy.append(r)
            kept.append(r.iter_lines())
            assert json.loads(next(kept[-1]))["type"] == "progress"
        waiting = streams.enter_context(http.stream("POST", f"{live_url}/api/train", json=body))
        lines = waiting.iter_lines()
        assert json.loads(next(lines)) == {"type": "queued", "position": 1}
        for r in busy:
            r.close()  # the long trainings' clients leave: the trainers free up
        queued = [json.loads(line) for line in lines if line]
    assert {line["type"] for line in queued} <= {"queued", "progress", "done"}
    assert [line for line in queued if line["type"] != "queued"] == alone


def test_the_server_goes_idle_soon_after_the_page_stops_mid_training(live_url, snapshot_every_step):
    """Stop in the page closes the stream, while the server is sending snapshots of a large network:
    the training thread ends within a step, and /api/health says so within a few polls."""
    body = {"topology": "many_to_many", "cell": "lstm", "hidden_size": 128, "steps": 5000, "seconds": 100,
            "batch_size": 32}  # a 1.4 MB snapshot after every step, for minutes if nothing stopped it
    assert jobs(live_url) == 0
    with httpx.Client(timeout=60) as http, http.stream("POST", f"{live_url}/api/train", json=body) as r:
        lines = r.iter_lines()
        kinds = [json.loads(next(lines))["type"] for _ in range(6)]
        assert kinds == ["progress", "snapshot"] * 3
        assert jobs(live_url) == 1
    polls = 0
    while jobs(live_url) and polls < 100:  # 100 polls 20 ms apart: 2 s, many steps' worth
        polls += 1
        time.sleep(0.02)
    assert jobs(live_url) == 0, f"still training after {polls} polls"


def test_settings_left_out_are_the_tasks_own(client):
    from app.engine.config import TASK_TRAINING

    assert TASK_TRAINING["reverse"].batch_size == 88 and TASK_TRAINING["sine_wave"].learning_rate == 0.03
    for topology, task in (("seq2seq", "reverse"), ("one_to_many", "sine_wave")):
        own = TASK_TRAINING[task]
        body = {"topology": topology, "hidden_size": 3, "steps": 3}
        explicit = {**body, "learning_rate": own.learning_rate, "batch_size": own.batch_size}
        assert trained(stream(client, body)) == trained(stream(client, explicit))
        assert trained(stream(client, {**body, "learning_rate": None})) == trained(stream(client, explicit))
        other = trained(stream(client, {**explicit, "learning_rate": 0.002}))
        assert other[1] != trained(stream(client, explicit))[1]  # step 2 follows another step 1
    done = trained(stream(client, {"topology": "seq2seq", "hidden_size": 2}))[-1]
    assert done["type"] == "done" and done["steps"] == TASK_TRAINING["reverse"].steps == 2000

"""The API's answers against answers recorded in `recorded.json`, on any CPU.

A refactoring must not change a number or a key the API sends. Each case is a request and the
exact text of its answer, recorded on one machine. Keys and their order, strings, integers,
nulls, booleans and the sign of zero must be the same; floats must agree within 1e-10 of their
row's largest magnitude (tests/close.py), because NumPy's `tanh` and `exp` differ in the last
bit between CPUs (docs/maths.md §Exact): the two code paths measured here differ by at most
1.3e-12 of a row's scale, and a real change to the maths differs by far more. That the same
request gives the same bytes on one machine, in every process, is tested in tests/api/test_trace.py.
The fields added since the recording (`ADDED_SINCE`) are set aside before comparing.

Record anew (only when an answer is meant to change): `python -m tests.api.test_recorded`.
"""

import json
from pathlib import Path

import pytest

from tests.close import differences

RECORDED = Path(__file__).with_name("recorded.json")
ADDED_SINCE = {"metric", "feeds_back", "training_defaults"}  # fields the answers gained after the recording

STEP_RNN = {"W_ih": [[0.5, -0.3], [0.2, 0.1]], "W_hh": [[0.8, -0.1], [0.3, 0.4]], "b_ih": [0.1, 0.0],
            "b_hh": [-0.2, 0.05]}
STEP_LSTM = {"W_ih": [[0.1 * (k - 3)] for k in range(8)], "W_hh": [[0.05 * k, -0.02 * k] for k in range(8)],
             "b_ih": [0.01 * k for k in range(8)], "b_hh": [-0.01 * k for k in range(8)]}
STEP_GRU = {"W_ih": [[0.1 * (k - 2), 0.2] for k in range(3)], "W_hh": [[0.3 - 0.1 * k] for k in range(3)],
            "b_ih": [0.0, 0.1, -0.1], "b_hh": [0.2, 0.0, 0.1]}

# (name, method, path, body)
CASES = [
    ("topologies", "GET", "/api/topologies", None),
    ("tasks", "GET", "/api/tasks", None),
    ("presets", "GET", "/api/presets", None),
    ("preset same_sign-rnn", "GET", "/api/presets/same_sign-rnn", None),
    ("trace one_to_one rnn", "POST", "/api/trace", {"topology": "one_to_one", "hidden_size": 3, "seed": 5}),
    ("trace one_to_many lstm", "POST", "/api/trace",
     {"topology": "one_to_many", "cell": "lstm", "hidden_size": 3, "seed": 6, "length": 4}),
    ("trace many_to_one gru typed", "POST", "/api/trace",
     {"topology": "many_to_one", "cell": "gru", "hidden_size": 4, "seed": 7,
      "inputs": ["it", "was", "not", "good"]}),
    ("trace many_to_many rnn relu scaled", "POST", "/api/trace",
     {"topology": "many_to_many", "cell": "rnn", "activation": "relu", "hidden_size": 4, "seed": 8,
      "length": 5, "recurrent_scale": 1.5}),
    ("trace seq2seq lstm", "POST", "/api/trace",
     {"topology": "seq2seq", "cell": "lstm", "hidden_size": 3, "seed": 9, "length": 3}),
    ("trace seq2seq gru teacher forcing", "POST", "/api/trace",
     {"topology": "seq2seq", "cell": "gru", "hidden_size": 2, "seed": 10, "teacher_forcing": True,
      "inputs": ["cat", "dog", "red"]}),
    ("trace preset same_sign-rnn", "POST", "/api/trace", {"preset": "same_sign-rnn", "seed": 3}),
    ("step rnn with output", "POST", "/api/step",
     {"cell": "rnn", "params": STEP_RNN | {"W_hy": [[1.0, -1.0], [0.5, 0.5], [0.0, 2.0]],
                                           "b_y": [0.0, 0.1, -0.1]}, "x": [1.0, -0.5], "h": [0.2, -0.3]}),
    ("step lstm with c", "POST", "/api/step",
     {"cell": "lstm", "params": STEP_LSTM, "x": [0.7], "h": [0.1, -0.2], "c": [0.3, 0.4]}),
    ("step gru regression", "POST", "/api/step",
     {"cell": "gru", "kind": "regression", "params": STEP_GRU | {"W_hy": [[2.0]], "b_y": [0.5]},
      "x": [0.3, -0.6]}),
    ("train many_to_one rnn", "POST", "/api/train",
     {"topology": "many_to_one", "hidden_size": 3, "seed": 2, "steps": 3, "batch_size": 4,
      "learning_rate": 0.01}),  # as recorded: the task's own default has changed since
    ("train one_to_many gru", "POST", "/api/train",
     {"topology": "one_to_many", "cell": "gru", "hidden_size": 2, "seed": 1, "steps": 2, "batch_size": 2,
      "length": 3}),
]


def answer(client, method, path, body) -> str:
    r = client.request(method, path, json=body)
    assert r.status_code == 200, r.text[:500]
    return r.text


def _without_added(value):
    if isinstance(value, dict):
        return {k: _without_added(v) for k, v in value.items() if k not in ADDED_SINCE}
    if isinstance(value, list):
        return [_without_added(v) for v in value]
    return value


def documents(text: str) -> list:
    """Each JSON document in `text` (one, or one a line for a stream) without the added field."""
    return [_without_added(json.loads(line)) for line in text.splitlines() if line]


@pytest.fixture(scope="module")
def recorded():
    return json.loads(RECORDED.read_text())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_answer_is_the_recorded_one(client, recorded, case):
    name, method, path, body = case
    assert recorded[name]["request"] == [method, path, body], "the case changed: record anew"
    now = answer(client, method, path, body)
    problems = differences(documents(now), documents(recorded[name]["answer"]))
    assert not problems, problems[:10]


def record():
    from fastapi.testclient import TestClient

    from app.main import create_app

    with TestClient(create_app()) as client:
        data = {name: {"request": [method, path, body], "answer": answer(client, method, path, body)}
                for name, method, path, body in CASES}
    RECORDED.write_text(json.dumps(data, indent=1) + "\n")
    print(f"recorded {len(data)} answers in {RECORDED} ({RECORDED.stat().st_size} bytes)")


if __name__ == "__main__":
    record()

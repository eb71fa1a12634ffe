"""Property-based fuzzing of the request schemas: whatever arrives, never a 5xx.

schemathesis generates requests from /openapi.json for every endpoint but training (whose valid
requests may legitimately run for a minute); a hypothesis strategy fuzzes training with small
step counts, and throws arbitrary JSON at every POST endpoint.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.main import create_app

APP = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@schema.exclude(path="/api/train").parametrize()
@FUZZ
def test_schema_driven_requests_never_500(case):
    response = case.call()
    assert response.status_code < 500, response.text[:500]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
TRACE_FIELDS = ["topology", "cell", "activation", "hidden_size", "seed", "task", "recurrent_scale",
                "teacher_forcing", "inputs", "targets", "length", "params", "preset"]
plausible = {
    "topology": st.sampled_from(["one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq", "x"]),
    "cell": st.sampled_from(["rnn", "lstm", "gru", "RNN"]),
    "activation": st.sampled_from(["tanh", "relu", ""]),
    "hidden_size": st.integers(-2, 300),
    "seed": st.integers(-1, 2**33),
    "length": st.integers(-1, 600) | st.none(),
    "recurrent_scale": st.floats(0, 100) | st.none(),
    "teacher_forcing": st.booleans(),
    "inputs": st.lists(st.sampled_from(["the", "movie", "not", "good", "cat", "mr", "zzz"]), max_size=8)
    | st.lists(st.lists(st.floats(-2, 2), min_size=1, max_size=3), max_size=4),
}
trace_bodies = st.fixed_dictionaries({}, optional={f: plausible.get(f, json_values) for f in TRACE_FIELDS})


@given(body=trace_bodies)
@FUZZ
def test_plausible_trace_requests_never_500(client, body):
    r = client.post("/api/trace", json=body)
    assert r.status_code in (200, 422), r.text[:500]


@given(body=st.fixed_dictionaries({"steps": st.integers(-1, 3)}, optional={
    "topology": plausible["topology"], "cell": plausible["cell"], "hidden_size": st.integers(-1, 40),
    "learning_rate": st.floats(-1, 2) | json_values, "batch_size": st.integers(-1, 8),
    "length": st.integers(-1, 30) | st.none(), "seconds": st.floats(-1, 2), "params": json_values}))
@FUZZ
def test_train_requests_never_500(client, body):
    with client.stream("POST", "/api/train", json=body) as r:
        assert r.status_code in (200, 422), r.read()
        if r.status_code == 200:
            assert json.loads(list(r.iter_lines())[-1])["type"] in ("done", "error")


@pytest.mark.parametrize("path", ["/api/trace", "/api/step", "/api/train", "/api/export/pytorch"])
@given(value=json_values)
@FUZZ
def test_arbitrary_json_never_500(client, path, value):
    assume(not (path == "/api/train" and value == {}))  # a valid request: 300 steps of training
    r = client.post(path, content=json.dumps(value), headers={"content-type": "application/json"})
    assert r.status_code in (200, 400, 422), r.text[:500]


safetensors_like = st.builds(
    lambda header, data, size: (size if size is not None else len(header)).to_bytes(8, "little") + header + data,
    st.dictionaries(st.text(max_size=20), st.fixed_dictionaries({}, optional={
        "dtype": st.sampled_from(["F32", "F64", "F16", "BF16", "I64", ""]),
        "shape": st.lists(st.integers(-2, 9), max_size=3),
        "data_offsets": st.lists(st.integers(-4, 400), max_size=3)}), max_size=6).map(
        lambda d: json.dumps(d).encode()),
    st.binary(max_size=400), st.none() | st.integers(0, 2**64 - 1))


@given(data=st.binary(max_size=600) | safetensors_like, activation=st.sampled_from(["tanh", "relu", "x", None]))
@FUZZ
def test_any_uploaded_file_never_500(client, data, activation):
    fields = {} if activation is None else {"activation": activation}
    r = client.post("/api/import", files={"file": ("model", data)}, data=fields)
    assert r.status_code in (200, 400, 422), r.text[:500]

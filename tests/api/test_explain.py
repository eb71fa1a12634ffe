"""POST /api/explain: the names of docs/api.md, the trace's own numbers to the last bit, and a
422 naming `t` for a step the trace does not have."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.cells import CELL_ACTIVATIONS, CELLS
from app.engine.explain import explain
from app.engine.network import build_network
from app.engine.trace import choose_example, trace

BLOCKS = {"rnn": ["h"], "lstm": ["i", "f", "g", "o"], "gru": ["r", "z", "n"]}
FORWARD = {"x", "h_prev", "c_prev", "c", "h", "y", "p", "target", "loss"}
BACKWARD = {"dh", "dh_out", "dh_next", "dc", "dh_prev", "dc_prev", "shrink"}


def post(client, path="/api/explain", **body):
    r = client.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_block_names_are_the_documented_ones():
    assert {cell: list(c.block_names) for cell, c in CELLS.items()} == BLOCKS


@pytest.mark.parametrize("topology", ["many_to_one", "many_to_many", "seq2seq", "one_to_many"])
@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_the_trace_numbers_exactly(client, topology, cell, activation):
    body = {"topology": topology, "cell": cell, "activation": activation, "hidden_size": 4, "seed": 8}
    steps = post(client, "/api/trace", **body)["steps"]
    T = len(steps)
    for t in sorted({0, 1, T // 2, T - 1}):
        e = post(client, **body, t=t)
        s = steps[t]
        assert (e["t"], e["role"], e["cell"], e["blocks"]) == (t, s["role"], cell, BLOCKS[cell])
        f, b = e["forward"], e["backward"]
        names = {f"{term}_{k}" for k in BLOCKS[cell] for term in ("Wx", "Wh", "bx", "bh", "a")}
        assert set(f) == FORWARD | names | set(BLOCKS[cell])
        assert set(b) == BACKWARD | {f"da_{k}" for k in BLOCKS[cell]}
        assert f["x"] == s["x"] and f["h"] == s["h"] and f["c"] == s["c"]
        assert (f["y"], f["p"], f["target"], f["loss"]) == (s["y"], s["p"], s["target"], s["loss"])
        for name, gate in (s["gates"] or {}).items():
            assert f[name] == gate
        assert b["dh"] == s["dh"] and b["dc"] == s["dc"]
        assert [o + n for o, n in zip(b["dh_out"], b["dh_next"], strict=True)] == b["dh"]
        assert f["h_prev"] == (steps[t - 1]["h"] if t else [0.0] * 4)
        if cell == "lstm":
            assert f["c_prev"] == (steps[t - 1]["c"] if t else [0.0] * 4)
        else:
            assert f["c_prev"] is f["c"] is b["dc"] is b["dc_prev"] is None
        assert [link["k"] for link in e["chain"]] == list(range(t - 1, -1, -1))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_what_a_step_sends_back_is_what_the_step_before_was_handed(client, cell):
    body = {"topology": "seq2seq", "cell": cell, "hidden_size": 3, "seed": 2, "length": 3}
    answers = [post(client, **body, t=t) for t in range(len(post(client, "/api/trace", **body)["steps"]))]
    for before, after in zip(answers, answers[1:], strict=False):
        assert after["backward"]["dh_prev"] == before["backward"]["dh_next"]  # across the hand-over too
    assert [a["role"] for a in answers] == ["encoder"] * 3 + ["decoder"] * 3


def test_the_api_answers_what_the_engine_computes(client):
    body = {"topology": "many_to_many", "cell": "lstm", "hidden_size": 5, "seed": 4}
    e = post(client, **body, t=3)
    net = build_network("many_to_many", "lstm", "tanh", 5, seed=4)
    ours = explain(trace(net, choose_example(net, seed=4)), 3)
    assert e["forward"]["a_f"] == ours.forward["a_f"].tolist()
    assert e["backward"]["da_o"] == ours.backward["da_o"].tolist()
    assert e["backward"]["shrink"] == ours.backward["shrink"]
    assert e["chain"] == [{"k": link.k, "factor": link.factor, "product": link.product} for link in ours.chain]


@pytest.mark.parametrize("cell,activation", CELL_ACTIVATIONS)
def test_api_step_reproduces_an_explained_step(client, cell, activation):
    """/api/step from the explained step's h_prev (and c_prev) gives its h, c and gates."""
    body = {"topology": "many_to_many", "cell": cell, "activation": activation, "hidden_size": 4, "seed": 1}
    params = post(client, "/api/trace", **body)["params"]
    e = post(client, **body, t=2)
    f = e["forward"]
    step = {"cell": cell, "activation": activation, "x": f["x"], "h": f["h_prev"],
            "params": {k: params[k] for k in ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")}}
    if cell == "lstm":
        step["c"] = f["c_prev"]
    out = post(client, "/api/step", **step)
    assert out["h"] == f["h"] and out["c"] == f["c"] and out["y"] == f["y"] and out["p"] == f["p"]
    for name, gate in (out["gates"] or {}).items():
        assert gate == f[name]


def test_a_preset_and_given_inputs(client):
    body = {"preset": "reverse-gru", "inputs": ["cat", "dog", "red"]}
    vocab = post(client, "/api/trace", **body)["output_vocab"]
    e = post(client, **body, t=5)  # the decoder's third step writes the first word
    assert e["role"] == "decoder" and e["cell"] == "gru" and len(e["forward"]["h"]) == 32
    assert e["forward"]["target"] == vocab.index("cat") and sum(e["forward"]["p"]) == pytest.approx(1)
    assert [link["k"] for link in e["chain"]] == [4, 3, 2, 1, 0]  # back into the encoder
    assert all(link["factor"] > 0 and link["product"] > 0 for link in e["chain"])


def test_a_long_trace_has_fifty_links(client):
    e = post(client, topology="many_to_one", cell="rnn", length=120, t=119)
    assert [link["k"] for link in e["chain"]] == list(range(118, 68, -1))
    assert e["chain"][0]["product"] == e["chain"][0]["factor"]


def test_the_docs_say_how_the_chain_treats_the_hand_over(client):
    op = client.get("/openapi.json").json()["paths"]["/api/explain"]["post"]
    assert "hand-over" in op["description"] and "crosses" in op["description"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("ExplainRequest")
    assert "ExplainResponse" in op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]


@pytest.mark.parametrize("t,msg", [
    (5, "must be 0 to 4 for this trace of 5 steps"),
    (499, "must be 0 to 4 for this trace of 5 steps"),
    (-1, "must be 0 to 499"),
    (500, "must be 0 to 499"),
    (10**30, "must be 0 to 499"),
    ("3", "valid integer"),
    (2.5, "valid integer"),
    (3.0, "valid integer"),
    (True, "valid integer"),
    (None, "valid integer"),
    ([1], "valid integer"),
])
def test_a_bad_t_is_a_422_naming_t(client, t, msg):
    r = client.post("/api/explain", json={"inputs": ["it", "was", "not", "very", "good"], "t": t})
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["loc"] == ["body", "t"] and msg in item["msg"], item


def test_t_is_required(client):
    r = client.post("/api/explain", json={"topology": "many_to_one"})
    assert r.status_code == 422
    assert r.json()["detail"] == [{"type": "missing", "loc": ["body", "t"], "msg": "Field required"}]


def test_the_other_fields_are_checked_as_for_a_trace(client):
    r = client.post("/api/explain", json={"hidden_size": 257, "t": 0})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "hidden_size"]
    r = client.post("/api/explain", json={"inputs": ["the", "?!"], "t": 0})  # no letter: refused
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "inputs", 1]


def test_diverged_is_the_trace_422(client):
    body = {"topology": "many_to_many", "activation": "relu", "hidden_size": 16, "recurrent_scale": 10.0,
            "length": 500}
    r = client.post("/api/explain", json=body | {"t": 0})
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    (traced,) = client.post("/api/trace", json=body).json()["detail"]
    assert item["type"] == traced["type"] == "diverged" and item["step"] == traced["step"] > 300


@given(body=st.fixed_dictionaries({"t": st.integers(-2, 60) | st.sampled_from(["1", 1.5, None])}, optional={
    "topology": st.sampled_from(["one_to_one", "one_to_many", "many_to_one", "many_to_many", "seq2seq"]),
    "cell": st.sampled_from(["rnn", "lstm", "gru"]),
    "activation": st.sampled_from(["tanh", "relu"]),
    "hidden_size": st.integers(0, 12),
    "length": st.integers(0, 30) | st.none(),
    "recurrent_scale": st.floats(0, 50) | st.none(),
    "teacher_forcing": st.booleans(),
}))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_plausible_requests_never_500(client, body):
    r = client.post("/api/explain", json=body)
    assert r.status_code in (200, 422), r.text[:500]
    if r.status_code == 422:
        assert r.json()["detail"][0]["loc"][0] == "body"


def test_a_chain_past_float64_is_a_diverged_422_naming_k(client):
    """A finite trace (h_4 = 1e100, no gradient) whose product ∂h_4/∂h_0 = 1e400·I is not."""
    body = {"topology": "many_to_one", "cell": "rnn", "activation": "relu", "hidden_size": 2,
            "inputs": ["it", "was", "not", "very", "good"]}
    params = post(client, "/api/trace", **body)["params"]
    params |= {"W_ih": [[1e-300] * len(params["W_ih"][0])] * 2, "W_hh": [[1e100, 0.0], [0.0, 1e100]],
               "b_ih": [0.0, 0.0], "b_hh": [0.0, 0.0], "W_hy": [[0.0, 0.0]] * len(params["W_hy"])}
    assert [link["product"] for link in post(client, **body, params=params, t=3)["chain"]] == [1e100, 1e200, 1e300]
    r = client.post("/api/explain", json=body | {"params": params, "t": 4})
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert (item["type"], item["step"], item["phase"]) == ("diverged", 0, "backward")


def test_a_forward_only_trace_explains_its_forward_pass_and_chain(client):
    """Own data without targets has no loss: backward is null; the chain needs no loss."""
    body = {"topology": "many_to_many", "task": "vectors", "cell": "gru", "hidden_size": 3, "seed": 2, "t": 2}
    r = client.post("/api/explain", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    trace = client.post("/api/trace", json={k: v for k, v in body.items() if k != "t"}).json()
    assert data["backward"] is None and trace["loss"] is None
    assert data["forward"]["h"] == trace["steps"][2]["h"] and data["forward"]["loss"] is None
    assert [link["k"] for link in data["chain"]] == [1, 0]
    series = client.post("/api/explain", json={"topology": "many_to_one", "task": "series",
                                               "inputs": [[1.0], [2.0], [4.0]], "t": 2}).json()
    assert series["forward"]["y"] is not None and series["forward"]["target"] is None


def test_omit_belongs_to_the_trace_alone(client):
    r = client.post("/api/explain", json={"t": 0, "omit": ["grads"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "omit"]
    r = client.post("/api/export/pytorch", json={"omit": ["params"]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "omit"]
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_without_the_chain_the_terms_are_the_same_and_the_chain_is_null(client, cell):
    """`"chain": false` skips the chain (most of the work) and changes nothing else."""
    body = {"topology": "seq2seq", "cell": cell, "hidden_size": 5, "seed": 3, "t": 6}
    full = post(client, **body)
    bare = post(client, **body, chain=False)
    assert bare["chain"] is None and len(full["chain"]) == 6
    assert {k: v for k, v in bare.items() if k != "chain"} == {k: v for k, v in full.items() if k != "chain"}
    assert post(client, **body, chain=True) == full


@pytest.mark.parametrize("chain", ["false", 0, None, [False]])
def test_chain_must_be_a_boolean(client, chain):
    r = client.post("/api/explain", json={"t": 0, "chain": chain})
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["loc"] == ["body", "chain"], item

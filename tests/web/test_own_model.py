"""Your own PyTorch model in the page (docs/page.md, "Your own model"): real .safetensors and .npz
files, written here from NumPy arrays (no torch), are imported and drawn with the API's numbers;
without targets the trace is forward only and the page says so where the backward pass would be;
every refusal shows the API's own key and reason, and a file over the body limit is refused before
it is sent."""

import json

import numpy as np
import pytest
from safetensors.numpy import save_file

from .conftest import screenshot
from .test_visualizer import SMALL, gradient_problems, value_problems
from .unroll_page import FAILED_RESOURCE, drawn, open_view, overlapping_labels, playhead, press, redraw, stage

ROWS = {"rnn": 1, "lstm": 4, "gru": 3}


def state_dict(cell: str, I: int, H: int, O: int | None, seed: int = 0, layers: int = 1) -> dict:
    """A PyTorch-shaped state_dict of float32 arrays (what model.state_dict() holds), prefix rnn./fc."""
    rng = np.random.default_rng(seed)
    k = 1 / np.sqrt(H)
    G = ROWS[cell] * H
    arrays = {}
    for layer in range(layers):
        inputs = I if layer == 0 else H
        for name, shape in (("weight_ih", (G, inputs)), ("weight_hh", (G, H)), ("bias_ih", (G,)), ("bias_hh", (G,))):
            arrays[f"rnn.{name}_l{layer}"] = rng.uniform(-k, k, shape).astype(np.float32)
    if O:
        arrays["fc.weight"] = rng.uniform(-k, k, (O, H)).astype(np.float32)
        arrays["fc.bias"] = rng.uniform(-k, k, (O,)).astype(np.float32)
    return arrays


@pytest.fixture
def gru_file(tmp_path):
    path = tmp_path / "gru.safetensors"
    save_file(state_dict("gru", 5, 16, 3), str(path))
    return path


def imported(client, path, activation="tanh") -> dict:
    answer = client.post("/api/import", files={"file": (path.name, path.read_bytes())}, data={"activation": activation})
    assert answer.status_code == 200, answer.text
    return answer.json()


def upload(page, path):
    trace = redraw(page, lambda: page.set_input_files("#model-file", str(path)))
    page.evaluate("() => document.activeElement.blur()")  # the keys are the player's again
    return trace


def test_an_imported_model_draws_the_apis_numbers_forward_only(page, client, gru_file):
    page.set_viewport_size(SMALL)
    open_view(page, "?topology=many_to_many&cell=rnn-relu")  # a relu choice does not stop a GRU's import
    page.click("[data-data-choice=model]")
    assert "load its file below" in page.text_content("#own-data") and page.is_visible("#model-file")
    trace = upload(page, gru_file)
    model = imported(client, gru_file)
    request = trace["_request"]
    assert request["params"] == model["params"] and request["task"] == "vectors"
    assert (request["cell"], request["hidden_size"], request["input_size"], request["output_size"]) == ("gru", 16, 5, 3)
    assert "inputs" not in request  # a random sequence from the seed
    assert page.text_content("[data-model-summary]") == "nn.GRU, input 5, hidden 16, output 3, head: yes"
    assert stage(page)["cell"] == "gru" and trace["loss"] is None
    assert all(s["dh"] is None and s["dh_norm"] is None for s in trace["steps"])
    # The random inputs are shown to edit, one vector a line.
    shown = page.input_value("#model-inputs").splitlines()
    assert [[float(v) for v in line.split(",")] for line in shown] == [s["x"] for s in trace["steps"]]

    press(page, "End")
    T = len(trace["steps"])
    assert playhead(page) == ("forward", T - 1)
    assert value_problems(page, trace) == []  # h and the regression's y ([data-y]) as the API sent them
    assert overlapping_labels(page) == []
    # Forward only: no backward pass, and the page says why where it would be.
    assert page.is_disabled("#btn-backward")
    assert "no loss" in page.get_attribute("#btn-backward", "title")
    press(page, "b")
    press(page, "ArrowRight")
    assert playhead(page) == ("forward", T - 1) and drawn(page, "dh-norm") == []
    page.wait_for_function("() => /forward only/.test(document.getElementById('backward-reason').textContent)")
    assert "no loss: forward only" in page.text_content("#dh-overlay")
    assert "no loss" in page.text_content(".track-backward")
    assert "forward only" in page.text_content("#stage-summary")
    assert page.is_visible("[data-forward-only]")
    screenshot(page, "own-model-forward-only-1366x768")

    # Targets (class indices): a loss, and the backward pass.
    page.fill("#model-targets", "\n".join(str(t % 3) for t in range(T)))
    trace = redraw(page, lambda: page.click("#own-model >> text=Run"))
    page.evaluate("() => document.activeElement.blur()")
    assert trace["_request"]["targets"] == [t % 3 for t in range(T)] and trace["loss"] is not None
    assert trace["kind"] == "classification"
    assert trace == {**client.post("/api/trace", json=trace["_request"]).json(), "_request": trace["_request"]}
    assert page.is_enabled("#btn-backward")
    press(page, "b")
    press(page, "End")
    assert playhead(page) == ("backward", 0)
    assert gradient_problems(page, trace) == [] and value_problems(page, trace) == []
    assert overlapping_labels(page) == []

    # Typed inputs: two steps.
    page.fill("#model-inputs", "0.5, -1, 2, 0, 0.25\n1 1 1 1 1")
    page.fill("#model-targets", "")
    trace = redraw(page, lambda: page.click("#own-model >> text=Run"))
    assert trace["_request"]["inputs"] == [[0.5, -1, 2, 0, 0.25], [1, 1, 1, 1, 1]] and "targets" not in trace["_request"]
    assert stage(page)["steps"] == "2"
    # A reload in this tab keeps the model; the link says data=model but cannot carry it.
    with page.expect_response("**/api/trace") as again:
        page.reload()
    assert json.loads(again.value.request.post_data)["params"] == model["params"]
    assert "data=model" in page.url
    assert page.console_errors == []


def test_an_npz_rnn_with_relu_and_no_head(page, client, tmp_path):
    path = tmp_path / "relu.npz"
    np.savez(path, **state_dict("rnn", 4, 6, None, seed=3))
    open_view(page, "?topology=many_to_one&cell=gru")
    page.click("[data-data-choice=model]")
    trace = upload(page, path)
    assert page.text_content("[data-model-summary]") == "nn.RNN (tanh), input 4, hidden 6, output 6, head: no"
    assert page.get_attribute("[data-cell-choice=rnn-tanh]", "aria-checked") == "true"  # the model's cell
    assert trace["_request"]["activation"] == "tanh" and trace["_request"]["topology"] == "many_to_one"
    trace = redraw(page, lambda: page.click("[data-activation=relu]"))
    page.evaluate("() => document.activeElement.blur()")
    assert trace["_request"]["activation"] == "relu" and stage(page)["cell"] == "rnn"
    assert page.text_content("[data-model-summary]").startswith("nn.RNN (relu)")
    assert trace["_request"]["params"] == imported(client, path, "relu")["params"]
    press(page, "End")
    assert value_problems(page, trace) == [] and overlapping_labels(page) == []
    assert len(drawn(page, "y")) == 6  # no head: y_t = h_t, a strip of six values
    # Another cell is another network: the model is not drawn, and the page says how to draw it again.
    redraw(page, lambda: page.click("[data-cell-choice=lstm]"))
    assert "choose RNN ReLU and H = 6" in page.text_content("#own-data")
    trace = redraw(page, lambda: page.click("#own-data >> text=draw my model again"))
    page.evaluate("() => document.activeElement.blur()")
    assert trace["_request"]["task"] == "vectors" and trace["_request"]["activation"] == "relu"
    screenshot(page, "own-model-relu-1366x768")
    assert page.console_errors == []


BAD_FILES = {
    "not-a-model.safetensors": lambda path: path.write_bytes(b"\x00" * 64),
    "pickled.pt": lambda path: path.write_bytes(b"\x80\x02}q\x00."),
    "two-layers.safetensors": lambda path: save_file(state_dict("lstm", 3, 4, None, layers=2), str(path)),
    "nan.npz": lambda path: np.savez(path, **{k: np.full_like(v, np.nan) for k, v in state_dict("gru", 2, 3, 2).items()}),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_shows_the_apis_key_and_reason(page, client, tmp_path, name):
    path = tmp_path / name
    BAD_FILES[name](path)
    refusal = client.post("/api/import", files={"file": (name, path.read_bytes())})
    assert refusal.status_code == 422
    (detail,) = refusal.json()["detail"]
    open_view(page, "?topology=many_to_many&data=model")
    with page.expect_response("**/api/import") as answer:
        page.set_input_files("#model-file", str(path))
    assert answer.value.status == 422
    page.wait_for_selector("#model-status[data-kind=failed]")
    status = page.text_content("#model-status")
    assert status == f"{name} was refused (HTTP 422): file: {detail['msg']}"
    assert page.get_attribute("#model-status", "role") == "alert"
    assert [m for m in page.console_errors if m != FAILED_RESOURCE.format(status=422) + " (Unprocessable Entity)"] == []


def test_a_file_over_the_body_limit_is_refused_before_it_is_sent(page, client):
    limit = client.get("/api/limits").json()["body_bytes"]
    open_view(page, "?topology=many_to_many&data=model")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/api/import" in r.url else None)
    page.set_input_files("#model-file", {"name": "huge.safetensors", "mimeType": "application/octet-stream",
                                         "buffer": b"\x00" * limit})
    page.wait_for_selector("#model-status[data-kind=failed]")
    status = page.text_content("#model-status")
    assert "huge.safetensors is 16.0 MB" in status and "at most 16.0 MB" in status and "413" in status
    page.wait_for_timeout(300)
    assert sent == []
    assert page.console_errors == []


def test_your_own_data_sections_have_no_serious_axe_findings(page, gru_file):
    from axe_playwright_python.sync_playwright import Axe

    def findings():
        results = Axe().run(page)
        return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                for v in results.response["violations"] if v["impact"] in {"serious", "critical"}]

    open_view(page, "?topology=many_to_many&data=text&text=pasted")  # a pasted text this tab lacks: the note
    assert findings() == []
    open_view(page, "?topology=many_to_one&data=series")
    page.fill("#own-series", "1\nabc")
    page.click("text=Use these numbers")
    page.wait_for_selector("#own-series-error:not([hidden])")
    assert findings() == []
    page.click("[data-data-choice=model]")
    upload(page, gru_file)
    press(page, "End")
    assert findings() == []
    assert page.console_errors == []


def test_an_imported_model_is_not_trained_here_and_the_train_panel_says_why(page, gru_file):
    open_view(page, "?topology=many_to_many&cell=gru&h=16")
    assert not page.is_disabled("[data-train] [data-part=start]")
    page.click("[data-data-choice=model]")
    upload(page, gru_file)
    assert page.is_disabled("[data-train] [data-part=start]")
    assert "drawn with the weights PyTorch trained" in page.text_content("[data-train] [data-part=status]")
    assert page.console_errors == []

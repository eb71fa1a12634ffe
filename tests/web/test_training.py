"""Training in the page (issue 15, DESIGN §6.1 "Training panel"): the curve's points are the
stream's numbers and the panel reports the stream's metric; Stop stops the server's training; a
recipe in the URL retrains the same weights, and the trace after training is the trace of the
done params; snapshots redraw the stage with their params; every failure says so in a sentence.
The same training request asked of the API gives the same lines (a training is a pure function
of its request), which is what these tests compare against."""

import json
import re
import time
from urllib.parse import parse_qs, urlparse

from .conftest import returning_context, screenshot
from .unroll_page import FAILED_RESOURCE, json_answer, mismatches, open_view, stage, trace_request

TRAIN = "[data-train]"
POINTS = "() => [...document.querySelectorAll('[data-train-point]')].map((e) => ({...e.dataset}))"


def status(page) -> str:
    return page.get_attribute(TRAIN, "data-status")


def wait_status(page, *wanted, timeout=120_000):
    page.wait_for_function("(wanted) => wanted.includes(document.querySelector('[data-train]').dataset.status)",
                           arg=list(wanted), timeout=timeout)


def said(page) -> str:
    return page.text_content("[data-train] [data-part=status]")


def start(page, steps=None, learning_rate=None, batch_size=None) -> dict:
    """Fill the recipe's fields (None: leave the task's own), press Start; the request sent."""
    for part, value in (("steps", steps), ("learning-rate", learning_rate), ("batch-size", batch_size)):
        if value is not None:
            page.fill(f"[data-train] [data-part={part}]", str(value))
    with page.expect_request("**/api/train") as sent:
        page.click("[data-train] [data-part=start]")
    return json.loads(sent.value.post_data)


def stream(client, request: dict) -> list[dict]:
    with client.stream("POST", "/api/train", json=request) as r:
        assert r.status_code == 200
        return [json.loads(line) for line in r.iter_lines() if line]


def params_traces(page) -> list:
    """Every /api/trace answer the page gets from now on that drew given params (trained weights)."""
    found = []
    page.on("response", lambda r: found.append(r) if r.url.endswith("/api/trace") and r.status == 200
            and '"params"' in (r.request.post_data or "") else None)
    return found


def as_trace(page, answer) -> dict:
    trace = json_answer(page, answer)
    trace["_request"] = trace_request(answer)
    return trace


def trained_drawn(page, timeout=120_000):
    """Until the training is done and the trained network drawn."""
    wait_status(page, "done", timeout=timeout)
    page.wait_for_function("() => /trained here/.test(document.getElementById('stage-summary').textContent)", timeout=timeout)


def finished_trace(page, action, timeout=120_000) -> dict:
    """Do `action`, wait for the training to end and the trained network to be drawn; that trace."""
    answers = params_traces(page)
    action()
    trained_drawn(page, timeout)
    return as_trace(page, answers[-1])


def training_jobs(page) -> int:
    return page.request.get("/api/health").json()["jobs"]["training"]


def wait_idle(page):
    for _ in range(300):  # a training ends before its next step
        if training_jobs(page) == 0:
            return
        time.sleep(0.05)
    assert training_jobs(page) == 0


def test_a_training_draws_the_streams_numbers_and_reports_its_metric(page, client):
    open_view(page, "?topology=one_to_one&seed=2")
    defaults = {t["id"]: t for t in client.get("/api/tasks").json()}["same_sign"]["training_defaults"]
    assert page.input_value("[data-train] [data-part=steps]") == str(defaults["steps"])  # the task's own, from the API
    assert page.input_value("[data-train] [data-part=learning-rate]") == str(defaults["learning_rate"])
    assert status(page) == "idle"
    holder = {}
    trace = finished_trace(page, lambda: holder.update(request=start(page)))  # the task's own recipe
    request = holder["request"]
    assert {k: request[k] for k in defaults} == defaults and request["seed"] == 2 and "params" not in request
    lines = stream(client, request)
    progress, done = [x for x in lines if x["type"] == "progress"], lines[-1]
    assert done["type"] == "done" and done["steps"] == defaults["steps"]
    drawn = page.evaluate(POINTS)
    assert len(drawn) == len(progress) == defaults["steps"]
    for point, line in zip(drawn, progress, strict=True):
        assert (int(point["step"]), float(point["loss"]), float(point["accuracy"])) == (line["step"], line["loss"], line["accuracy"])
    # The metric the panel reports is the stream's, and the training reached it: the default recipe's 95 %.
    accuracy = done["metrics"]["accuracy"]
    assert f"accuracy {100 * accuracy:.1f} %" in said(page) and accuracy >= 0.95
    # The stage now draws the trained network: the trace of the done params, on the same example.
    assert trace["_request"]["params"] == done["params"] and trace["_request"]["seed"] == 2
    again = client.post("/api/trace", json=trace["_request"]).json()
    assert again["steps"] == trace["steps"] and again["params"] == done["params"]
    assert mismatches(page, trace, "h") == [] and "trained here" in page.text_content("#stage-summary")
    query = parse_qs(urlparse(page.url).query)
    assert query["train"] == ["1"] and query["steps"] == [str(defaults["steps"])]
    screenshot(page, "train-done")
    assert page.console_errors == []


def test_your_own_text_trains_here(page, client):
    open_view(page, "?topology=many_to_many&data=text&text=austen&seed=1")
    holder = {}
    trace = finished_trace(page, lambda: holder.update(request=start(page, steps=40)))
    request = holder["request"]
    assert request["task"] == "text" and request["text"].startswith("It is a truth universally acknowledged")
    done = stream(client, request)[-1]
    # The stage draws your text read by the trained weights: the same text, the done params.
    assert trace["_request"]["params"] == done["params"] and trace["_request"]["text"] == request["text"]
    assert mismatches(page, trace, "h") == [] and "trained here: 40 steps" in page.text_content("#stage-summary")
    assert page.console_errors == []


def test_a_new_example_keeps_the_trained_weights(page):
    open_view(page, "?topology=many_to_many&seed=5")
    trained = finished_trace(page, lambda: start(page, steps=30))
    answers = params_traces(page)
    page.click("[data-train] [data-part=new-example]")
    for _ in range(200):
        if answers:
            break
        page.wait_for_timeout(50)
    fresh = as_trace(page, answers[0])
    assert fresh["_request"]["params"] == trained["_request"]["params"]  # the same weights
    words = lambda trace: [s["x_label"] for s in trace["steps"]]  # noqa: E731
    assert fresh["_request"]["seed"] != 5 and words(fresh) != words(trained)  # a fresh example
    page.wait_for_function("() => new URLSearchParams(location.search).has('ex')")  # once the view is drawn
    query = parse_qs(urlparse(page.url).query)
    assert query["seed"] == ["5"] and query["ex"] == [str(fresh["_request"]["seed"])] and query["train"] == ["1"]
    assert page.console_errors == []


def test_a_recipe_in_the_url_retrains_the_same_weights(page, browser, live_url, client):
    open_view(page, "?topology=many_to_one&cell=gru&h=6&seed=7")
    first = finished_trace(page, lambda: start(page, steps=40, learning_rate=0.02, batch_size=8))
    link = page.url
    query = parse_qs(urlparse(link).query)
    assert {k: query[k] for k in ("train", "steps", "lr", "batch", "seed")} == {
        "train": ["1"], "steps": ["40"], "lr": ["0.02"], "batch": ["8"], "seed": ["7"]}
    other = returning_context(browser, viewport={"width": 1366, "height": 768}, base_url=live_url).new_page()
    errors = []
    other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    held = []
    other.route("**/api/train", lambda route: held.append(route))
    answers = params_traces(other)
    untrained = open_view(other, link)  # the stage draws the untrained network while the recipe retrains
    assert "params" not in untrained["_request"] and untrained["_request"]["seed"] == 7
    for _ in range(200):
        if held:
            break
        other.wait_for_timeout(50)
    request = json.loads(held[0].request.post_data)
    assert (request["steps"], request["learning_rate"], request["batch_size"], request["seed"]) == (40, 0.02, 8, 7)
    assert "Retraining this link's network here (40 steps of 8 examples at learning rate 0.02)" in said(other)
    held[0].continue_()
    trained_drawn(other)
    second = as_trace(page, answers[-1])
    assert second["_request"]["params"] == first["_request"]["params"]  # the same weights, to the last bit
    assert second["steps"] == first["steps"]
    done = stream(client, request)[-1]
    assert done["params"] == second["params"]  # the trace after training is a trace of the done params
    assert client.post("/api/trace", json=second["_request"]).json()["steps"] == second["steps"]
    assert other.url == link and errors == []
    other.context.close()


def test_stop_stops_the_servers_training_and_keeps_the_last_snapshot(page, client):
    """A long training; once a snapshot is drawn, Stop: the server's training jobs go to 0, and
    the weights kept are exactly a training of the snapshot's steps, which the link retrains."""
    open_view(page, "?topology=many_to_many&cell=lstm&h=48&seed=1")
    answers = params_traces(page)
    request = start(page, steps=5000, batch_size=64)
    page.wait_for_function("() => /weights at training step/.test(document.getElementById('stage-summary').textContent)", timeout=60_000)
    assert status(page) == "running" and training_jobs(page) >= 1
    page.click("[data-train] [data-part=stop]")
    wait_status(page, "stopped")
    wait_idle(page)
    query = parse_qs(urlparse(page.url).query)
    kept = int(query["steps"][0])
    assert 1 <= kept < 5000 and "last snapshot" in said(page) and query["train"] == ["1"]
    drawn = json.loads(answers[-1].request.post_data)["params"]
    assert drawn == stream(client, {**request, "steps": kept})[-1]["params"]
    assert page.is_enabled("[data-train] [data-part=start]")
    assert page.console_errors == []


def test_each_snapshot_redraws_the_stage_with_its_params(page, client):
    open_view(page, "?topology=seq2seq&cell=gru&h=32&seed=3")
    answers = params_traces(page)
    request = start(page, steps=5000, batch_size=64)
    summary = page.wait_for_function("""() => {
      const text = document.getElementById('stage-summary').textContent;
      return /weights at training step/.test(text) && text;
    }""", timeout=60_000).json_value()
    step = int(re.search(r"weights at training step (\d+) of 5000", summary).group(1))
    trace = as_trace(page, answers[0])  # the first snapshot drawn
    page.click("[data-train] [data-part=stop]")
    wait_status(page, "stopped")
    snapshot = trace["_request"]
    assert snapshot["seed"] == 3 and snapshot["hidden_size"] == 32 and snapshot["cell"] == "gru"
    assert snapshot["params"] == stream(client, {**request, "steps": step})[-1]["params"]
    assert trace["params"] == snapshot["params"]
    page.click("#btn-end")  # every step of the forward pass revealed: each drawn h is the last snapshot's trace's
    assert mismatches(page, as_trace(page, answers[-1]), "h") == [] and stage(page)["cell"] == "gru"
    assert page.console_errors == []


def test_a_queued_training_says_its_place_then_trains(page, live_url):
    """Both of the server's trainers busy: the page's training is queued, and says its place."""
    import httpx

    long = {"topology": "seq2seq", "cell": "lstm", "hidden_size": 64, "steps": 5000, "batch_size": 64, "seconds": 100}
    open_view(page, "?topology=one_to_one&seed=4")
    with httpx.Client(timeout=30) as http, http.stream("POST", f"{live_url}/api/train", json=long) as a, \
            http.stream("POST", f"{live_url}/api/train", json=long) as b:
        streams = [r.iter_lines() for r in (a, b)]  # held: a stream let go of closes its connection
        for lines in streams:
            assert json.loads(next(lines))["type"] == "progress"
        start(page, steps=50)
        wait_status(page, "queued")
        assert "number 1 in the queue" in said(page)
    wait_status(page, "done")  # the two others closed: it trained
    assert len(page.evaluate(POINTS)) == 50
    wait_idle(page)
    assert page.console_errors == []


def test_failures_each_get_a_clear_sentence(page, client):
    open_view(page, "?topology=one_to_one")
    # A refusal naming the field (the API's own 422: steps past its bound).
    start(page, steps=999999)
    wait_status(page, "error")
    assert "steps" in said(page) and "5000" in said(page)
    assert page.get_attribute("[data-train] [data-part=steps]", "aria-invalid") == "true"
    # A busy server (503: trainers and queue full).
    page.route("**/api/train", lambda route: route.fulfill(status=503, headers={"Retry-After": "2"}, content_type="application/json",
                                                           body='{"detail":[{"type":"busy","loc":[],"msg":"the training queue is full"}]}'))
    start(page, steps=10)
    wait_status(page, "error")
    assert "server is busy" in said(page)
    assert page.get_attribute("[data-train] [data-part=steps]", "aria-invalid") == "false"
    page.unroute("**/api/train")
    # A dead server.
    page.route("**/api/train", lambda route: route.abort("connectionrefused"))
    start(page, steps=10)
    wait_status(page, "error")
    assert "cannot be reached" in said(page)
    page.unroute("**/api/train")
    # A divergence, as the server streams it (an overflow at step 1, from weights made for it).
    crafted = {"W_ih": [[0.1], [0.1]], "W_hh": [[0, 0], [0, 0]], "b_ih": [0, 0], "b_hh": [0, 0],
               "W_hy": [[0, 0]], "b_y": [2e154]}
    lines = client.post("/api/train", json={"topology": "one_to_many", "hidden_size": 2, "steps": 2, "params": crafted}).text
    assert '"type":"error"' in lines
    page.route("**/api/train", lambda route: route.fulfill(status=200, content_type="application/x-ndjson", body=lines))
    start(page, steps=10)
    wait_status(page, "error")
    assert "stopped at step 1 — the network diverged" in said(page) and "overflowed float64" in said(page)
    assert "smaller learning rate" in said(page)
    page.unroute("**/api/train")
    # Each ended the training; the stage still draws the untrained network and Start works again.
    assert page.is_enabled("[data-train] [data-part=start]") and not page.is_enabled("[data-train] [data-part=stop]")
    screenshot(page, "train-error")
    allowed = (FAILED_RESOURCE.format(status=422), FAILED_RESOURCE.format(status=503), "net::ERR")
    assert [e for e in page.console_errors if not e.startswith(allowed) and "ERR_CONNECTION_REFUSED" not in e] == []


def test_the_panels_at_a_projector_in_presenter_mode_and_on_a_phone(page):
    """1366×768: the panel beside the stage, nothing cut; presenter mode at 1920×1080: every text of
    both panels at least 24 px; a 390 px phone: one column, nothing wider than the screen."""
    from pathlib import Path

    text_sizes = (Path(__file__).parent / "text_sizes.js").read_text()
    page.set_viewport_size({"width": 1366, "height": 768})
    open_view(page, "?topology=one_to_many&seed=3")
    trained = finished_trace(page, lambda: start(page, steps=120))
    assert trained["_request"]["seed"] == 3
    panel = page.locator("#live").bounding_box()
    stage_box = page.locator("#stage").bounding_box()
    assert panel["x"] >= stage_box["x"] + stage_box["width"] and panel["x"] + panel["width"] <= 1366
    screenshot(page, "train-1366x768")
    page.click("[data-live-tab=generate]")
    page.click("[data-generate] [data-part=more]")
    page.wait_for_function("() => document.querySelector('[data-generate]').dataset.steps === '10'")
    screenshot(page, "generate-1366x768")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.keyboard.press("f")
    page.wait_for_function("() => document.body.classList.contains('presenting')")
    page.wait_for_timeout(200)
    for tab in ("generate", "train"):
        page.click(f"[data-live-tab={tab}]")
        inside = {"live", *page.evaluate("() => [...document.querySelectorAll('#live [id]')].map((e) => e.id)")}
        sizes = [t for t in page.evaluate(text_sizes) if t["where"] in inside]
        assert sizes and sizes[0]["px"] >= 24, sizes[:3]
        screenshot(page, f"{tab}-presenting-1920x1080")
    page.keyboard.press("f")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.locator("#live").scroll_into_view_if_needed()
    screenshot(page, "train-phone-390")
    assert page.console_errors == []


def test_a_long_recipe_says_so_before_it_trains(page, client):
    open_view(page, "?topology=one_to_one")
    own = {t["id"]: t for t in client.get("/api/tasks").json()}["same_sign"]["training_defaults"]
    assert "long recipe" not in said(page)
    page.fill("[data-train] [data-part=steps]", str(own["steps"] * 8))
    page.wait_for_function("() => /A long recipe: 8× the work/.test(document.querySelector('[data-train] [data-part=status]').textContent)")
    assert "the server stops any training after 120 s" in said(page) and status(page) == "idle"
    page.fill("[data-train] [data-part=steps]", str(own["steps"]))
    page.wait_for_function("() => !/long recipe/.test(document.querySelector('[data-train] [data-part=status]').textContent)")
    assert page.console_errors == []

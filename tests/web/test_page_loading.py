"""How the page loads (docs/page.md, "How the page loads"): its trace in the packed form without
params and grads, read exactly; a server that only speaks JSON (or a proxy that drops the Accept
header) and an older server that refuses `omit` draw the same numbers; the stage is drawn before
plotly.js runs, and the charts say so when it cannot load."""

import json

import pytest

from .unroll_page import FAILED_RESOURCE, drawn, mismatches, wait_for_trace

# Every step revealed (the backward pass), an LSTM's c, two blocks of weights, outputs.
VIEW = "?topology=seq2seq&cell=lstm&h=6&phase=backward&t=0"
WIDE = {"width": 1920, "height": 1080}  # all ten steps in the stage's window
PACKED = "application/vnd.unroll.packed"


def whole_answer(client, request: dict) -> dict:
    """The JSON API's whole answer to a request the page sent (its `omit` left out)."""
    reply = client.post("/api/trace", json={k: v for k, v in request.items() if k != "omit"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    return reply.json()


def parameter_count(params) -> int:
    """How many numbers the params hold (nested dicts of nested lists)."""
    if isinstance(params, dict):
        return sum(map(parameter_count, params.values()))
    return sum(map(parameter_count, params)) if isinstance(params, list) else 1


def drawn_problems(page, trace: dict) -> list[str]:
    """Every drawn number that is not the JSON answer's, and whether every kind was drawn."""
    problems = [p for name in "hcp" for p in mismatches(page, trace, name)]
    norms = drawn(page, "dh-norm")
    problems += [f"dh_norm t={d['t']}: drawn {d['value']}" for d in norms
                 if float(d["value"]) != trace["steps"][int(d["t"])]["dh_norm"]]
    counts = {name: len(drawn(page, name)) for name in ("h", "c", "p", "dh-norm")}
    problems += [f"no [data-{name}] drawn" for name, n in counts.items() if n == 0]
    return problems


def open_and_read(page, client, query: str = VIEW):
    """Open a view; (the requests the page sent to /api/trace, their answers' types, the JSON answer)."""
    sent, types = [], []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/trace") else None)
    page.on("response", lambda r: types.append((r.status, r.headers.get("content-type")))
            if r.url.endswith("/api/trace") else None)
    page.set_viewport_size(WIDE)
    page.goto(f"/{query}")
    page.wait_for_function("() => performance.getEntriesByName('unroll:drawn').length > 0", timeout=60_000)
    trace = whole_answer(client, json.loads(sent[-1].post_data))
    wait_for_trace(page, trace)
    return sent, types, trace


def summary_and_hint(page) -> tuple[str, str]:
    page.locator(".weight[data-weight-key='encoder.W_hh']").first.hover()
    hint = page.text_content("#stage-hint")
    page.mouse.move(2, 2)
    return page.text_content("#stage-summary"), hint


def expected_texts(page, trace: dict) -> tuple[str, str]:
    """What the summary and the hint must say, from the JSON answer's params."""
    count = page.evaluate("async (n) => (await import('/static/js/format.js')).count(n)", parameter_count(trace["params"]))
    rows, columns = len(trace["params"]["encoder"]["W_hh"]), len(trace["params"]["encoder"]["W_hh"][0])
    return f"{count} parameters", f"encoder W_hh: one {rows}×{columns} matrix ({rows * columns} numbers)"


def test_the_page_fetches_the_packed_form_without_params_and_grads(page, client):
    sent, types, trace = open_and_read(page, client, VIEW.replace("seq2seq", "many_to_many"))
    (request,) = sent
    assert request.headers["accept"] == f"{PACKED}, application/json;q=0.5"
    assert json.loads(request.post_data)["omit"] == ["params", "grads"]
    assert types == [(200, PACKED)]
    assert drawn_problems(page, trace) == []
    assert page.console_errors == []


def test_a_topology_that_feeds_back_keeps_its_params_for_generation(page, client):
    """The Generate tab steps with the drawn weights (/api/step): only the gradients are left out."""
    sent, types, trace = open_and_read(page, client)
    (request,) = sent
    assert json.loads(request.post_data)["omit"] == ["grads"]
    assert types == [(200, PACKED)]
    assert drawn_problems(page, trace) == []
    summary, hint = summary_and_hint(page)
    count, shape = expected_texts(page, trace)
    assert count in summary and shape in hint
    assert page.console_errors == []


def test_the_view_of_the_speed_goal_travels_in_under_half_a_megabyte(page, client):
    """lstm, H = 64, T = 100 (DESIGN §7): the bytes the page fetched, and the numbers exact."""
    sent, types, trace = open_and_read(page, client, "?topology=many_to_many&cell=lstm&h=64&len=100&phase=backward&t=99")
    sizes = page.evaluate("""() => performance.getEntriesByType("resource")
        .filter((e) => e.name.endsWith("/api/trace")).map((e) => [e.encodedBodySize, e.transferSize])""")
    assert types == [(200, PACKED)] and len(sizes) == 1
    body, on_the_wire = sizes[0]
    assert 400_000 < body <= on_the_wire <= 500_000
    assert len(trace["steps"]) == 100 and drawn_problems(page, trace) == []
    assert page.console_errors == []


def test_a_proxy_that_drops_accept_gets_json_and_the_same_drawing(page, client):
    page.route("**/api/trace", lambda route: route.continue_(
        headers={k: v for k, v in route.request.headers.items() if k.lower() != "accept"}))
    sent, types, trace = open_and_read(page, client)
    assert types == [(200, "application/json")]  # JSON, still without params (param_shapes instead)
    assert drawn_problems(page, trace) == []
    count, shape = expected_texts(page, trace)
    summary, hint = summary_and_hint(page)
    assert count in summary and shape in hint
    assert page.console_errors == []


def test_an_older_server_that_refuses_omit_is_asked_again_without_it(page, client):
    """An older server: JSON only, and a 422 for the field it does not know."""
    def older(route):
        body = json.loads(route.request.post_data)
        if "omit" in body:
            route.fulfill(status=422, content_type="application/json", body=json.dumps({"detail": [
                {"type": "extra_forbidden", "loc": ["body", "omit"], "msg": "Extra inputs are not permitted"}]}))
        else:
            route.continue_(headers={k: v for k, v in route.request.headers.items() if k.lower() != "accept"})

    page.route("**/api/trace", older)
    sent, types, trace = open_and_read(page, client)
    assert [("omit" in json.loads(r.post_data)) for r in sent] == [True, False]
    assert types == [(422, "application/json"), (200, "application/json")]
    assert drawn_problems(page, trace) == []
    count, shape = expected_texts(page, trace)
    summary, hint = summary_and_hint(page)
    assert count in summary and shape in hint  # read off the params themselves
    assert page.is_hidden("#stage-status")
    assert len(page.console_errors) == 1 and page.console_errors[0].startswith(FAILED_RESOURCE.format(status=422))


def test_a_refusal_that_names_another_field_is_not_retried(page):
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/trace") else None)
    page.goto("/?topology=one_to_many&in=5")
    page.wait_for_selector("#stage-status:not([hidden])")
    assert len(sent) == 1 and "inputs[0]" in page.text_content("#stage-status")


PROGRESS_JS = """async () => {
  const api = await import("/static/js/api.js");
  const wire = await import("/static/js/wire-format.js");
  const request = {topology: "one_to_many", cell: "lstm", hidden_size: 256, length: 300};
  const answer = await fetch("/api/trace", {method: "POST", body: JSON.stringify({...request, omit: ["params", "grads"]}),
    headers: {"Content-Type": "application/json", Accept: wire.ACCEPT_PACKED}});
  const bytes = new Uint8Array(await answer.arrayBuffer());
  const real = window.fetch;
  const sent = [];
  window.fetch = async (url, init) => {  // the same answer, in pieces of 100 003 bytes, as a slow network hands it
    sent.push({url, accept: init.headers.Accept, body: JSON.parse(init.body)});
    return new Response(new ReadableStream({ start(c) {
      for (let k = 0; k < bytes.length; k += 100003) c.enqueue(bytes.slice(k, k + 100003));
      c.close(); } }), {headers: {"content-type": wire.PACKED_TYPE, "content-length": String(bytes.length)}});
  };
  const fractions = [];
  try {
    const trace = await api.fetchTrace(request, {omit: ["params", "grads"], onProgress: (f) => fractions.push(f)});
    return {fractions, bytes: bytes.length, sent, same: JSON.stringify(trace) === JSON.stringify(wire.decodeTrace(bytes)),
            steps: trace.steps.length, shapes: trace.param_shapes.W_hh};
  } finally {
    window.fetch = real;
  }
}"""


def test_a_large_packed_answer_shows_its_progress_and_is_read_whole(page):
    page.goto("/favicon.ico")  # a page of our origin
    found = page.evaluate(PROGRESS_JS)
    assert found["bytes"] > 2_000_000 and found["same"] and found["steps"] == 300
    assert found["sent"][0]["body"]["omit"] == ["params", "grads"] and found["sent"][0]["accept"].startswith(PACKED)
    fractions = found["fractions"]
    assert len(fractions) == -(-found["bytes"] // 100003) and fractions == sorted(fractions) and fractions[-1] == 1
    assert found["shapes"] == [1024, 256]


# The stage first, plotly.js after ----------------------------------------------------------------

WATCH = """
window.__seen = {};
new MutationObserver(() => {
  const now = performance.now();
  if (!window.__seen.stage && document.querySelector("#stage [data-h]")) window.__seen.stage = now;
  if (!window.__seen.script && document.querySelector("script[src*='plotly']")) {
    window.__seen.script = now;
    window.__seen.stageAtScript = Boolean(document.querySelector("#stage [data-h]"));
    window.__seen.plotlyAtScript = typeof window.Plotly;
  }
}).observe(document, { subtree: true, childList: true });"""


def test_the_stage_is_drawn_before_plotly_runs_and_the_charts_after(page, client):
    page.add_init_script(WATCH)
    sent, types, trace = open_and_read(page, client, "?topology=many_to_many&cell=gru&h=8")
    seen = page.evaluate("window.__seen")
    marks = page.evaluate("""() => Object.fromEntries(["unroll:stage", "unroll:drawn"]
        .map((name) => [name, performance.getEntriesByName(name)[0].startTime]))""")
    # plotly.js is only preloaded by the page's head; its <script> comes after the stage is drawn
    assert page.locator("head script[src*='plotly']").count() == 1
    assert page.locator("link[rel=preload][as=script][href*='/vendor/plotly-cartesian-']").count() == 1
    assert seen["stageAtScript"] and seen["plotlyAtScript"] == "undefined"
    assert seen["stage"] <= seen["script"] and marks["unroll:stage"] <= seen["script"] <= marks["unroll:drawn"]
    z = page.evaluate("() => document.getElementById('heatmap').data[0].z")
    assert z == [[s["h"][unit] for s in trace["steps"]] for unit in range(8)]
    norms = page.evaluate("() => document.getElementById('dh-chart').data[0].y")
    assert norms == [s["dh_norm"] for s in trace["steps"]]
    # a new trace redraws both marks, the charts with plotly already there
    page.fill("#seed", "7")
    page.press("#seed", "Tab")
    page.wait_for_function("() => performance.getEntriesByName('unroll:drawn').length === 2")
    assert page.evaluate("performance.getEntriesByName('unroll:stage').length") == 2
    assert page.locator("script[src*='plotly']").count() == 1
    assert page.console_errors == []


@pytest.mark.parametrize("failure", ["missing", "broken"])
def test_charts_that_cannot_load_plotly_say_so_and_the_stage_stays(page, client, failure):
    if failure == "missing":
        page.route("**/vendor/plotly-cartesian-*", lambda route: route.fulfill(status=404, body="not here"))
    else:  # a script that runs but defines no Plotly (a proxy's error page, a truncated file)
        page.route("**/vendor/plotly-cartesian-*", lambda route: route.fulfill(
            status=200, content_type="text/javascript", body="// cut short"))
    sent, types, trace = open_and_read(page, client)
    assert drawn_problems(page, trace) == []
    for chart in ("#heatmap", "#dh-chart"):
        assert "The charts need plotly.js, which did not load." in page.text_content(chart)
    own = FAILED_RESOURCE.format(status=404)  # the browser's line about the missing file
    assert [e for e in page.console_errors if not e.startswith(own)] == []


def test_every_module_the_page_runs_is_preloaded_from_the_start(page, client):
    """<link rel="modulepreload"> for each module visualizer.js imports, directly or not (the
    server reads the imports): all are asked for at once, none is left out or extra."""
    open_and_read(page, client, "?topology=one_to_one")
    preloaded = page.evaluate("""() => [...document.querySelectorAll("link[rel=modulepreload]")]
        .map((l) => new URL(l.href).pathname)""")
    loaded = page.evaluate("""() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)
        .filter((p) => p.startsWith("/static/js/"))""")
    assert sorted(preloaded) == sorted(set(loaded) - {"/static/js/visualizer.js"})
    assert len(preloaded) == len(set(preloaded)) > 30
    assert page.console_errors == []


def test_while_plotly_loads_the_charts_say_so_and_the_stage_plays(page, client):
    held = []
    page.route("**/vendor/plotly-cartesian-*", lambda route: held.append(route))
    page.goto("/?topology=many_to_many")
    page.wait_for_function("() => performance.getEntriesByName('unroll:stage').length > 0")
    page.wait_for_function("() => document.getElementById('heatmap').textContent === 'Loading the charts…'")
    assert page.text_content("#dh-chart") == "Loading the charts…"
    assert page.is_hidden("#heatmap-overlay") and page.is_hidden("#dh-overlay")  # no playhead over nothing
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-playhead]').dataset.t === '1'")
    assert page.evaluate("performance.getEntriesByName('unroll:drawn').length") == 0
    for route in held:
        route.continue_()
    page.wait_for_function("() => performance.getEntriesByName('unroll:drawn').length === 1")
    assert page.is_visible("#heatmap-overlay .playhead-box") and "Loading" not in page.text_content("#heatmap")
    assert page.evaluate("() => document.getElementById('heatmap').data[0].z.length") == 8
    assert page.console_errors == []

"""How the page loads (docs/page.md, "How the page loads"): its trace in the packed form without
params and grads, read exactly; a server that only speaks JSON (or a proxy that drops the Accept
header) and an older server that refuses `omit` draw the same numbers; the charts are drawn with
the stage, by the page itself, from the same numbers."""

import json

from .unroll_page import FAILED_RESOURCE, STAGE, drawn, heatmap_problems, mismatches, wait_for_trace

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


# The charts: drawn by the page with the stage, no library ----------------------------------------

def test_the_charts_are_drawn_with_the_stage_from_its_numbers_and_load_no_library(page, client):
    sent, types, trace = open_and_read(page, client, "?topology=many_to_many&cell=gru&h=8")
    marks = page.evaluate("""() => ["unroll:stage", "unroll:drawn"].map((name) => performance.getEntriesByName(name).length)""")
    assert marks == [1, 1]
    scripts = page.evaluate("""() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)
        .filter((p) => !p.startsWith("/static/") && !p.startsWith("/api/") && p !== "/favicon.ico")""")
    assert scripts == [] and page.locator("script[src*='plotly'], link[href*='plotly']").count() == 0
    T = len(trace["steps"])
    assert page.get_attribute("#heatmap [data-heatmap]", "data-rows") == "8"
    assert page.get_attribute("#heatmap [data-heatmap]", "data-columns") == str(T)
    assert heatmap_problems(page, trace) == []  # every cell: the scale's colour of the API's h
    points = page.evaluate("""() => [...document.querySelectorAll("#dh-chart [data-dh-norm]")]
        .map((p) => [Number(p.dataset.t), Number(p.dataset.value)])""")
    assert points == [[s["t"], s["dh_norm"]] for s in trace["steps"]]  # String(x) read back: exact
    # a new trace redraws both, with the stage
    page.fill("#seed", "7")
    page.press("#seed", "Tab")
    page.wait_for_function("() => performance.getEntriesByName('unroll:drawn').length === 2")
    assert page.evaluate("performance.getEntriesByName('unroll:stage').length") == 2
    trace = whole_answer(client, json.loads(sent[-1].post_data))
    assert json.loads(sent[-1].post_data)["seed"] == 7
    wait_for_trace(page, trace)
    assert heatmap_problems(page, trace) == []
    assert page.console_errors == []


def near_the_pointer(page, x: float, y: float) -> bool:
    """Is the charts' tooltip just above (or below) the pointer at (x, y), beside it?"""
    box = page.locator("#chart-tooltip").bounding_box()
    return box["x"] - 40 <= x <= box["x"] + box["width"] + 40 and (0 <= y - (box["y"] + box["height"]) <= 30 or 0 <= box["y"] - y <= 30)


def test_hovering_a_chart_gives_the_exact_number_and_a_click_seeks(page, client):
    sent, types, trace = open_and_read(page, client, "?topology=many_to_one&cell=lstm&h=4")
    T = len(trace["steps"])
    cells = page.locator("#heatmap [data-heatmap]").bounding_box()
    # the cell of step 2, unit 3
    page.mouse.move(cells["x"] + cells["width"] * (2.5 / T), cells["y"] + cells["height"] * (3.5 / 4))
    said, number = page.text_content("#chart-tooltip").split(" = ", 1)[1].rsplit(" = ", 1)
    assert said == "2, unit 3: h" and float(number) == trace["steps"][2]["h"][3]  # String(x): exact
    assert page.is_visible("#chart-tooltip")
    assert near_the_pointer(page, cells["x"] + cells["width"] * (2.5 / T), cells["y"] + cells["height"] * (3.5 / 4))
    plot = page.locator("#dh-chart .norm-plot").bounding_box()
    page.mouse.move(plot["x"] + plot["width"] * (1.5 / T), plot["y"] + plot["height"] / 2)
    said, number = page.text_content("#chart-tooltip").rsplit(" = ", 1)
    assert said == "t = 1: ‖dL/dh‖" and float(number) == trace["steps"][1]["dh_norm"]
    assert near_the_pointer(page, plot["x"] + plot["width"] * (1.5 / T), plot["y"] + plot["height"] / 2)
    page.mouse.click(plot["x"] + plot["width"] * (3.5 / T), plot["y"] + plot["height"] / 2)
    page.wait_for_function("() => document.querySelector('[data-playhead]').dataset.t === '3'")
    page.mouse.move(2, 2)
    assert page.is_hidden("#chart-tooltip")
    assert page.console_errors == []


def test_every_module_is_preloaded_and_the_later_views_wait_for_the_stage(page, client):
    """<link rel="modulepreload"> for each module the page runs (the server reads the imports):
    the first drawing's from the start, all asked for at once; the later views'
    (visualizer-later.js and what it alone imports) only once the stage is drawn; none is left
    out, asked for twice or extra. The catalog is preloaded with the modules."""
    open_and_read(page, client, "?topology=one_to_one")
    preloaded = page.evaluate("""() => [...document.querySelectorAll("link[rel=modulepreload]")]
        .map((l) => new URL(l.href).pathname)""")
    loaded = page.evaluate("""() => Object.fromEntries(performance.getEntriesByType("resource")
        .map((e) => [new URL(e.name).pathname, e.startTime]))""")
    stage = page.evaluate("performance.getEntriesByName('unroll:stage')[0].startTime")
    modules = {path for path in loaded if path.startswith("/static/js/")}
    assert sorted(preloaded) == sorted(modules - {"/static/js/visualizer.js"})
    assert len(preloaded) == len(set(preloaded))
    later = [p for p in preloaded if loaded[p] > stage]
    first = [p for p in preloaded if loaded[p] <= stage]
    assert len(first) > 30 and "/static/js/stage.js" in first and "/static/js/charts.js" in first
    assert {"/static/js/visualizer-later.js", "/static/js/inspector.js", "/static/js/mathml.js"} <= set(later)
    for path in ("/api/topologies", "/api/tasks", "/api/presets", "/api/limits", "/static/lessons/index.json"):
        assert loaded[path] <= max(loaded[p] for p in first), path  # asked before the modules are in
    assert page.console_errors == []


def test_the_later_views_wait_for_the_stage_and_a_failed_load_says_so(page, client):
    """The inspector, exports and Generate tab come after the stage (visualizer-later.js): when
    their module cannot be fetched, the stage is drawn all the same, and the notice says what is
    missing, with "Try again" (which reloads the page)."""
    page.route("**/static/js/visualizer-later.js", lambda route: route.abort())
    page.goto("/?topology=many_to_one&t=2")
    page.wait_for_selector("#notice[data-kind=error]:not([hidden])")
    assert "inspector" in page.text_content("#notice-text") and page.is_visible("#notice-retry")
    assert page.evaluate("performance.getEntriesByName('unroll:drawn').length") == 1
    assert page.evaluate("performance.getEntriesByName('unroll:ready').length") == 0
    assert page.locator("#stage [data-h]").count() > 0 and page.text_content("#step-details") == ""
    page.unroute("**/static/js/visualizer-later.js")
    page.click("#notice-retry")
    page.wait_for_function("() => performance.getEntriesByName('unroll:ready').length > 0")
    page.wait_for_selector("#step-details .inspector-title")
    assert page.text_content("#step-details .inspector-title").startswith("Step t = 2")
    assert page.is_hidden("#notice")
    page.console_errors = [e for e in page.console_errors if not ("visualizer-later.js" in e or "net::ERR_FAILED" in e)]
    assert page.console_errors == []


def test_a_slow_catalog_says_so_and_a_dead_one_offers_a_retry(page):
    """The catalog is preloaded and usually in when the module runs: "Connecting…" shows only
    when it is slow, then the page draws; a server that cannot be reached says so, with a retry."""
    held = []
    page.route("**/api/limits", lambda route: held.append(route))
    page.goto("/?topology=one_to_one")
    page.wait_for_selector("#notice:not([hidden])")
    assert "Connecting" in page.text_content("#notice-text")
    for route in held:
        route.continue_()
    page.unroute("**/api/limits")
    page.wait_for_selector(STAGE)
    assert page.is_hidden("#notice")
    page.route("**/api/limits", lambda route: route.abort("connectionrefused"))
    page.reload()
    page.wait_for_selector("#notice[data-kind=error]:not([hidden])")
    assert "cannot be reached" in page.text_content("#notice-text") and page.is_visible("#notice-retry")
    page.unroute("**/api/limits")
    page.click("#notice-retry")
    page.wait_for_selector(STAGE)
    assert page.is_hidden("#notice")
    page.console_errors = [e for e in page.console_errors if "net::ERR_" not in e]
    assert page.console_errors == []

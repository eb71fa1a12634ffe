"""The visualizer's behaviour where a newcomer found it wanting (the front-end issue): the log
axis's labels, the slider's and the Present button's names, the title of what is drawn, the
weight labels under the mouse, a refused input, the input field's keys, a phone, and a saved
training loaded from a file."""

import itertools
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

from .conftest import returning_context, screenshot
from .unroll_page import STAGE, drawn, mismatches, open_view, playhead, playing, press, redraw, stage

OVERLAP = """(selector) => {
  const boxes = [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0);
  const pairs = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5) pairs.push([a.top, b.top]);
  }));
  return {count: boxes.length, pairs};
}"""


def test_the_log_axis_labels_never_overlap_however_many_decades(page):
    """A long seq2seq GRU: the gradient spans many decades, the vanishing case a teacher shows."""
    trace = open_view(page, "?topology=seq2seq&cell=gru&h=33&len=120&phase=backward&t=0")
    norms = [s["dh_norm"] for s in trace["steps"] if s["dh_norm"] > 0]
    assert max(norms) / min(norms) > 1e10  # the case of the report: many decades
    ticks = page.evaluate(OVERLAP, "#dh-chart .chart-tick")
    assert ticks["count"] >= 2 and ticks["pairs"] == [], ticks
    screenshot(page, "many-decades")


def test_the_slider_has_its_value_from_the_start_and_present_says_present(page):
    trace = open_view(page, "?topology=many_to_many")
    slider = page.locator("[role=slider]")
    assert slider.get_attribute("aria-valuenow") == "0"
    assert slider.get_attribute("aria-valuemax") == str(2 * len(trace["steps"]) - 1)
    present = page.get_by_role("button", name="Present", exact=True)
    assert present.count() == 1 and present.text_content().strip() == "Present"


def test_the_title_names_the_drawn_cell_until_the_new_one_is_drawn(page):
    open_view(page, "?topology=many_to_one")
    held = []
    page.route("**/api/trace", lambda route: held.append(route))
    page.click("[data-cell-choice=lstm]")
    page.wait_for_function("() => document.querySelector('[data-cell-choice=lstm]').getAttribute('aria-checked') === 'true'")
    page.wait_for_timeout(200)
    assert held and "RNN tanh" in page.text_content("#stage-title") and "LSTM" not in page.text_content("#stage-title")
    with page.expect_response("**/api/trace"):
        held[0].continue_()
    page.unroute("**/api/trace")
    page.wait_for_function("() => document.querySelector('[data-stage]').dataset.cell === 'lstm'")
    assert "LSTM" in page.text_content("#stage-title")


def test_the_mouse_on_a_weight_label_lights_every_copy(page):
    for query in ("?topology=many_to_many", "?topology=seq2seq&cell=lstm", "?topology=many_to_one&present=1"):
        trace = open_view(page, query)
        label = page.locator(".weight[data-weight-key$='W_hh']").first
        key = label.get_attribute("data-weight-key")
        label.hover()  # Playwright checks that the label itself receives the pointer
        lit = page.locator(f"[data-weight-key='{key}'].lit-weight")
        copies = page.locator(f"[data-weight-key='{key}']")
        assert lit.count() == copies.count() > 1
        block, _, name = key.rpartition(".")
        matrix = trace["params"][block][name] if block else trace["params"][name]
        assert f"{name}: one {len(matrix)}×{len(matrix[0])} matrix" in page.text_content("#stage-hint")
        page.mouse.move(2, 2)
        assert page.locator(".lit-weight").count() == 0


def test_a_refused_input_leaves_a_drawing_marked_stale_and_the_link_on_what_is_drawn(page):
    trace = open_view(page, "?topology=one_to_many")
    before = page.url
    with page.expect_response("**/api/trace") as answer:
        page.fill("#inputs-field", "5")
        page.press("#inputs-field", "Enter")
    assert answer.value.status == 422
    page.wait_for_selector("#stage-status:not([hidden])")
    assert "Not redrawn" in page.text_content("#stage-status") and "inputs[0]" in page.text_content("#stage-status")
    assert page.get_attribute("[data-stage]", "data-stale") == "true"
    assert page.url == before  # the link still opens what is drawn
    assert int(stage(page)["steps"]) == len(trace["steps"])
    screenshot(page, "stale")
    redraw(page, lambda: (page.fill("#inputs-field", "0.5"), page.press("#inputs-field", "Enter")))
    assert page.get_attribute("[data-stage]", "data-stale") == "false" and page.is_hidden("#stage-status")
    assert parse_qs(urlparse(page.url).query)["in"] == ["0.5"]


def test_a_bad_link_in_presenter_mode_says_why_nothing_is_drawn(page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    with page.expect_response("**/api/trace") as answer:
        page.goto("/?topology=one_to_many&in=5&present=1")
    assert answer.value.status == 422
    page.wait_for_selector("#stage-status:not([hidden])")
    status = page.text_content("#stage-status")
    assert status.startswith("Nothing to draw: inputs[0]") and page.is_visible("#stage-status")
    assert "in=5" in page.url  # nothing was drawn: the link stays as it was opened
    screenshot(page, "bad-link-presenting")


def test_the_input_field_is_left_by_enter_and_esc_and_run_starts_the_new_input(page):
    open_view(page, "?topology=many_to_one&t=3")
    assert playhead(page) == ("forward", 3)
    redraw(page, lambda: (page.fill("#inputs-field", "the film was good"), page.press("#inputs-field", "Enter")))
    assert playhead(page) == ("forward", 0)  # Run starts the new input from its first step
    assert page.evaluate("() => document.activeElement.id") == "stage"
    press(page, " ")
    assert playing(page)  # Space plays: it no longer types a space into the field
    press(page, " ")
    page.focus("#inputs-field")
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.id") != "inputs-field"
    redraw(page, lambda: (press(page, "End"), page.fill("#inputs-field", "it was bad"), page.click("#inputs-apply")))
    assert playhead(page) == ("forward", 0)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_phone_shows_one_column_and_the_settings_behind_a_button(browser, live_url):
    for width in (390, 360):
        context = returning_context(browser, viewport={"width": width, "height": 800}, base_url=live_url, has_touch=True)
        try:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            trace = open_view(page, "?topology=many_to_many")
            assert no_sideways_scroll(page), page.evaluate("() => document.documentElement.scrollWidth")
            page.wait_for_selector("#main[data-ready]", state="attached")
            column = (("stage", ".stage-panel"), ("player", ".player"), ("heatmap", ".chart:has(#heatmap)"),
                      ("norms", ".chart:has(#dh-chart)"), ("train", "#live"), ("inspector", ".inspector"))
            boxes = {name: page.locator(sel).bounding_box() for name, sel in column}
            assert all(b and b["width"] > 0.8 * width - 40 for b in boxes.values()), boxes
            # one column, each panel below the last: none drawn over another (the charts once
            # overflowed a row clamped to the screen's height, under the Train panel)
            tops = [(name, boxes[name]["y"], boxes[name]["y"] + boxes[name]["height"]) for name, _ in column]
            for (above, _, bottom), (below, top, _) in itertools.pairwise(tops):
                assert bottom <= top + 0.5, (above, below, tops)
            assert page.is_hidden("#settings-panel")
            page.click("#settings-button")
            assert page.is_visible("#settings-panel") and page.get_attribute("#settings-button", "aria-expanded") == "true"
            assert no_sideways_scroll(page)
            assert mismatches(page, trace, "h") == [] and len(drawn(page, "h")) > 0
            screenshot(page, f"phone-{width}")
            assert errors == []
        finally:
            context.close()


def test_a_saved_training_opens_from_a_file(page, client, tmp_path):
    saved = tmp_path / "ner.json"
    subprocess.run([sys.executable, "-m", "app", "train", "--task", "named_entities", "--cell", "gru",
                    "--hidden-size", "6", "--steps", "5", "--out", str(saved)], check=True, capture_output=True)
    open_view(page, "?topology=many_to_one")
    trace = redraw(page, lambda: page.set_input_files("#weights-file", str(saved)))
    request = trace["_request"]
    assert request["params"] == json.loads(saved.read_text())["params"]
    assert (request["topology"], request["cell"], request["hidden_size"]) == ("many_to_many", "gru", 6)
    assert stage(page)["topology"] == "many_to_many" and stage(page)["cell"] == "gru"
    page.wait_for_selector(STAGE)
    assert "ner.json" in page.text_content("#weights-note") and "ner.json" in page.text_content("#stage-summary")
    press(page, "End")
    assert mismatches(page, client.post("/api/trace", json=request).json(), "h") == []
    # Another hidden size is another network: the seeded weights are drawn, and the note says so.
    trace = redraw(page, lambda: (page.fill("#hidden-size", "4"), page.press("#hidden-size", "Tab")))
    assert "params" not in trace["_request"] and "not drawn" in page.text_content("#weights-note")
    bad = tmp_path / "bad.json"
    bad.write_text('{"config": {}}')
    page.set_input_files("#weights-file", str(bad))
    page.wait_for_function("() => /is not a saved training/.test(document.getElementById('weights-note').textContent)")
    assert page.console_errors == []


def test_the_gradient_hint_says_only_what_the_drawn_trace_does(page, client):
    """'vanishes' and 'explodes' are computed from the trace they describe."""
    for query, request, verdict in (
            ("?topology=many_to_one&len=60&rho=0.5", {"topology": "many_to_one", "length": 60, "recurrent_scale": 0.5}, "vanishes"),
            ("?topology=many_to_one&cell=rnn-relu&len=60&rho=3", {"topology": "many_to_one", "activation": "relu", "length": 60,
                                                                "recurrent_scale": 3.0}, "explodes"),
            ("?topology=many_to_one", {"topology": "many_to_one"}, None)):
        open_view(page, query)
        hint = page.text_content("[data-gradient-hint]")
        norms = [s["dh_norm"] for s in client.post("/api/trace", json=request).json()["steps"]]
        share = norms[0] / norms[-1]
        assert ("vanishes" in hint) == (share < 1e-3) and ("explodes" in hint) == (share > 1e3), (hint, share)
        if verdict:
            assert verdict in hint


def test_two_inputs_compared_unit_by_unit(page, client):
    first, second = "the film was not good and it was long", "the film was very good and it was long"
    trace = open_view(page, f"?topology=many_to_one&cell=lstm&trained=1&in={first.replace(' ', '+')}&t=4")
    assert page.is_hidden("#compare")
    page.fill("#compare-field", second)
    page.click("[data-part=compare-apply]")
    page.wait_for_selector("#compare:not([hidden]) [data-diff]")
    other = client.post("/api/trace", json={**trace["_request"], "inputs": second.split()}).json()
    diffs = page.evaluate("() => [...document.querySelectorAll('[data-diff]')].map((e) => ({...e.dataset}))")
    assert len(diffs) == len(trace["steps"]) * trace["hidden_size"]
    for d in diffs:
        t, u = int(d["t"]), int(d["unit"])
        assert float(d["value"]) == trace["steps"][t]["h"][u] - other["steps"][t]["h"][u]
    top = [int(u) for u in page.evaluate("() => [...document.querySelectorAll('[data-diff-top]')].map((e) => e.dataset.unit)")]
    at4 = [abs(trace["steps"][4]["h"][u] - other["steps"][4]["h"][u]) for u in range(trace["hidden_size"])]
    assert sorted(top) == sorted(sorted(range(len(at4)), key=lambda u: -at4[u])[:3])  # the units that changed most
    assert "negative and positive" in page.text_content("#compare-words")  # 'not good' against 'very good'
    assert parse_qs(urlparse(page.url).query)["vs"] == [second]
    page.click("#compare-close")
    assert page.is_hidden("#compare") and "vs" not in parse_qs(urlparse(page.url).query)
    assert page.console_errors == []

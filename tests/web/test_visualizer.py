"""The visualizer in a real browser: for every topology and cell, what the stage draws is the
API's answer exactly, the keys move the playhead as documented (docs/page.md), and the page
logs no errors and fetches nothing from elsewhere."""

import json
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import returning_context, screenshot
from .unroll_page import (
    FAILED_RESOURCE,
    STAGE,
    TOPOLOGIES,
    controls,
    drawings,
    drawn,
    drawn_steps,
    expected_count,
    mismatches,
    only_local,
    open_view,
    overlapping_labels,
    playhead,
    playing,
    press,
    redraw,
    stage,
)

CELLS = ["rnn-tanh", "lstm", "gru"]
SMALL = {"width": 1366, "height": 768}
LARGE = {"width": 1920, "height": 1080}


def next_playhead(key: str, phase: str, t: int, T: int) -> tuple[str, int]:
    """The documented move: ←/→ walk t = 0 … T−1 forward then T−1 … 0 backward; Home/End are
    the first/last step of the current pass."""
    position = t if phase == "forward" else T + (T - 1 - t)
    if key == "ArrowRight":
        position = min(position + 1, 2 * T - 1)
    elif key == "ArrowLeft":
        position = max(position - 1, 0)
    elif key == "Home":
        return phase, 0 if phase == "forward" else T - 1
    elif key == "End":
        return phase, T - 1 if phase == "forward" else 0
    return ("forward", position) if position < T else ("backward", 2 * T - 1 - position)


def value_problems(page, trace: dict) -> list[str]:
    """Drawn values that differ from the API's, and drawn counts that differ from what the
    revealed steps hold (every step's h, c, p, y once revealed)."""
    phase, t = playhead(page)
    steps = drawn_steps(page)
    revealed = [s for s in steps if phase == "backward" or s <= t]
    problems = []
    for name in "hcpy":
        problems += mismatches(page, trace, name)
        shown = drawn(page, name)
        want = expected_count(trace, name, revealed)
        if len(shown) != want:
            problems.append(f"{len(shown)} [data-{name}] drawn, {want} expected for steps {revealed}")
        holding = sorted(s for s in revealed if expected_count(trace, name, [s]))
        if sorted({int(d["t"]) for d in shown}) != holding:
            problems.append(f"[data-{name}] drawn for t in {sorted({int(d['t']) for d in shown})}, "
                            f"expected {holding}")
    return problems


def gradient_problems(page, trace: dict) -> list[str]:
    """In the backward pass: one [data-dh-norm] per drawn step with t ≥ the playhead's, equal to
    the API's dh_norm; none in the forward pass."""
    phase, t = playhead(page)
    norms = drawn(page, "dh-norm")
    want = sorted(s for s in drawn_steps(page) if s >= t) if phase == "backward" else []
    problems = []
    if sorted(int(d["t"]) for d in norms) != want:
        problems.append(f"[data-dh-norm] drawn for t in {sorted(int(d['t']) for d in norms)}, expected {want}")
    for d in norms:
        api = trace["steps"][int(d["t"])]["dh_norm"]
        if float(d["value"]) != api:
            problems.append(f"dh_norm t={d['t']}: drawn {d['value']}, API {api}")
    return problems


def url_playhead(page) -> tuple[str, int]:
    query = parse_qs(urlparse(page.url).query)
    return query.get("phase", ["forward"])[0], int(query.get("t", ["0"])[0])


def resize(page, viewport: dict):
    """Change the viewport and wait for the stage to be redrawn at the new width."""
    before = page.get_attribute("#stage svg", "width")
    page.set_viewport_size(viewport)
    page.wait_for_function("(w) => document.querySelector('#stage svg').getAttribute('width') !== w", arg=before)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_every_topology_and_cell_draws_the_api_answer(page, live_url, topology, cell):
    page.set_viewport_size(SMALL)
    trace = open_view(page, f"?topology={topology}&cell={cell}&speed=4")
    T = len(trace["steps"])
    H = trace["hidden_size"]
    assert stage(page)["topology"] == topology
    assert stage(page)["cell"] == cell.split("-")[0]
    assert int(stage(page)["steps"]) == T
    assert playhead(page) == ("forward", 0) and not playing(page)
    steps = drawn_steps(page)
    assert steps and 0 in steps and steps == list(range(steps[0], steps[-1] + 1))
    assert value_problems(page, trace) == []  # only step 0 revealed
    assert overlapping_labels(page) == []

    # End: the whole forward pass is revealed, and every drawn number is the API's.
    press(page, "End")
    assert playhead(page) == ("forward", T - 1)
    steps = drawn_steps(page)
    assert T - 1 in steps
    assert len(drawn(page, "h")) == H * len(steps)
    assert value_problems(page, trace) == []
    assert gradient_problems(page, trace) == []
    assert overlapping_labels(page) == []
    if cell == CELLS[0]:
        screenshot(page, f"visualizer-{topology}-1366x768")

    # B plays the backward pass from t = T−1; End goes to its last step (t = 0) and pauses.
    press(page, "b")
    assert playhead(page)[0] == "backward"
    press(page, "End")
    assert playhead(page) == ("backward", 0) and not playing(page)
    assert len(drawn(page, "dh-norm")) == len(drawn_steps(page))
    assert gradient_problems(page, trace) == []
    assert value_problems(page, trace) == []
    assert overlapping_labels(page) == []
    if cell == CELLS[0]:
        screenshot(page, f"visualizer-{topology}-backward-1366x768")

    # ←/→/Home/End walk the 2T positions as documented, paused, and the URL follows at once.
    state = ("backward", 0)
    walk = ["Home", "ArrowLeft", "Home", "ArrowLeft", "ArrowRight", "ArrowRight", "ArrowLeft", "End",
            "ArrowRight", "ArrowLeft", "ArrowRight", "ArrowRight", "Home", "End", "ArrowRight", "Home",
            "ArrowLeft", "Home"]
    for key in walk:
        press(page, key)
        state = next_playhead(key, *state, T)
        assert (key, playhead(page)) == (key, state)
        assert not playing(page)
        assert url_playhead(page) == state
        assert gradient_problems(page, trace) == []
    assert state == ("forward", 0)
    assert value_problems(page, trace) == []

    # Space plays (at 4×, a step every fraction of a second), Space again pauses.
    start = playhead(page)  # forward, t = 0
    press(page, " ")
    if T > 1:
        page.wait_for_function(
            "([p, t]) => { const e = document.querySelector('[data-playhead]'); return e.dataset.phase !== p || Number(e.dataset.t) !== t; }",
            arg=list(start), timeout=5_000)
        press(page, " ")
        assert not playing(page)
        paused = playhead(page)
        assert paused[0] == "forward" and paused[1] > 0
        page.wait_for_timeout(450)  # two steps' time at 4×: a paused playhead stays
        assert playhead(page) == paused
    else:
        page.wait_for_function("() => document.getElementById('btn-play').dataset.playing === 'false'")
        assert playhead(page) == start

    if cell == CELLS[0]:
        press(page, "End")
        resize(page, LARGE)
        assert overlapping_labels(page) == []
        assert value_problems(page, trace) == []
        screenshot(page, f"visualizer-{topology}-1920x1080")

    assert page.console_errors == []
    assert only_local(page, live_url) == []


# URL state ---------------------------------------------------------------------------------------


def watch_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def view_of(page) -> dict:
    """Everything a restored view must show again: controls, stage, playhead, drawn values."""
    return {"controls": controls(page), "stage": stage(page), "playhead": playhead(page),
            "h": drawn(page, "h"), "p": drawn(page, "p")}


def test_a_copied_link_and_a_reload_restore_the_view(page, live_url):
    open_view(page, "?topology=many_to_many")
    redraw(page, lambda: page.click("[data-cell-choice=lstm]"))
    redraw(page, lambda: (page.fill("#hidden-size", "12"), page.press("#hidden-size", "Tab")))
    redraw(page, lambda: (page.fill("#seed", "7"), page.press("#seed", "Tab")))
    page.evaluate("() => document.activeElement.blur()")
    for _ in range(3):
        press(page, "ArrowRight")
    assert playhead(page) == ("forward", 3)
    link = page.url
    query = parse_qs(urlparse(link).query)
    assert {k: query.get(k) for k in ("topology", "cell", "h", "seed", "t")} == {
        "topology": ["many_to_many"], "cell": ["lstm"], "h": ["12"], "seed": ["7"], "t": ["3"]}
    before = view_of(page)
    assert before["controls"]["cell"] == ["lstm"] and before["controls"]["hiddenSize"] == "12"
    assert before["controls"]["seed"] == "7" and before["stage"]["cell"] == "lstm"

    copy = page.context.new_page()
    errors = watch_errors(copy)
    open_view(copy, link)
    assert view_of(copy) == before
    with copy.expect_response("**/api/trace"):
        copy.reload()
    copy.wait_for_selector(STAGE)
    assert view_of(copy) == before

    # The backward pass's playhead is restored too.
    press(copy, "b")
    press(copy, "End")
    press(copy, "ArrowLeft")
    assert playhead(copy) == ("backward", 1)
    with copy.expect_response("**/api/trace"):
        copy.reload()
    copy.wait_for_selector(STAGE)
    assert playhead(copy) == ("backward", 1)
    assert len(drawn(copy, "dh-norm")) == len([s for s in drawn_steps(copy) if s >= 1])
    assert errors == [] and page.console_errors == []
    assert only_local(page, live_url) == []


STRIP_COLOURS = """async (trace) => {
  const { limitsOf, valueColor } = await import("/static/js/scales.js");
  const limits = limitsOf(trace);
  return [...document.querySelectorAll("#stage [data-h], #stage [data-c]")].flatMap((cell) => {
    const name = cell.hasAttribute("data-h") ? "h" : "c";
    const want = valueColor(trace.steps[Number(cell.dataset.t)][name][Number(cell.dataset.unit)], limits[name]);
    return cell.getAttribute("fill") === want ? [] : [`${name} t=${cell.dataset.t} unit=${cell.dataset.unit}: ${cell.getAttribute("fill")}, want ${want}`];
  });
}"""


def test_a_new_seed_is_drawn_into_the_cells_it_keeps_as_a_direct_load_draws_it(page):
    """A new seed's trace has the last one's shape: each column keeps its h and c cells (they are
    neither built nor laid out again, static/js/stage-column.js), and every cell then shows the new
    trace's number in its colour; the stage is, element for element, the one its link draws."""
    view = "?topology=many_to_many&cell=lstm&h=8&len=12&t=11"
    open_view(page, view)
    page.evaluate("() => document.querySelectorAll('#stage [data-h], #stage [data-c]').forEach((c) => { c.drawnBefore = true; })")
    trace = redraw(page, lambda: (page.fill("#seed", "5"), page.press("#seed", "Tab")))
    assert playhead(page) == ("forward", 11)
    assert value_problems(page, trace) == []
    assert page.evaluate(STRIP_COLOURS, trace) == []
    assert len(drawn(page, "h")) == len(drawn(page, "c")) == 8 * len(drawn_steps(page)) > 0
    assert page.evaluate("() => [...document.querySelectorAll('#stage [data-h], #stage [data-c]')].every((c) => c.drawnBefore)")
    direct = page.context.new_page()
    assert open_view(direct, view + "&seed=5")["steps"] == trace["steps"]
    stage_svg = "() => document.querySelector('#stage svg').outerHTML"
    assert page.evaluate(stage_svg) == direct.evaluate(stage_svg)


@pytest.mark.parametrize(("field", "key", "value"), [("length", "len", "9"), ("seed", "seed", "7")])
def test_enter_in_a_number_field_applies_that_number(page, field, key, value):
    """Typing a number and pressing Enter (as one does) must do what Tab does."""
    open_view(page, "?topology=many_to_one")
    before = drawings(page)
    page.fill(f"#{field}", value)
    page.press(f"#{field}", "Enter")
    page.wait_for_function("(n) => performance.getEntriesByName('unroll:drawn').length > n", arg=before)
    page.wait_for_load_state("networkidle")
    query = parse_qs(urlparse(page.url).query)
    assert query.get(key) == [value]
    assert "in" not in query  # the example is still the one sampled from the seed and length
    if field == "length":
        assert stage(page)["steps"] == value
    assert page.input_value(f"#{field}") == value
    assert page.console_errors == []


# Keyboard -----------------------------------------------------------------------------------------

FOCUSED = """() => {
  const e = document.activeElement;
  const text = (node) => (node?.textContent || "").replace(/\\s+/g, " ").trim();
  let name = "";
  const by = e.getAttribute("aria-labelledby");
  if (by) name = by.split(/\\s+/).map((id) => text(document.getElementById(id))).join(" ").trim();
  if (!name) name = (e.getAttribute("aria-label") || "").trim();
  if (!name && e.labels && e.labels.length) name = [...e.labels].map(text).join(" ").trim();
  if (!name && !["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName)) name = text(e);
  if (!name) name = (e.getAttribute("title") || "").trim();
  const style = getComputedStyle(e);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none"
    || (e instanceof SVGElement && Number(style.fontWeight) >= 700);
  return {
    tag: e.tagName, id: e.id, role: e.getAttribute("role"), name, ring,
    topology: e.dataset?.topologyChoice ?? null, cell: e.dataset?.cellChoice ?? null,
  };
}"""


def tab_through(page, limit: int = 80) -> list[dict]:
    """Every element Tab reaches from the top of the page, in order, once."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY" or (seen and focused == seen[0]):
            break
        seen.append(focused)
    return seen


def test_every_control_is_reachable_by_tab_and_named(page):
    open_view(page, "")
    reached = tab_through(page)
    ids = {f["id"] for f in reached}
    # Each radio group (WAI-ARIA's pattern) is one Tab stop, its checked button.
    assert [f["topology"] for f in reached if f["topology"]] == ["many_to_one"]
    assert [f["cell"] for f in reached if f["cell"]] == ["rnn-tanh"]
    assert all(f["role"] == "radio" for f in reached if f["topology"] or f["cell"])
    for needed in ("trained", "inputs-field", "inputs-apply", "hidden-size", "length", "seed", "new-seed",
                   "weights-file", "btn-home", "btn-back", "btn-play", "btn-forward", "btn-end", "btn-backward", "speed"):
        assert needed in ids, f"#{needed} is not reachable by Tab"
    assert any(f["role"] == "slider" for f in reached), "the timeline is not reachable by Tab"
    assert [f for f in reached if not f["name"]] == [], "focusable elements without an accessible name"
    assert [f for f in reached if not f["ring"]] == [], "focused elements without a visible focus ring"

    # The arrow keys move the choice within a group, and wrap; the playhead keys stay out of it.
    page.evaluate("() => document.activeElement.blur()")
    while page.evaluate(FOCUSED)["topology"] is None:
        page.keyboard.press("Tab")
    for topology in ["many_to_many", "seq2seq", "one_to_one"]:
        redraw(page, lambda: page.keyboard.press("ArrowRight"))
        assert page.evaluate(FOCUSED)["topology"] == topology
        assert stage(page)["topology"] == topology and controls(page)["topology"] == [topology]
    redraw(page, lambda: page.keyboard.press("ArrowLeft"))
    assert page.evaluate(FOCUSED)["topology"] == "seq2seq"
    assert playhead(page) == ("forward", 0)  # the arrows chose topologies; they did not step
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["topology"] is None  # one Tab stop: Shift+Tab leaves the group
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["topology"] == "seq2seq"
    redraw(page, lambda: page.keyboard.press("Home"))
    assert stage(page)["topology"] == "one_to_one"
    # Space on a focused radio presses it (it does not play).
    page.keyboard.press(" ")
    assert playhead(page) == ("forward", 0) and not playing(page)

    while page.evaluate(FOCUSED)["cell"] is None:
        page.keyboard.press("Tab")
    for cell in ["rnn-relu", "lstm", "gru"]:
        redraw(page, lambda: page.keyboard.press("ArrowDown"))
        assert page.evaluate(FOCUSED)["cell"] == cell and controls(page)["cell"] == [cell]
    assert stage(page)["cell"] == "gru"
    assert page.console_errors == []


def test_number_keys_presenter_mode_and_the_shortcuts_dialog(page):
    open_view(page, "")
    for k, topology in enumerate(TOPOLOGIES):
        redraw(page, lambda k=k: press(page, str(k + 1)))
        assert stage(page)["topology"] == topology
        assert controls(page)["topology"] == [topology]
        assert parse_qs(urlparse(page.url).query).get("topology", ["many_to_one"]) == [topology]

    press(page, "f")
    assert page.evaluate("() => document.body.classList.contains('presenting')")
    assert parse_qs(urlparse(page.url).query).get("present") == ["1"]
    press(page, "F")
    assert not page.evaluate("() => document.body.classList.contains('presenting')")

    press(page, "?")
    assert page.locator("dialog#shortcuts").is_visible()
    press(page, "Escape")
    assert not page.locator("dialog#shortcuts").is_visible()

    # Keys typed into a field stay in the field.
    page.fill("#inputs-field", "")
    page.type("#inputs-field", "b 2 f")
    assert page.input_value("#inputs-field") == "b 2 f"
    assert playhead(page) == ("forward", 0) and not playing(page)
    assert stage(page)["topology"] == "seq2seq"
    assert not page.evaluate("() => document.body.classList.contains('presenting')")
    assert page.console_errors == []


# Motion -------------------------------------------------------------------------------------------

SAMPLE_MOTION = """() => {
  const m = window.__motion = {frames: 0, animations: 0, animated: 0, entering: 0};
  const tick = () => {
    m.frames += 1;
    m.animations = Math.max(m.animations, document.getAnimations().length);
    const entering = document.querySelectorAll("#stage .entering");
    m.entering = Math.max(m.entering, entering.length);
    for (const column of entering) {
      for (const child of column.querySelectorAll("*")) {
        if (getComputedStyle(child).animationName !== "none") m.animated += 1;
      }
    }
    if (!m.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_plays_in_instant_steps(browser, live_url, motion):
    context = returning_context(browser, viewport=SMALL, base_url=live_url, reduced_motion=motion)
    try:
        page = context.new_page()
        errors = watch_errors(page)
        trace = open_view(page, "?topology=many_to_many&speed=4")
        T = len(trace["steps"])
        page.evaluate(SAMPLE_MOTION)
        press(page, " ")
        page.wait_for_function("(T) => document.querySelector('[data-playhead]').dataset.t === String(T - 1)", arg=T)
        page.wait_for_timeout(400)  # the last step's reveal
        m = page.evaluate("() => { window.__motion.stop = true; return window.__motion; }")
        assert m["frames"] > 0
        if motion == "reduce":
            assert (m["animations"], m["animated"]) == (0, 0), m
        else:  # the control: the same play animates the reveal when motion is welcome
            assert m["entering"] > 0 and m["animated"] > 0, m
        assert playhead(page) == ("forward", T - 1)
        assert errors == []
    finally:
        context.close()


# The input editor and security ---------------------------------------------------------------------

PAYLOAD = "<img src=x onerror=alert(1)>"


def browser_errors_only(errors: list[str], status) -> list[str]:
    """The console errors left once the browser's own line about a failed answer is set aside."""
    own = FAILED_RESOURCE.format(status=status)
    return [e for e in errors if not e.startswith(own)]


def api_field(item: dict) -> str:
    """A 422 detail item's location as the page names it: ["body", "inputs", 3] -> inputs[3]."""
    name = ""
    for part in item["loc"][1:]:
        name = f"{name}[{part}]" if isinstance(part, int) else f"{name}.{part}" if name else str(part)
    return name


def submit_inputs(page, text: str):
    """Type inputs and press Enter; return the API's answer to what the page sent."""
    with page.expect_response("**/api/trace") as answer:
        page.fill("#inputs-field", text)
        page.press("#inputs-field", "Enter")
    return answer.value


def test_typed_html_read_as_words_draws_as_text_and_runs_nothing(page):
    """A task with a vocabulary reads any word: the payload's pieces are words it does not know,
    and they draw as the token `<unk>`, itself shown as text."""
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_view(page, "?topology=many_to_one")
    trace = redraw(page, lambda: (page.fill("#inputs-field", PAYLOAD), page.press("#inputs-field", "Enter")))
    assert [s["x_label"] for s in trace["steps"]] == ["<unk>"] * 3
    assert "<unk>" in page.text_content("#stage")
    page.wait_for_timeout(300)  # an onerror would have run by now
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.evaluate("() => [...document.querySelectorAll('*')].filter((e) => e.hasAttribute('onerror')).length") == 0
    assert page.console_errors == []


@pytest.mark.parametrize("topology", ["one_to_many"])
def test_typed_html_is_shown_as_text_and_runs_nothing(page, client, topology):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    trace = open_view(page, f"?topology={topology}")
    drawn_h = len(drawn(page, "h"))
    answer = submit_inputs(page, PAYLOAD)
    assert answer.status == 422
    detail = client.post("/api/trace", json=json.loads(answer.request.post_data)).json()["detail"]
    page.wait_for_selector("#inputs-error:not([hidden])")
    error = page.text_content("#inputs-error")
    assert f"{api_field(detail[0])}: {detail[0]['msg']}" in error
    assert api_field(detail[0]).startswith("inputs[0]")
    assert page.get_attribute("#inputs-field", "aria-invalid") == "true"
    page.wait_for_timeout(300)  # an onerror would have run by now
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.evaluate("() => [...document.querySelectorAll('*')].filter((e) => e.hasAttribute('onerror')).length") == 0
    # The last good drawing stays.
    assert int(stage(page)["steps"]) == len(trace["steps"])
    assert len(drawn(page, "h")) == drawn_h
    assert page.is_hidden("#notice") or "inputs" not in page.text_content("#notice")
    assert browser_errors_only(page.console_errors, 422) == []


def test_a_bad_token_is_named_beside_the_field(page):
    open_view(page, "?topology=many_to_one")
    assert submit_inputs(page, "the plot was ???").status == 422  # no letter or digit: no word
    page.wait_for_selector("#inputs-error:not([hidden])")
    assert "inputs[3]" in page.text_content("#inputs-error") and "???" in page.text_content("#inputs-error")
    assert stage(page)["steps"] == "5"
    trace = redraw(page, lambda: (page.fill("#inputs-field", "the plot was good"), page.press("#inputs-field", "Enter")))
    assert trace["_request"]["inputs"] == ["the", "plot", "was", "good"]
    assert stage(page)["steps"] == "4"
    assert page.is_hidden("#inputs-error")
    assert page.get_attribute("#inputs-field", "aria-invalid") == "false"
    assert parse_qs(urlparse(page.url).query).get("in") == ["the plot was good"]
    assert browser_errors_only(page.console_errors, 422) == []


def test_the_page_and_its_assets_send_the_security_headers(page, live_url):
    answers = []
    page.on("response", lambda answer: answers.append(answer))
    document = page.goto("/")
    page.wait_for_selector(STAGE)
    policy = {}
    for directive in document.headers["content-security-policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval
    assert policy["default-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert document.headers["x-content-type-options"] == "nosniff"
    ours = [a for a in answers if a.url.startswith(live_url)]
    assert len(ours) > 5  # the page, its modules and styles, the API
    for answer in ours:
        assert answer.headers.get("x-content-type-options") == "nosniff", answer.url
        assert "content-security-policy" in answer.headers, answer.url
    assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") == 0
    assert page.console_errors == []


# Trained weights --------------------------------------------------------------------------------


def test_trained_weights_draw_the_preset(page, client):
    presets = {p["id"]: p for p in client.get("/api/presets").json()}
    open_view(page, "?topology=many_to_one&cell=lstm")
    trace = redraw(page, lambda: page.check("#trained"))
    preset = presets["sentiment-lstm"]
    assert trace["_request"].get("preset") == "sentiment-lstm"
    assert trace["hidden_size"] == preset["config"]["hidden_size"]
    assert page.input_value("#hidden-size") == str(preset["config"]["hidden_size"])
    assert int(stage(page)["steps"]) == len(trace["steps"])
    assert f"{100 * preset['accuracy']:.1f} %" in page.text_content("#trained-note")
    assert parse_qs(urlparse(page.url).query).get("trained") == ["1"]
    page.evaluate("() => document.activeElement.blur()")
    press(page, "End")
    assert value_problems(page, trace) == []
    api = client.post("/api/trace", json=trace["_request"]).json()
    p = drawn(page, "p")
    assert playhead(page) == ("forward", len(trace["steps"]) - 1)
    assert p and all(float(d["value"]) == api["steps"][int(d["t"])]["p"][int(d["class"])] for d in p)

    # A reload keeps the preset; changing the hidden size leaves it.
    with page.expect_response("**/api/trace") as again:
        page.reload()
    assert json.loads(again.value.request.post_data).get("preset") == "sentiment-lstm"
    page.wait_for_selector(STAGE)
    assert page.is_checked("#trained")
    trace = redraw(page, lambda: (page.fill("#hidden-size", "4"), page.press("#hidden-size", "Tab")))
    assert "preset" not in trace["_request"] and trace["hidden_size"] == 4
    assert not page.is_checked("#trained")
    assert page.console_errors == []


# A busy or dead server ------------------------------------------------------------------------------


def test_a_busy_server_is_retried_with_a_notice(page):
    calls = []

    def busy_once(route):
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1"}, content_type="application/json",
                          body='{"detail": "the server is busy"}')
        else:
            route.continue_()

    page.route("**/api/trace", busy_once)
    page.goto("/?topology=many_to_many")
    page.wait_for_selector("#notice:not([hidden])")
    page.wait_for_function("() => /busy/.test(document.getElementById('notice-text').textContent)")
    assert page.is_hidden("[data-stage][data-steps]")
    page.wait_for_selector(STAGE, timeout=15_000)
    assert len(calls) == 2
    assert stage(page)["topology"] == "many_to_many"
    page.wait_for_selector("#notice", state="hidden")
    assert browser_errors_only(page.console_errors, 503) == []


def test_a_dead_server_gets_a_clear_message_and_a_retry(page):
    failures = []
    page.on("pageerror", lambda e: failures.append(str(e)))
    page.route("**/api/trace", lambda route: route.abort("connectionrefused"))
    page.goto("/?topology=many_to_many")
    page.wait_for_selector("#notice-retry:not([hidden])")
    message = page.text_content("#notice-text")
    assert "cannot be reached" in message
    assert page.is_visible("#notice") and page.get_attribute("#notice", "data-kind") == "error"
    assert page.get_attribute("#stage", "data-empty") == "true"
    assert failures == []
    assert [e for e in page.console_errors if "ERR_CONNECTION_REFUSED" not in e] == []

    # The server is back: "Try again" draws the view.
    page.unroute("**/api/trace")
    with page.expect_response("**/api/trace"):
        page.click("#notice-retry")
    page.wait_for_selector(STAGE)
    assert stage(page)["topology"] == "many_to_many"
    page.wait_for_selector("#notice", state="hidden")
    assert failures == []
    assert not message.endswith("?."), f"the message reads {message!r}"


def test_the_keys_still_work_after_ticking_a_checkbox(page):
    """A checkbox is not a text field: after ticking one, End and B still move the playhead
    (only Space, which toggles a focused checkbox, belongs to it)."""
    trace = open_view(page, "?topology=many_to_many")
    T = len(trace["steps"])
    redraw(page, lambda: page.click("#trained"))
    assert page.evaluate("() => document.activeElement.id") == "trained"
    press(page, "End")
    assert playhead(page) == ("forward", T - 1)
    press(page, "ArrowRight")
    assert playhead(page) == ("backward", T - 1)


# Pointer seeking and odd links -----------------------------------------------------------------


def test_clicking_a_step_the_timeline_or_the_heatmap_seeks(page):
    page.set_viewport_size(SMALL)
    trace = open_view(page, "?topology=many_to_many")
    T = len(trace["steps"])
    page.click("[data-step='3'] .column-hit", position={"x": 4, "y": 4})
    assert playhead(page) == ("forward", 3)
    track = page.locator("[role=slider]").bounding_box()
    y = track["y"] + track["height"] / 2
    page.mouse.click(track["x"] + track["width"] * 0.85, y)  # position ⌊0.85 · 2T⌋ of 2T
    position = int(0.85 * 2 * T)
    assert playhead(page) == ("backward", 2 * T - 1 - position)
    assert page.get_attribute("[role=slider]", "aria-valuenow") == str(position)
    page.mouse.click(track["x"] + track["width"] * 0.02, y)
    assert playhead(page) == ("forward", 0)
    plot = page.locator("#heatmap [data-heatmap]").bounding_box()
    page.mouse.click(plot["x"] + plot["width"] * (2.5 / T), plot["y"] + plot["height"] / 2)
    page.wait_for_function("() => document.querySelector('[data-playhead]').dataset.t === '2'")
    assert playhead(page) == ("forward", 2)
    assert page.console_errors == []


def test_a_link_with_bad_values_opens_the_defaults(page):
    trace = open_view(page, "?topology=nope&cell=lstm2&h=0&seed=-1&t=99&phase=sideways&speed=3&trained=yes")
    T = len(trace["steps"])
    assert stage(page)["topology"] == "many_to_one" and stage(page)["cell"] == "rnn"
    assert trace["hidden_size"] == 8 and trace["_request"]["seed"] == 0
    assert "preset" not in trace["_request"]
    assert playhead(page) == ("forward", T - 1)  # t = 99 is past the end: the last step
    query = parse_qs(urlparse(page.url).query)
    assert query == {"t": [str(T - 1)]}
    assert page.console_errors == []

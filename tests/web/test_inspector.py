"""The inspector in a real browser (docs/page.md, "The inspector"): every number it shows is
/api/explain's for its name and unit, forward and backward, for every cell on two topologies; the
gradient chain's links likewise; the gate diagram's units are the trace's gates; the keyboard
selects a step and walks its numbers; fold then unfold ends in the drawing a direct load gives;
nothing logs an error and axe finds nothing serious."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import SCREENSHOTS, screenshot
from .unroll_page import FAILED_RESOURCE, drawn, open_view, playhead, press, stage, wait_playhead

CELLS = ["rnn-tanh", "rnn-relu", "lstm", "gru"]
TOPOLOGIES = ["many_to_one", "seq2seq"]
SMALL = {"width": 1366, "height": 768}
LARGE = {"width": 1920, "height": 1080}
SERIOUS = {"serious", "critical"}

_SHOWN = """(root) => [...document.querySelectorAll(root + " [data-value]")].map((e) => ({...e.dataset}))"""


def wait_inspected(page, t: int, phase: str, chain: bool = True):
    """Until the inspector shows step t's answer in `phase` (its status empty: not the lines it
    draws before the answer comes, nor the last step's, faded), and the chain."""
    page.wait_for_function(
        """([t, phase, chain]) => {
          const root = document.querySelector("[data-inspector]");
          const links = document.querySelector("[data-chain]");
          return root && root.dataset.t === String(t) && root.dataset.phase === phase
            && root.querySelector("[data-value]") && !root.querySelector(".pending") && !root.classList.contains("pending")
            && root.querySelector(".inspector-status").textContent === ""
            && (!chain || t === 0 || (links.dataset.t === String(t) && links.querySelector("[data-chain-k]")));
        }""", arg=[t, phase, chain], timeout=30_000)


def explained(client, trace: dict, t: int) -> dict:
    r = client.post("/api/explain", json={**trace["_request"], "t": t})
    assert r.status_code == 200, r.text
    return r.json()


def answer_value(answer: dict, name: str):
    for part in ("forward", "backward"):
        if answer[part] is not None and name in answer[part]:
            return answer[part][name]
    raise KeyError(name)


def inspector_problems(page, answer: dict) -> list[str]:
    """Every [data-value] of the inspector that is not the answer's number for its name and unit."""
    wrong = []
    for d in page.evaluate(_SHOWN, "[data-inspector]"):
        value = answer_value(answer, d["name"])
        expected = value[int(d["unit"])] if "unit" in d else value
        if float(d["value"]) != expected:
            wrong.append(f"{d['name']}[{d.get('unit')}]: shown {d['value']}, API {expected}")
    return wrong


def names_shown(page) -> set[str]:
    return {d["name"] for d in page.evaluate(_SHOWN, "[data-inspector]")}


def expected_names(answer: dict, phase: str, x_label) -> set[str]:
    part = answer[phase]
    names = {k for k, v in part.items() if v is not None}
    return names - ({"x"} if x_label is not None else set())


def chain_problems(page, chain: list[dict]) -> list[str]:
    """The chart's [data-chain-k] (one per link) and the written-out numbers against the API's."""
    links = page.evaluate("""() => [...document.querySelectorAll("[data-chain] [data-chain-k]")].map((e) => ({...e.dataset}))""")
    by_k = {link["k"]: link for link in chain}
    problems = []
    if [int(d["k"]) for d in links] != [link["k"] for link in chain]:
        problems.append(f"links drawn for k in {[d['k'] for d in links]}, API {list(by_k)}")
    for d in links:
        api = by_k.get(int(d["k"]), {})
        if (float(d["factor"]), float(d["product"])) != (api.get("factor"), api.get("product")):
            problems.append(f"k={d['k']}: drawn {d['factor']}, {d['product']}, API {api}")
    written = page.evaluate("""() => [...document.querySelectorAll("[data-chain] mn[data-k]")].map((e) => ({...e.dataset}))""")
    if len(chain) and not written:
        problems.append("no product written out")
    for d in written:
        for field in ("factor", "product"):
            if field in d and float(d[field]) != by_k[int(d["k"])][field]:
                problems.append(f"written {field} k={d['k']}: {d[field]}, API {by_k[int(d['k'])][field]}")
    return problems


def gate_problems(page, trace: dict, t: int) -> list[str]:
    gates = page.evaluate("""() => [...document.querySelectorAll("[data-cell-diagram] [data-gate]")].map((g) => ({
      name: g.dataset.name, t: g.dataset.t,
      units: [...g.querySelectorAll("[data-gate-unit]")].map((u) => [Number(u.dataset.unit), u.dataset.value]) }))""")
    step = trace["steps"][t]
    problems = []
    if sorted(g["name"] for g in gates) != sorted(step["gates"]):  # drawn left to right: f i g o, z r n
        problems.append(f"gates drawn {[g['name'] for g in gates]}, trace {list(step['gates'])}")
    for g in gates:
        values = step["gates"][g["name"]]
        if int(g["t"]) != t or [u for u, _ in g["units"]] != list(range(len(values))):
            problems.append(f"gate {g['name']}: t={g['t']} units {len(g['units'])}")
        problems += [f"{g['name']}[{u}]: {v} != {values[u]}" for u, v in g["units"] if float(v) != values[u]]
    return problems


def steps_of(topology: str, trace: dict) -> tuple[int, int]:
    """(forward t, backward t): an output step, and a step with gradient from both sides."""
    T = len(trace["steps"])
    if topology == "seq2seq":
        decoder = next(s["t"] for s in trace["steps"] if s["role"] == "decoder")
        return decoder + 1, decoder  # the decoder's first step: its chain crosses the hand-over
    return T - 1, T - 2


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_every_number_is_the_apis(page, client, topology, cell):
    page.set_viewport_size(SMALL)
    trace = open_view(page, f"?topology={topology}&cell={cell}")
    forward_t, backward_t = steps_of(topology, trace)
    for phase, t in (("forward", forward_t), ("backward", backward_t)):
        trace = open_view(page, f"?topology={topology}&cell={cell}&phase={phase}&t={t}")
        wait_inspected(page, t, phase)
        answer = explained(client, trace, t)
        step = trace["steps"][t]
        assert inspector_problems(page, answer) == []
        missing = expected_names(answer, phase, step["x_label"]) - names_shown(page)
        assert missing == set(), f"{phase} t={t}: not shown {missing}"
        assert chain_problems(page, answer["chain"]) == []
        if cell in ("lstm", "gru"):
            assert gate_problems(page, trace, t) == []
        # A vector shows its first units, and all of them on request.
        name = "h" if phase == "forward" else "dh"
        assert len(page.query_selector_all(f"[data-inspector] [data-name={name}]")) == min(4, trace["hidden_size"])
        page.click("[data-inspector] .show-all")
        assert len(page.query_selector_all(f"[data-inspector] [data-name={name}]")) == trace["hidden_size"]
        assert inspector_problems(page, answer) == []
        if phase == "backward":
            words = page.text_content("[data-inspector] .shrink-words")
            shrink = answer["backward"]["shrink"]
            assert shrink is None or "of the gradient" in words or "grows" in words, words
    assert page.console_errors == []


def test_a_seq2seq_chain_says_where_it_crosses_the_hand_over(page, client):
    trace = open_view(page, "?topology=seq2seq&cell=gru&phase=backward&t=0")
    decoder = next(s["t"] for s in trace["steps"] if s["role"] == "decoder")
    t = decoder + 2
    trace = open_view(page, f"?topology=seq2seq&cell=gru&phase=backward&t={t}")
    wait_inspected(page, t, "backward")
    text = page.text_content("[data-chain]")
    assert f"crosses the hand-over at k = {decoder - 1}" in text
    assert page.is_visible("[data-chain] .chain-handover")
    assert chain_problems(page, explained(client, trace, t)["chain"]) == []


def test_the_inspector_follows_the_playhead_and_keeps_what_it_was_told(page, client):
    trace = open_view(page, "?topology=many_to_many&cell=lstm&len=12")
    wait_inspected(page, 0, "forward")
    explains = lambda: [u for u in page.requests if u.endswith("/api/explain")]  # noqa: E731
    press(page, "ArrowRight")
    wait_inspected(page, 1, "forward")
    assert inspector_problems(page, explained(client, trace, 1)) == []
    asked = len(explains())
    press(page, "ArrowLeft")  # back to a step already opened: from the cache, at once
    assert page.get_attribute("[data-inspector]", "data-t") == "0"
    assert not page.query_selector("[data-inspector] .pending")
    assert inspector_problems(page, explained(client, trace, 0)) == []
    assert len(explains()) == asked
    # A burst of moves asks for the step where they end, not for every step on the way.
    asked = len(explains())
    for _ in range(6):
        press(page, "ArrowRight")
    wait_inspected(page, 6, "forward")
    assert inspector_problems(page, explained(client, trace, 6)) == []
    assert len(explains()) - asked <= 4, explains()[asked:]  # the first step's, then step 6's terms and chain
    press(page, "Home")
    asked = len(explains())
    # Playing asks for nothing until the playhead rests.
    press(page, " ")
    page.wait_for_function("() => document.querySelector('[data-playhead]').dataset.t === '3'", timeout=10_000)
    assert len(explains()) == asked
    press(page, " ")
    _, t = playhead(page)
    wait_inspected(page, t, "forward")
    assert inspector_problems(page, explained(client, trace, t)) == []
    assert page.console_errors == []


def test_a_click_or_enter_on_a_step_selects_it_and_its_numbers_light_their_units(page):
    open_view(page, "?topology=many_to_many&cell=gru")
    page.click("[data-step='2'] .column-hit", position={"x": 4, "y": 4})
    wait_inspected(page, 2, "forward")
    assert playhead(page) == ("forward", 2)
    # The inspector's panel, beside the stage below the introduction, scrolls to the step's top.
    details = page.evaluate("""() => {
      const panel = document.getElementById('inspector-panel'), box = panel.getBoundingClientRect();
      return { top: document.getElementById('step-details').getBoundingClientRect().top - box.top,
               height: panel.clientHeight, scrolled: panel.scrollTop };
    }""")
    assert details["scrolled"] > 0 and 0 <= details["top"] < details["height"] / 2, details
    # The playhead's column is the stage's one Tab stop; the player's keys move the playhead and
    # the focus with it; Enter on a focused column selects that step and opens it.
    tabindex = page.eval_on_selector_all("#stage [data-step]", "(n) => n.map((e) => [e.dataset.step, e.getAttribute('tabindex')])")
    assert [step for step, index in tabindex if index == "0"] == ["2"]
    assert all(index == "-1" for step, index in tabindex if step != "2")
    page.focus("#stage [data-step='2']")
    press(page, "ArrowRight")
    wait_inspected(page, 3, "forward")
    assert page.evaluate("() => document.activeElement.dataset.step") == "3"
    page.focus("#stage [data-step='1']")
    press(page, "Enter")
    wait_inspected(page, 1, "forward")
    assert playhead(page) == ("forward", 1)
    assert page.evaluate("() => document.activeElement.classList.contains('inspector-title')")
    press(page, "ArrowRight")  # the player's keys still step, from the inspector's title
    press(page, "ArrowRight")
    wait_inspected(page, 3, "forward")
    page.focus("[data-inspector] .inspector-title")
    # Tab reaches the numbers as one stop; the arrows walk them and each lights its unit.
    for _ in range(4):
        press(page, "Tab")
        if page.evaluate("() => document.activeElement.matches('[data-inspector] [data-value]')"):
            break
    focused = page.evaluate("() => ({...document.activeElement.dataset})")
    assert focused["name"] == "h_prev" and focused["unit"] == "0"
    lit = page.evaluate("() => [...document.querySelectorAll('#stage .lit-unit')].map((e) => ({...e.dataset}))")
    assert [(d["t"], d["unit"]) for d in lit] == [("2", "0")]  # h_{t−1}: unit 0 of step 2
    press(page, "ArrowRight")
    focused = page.evaluate("() => ({...document.activeElement.dataset})")
    assert (focused["name"], focused["unit"]) == ("h_prev", "1")
    assert playhead(page) == ("forward", 3)  # the arrows walked the numbers, not the playhead
    lit = page.evaluate("() => [...document.querySelectorAll('#stage .lit-unit')].map((e) => e.dataset.unit)")
    assert lit == ["1"]
    # Hovering a gate unit of the diagram lights it too.
    page.hover("[data-cell-diagram] [data-gate][data-name=z] [data-gate-unit][data-unit='3']")
    lit = page.evaluate("() => [...document.querySelectorAll('#stage .lit-unit')].map((e) => [e.dataset.t, e.dataset.unit])")
    assert lit == [["3", "3"]]
    assert page.console_errors == []


def test_a_step_whose_answer_is_slow_says_so_and_the_last_one_fades_meanwhile(page):
    open_view(page, "?topology=many_to_one&t=1")
    wait_inspected(page, 1, "forward")
    held, hold = [], [True]
    page.route("**/api/explain", lambda route: held.append(route) if hold[0] else route.continue_())
    page.evaluate("""() => {  // what the inspector shows, at each change of its class or step
      const root = document.querySelector("[data-inspector]");
      window.__shown = [];
      new MutationObserver(() => window.__shown.push([root.dataset.t, root.classList.contains("pending")]))
        .observe(root, { attributes: true, attributeFilter: ["class", "data-t"] });
    }""")
    press(page, "ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-inspector]').dataset.t === '2'", timeout=5_000)
    # At first the last step's lines stay, faded (no empty lines typeset for a moment's answer)…
    assert page.evaluate("window.__shown")[0] == ["1", True]
    # …then a slow answer gets the step's own title and status.
    assert "Opening step 2 up" in page.text_content("[data-inspector] .inspector-status")
    assert not page.evaluate("() => document.querySelector('[data-inspector]').classList.contains('pending')")
    hold[0] = False
    for route in held:
        route.continue_()
    wait_inspected(page, 2, "forward")
    assert page.console_errors == []


def test_a_refused_or_failed_explain_says_so(page):
    def refuse_step_1(route):  # in place before the page asks anything: no race with step 0's requests
        if json.loads(route.request.post_data)["t"] != 1:
            return route.continue_()
        return route.fulfill(status=422, content_type="application/json", body=(
            '{"detail": [{"type": "value_error", "loc": ["body", "t"], "msg": "must be 0 to 5, got 9"}]}'))
    page.route("**/api/explain", refuse_step_1)
    open_view(page, "?topology=many_to_one")
    wait_inspected(page, 0, "forward")
    page.evaluate("() => { window.__status = document.querySelector('[data-inspector] .inspector-status'); }")
    press(page, "ArrowRight")
    page.wait_for_function("() => document.querySelector('[data-inspector] .inspector-status').textContent.includes('could not')")
    assert "t: must be 0 to 5, got 9" in page.text_content("[data-inspector] .inspector-status")
    # said in the live region that was there before (a screen reader speaks its changes, not a new one's)
    assert page.evaluate("() => document.querySelector('[data-inspector] .inspector-status') === window.__status")
    own = FAILED_RESOURCE.format(status=422)
    assert [e for e in page.console_errors if not e.startswith(own)] == []


# Fold ⇄ unfold ---------------------------------------------------------------------------------

_SVG = "() => document.querySelector('#stage svg').outerHTML"
_MARKS = "(name) => performance.getEntriesByName(name).length"


def svg_differences(a: str, b: str) -> list[str]:
    """The elements (one a line) where two drawings differ, the first few."""
    import difflib
    lines = lambda svg: svg.replace("><", ">\n<").split("\n")  # noqa: E731
    return [d[:240] for d in difflib.unified_diff(lines(a), lines(b), lineterm="", n=0) if d[:1] in "+-"][:8]


def wait_mark(page, name: str, before: int):
    page.wait_for_function(f"(n) => ({_MARKS})({name!r}) > n", arg=before, timeout=10_000)


_LIT = "() => [...new Set([...document.querySelectorAll('#stage .lit-unit')].map((e) => e.dataset.t + '/' + e.dataset.unit))]"
_ACTIVE = "() => document.activeElement.dataset.name + '/' + document.activeElement.dataset.unit"
_SEEK = "(t) => document.querySelector(`#stage [data-step='${t}']`).dispatchEvent(new MouseEvent('click', {bubbles: true}))"


# (view, step to play past): seq2seq's columns narrow at t = 28 there, where its window ends
@pytest.mark.parametrize("view, until", [("?topology=many_to_many&cell=lstm&len=40", 6), ("?topology=seq2seq&cell=gru&len=30", 29)])
def test_what_playing_builds_ahead_and_keeps_is_what_a_direct_load_draws(page, client, view, until):
    """Playing, the stage builds the next step's columns while it waits for that step, and the
    inspector typesets again only the lines whose formula or numbers change (docs/page.md): the
    state's lines ("…") stay the same nodes from step to step; paused (past a change of the
    columns' width), the stage is the drawing a direct load of that step gives, forward and then
    scrubbed to the backward pass, and the inspector's numbers are the API's, with one Tab stop."""
    page.set_viewport_size(SMALL)
    trace = open_view(page, view + "&speed=4")
    press(page, " ")
    at_least = "(t) => Number(document.querySelector('[data-inspector]').dataset.t) >= t"
    page.wait_for_function(at_least, arg=3, timeout=20_000)
    page.evaluate("() => { window.__lines = [...document.querySelectorAll('[data-inspector] .term')]; }")
    page.wait_for_function(at_least, arg=until, timeout=20_000)
    kept, lines = page.evaluate("() => [window.__lines.filter((n) => n.isConnected).length, window.__lines.length]")
    press(page, " ")
    assert lines > 10 and kept >= lines - 4, (kept, lines)  # new: the input's, y's and the target's lines
    phase, t = playhead(page)
    wait_inspected(page, t, phase)
    assert inspector_problems(page, explained(client, trace, t)) == []
    assert page.eval_on_selector_all("[data-inspector] .terms [tabindex='0']", "(n) => n.length") == 1
    played = page.evaluate(_SVG).replace(" entering", "")  # the last step's entrance, played out
    T = len(trace["steps"])
    box = page.eval_on_selector("#timeline .track", "(e) => { const b = e.getBoundingClientRect(); return [b.left, b.width, b.top + b.height / 2]; }")
    page.mouse.click(box[0] + box[1] * (2 * T - 1 - t + 0.5) / (2 * T), box[2])  # the backward pass's step t
    wait_playhead(page, "backward", t)
    scrubbed = page.evaluate(_SVG)
    open_view(page, f"{view}&t={t}")
    assert svg_differences(page.evaluate(_SVG), played) == []
    open_view(page, f"{view}&t={t}&phase=backward")
    assert svg_differences(page.evaluate(_SVG), scrubbed) == []
    assert page.console_errors == []


def test_a_number_pointed_at_keeps_its_focus_and_lights_its_unit_at_the_new_step(page):
    """The playhead moved (a click on a column: the focus stays in the inspector): a focused number
    whose line is typeset again is focused again in the new line, and one whose line is kept in
    place (a bias: the same at every step) lights its unit at the new step."""
    page.set_viewport_size(SMALL)
    open_view(page, "?topology=many_to_many&cell=rnn&t=2")
    wait_inspected(page, 2, "forward")
    page.focus("[data-inspector] [data-name=y][data-unit='0']")
    page.evaluate(_SEEK, 3)
    wait_inspected(page, 3, "forward")
    assert page.evaluate(_ACTIVE) == "y/0"
    page.focus("[data-inspector] [data-name=bx_h][data-unit='1']")
    assert page.evaluate(_LIT) == ["3/1"]
    page.evaluate("() => { window.__bias = document.activeElement; }")
    page.evaluate(_SEEK, 4)
    wait_inspected(page, 4, "forward")
    assert page.evaluate("() => window.__bias.isConnected && document.activeElement === window.__bias")
    assert page.evaluate(_LIT) == ["4/1"]
    assert page.console_errors == []


@pytest.mark.parametrize("view", ["?topology=many_to_many&cell=lstm&t=2", "?topology=seq2seq&cell=gru&len=30&t=20"])
def test_fold_then_unfold_ends_in_the_drawing_a_direct_load_gives(page, view):
    page.set_viewport_size(SMALL)
    trace = open_view(page, view)
    _, t = playhead(page)
    direct = page.evaluate(_SVG)
    values = {name: drawn(page, name) for name in ("h", "c", "p")}
    folds = page.evaluate(_MARKS, "unroll:folded")
    press(page, "u")
    wait_mark(page, "unroll:folded", folds)
    assert stage(page).get("folded") == "true"
    assert page.get_attribute("#btn-fold", "aria-pressed") == "true"
    assert [int(s) for s in page.eval_on_selector_all("#stage [data-step]", "(n) => n.map((e) => e.dataset.step)")] == [t]
    assert [d["t"] for d in drawn(page, "h")] == [str(t)] * trace["hidden_size"]
    assert page.is_visible("#stage .link-self-loop")
    screenshot(page, f"folded-{view.split('&')[0][10:]}-1366x768")
    unfolds = page.evaluate(_MARKS, "unroll:unfolded")
    page.click("#btn-fold")
    page.wait_for_timeout(350)  # mid-unfold (it takes 1.1 s)
    assert stage(page).get("folded") == "true"
    screenshot(page, f"mid-unfold-{view.split('&')[0][10:]}-1366x768")
    wait_mark(page, "unroll:unfolded", unfolds)
    assert "folded" not in stage(page)
    assert svg_differences(page.evaluate(_SVG), direct) == []
    assert {name: drawn(page, name) for name in ("h", "c", "p")} == values
    assert page.console_errors == []


def test_reduced_motion_folds_at_once_and_a_first_visit_unfolds_once(browser, live_url):
    context = browser.new_context(viewport=SMALL, base_url=live_url, reduced_motion="reduce")
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        open_view(page, "?topology=many_to_one")  # a first visit: folded, then unfolded once
        page.wait_for_function("() => !document.querySelector('[data-stage]').dataset.folded", timeout=10_000)
        assert page.evaluate("() => localStorage.getItem('unroll.unfolded')") == "1"
        direct = page.evaluate(_SVG)
        press(page, "U")
        assert stage(page).get("folded") == "true"  # at once: no animation
        assert page.evaluate("() => document.getAnimations().length") == 0
        press(page, "U")
        assert "folded" not in stage(page) and svg_differences(page.evaluate(_SVG), direct) == []
        open_view(page, "?topology=many_to_one")  # remembered: opens unfolded
        page.wait_for_timeout(800)
        assert "folded" not in stage(page)
        assert errors == []
    finally:
        context.close()


def test_a_first_visit_opens_folded_and_unfolds(browser, live_url):
    context = browser.new_context(viewport=SMALL, base_url=live_url)
    try:
        page = context.new_page()
        open_view(page, "?topology=many_to_many")
        assert stage(page).get("folded") == "true"
        page.wait_for_function("() => !document.querySelector('[data-stage]').dataset.folded", timeout=10_000)
        assert len(page.query_selector_all("#stage [data-step]")) > 1
    finally:
        context.close()


# Looks: the screenshots a student sees, nothing overlapping, large type when presenting -----------

_TEXT_BOXES = """(selector) => [...document.querySelectorAll(selector)].map((e) => {
  const r = e.getBoundingClientRect();
  return {text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
}).filter((b) => b.right > b.left && b.text.trim())"""

_SMALLEST = """(root) => {
  let smallest = Infinity, where = null;
  for (const node of document.querySelectorAll(root + " *")) {
    const own = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own || node.closest("[hidden]") || !node.getClientRects().length) continue;
    let size = parseFloat(getComputedStyle(node).fontSize);
    const svg = node.closest("svg");
    if (svg && svg.getScreenCTM()) size *= svg.getScreenCTM().a;
    if (size < smallest) { smallest = size; where = node.textContent.slice(0, 40); }
  }
  return [smallest, where];
}"""


def overlaps(page, selector: str) -> list[str]:
    boxes = page.evaluate(_TEXT_BOXES, selector)
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and \
                    min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5:
                pairs.append(f"{a['text']!r} overlaps {b['text']!r}")
    return pairs


def element_shot(page, selector: str, name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator(selector).scroll_into_view_if_needed()
    page.locator(selector).screenshot(path=SCREENSHOTS / f"{name}.png")


def panel_shot(page, name: str):
    screenshot(page, name)
    element_shot(page, "aside.inspector", f"{name}-panel")


@pytest.mark.parametrize("cell", ["rnn-tanh", "lstm", "gru"])
@pytest.mark.parametrize("size", ["1366x768", "1920x1080-presenting"])
def test_screenshots_nothing_overlaps_and_presenter_type_is_large(page, cell, size):
    presenting = size.endswith("presenting")
    page.set_viewport_size(LARGE if presenting else SMALL)
    query = f"?topology=seq2seq&cell={cell}&t=6{'&present=1' if presenting else ''}"
    page.add_init_script("localStorage.setItem('unroll.intro', 'closed')")
    open_view(page, query)
    if presenting:  # presenter mode keeps the stage to itself until I brings the inspector
        assert not page.is_visible("[data-inspector]")
        press(page, "i")
    assert page.is_visible("[data-inspector]")
    wait_inspected(page, 6, "forward")
    panel_shot(page, f"inspector-{cell}-forward-{size}")
    if cell != "rnn-tanh":
        element_shot(page, "[data-cell-diagram]", f"cell-diagram-{cell}-{size}")
        assert overlaps(page, "[data-cell-diagram] text") == []
    open_view(page, query.replace("t=6", "t=5&phase=backward"))
    if presenting:
        page.click("#btn-inspector")
        assert page.get_attribute("#btn-inspector", "aria-pressed") == "true"
    wait_inspected(page, 5, "backward")
    panel_shot(page, f"inspector-{cell}-backward-{size}")
    element_shot(page, "[data-chain]", f"chain-{cell}-{size}")
    assert overlaps(page, "[data-chain] svg text") == []
    if presenting:
        smallest, where = page.evaluate(_SMALLEST, "aside.inspector")
        assert smallest >= 24, (smallest, where)
    assert page.console_errors == []


@pytest.mark.parametrize("phase", ["forward", "backward"])
def test_axe_finds_nothing_serious_in_the_inspector(page, phase):
    open_view(page, f"?topology=seq2seq&cell=lstm&t=5&phase={phase}")
    wait_inspected(page, 5, phase)
    results = Axe().run(page)
    findings = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert findings == []
    assert page.console_errors == []

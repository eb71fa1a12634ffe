"""The visualizer in a real browser: for every topology and cell, what the stage draws is the
API's answer exactly, the keys move the playhead as documented (docs/page.md), and the page
logs no errors and fetches nothing from elsewhere."""

from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import screenshot
from .unroll_page import (
    TOPOLOGIES,
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
        page.wait_for_timeout(600)  # three steps' time at 4×: a paused playhead stays
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

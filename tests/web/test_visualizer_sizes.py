"""The largest traces the API allows: past what fits, the stage draws a window of steps around
the playhead at full size, nothing overlaps, and the heatmap and the timeline cover all of T."""

import pytest

from .conftest import screenshot
from .test_visualizer import SMALL, gradient_problems, value_problems
from .unroll_page import (
    TOPOLOGIES,
    drawn,
    drawn_steps,
    heatmap_problems,
    heatmap_shape,
    only_local,
    open_view,
    overlapping_labels,
    playhead,
    press,
    stage,
)

LARGE_VIEWS = {
    "many_to_many-lstm-T100-H256": "?topology=many_to_many&cell=lstm&len=100&h=256",
    "one_to_many-rnn-T500-H256": "?topology=one_to_many&len=500&h=256",
    "seq2seq-gru-T500-H256": "?topology=seq2seq&cell=gru&len=250&h=256",
}


def window_problems(page, T: int) -> list[str]:
    """The drawn steps: fewer than T, consecutive, the playhead's among them."""
    steps = drawn_steps(page)
    _, t = playhead(page)
    problems = []
    if not 1 <= len(steps) < T:
        problems.append(f"{len(steps)} steps drawn of T = {T}")
    if steps != list(range(steps[0], steps[0] + len(steps))):
        problems.append(f"drawn steps are not consecutive: {steps}")
    if t not in steps:
        problems.append(f"the playhead's step {t} is not drawn: {steps}")
    return problems


@pytest.mark.parametrize("name", list(LARGE_VIEWS))
def test_a_long_wide_trace_is_drawn_as_a_window(page, live_url, client, name):
    page.set_viewport_size(SMALL)
    middle = 249 if name.startswith("seq2seq") else 50  # seq2seq: the context between the blocks
    trace = open_view(page, f"{LARGE_VIEWS[name]}&t={middle}", client=client)
    T = len(trace["steps"])
    H = trace["hidden_size"]
    assert ((100, 256) if name.startswith("many_to_many") else (500, 256)) == (T, H)
    assert int(stage(page)["steps"]) == T
    assert playhead(page) == ("forward", middle)
    assert window_problems(page, T) == []
    assert value_problems(page, trace) == []
    assert overlapping_labels(page) == []
    screenshot(page, f"visualizer-{name}-t{middle}-1366x768")

    # The heatmap shows all T steps of all H units, each in the scale's colour of the API's h.
    assert heatmap_shape(page) == [H, T]
    assert heatmap_problems(page, trace, [(t, u) for t in (0, T // 2, T - 1) for u in (0, H // 2, H - 1)]) == []
    # The timeline spans the 2T positions and brackets the window.
    assert page.get_attribute("[role=slider]", "aria-valuemax") == str(2 * T - 1)
    assert page.is_visible(".track-window")

    press(page, "End")
    assert playhead(page) == ("forward", T - 1)
    assert window_problems(page, T) == []
    assert len(drawn(page, "h")) == H * len(drawn_steps(page))
    assert value_problems(page, trace) == []
    assert overlapping_labels(page) == []
    screenshot(page, f"visualizer-{name}-1366x768")

    press(page, "b")
    press(page, "End")
    assert playhead(page) == ("backward", 0)
    assert window_problems(page, T) == []
    assert gradient_problems(page, trace) == []
    assert overlapping_labels(page) == []

    for _ in range(3):
        press(page, "ArrowLeft")  # back along the backward pass: the window follows
    assert playhead(page) == ("backward", 3)
    assert window_problems(page, T) == []
    assert gradient_problems(page, trace) == []
    assert overlapping_labels(page) == []
    assert page.console_errors == []
    assert only_local(page, live_url) == []


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_presenter_mode_has_no_overlapping_labels(page, topology):
    """Presenter mode (F, or present=1) sets larger type for the back of the room: the labels
    must still not overlap, at the projector's 1366×768."""
    page.set_viewport_size(SMALL)
    open_view(page, f"?topology={topology}&present=1")
    assert page.evaluate("() => document.body.classList.contains('presenting')")
    press(page, "End")
    forward = overlapping_labels(page)
    screenshot(page, f"visualizer-{topology}-presenting-1366x768")
    press(page, "b")
    press(page, "End")
    assert forward == []
    assert overlapping_labels(page) == []
    assert page.console_errors == []

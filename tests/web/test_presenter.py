"""Presenter mode for a class (the lesson issue): at 1920×1080 every text is at least 24 px and
the network fills the stage; a presenter changes the cell, the trained weights, ρ and the length
without leaving it; the title says ρ; and a link for students opens the view without it."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import returning_context, screenshot
from .unroll_page import TOPOLOGIES, open_view, overlapping_labels, press, redraw, stage

LARGE = {"width": 1920, "height": 1080}
TEXT_SIZES = (Path(__file__).parent / "text_sizes.js").read_text()
FILLED = """() => {
  const stage = document.querySelector("#stage").getBoundingClientRect();
  const parts = [...document.querySelectorAll("#stage [data-step] .input-chip, #stage [data-step] .strip-frame, #stage [data-step] .output-box")]
    .map((e) => e.getBoundingClientRect());
  const left = Math.min(...parts.map((r) => r.left)), right = Math.max(...parts.map((r) => r.right));
  const top = Math.min(...parts.map((r) => r.top)), bottom = Math.max(...parts.map((r) => r.bottom));
  const strips = [...document.querySelectorAll("#stage .strip-frame")].map((e) => e.getBoundingClientRect().height);
  return {width: (right - left) / stage.width, height: (bottom - top) / stage.height,
          strip: Math.min(...strips) / stage.height};
}"""


def smallest_text(page) -> dict:
    return page.evaluate(TEXT_SIZES)[0]


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_presenter_mode_at_1920_is_readable_from_the_back_and_fills_the_stage(page, topology):
    page.set_viewport_size(LARGE)
    open_view(page, f"?topology={topology}&present=1&cell=lstm")
    press(page, "End")
    assert smallest_text(page)["px"] >= 24, smallest_text(page)
    press(page, "b")
    press(page, "End")
    assert smallest_text(page)["px"] >= 24, smallest_text(page)
    assert overlapping_labels(page) == []
    filled = page.evaluate(FILLED)
    assert filled["width"] > 0.7 or topology == "one_to_one", filled  # five steps use the stage's width (beside the Train panel)
    assert filled["height"] > 0.8 and filled["strip"] > 0.12, filled  # and its height; h is no sliver
    screenshot(page, f"presenting-{topology}-1920x1080")
    assert page.console_errors == []


def test_a_presenter_changes_the_network_without_leaving_presenter_mode(page, client):
    page.set_viewport_size(LARGE)
    open_view(page, "?topology=many_to_one&present=1")
    trace = redraw(page, lambda: press(page, "c"))
    assert trace["cell"] == "rnn" and trace["activation"] == "relu"
    trace = redraw(page, lambda: press(page, "Shift+C"))
    assert (trace["cell"], trace["activation"]) == ("rnn", "tanh")
    trace = redraw(page, lambda: press(page, "]"))
    assert trace["_request"]["recurrent_scale"] == 1.1
    assert "ρ = 1.1" in page.text_content("#stage-title")
    trace = redraw(page, lambda: press(page, "["))
    trace = redraw(page, lambda: press(page, "["))
    assert trace["_request"]["recurrent_scale"] == 0.9 and "ρ = 0.9" in page.text_content("#stage-title")
    trace = redraw(page, lambda: press(page, "r"))
    assert trace["_request"]["recurrent_scale"] is None and "ρ" not in page.text_content("#stage-title")
    steps = int(stage(page)["steps"])
    trace = redraw(page, lambda: press(page, "+"))
    assert len(trace["steps"]) == steps + 1 and trace["_request"]["length"] == steps + 1
    trace = redraw(page, lambda: press(page, "-"))
    assert len(trace["steps"]) == steps
    trace = redraw(page, lambda: press(page, "t"))
    assert trace["_request"]["preset"] == "sentiment-rnn"
    assert page.evaluate("() => document.body.classList.contains('presenting')")
    shortcuts = page.text_content("#shortcuts")
    for words in ("next / previous cell", "trained weights", "recurrent scale ρ", "sequence one step"):
        assert words in shortcuts
    assert page.console_errors == []


def test_the_link_for_students_opens_the_view_without_presenter_mode(page, browser, live_url):
    open_view(page, "?topology=seq2seq&cell=gru&seed=5&present=1")
    assert page.is_hidden("#student-link-button") is False
    page.click("#student-link-button")
    link = page.text_content("#student-url")
    query = parse_qs(urlparse(link).query)
    assert "present" not in query and query["topology"] == ["seq2seq"] and query["seed"] == ["5"]
    screenshot(page, "student-link")
    page.keyboard.press("Escape")
    student = returning_context(browser, viewport={"width": 390, "height": 800}, base_url=live_url).new_page()
    trace = open_view(student, link)
    assert trace["_request"]["seed"] == 5 and trace["cell"] == "gru"
    assert not student.evaluate("() => document.body.classList.contains('presenting')")
    assert student.is_hidden("#student-link-button")
    student.context.close()
    assert json.loads(json.dumps(page.console_errors)) == []

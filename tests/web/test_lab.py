"""The gradient lab (`/lab`): four cells' ‖dL/dh_t‖ on one shared log axis, each point the API's
number; its sentences true of the traces they describe; a curve opens its cell in the
visualizer; a diverged cell says so."""

import math
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from app.engine import config

from .conftest import screenshot
from .unroll_page import STAGE, playhead, stage

CELLS = {"rnn-tanh": ("rnn", "tanh"), "rnn-relu": ("rnn", "relu"), "lstm": ("lstm", "tanh"), "gru": ("gru", "tanh")}
TEXT_SIZES = (Path(__file__).parent / "text_sizes.js").read_text()
SUPER = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def lab_request(choice, rho=config.LAB_VANISHING_SCALE, length=config.LAB_LENGTH, hidden=config.LAB_HIDDEN,
                seed=config.LAB_SEED):
    cell, activation = CELLS[choice]
    return {"topology": "many_to_one", "task": config.LAB_TASK, "cell": cell, "activation": activation,
            "hidden_size": hidden, "length": length, "seed": seed, "recurrent_scale": rho}


def open_lab(page, query=""):
    page.goto(f"/lab{query}")
    page.wait_for_function("() => performance.getEntriesByName('unroll:lab-drawn').length > 0", timeout=60_000)


def wait_redrawn(page, action):
    count = page.evaluate("() => performance.getEntriesByName('unroll:lab-drawn').length")
    action()
    page.wait_for_function("(n) => performance.getEntriesByName('unroll:lab-drawn').length > n", arg=count, timeout=60_000)


def curves(page) -> dict:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll("[data-lab-curve]")].map((g) => [
      g.dataset.cell, {diverged: g.dataset.diverged === "true",
        points: [...g.querySelectorAll("[data-dh-norm]")].map((p) => ({t: Number(p.dataset.t), value: p.dataset.value,
          cy: Number(p.getAttribute("cy"))}))}]))""")


def readouts(page) -> dict:
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll("[data-readout-cell]")]
      .map((li) => [li.dataset.readoutCell, li.textContent]))""")


def written(number: str) -> float:
    """'1.7 × 10⁻²³' or '10⁻¹²' or '0.015' back to a float."""
    power = re.fullmatch(r"(?:([\d.]+) × )?10(-?\d+)", number.translate(SUPER))
    if power:
        return float(power.group(1) or 1) * 10 ** int(power.group(2))
    return float(number)


def check_readout(text: str, trace: dict):
    """The sentence's share is what the trace keeps 50 (or T−1) steps back, to its two digits,
    and 'vanishes' / 'explodes' only where it does."""
    norms = [s["dh_norm"] for s in trace["steps"]]
    d = min(50, len(norms) - 1)
    share = norms[-1 - d] / norms[-1]
    found = re.search(r"(keeps|multiplies its gradient by) ([^ ]+(?: × [^ ]+)?)(?: of its gradient)?", text)
    assert found, text
    assert written(found.group(2).rstrip(":.")) == pytest.approx(share, rel=0.06), (text, share)
    assert ("vanishes" in text) == (share < 1e-3) and ("explodes" in text) == (share > 1e3), (text, share)


def test_the_lab_draws_four_cells_on_one_shared_axis(page, client):
    open_lab(page)
    drawn = curves(page)
    assert sorted(drawn) == sorted(CELLS)
    fit = []
    for choice, curve in drawn.items():
        trace = client.post("/api/trace", json=lab_request(choice)).json()
        assert [float(p["value"]) for p in curve["points"]] == [s["dh_norm"] for s in trace["steps"]]
        assert len(curve["points"]) == config.LAB_LENGTH and not curve["diverged"]
        fit += [(math.log10(float(p["value"])), p["cy"]) for p in curve["points"] if float(p["value"]) > 0]
        check_readout(readouts(page)[choice], trace)
    # One axis for all four: every point's height is the same straight function of log10 ‖dL/dh‖.
    (x0, y0), (x1, y1) = min(fit), max(fit)
    slope = (y1 - y0) / (x1 - x0)
    assert all(abs(y0 + slope * (x - x0) - y) < 0.01 for x, y in fit)
    screenshot(page, "lab")
    assert page.console_errors == []


def test_the_exploding_scale_and_a_diverging_one_say_what_the_traces_do(page, client):
    open_lab(page)
    wait_redrawn(page, lambda: page.click("[data-part=exploding]"))
    relu = client.post("/api/trace", json=lab_request("rnn-relu", rho=config.LAB_EXPLODING_SCALE)).json()
    assert "explodes" in readouts(page)["rnn-relu"]
    check_readout(readouts(page)["rnn-relu"], relu)
    assert float(parse_qs(urlparse(page.url).query)["rho"][0]) == config.LAB_EXPLODING_SCALE
    screenshot(page, "lab-exploding")
    open_lab(page, "?rho=1000000&len=100")
    drawn = curves(page)
    diverged = [c for c, curve in drawn.items() if curve["diverged"]]
    assert diverged, "some cell must overflow float64 at rho = 10^6"
    for choice in CELLS:
        answer = client.post("/api/trace", json=lab_request(choice, rho=1e6, length=100))
        assert (answer.status_code == 422 and answer.json()["detail"][0]["type"] == "diverged") == (choice in diverged)
    assert all("diverged" in readouts(page)[c] for c in diverged)


def test_the_settings_redraw_and_a_curve_opens_its_cell(page):
    open_lab(page)
    wait_redrawn(page, lambda: (page.fill("[data-part=length]", "80"), page.press("[data-part=length]", "Tab")))
    assert all(len(c["points"]) == 80 for c in curves(page).values())
    wait_redrawn(page, lambda: (page.fill("[data-part=hidden-size]", "16"), page.press("[data-part=hidden-size]", "Tab")))
    assert "H = 16" in page.text_content("#lab-title")
    with page.expect_navigation():  # the keyboard: a curve is a link
        page.focus("a:has([data-lab-curve][data-cell=lstm])")
        page.keyboard.press("Enter")
    query = parse_qs(urlparse(page.url).query)
    assert query["cell"] == ["lstm"] and query["h"] == ["16"] and query["len"] == ["80"]
    page.wait_for_selector(STAGE)
    assert stage(page)["cell"] == "lstm" and playhead(page) == ("backward", 79)
    page.go_back()
    page.wait_for_selector("[data-lab-curve][data-cell=gru] circle")
    with page.expect_navigation():  # the pointer: a point of the curve
        page.click("[data-lab-curve][data-cell=gru] circle >> nth=20")
    assert parse_qs(urlparse(page.url).query)["cell"] == ["gru"]
    assert page.console_errors == []


def test_the_lab_in_presenter_mode_is_readable_from_the_back(page):
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_lab(page, "?present=1")
    assert page.evaluate(TEXT_SIZES)[0]["px"] >= 24
    before = page.evaluate("() => document.getElementById('lab-title').textContent")
    wait_redrawn(page, lambda: page.keyboard.press("]"))
    assert "ρ = 0.6" in page.text_content("#lab-title") and before != page.text_content("#lab-title")
    screenshot(page, "lab-presenting")

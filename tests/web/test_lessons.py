"""Lessons (the lesson issue): three ship, each plays through in presenter mode at 1920×1080
with no overlapping label and no text under 24 px, and says only what the page then shows; a
teacher's own lesson file plays and travels whole in one link; a bad one says what is wrong;
its text is never parsed as HTML."""

import json
import math
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from .conftest import screenshot
from .unroll_page import STAGE, overlapping_labels, stage

LESSONS = Path(__file__).parents[2] / "static" / "lessons"
TEXT_SIZES = (Path(__file__).parent / "text_sizes.js").read_text()
LARGE = {"width": 1920, "height": 1080}


def lesson(lesson_id: str) -> dict:
    return json.loads((LESSONS / f"{lesson_id}.json").read_text())


def drawn_step(page) -> int:
    return int(page.get_attribute("[data-lesson]", "data-step"))


def wait_settled(page, view: str):
    """Until the stage draws the step's view (its topology and, if it says, its cell)."""
    query = parse_qs(view.removeprefix("?"))
    topology = query.get("topology", ["many_to_one"])[0]
    cell = query.get("cell", ["rnn-tanh"])[0].split("-")[0]
    page.wait_for_function("""([topology, cell]) => {
      const s = document.querySelector("[data-stage][data-steps]");
      return s && s.dataset.topology === topology && s.dataset.cell === cell && s.dataset.stale !== "true"
        && !document.querySelector("#notice:not([hidden])");
    }""", arg=[topology, cell], timeout=60_000)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("lesson_id", ["unrolling", "shapes", "forgetting"])
def test_a_shipped_lesson_plays_through_in_presenter_mode(page, lesson_id):
    page.set_viewport_size(LARGE)
    steps = lesson(lesson_id)["steps"]
    page.goto(f"/?lesson={lesson_id}&present=1")
    for k, step in enumerate(steps):
        if k:
            page.keyboard.press("ArrowRight")
        page.wait_for_function("(k) => document.querySelector('[data-lesson]').dataset.step === String(k)", arg=k)
        wait_settled(page, step["view"])
        assert page.text_content("#lesson-text") == step["text"]
        assert page.text_content("#lesson-counter") == f"{k + 1} / {len(steps)}"
        smallest = page.evaluate(TEXT_SIZES)[0]
        assert smallest["px"] >= 24, (k, smallest)
        assert overlapping_labels(page) == [], k
        if step.get("highlight"):
            assert page.locator(f"[data-weight-key='{step['highlight']}'].lit-weight").count() > 1
        screenshot(page, f"lesson-{lesson_id}-{k + 1}")
        assert parse_qs(urlparse(page.url).query)["lstep"] == [str(k)] if k else True
    assert page.is_disabled("#lesson-next")
    page.keyboard.press("ArrowLeft")
    assert drawn_step(page) == len(steps) - 2  # ← goes back a step of the lesson, not of the playhead
    assert page.console_errors == []


def trace_of(client, view: str) -> dict:
    """The API's trace for a lesson step's view, as the page asks for it."""
    q = {k: v[0] for k, v in parse_qs(view.removeprefix("?")).items()}
    cell, _, activation = q.get("cell", "rnn-tanh").partition("-")
    if q.get("trained") == "1":
        body = {"preset": f"sentiment-{cell}", "seed": 0}
    else:
        body = {"topology": q.get("topology", "many_to_one"), "cell": cell, "activation": activation or "tanh",
                "hidden_size": int(q.get("h", 8)), "seed": int(q.get("seed", 0)), "recurrent_scale": float(q["rho"]) if "rho" in q else None}
        if "len" in q:
            body["length"] = int(q["len"])
    if "in" in q:
        body["inputs"] = q["in"].split()
    r = client.post("/api/trace", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def decades_lost(trace) -> float:
    norms = [s["dh_norm"] for s in trace["steps"]]
    return -math.log10(norms[0] / norms[-1])


def answer(trace) -> str:
    p = trace["steps"][-1]["p"]
    return trace["output_vocab"][p.index(max(p))]


def test_what_the_forgetting_lesson_says_is_what_the_traces_show(client):
    steps = lesson("forgetting")["steps"]
    assert 19 <= decades_lost(trace_of(client, steps[1]["view"])) <= 21  # "about 20 powers of ten"
    assert 10 <= decades_lost(trace_of(client, steps[2]["view"])) <= 12  # the LSTM: "about 11"
    assert -decades_lost(trace_of(client, steps[3]["view"])) > 6  # the ReLU RNN: "more than a million times"
    lstm, tanh = trace_of(client, steps[4]["view"]), trace_of(client, steps[5]["view"])
    assert answer(lstm) == answer(tanh) == "negative" == lstm["steps"][-1]["target_label"]  # "right"
    kept = {name: t["steps"][11]["dh_norm"] / t["steps"][-1]["dh_norm"] for name, t in (("lstm", lstm), ("tanh", tanh))}
    assert [lstm["steps"][k]["x_label"] for k in (11, 12)] == ["not", "great"] and len(lstm["steps"]) - 11 == 53
    assert 10**-5 < kept["lstm"] < 10**-3 and 10**-11 < kept["tanh"] < 10**-9  # "about 10⁻⁴", "about 10⁻¹⁰"
    assert kept["lstm"] / kept["tanh"] > 1e4  # "more than ten thousand times fainter"
    assert 8 <= decades_lost(trace_of(client, steps[6]["view"])) <= 10  # the GRU: "about 9"


def test_what_the_unrolling_lesson_says_is_what_the_traces_show(client):
    steps = lesson("unrolling")["steps"]
    first = trace_of(client, steps[0]["view"])
    assert first["hidden_size"] == 8 and first["steps"][0]["x_label"] == "the"
    assert [s["x_label"] for s in first["steps"][:4]] == ["the", "film", "was", "not"]
    assert first["output_vocab"] == ["negative", "neutral", "positive"]
    assert first["steps"][0]["dh_norm"] < first["steps"][-1]["dh_norm"]  # "less … left at the first word"
    longer = trace_of(client, steps[6]["view"])
    assert len(longer["steps"]) > 5

    def count(params):
        return sum(count(v) if isinstance(v, (dict, list)) else 1 for v in (params.values() if isinstance(params, dict) else params))
    assert count(longer["params"]) == count(first["params"])  # "the same parameter count"


def test_a_teachers_own_lesson_plays_and_travels_whole_in_one_link(page, browser, live_url, tmp_path):
    payload = "<img src=x onerror=alert(1)> is just text"
    own = {"title": "My lesson", "steps": [
        {"text": "Step one: a GRU tags words.", "view": "?topology=many_to_many&cell=gru"},
        {"text": payload, "view": "?topology=seq2seq&cell=lstm", "highlight": "encoder.W_hh"}]}
    file = tmp_path / "mine.json"
    file.write_text(json.dumps(own))
    page.goto("/")
    page.wait_for_selector(STAGE)
    page.set_input_files("#lesson-file", str(file))
    page.wait_for_function("() => document.getElementById('lesson-title').textContent === 'My lesson'")
    wait_settled(page, own["steps"][0]["view"])
    assert stage(page)["cell"] == "gru" and "#lesson=" in page.url
    page.keyboard.press("ArrowRight")
    wait_settled(page, own["steps"][1]["view"])
    assert page.text_content("#lesson-text") == payload
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    link = page.url
    other = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=live_url).new_page()
    other.goto(link)
    other.wait_for_function("() => document.getElementById('lesson-title').textContent === 'My lesson'")
    wait_settled(other, own["steps"][1]["view"])
    assert other.get_attribute("[data-lesson]", "data-step") == "1" and other.text_content("#lesson-text") == payload
    # A student's first visit opens folded and unfolds; the unfolded links carry the highlight.
    other.wait_for_function("() => !document.querySelector('[data-stage]').dataset.folded", timeout=30_000)
    assert other.locator("[data-weight-key='encoder.W_hh'].lit-weight").count() > 1
    other.context.close()
    assert page.console_errors == []


@pytest.mark.parametrize(("content", "words"), [
    ("not json {", "is not JSON"),
    ('{"title": "t"}', '"steps" must be a list'),
    ('{"title": "t", "steps": [{"text": "x", "view": "topology=seq2seq"}]}', '"view" must be a query string'),
    ('{"title": "t", "steps": [{"text": "x", "highlight": "W_xx"}]}', '"highlight" must be a weight'),
])
def test_a_bad_lesson_file_says_what_is_wrong(page, tmp_path, content, words):
    file = tmp_path / "bad.json"
    file.write_text(content)
    page.goto("/")
    page.wait_for_selector(STAGE)
    page.set_input_files("#lesson-file", str(file))
    page.wait_for_function("(w) => document.getElementById('lesson-error').textContent.includes(w)", arg=words)
    assert page.text_content("#lesson-error").startswith("bad.json")
    assert page.is_hidden("#lesson") or page.get_attribute("#lesson", "data-kind") == "error"


def test_a_damaged_or_unknown_lesson_link_says_so_in_presenter_mode(page):
    page.goto("/?present=1#lesson=not-a-lesson")
    page.wait_for_selector("#lesson:not([hidden])")
    assert "damaged" in page.text_content("#lesson-text")
    page.goto("/?present=1&lesson=nope")
    page.wait_for_function("() => /no shipped lesson/.test(document.getElementById('lesson-text').textContent)")
    assert page.is_visible("#lesson")

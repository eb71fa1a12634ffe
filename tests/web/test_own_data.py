"""Your own text and your own numbers in the page (docs/page.md, "Your own data"): what the stage
draws is the API's answer for the page's request, a text of 96 characters and a long series draw
without overlapping labels, a pasted column's bad line is named before anything is sent, a series
is shown in its own units, typed text is never HTML, and a link carries the choice, not the data."""

import json
import math
from urllib.parse import parse_qs, urlparse

from app.engine.own_data import ALICE

from .conftest import returning_context, screenshot
from .test_visualizer import SMALL, gradient_problems, value_problems
from .unroll_page import drawn, drawn_steps, open_view, overlapping_labels, playhead, press, redraw, stage

LARGE = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
PRINTABLE = "".join(chr(c) for c in range(32, 127)) + "\n"  # 96 distinct characters, the most a text may have
HOSTILE = 'Tom wrote "<img src=x onerror=alert(1)>" & <b>left</b>.\nThe end, \u202eok.'


def query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def label(page, selector: str) -> str:
    """A text element's own text (its <title>, the tooltip, left out)."""
    return page.eval_on_selector(selector, "(n) => [...n.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent).join('')")


def paste(page, selector: str, text: str):
    """Put a long text in a field at once, as a paste does (Playwright's fill types it slowly)."""
    page.eval_on_selector(selector, "(e, v) => { e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); }", text)


def blur(page):
    page.evaluate("() => document.activeElement.blur()")


def use_text(page, text: str) -> dict:
    paste(page, "#own-text", text)
    return redraw(page, lambda: page.click("text=Use this text"))


def chip_texts(page) -> list[str]:
    return page.eval_on_selector_all("#stage .column .input-chip .chip-text", "(ns) => ns.map((n) => n.textContent)")


def seen(token: str) -> str:
    """What the page shows for a character (format.js's visible())."""
    return {" ": "␣", "\n": "↵", "\t": "⇥", "\u202e": "U+202E"}.get(token, token)


def test_your_own_text_draws_the_apis_numbers_and_stays_text(page, client, live_url):
    page.set_viewport_size(SMALL)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_view(page, "?topology=many_to_many")
    trace = redraw(page, lambda: page.click("[data-data-choice=text]"))
    assert trace["_request"]["task"] == "text" and trace["_request"]["text"] == ALICE  # the API's own default
    assert query(page)["data"] == "text" and "text" not in query(page)  # Alice is the default passage

    trace = use_text(page, HOSTILE)
    request = trace["_request"]
    assert request["text"] == HOSTILE and request["task"] == "text" and request["topology"] == "many_to_many"
    assert trace == {**client.post("/api/trace", json=request).json(), "_request": request}
    assert trace["output_vocab"] == sorted(set(HOSTILE))
    blur(page)
    press(page, "End")
    assert value_problems(page, trace) == []  # every h and every class's p, as the API sent them
    assert overlapping_labels(page) == []
    steps = drawn_steps(page)
    assert chip_texts(page) == [seen(trace["steps"][t]["x_label"]) for t in steps]
    # The text is data: its markup is shown as characters and runs nothing.
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("() => document.querySelectorAll('img, b').length") == 0
    assert page.evaluate("() => [...document.querySelectorAll('*')].filter((e) => e.hasAttribute('onerror')).length") == 0
    assert page.input_value("#own-text") == HOSTILE
    screenshot(page, "own-text-1366x768")
    press(page, "b")
    press(page, "End")
    assert gradient_problems(page, trace) == [] and overlapping_labels(page) == []

    # A link carries the choice, not the pasted text; this tab keeps it for a reload.
    assert query(page)["text"] == "pasted" and HOSTILE[:8] not in page.url
    assert "does not carry" in page.text_content("#own-data") or "not pasted data" in page.text_content("#own-data")
    link = page.url
    with page.expect_response("**/api/trace") as again:
        page.reload()
    assert json.loads(again.value.request.post_data)["text"] == HOSTILE
    other = returning_context(page.context.browser, base_url=live_url, viewport=SMALL).new_page()
    try:
        elsewhere = open_view(other, link)
        assert elsewhere["_request"]["text"] == ALICE
        assert "a link cannot carry" in other.text_content("#own-data")
    finally:
        other.context.close()
    assert page.console_errors == []


def test_typed_characters_are_steps_and_the_last_has_no_target(page, client):
    page.set_viewport_size(SMALL)
    open_view(page, "?topology=many_to_many&data=text&text=austen")
    trace = redraw(page, lambda: (page.fill("#inputs-field", "It is a truth"), page.press("#inputs-field", "Enter")))
    assert trace["_request"]["inputs"] == list("It is a truth")
    assert trace["_request"]["text"].startswith("It is a truth universally acknowledged")
    last = trace["steps"][-1]
    assert last["target"] is None and last["loss"] is None and trace["loss"] is not None
    press(page, "End")
    assert value_problems(page, trace) == [] and overlapping_labels(page) == []
    column = f"#stage [data-step='{last['t']}']"
    verdict = label(page, f"{column} .verdict")
    assert verdict == seen(trace["output_vocab"][max(range(len(last["p"])), key=lambda k: (last["p"][k], -k))])
    assert label(page, f"{column} .loss") in ("no target", "–")
    # A character not in the text is the API's 422, named beside the field.
    with page.expect_response("**/api/trace") as refused:
        page.fill("#inputs-field", "Itz")
        page.press("#inputs-field", "Enter")
    assert refused.value.status == 422
    page.wait_for_selector("#inputs-error:not([hidden])")
    assert "inputs[2]" in page.text_content("#inputs-error")
    assert [m for m in page.console_errors if "status of 422" not in m] == []


def test_a_text_of_96_characters_draws_its_top_classes_without_overlap(page, client):
    page.set_viewport_size(SMALL)
    open_view(page, "?topology=many_to_many&data=text")
    trace = use_text(page, PRINTABLE * 4)
    assert trace["output_size"] == 96
    blur(page)
    press(page, "End")
    assert value_problems(page, trace) == []  # 96 [data-p] a step, in the strip
    assert overlapping_labels(page) == []
    for t in drawn_steps(page):  # the top few, largest first, with their characters
        p = trace["steps"][t]["p"]
        top = sorted(range(96), key=lambda k: (-p[k], k))[:4]
        labels = page.eval_on_selector_all(f"#stage [data-step='{t}'] .top-class", "(ns) => ns.map((n) => n.textContent)")
        assert labels == [f"{seen(trace['output_vocab'][k])} {p[k]:.2f}" for k in top]
    screenshot(page, "own-text-96-1366x768")
    page.set_viewport_size(LARGE)
    page.click("#present-button")
    page.wait_for_function("() => document.body.classList.contains('presenting')")
    page.wait_for_timeout(300)
    assert overlapping_labels(page) == [] and value_problems(page, trace) == []
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('#stage svg text')]
      .filter((t) => t.getBoundingClientRect().width > 0).map((t) => parseFloat(getComputedStyle(t).fontSize)))""")
    screenshot(page, "own-text-96-presenting-1920x1080")
    assert smallest >= 12, smallest  # the stage's own smallest labels (the page's text is larger)
    assert page.console_errors == []


def readings(page) -> dict:
    """The stage's number labels: each input chip's, each verdict's, the value axis's."""
    return page.evaluate("""() => ({
      chips: [...document.querySelectorAll('#stage .column')].map((c) => [Number(c.dataset.step),
        [...c.querySelectorAll('.chip-text')].map((n) => n.textContent)]),
      verdicts: [...document.querySelectorAll('#stage .column')].filter((c) => c.querySelector('.verdict'))
        .map((c) => [Number(c.dataset.step), c.querySelector('.verdict').textContent]),
      axis: [...document.querySelectorAll('#stage .class-name')].map((n) => n.textContent),
    })""")


def number(label: str) -> float:
    return float(label.replace("−", "-").replace("ŷ", "").strip())


def close(label: str, value: float) -> bool:
    """A label of format.js's reading() (whole from 1000, else 4 significant digits) shows this value."""
    return math.isclose(number(label), value, rel_tol=6e-4, abs_tol=0.5 if abs(value) >= 1000 else 1e-9)


def test_your_own_numbers_draw_in_their_own_units(page, client):
    page.set_viewport_size(SMALL)
    open_view(page, "?topology=many_to_one")
    sample = redraw(page, lambda: page.click("[data-data-choice=series]"))
    assert sample["_request"]["task"] == "series" and "series" not in sample["_request"]  # the API's sample
    values = [round(2000 + 150 * math.sin(i / 5) + 3 * i, 2) for i in range(300)]
    paste(page, "#own-series", "sales (units)\n" + "\n".join(map(str, values)))
    assert "header “sales (units)” skipped" in page.text_content("#own-series-count")
    trace = redraw(page, lambda: page.click("text=Use these numbers"))
    request = trace["_request"]
    assert request["series"] == values and query(page)["series"] == "pasted"
    mean, std = trace["normalisation"]["mean"], trace["normalisation"]["std"]
    assert math.isclose(mean, sum(values) / len(values))
    blur(page)
    press(page, "End")
    assert value_problems(page, trace) == []  # data-y: the network's own (normalised) y, as sent
    assert overlapping_labels(page) == []
    shown = readings(page)
    for t, lines in shown["chips"]:  # inputs in the series' units: mean + std·x
        assert close(lines[0], mean + std * trace["steps"][t]["x"][0]), (t, lines)
    (t, verdict), = shown["verdicts"]
    assert close(verdict, mean + std * trace["steps"][t]["y"][0]), verdict
    limit = max(1, *(abs(v) for s in trace["steps"] for v in (s["y"] or []) + (s["target"] or [])))
    assert [close(a, mean + std * u * limit) for a, u in zip(shown["axis"], (1, 0, -1), strict=True)] == [True] * 3
    # The inspector's equations are in the network's own numbers, and it says so.
    page.wait_for_function("() => document.querySelector('.step-details math')")
    assert "your series normalised, (v − mean) / std" in page.text_content(".step-details")
    # The input field shows the window as it was pasted, so an edit changes only what is edited.
    typed = [float(v) for v in page.input_value("#inputs-field").split("; ")]
    start = values.index(typed[0])
    assert typed == values[start:start + len(trace["steps"])]
    screenshot(page, "own-numbers-1366x768")
    assert page.console_errors == []


def test_a_bad_line_of_a_pasted_column_is_named_and_nothing_is_sent(page):
    open_view(page, "?topology=many_to_one&data=series")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/api/trace") else None)
    for column, said in [
        ("value\n1.5\n2\nabc\n4", "line 4: “abc” is not a number"),
        ("1\n2\n3,5\n4", "line 3: “3,5” has 2 columns"),
        ("1\n\n2\n1e999", "line 4: “1e999” is past what float64 holds"),
        ("\n".join(["1"] * 5001), "5\u202f001 numbers; a series takes at most 5\u202f000"),
        ("7", "one number; a series needs at least 2"),
    ]:
        paste(page, "#own-series", column)
        page.click("text=Use these numbers")
        page.wait_for_selector("#own-series-error:not([hidden])")
        assert said in page.text_content("#own-series-error"), page.text_content("#own-series-error")
    page.wait_for_timeout(300)
    assert sent == [] and "series" not in query(page)
    assert page.console_errors == []


def test_a_long_series_draws_a_window_without_overlap(page, client):
    page.set_viewport_size(SMALL)
    open_view(page, "?topology=many_to_many&data=series")
    values = [round(1e4 + 900 * math.sin(i / 9) + 0.7 * i, 3) for i in range(5000)]
    paste(page, "#own-series", "\n".join(map(str, values)))
    redraw(page, lambda: page.click("text=Use these numbers"))
    trace = redraw(page, lambda: (page.fill("#length", "500"), page.press("#length", "Tab")))
    assert len(trace["steps"]) == 500 and trace["_request"]["series"] == values
    assert stage(page)["steps"] == "500"
    blur(page)
    press(page, "End")
    assert playhead(page) == ("forward", 499)
    assert 1 <= len(drawn_steps(page)) < 500
    assert value_problems(page, trace) == [] and overlapping_labels(page) == []
    screenshot(page, "own-numbers-long-1366x768")
    press(page, "b")
    press(page, "End")
    assert gradient_problems(page, trace) == [] and overlapping_labels(page) == []
    assert page.console_errors == []


def test_your_own_data_on_a_phone(browser, live_url):
    context = returning_context(browser, viewport=PHONE, base_url=live_url, has_touch=True)
    try:
        page = context.new_page()
        trace = open_view(page, "?topology=many_to_many&data=text&text=austen")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        press(page, "End")
        assert value_problems(page, trace) == [] and overlapping_labels(page) == []
        screenshot(page, "own-text-phone-390")
        page.click("#settings-button")
        page.locator("#own-data").scroll_into_view_if_needed()
        assert page.is_visible("#own-text")
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "own-text-settings-phone-390")
        assert len(drawn(page, "h")) > 0
    finally:
        context.close()

"""The Learn page (`/learn`): the sections the lesson issue names, each linking to the view that
shows it; no broken link; every link to the visualizer opens the view its query names; every
term has a one-line tooltip and an accessible description."""

from urllib.parse import parse_qs, urlparse

from .conftest import screenshot
from .unroll_page import open_view, stage

TOPICS = ["unrolling", "topologies", "weight-sharing", "model-size", "drawbacks", "sequential-vs-time-series"]


def links(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll("main a[href]")].map((a) => ({
      href: a.getAttribute("href"), text: a.textContent.trim(),
      topic: a.closest("[data-topic]")?.dataset.topic ?? null}))""")


def test_every_topic_links_to_the_view_that_shows_it(page, client, live_url):
    page.goto("/learn")
    topics = page.evaluate("() => [...document.querySelectorAll('[data-topic]')].map((s) => s.dataset.topic)")
    assert topics == TOPICS
    found = links(page)
    assert {link["topic"] for link in found} - {None} == set(TOPICS)  # every section links somewhere
    for link in found:
        assert client.get(link["href"]).status_code == 200, link  # no broken link
    screenshot(page, "learn")
    views = [link for link in found if link["href"].startswith("/?") and "lesson=" not in link["href"]]
    assert len(views) >= 8
    for link in views:
        query = parse_qs(urlparse(link["href"]).query)
        trace = open_view(page, link["href"].removeprefix("/"))
        assert stage(page)["topology"] == query.get("topology", ["many_to_one"])[0], link
        if "len" in query:
            assert len(trace["steps"]) == int(query["len"][0]), link
        if "rho" in query:
            assert trace["_request"]["recurrent_scale"] == float(query["rho"][0]), link
        if query.get("phase") == ["backward"]:
            assert page.get_attribute("[data-playhead]", "data-phase") == "backward", link
    assert page.console_errors == []


def test_the_same_parameter_count_at_5_and_100_words(page):
    """model-size: the page's own claim, read off the two views it links to."""
    counts = []
    for query in ("?topology=many_to_one&len=5", "?topology=many_to_one&len=100"):
        open_view(page, query)
        counts.append(page.text_content("#stage-summary").split(" parameters")[0])
    assert counts[0] == counts[1]


def test_every_term_has_a_tooltip_and_a_description(page):
    page.goto("/learn")
    terms = page.evaluate("""() => [...document.querySelectorAll(".term")].map((t) => ({
      word: t.firstChild.textContent.trim(), tip: document.getElementById(t.getAttribute("aria-describedby"))?.textContent,
      focusable: t.tabIndex === 0}))""")
    assert len(terms) >= 15
    assert all(t["tip"] and len(t["tip"]) < 140 and t["focusable"] for t in terms), terms
    page.focus(".term >> nth=0")
    assert page.locator(".term >> nth=0").locator(".term-tip").is_visible()


def test_the_lessons_it_links_open_in_presenter_mode(page):
    page.goto("/learn")
    lessons = page.evaluate("() => [...document.querySelectorAll('[data-lesson-link]')].map((a) => [a.getAttribute('href'), a.textContent])")
    assert len(lessons) == 3
    for href, title in lessons:
        page.goto(href)
        page.wait_for_function("(t) => document.getElementById('lesson-title').textContent === t", arg=title)
        assert page.evaluate("() => document.body.classList.contains('presenting')")

"""The pages in a real browser: they render, log no errors, and fetch nothing from elsewhere."""

from .conftest import screenshot


def only_local(page, live_url):
    return all(url.startswith(live_url) for url in page.requests)


def test_the_front_page(page, live_url):
    page.goto("/")
    assert page.title().startswith("Unroll")
    page.wait_for_selector("[data-stage][data-steps]")
    topologies = page.locator("[data-topology-choice]")
    assert topologies.count() == 5
    assert "Many to one" in topologies.nth(2).inner_text()
    assert page.locator("#intro").is_visible()  # "what am I looking at", for a newcomer
    screenshot(page, "index")
    assert page.console_errors == [] and only_local(page, live_url)


def test_the_api_docs_work_offline(page, live_url, app):
    page.goto("/docs")
    page.locator(".opblock").first.wait_for()
    operations = sum(len(methods) for methods in app.openapi()["paths"].values())
    assert operations >= 9 and page.locator(".opblock").count() == operations  # every endpoint
    page.locator(".opblock-summary-path", has_text="/api/trace").click()
    page.get_by_text("Try it out").click()
    page.get_by_text("Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    screenshot(page, "docs")
    assert page.console_errors == [] and only_local(page, live_url)

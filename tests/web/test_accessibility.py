"""axe-core (the engine browsers' accessibility audits use) finds nothing serious on the page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.engine.topologies import TOPOLOGIES

SERIOUS = {"serious", "critical"}


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
def test_no_serious_or_critical_axe_findings(page, topology):
    """With everything drawn: the forward values and the backward pass's gradients."""
    page.goto(f"/?topology={topology}&cell=lstm")
    page.wait_for_selector("[data-stage][data-steps]")
    page.keyboard.press("b")
    page.keyboard.press("End")
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    findings = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
                for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert findings == []
    assert page.console_errors == []


def test_the_shortcuts_dialog_has_no_serious_findings(page):
    page.goto("/")
    page.wait_for_selector("[data-stage][data-steps]")
    page.keyboard.press("?")
    assert page.locator("dialog#shortcuts").is_visible()
    results = Axe().run(page)
    assert [v["id"] for v in results.response["violations"] if v["impact"] in SERIOUS] == []


def serious(page) -> list:
    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def test_the_lab_and_the_learn_page_have_no_serious_findings(page):
    page.goto("/lab")
    page.wait_for_function("() => performance.getEntriesByName('unroll:lab-drawn').length > 0")
    assert serious(page) == []
    page.goto("/learn")
    page.wait_for_selector("[data-topic]")
    assert serious(page) == []
    page.focus(".term")
    assert serious(page) == []  # a term's tooltip shown
    assert page.console_errors == []

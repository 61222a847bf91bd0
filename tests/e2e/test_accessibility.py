"""axe-core (from npm, injected from tests/e2e/node_modules: no CDN) finds no critical or serious
accessibility violation on any page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.test_browser import PAGES

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter(v => v.impact === "critical" || v.impact === "serious")
  .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is missing: `make test` installs it with npm ci in tests/e2e")
        pytest.skip("axe-core not installed: run `npm ci --prefix tests/e2e`")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "path", "selector"), PAGES, ids=[p[0] for p in PAGES])
def test_no_serious_accessibility_violation(browser, server, axe_source, name, path, selector):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server + path, wait_until="domcontentloaded")
        page.wait_for_selector(selector, timeout=90_000)
        page.wait_for_timeout(1_000)  # let the last rerun settle before auditing
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(RUN)
    finally:
        page.close()
    assert violations == [], f"{name}: {violations}"


def test_every_sidebar_control_is_reachable_by_keyboard(browser, server):
    """Pressing Tab from the top of the page visits every input and button in the sidebar.

    Inner parts that widgets keep out of the tab order on purpose (tabindex -1: the date
    picker's native input, a multiselect's open arrow) are operated through their widget.
    """
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(server + "/timeline", wait_until="domcontentloaded")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
        for _ in range(80):
            page.keyboard.press("Tab")
            page.evaluate(
                "() => document.activeElement && (document.activeElement.dataset.kbd = '1')"
            )
        missed = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stSidebar] input, '
                 + '[data-testid=stSidebar] button, [data-testid=stSidebar] [role=switch]')]
              .filter(e => e.offsetParent !== null && !e.disabled && e.tabIndex >= 0
                 && getComputedStyle(e).visibility !== 'hidden' && e.dataset.kbd !== '1')
              .map(e => e.getAttribute('aria-label') || e.textContent || e.outerHTML.slice(0, 160))"""
        )
        total = page.evaluate(
            "() => document.querySelectorAll('[data-testid=stSidebar] input').length"
        )
    finally:
        page.close()
    assert total > 3
    assert missed == [], f"not reachable with Tab: {missed}"

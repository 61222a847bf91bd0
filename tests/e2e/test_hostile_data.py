"""Hostile values in the data, in a real Chromium: nothing they say makes the browser leave 127.0.0.1.

Two data folders, each a copy of data/ with hostile text in the cells pages show:
- ``rejected``: Markdown images, HTML and script URLs the validator refuses; every page shows the
  error banner, which quotes the values as text (a tracking pixel would be a request off the machine);
- ``accepted``: Markdown emphasis, colour directives, dollar amounts and bare URLs the validator lets
  through (they are plain text); the pages draw them, and the event's title shows its own characters.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import DATA, read_rows, write_rows
from tests.e2e.conftest import streamlit_server

pytestmark = pytest.mark.e2e
KEY = "chn-gallium-germanium-licensing-2023"
TRACKER = "https://tracker.example/pixel.png"
REJECTED = {
    "title": f"![pixel]({TRACKER})",
    "summary": f"<img src={TRACKER}>",
    "source_publisher": f"&lt;img src={TRACKER}&gt;",
    "notes": "%3Ciframe src=https://tracker.example/%3E",
}
ACCEPTED = {
    "title": "**Bold** :red[alarm] _gallium_ US$5m and A$6m",
    "summary": f"Report at {TRACKER} says 5 < 6 & more",
    "source_publisher": "# Reuters `code`",
}
PAGES = [
    "/",
    "/map",
    "/timeline",
    "/mineral?focus=gallium",
    "/country?iso=CHN",
    "/scenario",
    "/data",
]


def hostile_copy(target: Path, cells: dict[str, str]) -> Path:
    shutil.copytree(DATA, target)
    path = target / "events.csv"
    rows = read_rows(path)
    row = next(r for r in rows if r["event_id"] == KEY)
    row.update(cells)
    write_rows(path, rows)
    return target


def visit_all(browser, url: str, ready: str) -> tuple[set[str], list[str]]:
    """Every page: the hosts of every request, and the src of every image drawn."""
    hosts: set[str] = set()
    images: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.on("request", lambda r: hosts.add(str(urlparse(r.url).hostname)))
    for path in PAGES:
        page.goto(f"{url}{path}", wait_until="domcontentloaded")
        page.wait_for_selector(ready, timeout=90_000)
        page.wait_for_timeout(1500)
        images += page.eval_on_selector_all("img", "els => els.map(e => e.src)")
        assert not page.locator("[data-testid='stException']").count(), path
    context.close()
    return {h for h in hosts if h not in ("None", "")}, images


def test_rejected_values_stay_in_the_banner_as_text(browser, tmp_path: Path) -> None:
    data = hostile_copy(tmp_path / "data", REJECTED)
    with streamlit_server({"MINERALS_DATA_DIR": str(data)}) as (url, _proc):
        hosts, images = visit_all(browser, url, "[data-testid='stAlert']")
        context = browser.new_context()
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        banner = page.locator("[data-testid='stAlert']").first
        banner.wait_for(timeout=90_000)
        text = banner.inner_text()
        context.close()
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {hosts}"
    assert not [i for i in images if "tracker.example" in i], images
    assert "contains Markdown image" in text and "contains HTML tag '<img'" in text


def test_accepted_values_are_drawn_as_their_characters(browser, tmp_path: Path) -> None:
    data = hostile_copy(tmp_path / "data", ACCEPTED)
    with streamlit_server({"MINERALS_DATA_DIR": str(data)}) as (url, _proc):
        hosts, images = visit_all(browser, url, "[data-testid='stMainBlockContainer']")
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/timeline?mineral=gallium", wait_until="domcontentloaded")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
        page.get_by_text("Event details").wait_for(timeout=30_000)
        select = page.locator("[data-testid='stSelectbox']").filter(has_text="Event details")
        select.click()
        page.keyboard.type("Bold")
        page.get_by_role("option").filter(has_text=":red[alarm]").first.click()
        page.wait_for_timeout(1500)
        body = page.locator("[data-testid='stMainBlockContainer']").inner_text()
        colours = page.locator("[data-testid='stMainBlockContainer'] span[class*='red']").count()
        context.close()
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {hosts}"
    assert not [i for i in images if "tracker.example" in i], images
    assert ACCEPTED["title"] in body, "the title is shown with its asterisks and brackets"
    assert "# Reuters `code`" in body
    assert colours == 0

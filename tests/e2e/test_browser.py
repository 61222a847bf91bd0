"""The dashboard in a real Chromium: charts draw, no console errors, nothing leaves 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
SHOTS = ROOT / "docs" / "screenshots"


def visit(browser, url: str, shot: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_timeout(1500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / shot), full_page=False)
    context.close()
    return requests, errors


def test_timeline_in_chromium(browser, server) -> None:
    requests, errors = visit(browser, f"{server}/?mineral=rare_earths", "timeline.png")
    hosts = {
        urlparse(u).hostname
        for u in requests
        if urlparse(u).scheme in ("http", "https", "ws", "wss")
    }
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {hosts}"
    assert errors == [], errors
    assert (SHOTS / "timeline.png").stat().st_size > 10_000

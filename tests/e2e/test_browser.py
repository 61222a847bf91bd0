"""Every page in a real Chromium: charts draw, no console errors, nothing leaves 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
PAGES = [
    ("overview", "/?as_of=2025-12-31", ".js-plotly-plot .main-svg"),
    ("map", "/map?measure=controls", "canvas"),
    ("timeline", "/timeline?mineral=rare_earths", ".js-plotly-plot .main-svg"),
    ("mineral", "/mineral?focus=gallium", ".js-plotly-plot .main-svg"),
    ("country", "/country?iso=COD", ".js-plotly-plot .main-svg"),
    ("scenario", "/scenario?sc_mineral=gallium&sc_country=CHN&cut=50", ".js-plotly-plot .main-svg"),
    ("data", "/data?mineral=cobalt", "[data-testid='stDataFrame']"),
]
# Chromium reports these itself when a canvas-based chart draws without a GPU; they are not app errors.
BENIGN = ("GroupMarkerNotSet", "WebGL", "GPU stall", "Automatic fallback to software WebGL")
# On a deep link (/map) Streamlit's front end first probes /map/_stcore/... to find its base path;
# those two 404s are its own discovery, after which it uses the root. Any other failure counts.
PROBES = ("/_stcore/health", "/_stcore/host-config")


def visit(browser, url: str, selector: str, shot: Path) -> tuple[list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(selector, timeout=90_000)
    page.wait_for_timeout(2000)
    assert not page.locator("[data-testid='stException']").count(), "the page shows an exception"
    # into the test's tmp_path: docs/ is written only by make screenshots
    page.screenshot(path=str(shot))
    context.close()
    unexpected = [f for f in failed if not f.endswith(PROBES)]
    assert unexpected == [], unexpected
    if failed and not unexpected:  # the console repeats each probe 404 as an error
        errors = [
            e
            for e in errors
            if not e.startswith(
                "Failed to load resource: the server responded with a status of 404"
            )
        ]
    return requests, [e for e in errors if not any(b in e for b in BENIGN)]


@pytest.mark.parametrize(("name", "path", "selector"), PAGES, ids=[p[0] for p in PAGES])
def test_page_in_chromium(
    browser, server, tmp_path: Path, name: str, path: str, selector: str
) -> None:
    requests, errors = visit(browser, f"{server}{path}", selector, tmp_path / f"{name}.png")
    hosts = {
        urlparse(u).hostname
        for u in requests
        if urlparse(u).scheme in ("http", "https", "ws", "wss")
    }
    assert hosts == {"127.0.0.1"}, f"requests left the machine: {hosts}"
    assert errors == [], errors
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000


def test_filter_change_in_the_browser_redraws(browser, server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/timeline?country=COD", wait_until="domcontentloaded")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
    before = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    page.get_by_role("radio", name="Mineral", exact=True).click()
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('lane') === 'mineral'", timeout=30_000
    )
    page.wait_for_timeout(1500)
    after = page.locator(".js-plotly-plot .ytick text").all_text_contents()
    assert "Democratic Republic of the Congo" in before and after != before
    context.close()


def test_data_page_download_is_exactly_the_filtered_events(browser, server, tmp_path) -> None:
    """Click the CSV download in Chromium and read the file: the filtered events, no other row."""
    import csv
    import re

    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/data?mineral=cobalt&to=2025-12-31", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=90_000)
    stated = page.get_by_text(re.compile(r"^\d+ events match the filters")).first.inner_text()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download these events (CSV)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    context.close()
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(ROOT / "data" / "events.csv", encoding="utf-8", newline="") as fh:
        expected = {
            r["event_id"]
            for r in csv.DictReader(fh)
            if "cobalt" in r["minerals"].split(";") and r["announced"] <= "2025-12-31"
        }
    assert info.value.suggested_filename == "events_filtered.csv"
    assert {r["event_id"] for r in rows} == expected and len(rows) == len(expected)
    assert int(stated.split()[0]) == len(rows)


def test_zz_nothing_was_written_to_data(server_process, data_hashes_at_start) -> None:
    """After every browser test above: data/ is byte-for-byte what it was before the server started."""
    from tests.e2e.conftest import hash_data

    assert data_hashes_at_start, "hashes were taken when the server started"
    assert hash_data() == data_hashes_at_start

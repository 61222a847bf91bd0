"""Twenty concurrent browser sessions changing filters: no errors, bounded memory, p95 reported."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import CHROMIUM, FLAGS, rss_kib

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.load]
SESSIONS = int(os.environ.get("LOAD_SESSIONS", "20"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
LANES = ("mineral", "actor")


async def session(
    browser, base: str, seconds: float, delay: float, timings: list[float], errors: list[str]
) -> None:
    """One visitor: open the timeline, then flip the swimlane choice until the time is up."""
    await asyncio.sleep(delay)  # visitors arrive over a few seconds
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{base}/timeline", wait_until="domcontentloaded")
    await page.wait_for_selector(".js-plotly-plot .main-svg")
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        lane = LANES[i % 2]
        started = time.monotonic()
        await page.get_by_role("radio", name=lane, exact=True).click()
        await page.wait_for_function(
            f"() => new URL(location.href).searchParams.get('lane') === '{lane}'"
        )
        await page.wait_for_selector("[data-testid='stStatusWidget']", state="detached")
        await page.wait_for_selector(".js-plotly-plot .main-svg")
        timings.append(time.monotonic() - started)
        i += 1
    if await page.locator("[data-testid='stException']").count():
        errors.append("exception shown on the page")
    await context.close()


async def drive(base: str, sessions: int, seconds: float) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    timings: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        await asyncio.gather(
            *(session(browser, base, seconds, 0.5 * i, timings, errors) for i in range(sessions))
        )
        await browser.close()
    return timings, errors


def in_thread(coro):
    """Run a coroutine on a fresh event loop in its own thread (the sync Playwright owns this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20)[-1]
        if len(values) >= 2
        else (values[0] if values else float("nan"))
    )


def test_concurrent_sessions(browser, server_process) -> None:
    assert browser is not None  # the fixture skips (or fails under CI) when Chromium is missing
    base, proc = server_process
    single, errors1 = in_thread(drive(base, 1, min(SECONDS, 10)))
    before = rss_kib(proc.pid)
    many, errors = in_thread(drive(base, SESSIONS, SECONDS))
    after = rss_kib(proc.pid)
    print(
        f"\nload: {SESSIONS} sessions x {SECONDS:.0f}s: {len(many)} filter changes, errors {len(errors)}; "
        f"p95 {p95(many):.2f}s vs single session p95 {p95(single):.2f}s; "
        f"server RSS {before / 1024:.0f} -> {after / 1024:.0f} MiB (+{(after - before) / 1024:.0f} MiB)"
    )
    assert errors1 == [] and errors == []
    assert len(many) >= SESSIONS, "every session completed at least one filter change"
    assert after - before < 1024 * 1024, "server memory grew by less than 1 GiB under load"

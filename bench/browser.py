"""Speed in a real Chromium, side by side with floors measured in the same run.

* first load: a new browser session on a warm server until the first chart is drawn, the
  dashboard's Overview against ``bench/hello_app.py`` (one chart);
* page switch: a click in the navigation until the new page's first chart, map or table is drawn
  (not a stale one from the page before) or the page's last long task (over 50 ms) has ended,
  whichever comes later (a deck.gl map's first draw comes most of a second after its canvas),
  every dashboard page against a switch to the one-chart page of ``bench/floor_app.py``.

Targets (issue 15): first load within 1.2x hello, every page switch within 2x the one-chart switch.
Not a test: ``.venv/bin/python -m bench.browser [rounds]``; figures go into bench/RESULTS.md.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.e2e.conftest import CHROMIUM, FLAGS, serve

FRESH = ':not([data-stale="true"])'
CHART = f"[data-testid='stElementContainer']{FRESH} .js-plotly-plot .main-svg"
MAP = f"[data-testid='stElementContainer']{FRESH} canvas"
TABLE = f"[data-testid='stElementContainer']{FRESH} [data-testid='stDataFrame']"
PAGES = [  # navigation title, URL path, what counts as drawn
    ("Map", "/map", MAP),
    ("Timeline", "/timeline", CHART),
    ("Mineral dependency", "/mineral", CHART),
    ("Country profile", "/country", CHART),
    ("Scenario", "/scenario", CHART),
    ("Data & methods", "/data", TABLE),
    ("Overview", "/", CHART),
]


@contextmanager
def server(script: str) -> Iterator[str]:
    gen = serve(script)
    url, _proc = next(gen)
    try:
        yield url
    finally:
        next(gen, None)


def first_load(browser, url: str, selector: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(LONG_TASKS_JS)
    page = context.new_page()
    t = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(selector, timeout=120_000)
    drawn = time.perf_counter() - t
    settle(page)
    # until the element was drawn or the last long task ended, whichever came later (the quiet
    # wait of settle() itself is not counted)
    busy = page.evaluate("window.__lastLongTask || 0") / 1000  # since the navigation started
    context.close()
    return max(drawn, busy)


PARTS: dict[str, list[tuple[float, float]]] = {}  # page -> (to its title, to its first element)


def switch(page, title: str, selector: str) -> float:
    """Click ``title`` in the navigation; seconds until the new page's first element is drawn.

    Also notes (in ``PARTS``) when the new title appeared (the server's rerun and the first
    elements reached the browser) and when the first chart/map/table appeared, before settling.
    """
    before = page.locator("h1").first.inner_text(timeout=60_000)
    link = page.locator(".st-key-app-nav a", has_text=title).first
    t = time.perf_counter()
    clicked = page.evaluate("performance.now()")
    link.click()
    page.wait_for_function(
        "([before]) => { const h = document.querySelector('h1');"
        " return h && h.innerText !== before; }",
        arg=[before],
        timeout=120_000,
        polling="raf",
    )
    t_title = time.perf_counter() - t
    page.wait_for_function(
        "([sel]) => document.querySelector(sel)", arg=[selector], timeout=120_000, polling="raf"
    )
    t_first = time.perf_counter() - t
    settle(page)
    PARTS.setdefault(title, []).append((t_title, t_first))
    # until the element was drawn or the page's last long task ended, whichever came later
    # (the quiet wait of settle() itself is not counted)
    busy = (page.evaluate("window.__lastLongTask || 0") - clicked) / 1000
    return max(t_first, busy)


LONG_TASKS_JS = """window.__lastLongTask = 0;
new PerformanceObserver(list => list.getEntries().forEach(e => {
  window.__lastLongTask = Math.max(window.__lastLongTask, e.startTime + e.duration); }))
  .observe({type: 'longtask', buffered: true});"""

SETTLE_JS = """quiet => new Promise(resolve => {
  let last = performance.now(), calm = 0;
  const step = now => {
    calm = now - last < 50 ? calm + 1 : 0; last = now;
    const idle = now - (window.__lastLongTask || 0);
    (calm >= 3 && idle >= quiet) ? resolve() : requestAnimationFrame(step); };
  requestAnimationFrame(step);
})"""


def settle(page, quiet_ms: int = 600) -> None:
    """Wait until the main thread has had no long task (over 50 ms) for ``quiet_ms`` and three
    frames in a row came under 50 ms apart: the page has finished drawing.

    A deck.gl map shows its canvas before it has drawn: in a GPU-less Chromium its first draw
    is one long task of about a second, most of a second after the click. Counting only calm
    frames let that task land on the next page's switch (Timeline after Map, Scenario after
    Country); the long-task observer (installed on every page, see ``LONG_TASKS_JS``) keeps
    each page's cost on its own row.
    """
    page.evaluate(SETTLE_JS, quiet_ms)


def main(rounds: int = 5) -> None:
    from playwright.sync_api import sync_playwright

    hello_chart = ".js-plotly-plot .main-svg"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        with (
            server("app.py") as app,
            server("bench/hello_app.py") as hello,
            server("bench/floor_app.py") as floor,
        ):
            first_load(browser, app, CHART)  # warm both servers (imports, caches)
            first_load(browser, hello, hello_chart)
            loads: dict[str, list[float]] = {"hello": [], "app": []}
            for _ in range(rounds):  # interleaved, so drift hits both alike
                loads["hello"].append(first_load(browser, hello, hello_chart))
                loads["app"].append(first_load(browser, app, CHART))

            floor_page = browser.new_page(viewport={"width": 1280, "height": 800})
            floor_page.add_init_script(LONG_TASKS_JS)
            floor_page.goto(floor, wait_until="domcontentloaded")
            floor_page.wait_for_selector("h1", timeout=60_000)
            app_page = browser.new_page(viewport={"width": 1280, "height": 800})
            app_page.add_init_script(LONG_TASKS_JS)
            app_page.goto(app, wait_until="domcontentloaded")
            app_page.wait_for_selector(CHART, timeout=120_000)
            switches: dict[str, list[float]] = {"one-chart page": [], "one-map page": []}
            switches.update({title: [] for title, _, _ in PAGES})
            for r in range(rounds + 1):
                one = switch(floor_page, "Chart", CHART)
                switch(floor_page, "Floor", "h1")
                one_map = switch(floor_page, "Map", MAP)
                switch(floor_page, "Floor", "h1")
                times = {title: switch(app_page, title, sel) for title, _, sel in PAGES}
                if r == 0:
                    continue  # the first visit fills the caches; report warm switches
                switches["one-chart page"].append(one)
                switches["one-map page"].append(one_map)
                for title, seconds in times.items():
                    switches[title].append(seconds)
        browser.close()

    hello_s = statistics.median(loads["hello"])
    app_s = statistics.median(loads["app"])
    print(f"\nFirst load, new session on a warm server, to the first chart (median of {rounds})")
    print(f"{'app':<28}{'seconds':>9}{'ratio':>8}  target <=1.2x")
    print(f"{'hello (one chart)':<28}{hello_s:>9.2f}{1.0:>8.2f}")
    verdict = "met" if app_s / hello_s <= 1.2 else "MISSED"
    print(f"{'dashboard Overview':<28}{app_s:>9.2f}{app_s / hello_s:>8.2f}  {verdict}")
    floor_s = statistics.median(switches.pop("one-chart page"))
    map_s = statistics.median(switches.pop("one-map page"))
    print(f"\nPage switch (click) to the page's first chart/map/table, warm (median of {rounds})")
    print(f"{'page':<28}{'seconds':>9}{'ratio':>8}  target <=2x   to title  to element")
    print(f"{'one-chart page (floor)':<28}{floor_s:>9.2f}{1.0:>8.2f}")
    print(
        f"{'one-map page (shapes only)':<28}{map_s:>9.2f}{map_s / floor_s:>8.2f}  (what deck.gl costs here)"
    )
    for title, values in switches.items():
        s = statistics.median(values)
        verdict = "met   " if s / floor_s <= 2 else "MISSED"
        parts = PARTS.get(title, [])[1:]  # warm rounds only
        head = statistics.median(p[0] for p in parts) if parts else float("nan")
        first = statistics.median(p[1] for p in parts) if parts else float("nan")
        print(f"{title:<28}{s:>9.2f}{s / floor_s:>8.2f}  {verdict}{head:>11.2f}{first:>12.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)

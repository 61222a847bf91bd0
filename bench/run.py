"""Benchmarks: metrics at 1x/10x/100x, page reruns, bytes sent, cold start, briefing build.

    .venv/bin/python -m bench.run            # everything (a few minutes)
    .venv/bin/python -m bench.run metrics    # one part: metrics | pages | bytes | cold | brief | trade

Prints one table per part with the target and whether it is met. Timings are medians of
repeated runs on this machine; they are figures to read, not assertions.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import metrics, views  # noqa: E402
from analysis.filters import Filters, filter_events, mineral_family  # noqa: E402
from analysis.package import DATA_DIR, DATA_DIR_ENV, load_package  # noqa: E402
from analysis.status import status_grid, status_intervals  # noqa: E402
from bench.synthetic import scaled_package, write_scaled_data_dir  # noqa: E402

AS_OF = dt.date(2025, 12, 31)
FILTERS = Filters(end=AS_OF, as_of=AS_OF)


def table(title: str, rows: list[dict]) -> None:
    print(f"\n== {title}")
    print(pd.DataFrame(rows).to_string(index=False))


def _calibration_ms() -> float:
    """A fixed pure-Python loop: how fast this machine is right now (to read the other figures)."""

    def loop() -> int:
        total = 0
        for i in range(1_000_000):
            total += i
        return total

    return min(_times(loop, 5))


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _page_metrics(pkg) -> dict[str, tuple[str, Callable[[], object]]]:
    """Every metric the pages call, called as the pages call them (see analysis/views.py)."""
    ev, types, mins = pkg["events"], pkg["event_types"], pkg["minerals"]
    ix, latest = views.event_index(pkg), views.latest_production(pkg)
    ree = sorted(mineral_family(mins, ["rare_earths"]) & views.produced_minerals(pkg))
    ree_prod = latest[latest["mineral"].isin(ree) & (latest["measure"] == "production")]
    prod = pkg["production"]
    focus = prod[
        prod["mineral"].isin(views.FOCUS_DEFAULT)
    ]  # every year: shares of each date's year
    as_of = pd.Timestamp(AS_OF)
    months = metrics.monthly_dates(dt.date(2009, 1, 1), AS_OF)
    return {
        "filter events (all pages)": (
            "all",
            lambda: filter_events(ev, mins, pkg["blocs"], FILTERS),
        ),
        "status on one date": (
            "overview, country, map, data",
            lambda: status_grid(ev, types, [as_of], ix),
        ),
        "status spans": ("timeline", lambda: status_intervals(ev, types, as_of, ix)),
        "exposure, monthly 2009-2025": (
            "overview, mineral",
            lambda: metrics.exposure(
                focus,
                ev,
                types,
                mins,
                months,
                with_controls=False,
                index=ix,
                bases=views.bases(pkg),
            ),
        ),
        "exposure on one date, every mineral": (
            "CLI, briefings",
            lambda: metrics.exposure(
                prod, ev, types, mins, [as_of], index=ix, bases=views.bases(pkg)
            ),
        ),
        "concentration, one mineral group": ("mineral", lambda: metrics.concentration(ree_prod)),
        "shares, every mineral, one year": ("country, map", lambda: metrics.shares(latest)),
        "governance risk": (
            "mineral",
            lambda: metrics.governance_risk(
                ree_prod, pkg["countries"], ev, types, mins, pkg["eu_crm_2023"], as_of, index=ix
            ),
        ),
        "importer dependency": (
            "mineral",
            lambda: metrics.importer_dependency(
                pkg["import_reliance"], ev, types, mins, pkg["blocs"], as_of, index=ix
            ),
        ),
        "deal partners": (
            "scenario, mineral",
            lambda: metrics.deal_partners(ev, types, pkg["blocs"], as_of, "USA"),
        ),
        "scenario": ("scenario", lambda: views.scenario_view(pkg, "CHN", "gallium", 50, AS_OF)),
    }


def _views(pkg) -> dict[str, Callable[[], object]]:
    return {
        "overview": lambda: views.overview(pkg, FILTERS),
        "timeline": lambda: views.timeline(pkg, FILTERS),
        "mineral (rare earths)": lambda: views.mineral_profile(pkg, "rare_earths", FILTERS),
        "country (CHN)": lambda: views.country_profile(pkg, "CHN", FILTERS),
        "map (controls)": lambda: views.map_data(pkg, FILTERS, "controls", "rare_earths", "mine"),
        "scenario": lambda: views.scenario_view(pkg, "CHN", "gallium", 50, AS_OF),
        "data table": lambda: views.events_table(pkg, FILTERS),
    }


def bench_metrics() -> None:
    """Metrics at 1x/10x/100x: min and median of repeated calls, once the package is prepared.

    A loaded package keeps its event index and latest-year production (``views.event_index``,
    ``views.latest_production``); preparing them is timed separately, once per package.
    Concentration over every year of the table is shown too, though no page asks for it.
    """
    base = load_package(DATA_DIR)
    print(f"machine: a 1e6-step Python loop takes {_calibration_ms():.0f} ms right now")
    timings: dict[str, dict[int, tuple[float, float]]] = {}
    used_by: dict[str, str] = {}
    view_times: dict[str, dict[int, tuple[float, float]]] = {}
    for k in (1, 10, 100):
        pkg = scaled_package(base, k)
        fresh = scaled_package(base, k)

        def prepare(p=fresh) -> None:
            p._derived.clear()
            views.event_index(p), views.latest_production(p), views.produced_minerals(p)

        cases = {"prepare the package (once per load)": ("all", prepare)}
        cases |= _page_metrics(pkg)
        cases["concentration, every year (not on a page)"] = (
            "CLI",
            lambda p=pkg: metrics.concentration(p["production"]),
        )
        for name, (pages, fn) in cases.items():
            fn()  # warm: the package's derived values exist from here on
            t = _times(fn, 5 if k == 100 else 7)
            timings.setdefault(name, {})[k] = (min(t), statistics.median(t))
            used_by[name] = pages
        for name, fn in _views(pkg).items():
            fn()
            t = _times(fn, 5 if k == 100 else 7)
            view_times.setdefault(name, {})[k] = (min(t), statistics.median(t))
    rows = []
    for name, t in timings.items():
        on_page = not name.endswith("(not on a page)")
        rows.append(
            {
                "metric": name,
                "pages": used_by[name],
                "1x ms": round(t[1][1], 1),
                "10x ms": round(t[10][1], 1),
                "100x ms (min / median)": f"{t[100][0]:.0f} / {t[100][1]:.0f}",
                "100x/1x": round(t[100][1] / t[1][1], 1),
                "<100 ms at 100x": ("met" if t[100][1] < 100 else "MISSED") if on_page else "n/a",
                "growth <= linear": "yes" if t[100][1] / t[1][1] <= 100 else "NO",
            }
        )
    events = len(base["events"])
    table(
        f"Metrics as the pages call them, events {events} -> {events * 100} (medians unless stated)",
        rows,
    )
    rows = [
        {
            "page view (all its metrics)": name,
            "1x ms": round(t[1][1], 1),
            "10x ms": round(t[10][1], 1),
            "100x ms (min / median)": f"{t[100][0]:.0f} / {t[100][1]:.0f}",
            "100x/1x": round(t[100][1] / t[1][1], 1),
        }
        for name, t in view_times.items()
    ]
    table(
        "One call of each page's view (what a cache miss costs; pages cache views per filter set)",
        rows,
    )


PAGES = ["overview", "map", "timeline", "mineral", "country", "scenario", "data"]


def _apptest(page: str | None):
    from streamlit.testing.v1 import AppTest

    if page is None:
        return AppTest.from_file(str(ROOT / "bench" / "floor_page.py"), default_timeout=300)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.switch_page(f"pages/{page}.py")
    return at


def _rerun_ms(page: str | None, repeat: int = 7) -> float:
    at = _apptest(page)
    at.run()
    times = []
    days = [dt.date(2025, 6, 1), dt.date(2025, 12, 31)]
    for i in range(repeat):
        if page is not None:
            at.date_input(key="f_as_of").set_value(days[i % 2])
        t = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times[1:])  # the first change of a date is a cache miss


def _bytes_sent(page: str) -> int:
    at = _apptest(page)
    at.run()
    total = 0

    def walk(node) -> None:
        nonlocal total
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ByteSize"):
            total += proto.ByteSize()
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return total


def bench_pages(k: int = 1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if k > 1:
            os.environ[DATA_DIR_ENV] = str(write_scaled_data_dir(DATA_DIR, Path(tmp) / "data", k))
        floor = _rerun_ms(None)
        rows = []
        target = 250 if k == 1 else 1000
        for page in PAGES:
            ms = _rerun_ms(page)
            rows.append(
                {
                    "page": page,
                    "warm rerun ms (median)": round(ms, 1),
                    "ratio to floor": round(ms / floor, 1),
                    f"target <{target} ms": "met" if ms < target else "MISSED",
                }
            )
        os.environ.pop(DATA_DIR_ENV, None)
    table(
        f"Page warm rerun after a filter change, AppTest, {k}x data (floor page: {floor:.1f} ms)",
        rows,
    )


def bench_bytes() -> None:
    rows = []
    for page in PAGES:
        n = _bytes_sent(page)
        rows.append(
            {"page": page, "bytes sent": n, "target <1 MB": "met" if n < 1_000_000 else "MISSED"}
        )
    table("Bytes each page sends (element protos: chart specs, tables, text)", rows)


def _cold_start(script: str) -> float:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, FLAGS, streamlit_server

    started = time.perf_counter()
    with streamlit_server(script=script, poll=0.05) as (url, _proc), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page()
        page.goto(f"{url}/")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def bench_cold() -> None:
    hello = statistics.median(_cold_start("bench/hello_app.py") for _ in range(3))
    app = statistics.median(_cold_start("app.py") for _ in range(3))
    table(
        "Cold start: streamlit run to the first chart drawn in Chromium (median of 3)",
        [
            {
                "app": "hello world (one chart)",
                "seconds": round(hello, 2),
                "ratio": 1.0,
                "target <=1.5x": "",
            },
            {
                "app": "dashboard (overview)",
                "seconds": round(app, 2),
                "ratio": round(app / hello, 2),
                "target <=1.5x": "met" if app / hello <= 1.5 else "MISSED",
            },
        ],
    )


def bench_brief() -> None:
    from analysis import briefing

    pkg = load_package(DATA_DIR)
    t = time.perf_counter()
    doc = briefing.mineral_briefing(pkg, "gallium", FILTERS)
    content = time.perf_counter() - t
    t = time.perf_counter()
    data = briefing.build(doc, "pptx")
    render = time.perf_counter() - t
    total = content + render
    table(
        "Briefing: gallium PPTX, one persistent Chromium for all charts",
        [
            {
                "content s": round(content, 2),
                "render+assemble s": round(render, 2),
                "total s": round(total, 2),
                "charts": len(doc.charts),
                "bytes": len(data),
                "target <10 s": "met" if total < 10 else "MISSED",
            },
        ],
    )


def main(argv: list[str]) -> None:
    parts = argv or ["metrics", "pages", "pages100", "bytes", "cold", "brief", "trade"]
    for part in parts:
        {
            "metrics": bench_metrics,
            "pages": bench_pages,
            "pages100": lambda: bench_pages(100),
            "bytes": bench_bytes,
            "cold": bench_cold,
            "brief": bench_brief,
            "trade": _bench_trade,
        }[part]()


def _bench_trade() -> None:
    from bench import trade

    trade.main()


if __name__ == "__main__":
    main(sys.argv[1:])

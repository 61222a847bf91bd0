"""Benchmarks of the BACI trade layer (``python -m bench.run trade``): format, load, metrics, memory.

Every figure is printed beside a floor measured in the same run, so a slow machine shows as a
slow floor rather than as a missed target.
"""

from __future__ import annotations

import gc
import hashlib
import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
TRADE = ROOT / "data" / "trade.parquet"


def _median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def _show(title: str, rows: list[dict]) -> None:
    print(f"\n== {title}")
    print(pd.DataFrame(rows).to_string(index=False))


def bench_format() -> None:
    """Parquet (the choice) against gzip CSV: size, load time to typed columns, byte identity."""
    from analysis.ingest.baci import gzip_csv_bytes, parquet_bytes

    table = pq.read_table(TRADE)
    rows = []
    floor = _median_ms(lambda: TRADE.read_bytes(), 5)
    for name, make, load in (
        ("Parquet zstd-9 (chosen)", parquet_bytes, lambda b: pq.read_table(pa.BufferReader(b)).to_pandas()),
        ("gzip CSV (mtime 0, level 9)", gzip_csv_bytes,
         lambda b: pd.read_csv(io.BytesIO(b), compression="gzip", dtype={"hs": str, "exporter": "category", "importer": "category"})),
    ):  # fmt: skip
        t = time.perf_counter()
        first = make(table)
        write_s = time.perf_counter() - t
        same = hashlib.sha256(first).digest() == hashlib.sha256(make(table)).digest()
        rows.append(
            {
                "format": name,
                "MB": round(len(first) / 1e6, 2),
                "write s": round(write_s, 2),
                "load ms (median of 5)": round(
                    _median_ms(lambda first=first, load=load: load(first), 5)
                ),
                "byte-identical twice": same,
                "floor: read file bytes ms": round(floor, 1),
            }
        )
    _show(f"Trade table format ({table.num_rows:,} rows)", rows)


def bench_cold_load() -> None:
    """What the trade table adds to loading and validating the package, in a fresh process each.

    The floor is the same package without the trade resource (a copy of data/ in a temporary
    folder, read through MINERALS_DATA_DIR).
    """
    import os
    import shutil
    import tempfile

    import yaml

    script = (
        "import time; t = time.perf_counter(); from analysis.package import load_package; "
        "load_package(); print(time.perf_counter() - t)"
    )

    def run(data_dir: Path) -> float:
        env = {**os.environ, "MINERALS_DATA_DIR": str(data_dir)}
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)  # fmt: skip
        return float(out.stdout.strip())

    with tempfile.TemporaryDirectory() as tmp:
        lean_dir = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", lean_dir, ignore=shutil.ignore_patterns("trade.parquet"))
        doc = yaml.safe_load((lean_dir / "datapackage.yaml").read_text(encoding="utf-8"))
        doc["resources"] = [r for r in doc["resources"] if r["name"] != "trade"]
        (lean_dir / "datapackage.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
        lean = statistics.median(run(lean_dir) for _ in range(3))
        full = statistics.median(run(ROOT / "data") for _ in range(3))
    _show("Cold load_package in a fresh process (median of 3)", [
        {"package": "without the trade table (floor)", "s": round(lean, 2), "added s": "", "target <= 1 s": ""},
        {"package": "with the trade table", "s": round(full, 2), "added s": round(full - lean, 2),
         "target <= 1 s": "met" if full - lean <= 1 else "MISSED"},
    ])  # fmt: skip


def _scaled(trade: pd.DataFrame, k: int) -> pd.DataFrame:
    """``k`` copies of the trade table, each copy shifted by 30 years so every key stays unique."""
    if k == 1:
        return trade
    parts = [trade.assign(year=(trade["year"] + 30 * i).astype("int16")) for i in range(k)]
    out = pd.concat(parts, ignore_index=True)
    for col in ("exporter", "importer", "hs"):
        out[col] = out[col].astype(trade[col].dtype)
    return out


def bench_dependency() -> None:
    """``dependency`` for one importer and mineral, and for every importer of one mineral, warm."""
    from analysis import trade as T
    from analysis.package import load_package

    pkg = load_package()
    codes = pkg["hs_codes"]
    as_of = pd.Timestamp("2025-06-01")
    ctl = T.export_controls(pkg["events"], pkg["event_types"], pkg["minerals"], pkg["blocs"], as_of)
    rows = []
    ree = T.codes_for(codes, mineral="rare_earths")
    nickel = T.codes_for(codes, mineral="nickel")
    for k in (1, 10):
        trade = _scaled(pkg["trade"], k)
        year = 2020 + 30 * (k - 1)
        # Floor: one pass over the year column of the same table (what any filter must do).
        floor = _median_ms(lambda t=trade, y=year: t["year"].to_numpy() == y, 15)

        def one(t=trade, y=year) -> object:
            pairs = T.controlled_pairs(ctl, codes, ree, "JPN")
            return T.dependency(t, "JPN", ree, y, pairs)

        def every(t=trade, y=year) -> object:
            return T.importers_dependency(t, nickel, y, ctl, codes)

        index = T.TradeIndex(trade)

        def one_indexed(ix=index, y=year) -> object:
            pairs = T.controlled_pairs(ctl, codes, ree, "JPN")
            return T.dependency(ix.rows(ree, y), "JPN", ree, y, pairs)

        def every_indexed(ix=index, y=year) -> object:
            return T.importers_dependency(ix.rows(nickel, y), nickel, y, ctl, codes)

        def controls() -> object:
            return T.export_controls(
                pkg["events"], pkg["event_types"], pkg["minerals"], pkg["blocs"], as_of
            )

        one()
        every()
        for name, fn, target in (
            ("dependency JPN rare earths 2020 (+ controls of the date)", one, 50),
            ("every importer of nickel ore 2020, with controlled share", every, 250),
            ("the same through TradeIndex (as the pages call it)", one_indexed, 50),
            ("every importer of nickel ore through TradeIndex", every_indexed, 250),
            ("export controls in force on one date (shared by both)", controls, None),
        ):
            ms = _median_ms(fn, 15)
            rows.append({"rows": f"{len(trade):,} ({k}x)", "call": name, "median ms": round(ms, 1),
                         "floor ms": round(floor, 2),
                         "target": f"< {target} ms" if target else "",
                         "met": ("met" if ms < target else "MISSED") if target else ""})  # fmt: skip
        del trade
        gc.collect()
    _show("Trade dependency, warm (median of 15; floor: one scan of the year column)", rows)


def bench_memory() -> None:
    """Resident memory of a fresh process after loading the package and running the trade views."""
    script = (
        "import resource, gc, pandas as pd\n"
        "from analysis.package import load_package\n"
        "from analysis import trade as T\n"
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS'): return int(line.split()[1]) / 1024\n"
        "import streamlit, plotly, pydeck\n"
        "base = rss()\n"
        "pkg = load_package()\n"
        "loaded = rss()\n"
        "c = pkg['hs_codes']\n"
        "ctl = T.export_controls(pkg['events'], pkg['event_types'], pkg['minerals'], pkg['blocs'], pd.Timestamp('2025-06-01'))\n"
        "for m in sorted(set(c['mineral'])):\n"
        "    T.importers_dependency(pkg['trade'], T.codes_for(c, mineral=m), 2024, ctl, c)\n"
        "    T.export_shares(pkg['trade'], T.codes_for(c, mineral=m))\n"
        "gc.collect()\n"
        "print(base, loaded, rss(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         check=True)  # fmt: skip
    base, loaded, used, peak = (float(x) for x in out.stdout.split())
    _show("Resident memory of one process (MB)", [
        {"state": "streamlit, plotly, pydeck imported (floor)", "RSS MB": round(base), "target": ""},
        {"state": "package loaded (trade table included)", "RSS MB": round(loaded), "target": ""},
        {"state": "after trade views for every mineral", "RSS MB": round(used), "target": "< 700 MB",
         "met": "met" if used < 700 else "MISSED"},
        {"state": "peak", "RSS MB": round(peak), "target": "< 700 MB", "met": "met" if peak < 700 else "MISSED"},
    ])  # fmt: skip


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_server_memory() -> None:
    """Resident memory of a real ``streamlit run app.py`` server after Chromium opened the pages
    that draw the trade layer (country, mineral, map coloured by controlled share, scenario)."""
    import urllib.request

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, FLAGS, _free_port

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    rows = []
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        rows.append(
            {"state": "server up, nothing loaded (floor)", "RSS MB": round(_rss_mb(proc.pid))}
        )
        paths = ["country?iso=JPN", "mineral?focus=nickel", "map?measure=controlled&map_mineral=rare_earths",
                 "scenario?sc_mineral=nickel&sc_country=PHL&cut=50", "country?iso=DEU"]  # fmt: skip
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            page = browser.new_page()
            for path in paths:
                page.goto(f"http://127.0.0.1:{port}/{path}")
                page.wait_for_selector("h1", timeout=180_000)
                page.wait_for_timeout(4000)
                rows.append({"state": f"after /{path}", "RSS MB": round(_rss_mb(proc.pid))})
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    for row in rows:
        row["target"] = "< 700 MB"
        row["met"] = "met" if row["RSS MB"] < 700 else "MISSED"
    _show("Resident memory of the streamlit server (one browser session)", rows)


def main(parts: list[str] | None = None) -> None:
    steps = {
        "format": bench_format,
        "cold": bench_cold_load,
        "dependency": bench_dependency,
        "memory": bench_memory,
        "server": bench_server_memory,
    }
    for part in parts or list(steps):
        steps[part]()


if __name__ == "__main__":
    main(sys.argv[1:])

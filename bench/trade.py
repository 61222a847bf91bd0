"""Benchmarks of the BACI trade layer (``python -m bench.run trade``): format, load, metrics, memory.

Every figure is printed beside a floor measured in the same run, so a slow machine shows as a
slow floor rather than as a missed target.
"""

from __future__ import annotations

import gc
import hashlib
import io
import resource
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


def main(parts: list[str] | None = None) -> None:
    for part in parts or ["format", "cold"]:
        {"format": bench_format, "cold": bench_cold_load}[part]()
    gc.collect()
    print(
        f"\nmax RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main(sys.argv[1:])

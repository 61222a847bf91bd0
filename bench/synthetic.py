"""Synthetic data at k times the real size, built from the real tables (for benchmarks only)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd

from analysis.package import DataPackage


def scale_events(events: pd.DataFrame, k: int) -> pd.DataFrame:
    """k copies of the events, ids and relates_to suffixed so each copy is self-contained."""
    copies = []
    for i in range(k):
        c = events.copy()
        suffix = "" if i == 0 else f"-x{i}"
        c["event_id"] = c["event_id"] + suffix
        c["relates_to"] = c["relates_to"].where(
            c["relates_to"].isna(), c["relates_to"].str.replace(";", suffix + ";") + suffix
        )
        copies.append(c)
    return pd.concat(copies, ignore_index=True)


def scale_production(production: pd.DataFrame, k: int) -> pd.DataFrame:
    """k times the rows: earlier years copied back in time (2024, 2023, 2022, ...)."""
    copies = [production]
    for i in range(1, k):
        c = production.copy()
        c["year"] = c["year"] - 2 * i
        copies.append(c)
    return pd.concat(copies, ignore_index=True)


def scaled_package(pkg: DataPackage, k: int) -> DataPackage:
    tables = dict(pkg.tables)
    tables["events"] = scale_events(pkg["events"], k)
    tables["production"] = scale_production(pkg["production"], k)
    return DataPackage(pkg.descriptor, tables, pkg.data_dir)


def write_scaled_data_dir(source: Path, target: Path, k: int) -> Path:
    """A copy of data/ whose events.csv has k times the rows (valid against the descriptor)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    with open(source / "events.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(target / "events.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for i in range(k):
            suffix = "" if i == 0 else f"-x{i}"
            for r in rows:
                writer.writerow(
                    {
                        **r,
                        "event_id": r["event_id"] + suffix,
                        "relates_to": ";".join(x + suffix for x in r["relates_to"].split(";"))
                        if r["relates_to"]
                        else "",
                    }
                )
    return target

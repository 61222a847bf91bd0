"""Source lines and edition labels, built from the data package (one place for pages and briefings).

What a chart or table of production shows is named from the rows themselves (their ``edition``,
``year`` and ``estimated`` columns) and from the sources that datapackage.yaml lists for the
production table, so no edition or year is typed into a page or a briefing.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_EDITION_TITLE = re.compile(r"Mineral commodity summaries (?P<year>\d{4}) data release", re.I)


def _production_sources(pkg: Any) -> dict[str, dict[str, str]]:
    """``'MCS 2026'`` -> {title, path} from the production resource's sources."""
    out: dict[str, dict[str, str]] = {}
    for src in pkg.resource("production").get("sources", []):
        m = _EDITION_TITLE.search(str(src.get("title", "")))
        if m:
            out[f"MCS {m.group('year')}"] = {
                "title": str(src["title"]),
                "path": str(src.get("path", "")),
            }
    return out


def _years(years: list[int]) -> str:
    years = sorted(set(years))
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


def edition_label(rows: pd.DataFrame) -> str:
    """Short label of the editions and years that ``rows`` come from.

    >>> rows = pd.DataFrame({"edition": ["MCS 2026", "MCS 2026"], "year": [2025, 2025],
    ...     "estimated": [True, True]})
    >>> edition_label(rows)
    'USGS MCS 2026, 2025 estimates'
    >>> rows = pd.DataFrame({"edition": ["MCS 2025", "MCS 2026"], "year": [2023, 2024],
    ...     "estimated": [False, False]})
    >>> edition_label(rows)
    'USGS MCS 2026, 2024 data; USGS MCS 2025, 2023 data'
    """
    if rows is None or len(rows) == 0 or "edition" not in rows:
        return "USGS Mineral Commodity Summaries"
    parts = []
    frame = rows[["edition", "year"]].assign(
        estimated=rows["estimated"].astype(bool) if "estimated" in rows else False
    )
    for edition, part in sorted(frame.groupby("edition"), key=lambda kv: kv[0], reverse=True):
        years = [int(y) for y in part["year"].unique()]
        kind = "estimates" if bool(part["estimated"].all()) else "data"
        parts.append(f"USGS {edition}, {_years(years)} {kind}")
    return "; ".join(parts)


def edition_citation(pkg: Any, rows: pd.DataFrame) -> list[str]:
    """Full citations (title and DOI) of the editions ``rows`` come from, newest first."""
    listed = _production_sources(pkg)
    editions = sorted(set(rows["edition"].dropna()), reverse=True) if "edition" in rows else []
    return [
        f"{listed[e]['title']}, {listed[e]['path']} (public domain)"
        for e in editions
        if e in listed
    ]


def dataset_citations(pkg: Any) -> list[str]:
    """Every source the package lists at its top level, as citation lines (briefings)."""
    out = []
    for src in pkg.descriptor.get("sources", []):
        title, path = str(src.get("title", "")), str(src.get("path", ""))
        if path.endswith(".csv"):
            continue  # row-level sources are cited row by row
        out.append(f"{title}, {path}" if path else title)
    return out


def source_line(pkg: Any, what: str) -> str:
    """The line under a chart: what it is built from, and the dataset version."""
    return f"Source: {what}. Dataset v{pkg.version}."


def supply_source(pkg: Any, rows: pd.DataFrame, extra: str = "") -> str:
    """Source line for a chart of production rows: editions and years from the rows themselves."""
    what = edition_label(rows)
    return source_line(pkg, f"{what}{'; ' + extra if extra else ''}")


def share_year_note(share_years: pd.Series, dates: pd.Series) -> str:
    """Say which production year's shares a series uses and where the first year is carried back.

    >>> share_year_note(pd.Series([2020, 2020, 2025]), pd.to_datetime(pd.Series(["2012-01-01",
    ...     "2020-06-01", "2026-03-01"])))
    'shares of each year 2020-2025 (2020 shares before 2020; 2025 shares after 2025)'
    """
    if len(share_years) == 0:
        return ""
    years = pd.Series(share_years).astype(int)
    date_years = pd.DatetimeIndex(pd.Series(dates)).year
    first, last = int(years.min()), int(years.max())
    notes = []
    if (date_years < first).any():
        notes.append(f"{first} shares before {first}")
    if (date_years > last).any():
        notes.append(f"{last} shares after {last}")
    span = f"{first}-{last}" if last > first else str(first)
    text = f"shares of each year {span}" if last > first else f"{span} shares"
    return text + (f" ({'; '.join(notes)})" if notes else "")


def attribution(pkg: Any) -> str:
    """The footer's sources and licences; the USGS editions are read from the production sources."""
    editions = sorted(_production_sources(pkg), key=lambda e: int(e.split()[-1]))
    if editions:
        first, last = editions[0].split()[-1], editions[-1].split()[-1]
        usgs = (
            f"USGS Mineral Commodity Summaries {first}-{last} (current edition {editions[-1]}; "
            "public domain)"
        )
    else:
        usgs = "USGS Mineral Commodity Summaries (public domain)"
    return (
        "Sources: events as cited row by row (official releases and wire services); production and "
        f"U.S. import reliance: {usgs}; governance: World Bank WGI 2024 update (CC BY 4.0); shapes: "
        "Natural Earth (public domain); centroids: 360info and geoBoundaries (CC BY 4.0); EU "
        "criticality: European Commission 2023. Curated tables CC BY 4.0."
    )

"""Finished content: what a page or a briefing shows, before it is drawn.

Views build these from the data and :mod:`analysis.labels`; pages (Streamlit) and briefings
(PowerPoint, PDF) only lay them out, so the words and numbers are the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.filters import FIRST_DAY, Filters
from analysis.labels import Labels


@dataclass(frozen=True)
class Number:
    """A key number: its label, its value with the unit, and how it is computed."""

    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Table:
    """A table with display headers and values; ``links`` names the columns holding URLs."""

    title: str
    frame: pd.DataFrame
    links: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A figure with its title and source line (both also drawn inside the figure)."""

    title: str
    figure: Any
    source: str


@dataclass
class Content:
    """A page or briefing: title, subtitle with the filters in words, numbers, tables, charts."""

    title: str
    subtitle: str
    numbers: list[Number] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # caveats, shown as plain text


def percent(value: float | None, digits: int = 1) -> str:
    """A share as text with its unit; a missing value as '-'.

    >>> percent(12.345), percent(None)
    ('12.3%', '-')
    """
    return "-" if value is None or pd.isna(value) else f"{value:.{digits}f}%"


def filters_in_words(filters: Filters, labels: Labels, *, dates: bool = True) -> str:
    """One line that says what the view is filtered to.

    >>> from analysis.labels import Labels
    >>> lab = Labels({}, {"CHN": "China"}, {"gallium": "Gallium"}, {}, {}, {}, {}, {}, {}, "1")
    >>> f = Filters(countries=("CHN",), minerals=("gallium",), start=FIRST_DAY,
    ...             end=dt.date(2025, 1, 31), as_of=dt.date(2025, 1, 31))
    >>> filters_in_words(f, lab)
    'Status as of 31 January 2025 · China · Gallium · all event types · announced to 31 Jan 2025'
    """
    parts = [f"Status as of {filters.as_of:%d %B %Y}"] if dates else []
    parts.append(
        ", ".join(labels.country(c) for c in filters.countries) or "all countries and blocs"
    )
    parts.append(", ".join(labels.mineral(m) for m in filters.minerals) or "all minerals")
    parts.append(", ".join(labels.event_type(t) for t in filters.types) or "all event types")
    if filters.start > FIRST_DAY:
        parts.append(f"announced {filters.start:%d %b %Y} to {filters.end:%d %b %Y}")
    else:
        parts.append(f"announced to {filters.end:%d %b %Y}")
    return " · ".join(parts)


def is_today(day: dt.date) -> bool:
    return day == dt.date.today()

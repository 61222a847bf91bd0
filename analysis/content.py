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
    name: str = ""  # a short name for the briefing slide (the figure carries the full title)
    notes: tuple[str, ...] = ()  # caveats printed with the chart (unverified statuses)


@dataclass
class Content:
    """A page or briefing: title, subtitle with the filters in words, numbers, tables, charts."""

    title: str
    subtitle: str
    numbers: list[Number] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # caveats, shown as plain text
    sections: list[Any] = field(default_factory=list)  # Section, in page order
    # Charts only a briefing prints (e.g. events per year): built here, with their titles and
    # source lines, so the words are the same as the page's.
    print_charts: list[Chart] = field(default_factory=list)
    # What a page's own pickers offer, as display labels by value (e.g. the Timeline's events).
    choices: dict[str, dict[str, str]] = field(default_factory=dict)


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
    parts = [f"Status as of {filters.as_of.day} {filters.as_of:%B %Y}"] if dates else []
    parts.append(
        ", ".join(labels.country(c) for c in filters.countries) or "all countries and blocs"
    )
    parts.append(", ".join(labels.mineral(m) for m in filters.minerals) or "all minerals")
    parts.append(", ".join(labels.event_type(t) for t in filters.types) or "all event types")
    if filters.start > FIRST_DAY:
        parts.append(
            f"announced {filters.start.day} {filters.start:%b %Y} to {filters.end.day} {filters.end:%b %Y}"
        )
    else:
        parts.append(f"announced to {filters.end.day} {filters.end:%b %Y}")
    return " · ".join(parts)


def is_today(day: dt.date) -> bool:
    return day == dt.date.today()


@dataclass(frozen=True)
class Text:
    """Plain text: a caveat or caption (``note``), a paragraph (``body``), an explanation in a
    box (``info``), or the project's own documentation (``markdown``: only for files we write,
    never for data)."""

    text: str
    kind: str = "note"


@dataclass(frozen=True)
class MapView:
    """A map: the deck.gl spec (compact JSON, built once by :mod:`analysis.maps`), its tooltip,
    the legend line, and the static figure a briefing prints instead (or None)."""

    title: str
    spec: str
    tooltip: dict
    legend: str
    source: str
    height: int = 480
    figure: Any = None
    name: str = ""


@dataclass(frozen=True)
class Link:
    """A link out to a source document, shown as a button."""

    label: str
    url: str


@dataclass(frozen=True)
class Download:
    """A file offered for download: its bytes (or text) or a path inside the data folder."""

    label: str
    file_name: str
    mime: str
    data: bytes | str | None = None
    path: str | None = None


@dataclass(frozen=True)
class PageLink:
    """A link to another page with its query parameters (e.g. the scenario for a producer)."""

    label: str
    page: str
    params: dict[str, str]


@dataclass
class Section:
    """A headed part of a page: numbers, tables, charts, maps, text and links, in order.

    ``columns`` > 1 lays the items side by side (an item may itself be a Section); ``collapsed``
    shows it folded away; ``print`` says whether briefings include it.
    """

    heading: str
    items: list[Any] = field(default_factory=list)
    columns: int = 1
    collapsed: bool = False
    print: bool = True


def charts_of(content: Content, *, printed: bool = True) -> list[Chart]:
    """Every chart of the content, head first, then section by section (maps as their static
    figure, when they have one): what a briefing draws."""
    out = list(content.charts)
    for section in content.sections:
        if printed and not section.print:
            continue
        for item in _flat(section.items):
            if isinstance(item, Chart):
                out.append(item)
            elif isinstance(item, MapView) and item.figure is not None:
                out.append(Chart(item.title, item.figure, item.source, item.name))
    return out + (list(content.print_charts) if printed else [])


def tables_of(content: Content) -> list[Table]:
    """Every table of the content, head first, then section by section."""
    out = list(content.tables)
    for section in content.sections:
        out += [item for item in _flat(section.items) if isinstance(item, Table)]
    return out


def numbers_of(content: Content) -> list[Number]:
    """Every key number: the head's, then those inside sections."""
    out = list(content.numbers)
    for section in content.sections:
        out += [item for item in _flat(section.items) if isinstance(item, Number)]
    return out


def _flat(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out += _flat(item.items) if isinstance(item, Section) else [item]
    return out

"""The shared filters: parsing them from a URL query and applying them to events.

Pure functions, no streamlit: the page layer reads ``st.query_params`` and hands a plain
mapping to :func:`parse_query`, which never raises on hostile input. Unknown or malformed values
are dropped and reported as notices, and defaults are used instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.arrays import is_in, names_any

FIRST_DAY = dt.date(2009, 1, 1)
MAX_VALUE_LENGTH = 2000
MAX_ITEMS = 60
PARAMS = ("country", "mineral", "type", "from", "to", "as_of")


@dataclass(frozen=True)
class Choices:
    """The values a filter may take, from the data package."""

    countries: frozenset[str]
    minerals: frozenset[str]
    event_types: frozenset[str]
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True)
class Filters:
    """One view of the data: what to show and the date the statuses are computed for."""

    countries: tuple[str, ...] = ()
    minerals: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    start: dt.date = FIRST_DAY
    end: dt.date = field(default_factory=dt.date.today)
    as_of: dt.date = field(default_factory=dt.date.today)


def defaults(choices: Choices) -> Filters:
    """The view shown when the URL says nothing."""
    return Filters(start=FIRST_DAY, end=choices.today, as_of=choices.today)


def _values(raw: str | Sequence[str] | None) -> list[str]:
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items[:MAX_ITEMS]:
        out += [p.strip() for p in str(item)[:MAX_VALUE_LENGTH].split(",") if p.strip()]
    return out[:MAX_ITEMS]


def _shown(value: str) -> str:
    """A user-supplied value made safe to quote in a notice (short, no markup characters)."""
    text = value[:40] + ("…" if len(value) > 40 else "")
    return "".join(ch if ch.isalnum() or ch in "-_ ." else "?" for ch in text)


def _parse_date(raw: str | Sequence[str] | None, lo: dt.date, hi: dt.date) -> dt.date | str | None:
    values = _values(raw)
    if not values:
        return None
    try:
        day = dt.date.fromisoformat(values[-1])
    except ValueError:
        return f"'{_shown(values[-1])}' is not a date (YYYY-MM-DD)"
    if not lo <= day <= hi:
        return f"{day.isoformat()} is outside {lo.isoformat()}..{hi.isoformat()}"
    return day


def parse_query(
    params: Mapping[str, str | Sequence[str]], choices: Choices
) -> tuple[Filters, list[str]]:
    """Filters from URL parameters, plus one notice per value that was not understood.

    >>> ch = Choices(frozenset({"USA", "CHN"}), frozenset({"gallium"}), frozenset({"control_ban"}),
    ...              {"control": ("control_ban",)}, dt.date(2026, 1, 1))
    >>> f, notes = parse_query({"country": "CHN,XXA", "type": "control", "from": "0000-00-00"}, ch)
    >>> f.countries, f.types, f.start, notes
    (('CHN',), ('control_ban',), datetime.date(2009, 1, 1), ["Unknown country 'XXA' ignored.", "from: '0000-00-00' is not a date (YYYY-MM-DD); the default is used."])
    """
    notices: list[str] = []
    base = defaults(choices)

    def pick(name: str, allowed: frozenset[str], label: str, upper: bool) -> tuple[str, ...]:
        kept: list[str] = []
        for value in _values(params.get(name)):
            norm = value.upper() if upper else value.lower()
            if label == "event type" and norm in choices.categories:
                kept += [t for t in choices.categories[norm] if t not in kept]
            elif norm in allowed:
                if norm not in kept:
                    kept.append(norm)
            else:
                notices.append(f"Unknown {label} '{_shown(value)}' ignored.")
        return tuple(kept)

    countries = pick("country", choices.countries, "country", True)
    minerals = pick("mineral", choices.minerals, "mineral", False)
    types = pick("type", choices.event_types, "event type", False)
    dates: dict[str, dt.date] = {}
    hi = dt.date(choices.today.year + 5, 12, 31)
    for name, default in (("from", base.start), ("to", base.end), ("as_of", base.as_of)):
        parsed = _parse_date(params.get(name), dt.date(1990, 1, 1), hi)
        if isinstance(parsed, str):
            notices.append(f"{name}: {parsed}; the default is used.")
            parsed = None
        dates[name] = parsed or default
    if dates["from"] > dates["to"]:
        notices.append("from is after to; the default date range is used.")
        dates["from"], dates["to"] = base.start, base.end
    filters = Filters(countries, minerals, types, dates["from"], dates["to"], dates["as_of"])
    return filters, notices


def to_query(filters: Filters, choices: Choices) -> dict[str, str]:
    """URL parameters for ``filters``: only what differs from the defaults.

    >>> ch = Choices(frozenset({"USA"}), frozenset(), frozenset(), {}, dt.date(2026, 1, 1))
    >>> to_query(Filters(countries=("USA",), end=dt.date(2026, 1, 1), as_of=dt.date(2025, 6, 1)), ch)
    {'country': 'USA', 'as_of': '2025-06-01'}
    """
    base = defaults(choices)
    out: dict[str, str] = {}
    if filters.countries:
        out["country"] = ",".join(filters.countries)
    if filters.minerals:
        out["mineral"] = ",".join(filters.minerals)
    if filters.types:
        out["type"] = ",".join(filters.types)
    for name, value, default in (
        ("from", filters.start, base.start),
        ("to", filters.end, base.end),
        ("as_of", filters.as_of, base.as_of),
    ):
        if value != default:
            out[name] = value.isoformat()
    return out


def with_values(filters: Filters, **changes: object) -> Filters:
    """A copy of ``filters`` with some fields changed."""
    return replace(filters, **changes)  # type: ignore[arg-type]


def mineral_family(minerals: pd.DataFrame, selected: Iterable[str]) -> set[str]:
    """The selected mineral ids and every id that rolls up to them (any depth).

    >>> m = pd.DataFrame({"mineral_id": ["rare_earths", "terbium", "gallium"],
    ...                   "parent": [None, "rare_earths", None]})
    >>> sorted(mineral_family(m, ["rare_earths"]))
    ['rare_earths', 'terbium']
    """
    family = set(selected)
    parents = minerals.set_index("mineral_id")["parent"]
    while True:
        children = set(parents.index[parents.isin(list(family))]) - family
        if not children:
            return family
        family |= children


def _split(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.split(";")


def acts(events: pd.DataFrame, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The events that are acts: every row except an overview row that other rows are part of.

    An overview row (say, a ministerial at which eleven frameworks were signed) keeps the
    signing's context and sources; each framework is its own row naming it in ``part_of``.
    Counts count the parts, so the overview is left out here. Without ``part_of`` every row
    is an act. ``table`` is the whole events table the overviews are read from (default:
    ``events`` itself), so that a filtered selection still drops an overview whose parts were
    filtered out.

    >>> ev = pd.DataFrame({"event_id": ["summit", "mou-a", "mou-b", "ban"],
    ...                    "part_of": [None, "summit", "summit", None]})
    >>> list(acts(ev)["event_id"])
    ['mou-a', 'mou-b', 'ban']
    """
    table = events if table is None else table
    if "part_of" not in table:
        return events
    overviews = table["part_of"].dropna().unique()
    return events[~is_in(events["event_id"], overviews)]


def filter_events(
    events: pd.DataFrame, minerals: pd.DataFrame, blocs: pd.DataFrame, filters: Filters
) -> pd.DataFrame:
    """Events that match every active filter.

    * countries: the event's actor or a counterpart is one of them, or is a bloc one of them
      belongs to (a measure on ``ALL`` destinations does not match a country by itself);
    * minerals: the event covers one of them or a mineral that rolls up to one of them;
    * types: the event type is one of them;
    * dates: announced within ``start``..``end``.
    """
    announced = events["announced"]
    mask = (announced >= pd.Timestamp(filters.start)) & (announced <= pd.Timestamp(filters.end))
    mask = mask.to_numpy(dtype=bool, na_value=False).copy()
    if filters.types:
        mask &= is_in(events["event_type"], filters.types)
    if filters.minerals:
        mask &= names_any(events["minerals"], mineral_family(minerals, filters.minerals))
    if filters.countries:
        wanted = set(filters.countries)
        members = blocs.assign(member=_split(blocs["members"])).explode("member")
        wanted |= set(members.loc[members["member"].isin(wanted), "code"])
        mask &= names_any(events["actor"], wanted) | names_any(events["counterparts"], wanted)
    return events[mask]

"""Status is derived from events and dates; checked on the real data and as invariants."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.package import load_package
from analysis.status import status_grid, status_intervals
from tests.conftest import DATA


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


def status_on(pkg, event_id: str, day: str) -> str:
    grid = status_grid(pkg["events"], pkg["event_types"], [pd.Timestamp(day)])
    return str(grid.set_index("event_id").at[event_id, "status"])


@pytest.mark.parametrize(
    ("event_id", "day", "expected"),
    [
        # China's 3 Dec 2024 ban on gallium, germanium and antimony exports to the US.
        ("chn-usa-gallium-germanium-antimony-ban-2024-12", "2024-12-02", "not announced"),
        ("chn-usa-gallium-germanium-antimony-ban-2024-12", "2025-06-01", "in force"),
        ("chn-usa-gallium-germanium-antimony-ban-2024-12", "2026-01-01", "suspended"),
        ("chn-usa-gallium-germanium-antimony-ban-2024-12", "2026-11-27", "suspended"),
        ("chn-usa-gallium-germanium-antimony-ban-2024-12", "2026-11-28", "in force"),
        # DR Congo: the February 2025 cobalt export suspension, extended, then replaced by quotas.
        ("cod-cobalt-export-suspension-2025", "2025-03-01", "in force"),
        ("cod-cobalt-export-suspension-2025", "2025-08-01", "in force"),
        ("cod-cobalt-export-suspension-2025", "2025-10-15", "in force"),
        ("cod-cobalt-export-suspension-2025", "2025-10-16", "replaced"),
        ("cod-cobalt-export-quotas-2025-10", "2025-09-30", "announced"),
        ("cod-cobalt-export-quotas-2025-10", "2025-11-01", "in force"),
        # China's gallium and germanium licensing: announced 3 July, in force 1 August 2023.
        ("chn-gallium-germanium-licensing-2023", "2023-07-10", "announced"),
        ("chn-gallium-germanium-licensing-2023", "2023-08-01", "in force"),
    ],
)
def test_known_histories(pkg, event_id: str, day: str, expected: str) -> None:
    assert status_on(pkg, event_id, day) == expected


def test_intervals_cover_the_suspension(pkg) -> None:
    spans = status_intervals(pkg["events"], pkg["event_types"], pd.Timestamp("2026-12-31"))
    ban = spans[spans["event_id"] == "chn-usa-gallium-germanium-antimony-ban-2024-12"]
    assert ban["status"].tolist() == ["in force", "suspended", "in force"]
    assert ban["start"].iloc[1] == pd.Timestamp("2025-11-09")
    assert ban["start"].iloc[2] == pd.Timestamp("2026-11-28")


TYPES = pd.DataFrame(
    {
        "event_type": ["control_ban", "suspension", "extension", "lifting"],
        "category": ["control", "lifecycle", "lifecycle", "lifecycle"],
        "effect": [None, "suspend", "extend", "lift"],
    }
)
day = st.dates(
    min_value=pd.Timestamp("2009-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()
)


@settings(max_examples=60, deadline=None)
@given(
    announced=day,
    offset=st.integers(0, 400),
    s_start=day,
    s_len=st.integers(0, 900),
    probes=st.lists(day, min_size=1, max_size=8),
)
def test_a_suspension_never_puts_a_measure_in_force(
    announced, offset, s_start, s_len, probes
) -> None:
    measure = {
        "event_id": "m",
        "event_type": "control_ban",
        "announced": pd.Timestamp(announced),
        "effective": pd.Timestamp(announced) + pd.Timedelta(days=offset),
        "ends": pd.NaT,
        "relates_to": None,
    }
    susp = {
        "event_id": "s",
        "event_type": "suspension",
        "announced": pd.Timestamp(s_start),
        "effective": pd.Timestamp(s_start),
        "ends": pd.Timestamp(s_start) + pd.Timedelta(days=s_len),
        "relates_to": "m",
    }
    dates = [pd.Timestamp(p) for p in probes]
    without = (
        status_grid(pd.DataFrame([measure]), TYPES, dates).set_index("date")["status"].astype(str)
    )
    with_s = (
        status_grid(pd.DataFrame([measure, susp]), TYPES, dates)
        .set_index("date")["status"]
        .astype(str)
    )
    for when in dates:
        if with_s[when] == "in force":
            assert without[when] == "in force"
        if susp["effective"] <= when <= susp["ends"] and without[when] == "in force":
            assert with_s[when] == "suspended"


@settings(max_examples=40, deadline=None)
@given(announced=day, lift_after=st.integers(0, 2000), probe=day)
def test_a_lifted_measure_stays_lifted(announced, lift_after, probe) -> None:
    start = pd.Timestamp(announced)
    lift = start + pd.Timedelta(days=lift_after)
    events = pd.DataFrame(
        [
            {
                "event_id": "m",
                "event_type": "control_ban",
                "announced": start,
                "effective": start,
                "ends": pd.NaT,
                "relates_to": None,
            },
            {
                "event_id": "l",
                "event_type": "lifting",
                "announced": lift,
                "effective": lift,
                "ends": pd.NaT,
                "relates_to": "m",
            },
        ]
    )
    status = str(status_grid(events, TYPES, [pd.Timestamp(probe)])["status"].iloc[0])
    if pd.Timestamp(probe) >= lift:
        assert status == "lifted"
    elif pd.Timestamp(probe) >= start:
        assert status == "in force"


def test_spans_agree_with_the_status_on_every_month(pkg) -> None:
    """status_intervals only evaluates change dates; every month start must fall in a span of its status."""
    until = pd.Timestamp("2026-12-31")
    months = pd.date_range("2009-01-01", until, freq="MS")
    grid = status_grid(pkg["events"], pkg["event_types"], months)
    grid = grid[grid["status"].astype(str) != "not announced"]
    spans = status_intervals(pkg["events"], pkg["event_types"], until)
    joined = grid.merge(spans, on="event_id", suffixes=("", "_span"))
    inside = joined[(joined["start"] <= joined["date"]) & (joined["date"] < joined["end"])]
    assert len(inside) == len(grid)
    assert (inside["status"].astype(str) == inside["status_span"]).all()


ORACLE_TYPES = pd.DataFrame(
    {
        "event_type": [
            "control_ban",
            "suspension",
            "extension",
            "lifting",
            "replacement",
            "exemption",
        ],
        "category": ["control", "lifecycle", "lifecycle", "lifecycle", "lifecycle", "lifecycle"],
        "effect": [None, "suspend", "extend", "lift", "replace", "exempt"],
    }
)


def oracle_status(events: list[dict], measure: dict, d: pd.Timestamp) -> str:
    """The module docstring's rules, one (measure, date) at a time, in plain Python."""

    def start(e: dict) -> pd.Timestamp:
        return e["announced"] if pd.isna(e["effective"]) else e["effective"]

    def acting(target: str, kind: str) -> list[dict]:
        return [e for e in events if e["relates_to"] == target and e["event_type"] == kind]

    if d < measure["announced"]:
        return "not announced"
    if d < start(measure):
        return "announced"
    if any(start(e) <= d for e in acting(measure["event_id"], "lifting")):
        return "lifted"
    if any(start(e) <= d for e in acting(measure["event_id"], "replacement")):
        return "replaced"
    end = measure["ends"]
    ext_ends = [
        e["ends"]
        for e in acting(measure["event_id"], "extension")
        if e["announced"] <= d and pd.notna(e["ends"])
    ]
    if ext_ends:
        end = max(ext_ends)
    if pd.notna(end) and end < d:
        return "expired"
    for s in acting(measure["event_id"], "suspension"):
        if start(s) > d:
            continue
        s_end = s["ends"]
        s_ext = [
            e["ends"]
            for e in acting(s["event_id"], "extension")
            if e["announced"] <= d and pd.notna(e["ends"])
        ]
        if s_ext:
            s_end = max(s_ext)
        lifts = [start(e) for e in acting(s["event_id"], "lifting") if start(e) <= d]
        if lifts:
            s_end = min(lifts) - pd.Timedelta(days=1)
        if pd.isna(s_end) or d <= s_end:
            return "suspended"
    return "in force"


@st.composite
def histories(draw) -> list[dict]:
    """One to three measures and up to six lifecycle events acting on them or on each other."""

    # Dates on a 10-day grid, so that events and probes often fall on the same or adjacent days.
    def when() -> pd.Timestamp:
        return pd.Timestamp("2020-01-01") + pd.Timedelta(days=10 * draw(st.integers(0, 40)))

    def maybe_end(after: pd.Timestamp) -> pd.Timestamp:
        gap = draw(st.one_of(st.none(), st.integers(0, 30)))
        return pd.NaT if gap is None else after + pd.Timedelta(days=10 * gap)

    events = []
    for i in range(draw(st.integers(1, 3))):
        announced = when()
        lag = draw(st.one_of(st.none(), st.integers(0, 6)))
        effective = pd.NaT if lag is None else announced + pd.Timedelta(days=10 * lag)
        events.append(
            {
                "event_id": f"m{i}",
                "event_type": "control_ban",
                "announced": announced,
                "effective": effective,
                "ends": maybe_end(announced),
                "relates_to": None,
            }
        )
    for j in range(draw(st.integers(0, 6))):
        kind = draw(
            st.sampled_from(["suspension", "extension", "lifting", "replacement", "exemption"])
        )
        target = draw(st.sampled_from([e["event_id"] for e in events]))
        announced = when()
        lag = draw(st.one_of(st.none(), st.integers(0, 3)))
        effective = pd.NaT if lag is None else announced + pd.Timedelta(days=10 * lag)
        events.append(
            {
                "event_id": f"l{j}",
                "event_type": kind,
                "announced": announced,
                "effective": effective,
                "ends": maybe_end(announced),
                "relates_to": target,
            }
        )
    return events


@pytest.mark.slow  # a property test of 150 examples: in make test, not in make quick
@settings(max_examples=150, deadline=None)
@given(histories(), st.lists(st.integers(0, 1200), max_size=5))
def test_status_follows_the_rules_as_written(events, offsets) -> None:
    """The vectorised engine gives what the rules give one pair at a time, and spans agree."""
    frame = pd.DataFrame(events)
    # Probes: every date in the history and the days either side of it, plus random days.
    stamps = {e[c] for e in events for c in ("announced", "effective", "ends") if pd.notna(e[c])}
    dates = sorted(
        {s + pd.Timedelta(days=k) for s in stamps for k in (-1, 0, 1)}
        | {pd.Timestamp("2019-12-01") + pd.Timedelta(days=o) for o in offsets}
    )
    grid = status_grid(frame, ORACLE_TYPES, dates)
    got = {(r.event_id, r.date): str(r.status) for r in grid.itertuples()}
    measures = [e for e in events if e["event_type"] == "control_ban"]
    assert len(got) == len(measures) * len(dates)
    for m in measures:
        for d in dates:
            assert got[(m["event_id"], d)] == oracle_status(events, m, d), (m["event_id"], d)
    until = dates[-1] + pd.Timedelta(days=1)
    spans = status_intervals(frame, ORACLE_TYPES, until)
    for (event_id, d), status in got.items():
        hit = spans[(spans["event_id"] == event_id) & (spans["start"] <= d) & (d < spans["end"])]
        if status == "not announced":
            assert hit.empty
        else:
            assert hit["status"].tolist() == [status]

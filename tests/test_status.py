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

"""Status is derived from events and dates; checked on the real data and as invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.package import load_package
from analysis.status import (
    STATUSES,
    EventIndex,
    measure_status,
    reviewed_through,
    status_by_mineral,
    status_grid,
    status_intervals,
)
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


def _ids(text) -> list[str]:
    return [] if not isinstance(text, str) else [p for p in text.split(";") if p]


def covers(act: dict, measure: dict, unit: tuple[str, str]) -> bool:
    """The module docstring's scope rule for one act and one unit ("mineral"/"hs", item)."""
    act_min, act_hs = set(_ids(act.get("minerals"))), set(_ids(act.get("hs_codes")))
    kind, item = unit
    if kind == "mineral":
        return not act_hs and (not act_min or item in act_min or item == "")
    if act_hs:
        return item in act_hs
    return set(_ids(measure.get("minerals"))) <= act_min or not act_min


def units_of(measure: dict) -> list[tuple[str, str]]:
    minerals = list(dict.fromkeys(_ids(measure.get("minerals")))) or [""]
    return [("mineral", m) for m in minerals] + [
        ("hs", c) for c in dict.fromkeys(_ids(measure.get("hs_codes")))
    ]


def oracle_status(events: list[dict], measure: dict, d: pd.Timestamp, unit=None) -> str:
    """The module docstring's rules, one (unit, date) at a time, in plain Python.

    With ``unit`` None: the measure's own status, the most active among its mineral units.
    """
    if unit is None:
        order = [
            "in force",
            "relaxed",
            "suspended",
            "announced",
            "expired",
            "replaced",
            "lifted",
            "not announced",
        ]
        got = [oracle_status(events, measure, d, u) for u in units_of(measure) if u[0] == "mineral"]
        return min(got, key=order.index)

    def start(e: dict) -> pd.Timestamp:
        return e["announced"] if pd.isna(e["effective"]) else e["effective"]

    def acting(target: dict, kind: str) -> list[dict]:
        return [
            e
            for e in events
            if target["event_id"] in _ids(e["relates_to"])
            and e["event_type"] == kind
            and covers(e, measure, unit)
        ]

    def runs(a: dict) -> bool:
        if start(a) > d:
            return False
        a_end = a["ends"]
        ext = [
            e["ends"] for e in acting(a, "extension") if e["announced"] <= d and pd.notna(e["ends"])
        ]
        if ext:
            a_end = max(ext)
        lifts = [start(e) for e in acting(a, "lifting") if start(e) <= d]
        if lifts:
            a_end = min(lifts) - pd.Timedelta(days=1)
        return pd.isna(a_end) or d <= a_end

    if d < measure["announced"]:
        return "not announced"
    if d < start(measure):
        return "announced"
    if any(start(e) <= d for e in acting(measure, "lifting")):
        return "lifted"
    if any(start(e) <= d for e in acting(measure, "replacement")):
        return "replaced"
    end = measure["ends"]
    ext_ends = [
        e["ends"]
        for e in acting(measure, "extension")
        if e["announced"] <= d and pd.notna(e["ends"])
    ]
    if ext_ends:
        end = max(ext_ends)
    if pd.notna(end) and end < d:
        return "expired"
    if any(runs(s) for s in acting(measure, "suspension")):
        return "suspended"
    if any(runs(x) for x in acting(measure, "exemption")):
        return "relaxed"
    return "in force"


MINERAL_POOL = ["nickel", "bauxite", "tin", "copper"]
CODE_POOL = ["2604", "2606", "7402"]


@st.composite
def histories(draw) -> list[dict]:
    """One to three measures and up to six lifecycle events acting on one or more of them or on
    each other, each naming some minerals (and sometimes HS codes)."""

    # Dates on a 10-day grid, so that events and probes often fall on the same or adjacent days.
    def when() -> pd.Timestamp:
        return pd.Timestamp("2020-01-01") + pd.Timedelta(days=10 * draw(st.integers(0, 40)))

    def maybe_end(after: pd.Timestamp) -> pd.Timestamp:
        gap = draw(st.one_of(st.none(), st.integers(0, 30)))
        return pd.NaT if gap is None else after + pd.Timedelta(days=10 * gap)

    def some(pool: list[str], min_size: int) -> str | None:
        picked = draw(st.lists(st.sampled_from(pool), min_size=min_size, max_size=3, unique=True))
        return ";".join(picked) or None

    events = []
    for i in range(draw(st.integers(1, 3))):
        announced = when()
        lag = draw(st.one_of(st.none(), st.integers(0, 6)))
        effective = pd.NaT if lag is None else announced + pd.Timedelta(days=10 * lag)
        codes = some(CODE_POOL, 0) if draw(st.booleans()) else None
        events.append(
            {
                "event_id": f"m{i}",
                "event_type": "control_ban",
                "announced": announced,
                "effective": effective,
                "ends": maybe_end(announced),
                "relates_to": None,
                "minerals": some(MINERAL_POOL, 1),
                "hs_codes": codes,
            }
        )
    for j in range(draw(st.integers(0, 6))):
        kind = draw(
            st.sampled_from(["suspension", "extension", "lifting", "replacement", "exemption"])
        )
        pool = [e["event_id"] for e in events]
        targets = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
        announced = when()
        lag = draw(st.one_of(st.none(), st.integers(0, 3)))
        effective = pd.NaT if lag is None else announced + pd.Timedelta(days=10 * lag)
        codes = some(CODE_POOL, 1) if draw(st.integers(0, 4)) == 0 else None
        events.append(
            {
                "event_id": f"l{j}",
                "event_type": kind,
                "announced": announced,
                "effective": effective,
                "ends": maybe_end(announced),
                "relates_to": ";".join(targets),
                "minerals": some(MINERAL_POOL, 1),
                "hs_codes": codes,
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
    # Per unit (mineral and HS code), on every probe date.
    ix = EventIndex(frame, ORACLE_TYPES)
    for d in dates:
        per = status_by_mineral(frame, ix, d, hs_codes=True)
        for r in per.itertuples():
            m = next(e for e in measures if e["event_id"] == r.measure_id)
            unit = ("mineral", r.mineral) if not r.hs_code else ("hs", r.hs_code)
            assert r.status == oracle_status(events, m, d, unit), (r.measure_id, unit, d)
        assert len(per) == sum(len(units_of(m)) for m in measures)
    until = dates[-1] + pd.Timedelta(days=1)
    spans = status_intervals(frame, ORACLE_TYPES, until)
    for (event_id, d), status in got.items():
        hit = spans[(spans["event_id"] == event_id) & (spans["start"] <= d) & (d < spans["end"])]
        if status == "not announced":
            assert hit.empty
        else:
            assert hit["status"].tolist() == [status]
    # Unit spans agree with the unit statuses.
    unit, code, start, end = ix.unit_spans(until)
    for d in dates:
        d_ns = d.value
        codes = ix.unit_status_codes(
            np.arange(len(ix.unit_measure)), np.full(len(ix.unit_measure), d_ns)
        )
        for u, c in enumerate(codes.tolist()):
            inside = (unit == u) & (start <= d_ns) & (d_ns < end)
            if STATUSES[c] == "not announced":
                assert not inside.any()
            else:
                assert code[inside].tolist() == [c]


# Indonesia's 2014 raw-ore ban and its 2017 relaxation, dated from the sources in events.csv:
# relaxed from the 12 January 2017 announcement (Government Regulation 1/2017, ESDM Regulation
# 5/2017); nickel's window cut to 31 December 2019 by ESDM Regulation 11/2019 (lifting effective
# 1 January 2020); bauxite's window extended to 10 June 2023 by ESDM Regulation 17/2020, Art. 46.
BAN_2014 = "idn-raw-ore-export-ban-2014"


@pytest.mark.parametrize(
    ("day", "mineral", "expected"),
    [
        ("2016-12-31", "nickel", "in force"),
        ("2017-01-11", "nickel", "in force"),
        ("2017-01-12", "nickel", "relaxed"),
        ("2017-01-12", "bauxite", "relaxed"),
        ("2017-01-12", "tin", "in force"),
        ("2018-06-01", "gold", "in force"),
        ("2019-12-31", "nickel", "relaxed"),
        ("2020-01-01", "nickel", "in force"),
        ("2020-01-01", "bauxite", "relaxed"),
        ("2022-01-11", "bauxite", "relaxed"),
        ("2022-01-12", "bauxite", "relaxed"),  # the 2020 extension, not the 2017 end date
        ("2023-06-10", "bauxite", "relaxed"),
        ("2023-06-11", "bauxite", "in force"),
    ],
)
def test_indonesia_relaxation_per_mineral(pkg, day: str, mineral: str, expected: str) -> None:
    ix = EventIndex(pkg["events"], pkg["event_types"])
    per = status_by_mineral(pkg["events"], ix, pd.Timestamp(day)).set_index(
        ["measure_id", "mineral"]
    )
    assert per.at[(BAN_2014, mineral), "status"] == expected
    # The measure as a whole stands throughout (tin, chromium, gold and silver stay banned).
    assert status_on(pkg, BAN_2014, day) == "in force"


ZWE_LITHIUM_2022 = "zwe-lithium-ore-export-ban-2022"  # SI 213 of 2022, 20 December 2022
ZWE_BASE_2023 = "zwe-base-mineral-ore-export-ban-2023"  # SI 5 of 2023, January 2023
ZWE_NOW_2026 = "zwe-raw-mineral-lithium-concentrate-ban-2026"  # 25 February 2026


@pytest.mark.parametrize(
    ("day", "in_force"),
    [
        ("2022-12-19", set()),
        ("2022-12-20", {ZWE_LITHIUM_2022}),
        ("2022-12-31", {ZWE_LITHIUM_2022}),
        ("2023-01-01", {ZWE_BASE_2023}),  # SI 5 repeals SI 213 the same month: no gap
        ("2024-06-01", {ZWE_BASE_2023}),
        ("2026-02-24", {ZWE_BASE_2023}),
        ("2026-02-25", {ZWE_BASE_2023, ZWE_NOW_2026}),
        ("2026-12-02", {ZWE_BASE_2023, ZWE_NOW_2026}),
    ],
)
def test_zimbabwe_lithium_ore_ban_in_force_from_december_2022(pkg, day: str, in_force) -> None:
    """Zimbabwe's lithium ore export ban holds without a gap from 20 December 2022 (the dates and
    instruments are the rows' sources': Wintertons and Pindula); the 2025 concentrate ban, due in
    January 2027, is still only announced."""
    ix = EventIndex(pkg["events"], pkg["event_types"])
    per = status_by_mineral(pkg["events"], ix, pd.Timestamp(day))
    zwe = per[per["measure_id"].str.startswith("zwe-") & (per["mineral"] == "lithium")]
    status = dict(zip(zwe["measure_id"], zwe["status"], strict=True))
    assert {m for m, s in status.items() if s == "in force"} == in_force
    if day >= "2023-01-01":
        assert status[ZWE_LITHIUM_2022] == "replaced"
    if day >= "2025-06-10":
        assert status["zwe-lithium-concentrate-export-ban-2025"] == "announced"


def test_a_lifecycle_row_covers_what_its_minerals_say(pkg) -> None:
    """Each act names at least one mineral of each event it acts on (else it would act on nothing)."""
    ev = pkg["events"].set_index("event_id")
    for act, row in ev[ev["relates_to"].notna()].iterrows():
        for target in row["relates_to"].split(";"):
            shared = set(row["minerals"].split(";")) & set(ev.at[target, "minerals"].split(";"))
            assert shared, (act, target)


def test_an_act_on_several_measures_acts_on_each(pkg) -> None:
    """The Busan general-licence commitment relaxes all four licensing measures it names."""
    ix = EventIndex(pkg["events"], pkg["event_types"])
    per = status_by_mineral(pkg["events"], ix, pd.Timestamp("2025-11-05")).set_index(
        ["measure_id", "mineral"]
    )["status"]
    assert per[("chn-gallium-germanium-licensing-2023", "gallium")] == "relaxed"
    assert per[("chn-graphite-licensing-2023", "graphite")] == "relaxed"
    assert per[("chn-rare-earths-seven-licensing-2025-04", "terbium")] == "relaxed"
    assert per[("chn-antimony-superhard-licensing-2024", "antimony")] == "relaxed"
    # Superhard materials are not named by the commitment: that part stays in force.
    assert per[("chn-antimony-superhard-licensing-2024", "superhard_materials")] == "in force"


HORIZON_TYPES = pd.DataFrame(
    {
        "event_type": ["control_ban", "suspension"],
        "category": ["control", "lifecycle"],
        "effect": [None, "suspend"],
    }
)


def _horizon_case() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "event_id": "ban",
                "event_type": "control_ban",
                "minerals": "gallium",
                "announced": pd.Timestamp("2024-12-03"),
                "effective": pd.Timestamp("2024-12-03"),
                "ends": pd.NaT,
                "relates_to": None,
                "instrument": None,
                "actor": "CHN",
                "counterparts": "USA",
                "title": "Ban",
            },
            {
                "event_id": "pause",
                "event_type": "suspension",
                "minerals": "gallium",
                "announced": pd.Timestamp("2025-11-09"),
                "effective": pd.Timestamp("2025-11-09"),
                "ends": pd.Timestamp("2026-11-27"),
                "relates_to": "ban",
                "instrument": "Announcement No. 72",
                "actor": "CHN",
                "counterparts": "USA",
                "title": "Pause",
            },
        ]
    )


@pytest.mark.parametrize(
    ("day", "status", "verified"),
    [
        ("2026-06-16", "suspended", True),  # before the review date
        ("2026-06-17", "suspended", True),  # on it
        ("2026-11-27", "suspended", True),  # after it, but nothing scheduled has happened yet
        ("2026-11-28", "in force", False),  # rests on the suspension's scheduled end
        ("2027-06-01", "in force", False),
    ],
)
def test_horizon_on_both_sides_of_the_review_date(day: str, status: str, verified: bool) -> None:
    ev = _horizon_case()
    ix = EventIndex(ev, HORIZON_TYPES)
    out = measure_status(ev, HORIZON_TYPES, pd.Timestamp(day), pd.Timestamp("2026-06-17"), ix)
    row = out.set_index("event_id").loc["ban"]
    assert (row["status"], bool(row["verified"])) == (status, verified)
    if verified:
        assert row["caveat"] == ""
    else:
        assert "27 November 2026" in row["caveat"] and "17 June 2026" in row["caveat"]
        assert "Announcement No. 72" in row["caveat"]
    per = status_by_mineral(ev, ix, pd.Timestamp(day), pd.Timestamp("2026-06-17"))
    assert per["verified"].tolist() == [verified]
    # Without a review date nothing is flagged.
    assert measure_status(ev, HORIZON_TYPES, pd.Timestamp(day), None, ix)["verified"].all()


def test_real_data_flags_chinas_lapsed_suspensions(pkg) -> None:
    reviewed = reviewed_through(pkg.descriptor)
    assert reviewed is not None
    # No source read can be newer than the date the events were reviewed through.
    assert reviewed >= pkg["events"]["source_date"].max()
    out = measure_status(
        pkg["events"], pkg["event_types"], pd.Timestamp("2026-12-02"), reviewed
    ).set_index("event_id")
    lapsed = [
        "chn-usa-gallium-germanium-antimony-ban-2024-12",
        "chn-rare-earths-five-licensing-2025-10",
        "chn-rare-earth-tech-controls-2025-10",
        "chn-superhard-materials-licensing-2025-10",
        "chn-lithium-battery-graphite-anode-licensing-2025-10",
        "chn-rare-earth-equipment-materials-licensing-2025-10",
        "chn-rare-earth-extraterritorial-licensing-2025-10",
    ]
    assert not out.loc[lapsed, "verified"].any()
    assert (out.loc[lapsed, "status"] == "in force").all()
    # A measure in force with no scheduled change stays verified.
    assert out.at["chn-gallium-germanium-licensing-2023", "verified"]
    on_review = measure_status(pkg["events"], pkg["event_types"], reviewed, reviewed)
    assert on_review["verified"].all()


def test_mineral_spans_agree_with_the_status_by_mineral_on_every_month(pkg) -> None:
    until = pd.Timestamp("2026-12-31")
    spans = status_intervals(pkg["events"], pkg["event_types"], until, by_mineral=True)
    ix = EventIndex(pkg["events"], pkg["event_types"])
    for day in pd.date_range("2013-01-01", until, freq="6MS"):
        per = status_by_mineral(pkg["events"], ix, day)
        per = per[per["status"] != "not announced"]
        hit = spans[(spans["start"] <= day) & (day < spans["end"])]
        got = hit.set_index(["event_id", "mineral"])["status"]
        want = per.set_index(["measure_id", "mineral"])["status"]
        assert (
            got.sort_index().to_dict()
            == want.rename_axis(["event_id", "mineral"]).sort_index().to_dict()
        )

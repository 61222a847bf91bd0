"""URL parsing never fails on hostile input, and filters select what they say."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.filters import Choices, Filters, filter_events, parse_query, to_query
from analysis.package import load_package
from tests.conftest import DATA


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


@pytest.fixture(scope="module")
def choices(pkg):
    types = pkg["event_types"]
    return Choices(
        frozenset(pkg["countries"]["iso3"]) | frozenset(pkg["blocs"]["code"]),
        frozenset(pkg["minerals"]["mineral_id"]),
        frozenset(types["event_type"]),
        {
            c: tuple(types.loc[types["category"] == c, "event_type"])
            for c in types["category"].unique()
        },
        dt.date(2026, 11, 28),
    )


@settings(max_examples=200, deadline=None)
@given(
    params=st.dictionaries(
        st.sampled_from(["country", "mineral", "type", "from", "to", "as_of", "x"]),
        st.one_of(st.text(max_size=300), st.lists(st.text(max_size=50), max_size=30)),
    )
)
def test_parse_query_never_raises_and_keeps_only_known_values(choices, params) -> None:
    filters, notices = parse_query(params, choices)
    assert set(filters.countries) <= choices.countries
    assert set(filters.minerals) <= choices.minerals
    assert set(filters.types) <= choices.event_types
    assert filters.start <= filters.end
    assert all("<" not in n and ">" not in n for n in notices)


def test_round_trip_through_the_url(choices) -> None:
    view = Filters(
        ("CHN", "USA"),
        ("gallium",),
        ("control_ban",),
        dt.date(2020, 1, 1),
        dt.date(2025, 12, 31),
        dt.date(2025, 6, 1),
    )
    parsed, notices = parse_query(to_query(view, choices), choices)
    assert parsed == view and notices == []


def test_rare_earth_filter_finds_element_level_controls(pkg) -> None:
    chosen = filter_events(
        pkg["events"],
        pkg["minerals"],
        pkg["blocs"],
        Filters(minerals=("rare_earths",), end=dt.date(2026, 11, 28)),
    )
    terbium_only = pkg["events"][
        pkg["events"]["minerals"].str.contains("terbium")
        & ~pkg["events"]["minerals"].str.contains("rare_earths")
    ]
    assert set(terbium_only["event_id"]) <= set(chosen["event_id"])
    assert (
        chosen["minerals"]
        .str.contains(
            "rare_earths|terbium|dysprosium|samarium|neodymium|yttrium|scandium|holmium|erbium|thulium|europium|ytterbium|gadolinium|lutetium|cerium|lanthanum|praseodymium"
        )
        .all()
    )


def test_country_filter_includes_blocs_the_country_belongs_to(pkg) -> None:
    chosen = filter_events(
        pkg["events"],
        pkg["minerals"],
        pkg["blocs"],
        Filters(countries=("JPN",), end=dt.date(2026, 11, 28)),
    )
    assert {
        "usa-jpn-critical-minerals-framework-2025",
        "quad-critical-minerals-initiative-2025-07",
    } <= set(chosen["event_id"])
    assert "cod-cobalt-export-suspension-2025" not in set(chosen["event_id"])

"""analysis.content: the finished-content model and its wording helpers (units on every share, the
filters in words with names from the vocabulary tables, read here with the csv module)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from analysis.content import Content, Number, filters_in_words, is_today, percent
from analysis.filters import FIRST_DAY, Filters
from analysis.labels import labels
from analysis.package import load_package
from tests.conftest import DATA


def names(table: str, key: str, value: str) -> dict[str, str]:
    with open(DATA / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return {r[key]: r[value] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def lab():
    return labels(load_package(DATA))


def test_percent_has_its_unit_and_a_dash_for_nothing() -> None:
    assert percent(12.345) == "12.3%" and percent(0) == "0.0%" and percent(99.999, 2) == "100.00%"
    assert percent(None) == percent(float("nan")) == "-"


def test_filters_in_words_use_the_names_a_reader_knows(lab) -> None:
    countries = names("countries", "iso3", "name")
    minerals = names("minerals", "mineral_id", "name")
    types = names("event_types", "event_type", "label")
    f = Filters(
        countries=("CHN", "COD"),
        minerals=("cobalt",),
        types=("control_ban",),
        start=dt.date(2020, 1, 1),
        end=dt.date(2025, 6, 30),
        as_of=dt.date(2025, 6, 1),
    )
    assert filters_in_words(f, lab) == (
        f"Status as of 1 June 2025 · {countries['CHN']}, {countries['COD']} · "
        f"{minerals['cobalt']} · {types['control_ban']} · announced 1 Jan 2020 to 30 Jun 2025"
    )
    everything = Filters(start=FIRST_DAY, end=dt.date(2025, 6, 30), as_of=dt.date(2025, 6, 1))
    assert filters_in_words(everything, lab, dates=False) == (
        "all countries and blocs · all minerals · all event types · announced to 30 Jun 2025"
    )


def test_content_starts_empty_and_is_not_shared_between_pages() -> None:
    a, b = Content("A", "a"), Content("B", "b")
    a.numbers.append(Number("Controls in force", "3 measures"))
    assert b.numbers == [] and b.tables == [] and b.charts == [] and b.notes == []
    assert is_today(dt.date.today()) and not is_today(dt.date(2000, 1, 1))

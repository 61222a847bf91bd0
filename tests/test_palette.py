"""analysis.palette: every event type and category in the data has its own colour and symbol."""

from __future__ import annotations

import csv

from analysis.palette import EVENT_TYPE_COLOURS, EVENT_TYPE_SYMBOLS, country_colour
from tests.conftest import DATA


def event_types() -> list[dict[str, str]]:
    with open(DATA / "event_types.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_event_type_has_its_own_colour() -> None:
    types = [r["event_type"] for r in event_types()]
    missing = [t for t in types if t not in EVENT_TYPE_COLOURS]
    assert missing == [], "add a colour in analysis/palette.py"
    colours = [EVENT_TYPE_COLOURS[t] for t in types]
    assert len(set(colours)) == len(colours), "two event types share a colour"


def test_every_category_has_a_marker_symbol() -> None:
    assert {r["category"] for r in event_types()} <= set(EVENT_TYPE_SYMBOLS)


def test_country_colours_are_stable_hex_colours() -> None:
    for code in ("CHN", "USA", "COD", "AUS"):
        colour = country_colour(code)
        assert colour == country_colour(code)
        assert len(colour) == 7 and colour.startswith("#")
        int(colour[1:], 16)

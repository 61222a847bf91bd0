"""Views: links both ways, status labels with the horizon caveat, the as-of note."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import views
from analysis.filters import Filters
from analysis.package import load_package
from tests.conftest import DATA

BUSAN = "chn-busan-general-licence-commitment-2025-11"
GA = "chn-gallium-germanium-licensing-2023"


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


def test_an_act_lists_every_measure_it_acts_on(pkg) -> None:
    rel = views.related_events(pkg, BUSAN)
    assert set(rel["event_id"]) == {
        "chn-rare-earths-seven-licensing-2025-04",
        GA,
        "chn-antimony-superhard-licensing-2024",
        "chn-graphite-licensing-2023",
    }
    assert set(rel["link"]) == {"this event acts on it"}


def test_a_measure_lists_every_act_on_it(pkg) -> None:
    rel = views.related_events(pkg, GA)
    assert BUSAN in set(rel.loc[rel["link"] == "acts on this event", "event_id"])
    text = views.link_text(pkg)
    title = pkg["events"].set_index("event_id").at[BUSAN, "title"]
    assert title in text[GA] and text[GA].startswith("Acted on by: ")
    assert text[BUSAN].startswith("Acts on: ") and text[BUSAN].count(";") == 3


def test_status_labels_say_unverified_and_name_minerals(pkg) -> None:
    late = views.statuses_on(pkg, dt.date(2026, 12, 2)).set_index("event_id")
    assert late.at["chn-rare-earths-five-licensing-2025-10", "label"] == "in force (unverified)"
    assert "10 November 2026" in late.at["chn-rare-earths-five-licensing-2025-10", "caveat"]
    old = views.statuses_on(pkg, dt.date(2018, 6, 1)).set_index("event_id")
    assert old.at["idn-raw-ore-export-ban-2014", "label"] == "in force; relaxed for nickel, bauxite"
    assert "_" not in "".join(old["label"])  # display names, no ids


def test_the_events_table_carries_label_caveat_and_links(pkg) -> None:
    filters = Filters(end=dt.date(2026, 12, 31), as_of=dt.date(2026, 12, 2))
    table = views.events_table(pkg, filters).set_index("event_id")
    assert table.at["chn-superhard-materials-licensing-2025-10", "status"] == (
        "in force (unverified)"
    )
    assert table.at["chn-superhard-materials-licensing-2025-10", "status_caveat"]
    assert table.at[BUSAN, "links"].startswith("Acts on: ")


def test_horizon_note_only_past_the_review_date(pkg) -> None:
    reviewed = views.review_date(pkg)
    assert views.horizon_note(pkg, reviewed.date()) == ""
    note = views.horizon_note(pkg, dt.date(2026, 12, 2))
    assert f"{reviewed:%-d %B %Y}" in note and "unverified" in note

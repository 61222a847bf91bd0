"""analysis.views: what each page shows (checked against the CSV files read with the csv
module), links both ways, status labels with the horizon caveat, the as-of note."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

import pytest

from analysis import views
from analysis.filters import Filters
from analysis.package import load_package
from tests.conftest import DATA

BUSAN = "chn-busan-general-licence-commitment-2025-11"
GA = "chn-gallium-germanium-licensing-2023"

AS_OF = dt.date(2025, 12, 31)
ALL = Filters(end=AS_OF, as_of=AS_OF)


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


def table(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def family(mineral: str) -> set[str]:
    """The mineral and every id that rolls up to it, from minerals.csv."""
    parents = {r["mineral_id"]: r["parent"] for r in table("minerals")}
    out = {mineral}
    while True:
        more = {m for m, p in parents.items() if p in out} - out
        if not more:
            return out
        out |= more


def test_events_table_is_exactly_the_rows_that_match(pkg) -> None:
    """Gallium (and its members) announced in 2023-2025: recomputed from events.csv."""
    filters = Filters(minerals=("gallium",), start=dt.date(2023, 1, 1), end=AS_OF, as_of=AS_OF)
    wanted = family("gallium")
    expected = {
        r["event_id"]
        for r in table("events")
        if set(r["minerals"].split(";")) & wanted and "2023-01-01" <= r["announced"] <= "2025-12-31"
    }
    shown = views.events_table(pkg, filters)
    assert set(shown["event_id"]) == expected and len(shown) == len(expected) > 0
    status = "status"  # the status on filters.as_of
    types = {r["event_type"]: r["category"] for r in table("event_types")}
    controls = shown[shown["event_type"].map(types) == "control"]
    assert (controls[status] != "").all(), "every export control has its status on the date"


def test_events_table_with_a_country_includes_its_blocs(pkg) -> None:
    """JPN: rows naming JPN, or a bloc JPN belongs to, as actor or counterpart."""
    blocs = {r["code"] for r in table("blocs") if "JPN" in r["members"].split(";")}
    names = {"JPN"} | blocs
    expected = {
        r["event_id"]
        for r in table("events")
        if r["announced"] <= "2025-12-31"
        and ({r["actor"]} | set(r["counterparts"].split(";"))) & names
    }
    shown = views.events_table(pkg, Filters(countries=("JPN",), end=AS_OF, as_of=AS_OF))
    assert set(shown["event_id"]) == expected


def test_mineral_profile_shares_match_the_production_table(pkg) -> None:
    """Gallium's top producer and share in the year the page shows, from production.csv: the
    country's quantity over the world total (or the sum of the countries listed)."""
    prof = views.mineral_profile(pkg, "gallium", ALL)
    names = {r["mineral_id"]: r["name"] for r in table("minerals")}
    assert prof.name == names["gallium"]
    rows = [
        r for r in table("production") if r["mineral"] == "gallium" and r["measure"] == "production"
    ]
    by_basis: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r["quantity"]:
            by_basis[(r["stage"], r["basis"], r["year"])][r["country"]] = float(r["quantity"])
    assert len(prof.stages) > 0
    for _, stage in prof.stages.iterrows():
        q = by_basis[(stage["stage"], stage["basis"], str(stage["year"]))]
        world = q.get("WLD") or sum(v for c, v in q.items() if c != "WLD")
        top = max((c for c in q if c not in ("WLD", "OTHER")), key=q.get)
        assert stage["top1_country"] == top
        assert stage["top1"] == pytest.approx(100 * q[top] / world, abs=0.05)


def test_country_profile_names_the_country_and_its_governance(pkg) -> None:
    prof = views.country_profile(pkg, "COD", ALL)
    row = next(r for r in table("countries") if r["iso3"] == "COD")
    assert prof.name == row["name"]
    assert prof.governance is not None
    assert float(prof.governance["wgi_scaled"]) == pytest.approx(float(row["wgi_scaled"]))
    deal_ids = set(prof.deals["event_id"])
    types = {r["event_type"]: r["category"] for r in table("event_types")}
    assert deal_ids, "the DRC has deals on record"
    for r in table("events"):
        if r["event_id"] in deal_ids:
            assert types[r["event_type"]] == "deal"


def test_map_governance_values_are_the_table_values(pkg) -> None:
    data = views.map_data(pkg, ALL, "governance", "gallium", "refinery")
    expected = {r["iso3"]: r["wgi_scaled"] for r in table("countries") if r["wgi_scaled"]}
    shown = data.countries.dropna(subset=["value"]).set_index("iso3")["value"]
    assert set(shown.index) == set(expected)
    for iso3, value in shown.items():
        assert value == pytest.approx(float(expected[str(iso3)]))
    assert "0 strongest to 10 weakest" in data.legend


def test_map_legend_has_no_identifier(pkg) -> None:
    data = views.map_data(pkg, ALL, "share", "rare_earths", "mine")
    assert "rare_earths" not in data.legend and "rare earths" in data.legend.lower()


def test_timeline_spans_are_only_for_the_shown_measures(pkg) -> None:
    filters = Filters(minerals=("antimony",), end=AS_OF, as_of=AS_OF)
    data = views.timeline(pkg, filters)
    assert set(data.spans["event_id"]) <= set(data.events["event_id"])
    assert (data.spans["start"] <= data.spans["end"]).all()
    assert data.spans["end"].max() <= __import__("pandas").Timestamp(AS_OF) + __import__(
        "pandas"
    ).Timedelta(days=1)


def test_overview_counts_controls_in_force(pkg) -> None:
    """The headline count equals the measures the status engine reports in force."""
    from analysis.status import measure_status

    data = views.overview(pkg, ALL)
    status = measure_status(pkg["events"], pkg["event_types"], AS_OF)
    assert data.measures_in_force == int((status["status"] == "in force").sum())


@pytest.mark.parametrize("mineral", ["gallium", "lithium"])
def test_share_source_says_when_countries_add_to_more_than_the_rounded_world(
    pkg, mineral: str
) -> None:
    """USGS rounds its world totals, so the listed countries can add to more than 100 %: the
    chart's source line says so exactly when production.csv's own figures add up that way."""
    prof = views.mineral_profile(pkg, mineral, ALL)
    rows = [r for r in table("production") if r["mineral"] == mineral and r["quantity"]]
    for key, line in prof.share_sources.items():
        stage_rows = [
            r
            for r in rows
            if key.startswith(views.stage_title(pkg, mineral, r["stage"], r["basis"]))
        ]
        year = max(r["year"] for r in stage_rows)
        q = {r["country"]: float(r["quantity"]) for r in stage_rows if r["year"] == year}
        over = (
            sum(v for c, v in q.items() if c != "WLD") / q["WLD"] > 1.0005 if "WLD" in q else False
        )
        assert ("which USGS rounds" in line) == over, (key, line)

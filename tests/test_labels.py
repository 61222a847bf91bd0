"""analysis.labels: every code and column a reader sees has its words from the data package, checked
against the vocabulary tables read with the csv module and the descriptor read with PyYAML."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
import yaml

from analysis.labels import MISSING, humanise, is_missing, labels
from analysis.package import load_package
from tests.conftest import DATA


@pytest.fixture(scope="module")
def lab():
    return labels(load_package(DATA))


def table(name: str) -> list[dict[str, str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_codes_become_the_names_in_the_vocabulary_tables(lab) -> None:
    countries = {r["iso3"]: r["name"] for r in table("countries")}
    blocs = {r["code"]: r["name"] for r in table("blocs")}
    minerals = {r["mineral_id"]: r["name"] for r in table("minerals")}
    types = {r["event_type"]: r["label"] for r in table("event_types")}
    assert all(lab.country(c) == n for c, n in countries.items())
    assert all(lab.country(c) == n for c, n in blocs.items())
    assert all(lab.mineral(m) == n for m, n in minerals.items())
    assert all(lab.event_type(t) == n for t, n in types.items())
    assert lab.country("CHN", with_code=True) == f"{countries['CHN']} (CHN)"


def test_column_titles_come_from_the_descriptor(lab) -> None:
    descriptor = yaml.safe_load((DATA / "datapackage.yaml").read_text(encoding="utf-8"))
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    for spec in events["schema"]["fields"]:
        if spec.get("title"):
            assert lab.column(spec["name"]) == spec["title"]
    assert lab.version == str(descriptor["version"])
    lines, version = descriptor["x-display"]["source-lines"], descriptor["version"]
    assert lab.source("shapes") == f"Source: {lines['shapes']}. Dataset v{version}."
    assert lab.source("events + shapes") == (
        f"Source: {lines['events'].format(version=version)}; {lines['shapes']}. Dataset v{version}."
    )
    assert not any("MCS" in line or "Mineral Commodity" in line for line in lines.values()), (
        "a USGS edition typed into a fixed source line"
    )


def test_missing_values_and_lists(lab) -> None:
    assert [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, " ", "x", 0)] == [
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert lab.country(None) == lab.mineral(float("nan")) == lab.status(pd.NA) == MISSING
    assert lab.countries_list("CHN;USA") == f"{lab.country('CHN')}, {lab.country('USA')}"
    assert lab.minerals_list("gallium;germanium;") == "Gallium, Germanium"
    assert humanise("net_import_reliance") == "Net import reliance"


def test_a_table_shows_names_text_and_numbers_that_still_sort(lab) -> None:
    frame = pd.DataFrame(
        {
            "actor": ["CHN", None],
            "minerals": ["gallium", "cobalt"],
            "announced": [pd.Timestamp("2023-07-03"), pd.NaT],
            "amount_usd": [5.0, None],
            "share": [12.5, 3.0],
            "source_url": ["https://example.org/a", "https://example.org/b"],
        }
    )
    shown = lab.table(frame)
    assert list(shown.columns) == [lab.column(c) for c in frame.columns]
    rows = shown.to_dict("records")
    assert (
        rows[0][lab.column("actor")] == lab.country("CHN") and rows[1][lab.column("actor")] == "-"
    )
    assert rows[0][lab.column("announced")] == "2023-07-03"
    assert [r[lab.column("amount_usd")] for r in rows] == ["5", "-"]
    assert shown[lab.column("share")].dtype.kind == "f", "a number without gaps stays a number"
    assert rows[1][lab.column("source_url")] == "https://example.org/b"
    assert lab.value("anything", dt.date(2025, 1, 2)) == "2025-01-02"

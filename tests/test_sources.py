"""analysis.sources: source lines and edition labels named from the rows themselves and from the
sources datapackage.yaml lists (read here with PyYAML), never typed into a page."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from analysis import sources
from analysis.package import load_package
from tests.conftest import DATA

DESCRIPTOR = yaml.safe_load((DATA / "datapackage.yaml").read_text(encoding="utf-8"))
PRODUCTION = next(r for r in DESCRIPTOR["resources"] if r["name"] == "production")


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


def rows(*triples: tuple[str, int, bool]) -> pd.DataFrame:
    return pd.DataFrame(triples, columns=["edition", "year", "estimated"])


def test_edition_label_names_each_edition_its_years_and_estimates() -> None:
    label = sources.edition_label(
        rows(("MCS 2025", 2021, False), ("MCS 2025", 2022, False), ("MCS 2025", 2023, False)).pipe(
            lambda f: pd.concat([f, rows(("MCS 2026", 2025, True))])
        )
    )
    assert label == "USGS MCS 2026, 2025 estimates; USGS MCS 2025, 2021-2023 data"
    assert sources.edition_label(rows(("MCS 2024", 2020, False), ("MCS 2024", 2022, False))) == (
        "USGS MCS 2024, 2020, 2022 data"
    )
    assert sources.edition_label(pd.DataFrame()) == "USGS Mineral Commodity Summaries"


def test_citations_are_the_listed_sources(pkg) -> None:
    listed = {s["title"]: s["path"] for s in PRODUCTION["sources"]}
    cited = sources.edition_citation(pkg, rows(("MCS 2026", 2025, True), ("MCS 2023", 2022, False)))
    assert len(cited) == 2 and "2026" in cited[0] and "2023" in cited[1]
    for line in cited:
        title, _, rest = line.partition(", https://")
        assert listed[title] == "https://" + rest.removesuffix(" (public domain)")
    assert sources.edition_citation(pkg, rows(("MCS 1999", 1998, False))) == []
    top = [s for s in DESCRIPTOR["sources"] if not str(s.get("path", "")).endswith(".csv")]
    assert len(sources.dataset_citations(pkg)) == len(top)


def test_source_lines_carry_the_dataset_version(pkg) -> None:
    version = DESCRIPTOR["version"]
    assert sources.source_line(pkg, "X") == f"Source: X. Dataset v{version}."
    assert sources.supply_source(pkg, rows(("MCS 2026", 2024, False)), "BACI") == (
        f"Source: USGS MCS 2026, 2024 data; BACI. Dataset v{version}."
    )
    years = sorted(int(s["title"].split(", ")[1]) for s in PRODUCTION["sources"])
    assert f"Summaries {years[0]}-{years[-1]} (current edition MCS {years[-1]}" in (
        sources.attribution(pkg)
    )


def test_share_year_note_says_where_shares_are_carried() -> None:
    dates = pd.to_datetime(pd.Series(["2019-05-01", "2021-01-01"]))
    assert sources.share_year_note(pd.Series([2020, 2021]), dates) == (
        "shares of each year 2020-2021 (2020 shares before 2020)"
    )
    assert sources.share_year_note(
        pd.Series([2024]), pd.to_datetime(pd.Series(["2024-03-01"]))
    ) == ("2024 shares")
    assert (
        sources.share_year_note(pd.Series([], dtype=int), pd.Series([], dtype="datetime64[ns]"))
        == ""
    )

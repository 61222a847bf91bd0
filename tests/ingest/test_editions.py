"""analysis.ingest.editions: five USGS editions merged into production.csv and its revisions; the
fixture's defects handled, byte for byte, and corrections that match nothing fail the ingest."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml

from analysis.ingest.corrections import UnmatchedCorrection
from analysis.ingest.editions import build_supply
from analysis.ingest.usgs import IngestError, build_import_history
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "usgs"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def keyed(text: str) -> dict[tuple[str, str, str], dict[str, str]]:
    return {(r["mineral"], r["year"], r["country"]): r for r in rows(text)}


@pytest.fixture(scope="module")
def fixture_supply():
    return build_supply(FIXTURE / "reference", FIXTURE / "data")


def test_fixture_reproduces_the_expected_tables_byte_for_byte(fixture_supply) -> None:
    expected = FIXTURE / "expected"
    assert fixture_supply.production == (expected / "production.csv").read_text("utf-8")
    assert fixture_supply.revisions == (expected / "production_revisions.csv").read_text("utf-8")
    assert build_import_history(FIXTURE / "reference", FIXTURE / "data") == (
        expected / "import_reliance.csv"
    ).read_text("utf-8")


def test_fixture_quirks_are_handled(fixture_supply) -> None:
    out = keyed(fixture_supply.production)
    # MCS 2025 defects: 'Gemanium', W codes, BOM, 'PROD_EST_ 2024', Burma, Congo (Kinshasa).
    assert out[("germanium", "2023", "CHN")]["flag"] == "W"
    assert out[("rare_earths", "2023", "MMR")]["quantity"] == "43000"
    assert out[("cobalt", "2023", "COD")]["quantity"] == "175000"
    # MCS 2022: 'Other countries6' (fused footnote digit); column 'Prod_t_Est_2021'.
    assert out[("cobalt", "2020", "OTHER")]["notes"] == ""
    # MCS 2023: the duplicated Congo row is kept once; trailing empty columns are ignored.
    assert out[("cobalt", "2021", "COD")]["quantity"] == "119000"
    # MCS 2024: Type column named after its type; 'e8,800' and 'Russiae' are estimates.
    russia = out[("cobalt", "2022", "RUS")]
    assert russia["quantity"] == "8800" and russia["estimated"] == "true"
    # MCS 2026 (cp1252, CRLF): thousands separators, em dash (no row), v1.1 footnote removed.
    assert out[("rare_earths", "2024", "CHN")]["notes"] == ""
    assert ("rare_earths", "2024", "CAN") not in out
    assert out[("rare_earths", "2025", "CHN")]["edition"] == "MCS 2026"
    # The newest edition reporting a series-year wins; the older value is a revision.
    revised = {(r["year"], r["country"], r["edition"]): r for r in rows(fixture_supply.revisions)}
    congo = revised[("2023", "COD", "MCS 2024")]
    assert (congo["quantity"], congo["revised_in"], congo["revised_quantity"]) == (
        "170000",
        "MCS 2025",
        "175000",
    )


def test_fixture_ingest_is_byte_identical_when_run_twice(fixture_supply) -> None:
    again = build_supply(FIXTURE / "reference", FIXTURE / "data")
    assert (again.production, again.revisions) == (
        fixture_supply.production,
        fixture_supply.revisions,
    )


def _fixture_with(tmp_path: Path, edit) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / "data", data)
    corr = yaml.safe_load((data / "corrections.yaml").read_text("utf-8"))
    edit(corr)
    (data / "corrections.yaml").write_text(yaml.safe_dump(corr, allow_unicode=True), "utf-8")
    return data


def test_a_correction_that_matches_nothing_fails_the_ingest(tmp_path: Path) -> None:
    def stale(corr: dict) -> None:
        corr["usgs_editions"]["world_files"]["rows"].append(
            {
                "edition": "MCS 2023",
                "where": {"country": "Atlantis9"},
                "set": {"country": "Atlantis"},
                "reason": "stale",
            }
        )

    with pytest.raises(UnmatchedCorrection, match="Atlantis9"):
        build_supply(FIXTURE / "reference", _fixture_with(tmp_path, stale))


def test_a_version_history_correction_that_matches_nothing_fails(tmp_path: Path) -> None:
    def stale(corr: dict) -> None:
        corr["usgs_editions"]["mcs2026"]["version_history"][1]["where"]["Value"] = "22,000,000"

    with pytest.raises(UnmatchedCorrection, match="22,000,000"):
        build_supply(FIXTURE / "reference", _fixture_with(tmp_path, stale))


def test_an_unused_series_rule_or_missing_doi_slip_fails(tmp_path: Path) -> None:
    def stale(corr: dict) -> None:
        corr["usgs_editions"]["doi_slips"][0]["metadata_cites"] = "10.5066/NOPE"

    with pytest.raises(IngestError, match="NOPE"):
        build_supply(FIXTURE / "reference", _fixture_with(tmp_path, stale))

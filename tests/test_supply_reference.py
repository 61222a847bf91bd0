"""Figures recomputed by hand from the USGS release files (csv module only, no project code),
compared with what the package and the metrics give; and the revisions table checked the same way.

Skipped where ../shared/reference is absent (CI has it; elsewhere set MINERALS_REFERENCE).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis import metrics
from analysis.package import load_package
from tests.conftest import DATA, REFERENCE

pytestmark = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference is not on this machine"
)
MCS2026 = REFERENCE / "usgs_mcs2026" / "MCS2026_Commodities_Data.csv"
OLD = REFERENCE / "usgs_mcs_2022_2024"
MCS2025 = REFERENCE / "usgs_mcs2025" / "world_data" / "MCS2025_World_Data.csv"


def number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def hand_share(values: dict[str, float | None], country: str, world: str) -> float:
    """Share in %: of the world total, unless the listed rows exceed it by more than 5 %."""
    listed = sum(v for k, v in values.items() if k != world and v is not None)
    total = values[world]
    denominator = total if total and listed <= total * 1.05 else listed
    return 100 * (values[country] or 0) / denominator


def mcs2026(commodity: str, year: str, detail_prefix: str = "") -> dict[str, float | None]:
    with open(MCS2026, encoding="cp1252", newline="") as fh:
        out = {}
        for r in csv.DictReader(fh):
            if (
                r["Commodity"] == commodity
                and r["Section"].startswith("World")
                and r["Statistics"] == "Production"
                and r["Year"] == year
                and r["Statistics_detail"].startswith(detail_prefix)
            ):
                out[r["Country"]] = number(r["Value"])
        return out


def world_file(path: Path, column: str) -> dict[str, float | None]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r["Country"].strip(): number(r[column]) for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


def ours(pkg, mineral: str, stage: str, year: int, country: str) -> tuple[float, str]:
    summary, shares = metrics.concentration_for(
        pkg["production"], mineral, stage, year, bases=pkg["production_bases"]
    )
    return float(shares.set_index("country").at[country, "share"]), summary["edition"]


@pytest.mark.parametrize(
    ("mineral", "stage", "country", "year", "edition", "by_hand"),
    [
        # China's share of rare-earth mine production
        ("rare_earths", "mine", "CHN", 2025, "MCS 2026",
         lambda: hand_share(mcs2026("Rare Earths", "2025"), "China", "World total")),
        ("rare_earths", "mine", "CHN", 2020, "MCS 2022",
         lambda: hand_share(world_file(OLD / "mcs2022" / "rare_earths_mcs2022-raree_world.csv",
                                       "Prod_t_2020"), "China", "World total (rounded)")),
        # DR Congo's share of cobalt mine production
        ("cobalt", "mine", "COD", 2025, "MCS 2026",
         lambda: hand_share(mcs2026("Cobalt", "2025"), "Congo (Kinshasa)", "World total")),
        ("cobalt", "mine", "COD", 2022, "MCS 2024",
         lambda: hand_share(world_file(OLD / "mcs2024" / "mcs2024-cobal_world.csv",
                                       "Prod_t_est_2022"), "Congo (Kinshasa)", "World total (rounded)")),
        # Australia's share of lithium mine production
        ("lithium", "mine", "AUS", 2025, "MCS 2026",
         lambda: hand_share(mcs2026("Lithium", "2025"), "Australia", "World total")),
        ("lithium", "mine", "AUS", 2021, "MCS 2023",
         lambda: hand_share(world_file(OLD / "mcs2023" / "mcs2023-lithi_world.csv", "Prod_t_2021"),
                            "Australia", "World total (rounded), excluding U.S. production")),
    ],
)  # fmt: skip
def test_shares_match_a_hand_computation_from_the_release(
    pkg, mineral, stage, country, year, edition, by_hand
) -> None:
    share, used = ours(pkg, mineral, stage, year, country)
    assert used == edition
    assert share == pytest.approx(by_hand(), abs=1e-9)


def test_china_rare_earths_2025_is_270000_of_390000() -> None:
    values = mcs2026("Rare Earths", "2025")
    assert (values["China"], values["World total"]) == (270000.0, 390000.0)


def test_revisions_table_keeps_what_mcs_2024_said_of_congo_cobalt_2023() -> None:
    old = world_file(OLD / "mcs2024" / "mcs2024-cobal_world.csv", "Prod_t_est_2023")
    with open(MCS2025, encoding="utf-8-sig", newline="") as fh:
        new = next(
            number(r["PROD_2023"])
            for r in csv.DictReader(fh)
            if r["COMMODITY"].strip() == "Cobalt" and r["COUNTRY"].strip() == "Congo (Kinshasa)"
        )
    assert (old["Congo (Kinshasa)"], new) == (170000.0, 175000.0)
    with open(DATA / "production_revisions.csv", encoding="utf-8", newline="") as fh:
        rev = [
            r for r in csv.DictReader(fh)
            if (r["mineral"], r["year"], r["country"], r["edition"]) == ("cobalt", "2023", "COD", "MCS 2024")
        ]  # fmt: skip
    assert len(rev) == 1
    assert float(rev[0]["quantity"]) == old["Congo (Kinshasa)"]
    assert float(rev[0]["revised_quantity"]) == new and rev[0]["revised_in"] == "MCS 2025"
    with open(DATA / "production.csv", encoding="utf-8", newline="") as fh:
        kept = [
            r for r in csv.DictReader(fh)
            if (r["mineral"], r["year"], r["country"]) == ("cobalt", "2023", "COD")
        ]  # fmt: skip
    assert [(float(r["quantity"]), r["edition"]) for r in kept] == [(new, "MCS 2025")]


def test_every_revision_differs_from_the_table_or_is_not_listed() -> None:
    """A revision row either differs from production.csv or names a key it no longer has."""
    with open(DATA / "production.csv", encoding="utf-8", newline="") as fh:
        kept = {
            (r["mineral"], r["stage"], r["measure"], r["basis"], r["year"], r["country"]): r
            for r in csv.DictReader(fh)
        }
    with open(DATA / "production_revisions.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["mineral"], r["stage"], r["measure"], r["basis"], r["year"], r["country"])
            assert int(r["edition"].split()[-1]) < int(r["revised_in"].split()[-1])
            if r["change"] == "revised":
                row = kept[key]
                assert row["edition"] == r["revised_in"]
                assert (row["quantity"], row["flag"]) != (r["quantity"], r["flag"])
            else:
                assert key not in kept

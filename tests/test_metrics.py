"""Metrics: reference values from USGS, invariants under hypothesis, CLI contract, docs coverage."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import metrics, status
from analysis.package import load_package
from tests.conftest import DATA, ROOT


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


def test_rare_earth_reference_values(pkg) -> None:
    """MCS 2026, 2025: China 270,000 of a rounded world 390,000 t REO (recomputed from the CSV
    in tests/test_supply_reference.py)."""
    summary, _ = metrics.concentration_for(pkg["production"], "rare_earths", "mine", 2025)
    assert round(float(summary["top1"]), 1) == 69.2
    assert abs(float(summary["hhi"]) - 5054.4) < 1
    assert summary["top1_country"] == "CHN" and summary["edition"] == "MCS 2026"


def test_gallium_reference_value(pkg) -> None:
    """MCS 2026 revises 2024: China 98.9 % of primary gallium (MCS 2025 had 98.7 %)."""
    summary, _ = metrics.concentration_for(pkg["production"], "gallium", "refinery", 2024)
    assert round(float(summary["top1"]), 2) == 98.94


def test_silicon_defaults_to_silicon_metal_and_names_it(pkg) -> None:
    bases = pkg["production_bases"]
    metal, _ = metrics.concentration_for(pkg["production"], "silicon", "plant", 2025, bases=bases)
    ferro, _ = metrics.concentration_for(
        pkg["production"], "silicon", "plant", 2025, "ferrosilicon, silicon content", bases
    )
    assert metal["basis"] == "silicon metal" and metal["multi_basis"]
    assert ferro["basis_label"] == "ferrosilicon (silicon content)"
    assert metal["top1"] != ferro["top1"]
    with pytest.raises(metrics.BasisError):
        metrics.concentration_for(pkg["production"], "silicon", "plant", 2025)


def test_exposure_moves_with_the_measures(pkg) -> None:
    dates = pd.to_datetime(["2023-07-15", "2023-08-15"])
    ex = metrics.exposure(
        pkg["production"], pkg["events"], pkg["event_types"], pkg["minerals"], dates,
        bases=pkg["production_bases"],
    )  # fmt: skip
    ga = ex[(ex["mineral"] == "gallium") & (ex["stage"] == "refinery")].set_index("date")[
        "exposure"
    ]
    assert ga[pd.Timestamp("2023-07-15")] == 0
    assert ga[pd.Timestamp("2023-08-15")] > 98


def test_governance_trade_parameter_follows_suspension(pkg) -> None:
    args = (
        pkg["production"],
        pkg["countries"],
        pkg["events"],
        pkg["event_types"],
        pkg["minerals"],
        pkg["eu_crm_2023"],
    )
    bases = pkg["production_bases"]
    before = metrics.governance_risk(*args, pd.Timestamp("2023-07-01"), bases=bases).set_index(
        ["mineral", "stage"]
    )
    after = metrics.governance_risk(*args, pd.Timestamp("2023-09-01"), bases=bases).set_index(
        ["mineral", "stage"]
    )
    assert before.at[("gallium", "refinery"), "share_year"] == 2023
    key = ("gallium", "refinery")
    assert after.at[key, "hhi_wgi_t"] > before.at[key, "hhi_wgi_t"]
    assert before.at[key, "hhi_wgi_t"] == pytest.approx(before.at[key, "hhi_wgi"])


def test_scenario_china_gallium(pkg) -> None:
    res = metrics.scenario(pkg["production"], pkg["import_reliance"], pkg["events"], pkg["event_types"],
                           pkg["blocs"], pkg["minerals"], "CHN", "gallium", 50, pd.Timestamp("2025-12-31"),
                           bases=pkg["production_bases"])  # fmt: skip
    stage = res["stages"].set_index("stage").loc["refinery"]
    assert stage["supply_lost"] == pytest.approx(stage["country_share"] / 2)
    assert "USA" in set(res["exposed"]["importer"])


# --------------------------------------------------------------------------- invariants

countries = st.sampled_from(["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"])
quantities = st.floats(min_value=0, max_value=1e7, allow_nan=False)


@st.composite
def production_tables(draw):
    chosen = draw(st.lists(countries, min_size=1, max_size=6, unique=True))
    qs = [draw(quantities) for _ in chosen]
    rows = [{"country": c, "quantity": q} for c, q in zip(chosen, qs, strict=True)]
    if draw(st.booleans()):
        rows.append({"country": "OTHER", "quantity": draw(quantities)})
    if draw(st.booleans()):
        total = sum(r["quantity"] for r in rows) * draw(st.floats(0.5, 1.5))
        rows.append({"country": "WLD", "quantity": total})
    frame = pd.DataFrame(rows)
    return frame.assign(mineral="m", stage="mine", measure="production", basis="b", year=2024)


@settings(max_examples=150, deadline=None)
@given(production_tables())
def test_shares_and_hhi_stay_in_range(prod) -> None:
    sh = metrics.shares(prod)
    assert sh["share"].between(0, 100).all()
    conc = metrics.concentration(prod)
    assert conc["hhi"].between(0, 10_000).all()
    assert (conc["top1"] <= conc["top3"] + 1e-9).all()
    assert conc["top3"].between(0, 100).all()


@settings(max_examples=150, deadline=None)
@given(production_tables(), st.floats(min_value=1, max_value=1e7))
def test_adding_a_producer_never_raises_another_share(prod, q) -> None:
    before = metrics.shares(prod).set_index("country")["share"]
    bigger = pd.concat([prod, prod.head(1).assign(country="ZZZ", quantity=q)], ignore_index=True)
    after = metrics.shares(bigger).set_index("country")["share"]
    for c in before.index:
        assert after[c] <= before[c] + 1e-9


# --------------------------------------------------------------------------- CLI and docs


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_cli_concentration_json() -> None:
    out = run(
        "concentration", "--mineral", "gallium", "--stage", "refinery", "--year", "2024", "--json"
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["shares"]["CHN"] == 98.94 and doc["top1_share"] == 98.94
    assert doc["edition"] == "MCS 2026" and doc["source"] == "USGS MCS 2026, 2024 data"
    assert set(doc) >= {"mineral", "stage", "year", "hhi", "top1_share", "top3_share", "shares"}


def test_cli_csv_works_where_json_does() -> None:
    for args in (["status", "--as-of", "2025-06-01"], ["exposure", "--mineral", "gallium", "--as-of", "2025-06-01"],
                 ["scenario", "--country", "CHN", "--mineral", "gallium", "--cut", "100"]):  # fmt: skip
        out = run(*args, "--csv")
        assert out.returncode == 0, out.stderr
        assert out.stdout.count("\n") >= 2


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["concentration", "--mineral", "unobtainium", "--stage", "mine", "--year", "2024"],
            "valid choices: alumina",
        ),
        (
            ["concentration", "--mineral", "gallium", "--stage", "moon", "--year", "2024"],
            "valid choices: refinery",
        ),
        (
            ["concentration", "--mineral", "gallium", "--stage", "refinery", "--year", "1999"],
            "valid choices: 2020, 2021, 2022, 2023, 2024, 2025",
        ),
        (
            ["scenario", "--country", "XXA", "--mineral", "gallium", "--cut", "10"],
            "unknown country 'XXA'",
        ),
    ],
)
def test_cli_unknown_choices_exit_2_in_one_line(args: list[str], needle: str) -> None:
    out = run(*args)
    assert out.returncode == 2
    assert needle in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0


def test_status_json_lists_measures_with_status() -> None:
    out = run("status", "--as-of", "2025-06-01", "--json")
    rows = {r["event_id"]: r["status"] for r in json.loads(out.stdout)}
    assert rows["chn-usa-gallium-germanium-antimony-ban-2024-12"] == "in force"


def test_every_public_metric_has_a_methodology_section() -> None:
    text = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+)`", text, flags=re.MULTILINE))
    for module in (metrics, status):
        public = {
            n
            for n, f in inspect.getmembers(module, inspect.isfunction)
            if f.__module__ == module.__name__ and not n.startswith("_")
        }
        assert public <= documented, f"undocumented in docs/methodology.md: {public - documented}"


def test_monthly_exposure_from_intervals_equals_the_date_grid(pkg) -> None:
    """The fast path for long series gives exactly what evaluating every date gives."""
    dates = metrics.monthly_dates(
        pd.Timestamp("2009-01-01").date(), pd.Timestamp("2026-11-28").date()
    )
    args = (pkg["production"], pkg["events"], pkg["event_types"], pkg["minerals"], dates)
    bases = pkg["production_bases"]
    grid = metrics.exposure(*args, with_controls=True, bases=bases)[
        ["mineral", "stage", "date", "exposure", "exposure_all"]
    ]
    fast = metrics.exposure(*args, with_controls=False, bases=bases)
    both = grid.merge(fast, on=["mineral", "stage", "date"], suffixes=("_grid", "_fast"))
    assert len(both) == len(grid) == len(fast)
    assert (both["exposure_grid"] - both["exposure_fast"]).abs().max() < 1e-9
    assert (both["exposure_all_grid"] - both["exposure_all_fast"]).abs().max() < 1e-9


def _csv_share(mineral: str, country: str, year: str) -> float:
    """Country share of world mine production, straight from production.csv (csv module).

    The mineral must have a single basis at the mine stage (nickel, bauxite do).
    """
    import csv

    with open(DATA / "production.csv", encoding="utf-8", newline="") as fh:
        rows = [
            r for r in csv.DictReader(fh)
            if r["mineral"] == mineral and r["stage"] == "mine" and r["year"] == year
            and r["measure"] == "production"
        ]  # fmt: skip
    qty = {r["country"]: float(r["quantity"]) for r in rows if r["quantity"]}
    return 100 * qty[country] / qty["WLD"]  # USGS's world total is the denominator


def test_indonesia_relaxation_moves_nickel_and_bauxite_exposure(pkg) -> None:
    """Exposure dips in 2017-2019 (relaxed, its own band) and returns in 2020 / mid-2023.

    Each step equals Indonesia's share of world mine output in the share year the metric used,
    read straight from production.csv.
    """
    days = pd.to_datetime(["2016-06-01", "2018-06-01", "2019-12-31", "2020-01-01",
                           "2023-06-01", "2023-07-01"])  # fmt: skip
    args = (pkg["production"], pkg["events"], pkg["event_types"], pkg["minerals"], days)
    ex = metrics.exposure(*args, bases=pkg["production_bases"])
    mine = ex[ex["stage"] == "mine"].set_index(["mineral", "date"])

    def step(mineral: str, before: str, after: str, col: str = "exposure") -> float:
        got = mine.loc[mineral]
        a, b = got.loc[pd.Timestamp(before)], got.loc[pd.Timestamp(after)]
        assert a["share_year"] == b["share_year"]
        return float(b[col] - a[col])

    def idn(mineral: str, on: str) -> float:
        year = mine.loc[mineral].loc[pd.Timestamp(on), "share_year"]
        return _csv_share(mineral, "IDN", str(int(year)))

    for mineral in ("nickel", "bauxite"):
        assert -step(mineral, "2016-06-01", "2018-06-01") == pytest.approx(
            idn(mineral, "2018-06-01"), abs=0.05
        )
        got = mine.loc[mineral].loc[pd.Timestamp("2018-06-01")]
        assert got["exposure_relaxed"] == pytest.approx(idn(mineral, "2018-06-01"), abs=0.05)
        assert "idn-raw-ore-export-ban-2014" not in got["controls"]
    assert step("nickel", "2019-12-31", "2020-01-01") == pytest.approx(
        idn("nickel", "2020-01-01"), abs=0.05
    )
    assert mine.loc["bauxite"].loc[pd.Timestamp("2020-01-01"), "exposure_relaxed"] > 0
    assert step("bauxite", "2023-06-01", "2023-07-01") == pytest.approx(
        idn("bauxite", "2023-07-01"), abs=0.05
    )
    # The long-series path (spans, no control names) gives the same numbers.
    fast = metrics.exposure(*args, bases=pkg["production_bases"], with_controls=False)
    cols = ["exposure", "exposure_all", "exposure_relaxed"]
    pd.testing.assert_frame_equal(
        fast[cols].reset_index(drop=True), ex[cols].reset_index(drop=True)
    )


def test_status_by_mineral_cli_rows(pkg) -> None:
    out = run("status", "--as-of", "2018-06-01", "--by-mineral", "--json")
    rows = {(r["measure_id"], r["mineral"]): r["status"] for r in json.loads(out.stdout)}
    assert rows[("idn-raw-ore-export-ban-2014", "nickel")] == "relaxed"
    assert rows[("idn-raw-ore-export-ban-2014", "tin")] == "in force"

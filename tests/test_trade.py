"""Trade dependency metrics: figures recomputed straight from the BACI release, and invariants."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import trade as T
from analysis.package import load_package
from tests.conftest import DATA, REFERENCE

BACI_DB = Path(os.environ.get("BACI_DB", REFERENCE / "baci" / "baci_minerals.db"))
needs_release = pytest.mark.skipif(not BACI_DB.exists(), reason="BACI release not on this machine")

# Figures computed with sqlite3 on baci_minerals.db (queries in _sql_* below), not with our code:
# (importer, BACI numeric code, mineral, HS codes, year, imports kUSD, top 3 sources %, HHI).
CASES = [
    ("JPN", "392", "rare_earths", ["280530", "284610", "284690"], 2020, 494792.99,
     {"CHN": 34.2231, "VNM": 22.3129, "MYS": 16.3059}, 2107.98),
    ("DEU", "276", "cobalt", ["282200", "810510"], 2015, 129272.988,
     {"FIN": 29.8201, "BEL": 20.3967, "USA": 13.9073}, 1650.94),
    ("KOR", "410", "nickel", ["260400"], 2024, 212311.935,
     {"NCL": 98.4117, "GTM": 1.4678, "PHL": 0.1005}, 9687.03),
]  # fmt: skip


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_dependency_matches_figures_computed_in_sql(pkg, case) -> None:
    importer, _, mineral, hs, year, total, top, hhi = case
    assert T.codes_for(pkg["hs_codes"], mineral=mineral) == hs
    dep = T.dependency(pkg["trade"], importer, hs, year)
    assert dep.imports_kusd == pytest.approx(total, abs=0.01)
    shares = dict(zip(dep.sources["exporter"], dep.sources["share"], strict=True))
    assert list(shares)[:3] == list(top)
    for exporter, pct in top.items():
        assert shares[exporter] == pytest.approx(pct, abs=1e-3)
    assert dep.hhi == pytest.approx(hhi, abs=0.01)


def _sql(query: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(f"file:{BACI_DB}?mode=ro", uri=True)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


@needs_release
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_sql_figures_still_hold_on_the_release(case) -> None:
    _, code, _, hs, year, total, _top, hhi = case
    marks = ",".join("?" * len(hs))
    where = f"j = ? AND t = ? AND k IN ({marks})"
    params = (code, str(year), *[int(h) for h in hs])
    ((got_total,),) = _sql(f"SELECT sum(CAST(v AS REAL)) FROM baci_trade WHERE {where}", *params)
    assert got_total == pytest.approx(total, abs=0.01)
    by = _sql(f"SELECT sum(CAST(v AS REAL)) FROM baci_trade WHERE {where} GROUP BY i", *params)
    assert sum((v / got_total * 100) ** 2 for (v,) in by) == pytest.approx(hhi, abs=0.01)


def test_controlled_share_matches_sql_for_chinas_nickel_ore_in_2014(pkg) -> None:
    # SELECT 100*sum(v where i='360')/sum(v) FROM baci_trade WHERE j='156' AND t='2014' AND k=260400
    # -> 12.5248: Indonesia's ore, under its export duty (2012) and its ore ban (January 2014).
    ctl = T.export_controls(
        pkg["events"], pkg["event_types"], pkg["minerals"], pkg["blocs"], pd.Timestamp("2014-06-01")
    )
    pairs = T.controlled_pairs(ctl, pkg["hs_codes"], ["260400"], "CHN")
    share, by = T.controlled_share(pkg["trade"], "CHN", ["260400"], 2014, pairs)
    assert share == pytest.approx(12.5248, abs=1e-3)
    assert "idn-raw-ore-export-ban-2014" in by


def test_world_export_shares_show_indonesias_nickel_ore_collapse(pkg) -> None:
    # SQL: Indonesia's share of world exports of 260400: 34.286 (2013), 9.842 (2014),
    # 0.148 (2015), 38.848 (2019), 5.418 (2020).
    sh = T.export_shares(pkg["trade"], ["260400"])
    idn = sh[sh["exporter"] == "IDN"].set_index("year")["share"]
    for year, pct in {2013: 34.286, 2014: 9.842, 2015: 0.148, 2019: 38.848, 2020: 5.418}.items():
        assert idn[year] == pytest.approx(pct, abs=1e-3)


def test_an_ore_ban_does_not_reach_refined_products(pkg) -> None:
    ctl = T.export_controls(
        pkg["events"], pkg["event_types"], pkg["minerals"], pkg["blocs"], pd.Timestamp("2020-06-01")
    )
    ore = T.controlled_pairs(ctl, pkg["hs_codes"], ["260400"], "CHN")
    assert "idn-raw-ore-export-ban-2014" in set(ore["event_id"])
    cobalt_oxide = T.controlled_pairs(ctl, pkg["hs_codes"], ["282200"], "CHN")
    assert "cod-copper-cobalt-concentrate-ban-2013" not in set(cobalt_oxide["event_id"])


def test_trade_exposure_uses_each_years_shares_and_holds_the_last_year(pkg) -> None:
    days = pd.to_datetime(["2013-06-01", "2015-06-01", "2019-06-01", "2026-06-01"])
    out = T.trade_exposure(
        pkg["trade"], pkg["hs_codes"], pkg["events"], pkg["event_types"], pkg["minerals"],
        pkg["blocs"], days, mineral_ids=["nickel"],
    )  # fmt: skip
    assert out["share_year"].tolist() == [2013, 2015, 2019, 2024]
    assert set(out["data_basis"]) == {T.TRADE_BASIS}
    assert (out["exposure"].between(0, 100)).all()
    assert (out["exposure_all"] <= out["exposure"] + 1e-9).all()


# --------------------------------------------------------------------------- invariants

EXPORTERS = ["AUS", "CHN", "IDN", "PHL", "COD"]
flows_strategy = st.lists(
    st.tuples(
        st.sampled_from(EXPORTERS),
        st.sampled_from(["JPN", "KOR"]),
        st.sampled_from(["260400", "282200"]),
        st.floats(min_value=0, max_value=1e7, allow_nan=False),
        st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False)),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda r: r[:3],
)
HS_CODES = pd.DataFrame(
    {"hs": ["260400", "282200"], "mineral": ["nickel", "cobalt"],
     "stage": ["ore/concentrate", "refined/chemical"]}
)  # fmt: skip


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": 2020,
            "exporter": [r[0] for r in rows],
            "importer": [r[1] for r in rows],
            "hs": [r[2] for r in rows],
            "value": [r[3] for r in rows],
            "quantity": [np.nan if r[4] is None else r[4] for r in rows],
        }
    )


def _controls(actors: list[str], all_destinations: bool = True) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": [f"ctl-{a}" for a in actors],
            "actor": actors,
            "mineral": "nickel",
            "event_type": "control_ban",
            "all_destinations": all_destinations,
            "destinations": [frozenset() if all_destinations else frozenset({"JPN"})] * len(actors),
        }
    )


@settings(max_examples=60, deadline=None)
@given(flows_strategy, st.lists(st.sampled_from(EXPORTERS), unique=True))
def test_shares_sum_to_100_hhi_in_range_controlled_share_bounded(rows, controlled) -> None:
    trade = _frame(rows)
    for importer in ("JPN", "KOR"):
        hs = ["260400", "282200"]
        pairs = T.controlled_pairs(_controls(controlled), HS_CODES, hs, importer)
        dep = T.dependency(trade, importer, hs, 2020, pairs)
        if dep.imports_kusd > 0:
            assert dep.sources["share"].sum() == pytest.approx(100.0)
            q = dep.sources["quantity_share"].dropna()
            if len(q) and dep.sources["quantity"].sum() > 0:
                assert q.sum() == pytest.approx(100.0)
            assert 100.0**2 / max(len(dep.sources), 1) - 1e-6 <= dep.hhi <= 10_000 + 1e-6
        assert 0.0 <= dep.controlled_share <= 100.0
        if not controlled:
            assert dep.controlled_share == 0.0 and dep.controlled_by == []
        # The all-importers table agrees with the one-importer record.
        table = T.importers_dependency(trade, hs, 2020, _controls(controlled), HS_CODES)
        row = table[table["importer"] == importer]
        if len(row):
            assert float(row["controlled_share"].iloc[0]) == pytest.approx(
                dep.controlled_share, abs=1e-9
            )
            assert float(row["hhi"].iloc[0]) == pytest.approx(dep.hhi, rel=1e-9, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(flows_strategy)
def test_world_export_shares_sum_to_100_each_year(rows) -> None:
    sh = T.export_shares(_frame(rows), ["260400", "282200"])
    totals = sh.groupby("year")["value"].sum()
    for year, total in totals.items():
        if total > 0:
            assert sh.loc[sh["year"] == year, "share"].sum() == pytest.approx(100.0)


@settings(max_examples=40, deadline=None)
@given(flows_strategy)
def test_a_targeted_control_reaches_only_the_importer_it_names(rows) -> None:
    trade = _frame(rows)
    hs = ["260400"]
    targeted = _controls(EXPORTERS, all_destinations=False)  # names JPN only
    kor = T.controlled_pairs(targeted, HS_CODES, hs, "KOR")
    assert T.controlled_share(trade, "KOR", hs, 2020, kor)[0] == 0.0
    jpn = T.controlled_pairs(targeted, HS_CODES, hs, "JPN")
    total = trade.loc[(trade["importer"] == "JPN") & (trade["hs"] == "260400"), "value"].sum()
    expected = 100.0 if total > 0 else 0.0
    assert T.controlled_share(trade, "JPN", hs, 2020, jpn)[0] == pytest.approx(expected)
    table = T.importers_dependency(trade, hs, 2020, targeted, HS_CODES).set_index("importer")
    if "JPN" in table.index:
        assert table.loc["JPN", "controlled_share"] == pytest.approx(expected)
    if "KOR" in table.index:
        assert table.loc["KOR", "controlled_share"] == 0.0


def test_every_public_trade_metric_has_a_methodology_section() -> None:
    import inspect
    import re

    from tests.conftest import ROOT

    text = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z_]+)`", text, flags=re.MULTILINE))
    public = {
        n
        for n, f in inspect.getmembers(T, inspect.isfunction)
        if f.__module__ == T.__name__ and not n.startswith("_")
    }
    assert public <= documented, f"undocumented in docs/methodology.md: {public - documented}"


def test_importer_minerals_agrees_with_dependency_mineral_by_mineral(pkg) -> None:
    codes = pkg["hs_codes"]
    ctl = T.export_controls(
        pkg["events"], pkg["event_types"], pkg["minerals"], pkg["blocs"], pd.Timestamp("2025-06-01")
    )
    pairs = T.controlled_pairs(ctl, codes, list(codes["hs"]), "JPN")
    table = T.importer_minerals(pkg["trade"], codes, "JPN", 2020, pairs).set_index("mineral")
    assert len(table) > 20
    for mineral in ("rare_earths", "graphite", "nickel", "lithium"):
        hs = T.codes_for(codes, mineral=mineral)
        dep = T.dependency(pkg["trade"], "JPN", hs, 2020, T.controlled_pairs(ctl, codes, hs, "JPN"))
        row = table.loc[mineral]
        assert row["imports_kusd"] == pytest.approx(dep.imports_kusd)
        assert row["hhi"] == pytest.approx(dep.hhi)
        assert row["controlled_share"] == pytest.approx(dep.controlled_share)
        assert row["controls"] == len(dep.controlled_by)
        assert list(row["sources"])[:3] == list(dep.sources["exporter"][:3])


@settings(max_examples=30, deadline=None)
@given(
    flows_strategy,
    st.lists(st.sampled_from(EXPORTERS), unique=True),
    st.dates(
        min_value=pd.Timestamp("2018-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()
    ),
)
def test_trade_exposure_is_bounded_and_zero_without_controls(rows, actors, day) -> None:
    trade = _frame(rows).assign(year=2020)
    events = pd.DataFrame(
        {
            "event_id": [f"ban-{a}" for a in actors],
            "event_type": "control_ban",
            "actor": actors,
            "counterparts": "ALL",
            "minerals": "nickel",
            "relates_to": None,
            "announced": pd.Timestamp("2019-01-01"),
            "effective": pd.Timestamp("2019-06-01"),
            "ends": pd.NaT,
        }
    )
    types = pd.DataFrame({"event_type": ["control_ban"], "category": ["control"], "effect": [None]})
    mins = pd.DataFrame({"mineral_id": ["nickel", "cobalt"], "parent": [None, None]})
    blocs = pd.DataFrame({"code": [], "members": []})
    out = T.trade_exposure(trade, HS_CODES, events, types, mins, blocs, [pd.Timestamp(day)])
    assert out["exposure"].between(0, 100).all()
    assert (out["exposure_all"] <= out["exposure"] + 1e-9).all()
    assert (out["share_year"] == 2020).all()  # the only trade year, held before and after
    if not actors or day < pd.Timestamp("2019-06-01").date():
        assert (out["exposure"] == 0).all()
    cobalt = out[out["mineral"] == "cobalt"]
    assert (cobalt["exposure"] == 0).all(), "a control on nickel never counts for cobalt"
    nickel = out[out["mineral"] == "nickel"]
    if actors and day >= pd.Timestamp("2019-06-01").date():
        sh = T.export_shares(trade, ["260400"])
        expected = sh.loc[sh["exporter"].isin(actors), "share"].sum()
        assert float(nickel["exposure"].iloc[0]) == pytest.approx(min(expected, 100.0))


def test_trade_index_returns_the_same_rows_as_a_scan(pkg) -> None:
    index = T.TradeIndex(pkg["trade"])
    for hs, year in ((["260400"], 2014), (["280530", "284610", "284690"], 2020), (["811230"], None),
                     (["260400"], 1990), (["999999"], 2020)):  # fmt: skip
        scan = T.flows(pkg["trade"], hs, year)
        assert index.rows(hs, year).index.equals(scan.index), (hs, year)


@settings(max_examples=40, deadline=None)
@given(flows_strategy, st.sampled_from([["260400"], ["282200"], ["260400", "282200"]]))
def test_trade_index_matches_flows_on_any_table(rows, hs) -> None:
    trade = _frame(rows).assign(year=[2019 + i % 3 for i in range(len(rows))])
    index = T.TradeIndex(trade)
    for year in (None, 2019, 2020, 2021, 2030):
        assert index.rows(hs, year).index.equals(T.flows(trade, hs, year).index)

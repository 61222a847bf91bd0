"""analysis.consistency: the trade check on small synthetic frames (one per kind) and on the real
data, where every listed disagreement must have a curator's explanation in data/trade_checks.csv.

The Indonesian figures are recomputed from data/trade.parquet with pyarrow, not from the module.
"""

from __future__ import annotations

import csv

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from analysis.consistency import (
    BAN_CONTINUES,
    COLLAPSED,
    CONSISTENT,
    NOT_RETURNED,
    check_trade,
)
from analysis.package import load_package
from tests.conftest import DATA

TYPES = pd.DataFrame(
    {
        "event_type": ["control_ore_ban", "exemption", "lifting", "control_quota"],
        "category": ["control", "lifecycle", "lifecycle", "control"],
        "effect": [None, "exempt", "lift", None],
    }
)
CODES = pd.DataFrame({"hs": ["260400"], "mineral": ["nickel"], "stage": ["ore/concentrate"]})

# Disagreements nobody has explained yet: listed so that any NEW one fails the test. Each needs a
# curator (a source, not a guess) before it moves to data/trade_checks.csv.
OPEN = {
    ("COD", "260300", 2014, "cod-copper-cobalt-concentrate-ban-2013"),
    ("IDN", "260900", 2015, "idn-raw-ore-export-ban-2014"),
    ("IDN", "261610", 2015, "idn-raw-ore-export-ban-2014"),
    ("NAM", "260200", 2024, "nam-unprocessed-critical-minerals-ban-2023"),
    ("ARE", "711011", 2008, ""),
    ("ARE", "711011", 2010, ""),
    ("ARE", "711019", 2023, ""),
    ("CAN", "261390", 2015, ""),
    ("CAN", "261210", 2024, ""),
    ("CHE", "711019", 2012, ""),
    ("COD", "282200", 2024, ""),
    ("GBR", "710812", 2015, ""),
    ("HKG", "710812", 2015, ""),
    ("IDN", "270220", 2024, ""),
    ("IND", "711019", 2010, ""),
    ("KAZ", "261210", 2017, ""),
    ("KAZ", "261210", 2019, ""),
    ("MEX", "261610", 2024, ""),
    ("MMR", "260900", 2014, ""),
    ("NAM", "261210", 2020, ""),
    ("NER", "261210", 2012, ""),
    ("NER", "261210", 2016, ""),
    ("NER", "261210", 2018, ""),
    ("NER", "261210", 2024, ""),
    ("PHL", "280530", 2014, ""),
    ("PNG", "261610", 1999, ""),
    ("RUS", "711029", 2022, ""),
    ("SGP", "711019", 1998, ""),
    ("SLE", "260900", 2015, ""),
    ("VEN", "270111", 1999, ""),
    ("ZAF", "711019", 2002, ""),
    ("ZAF", "711029", 2002, ""),
    ("ZAF", "711039", 2002, ""),
    ("ZAF", "711029", 2011, ""),
    ("ZAF", "711039", 2012, ""),
    ("ZAF", "261610", 2022, ""),
    ("ZMB", "282200", 2014, ""),
    ("ZWE", "260400", 2018, ""),
}


def events(*rows: dict) -> pd.DataFrame:
    base = {
        "actor": "IDN",
        "counterparts": "ALL",
        "minerals": "nickel",
        "hs_codes": None,
        "effective": pd.NaT,
        "ends": pd.NaT,
        "relates_to": None,
    }
    frame = pd.DataFrame([{**base, **r} for r in rows])
    for col in ("announced", "effective", "ends"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def trade(values: dict[int, float], exporter: str = "IDN") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": list(values),
            "exporter": exporter,
            "importer": "CHN",
            "hs": "260400",
            "value": [v * 1000 for v in values.values()],
        }
    )


BAN = {"event_id": "ban", "event_type": "control_ore_ban", "announced": "2014-01-12"}


def test_ban_with_exports_continuing_is_listed_and_a_collapse_is_not() -> None:
    kept = check_trade(events(BAN), TYPES, CODES, trade({2012: 100, 2013: 100, 2015: 60, 2016: 60}))
    assert kept["kind"].tolist() == [BAN_CONTINUES]
    assert kept[["year", "before_musd", "after_musd", "ratio"]].values.tolist() == [
        [2015, 100.0, 60.0, 0.6]
    ]
    cut = check_trade(events(BAN), TYPES, CODES, trade({2012: 100, 2013: 100, 2015: 40, 2016: 40}))
    assert cut.empty  # 40 % of the pre-ban level: consistent


def test_targeted_ban_and_quota_are_not_listed_under_a() -> None:
    flows = trade({2012: 100, 2013: 100, 2015: 100, 2016: 100})
    targeted = {**BAN, "counterparts": "USA"}
    quota = {**BAN, "event_type": "control_quota"}
    assert check_trade(events(targeted), TYPES, CODES, flows).empty
    assert check_trade(events(quota), TYPES, CODES, flows).empty
    assert check_trade(events(quota), TYPES, CODES, flows, keep_all=True)["kind"].tolist() == [
        CONSISTENT
    ]


def test_relaxation_without_returning_exports_is_listed() -> None:
    ease = {
        "event_id": "ease",
        "event_type": "exemption",
        "announced": "2017-01-12",
        "relates_to": "ban",
    }
    flat = trade({2012: 100, 2013: 100, 2015: 5, 2016: 5, 2018: 6, 2019: 6})
    out = check_trade(events(BAN, ease), TYPES, CODES, flat)
    assert out[["kind", "event_id", "year"]].values.tolist() == [[NOT_RETURNED, "ease", 2018]]
    back = trade({2012: 100, 2013: 100, 2015: 5, 2016: 5, 2018: 90, 2019: 90})
    assert check_trade(events(BAN, ease), TYPES, CODES, back).empty


def test_collapse_without_measure_is_listed_and_with_one_is_not() -> None:
    flows = pd.concat([trade({2019: 200, 2020: 10}), trade({2019: 50, 2020: 50}, "PHL")])
    quiet = events({**BAN, "actor": "PHL"})  # another country's measure explains nothing
    out = check_trade(quiet, TYPES, CODES, flows)
    assert out[["kind", "actor", "year", "before_musd", "after_musd"]].values.tolist() == [
        [COLLAPSED, "IDN", 2020, 200.0, 10.0]
    ]
    near = events({**BAN, "announced": "2019-09-02"})
    assert check_trade(near, TYPES, CODES, flows)[["kind"]].eq(COLLAPSED).sum().item() == 0


def test_explanation_rows_mark_a_disagreement_explained() -> None:
    flows = trade({2012: 100, 2013: 100, 2015: 60, 2016: 60})
    note = pd.DataFrame(
        {
            "kind": [BAN_CONTINUES],
            "actor": ["IDN"],
            "mineral": ["nickel"],
            "hs": ["260400"],
            "year": [2015],
            "event_id": ["ban"],
            "note": ["a ban on ore only"],
        }
    )
    out = check_trade(events(BAN), TYPES, CODES, flows, note)
    assert out[["explained", "note"]].values.tolist() == [[True, "a ban on ore only"]]


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    pkg = load_package(DATA)
    return check_trade(
        pkg["events"],
        pkg["event_types"],
        pkg["hs_codes"],
        pkg["trade"],
        pkg["trade_checks"],
        pkg["countries"],
        keep_all=True,
    )


def test_every_listed_disagreement_is_explained(real: pd.DataFrame) -> None:
    listed = real[real["kind"] != CONSISTENT]
    new = [
        (r.kind, r.actor, r.hs, r.year, r.event_id)
        for r in listed[~listed["explained"]].itertuples()
        if (r.actor, r.hs, r.year, r.event_id) not in OPEN
    ]
    assert new == [], "disagreements with no row in data/trade_checks.csv"
    keys = set(
        zip(
            listed["kind"],
            listed["actor"],
            listed["hs"],
            listed["year"],
            listed["event_id"],
            strict=True,
        )
    )
    with (DATA / "trade_checks.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stale = [
        r
        for r in rows
        if (r["kind"], r["actor"], r["hs"], int(r["year"]), r["event_id"]) not in keys
    ]
    assert stale == []  # an explanation for a row the check no longer lists
    assert len(
        {tuple(r[k] for k in ("kind", "actor", "hs", "year", "event_id")) for r in rows}
    ) == len(rows)


def _idn_nickel(year: int) -> float:
    table = pq.read_table(DATA / "trade.parquet")
    hs = pc.cast(table["hs"], "string")
    mask = pc.and_(
        pc.and_(pc.equal(pc.cast(table["exporter"], "string"), "IDN"), pc.equal(hs, "260400")),
        pc.equal(table["year"], year),
    )
    return pc.sum(table.filter(mask)["value"]).as_py() / 1000.0


def test_indonesian_nickel_ore_bans_and_relaxation_agree_with_trade(real: pd.DataFrame) -> None:
    nickel = real[(real["actor"] == "IDN") & (real["hs"] == "260400")].set_index("event_id")
    ban = nickel.loc["idn-raw-ore-export-ban-2014"]
    again = nickel.loc["idn-nickel-ore-ban-brought-forward-2019"]
    ease = nickel.loc["idn-export-ban-relaxation-2017"]
    assert ban["kind"] == again["kind"] == ease["kind"] == CONSISTENT
    assert ban["before_musd"] == pytest.approx((_idn_nickel(2012) + _idn_nickel(2013)) / 2, 1e-3)
    assert ban["ratio"] < 0.05 and again["ratio"] < 0.2  # exports collapsed with each ban
    assert ease["after_musd"] == pytest.approx((_idn_nickel(2018) + _idn_nickel(2019)) / 2, 1e-3)
    assert ease["ratio"] > 10  # exports returned under the 2017 relaxation
    assert not (
        (real["kind"] == COLLAPSED) & (real["actor"] == "IDN") & (real["hs"] == "260400")
    ).any()

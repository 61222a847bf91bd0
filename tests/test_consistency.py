"""analysis.consistency: the trade check on small synthetic frames (one per kind) and on the real
data, where every listed disagreement must have a curator's explanation in data/trade_checks.csv.

The Indonesian figures are recomputed from data/trade.parquet with pyarrow, not from the module.
"""

from __future__ import annotations

import csv

import pandas as pd
import pyarrow as pa
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

# Disagreements no one has yet explained from a fact: each stays listed with the reason it is still
# open, so that any NEW unexplained disagreement fails the test. A row moves to
# data/trade_checks.csv only with a fact checked (trade figures, an event row, a source read).
# Disagreements pinned without a row in data/trade_checks.csv (none: every listed one is explained).
STILL_OPEN: dict[tuple[str, str, int, str], str] = {}


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


def _flows(values: dict[int, float], hs: str = "260400", exporter: str = "IDN") -> pd.DataFrame:
    """One exporter's flows of a code, plus a steady rival so that shares stay meaningful."""
    years = sorted(values)
    rival = pd.DataFrame(
        {"year": years, "exporter": "PHL", "importer": "CHN", "hs": hs, "value": 300_000.0}
    )
    own = trade(values, exporter).assign(hs=hs)
    return pd.concat([own, rival], ignore_index=True)


def collapsed(flows: pd.DataFrame, ev: pd.DataFrame | None = None, codes=CODES) -> list:
    ev = events({**BAN, "actor": "CHL"}) if ev is None else ev  # nobody's measure on IDN
    out = check_trade(ev, TYPES_ALL, codes, flows)
    return out.loc[out["kind"] == COLLAPSED, ["actor", "year"]].values.tolist()


TYPES_ALL = pd.concat(
    [
        TYPES,
        pd.DataFrame(
            {
                "event_type": ["supply_disruption", "resource_nationalism"],
                "category": ["supply", "supply"],
                "effect": [None, None],
            }
        ),
    ],
    ignore_index=True,
)


def test_the_end_of_a_one_year_spike_is_not_a_collapse() -> None:
    # 2018 is more than twice 2016-2017: the fall is measured from the level before the spike.
    assert collapsed(_flows({2016: 150, 2017: 150, 2018: 400, 2019: 40})) == []
    # Below a fifth of the pre-spike level too: listed.
    assert collapsed(_flows({2016: 150, 2017: 150, 2018: 400, 2019: 20})) == [["IDN", 2019]]
    # A spike from an insignificant level (under 100 MUSD) falling back: not listed.
    assert collapsed(_flows({2016: 50, 2017: 50, 2018: 400, 2019: 0})) == []
    # No spike (2018 under twice 2017): the fall from 2018 alone decides.
    assert collapsed(_flows({2016: 150, 2017: 250, 2018: 400, 2019: 40})) == [["IDN", 2019]]


def test_a_move_between_codes_of_one_mineral_is_not_a_collapse() -> None:
    codes = pd.DataFrame(
        {
            "hs": ["711021", "711029"],
            "mineral": ["palladium", "palladium"],
            "stage": ["refined/chemical", "refined/chemical"],
        }
    )
    semi = _flows({2017: 200, 2018: 200, 2019: 10}, "711029")
    moved = pd.concat([semi, trade({2017: 0, 2018: 0, 2019: 190}).assign(hs="711021")])
    assert collapsed(moved, codes=codes) == []
    # The same flows with the other code at another stage: a collapse of the semi-manufactures.
    other = codes.assign(stage=["intermediate", "refined/chemical"])
    assert collapsed(moved, codes=other) == [["IDN", 2019]]
    assert collapsed(semi, codes=codes) == [["IDN", 2019]]


def test_a_supply_disruption_explains_a_collapse_and_resource_nationalism_does_not() -> None:
    flows = _flows({2018: 200, 2019: 200, 2020: 10})
    assert collapsed(flows) == [["IDN", 2020]]
    cut = {**BAN, "event_type": "supply_disruption", "announced": "2020-03-01"}
    assert collapsed(flows, events(cut)) == []
    state = {**cut, "event_type": "resource_nationalism"}  # who may mine: need not stop exports
    assert collapsed(flows, events(state)) == [["IDN", 2020]]
    late = {**cut, "announced": "2021-02-01"}  # after the year of the fall explains nothing
    assert collapsed(flows, events(late)) == [["IDN", 2020]]


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
        if (r.actor, r.hs, r.year, r.event_id) not in STILL_OPEN
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


def _exported(exporter: str, codes: list[str], year: int, column: str = "value", importer=None):
    """Sum of a column over an exporter's (or, with ``importer``, one pair's) flows, from the
    parquet file itself: kUSD to million USD for values, tonnes for quantities."""
    table = pq.read_table(DATA / "trade.parquet")
    mask = pc.and_(
        pc.and_(
            pc.equal(pc.cast(table["exporter"], "string"), exporter),
            pc.is_in(pc.cast(table["hs"], "string"), pa.array(codes)),
        ),
        pc.equal(table["year"], year),
    )
    if importer is not None:
        mask = pc.and_(mask, pc.equal(pc.cast(table["importer"], "string"), importer))
    total = pc.sum(table.filter(mask)[column]).as_py() or 0.0
    return total / 1000.0 if column == "value" else total


def _listed(real: pd.DataFrame, actor: str, hs: str, year: int) -> bool:
    hit = (real["kind"] == COLLAPSED) & (real["actor"] == actor) & (real["hs"] == hs)
    return bool((hit & (real["year"] == year)).any())


def test_the_refinements_on_the_real_data(real: pd.DataFrame) -> None:
    # The Emirates' platinum: one flow to India in 2007, more than twice 2005-2006, then back.
    are = {y: _exported("ARE", ["711011"], y) for y in (2005, 2006, 2007, 2008)}
    assert are[2007] > 2 * max(are[2005], are[2006]) and are[2008] < 0.2 * are[2007]
    assert are[2008] >= 0.2 * max(are[2005], are[2006])
    assert not _listed(real, "ARE", "711011", 2008)
    # Russia's semi-manufactured palladium fell by more than 80 %, palladium as a whole did not.
    semi = [_exported("RUS", ["711029"], y) for y in (2021, 2022)]
    both = [_exported("RUS", ["711021", "711029"], y) for y in (2021, 2022)]
    assert semi[1] < 0.2 * semi[0] and both[1] > 0.5 * both[0]
    assert not _listed(real, "RUS", "711029", 2022)
    # Niger's 2024 uranium: nothing shipped, and a recorded supply disruption says why.
    assert _exported("NER", ["261210"], 2024) < 0.01
    ev = load_package(DATA)["events"].set_index("event_id")
    assert ev.at["ner-somair-production-suspension-2024", "event_type"] == "supply_disruption"
    assert not _listed(real, "NER", "261210", 2024)
    # A fall measured from the year before, with no spike and no cause: still listed.
    assert _listed(real, "HKG", "710812", 2015) and _listed(real, "NER", "261210", 2012)


def test_notes_quote_the_trade_data(real: pd.DataFrame) -> None:
    """Figures in the curators' notes, recomputed from the parquet file."""
    note = real[real["kind"] != CONSISTENT].set_index(["actor", "hs", "year"])["note"]
    mex = [_exported("MEX", ["261610"], y, "quantity") / 1000 for y in (2023, 2024)]
    assert f"{mex[0]:.1f} kt in 2023 and {mex[1]:.1f} kt in 2024" in note[("MEX", "261610", 2024)]
    chn = [_exported("HKG", ["710812"], y, "quantity", "CHN") for y in (2014, 2015)]
    assert f"from {chn[0]:,.0f} t to {chn[1]:,.0f} t" in note[("HKG", "710812", 2015)]
    cod = [_exported("COD", ["282200", "810510"], y, "quantity") / 1000 for y in (2023, 2024)]
    assert f"{cod[0]:.0f} kt" in note[("COD", "282200", 2024)]
    assert f"{cod[1]:.0f} kt" in note[("COD", "282200", 2024)]
    ind = _exported("IDN", ["261610"], 2015, importer="IND")
    assert f"{ind:.1f} MUSD" in note[("IDN", "261610", 2015)]

"""Trade consistency check for curators: do recorded export measures agree with BACI exports?

Pure functions: the events, event types, HS-code table and trade table in, one DataFrame out.
Values are the controlling country's (the measure's ``actor``) exports to every destination, in
million USD, summed per (exporter, HS code, year).

**Which acts.** Measures of type ``control_ban``, ``control_ore_ban`` and ``control_quota`` and
lifecycle acts of effect ``exempt`` or ``lift`` on them. An act's codes are its own ``hs_codes``
when it lists any; otherwise the codes of its minerals in ``hs_codes.csv`` (as listed, with no
group expansion), restricted to ore/concentrate codes for an ore ban (or an act on one). Each act
*starts* on its ``effective`` date, or its ``announced`` date when none is given. The *before*
level is the mean of the two calendar years before the start year; the *after* level the mean of
the first ``AFTER_YEARS`` full years from the start (the start year counts only when the act
starts on 1 January) in which the status engine gives the measure, for that mineral on 1 July,
the status the act implies. Years outside the trade data are left out.

**Rules** (a row is listed only when ``before`` or ``after`` is at least ``FLOOR_MUSD``):

(a) ``ban in force while exports continue``: a ban or ore ban on all destinations (or a lifting
    of an exemption, which puts the ban back in force) whose after level (years ``in force``) is at
    least ``BAN_KEEPS`` x the before level.
(b) ``relaxed or lifted but exports did not return``: an exemption on a ban or ore ban (years
    ``relaxed``) or a lifting of a ban or ore ban (years ``lifted``) whose after level is below
    ``RETURN_RISE`` x the before level.
(c) ``exports collapsed with no recorded measure``: an exporter's exports of a code in year y are
    below ``COLLAPSE_KEEPS`` x those of y - 1, from a significant level in y - 1 (at least
    ``SIGNIFICANT_SHARE`` % of world exports of the code and at least ``SIGNIFICANT_MUSD``),
    while no control or lifecycle act and no ``supply_disruption`` of that exporter on the code's
    mineral (or listing the code) was announced from 1 January of y - 1 to 31 December of y.
    Two refinements keep out falls that no measure is needed to explain:

    * *the end of a one-year spike*: when the y - 1 level is more than ``SPIKE_RISE`` x the
      higher of y - 3 and y - 2 (years in the data), the fall is measured from that earlier level
      instead: it must be significant too, and exports in y below ``COLLAPSE_KEEPS`` x it;
    * *a move between codes*: the exporter's exports of all the codes of the mineral at the
      same stage in ``hs_codes.csv`` (unwrought and semi-manufactured metal, say) must also fall
      below ``COLLAPSE_KEEPS`` x their level in the year the fall is measured from.

    A supply disruption is a recorded cause of a fall; resource nationalism (who may mine) and
    deals are not, since they need not stop any shipment.

Quotas are compared (with ``keep_all``) but never listed under (a): a quota lets exports through
by design; it counts as a recorded measure for (c). Targeted bans (named destinations) are left
out of (a), since the exporter's total need not fall.

>>> ev = pd.DataFrame({"event_id": ["ban"], "event_type": ["control_ore_ban"], "actor": ["IDN"],
...     "counterparts": ["ALL"], "minerals": ["nickel"], "hs_codes": [None],
...     "announced": pd.to_datetime(["2014-01-01"]), "effective": pd.NaT, "ends": pd.NaT,
...     "relates_to": [None]})
>>> types = pd.DataFrame({"event_type": ["control_ore_ban"], "category": ["control"],
...     "effect": [None]})
>>> codes = pd.DataFrame({"hs": ["260400"], "mineral": ["nickel"], "stage": ["ore/concentrate"]})
>>> trade = pd.DataFrame({"year": [2012, 2013, 2014, 2015], "exporter": "IDN",
...     "importer": "CHN", "hs": "260400", "value": [900e3, 1100e3, 800e3, 700e3]})
>>> out = check_trade(ev, types, codes, trade)
>>> out[["kind", "event_id", "year", "before_musd", "after_musd"]].values.tolist()
[['ban in force while exports continue', 'ban', 2014, 1000.0, 750.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.status import EventIndex, status_by_mineral

BAN_KEEPS = 0.5  # (a): exports at or above half the pre-ban level
RETURN_RISE = 1.5  # (b): exports did not rise by half after a relaxation or lifting
COLLAPSE_KEEPS = 0.2  # (c): a fall of more than 80 % year on year
SIGNIFICANT_SHARE = 10.0  # (c): % of world exports of the code in the year before the fall
SIGNIFICANT_MUSD = 100.0  # (c): and at least this much, million USD
SPIKE_RISE = 2.0  # (c): y - 1 above this x the higher of y - 3 and y - 2 is a one-year spike
FLOOR_MUSD = 1.0  # every rule: below this on both sides there is nothing to compare
AGGREGATES = ("XBL", "XOA", "XSA")  # BACI's country groups and "not elsewhere specified"
BEFORE_YEARS = 2
AFTER_YEARS = 2
CONTROL_TYPES = ("control_ban", "control_ore_ban", "control_quota")
BAN_TYPES = ("control_ban", "control_ore_ban")
ORE_STAGE = "ore/concentrate"

BAN_CONTINUES = "ban in force while exports continue"
NOT_RETURNED = "relaxed or lifted but exports did not return"
COLLAPSED = "exports collapsed with no recorded measure"
CONSISTENT = "consistent"
KEYS = ["kind", "actor", "mineral", "hs", "year", "event_id"]
COLUMNS = [
    "kind",
    "actor",
    "actor_name",
    "mineral",
    "hs",
    "event_id",
    "year",
    "before_musd",
    "after_musd",
    "ratio",
    "explained",
    "note",
]


def exports_by_year(trade: pd.DataFrame) -> pd.DataFrame:
    """Exports per (exporter, hs, year) in million USD (``value`` is kUSD), codes as text."""
    out = (
        trade.assign(exporter=trade["exporter"].astype(str), hs=trade["hs"].astype(str))
        .groupby(["exporter", "hs", "year"], as_index=False)[["value"]]
        .sum()
    )
    return pd.DataFrame(
        {
            "exporter": out["exporter"],
            "hs": out["hs"],
            "year": out["year"].astype(int),
            "musd": out["value"] / 1000.0,
        }
    )


def _items(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [t.strip() for t in text.split(";") if t.strip()]


def _acts(events: pd.DataFrame, event_types: pd.DataFrame) -> pd.DataFrame:
    """The acts compared: one row per (act, measure it bears on) with what status it implies."""
    effect = dict(zip(event_types["event_type"], event_types["effect"], strict=True))
    records = events.to_dict("records")
    by_id = {str(r["event_id"]): r for r in records}
    pairs: list[tuple[dict, dict, str]] = []  # (act, measure, status the act implies)
    for ev in records:
        if ev["event_type"] in CONTROL_TYPES:
            pairs.append((ev, ev, "in force"))
            continue
        eff = effect.get(ev["event_type"])
        if not isinstance(eff, str) or eff not in ("exempt", "lift"):
            continue
        for target in _items(ev["relates_to"]):
            tgt = by_id.get(target)
            if tgt is None:
                continue
            if tgt["event_type"] in BAN_TYPES:  # an exemption or lifting of a ban
                pairs.append((ev, tgt, "relaxed" if eff == "exempt" else "lifted"))
            elif eff == "lift":  # lifting an exemption puts the ban back in force
                for base in _items(tgt["relates_to"]):
                    if base in by_id and by_id[base]["event_type"] in BAN_TYPES:
                        pairs.append((ev, by_id[base], "in force"))
    rows = []
    for act, measure, want in pairs:
        start = act["effective"] if pd.notna(act["effective"]) else act["announced"]
        if pd.isna(start):
            continue
        rows.append(
            {
                "event_id": str(act["event_id"]),
                "measure": str(measure["event_id"]),
                "want": want,
                "measure_type": str(measure["event_type"]),
                "actor": str(measure["actor"]),
                "all_destinations": str(measure["counterparts"]) == "ALL",
                "minerals": _items(act["minerals"]),
                "hs_codes": _items(act.get("hs_codes")),
                "start": pd.Timestamp(start),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class _Act:
    event_id: str
    measure: str
    want: str
    measure_type: str
    actor: str
    all_destinations: bool
    minerals: list[str]
    hs_codes: list[str]
    start: pd.Timestamp


def _codes(act: _Act, hs_codes: pd.DataFrame) -> list[tuple[str, str]]:
    """(mineral, code) pairs an act reaches."""
    table = hs_codes.assign(hs=hs_codes["hs"].astype(str), mineral=hs_codes["mineral"].astype(str))
    if act.hs_codes:
        picked = table[table["hs"].isin(act.hs_codes)]
    else:
        picked = table[table["mineral"].isin(act.minerals)]
    if act.measure_type == "control_ore_ban":
        picked = picked[picked["stage"] == ORE_STAGE]
    return list(zip(picked["mineral"], picked["hs"], strict=True))


def check_trade(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    hs_codes: pd.DataFrame,
    trade: pd.DataFrame,
    explanations: pd.DataFrame | None = None,
    countries: pd.DataFrame | None = None,
    keep_all: bool = False,
) -> pd.DataFrame:
    """Disagreements between recorded measures and exports (see the module docstring).

    One row per (kind, actor, mineral, hs, year, event_id) with the columns of ``COLUMNS``;
    ``year`` is the first year compared after the act (for (c), the year of the fall).
    ``explained`` is true where ``explanations`` (data/trade_checks.csv) holds a row with the same
    key; its ``note`` is copied. ``keep_all`` also returns the acts that agree (kind
    ``consistent``), so a curator can see the comparison behind an absence.
    """
    ex = exports_by_year(trade)
    level = ex.set_index(["exporter", "hs", "year"])["musd"]
    years = sorted(ex["year"].unique())
    first, last = (int(years[0]), int(years[-1])) if years else (0, -1)
    acts = _acts(events, event_types)
    index = EventIndex.build(events, event_types)
    status: dict[int, pd.DataFrame] = {}

    def status_on(year: int) -> dict[tuple[str, str], str]:
        if year not in status:
            frame = status_by_mineral(events, index, pd.Timestamp(f"{year}-07-01"))
            status[year] = frame
        frame = status[year]
        return dict(
            zip(
                zip(frame["measure_id"], frame["mineral"], strict=True),
                frame["status"],
                strict=True,
            )
        )

    def mean(actor: str, code: str, yrs: list[int]) -> float | None:
        yrs = [y for y in yrs if first <= y <= last]
        if not yrs:
            return None
        return float(np.mean([level.get((actor, code, y), 0.0) for y in yrs]))

    rows: list[dict[str, object]] = []
    for record in acts.to_dict("records"):
        act = _Act(**{str(k): v for k, v in record.items()})
        start = act.start
        begin = start.year if (start.month, start.day) == (1, 1) else start.year + 1
        for mineral, code in _codes(act, hs_codes):
            after_years = [
                y
                for y in range(begin, begin + AFTER_YEARS)
                if status_on(y).get((act.measure, mineral)) == act.want
            ]
            before = mean(act.actor, code, list(range(start.year - BEFORE_YEARS, start.year)))
            after = mean(act.actor, code, after_years)
            if before is None or after is None or max(before, after) < FLOOR_MUSD:
                continue
            ratio = after / before if before > 0 else np.inf
            kind = CONSISTENT
            if act.want == "in force" and act.measure_type in BAN_TYPES:
                if act.all_destinations and ratio >= BAN_KEEPS:
                    kind = BAN_CONTINUES
            elif act.want in ("relaxed", "lifted") and ratio < RETURN_RISE:
                kind = NOT_RETURNED
            if kind == CONSISTENT and not keep_all:
                continue
            rows.append(
                {
                    "kind": kind,
                    "actor": act.actor,
                    "mineral": mineral,
                    "hs": code,
                    "event_id": act.event_id,
                    "year": after_years[0],
                    "before_musd": before,
                    "after_musd": after,
                    "ratio": ratio,
                }
            )
    rows.extend(_collapses(ex, events, event_types, hs_codes))
    out = pd.DataFrame(rows, columns=COLUMNS[:2] + COLUMNS[3:10])
    return _finish(out, explanations, countries)


def _collapses(
    ex: pd.DataFrame, events: pd.DataFrame, event_types: pd.DataFrame, hs_codes: pd.DataFrame
) -> list[dict[str, object]]:
    """Rule (c): falls of more than 80 % from a significant level, with no recorded cause nearby."""
    table = hs_codes.assign(hs=hs_codes["hs"].astype(str), mineral=hs_codes["mineral"].astype(str))
    mineral_of = dict(zip(table["hs"], table["mineral"], strict=True))
    stage_of = dict(zip(table["hs"], table["stage"], strict=True))
    level = ex.set_index(["exporter", "hs", "year"])["musd"]
    world = ex.groupby(["hs", "year"])["musd"].sum()
    group = ex.assign(mineral=ex["hs"].map(mineral_of), stage=ex["hs"].map(stage_of))
    total = group.groupby(["exporter", "mineral", "stage", "year"])["musd"].sum()
    first = int(ex["year"].min()) if len(ex) else 0

    def significant(exporter: str, hs: str, year: int) -> bool:
        value, of_world = float(level.get((exporter, hs, year), 0.0)), world.get((hs, year), 0.0)
        return (
            exporter not in AGGREGATES
            and value >= SIGNIFICANT_MUSD
            and of_world > 0
            and 100.0 * value / of_world >= SIGNIFICANT_SHARE
        )

    prev = ex.assign(year=ex["year"] + 1).rename(columns={"musd": "before"})
    pair = prev.merge(ex, on=["exporter", "hs", "year"], how="left").fillna({"musd": 0.0})
    pair = pair[pair["year"] <= ex["year"].max()]
    fell = pair[pair["musd"] < COLLAPSE_KEEPS * pair["before"]]
    kinds = event_types.set_index("event_type")["category"]
    recorded = set(kinds[kinds.isin(["control", "lifecycle"])].index) | {"supply_disruption"}
    measures = events[events["event_type"].isin(recorded)]
    rows: list[dict[str, object]] = []
    for r in fell.itertuples(index=False):
        year = int(r.year)
        if not significant(r.exporter, r.hs, year - 1):
            continue
        base = year - 1  # the year the fall is measured from
        earlier = [y for y in (year - 3, year - 2) if y >= first]
        if earlier:
            top = max(earlier, key=lambda y: float(level.get((r.exporter, r.hs, y), 0.0)))
            if r.before > SPIKE_RISE * float(level.get((r.exporter, r.hs, top), 0.0)):
                base = top  # y - 1 was a one-year spike: measure from the level before it
                if not significant(r.exporter, r.hs, base):
                    continue
                if not r.musd < COLLAPSE_KEEPS * float(level[(r.exporter, r.hs, base)]):
                    continue
        mineral = mineral_of.get(r.hs, "")
        key = (r.exporter, mineral, stage_of.get(r.hs, ""))
        if not float(total.get((*key, year), 0.0)) < COLLAPSE_KEEPS * float(total[(*key, base)]):
            continue  # the mineral's exports at this stage held: a move between its codes
        near = measures[
            (measures["actor"].astype(str) == r.exporter)
            & (measures["announced"] >= pd.Timestamp(f"{year - 1}-01-01"))
            & (measures["announced"] <= pd.Timestamp(f"{year}-12-31"))
        ]
        hit = any(
            mineral in _items(m) or r.hs in _items(h)
            for m, h in zip(near["minerals"], near["hs_codes"], strict=True)
        )
        if hit:
            continue
        rows.append(
            {
                "kind": COLLAPSED,
                "actor": r.exporter,
                "mineral": mineral,
                "hs": r.hs,
                "event_id": "",
                "year": year,
                "before_musd": float(r.before),
                "after_musd": float(r.musd),
                "ratio": float(r.musd / r.before),
            }
        )
    return rows


def _finish(
    out: pd.DataFrame, explanations: pd.DataFrame | None, countries: pd.DataFrame | None
) -> pd.DataFrame:
    names = (
        {} if countries is None else dict(zip(countries["iso3"], countries["name"], strict=True))
    )
    out = out.assign(
        actor_name=out["actor"].map(lambda c: names.get(c, c)),
        event_id=out["event_id"].fillna("").astype(str),
        year=out["year"].astype(int),
    )
    notes: dict[tuple[object, ...], str] = {}
    if explanations is not None:
        for e in explanations.to_dict("records"):
            eid = "" if pd.isna(e["event_id"]) else str(e["event_id"])
            key = (
                str(e["kind"]),
                str(e["actor"]),
                str(e["mineral"]),
                str(e["hs"]),
                int(e["year"]),
                eid,
            )
            notes[key] = str(e["note"])
    keys = list(zip(*(out[k] for k in KEYS), strict=True))
    out["explained"] = [k in notes for k in keys]
    out["note"] = [notes.get(k, "") for k in keys]
    for col in ("before_musd", "after_musd", "ratio"):
        out[col] = out[col].astype(float).round(3)
    return out[COLUMNS].sort_values(["kind", "actor", "year", "hs"]).reset_index(drop=True)

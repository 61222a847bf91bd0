"""Dependency metrics on bilateral trade (CEPII BACI): who imports what from whom, and how much of
it sits behind an export control. Pure functions: DataFrames in, DataFrames (or a record) out.

The trade frame has the columns of data/trade.parquet: ``year``, ``exporter``, ``importer``,
``hs``, ``value`` (kUSD) and ``quantity`` (t, may be missing). Shares are percentages (0..100) and
HHI is on the 0..10 000 scale, as in :mod:`analysis.metrics`. Every public function has a section
in docs/methodology.md.

Which exporters are "controlled" comes from one function, :func:`export_controls`, so that the
status engine's answer (per measure and mineral, a relaxed measure not counting) is read in
exactly one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.metrics import controls_in_force
from analysis.status import EventIndex

ORE_STAGE = "ore/concentrate"
ORE_ONLY_TYPES = frozenset({"control_ore_ban"})
TRADE_BASIS = "trade"
PRODUCTION_BASIS = "production"


# --------------------------------------------------------------------------- selection


def codes_for(
    hs_codes: pd.DataFrame, mineral: str | None = None, hs: str | None = None
) -> list[str]:
    """The HS codes of a mineral (all its stages), or the one code asked for, sorted.

    >>> table = pd.DataFrame({"hs": ["280530", "284610", "260400"],
    ...                       "mineral": ["rare_earths", "rare_earths", "nickel"]})
    >>> codes_for(table, mineral="rare_earths"), codes_for(table, hs="260400")
    (['280530', '284610'], ['260400'])
    """
    if hs is not None:
        return [str(hs)] if str(hs) in set(hs_codes["hs"].astype(str)) else []
    return sorted(hs_codes.loc[hs_codes["mineral"] == mineral, "hs"].astype(str))


def flows(trade: pd.DataFrame, hs: Sequence[str], year: int | None = None) -> pd.DataFrame:
    """Rows of ``trade`` for the products ``hs`` (and ``year`` when given).

    On the loaded table (codes as categories) the match runs on the integer codes.
    """
    col = trade["hs"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        wanted = col.cat.categories.get_indexer(pd.Index(list(hs)))
        mask = np.isin(col.cat.codes.to_numpy(), wanted[wanted >= 0])
    else:
        mask = np.asarray(col.isin(list(hs)), dtype=bool)
    if year is not None:
        mask = mask & (trade["year"].to_numpy() == year)
    return trade[mask]


class TradeIndex:
    """Row positions of the trade table per (product, year), built once per loaded table.

    ``rows(hs, year)`` returns the same rows as :func:`flows` but by slicing, so its cost grows
    with the rows returned rather than with the table. The metrics accept either: pass them
    ``index.rows(...)`` instead of the whole table. Valid only for the table it was built from.

    >>> t = pd.DataFrame({"year": [2021, 2020, 2020], "hs": ["260400", "260400", "282200"],
    ...     "exporter": "PHL", "importer": "CHN", "value": [1.0, 2.0, 3.0], "quantity": 1.0})
    >>> TradeIndex(t).rows(["260400"], 2020)["value"].tolist()
    [2.0]
    """

    def __init__(self, trade: pd.DataFrame) -> None:
        self._trade = trade
        code, self._products = pd.factorize(trade["hs"].astype(str).to_numpy(dtype=object))
        years = trade["year"].to_numpy(dtype=np.int64)
        self._first = int(years.min()) if len(years) else 0
        span = int(years.max()) - self._first + 1 if len(years) else 1
        key = code.astype(np.int64) * span + (years - self._first)
        self._span = span
        self._order = np.argsort(key, kind="stable")
        self._sorted = key[self._order]

    def _slice(self, product: int, year: int) -> np.ndarray:
        k = product * self._span + (year - self._first)
        lo, hi = np.searchsorted(self._sorted, [k, k + 1])
        return self._order[lo:hi]

    def rows(self, hs: Sequence[str], year: int | None = None) -> pd.DataFrame:
        lookup = pd.Index(self._products)
        parts = []
        for product in lookup.get_indexer([str(h) for h in hs]):
            if product < 0:
                continue
            if year is None:
                lo, hi = np.searchsorted(
                    self._sorted, [product * self._span, (product + 1) * self._span]
                )
                parts.append(self._order[lo:hi])
            elif 0 <= year - self._first < self._span:
                parts.append(self._slice(product, year))
        picked = np.sort(np.concatenate(parts)) if parts else np.array([], dtype=np.int64)
        return self._trade.iloc[picked]


# --------------------------------------------------------------------------- importer side


def import_sources(
    trade: pd.DataFrame, importer: str, hs: Sequence[str], year: int
) -> pd.DataFrame:
    """An importer's sources for the products ``hs`` in ``year``, largest first.

    ``share = 100 × value_e / Σ value`` over exporters ``e`` (values summed over the products);
    ``quantity_share = 100 × quantity_e / Σ quantity`` over the flows that have a quantity (empty
    when none has). Columns: ``exporter``, ``value``, ``quantity``, ``share``, ``quantity_share``.

    >>> t = pd.DataFrame({"year": 2020, "importer": "JPN", "hs": "280530",
    ...     "exporter": ["CHN", "VNM", "CHN"], "value": [60.0, 40.0, 0.0],
    ...     "quantity": [6.0, None, 2.0]})
    >>> out = import_sources(t, "JPN", ["280530"], 2020)
    >>> out[["exporter", "share", "quantity_share"]].values.tolist()
    [['CHN', 60.0, 100.0], ['VNM', 40.0, nan]]
    """
    return _shares_by(_importer_rows(trade, importer, hs, year), "exporter")


def _importer_rows(
    trade: pd.DataFrame, importer: str, hs: Sequence[str], year: int
) -> pd.DataFrame:
    rows = flows(trade, hs, year)
    return rows[(rows["importer"] == importer).to_numpy()]


def _shares_by(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    code, names = pd.factorize(rows[key].astype(str).to_numpy(dtype=object), sort=True)
    value = rows["value"].to_numpy(dtype=float)
    qty = rows["quantity"].to_numpy(dtype=float)
    has_q = ~np.isnan(qty)
    n = len(names)
    v = np.bincount(code, weights=value, minlength=n)
    q = np.bincount(code[has_q], weights=qty[has_q], minlength=n)
    q = np.where(np.bincount(code[has_q], minlength=n) > 0, q, np.nan)
    total, total_q = v.sum(), np.nansum(q)
    out = pd.DataFrame(
        {
            key: np.asarray(names, dtype=object),
            "value": v,
            "quantity": q,
            "share": v / total * 100 if total > 0 else np.full(n, np.nan),
            "quantity_share": q / total_q * 100 if total_q > 0 else np.full(n, np.nan),
        }
    )
    out = out.sort_values(["value", key], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl-Hirschman index of percentage shares: ``Σ share²`` (0..10 000).

    >>> hhi([60.0, 40.0]), hhi([100.0]), hhi([])
    (5200.0, 10000.0, 0.0)
    """
    values = np.asarray(list(shares), dtype=float)
    values = values[~np.isnan(values)]
    return float(np.sum(values**2))


# --------------------------------------------------------------------------- controls


def export_controls(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    blocs: pd.DataFrame,
    date: pd.Timestamp,
    index: EventIndex | None = None,
) -> pd.DataFrame:
    """Export controls in force on ``date``: one row per (measure, exporter, mineral).

    The one place the trade layer asks the status engine. Status is taken per (measure, mineral)
    through :func:`analysis.metrics.controls_in_force`: a measure relaxed or suspended for a
    mineral (Indonesia's ore ban for nickel ore in 2017-2019) does not count for it. Columns: ``event_id``, ``actor`` (the exporter), ``mineral``,
    ``event_type``, ``all_destinations`` and ``destinations`` (the importers a targeted measure
    names, with blocs expanded to their members; empty for all destinations).
    """
    ctl = controls_in_force(events, event_types, minerals, [pd.Timestamp(date)], index)
    counterparts = events.set_index("event_id")["counterparts"]
    members = {
        str(code): str(m).split(";")
        for code, m in zip(blocs["code"], blocs["members"], strict=True)
        if pd.notna(m)
    }

    def expand(text: object) -> frozenset[str]:
        if not isinstance(text, str) or text == "ALL":
            return frozenset()
        names = [n.strip() for n in text.split(";") if n.strip()]
        return frozenset(c for n in names for c in members.get(n, [n]))

    named = {eid: expand(counterparts.get(eid)) for eid in ctl["event_id"].unique()}
    out = ctl.drop(columns="date").reset_index(drop=True)
    out["destinations"] = out["event_id"].map(named)
    return out


def controlled_pairs(
    controls: pd.DataFrame, hs_codes: pd.DataFrame, hs: Sequence[str], importer: str | None
) -> pd.DataFrame:
    """(exporter, hs) pairs behind a control that reaches ``importer``, with the measures.

    Columns: ``exporter``, ``hs``, ``event_id``. A product's controls are those on its mineral
    (see :func:`export_controls`) that reach the importer: on all destinations, or naming it
    (``importer=None``: only controls on all destinations, a world view). An ore-export ban
    (``control_ore_ban``) reaches ore/concentrate codes only.
    """
    table = hs_codes[hs_codes["hs"].astype(str).isin(list(hs))]
    table = table.assign(hs=table["hs"].astype(str), mineral=table["mineral"].astype(str))
    controls = controls[controls["mineral"].isin(set(table["mineral"])).to_numpy()]
    columns = ["exporter", "hs", "event_id"]
    if controls.empty or table.empty:
        return pd.DataFrame(columns=columns)
    reach = controls["all_destinations"].to_numpy(dtype=bool).copy()
    if importer is not None:
        reach |= np.array([importer in d for d in controls["destinations"]], dtype=bool)
    on = controls[reach]
    ore_only = on["event_type"].isin(ORE_ONLY_TYPES).to_numpy()
    merged = pd.DataFrame(
        {
            "exporter": on["actor"].astype(str).to_numpy(),
            "mineral": on["mineral"].astype(str).to_numpy(),
            "event_id": on["event_id"].astype(str).to_numpy(),
            "ore_only": ore_only,
        }
    ).merge(table[["hs", "mineral", "stage"]], on="mineral")
    merged = merged[~merged["ore_only"] | (merged["stage"] == ORE_STAGE).to_numpy()]
    return merged[columns].drop_duplicates().reset_index(drop=True)


def controlled_share(
    trade: pd.DataFrame,
    importer: str,
    hs: Sequence[str],
    year: int,
    pairs: pd.DataFrame,
) -> tuple[float, list[str]]:
    """Percent of the importer's ``year`` imports of ``hs`` from exporters under a control, and
    the measures counted.

    ``controlled_share = 100 × Σ value(e, k) over flows whose (exporter e, product k) is in
    pairs / Σ value over all flows``; 0 when nothing is imported. ``pairs`` comes from
    :func:`controlled_pairs` for the importer and date.

    >>> t = pd.DataFrame({"year": 2023, "importer": "USA", "hs": "811230",
    ...     "exporter": ["CHN", "BEL"], "value": [30.0, 70.0], "quantity": [1.0, 2.0]})
    >>> pairs = pd.DataFrame({"exporter": ["CHN"], "hs": ["811230"], "event_id": ["ge-licence"]})
    >>> controlled_share(t, "USA", ["811230"], 2023, pairs)
    (30.0, ['ge-licence'])
    """
    rows = _importer_rows(trade, importer, hs, year)
    total = float(rows["value"].sum())
    if total <= 0 or pairs.empty:
        return 0.0, []
    key = (
        rows["exporter"].astype(str).to_numpy(dtype=object)
        + "|"
        + rows["hs"].astype(str).to_numpy(dtype=object)
    )
    wanted = pairs["exporter"].astype(str) + "|" + pairs["hs"].astype(str)
    hit = np.isin(key, wanted.to_numpy(dtype=object))
    share = float(rows["value"].to_numpy(dtype=float)[hit].sum()) / total * 100
    present = set(key[hit])
    used = pairs[wanted.isin(present)]
    return min(share, 100.0), sorted(set(used["event_id"]))


# --------------------------------------------------------------------------- summary record


@dataclass
class Dependency:
    """One importer's dependency on its sources for a set of products in one year."""

    importer: str
    year: int
    hs: list[str]
    imports_kusd: float
    sources: pd.DataFrame
    hhi: float
    controlled_share: float | None = None
    controlled_by: list[str] = field(default_factory=list)

    def as_dict(self, digits: int = 2) -> dict:
        """The CLI's JSON document."""
        out: dict = {
            "importer": self.importer,
            "year": self.year,
            "hs": self.hs,
            "imports_kusd": round(self.imports_kusd, 3),
            "sources": {
                e: round(float(s), digits)
                for e, s in zip(self.sources["exporter"], self.sources["share"], strict=True)
            },
            "hhi": round(self.hhi, 1),
        }
        if self.controlled_share is not None:
            out["controlled_share"] = round(self.controlled_share, digits)
            out["controlled_by"] = self.controlled_by
        return out


def dependency(
    trade: pd.DataFrame,
    importer: str,
    hs: Sequence[str],
    year: int,
    pairs: pd.DataFrame | None = None,
) -> Dependency:
    """Sources, import HHI and (given the controlled ``pairs`` on a date) the controlled share.

    ``imports_kusd = Σ value``; ``hhi = Σ share²`` over the exporters' shares of import value.

    >>> t = pd.DataFrame({"year": 2015, "importer": "DEU", "hs": "810510",
    ...     "exporter": ["COD", "ZMB"], "value": [75.0, 25.0], "quantity": [3.0, 1.0]})
    >>> d = dependency(t, "DEU", ["810510"], 2015)
    >>> d.imports_kusd, d.hhi, d.as_dict()["sources"]
    (100.0, 6250.0, {'COD': 75.0, 'ZMB': 25.0})
    """
    src = import_sources(trade, importer, hs, year)
    dep = Dependency(
        importer, int(year), list(hs), float(src["value"].sum()), src, hhi(src["share"])
    )
    if pairs is not None:
        dep.controlled_share, dep.controlled_by = controlled_share(trade, importer, hs, year, pairs)
    return dep


def importers_dependency(
    trade: pd.DataFrame,
    hs: Sequence[str],
    year: int,
    controls: pd.DataFrame | None = None,
    hs_codes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every importer of ``hs`` in ``year``: imports, HHI, largest source and controlled share.

    Per importer ``i``: ``imports_kusd = Σ_e value(e, i)``, ``hhi = Σ_e share(e, i)²``,
    ``top_exporter``/``top_share`` the largest source, and with ``controls`` (from
    :func:`export_controls`) and ``hs_codes``, ``controlled_share`` as in
    :func:`controlled_share` for that importer. Sorted by imports, largest first.

    >>> t = pd.DataFrame({"year": 2024, "hs": "260400",
    ...     "importer": ["CHN", "CHN", "JPN"], "exporter": ["PHL", "IDN", "PHL"],
    ...     "value": [80.0, 20.0, 10.0], "quantity": [1.0, 1.0, 1.0]})
    >>> importers_dependency(t, ["260400"], 2024)[["importer", "hhi", "top_exporter"]].values.tolist()
    [['CHN', 6800.0, 'PHL'], ['JPN', 10000.0, 'PHL']]
    """
    rows = flows(trade, hs, year)
    frame = pd.DataFrame(
        {
            "importer": rows["importer"].astype(str).to_numpy(),
            "exporter": rows["exporter"].astype(str).to_numpy(),
            "hs": rows["hs"].astype(str).to_numpy(),
            "value": rows["value"].to_numpy(dtype=float),
        }
    )
    columns = ["importer", "imports_kusd", "hhi", "top_exporter", "top_share"]
    if frame.empty:
        return pd.DataFrame(
            columns=columns + (["controlled_share"] if controls is not None else [])
        )
    pair = frame.groupby(["importer", "exporter"], sort=False)["value"].sum().reset_index()
    total = pair.groupby("importer")["value"].transform("sum")
    pair["share"] = np.where(total > 0, pair["value"] / total.where(total > 0, 1) * 100, 0.0)
    pair["sq"] = pair["share"] ** 2
    top = pair.sort_values(["importer", "value", "exporter"], ascending=[True, False, True])
    top = top.drop_duplicates("importer").set_index("importer")
    out = pair.groupby("importer").agg(imports_kusd=("value", "sum"), hhi=("sq", "sum"))
    out["top_exporter"] = top["exporter"]
    out["top_share"] = top["share"]
    if controls is not None and hs_codes is not None:
        out["controlled_share"] = _controlled_by_importer(frame, controls, hs_codes, hs, out.index)
    out = out.reset_index().sort_values(["imports_kusd", "importer"], ascending=[False, True])
    return out.reset_index(drop=True)


def _controlled_by_importer(
    frame: pd.DataFrame,
    controls: pd.DataFrame,
    hs_codes: pd.DataFrame,
    hs: Sequence[str],
    importers: pd.Index,
) -> np.ndarray:
    """Controlled share per importer: controls on all destinations for everyone, plus targeted
    controls for the importers they name."""
    world = controlled_pairs(controls, hs_codes, hs, None)
    key = frame["exporter"] + "|" + frame["hs"]
    hit = np.array(key.isin(world["exporter"] + "|" + world["hs"]), dtype=bool)
    targeted = controls[~controls["all_destinations"].to_numpy(dtype=bool)]
    for importer in sorted({d for ds in targeted["destinations"] for d in ds} & set(importers)):
        mine = controlled_pairs(targeted, hs_codes, hs, importer)
        rows = (frame["importer"] == importer).to_numpy()
        hit[rows] |= key[rows].isin(mine["exporter"] + "|" + mine["hs"]).to_numpy()
    controlled = pd.Series(np.where(hit, frame["value"], 0.0)).groupby(frame["importer"]).sum()
    total = frame.groupby("importer")["value"].sum()
    share = (controlled / total.where(total > 0) * 100).fillna(0.0).clip(upper=100.0)
    return share.reindex(importers).to_numpy()


def importer_minerals(
    trade: pd.DataFrame, hs_codes: pd.DataFrame, importer: str, year: int, pairs: pd.DataFrame
) -> pd.DataFrame:
    """One importer, one year, every mineral at once: what :func:`dependency` gives per mineral.

    Per mineral ``m`` (its products summed): ``imports_kusd``, ``hhi`` on the exporters' shares
    of value, ``controlled_share`` (flows whose (exporter, product) is in ``pairs``),
    ``controls`` (number of measures counted) and ``sources`` (exporter -> share, largest first).
    Minerals the importer did not buy are left out.

    >>> t = pd.DataFrame({"year": 2024, "importer": "JPN", "hs": ["260400", "260400", "282200"],
    ...     "exporter": ["NCL", "PHL", "COD"], "value": [60.0, 40.0, 5.0], "quantity": 1.0})
    >>> codes = pd.DataFrame({"hs": ["260400", "282200"], "mineral": ["nickel", "cobalt"]})
    >>> pairs = pd.DataFrame({"exporter": ["COD"], "hs": ["282200"], "event_id": ["cod-ban"]})
    >>> out = importer_minerals(t, codes, "JPN", 2024, pairs)
    >>> out[["mineral", "hhi", "controlled_share", "controls"]].values.tolist()
    [['cobalt', 10000.0, 100.0, 1], ['nickel', 5200.0, 0.0, 0]]
    """
    rows = trade[(trade["importer"] == importer).to_numpy() & (trade["year"].to_numpy() == year)]
    to_mineral = dict(zip(hs_codes["hs"].astype(str), hs_codes["mineral"].astype(str), strict=True))
    hs = rows["hs"].astype(str).to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "mineral": pd.Series(hs, dtype=object).map(to_mineral).to_numpy(dtype=object),
            "exporter": rows["exporter"].astype(str).to_numpy(dtype=object),
            "key": rows["exporter"].astype(str).to_numpy(dtype=object) + "|" + hs,
            "value": rows["value"].to_numpy(dtype=float),
        }
    ).dropna(subset=["mineral"])
    columns = ["mineral", "imports_kusd", "hhi", "controlled_share", "controls", "sources"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    keys = (pairs["exporter"].astype(str) + "|" + pairs["hs"].astype(str)).to_numpy(dtype=object)
    frame["hit"] = np.isin(frame["key"].to_numpy(dtype=object), keys)
    frame["controlled"] = np.where(frame["hit"], frame["value"], 0.0)
    per = frame.groupby("mineral", sort=True).agg(
        imports_kusd=("value", "sum"), controlled=("controlled", "sum")
    )
    by = frame.groupby(["mineral", "exporter"], sort=True)["value"].sum().reset_index()
    by["share"] = by["value"] / by["mineral"].map(per["imports_kusd"]).where(lambda v: v > 0) * 100
    by = by.sort_values(["mineral", "value", "exporter"], ascending=[True, False, True])
    per["hhi"] = (by.assign(sq=by["share"] ** 2).groupby("mineral")["sq"].sum()).reindex(per.index)
    per["controlled_share"] = (
        (per["controlled"] / per["imports_kusd"].where(per["imports_kusd"] > 0) * 100)
        .fillna(0.0)
        .clip(upper=100.0)
    )
    event_of = pd.Series(pairs["event_id"].astype(str).to_numpy(), index=keys)
    used = frame[frame["hit"]]
    counted = {m: len(set(event_of.loc[list(set(k))])) for m, k in used.groupby("mineral")["key"]}
    per["controls"] = [counted.get(m, 0) for m in per.index]
    sources: list[dict[str, float]] = [
        dict(zip(part["exporter"], part["share"], strict=True))
        for _, part in by.groupby("mineral", sort=True)
    ]
    per["sources"] = pd.Series(sources, index=per.index, dtype=object)
    per = per[per["imports_kusd"] > 0]
    return per.reset_index()[columns]


# --------------------------------------------------------------------------- world side


def export_shares(trade: pd.DataFrame, hs: Sequence[str]) -> pd.DataFrame:
    """World exports of ``hs`` by exporter and year, with each exporter's share of the year.

    ``share(e, y) = 100 × Σ_i value(e, i, y) / Σ_e Σ_i value(e, i, y)`` (products summed).
    Columns: ``year``, ``exporter``, ``value`` (kUSD), ``share``.

    >>> t = pd.DataFrame({"year": [2013, 2013, 2014], "hs": "260400",
    ...     "exporter": ["IDN", "PHL", "PHL"], "importer": "CHN", "value": [70.0, 30.0, 50.0],
    ...     "quantity": 1.0})
    >>> export_shares(t, ["260400"])[["year", "exporter", "share"]].values.tolist()
    [[2013, 'IDN', 70.0], [2013, 'PHL', 30.0], [2014, 'PHL', 100.0]]
    """
    rows = flows(trade, hs)
    frame = pd.DataFrame(
        {
            "year": rows["year"].to_numpy(dtype=np.int64),
            "exporter": rows["exporter"].astype(str).to_numpy(),
            "value": rows["value"].to_numpy(dtype=float),
        }
    )
    out = frame.groupby(["year", "exporter"], sort=True)["value"].sum().reset_index()
    total = out.groupby("year")["value"].transform("sum")
    out["share"] = np.where(total > 0, out["value"] / total.where(total > 0, 1) * 100, 0.0)
    return out


def trade_exposure(
    trade: pd.DataFrame,
    hs_codes: pd.DataFrame,
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    blocs: pd.DataFrame,
    dates: Iterable[pd.Timestamp],
    index: EventIndex | None = None,
    mineral_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Share of world exports behind an export control in force, per mineral, stage and date.

    ``exposure(m, s, d) = Σ share(e, y(d))`` over exporters ``e`` with a control on mineral ``m``
    in force on ``d`` (targeted controls included; ``exposure_all`` counts only controls on all
    destinations), where ``share`` is the export share of the products of (m, s) in year
    ``y(d) = year of d`` clipped to the trade years: each year's own shares; after the last trade
    year (2024) its shares are held (before the first, 1995, the first year's), and
    ``share_year`` says which year was used. Columns:
    ``mineral``, ``stage``, ``date``, ``share_year``, ``exposure``, ``exposure_all``,
    ``data_basis`` (``trade``; production-basis rows say ``production``).

    >>> t = pd.DataFrame({"year": [2013, 2013, 2014, 2014], "hs": "260400",
    ...     "exporter": ["IDN", "PHL", "IDN", "PHL"], "importer": "CHN",
    ...     "value": [70.0, 30.0, 10.0, 40.0], "quantity": 1.0})
    >>> codes = pd.DataFrame({"hs": ["260400"], "mineral": ["ni"], "stage": ["ore/concentrate"]})
    >>> ev = pd.DataFrame({"event_id": ["ban"], "event_type": ["control_ore_ban"],
    ...     "actor": ["IDN"], "counterparts": ["ALL"], "minerals": ["ni"], "relates_to": [None],
    ...     "announced": pd.to_datetime(["2009-01-12"]), "effective": pd.to_datetime(["2014-01-12"]),
    ...     "ends": pd.NaT})
    >>> types = pd.DataFrame({"event_type": ["control_ore_ban"], "category": ["control"], "effect": [None]})
    >>> mins = pd.DataFrame({"mineral_id": ["ni"], "parent": [None]})
    >>> blocs = pd.DataFrame({"code": [], "members": []})
    >>> days = pd.to_datetime(["2013-06-01", "2014-06-01", "2025-06-01"])
    >>> out = trade_exposure(t, codes, ev, types, mins, blocs, days)
    >>> out["share_year"].tolist(), out["exposure"].tolist()
    ([2013, 2014, 2014], [0.0, 20.0, 20.0])
    """
    days = pd.DatetimeIndex(sorted({pd.Timestamp(d) for d in dates}))
    columns = ["mineral", "stage", "date", "share_year", "exposure", "exposure_all", "data_basis"]
    table = (
        hs_codes if mineral_ids is None else hs_codes[hs_codes["mineral"].isin(list(mineral_ids))]
    )
    if table.empty or len(days) == 0:
        return pd.DataFrame(columns=columns)
    years = trade["year"].to_numpy()
    first_year, last_year = int(years.min()), int(years.max())
    share_year = np.clip(days.year.to_numpy(), first_year, last_year)
    ix = EventIndex.build(events, event_types) if index is None else index
    ctl = controls_in_force(events, event_types, minerals, days, ix)
    ctl = ctl[ctl["mineral"].isin(set(table["mineral"]))]
    parts = []
    for (mineral, stage), group in table.groupby(["mineral", "stage"], sort=True):
        sh = export_shares(trade, list(group["hs"].astype(str)))
        lookup = sh.set_index(["year", "exporter"])["share"]
        on = ctl[ctl["mineral"] == mineral]
        if stage != ORE_STAGE:
            on = on[~on["event_type"].isin(ORE_ONLY_TYPES)]
        exposure = np.zeros(len(days))
        exposure_all = np.zeros(len(days))
        if not on.empty:
            on = on.drop_duplicates(["date", "actor", "all_destinations"])
            col = days.get_indexer(pd.DatetimeIndex(on["date"]))
            at = pd.MultiIndex.from_arrays([share_year[col], on["actor"].astype(str).to_numpy()])
            weight = lookup.reindex(at).fillna(0.0).to_numpy()
            # One exporter counts once per date, whatever the number of measures.
            best = pd.DataFrame({"col": col, "actor": on["actor"].to_numpy(), "w": weight,
                                 "all": on["all_destinations"].to_numpy(dtype=bool)})  # fmt: skip
            any_ctl = best.drop_duplicates(["col", "actor"])
            np.add.at(exposure, any_ctl["col"].to_numpy(), any_ctl["w"].to_numpy())
            all_ctl = best[best["all"]].drop_duplicates(["col", "actor"])
            np.add.at(exposure_all, all_ctl["col"].to_numpy(), all_ctl["w"].to_numpy())
        parts.append(
            pd.DataFrame(
                {
                    "mineral": mineral,
                    "stage": stage,
                    "date": days,
                    "share_year": share_year,
                    "exposure": np.minimum(exposure, 100.0),
                    "exposure_all": np.minimum(exposure_all, 100.0),
                    "data_basis": TRADE_BASIS,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[columns]

"""Risk metrics over the loader's DataFrames. Pure functions: DataFrames in, DataFrames out.

Every public function states its formula; ``docs/methodology.md`` has a section for each (a test
checks that). Shares are percentages (0..100); HHI is on the 0..10 000 scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.arrays import (
    inner_join,
    is_in,
    names_any,
    ns_to_dates,
    pair_labels,
    positions,
    to_ns,
)
from analysis.filters import acts, mineral_family
from analysis.status import ACTIVE_CODE, RELAXED_CODE, EventIndex

AGGREGATES = ("WLD", "OTHER")
ROUNDING_TOLERANCE = 1.05
TRADE_PARAMETER = {
    "control_tax": 1.1,
    "control_licensing": 1.1,
    "control_quota": 1.3,
    "control_ban": 1.5,
    "control_ore_ban": 1.5,
    "control_tech_ban": 1.1,
}
GROUP_KEY = ["mineral", "stage", "measure", "basis", "year"]
SCENARIO_ASSUMPTIONS = (
    "Supply lost is the cutting country's share of world production (USGS figures for the year of "
    "the start date, or the latest year held before it) times the cut; its own consumption is not "
    "netted out. The offset is the whole output of the importer's deal partners at that stage in "
    "the same year: an upper bound on what could be redirected, not spare capacity."
)


def shares(production: pd.DataFrame) -> pd.DataFrame:
    """Each country's share of world production per mineral, stage, basis and year.

    ``share = 100 * q_country / D`` where ``D`` is the published world total (``WLD``) when the
    listed rows (countries and ``OTHER``) add up to no more than 5 % above it (USGS rounds world
    totals), and the sum of the listed rows otherwise (or when no world total is published).
    Shares are capped at 100. ``OTHER`` rows get a share but are not a country. Rows without a
    quantity (withheld ``W`` or ``NA``) are left out.

    >>> prod = pd.DataFrame({"mineral": "ga", "stage": "refinery", "measure": "production",
    ...     "basis": "b", "year": 2024, "country": ["CHN", "JPN", "WLD"],
    ...     "quantity": [750000.0, 3000.0, 760000.0]})
    >>> shares(prod)[["country", "share"]].round(2).values.tolist()
    [['CHN', 98.68], ['JPN', 0.39]]
    """
    cols = [c for c in [*GROUP_KEY, "country", "quantity", "unit"] if c in production.columns]
    prod = production[cols]  # only the columns used: row selections then copy less
    prod = prod[prod["quantity"].notna()]
    group = prod.groupby(GROUP_KEY, sort=True).ngroup().to_numpy()  # -1 where a key is missing
    quantity = prod["quantity"].to_numpy(dtype=float, na_value=np.nan)
    world_row = prod["country"].eq("WLD").fillna(False).to_numpy(dtype=bool)
    n = int(group.max()) + 1 if len(group) else 0
    is_world = world_row & (group >= 0)
    is_part = ~world_row & (group >= 0)
    world = np.full(n, np.nan)
    np.fmax.at(world, group[is_world], quantity[is_world])
    listed = np.bincount(group[is_part], weights=quantity[is_part], minlength=n)
    with np.errstate(invalid="ignore"):
        use_world = ~np.isnan(world) & (listed <= world * ROUNDING_TOLERANCE)
    denominator = np.where(use_world, world, listed)
    rows = np.flatnonzero(is_part)
    rows = rows[denominator[group[rows]] > 0]
    g = group[rows]
    share = np.minimum(100 * quantity[rows] / denominator[g], 100.0)
    order = np.lexsort((-share, g))  # by group key, then largest share first (stable on ties)
    out = prod.iloc[rows[order]].reset_index(drop=True)
    out["country"] = out["country"].astype(str)
    out["quantity"] = quantity[rows[order]]
    out["share"] = share[order]
    out["denominator"] = denominator[g[order]]
    out["denominator_basis"] = np.where(use_world[g[order]], "world total", "sum of listed rows")
    return out


def concentration(production: pd.DataFrame) -> pd.DataFrame:
    """Herfindahl-Hirschman index, top-1 and top-3 shares per mineral, stage, basis and year.

    ``HHI = sum over countries of share_c ** 2`` (shares in %, so 0..10 000), with ``OTHER`` in
    the denominator (through the world total) but not in the squares, since it is not one
    producer. ``top1`` is the largest country share, ``top3`` the sum of the three largest
    (capped at 100); ``top1_country`` names the largest producer.

    >>> prod = pd.DataFrame({"mineral": "ree", "stage": "mine", "measure": "production",
    ...     "basis": "reo", "year": 2024, "country": ["CHN", "USA", "OTHER", "WLD"],
    ...     "quantity": [270.0, 45.0, 75.0, 390.0]})
    >>> concentration(prod)[["hhi", "top1", "top1_country", "top3"]].round(1).values.tolist()
    [[4926.0, 69.2, 'CHN', 80.8]]
    """
    sh = shares(production)
    countries = sh[~sh["country"].isin(AGGREGATES)].reset_index(drop=True)
    cols = [*GROUP_KEY, "hhi", "top1", "producers", "top3", "top1_country", "denominator_basis"]
    if countries.empty:
        return pd.DataFrame(columns=cols)
    # Rows come sorted by group, largest share first: a group's first row is its largest producer.
    group = countries.groupby(GROUP_KEY, sort=False).ngroup().to_numpy()
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    rank = np.arange(len(group)) - first[group]
    share = countries["share"].to_numpy(dtype=float)
    n = len(first)
    country = pd.factorize(countries["country"])[0]
    pairs = np.unique(group.astype(np.int64) * (country.max() + 1) + country)
    out = countries.iloc[first][[*GROUP_KEY, "country", "share", "denominator_basis"]]
    out = out.rename(columns={"country": "top1_country", "share": "top1"}).reset_index(drop=True)
    out["hhi"] = np.minimum(np.bincount(group, weights=share**2, minlength=n), 10_000)
    out["producers"] = np.bincount(pairs // (country.max() + 1), minlength=n)
    out["top3"] = np.minimum(
        np.bincount(group[rank < 3], weights=share[rank < 3], minlength=n), 100
    )
    return out[cols]


class BasisError(ValueError):
    """A (mineral, stage) has several bases and none was chosen (no default listed)."""


def default_bases(production: pd.DataFrame, bases: pd.DataFrame | None = None) -> pd.DataFrame:
    """The basis used for each (mineral, stage): its only basis, or the listed default.

    ``bases`` is the production_bases table (``mineral, stage, basis, label, is_default``). A
    (mineral, stage) with several bases in ``production`` and no default in ``bases`` raises
    :class:`BasisError`: no metric picks a basis silently. Columns: ``mineral``, ``stage``,
    ``basis``, ``label`` (the basis as titles name it), ``multi`` (several bases exist).

    >>> prod = pd.DataFrame({"mineral": ["si", "si", "ga"], "stage": ["plant", "plant", "refinery"],
    ...     "basis": ["silicon metal", "ferrosilicon", "primary"]})
    >>> tab = pd.DataFrame({"mineral": ["si", "si"], "stage": ["plant", "plant"],
    ...     "basis": ["silicon metal", "ferrosilicon"], "label": ["silicon metal", "ferrosilicon"],
    ...     "is_default": [True, False]})
    >>> default_bases(prod, tab)[["mineral", "basis", "multi"]].values.tolist()
    [['ga', 'primary', False], ['si', 'silicon metal', True]]
    """
    if "measure" in production:
        production = production[production["measure"] == "production"]
    groups = production[["mineral", "stage", "basis"]].drop_duplicates()
    count = groups.groupby(["mineral", "stage"])["basis"].transform("size")
    single = groups[count == 1].assign(label=lambda d: d["basis"], multi=False)
    multi = groups[count > 1][["mineral", "stage"]].drop_duplicates()
    if multi.empty:
        chosen = single.iloc[0:0]
    else:
        if bases is None:
            bases = pd.DataFrame(columns=["mineral", "stage", "basis", "label", "is_default"])
        listed = bases[bases["is_default"].astype(bool)][["mineral", "stage", "basis", "label"]]
        chosen = multi.merge(listed, on=["mineral", "stage"], how="left")
        missing = chosen[chosen["basis"].isna()]
        if len(missing):
            names = ", ".join(f"{r.mineral} {r.stage}" for r in missing.itertuples())
            raise BasisError(f"several bases and no default listed in production_bases: {names}")
        chosen = chosen.assign(multi=True)
    out = pd.concat([single, chosen], ignore_index=True)
    return out.sort_values(["mineral", "stage"]).reset_index(drop=True)[
        ["mineral", "stage", "basis", "label", "multi"]
    ]


def basis_label(bases: pd.DataFrame | None, mineral: str, stage: str, basis: str) -> str:
    """How titles name a basis: the production_bases label, else the basis itself."""
    if bases is not None and len(bases):
        hit = bases[
            (bases["mineral"] == mineral) & (bases["stage"] == stage) & (bases["basis"] == basis)
        ]
        if len(hit):
            return str(hit["label"].iloc[0])
    return basis


def share_year(held: Iterable[int], wanted: int) -> int:
    """The production year whose shares describe ``wanted``: the latest held year not after it,
    or the first year held when ``wanted`` is earlier than every year held.

    >>> share_year([2021, 2022, 2025], 2024), share_year([2021, 2022], 2015), share_year([2021], 2030)
    (2022, 2021, 2021)
    """
    years = sorted(int(y) for y in held)
    if not years:
        raise KeyError("no production year held")
    before = [y for y in years if y <= wanted]
    return before[-1] if before else years[0]


def on_default_basis(
    production: pd.DataFrame, bases: pd.DataFrame | None = None, chosen: dict | None = None
) -> pd.DataFrame:
    """Production rows of each (mineral, stage)'s basis: ``chosen[(mineral, stage)]`` or the default.

    Rows of another measure (capacity) are kept as they are: they never share a group with
    production rows.
    """
    picks = default_bases(production, bases)
    for (m, st), b in (chosen or {}).items():
        picks.loc[(picks["mineral"] == m) & (picks["stage"] == st), "basis"] = b
    if "measure" in production:
        other = production[production["measure"] != "production"]
        production = production[production["measure"] == "production"]
    else:
        other = production.iloc[0:0]
    kept = production.reset_index().merge(
        picks[["mineral", "stage", "basis"]], on=["mineral", "stage", "basis"]
    )
    kept = kept.set_index("index").rename_axis(None)
    return pd.concat([kept, other]).sort_index()


def concentration_for(
    production: pd.DataFrame,
    mineral: str,
    stage: str,
    year: int,
    basis: str | None = None,
    bases: pd.DataFrame | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """One mineral, stage, basis and year: its concentration row and its country shares.

    ``basis`` defaults to the stage's only basis or, for a stage with several (silicon metal and
    ferrosilicon, ilmenite and rutile, ...), the default listed in ``bases`` (production_bases).
    The concentration row also carries ``basis_label``, ``multi_basis`` and ``edition`` (the USGS
    edition the year's figures come from). Raises ``KeyError`` when there is no such combination
    and :class:`BasisError` when a basis is needed and none is listed.
    """
    rows = production[(production["mineral"] == mineral) & (production["stage"] == stage)]
    if rows.empty:
        raise KeyError((mineral, stage))
    pick = default_bases(rows, bases).iloc[0]
    chosen = basis or str(pick["basis"])
    rows = rows[(rows["basis"] == chosen) & (rows["year"] == year)]
    conc = concentration(rows[rows["measure"] == "production"] if "measure" in rows else rows)
    if conc.empty:
        raise KeyError((mineral, stage, chosen, year))
    sh = shares(rows)
    sh = sh[sh["measure"] == "production"] if "measure" in sh else sh
    summary = conc.iloc[0].copy()
    summary["basis_label"] = basis_label(bases, mineral, stage, chosen)
    summary["multi_basis"] = bool(pick["multi"])
    if "edition" in rows:
        summary["edition"] = ";".join(sorted(set(rows["edition"].dropna())))
    return summary, sh.reset_index(drop=True)


def controls_in_force(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    dates: Iterable[pd.Timestamp],
    index: EventIndex | None = None,
    status: str = "in force",
) -> pd.DataFrame:
    """Export controls in force on each date, one row per (date, measure, actor, mineral).

    Status is taken per (measure, mineral): a measure counts for a mineral only where its status
    *for that mineral* is ``in force`` (a measure relaxed or suspended for nickel but in force for
    tin counts for tin only). ``status="relaxed"`` lists the relaxed ones instead. A control on a
    group (``rare_earths``) counts for every member, and a control on a member (``terbium``)
    counts for its group. Columns: ``date``, ``event_id``, ``actor``, ``mineral``,
    ``event_type``, ``all_destinations``.
    """
    ix = EventIndex.build(events, event_types) if index is None else index
    days = ix.days(dates)
    want = RELAXED_CODE if status == "relaxed" else ACTIVE_CODE
    units = ix.mineral_units()
    unit = np.repeat(units, len(days))
    day = np.tile(days, len(units))
    on = ix.unit_status_codes(unit, day) == want
    unit, day = unit[on], day[on]
    row, mineral = _family_rows(ix.unit_item[unit], minerals)
    pos = ix.unit_measure[unit[row]]
    pick = events[["actor", "event_type", "counterparts"]].iloc[pos].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "date": ns_to_dates(day[row]),
            "event_id": ix.ids[pos],
            "actor": pick["actor"],
            "mineral": mineral,
            "event_type": pick["event_type"],
            "all_destinations": pick["counterparts"].eq("ALL").fillna(False).to_numpy(dtype=bool),
        }
    )
    # A measure listing a group and a member reaches some minerals twice: once is enough.
    return out.drop_duplicates(["date", "event_id", "mineral"]).reset_index(drop=True)


def _family_rows(listed: np.ndarray, minerals: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers and mineral ids for each ``;``-separated list, with groups and members added.

    A row naming ``terbium`` also gets ``rare_earths`` (its group), and one naming
    ``rare_earths`` gets every member; each (row, mineral) comes once. Lists repeat across rows,
    so each distinct list is expanded once and rows are joined to it by integer code.
    """
    code, distinct = pd.factorize(pd.Series(listed, dtype=object))
    parent = {
        m: p for m, p in zip(minerals["mineral_id"], minerals["parent"], strict=True) if pd.notna(p)
    }
    members: dict[str, list[str]] = {}
    for m, p in parent.items():
        members.setdefault(p, []).append(m)
    owner, mineral = [], []
    for k, text in enumerate(distinct):  # a few hundred distinct lists at most, not one per event
        named = [m for m in str(text).split(";") if m]
        ups = [parent[m] for m in named if m in parent]
        downs = [c for m in named for c in members.get(m, [])]
        family = list(dict.fromkeys(named + ups + downs))
        owner += [k] * len(family)
        mineral += family
    row, j = inner_join(code, np.asarray(owner, dtype=np.int64))
    return row, np.asarray(mineral, dtype=object)[j]


def exposure(
    production: pd.DataFrame,
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    dates: Iterable[pd.Timestamp],
    year: int | None = None,
    with_controls: bool = True,
    index: EventIndex | None = None,
    bases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of world production behind an export control in force, per mineral, stage and date.

    ``exposure = sum of share_c over producing countries c with a control on the mineral in force
    on the date``, with the shares of the year the date falls in (``share_year``: the latest
    production year held up to it, or the first year held for earlier dates), or of ``year``
    for every date when given. Each (mineral, stage) uses one basis: its only one or its default
    in ``bases`` (see :func:`default_bases`). ``exposure_all`` counts only controls on all
    destinations; ``exposure`` counts targeted ones too. Status is per (measure, mineral), and a
    *relaxed* measure (an exemption, general licence or quota lets exports through while it
    stands) does not count as blocking: its share is reported apart, as ``exposure_relaxed``
    (share of producers with a relaxed control on the mineral and none in force). Columns:
    ``mineral``, ``stage``, ``basis``, ``date``, ``share_year``, ``exposure``, ``exposure_all``,
    ``exposure_relaxed`` and, unless ``with_controls`` is false (long time series), ``controls``
    (the measures counted).

    >>> prod = pd.DataFrame({"mineral": "ga", "stage": "refinery", "measure": "production",
    ...     "basis": "b", "year": 2024, "country": ["CHN", "JPN", "WLD"],
    ...     "quantity": [750.0, 3.0, 760.0]})
    >>> ev = pd.DataFrame({"event_id": ["lic"], "event_type": ["control_licensing"], "actor": ["CHN"],
    ...     "counterparts": ["ALL"], "minerals": ["ga"], "relates_to": [None],
    ...     "announced": pd.to_datetime(["2023-07-03"]), "effective": pd.to_datetime(["2023-08-01"]),
    ...     "ends": pd.NaT})
    >>> types = pd.DataFrame({"event_type": ["control_licensing"], "category": ["control"], "effect": [None]})
    >>> mins = pd.DataFrame({"mineral_id": ["ga"], "parent": [None]})
    >>> out = exposure(prod, ev, types, mins, pd.to_datetime(["2023-07-15", "2023-09-01"]))
    >>> out["exposure"].round(1).tolist(), out["share_year"].tolist()
    ([0.0, 98.7], [2024, 2024])
    """
    days = EventIndex.days(dates)
    sh = _basis_shares(production, bases)
    columns = [
        "mineral",
        "stage",
        "basis",
        "date",
        "share_year",
        "exposure",
        "exposure_all",
        "exposure_relaxed",
    ]
    if sh.empty or len(days) == 0:
        return pd.DataFrame(columns=columns + (["controls"] if with_controls else []))
    # Each producing (country, mineral) pair is a key; controls are matched to keys by label.
    key, labels = pd.factorize(pair_labels(sh["country"], sh["mineral"]))
    sh = sh.assign(key=key)
    if with_controls:
        ctl = controls_in_force(events, event_types, minerals, dates, index)
        hits = ctl.assign(key=positions(pair_labels(ctl["actor"], ctl["mineral"]), labels))
        hits = hits[hits["key"] >= 0]
        col = np.searchsorted(days, to_ns(hits["date"]))
        on = np.zeros((len(labels), len(days)), dtype=bool)
        on_all = np.zeros_like(on)
        on[hits["key"].to_numpy(), col] = True
        alld = hits["all_destinations"].to_numpy(dtype=bool)
        on_all[hits["key"].to_numpy()[alld], col[alld]] = True
    else:
        on, on_all = _in_force_matrix(events, event_types, minerals, labels, days, index)
    relaxed, _ = _in_force_matrix(events, event_types, minerals, labels, days, index, RELAXED_CODE)
    relaxed &= ~on
    # One weight row per (mineral, stage, year); each date then reads the row of its share year.
    groups = sh[["mineral", "stage", "basis", "year"]].drop_duplicates()
    groups = groups.sort_values(["mineral", "stage", "year"]).reset_index(drop=True)
    groups = groups.assign(group=np.arange(len(groups)))
    sh = sh.merge(groups[["mineral", "stage", "year", "group"]], on=["mineral", "stage", "year"])
    weights = np.zeros((len(groups), len(labels)))
    np.add.at(weights, (sh["group"], sh["key"]), sh["share"].to_numpy(dtype=float))
    value = np.minimum(weights @ on, 100.0)
    value_all = np.minimum(weights @ on_all, 100.0)
    value_relaxed = np.minimum(weights @ relaxed, 100.0)
    day_years = pd.DatetimeIndex(ns_to_dates(days)).year.to_numpy()
    pairs = groups.groupby(["mineral", "stage"], sort=True)
    pick_rows, pick_cols = [], []
    for _, part in pairs:
        held = part["year"].to_numpy(dtype=int)
        wanted = np.full(len(days), year) if year is not None else day_years
        # latest held year <= wanted, else the first held year
        at = np.searchsorted(held, wanted, side="right") - 1
        at = np.where(at < 0, 0, at)
        pick_rows.append(part["group"].to_numpy()[at])
        pick_cols.append(np.arange(len(days)))
    g = np.concatenate(pick_rows)
    c = np.concatenate(pick_cols)
    out = pd.DataFrame(
        {
            "mineral": groups["mineral"].to_numpy(dtype=object)[g],
            "stage": groups["stage"].to_numpy(dtype=object)[g],
            "basis": groups["basis"].to_numpy(dtype=object)[g],
            "date": ns_to_dates(days[c]),
            "share_year": groups["year"].to_numpy(dtype=int)[g],
            "exposure": value[g, c],
            "exposure_all": value_all[g, c],
            "exposure_relaxed": value_relaxed[g, c],
        }
    )
    if with_controls:
        # The measures counted: controls in force whose (actor, mineral) has a share at the stage.
        named = hits[["key", "date", "event_id"]].merge(sh[["key", "group"]], on="key")
        named = named.drop_duplicates(["group", "date", "event_id"]).sort_values("event_id")
        names = named.groupby(["group", "date"])["event_id"].agg(";".join)
        at = pd.MultiIndex.from_arrays([g, out["date"]], names=["group", "date"])
        out["controls"] = names.reindex(at).fillna("").to_numpy(dtype=object)
    return out


def _rows_of_share_year(sh: pd.DataFrame, wanted: int) -> pd.DataFrame:
    """Rows of each (mineral, stage)'s :func:`share_year` for ``wanted`` (vectorised)."""
    if sh.empty:
        return sh
    keys = [sh["mineral"], sh["stage"]]
    before = sh["year"].where(sh["year"] <= wanted)
    best = before.groupby(keys).transform("max")
    first = sh["year"].groupby(keys).transform("min")
    return sh[sh["year"] == best.fillna(first)]


def _basis_shares(production: pd.DataFrame, bases: pd.DataFrame | None) -> pd.DataFrame:
    """Country shares of every year's production, on each (mineral, stage)'s one basis."""
    prod = production[[c for c in [*GROUP_KEY, "country", "quantity", "unit"] if c in production]]
    prod = prod[prod["measure"] == "production"]
    prod = on_default_basis(prod, bases)
    sh = shares(prod)
    return sh[~sh["country"].isin(AGGREGATES)]


def _in_force_matrix(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    labels: pd.Index,
    days: np.ndarray,
    index: EventIndex | None = None,
    code: int = ACTIVE_CODE,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each ``country|mineral`` label has a control in force on each of the sorted ``days``.

    Built from each measure's in-force spans with a difference array over the days, so the cost
    grows with spans + days rather than with their product. The second matrix counts only
    controls on all destinations. Spans are per (measure, mineral); ``code`` picks the status
    counted (in force by default, or relaxed).
    """
    ix = EventIndex.build(events, event_types) if index is None else index
    unit, codes, start, end = ix.unit_spans(pd.Timestamp(int(days[-1])) + pd.Timedelta(days=1))
    on = (codes == code) & (ix.unit_kind[unit] == 0)
    unit, start, end = unit[on], start[on], end[on]
    row, mineral = _family_rows(ix.unit_item[unit], minerals)
    pos = ix.unit_measure[unit[row]]
    key = positions(pair_labels(events["actor"].to_numpy(dtype=object)[pos], mineral), labels)
    hit = key >= 0
    key, row, pos = key[hit], row[hit], pos[hit]
    alld = events["counterparts"].eq("ALL").fillna(False).to_numpy(dtype=bool)[pos]
    n = len(days)
    first = np.searchsorted(days, start[row], side="left")
    past = np.searchsorted(days, end[row], side="left")
    matrices = []
    for pick in (np.ones(len(key), dtype=bool), alld):
        diff = np.zeros((len(labels), n + 1), dtype=np.int32)
        np.add.at(diff, (key[pick], first[pick]), 1)
        np.add.at(diff, (key[pick], past[pick]), -1)
        matrices.append(np.cumsum(diff, axis=1)[:, :n] > 0)
    return matrices[0], matrices[1]


def monthly_dates(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    """First day of every month from ``start`` to ``end``, plus ``end`` itself."""
    months = pd.date_range(pd.Timestamp(start).replace(day=1), pd.Timestamp(end), freq="MS")
    return months.union(pd.DatetimeIndex([pd.Timestamp(end)]))


def governance_risk(
    production: pd.DataFrame,
    countries: pd.DataFrame,
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    eu: pd.DataFrame,
    as_of: pd.Timestamp,
    year: int | None = None,
    index: EventIndex | None = None,
    bases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Governance-weighted concentration and a supply-risk score after the EU 2017 method.

    ``HHI_WGI,t = sum_c s_c**2 * WGI_c * t_c`` with ``s_c`` the share as a fraction, ``WGI_c``
    the country's WGI mean rescaled to 0..10 (10 weakest; countries without WGI take 5, the
    midpoint) and ``t_c`` the trade parameter: 1.0, or for a country with an export control in
    force on the mineral on ``as_of`` the value of its strictest control (tax or licensing 1.1,
    quota 1.3, ban or raw-ore ban 1.5; within the EU's 1.1..1.5 range).
    ``SR = HHI_WGI,t * (1 - EoL_RIR) * SI_SR`` using the EU 2023 end-of-life recycling input
    rate and substitution index for the material when mapped (1 and 0 otherwise). The EU's
    weighting of global against EU sourcing (import reliance) is not applied: only global supply
    is known here. Computed per stage on its one basis (see :func:`default_bases`), with the
    shares of ``year`` or, by default, of the year ``as_of`` falls in (:func:`share_year`: the
    latest year held up to it, else the first held); ``share_year`` says which.
    ``bottleneck`` marks the stage with the higher value.
    """
    as_of = pd.Timestamp(as_of)
    sh = _basis_shares(production, bases)
    sh = _rows_of_share_year(sh, as_of.year if year is None else year)
    wgi = countries.set_index("iso3")["wgi_scaled"].astype(float)
    sh = sh.assign(wgi=sh["country"].map(wgi).fillna(5.0))
    ctl = controls_in_force(events, event_types, minerals, [as_of], index)
    ctl = ctl.assign(t=ctl["event_type"].map(TRADE_PARAMETER).fillna(1.0))
    t = (
        ctl.groupby(["actor", "mineral"])["t"]
        .max()
        .rename("t")
        .reset_index()
        .rename(columns={"actor": "country"})
    )
    sh = sh.merge(t, on=["country", "mineral"], how="left").fillna({"t": 1.0})
    sh["term"] = (sh["share"] / 100) ** 2 * sh["wgi"] * sh["t"]
    sh["term_no_t"] = (sh["share"] / 100) ** 2 * sh["wgi"]
    out = (
        sh.groupby(["mineral", "stage", "basis"])
        .agg(hhi_wgi_t=("term", "sum"), hhi_wgi=("term_no_t", "sum"), share_year=("year", "first"))
        .reset_index()
    )
    eu_by_mineral = eu.dropna(subset=["mineral"]).drop_duplicates("mineral").set_index("mineral")
    eol = out["mineral"].map(eu_by_mineral["eol_rir_pct"]).astype(float).fillna(0) / 100
    si = out["mineral"].map(eu_by_mineral["substitution_sr"]).astype(float).fillna(1.0)
    out["supply_risk"] = out["hhi_wgi_t"] * (1 - eol) * si
    out["eu_2023_supply_risk"] = out["mineral"].map(eu_by_mineral["supply_risk"]).astype(float)
    out["bottleneck"] = out["supply_risk"].eq(
        out.groupby("mineral")["supply_risk"].transform("max")
    )
    return out.sort_values(["mineral", "stage"]).reset_index(drop=True)


def active_deals(
    events: pd.DataFrame, event_types: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Deals announced on or before ``as_of`` and not past their ``ends`` date.

    Overview rows of a grouped signing are left out: their parts are the deals
    (:func:`analysis.filters.acts`).
    """
    as_of = pd.Timestamp(as_of)
    events = acts(events)
    deal_types = event_types.loc[event_types["category"] == "deal", "event_type"]
    live = (events["announced"] <= as_of) & (events["ends"].isna() | (events["ends"] >= as_of))
    return events[is_in(events["event_type"], deal_types) & live.to_numpy(dtype=bool)]


def deal_network(
    events: pd.DataFrame, event_types: pd.DataFrame, blocs: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Countries as nodes and deals as edges (actor to each counterpart), as of a date.

    Edges: ``source``, ``target``, ``event_id``, ``event_type``, ``minerals``, ``announced``,
    ``binding``. A bloc counterpart stays a bloc node. Nodes: ``code``, ``deals`` (number of
    distinct deals), ``partners`` (distinct counterparts), ``minerals`` (ids covered).
    """
    deals = active_deals(events, event_types, as_of)
    edges = deals.assign(target=deals["counterparts"].str.split(";")).explode("target")
    edges = edges[edges["target"] != edges["actor"]].rename(columns={"actor": "source"})
    edges = edges[
        ["source", "target", "event_id", "event_type", "minerals", "announced", "binding"]
    ]
    both = pd.concat(
        [
            edges.rename(columns={"source": "code", "target": "other"}),
            edges.rename(columns={"target": "code", "source": "other"}),
        ]
    )
    nodes = both.groupby("code").agg(
        deals=("event_id", "nunique"),
        partners=("other", "nunique"),
        minerals=(
            "minerals",
            lambda s: ";".join(sorted({m for v in s for m in str(v).split(";")})),
        ),
    )
    return nodes.reset_index().sort_values("deals", ascending=False).reset_index(
        drop=True
    ), edges.reset_index(drop=True)


def importer_dependency(
    imports: pd.DataFrame,
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    minerals: pd.DataFrame,
    blocs: pd.DataFrame,
    as_of: pd.Timestamp,
    importer: str = "USA",
    index: EventIndex | None = None,
) -> pd.DataFrame:
    """Per mineral: net import reliance, ranked sources, and which sources are controlled or partners.

    One row per mineral and import source with ``controlled`` (the source country has an export
    control on the mineral in force on ``as_of``) and ``partner`` (the importer has a deal in
    force with it, directly or through a bloc both are in, announced by ``as_of``). USGS ranks
    sources but does not give their shares, so ``controlled_sources`` and ``partner_sources``
    count sources rather than weigh them.
    """
    as_of = pd.Timestamp(as_of)
    imp = imports[imports["importer"] == importer].copy()
    ctl = controls_in_force(events, event_types, minerals, [as_of], index)
    controlled = pair_labels(ctl["actor"], ctl["mineral"])
    imp["controlled"] = is_in(pair_labels(imp["source_country"], imp["mineral"]), controlled)
    partners = deal_partners(events, event_types, blocs, as_of, importer)
    imp["partner"] = imp["source_country"].isin(partners)
    grouped = imp.groupby("mineral")
    imp["sources"] = grouped["source_rank"].transform("count")
    imp["controlled_sources"] = grouped["controlled"].transform("sum")
    imp["partner_sources"] = grouped["partner"].transform("sum")
    return imp.reset_index(drop=True)


def deal_partners(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    blocs: pd.DataFrame,
    as_of: pd.Timestamp,
    country: str,
) -> set[str]:
    """Countries that ``country`` has a deal in force with on ``as_of`` (blocs expanded)."""
    deals = active_deals(events, event_types, as_of)
    members = blocs.set_index("code")["members"].fillna("").str.split(";").to_dict()
    mine = {country} | {b for b, ms in members.items() if country in ms}
    parties = deals["actor"].fillna("") + ";" + deals["counterparts"].fillna("")
    involved = parties[names_any(parties, mine)].unique()  # distinct party lists: few
    out: set[str] = set()
    for text in involved:
        for p in str(text).split(";"):
            out |= set(members.get(p, [p]))
    return out - {country, "ALL", ""}


def scenario(
    production: pd.DataFrame,
    imports: pd.DataFrame,
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    blocs: pd.DataFrame,
    minerals: pd.DataFrame,
    country: str,
    mineral: str,
    cut_pct: float,
    as_of: pd.Timestamp,
    importer: str = "USA",
    year: int | None = None,
    bases: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """What-if: ``country`` cuts exports of ``mineral`` by ``cut_pct`` % from ``as_of``.

    ``supply_lost = share_country * cut_pct / 100`` of world production at each stage (its
    own consumption is not netted out, so this is an upper bound of what leaves the market).
    ``offset_upper_bound`` is the combined share, at that stage, of the importer's deal partners
    in force on ``as_of`` (other than the cutting country): their whole output, not spare
    capacity, so it bounds what could be redirected from above. ``exposed`` lists importers whose
    ranked import sources include the cutting country (only the U.S. has source data here).
    Shares are those of ``year`` or, by default, of the year of ``as_of`` (:func:`share_year`),
    on each stage's one basis (:func:`default_bases`); ``share_year`` says which year.
    """
    family = mineral_family(minerals, [mineral])
    sh = _basis_shares(production[production["mineral"].isin(family)], bases)
    sh = _rows_of_share_year(sh, pd.Timestamp(as_of).year if year is None else year)
    partners = deal_partners(events, event_types, blocs, pd.Timestamp(as_of), importer) - {country}
    rows = []
    for (m, stage, basis), part in sh.groupby(["mineral", "stage", "basis"]):
        share = float(part.loc[part["country"] == country, "share"].sum())
        offset = float(part.loc[part["country"].isin(partners), "share"].sum())
        rows.append({"mineral": m, "stage": stage, "basis": basis, "share_year": int(part["year"].iloc[0]),
                     "country_share": share, "supply_lost": share * cut_pct / 100,
                     "offset_upper_bound": min(offset, 100.0)})  # fmt: skip
    stages = pd.DataFrame(
        rows,
        columns=["mineral", "stage", "basis", "share_year", "country_share", "supply_lost",
                 "offset_upper_bound"],
    )  # fmt: skip
    imp = imports[imports["mineral"].isin(family) & (imports["source_country"] == country)]
    exposed = imp[
        ["importer", "mineral", "net_import_reliance_pct", "reliance_qualifier", "source_rank"]
    ].reset_index(drop=True)
    offsets = sh[sh["country"].isin(partners)][
        ["mineral", "stage", "basis", "country", "share"]
    ].reset_index(drop=True)
    return {"stages": stages, "exposed": exposed, "offsets": offsets}

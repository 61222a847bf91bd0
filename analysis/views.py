"""What each page (and each briefing) shows, computed in one call from the data package.

One function per page: it takes the validated package and the shared filters and returns plain
DataFrames and numbers. Pages only draw what these return; briefings reuse them, so a number on
a slide is the number on the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis import metrics
from analysis.arrays import is_in, names_any, positions, split_lists
from analysis.filters import Filters, filter_events, mineral_family
from analysis.labels import labels
from analysis.package import DataPackage
from analysis.status import EventIndex, status_grid, status_intervals

LATEST_YEAR = 2024


def category_of(pkg: DataPackage) -> pd.Series:
    """Category (deal, control, lifecycle) of every event, aligned with the events table."""
    types = pkg["event_types"].set_index("event_type")["category"]
    return pkg.derived("categories", lambda: pkg["events"]["event_type"].map(types))


def event_index(pkg: DataPackage) -> EventIndex:
    """The events as arrays for the status rules, built once per package."""
    return pkg.derived("event_index", lambda: EventIndex(pkg["events"], pkg["event_types"]))


def latest_production(pkg: DataPackage) -> pd.DataFrame:
    """Production rows of the latest USGS year (the year every page's shares use)."""
    prod = pkg["production"]
    return pkg.derived("production_latest", lambda: prod[prod["year"] == LATEST_YEAR])


def produced_minerals(pkg: DataPackage) -> set[str]:
    """Mineral ids with production data."""
    return pkg.derived("produced", lambda: set(pkg["production"]["mineral"].unique()))


@dataclass
class Overview:
    as_of: dt.date
    measures_in_force: int
    minerals_under_control: int
    deals_last_12_months: int
    exposure_now: float | None
    latest: pd.DataFrame
    exposure_series: pd.DataFrame
    statuses: pd.DataFrame


def overview(pkg: DataPackage, filters: Filters) -> Overview:
    """Headline numbers as of the filters' date, the latest events, and exposure over time.

    * measures in force: controls matching the filters whose status is *in force* on ``as_of``;
    * minerals under control: distinct mineral ids those measures cover;
    * deals in the last 12 months: deals matching the filters announced in the year to ``as_of``;
    * exposure: mean over the filtered minerals (all with production data if none is chosen) of
      the share of 2024 mine production behind a control in force on ``as_of``.
    """
    as_of = pd.Timestamp(filters.as_of)
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    cats = category_of(pkg).reindex(events.index)
    controls = events[cats == "control"]
    grid = status_grid(pkg["events"], pkg["event_types"], [as_of], event_index(pkg))
    at = positions(grid["event_id"], controls["event_id"])  # -1: not among the filtered controls
    in_force = grid[(grid["status"] == "in force").to_numpy() & (at >= 0)]
    minerals = set(split_lists(controls["minerals"].iloc[at[in_force.index.to_numpy()]])[1])
    deals = events[
        (cats == "deal")
        & (events["announced"] > as_of - pd.DateOffset(years=1))
        & (events["announced"] <= as_of)
    ]
    chosen = _focus_minerals(pkg, filters)
    series = _exposure_series(pkg, chosen, filters.start, filters.as_of, stage="mine")
    now = series[series["date"] == series["date"].max()]["exposure"]
    announced = events.loc[events["announced"] <= as_of, "announced"]
    latest = events.loc[announced.sort_values(ascending=False).head(10).index]
    known = (at >= 0) & (grid["status"] != "not announced").to_numpy()
    picked = controls[["title", "actor", "minerals"]].iloc[at[known]].reset_index(drop=True)
    statuses = pd.concat([grid[known].reset_index(drop=True), picked], axis=1)
    return Overview(
        as_of=filters.as_of,
        measures_in_force=len(in_force),
        minerals_under_control=len(minerals - {""}),
        deals_last_12_months=len(deals),
        exposure_now=float(now.mean()) if len(now) else None,
        latest=latest,
        exposure_series=series,
        statuses=statuses,
    )


FOCUS_DEFAULT = (
    "rare_earths",
    "gallium",
    "germanium",
    "graphite",
    "antimony",
    "tungsten",
    "cobalt",
    "lithium",
)


def _focus_minerals(pkg: DataPackage, filters: Filters) -> list[str]:
    have = produced_minerals(pkg)
    chosen = [m for m in filters.minerals if m in have] or [
        m for m in mineral_family(pkg["minerals"], filters.minerals) if m in have
    ]
    return sorted(chosen) if filters.minerals else [m for m in FOCUS_DEFAULT if m in have]


def _exposure_series(
    pkg: DataPackage, minerals: list[str], start: dt.date, end: dt.date, stage: str | None
) -> pd.DataFrame:
    dates = metrics.monthly_dates(max(start, dt.date(2009, 1, 1)), end)
    prod = latest_production(pkg)
    prod = prod[prod["mineral"].isin(minerals)]
    if prod.empty:
        return pd.DataFrame(
            columns=["mineral", "stage", "date", "exposure", "exposure_all", "label"]
        )
    ex = metrics.exposure(
        prod, pkg["events"], pkg["event_types"], pkg["minerals"], dates, LATEST_YEAR,
        with_controls=False, index=event_index(pkg),
    )  # fmt: skip
    if stage:
        main = ex.groupby("mineral")["stage"].transform(
            lambda s: stage if (s == stage).any() else s.iloc[0]
        )
        ex = ex[ex["stage"] == main]
    names = pkg["minerals"].set_index("mineral_id")["name"]
    return ex.assign(label=ex["mineral"].map(names) + " (" + ex["stage"] + ")")


@dataclass
class MineralProfile:
    mineral: str
    name: str
    as_of: dt.date
    stages: pd.DataFrame  # concentration per stage, latest year
    shares: dict[str, pd.DataFrame]  # stage -> country shares
    processing: pd.DataFrame
    exposure_series: pd.DataFrame
    events: pd.DataFrame
    deals: pd.DataFrame
    imports: pd.DataFrame
    governance: pd.DataFrame
    eu: pd.DataFrame = field(default_factory=pd.DataFrame)


def mineral_profile(pkg: DataPackage, mineral: str, filters: Filters) -> MineralProfile:
    """Everything the mineral page shows for one mineral id (its group members included)."""
    family = mineral_family(pkg["minerals"], [mineral])
    prod = latest_production(pkg)
    prod = prod[prod["mineral"].isin(family) & (prod["measure"] == "production")]
    conc = (
        metrics.concentration(prod)
        if not prod.empty
        else pd.DataFrame(columns=["mineral", "stage", "basis", "hhi", "top1", "top3"])
    )
    all_shares = (
        metrics.shares(prod)
        if not prod.empty
        else pd.DataFrame(columns=["mineral", "stage", "basis", "country", "share"])
    )
    per_stage: dict[str, pd.DataFrame] = {}
    if not conc.empty:
        main = all_shares.groupby(["mineral", "stage", "basis"])["denominator"].max().reset_index()
        main = main.sort_values("denominator").groupby(["mineral", "stage"]).tail(1)
        conc = conc.merge(main[["mineral", "stage", "basis"]], on=["mineral", "stage", "basis"])
        for (m, s, b), part in all_shares.groupby(["mineral", "stage", "basis"]):
            if ((main["mineral"] == m) & (main["stage"] == s) & (main["basis"] == b)).any():
                per_stage[labels(pkg).mineral_stage(m, s)] = part
    events = filter_events(
        pkg["events"], pkg["minerals"], pkg["blocs"], replace(filters, minerals=(mineral,))
    )
    cats = category_of(pkg).reindex(events.index)
    series = _exposure_series(
        pkg, sorted(set(prod["mineral"])), filters.start, filters.as_of, stage=None
    )
    imports = pkg["import_reliance"][pkg["import_reliance"]["mineral"].isin(family)]
    dep = (
        metrics.importer_dependency(
            imports,
            pkg["events"],
            pkg["event_types"],
            pkg["minerals"],
            pkg["blocs"],
            pd.Timestamp(filters.as_of),
            index=event_index(pkg),
        )
        if not imports.empty
        else imports
    )
    gov = (
        metrics.governance_risk(
            prod,
            pkg["countries"],
            pkg["events"],
            pkg["event_types"],
            pkg["minerals"],
            pkg["eu_crm_2023"],
            pd.Timestamp(filters.as_of),
            index=event_index(pkg),
        )
        if not prod.empty
        else pd.DataFrame()
    )
    processing = pkg["processing_shares"][pkg["processing_shares"]["mineral"].isin(family)]
    name = str(pkg["minerals"].set_index("mineral_id").at[mineral, "name"])
    eu = pkg["eu_crm_2023"][pkg["eu_crm_2023"]["mineral"].isin(family)]
    return MineralProfile(
        mineral=mineral, name=name, as_of=filters.as_of, stages=conc, shares=per_stage, processing=processing,
        exposure_series=series, events=events[cats != "deal"], deals=events[cats == "deal"], imports=dep,
        governance=gov, eu=eu,
    )  # fmt: skip


@dataclass
class CountryProfile:
    iso3: str
    name: str
    as_of: dt.date
    producer: pd.DataFrame
    imposed: pd.DataFrame
    targeted: pd.DataFrame
    deals: pd.DataFrame
    partners: pd.DataFrame
    governance: pd.Series | None
    imports: pd.DataFrame


def country_profile(pkg: DataPackage, iso3: str, filters: Filters) -> CountryProfile:
    """Where a country matters as a producer, what it restricts, what restricts it, its deals."""
    as_of = pd.Timestamp(filters.as_of)
    sh = metrics.shares(latest_production(pkg))
    sh = sh[(sh["year"] == LATEST_YEAR) & (sh["measure"] == "production") & (sh["country"] == iso3)]
    names = pkg["minerals"].set_index("mineral_id")["name"]
    producer = (
        sh[sh["share"] >= 5]
        .assign(name=lambda d: d["mineral"].map(names))
        .sort_values("share", ascending=False)
    )
    # The sidebar's minerals, event types and announced range apply; the country is the page's.
    ev = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], replace(filters, countries=()))
    ev = ev[ev["announced"] <= as_of]
    cats = category_of(pkg).reindex(ev.index)
    blocs = pkg["blocs"]
    member_of = set(
        blocs.loc[blocs["members"].fillna("").str.split(";").map(lambda ms: iso3 in ms), "code"]
    )
    hits = pd.Series(names_any(ev["counterparts"], {iso3, *member_of}), index=ev.index)
    grid = (
        status_grid(pkg["events"], pkg["event_types"], [as_of], event_index(pkg))
        .set_index("event_id")["status"]
        .astype(str)
    )
    controls = ev[cats == "control"].assign(status=lambda d: d["event_id"].map(grid))
    imposed = controls[controls["actor"] == iso3]
    targeted = controls[hits.reindex(controls.index) | controls["counterparts"].eq("ALL")]
    targeted = targeted[targeted["actor"] != iso3]
    targeted = targeted.assign(
        scope=np.where(targeted["counterparts"].eq("ALL"), "all destinations", "named")
    )
    deals = ev[(cats == "deal") & ((ev["actor"].isin({iso3, *member_of})) | hits)]
    row, partner = split_lists(deals["actor"] + ";" + deals["counterparts"])
    edges = deals[["event_id", "announced"]].iloc[row].assign(partner=partner)
    edges = edges[~edges["partner"].isin({iso3, "ALL", ""})]
    partners = (
        edges.groupby("partner")
        .agg(deals=("event_id", "nunique"), latest=("announced", "max"))
        .reset_index()
    )
    centroids = pkg["countries"].set_index("iso3")[["lat", "lon", "name"]]
    partners = partners.join(centroids, on="partner").sort_values("deals", ascending=False)
    gov = (
        pkg["countries"].set_index("iso3").loc[iso3]
        if iso3 in set(pkg["countries"]["iso3"])
        else None
    )
    imports = pkg["import_reliance"][pkg["import_reliance"]["importer"] == iso3]
    name = (
        str(centroids.at[iso3, "name"])
        if iso3 in centroids.index
        else str(blocs.set_index("code").at[iso3, "name"])
    )
    return CountryProfile(
        iso3, name, filters.as_of, producer, imposed, targeted, deals, partners, gov, imports
    )


@dataclass
class MapData:
    countries: pd.DataFrame  # iso3, name, value, label, lat, lon
    arcs: pd.DataFrame  # source/target coordinates per bilateral deal (one named counterpart)
    legend: str
    hubs: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per plurilateral signing


def map_data(pkg: DataPackage, filters: Filters, measure: str, mineral: str, stage: str) -> MapData:
    """Values per country for the map's colour and deal arcs between partners.

    ``measure``: ``controls`` (number of export controls in force on ``as_of`` imposed by the
    country, among those matching the filters), ``share`` (production share of ``mineral`` at
    ``stage`` in 2024), or ``governance`` (WGI scaled 0..10, 10 weakest).
    """
    as_of = pd.Timestamp(filters.as_of)
    countries = pkg["countries"][["iso3", "name", "lat", "lon", "wgi_scaled"]].copy()
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    cats = category_of(pkg).reindex(events.index)
    if measure == "share":
        sh = metrics.shares(latest_production(pkg))
        sh = sh[(sh["mineral"] == mineral) & (sh["stage"] == stage) & (sh["year"] == LATEST_YEAR)]
        main = sh.groupby("basis")["denominator"].max()
        sh = sh[sh["basis"] == main.idxmax()] if len(main) else sh
        values = sh.set_index("country")["share"]
        legend = (
            f"Share of world {stage} production of {labels(pkg).mineral(mineral).lower()}, 2024 (%)"
        )
    elif measure == "governance":
        values = countries.set_index("iso3")["wgi_scaled"]
        legend = "Governance (WGI 2023 rescaled, 0 strongest to 10 weakest)"
    else:
        grid = status_grid(pkg["events"], pkg["event_types"], [as_of], event_index(pkg))
        controls = events.loc[cats == "control", ["event_id", "actor"]]
        at = positions(grid["event_id"], controls["event_id"])
        active = at[(grid["status"] == "in force").to_numpy() & (at >= 0)]
        values = controls["actor"].iloc[active].value_counts()
        legend = f"Export controls in force on {filters.as_of:%d %b %Y}"
    countries["value"] = countries["iso3"].map(values).astype(float)
    cols = ["event_id", "title", "event_type", "actor", "counterparts", "minerals", "announced"]
    deals = events.loc[(cats == "deal") & (events["announced"] <= as_of), cols]
    parties = deals["counterparts"].fillna("").str.count(";") + 1
    multi = deals[parties > 1].assign(parties=parties[parties > 1] + 1)
    hubs = multi.join(countries.set_index("iso3")[["lat", "lon"]], on="actor").dropna(
        subset=["lat", "lon"]
    )
    deals = deals[parties == 1]
    row, target = split_lists(deals["counterparts"])
    arcs = deals.iloc[row].drop(columns="counterparts").reset_index(drop=True)
    arcs.insert(4, "target", target)
    lat = countries["lat"].to_numpy(dtype=float, na_value=np.nan)
    lon = countries["lon"].to_numpy(dtype=float, na_value=np.nan)
    src = positions(arcs["actor"], countries["iso3"])
    dst = positions(arcs["target"], countries["iso3"])
    ok = (src >= 0) & (dst >= 0) & (arcs["target"] != arcs["actor"]).to_numpy(dtype=bool)
    arcs = arcs.assign(
        lat=np.where(src >= 0, lat[src], np.nan),
        lon=np.where(src >= 0, lon[src], np.nan),
        lat_t=np.where(dst >= 0, lat[dst], np.nan),
        lon_t=np.where(dst >= 0, lon[dst], np.nan),
    )[ok]
    arcs = arcs.dropna(subset=["lat", "lon", "lat_t", "lon_t"])
    return MapData(countries, arcs.reset_index(drop=True), legend, hubs.reset_index(drop=True))


def scenario_view(
    pkg: DataPackage, country: str, mineral: str, cut: float, as_of: dt.date
) -> dict[str, pd.DataFrame]:
    """The what-if tables for the scenario page and briefing (see :func:`metrics.scenario`)."""
    out = metrics.scenario(
        latest_production(pkg), pkg["import_reliance"], pkg["events"], pkg["event_types"], pkg["blocs"],
        pkg["minerals"], country, mineral, cut, pd.Timestamp(as_of),
    )  # fmt: skip
    lab = labels(pkg)
    stages = out["stages"]
    out["stages"] = stages.assign(
        label=[
            lab.mineral_stage(m, s) for m, s in zip(stages["mineral"], stages["stage"], strict=True)
        ]
    )
    return out


def measure_history(pkg: DataPackage, event_ids: list[str], until: dt.date) -> pd.DataFrame:
    """Status spans of the given measures up to ``until`` (for timelines and briefings)."""
    spans = status_intervals(
        pkg["events"], pkg["event_types"], pd.Timestamp(until), event_index(pkg)
    )
    return spans[is_in(spans["event_id"], pd.Series(event_ids, dtype=object))]


def events_table(pkg: DataPackage, filters: Filters) -> pd.DataFrame:
    """The events matching the filters, with each control's status on the as-of date."""
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    grid = status_grid(
        pkg["events"], pkg["event_types"], [pd.Timestamp(filters.as_of)], event_index(pkg)
    )
    status = grid.set_index("event_id")["status"].astype(str)
    out = events[events["announced"] <= pd.Timestamp(filters.as_of)].copy()  # known on as_of
    out.insert(2, "status", out["event_id"].map(status))
    return out


@dataclass
class TimelineData:
    events: pd.DataFrame
    spans: pd.DataFrame
    related: pd.DataFrame


def timeline(pkg: DataPackage, filters: Filters) -> TimelineData:
    """Events matching the filters and the status spans of the measures among them."""
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    spans = measure_history(pkg, list(events["event_id"]), filters.as_of)
    return TimelineData(events, spans, pkg["events"][pkg["events"]["relates_to"].notna()])


def status_on_date(pkg: DataPackage, filters: Filters) -> pd.DataFrame:
    """Each export control matching the filters and announced by ``as_of``: its status that day.

    Columns: ``measure_title``, ``issuer``, ``minerals``, ``status``, ``since`` (the day the
    measure entered that status), ``source_url``; measures in force first, newest first. Events
    announced after ``as_of`` are left out (they were not known on that date).
    """
    as_of = pd.Timestamp(filters.as_of)
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    cats = category_of(pkg).reindex(events.index)
    controls = events[(cats == "control") & (events["announced"] <= as_of)]
    cols = ["measure_title", "issuer", "minerals", "status", "since", "source_url"]
    if controls.empty:
        return pd.DataFrame(columns=cols)
    spans = measure_history(pkg, list(controls["event_id"]), filters.as_of + dt.timedelta(days=1))
    current = spans[spans["start"] <= as_of].groupby("event_id", sort=False).tail(1)
    out = controls.merge(current[["event_id", "status", "start"]], on="event_id", how="inner")
    out = out.rename(columns={"title": "measure_title", "actor": "issuer", "start": "since"})
    rank = out["status"].map({"in force": 0, "suspended": 1, "announced": 2}).fillna(3)
    out = out.assign(_rank=rank).sort_values(["_rank", "since"], ascending=[True, False])
    return out[cols].reset_index(drop=True)

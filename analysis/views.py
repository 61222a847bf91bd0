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

from analysis import metrics, sources
from analysis.arrays import is_in, names_any, positions, split_lists
from analysis.filters import Filters, acts, filter_events, mineral_family
from analysis.labels import labels
from analysis.package import DataPackage
from analysis.status import (
    EventIndex,
    measure_status,
    reviewed_through,
    status_by_mineral,
    status_grid,
    status_intervals,
)


def category_of(pkg: DataPackage) -> pd.Series:
    """Category (deal, control, lifecycle) of every event, aligned with the events table."""
    types = pkg["event_types"].set_index("event_type")["category"]
    return pkg.derived("categories", lambda: pkg["events"]["event_type"].map(types))


def event_index(pkg: DataPackage) -> EventIndex:
    """The events as arrays for the status rules, built once per package."""
    return pkg.derived("event_index", lambda: EventIndex(pkg["events"], pkg["event_types"]))


def review_date(pkg: DataPackage) -> pd.Timestamp | None:
    """The data horizon (``x-reviewed-through`` in datapackage.yaml), or None."""
    return reviewed_through(pkg.descriptor)


def horizon_note(pkg: DataPackage, as_of: dt.date) -> str:
    """One sentence for the as-of date picker when the date is past the review date, else ''."""
    reviewed = review_date(pkg)
    if reviewed is None or pd.Timestamp(as_of) <= reviewed:
        return ""
    return (
        f"This date is after {reviewed.day} {reviewed:%B %Y}"
        + ", the last day the events were reviewed: statuses that rest on a date scheduled after it "
        "(a suspension due to end, a delayed start, an expiry) are marked unverified."
    )


def statuses_on(pkg: DataPackage, as_of: dt.date) -> pd.DataFrame:
    """Every measure's status on ``as_of`` with ``verified``, ``caveat``, ``scope`` and ``label``.

    ``label`` is what a reader sees: the status, ``(unverified)`` after it where the status is
    inferred from a date scheduled after the review date, and the minerals whose status differs
    (e.g. ``in force; relaxed for nickel, bauxite``).
    """
    out = measure_status(
        pkg["events"], pkg["event_types"], pd.Timestamp(as_of), review_date(pkg), event_index(pkg)
    )
    minerals = pkg["minerals"]
    names = {str(k): str(v) for k, v in zip(minerals["mineral_id"], minerals["name"], strict=True)}
    scope = pd.Series([_mineral_names(t, names) for t in out["scope"]], index=out.index)
    label = out["status"] + np.where(out["verified"], "", " (unverified)")
    out["label"] = label + np.where(scope != "", "; " + scope, "")
    return out


def _mineral_names(scope: str, names: dict[str, str]) -> str:
    """``relaxed for nickel, iron_ore`` -> ``relaxed for nickel, iron ore`` (display names)."""
    parts = []
    for clause in filter(None, scope.split("; ")):
        status, _, listed = clause.partition(" for ")
        shown = [names.get(m, m.replace("_", " ")).lower() for m in listed.split(", ")]
        parts.append(f"{status} for {', '.join(shown)}")
    return "; ".join(parts)


def links(pkg: DataPackage) -> pd.DataFrame:
    """Every relates_to link as a row: ``act`` (the lifecycle event) and ``target`` (acted on)."""

    def build() -> pd.DataFrame:
        ev = pkg["events"]
        row, target = split_lists(ev["relates_to"].reset_index(drop=True))
        return pd.DataFrame({"act": ev["event_id"].to_numpy(dtype=object)[row], "target": target})

    return pkg.derived("links", build)


def related_events(pkg: DataPackage, event_id: str) -> pd.DataFrame:
    """Events linked to ``event_id`` both ways, with ``link`` saying how (plain text)."""
    ln = links(pkg)
    ev = pkg["events"].set_index("event_id", drop=False)
    on_it = ln.loc[ln["target"] == event_id, "act"]
    it_on = ln.loc[ln["act"] == event_id, "target"]
    parts = [
        ev.loc[ev.index.intersection(list(on_it))].assign(link="acts on this event"),
        ev.loc[ev.index.intersection(list(it_on))].assign(link="this event acts on it"),
    ]
    return pd.concat(parts).reset_index(drop=True)


def link_text(pkg: DataPackage) -> pd.Series:
    """Per event id, its links both ways as one plain-text line of titles (empty when none)."""

    def build() -> pd.Series:
        ln = links(pkg)
        title = pkg["events"].set_index("event_id")["title"]
        acts_on = ln.assign(t=ln["target"].map(title)).groupby("act")["t"].agg("; ".join)
        acted_by = ln.assign(t=ln["act"].map(title)).groupby("target")["t"].agg("; ".join)
        ids = pkg["events"]["event_id"]
        a = ids.map(acts_on).fillna("")
        b = ids.map(acted_by).fillna("")
        text = np.where(a != "", "Acts on: " + a, "")
        both = (a != "") & (b != "")
        text = np.where(both, text + " | ", text)
        text = np.where(b != "", text + "Acted on by: " + b, text)
        return pd.Series(text, index=ids.to_numpy(), dtype=object)

    return pkg.derived("link_text", build)


def latest_year(pkg: DataPackage) -> int:
    """The latest production year the package holds (2025 with MCS 2026)."""
    return pkg.derived("production_latest_year", lambda: int(pkg["production"]["year"].max()))


def latest_production(pkg: DataPackage) -> pd.DataFrame:
    """Production rows of the latest USGS year, on each (mineral, stage)'s default basis."""

    def build() -> pd.DataFrame:
        prod = pkg["production"]
        prod = prod[prod["year"] == latest_year(pkg)]
        return metrics.on_default_basis(prod, bases(pkg))

    return pkg.derived("production_latest", build)


def bases(pkg: DataPackage) -> pd.DataFrame:
    """The production_bases table (empty when the package has none)."""
    if "production_bases" in pkg.tables:
        return pkg["production_bases"]
    return pd.DataFrame(columns=["mineral", "stage", "basis", "label", "is_default", "reason"])


def current_imports(pkg: DataPackage) -> pd.DataFrame:
    """U.S. import reliance rows of the newest USGS edition (older editions are history)."""
    imp = pkg["import_reliance"]
    if "edition" not in imp or imp.empty:
        return imp
    return pkg.derived("imports_current", lambda: imp[imp["edition"] == imp["edition"].max()])


def stage_title(pkg: DataPackage, mineral: str, stage: str, basis: str) -> str:
    """'Silicon · plant (silicon metal)': the basis is named wherever a stage has several."""
    name = str(pkg["minerals"].set_index("mineral_id").at[mineral, "name"])
    multi = (
        len(
            set(
                pkg["production"].loc[
                    (pkg["production"]["mineral"] == mineral)
                    & (pkg["production"]["stage"] == stage),
                    "basis",
                ]
            )
        )
        > 1
    )
    label = metrics.basis_label(bases(pkg), mineral, stage, basis)
    return f"{name} · {stage} ({label})" if multi else f"{name} · {stage}"


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
    exposure_source: str = ""


def overview(pkg: DataPackage, filters: Filters) -> Overview:
    """Headline numbers as of the filters' date, the latest events, and exposure over time.

    * measures in force: controls matching the filters whose status is *in force* on ``as_of``;
    * minerals under control: distinct mineral ids with a control in force *for that mineral*
      (a measure relaxed for nickel does not put nickel under control);
    * deals in the last 12 months: deals matching the filters announced in the year to ``as_of``;
    * exposure: mean over the filtered minerals (all with production data if none is chosen) of
      the share of mine production behind a control in force on ``as_of`` (shares of the year
      ``as_of`` falls in; see :func:`metrics.exposure`).
    """
    as_of = pd.Timestamp(filters.as_of)
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    cats = category_of(pkg).reindex(events.index)
    controls = events[cats == "control"]
    grid = status_grid(pkg["events"], pkg["event_types"], [as_of], event_index(pkg))
    at = positions(grid["event_id"], controls["event_id"])  # -1: not among the filtered controls
    in_force = grid[(grid["status"] == "in force").to_numpy() & (at >= 0)]
    per = status_by_mineral(pkg["events"], event_index(pkg), as_of)  # a relaxed mineral is not
    per = per[(per["status"] == "in force") & is_in(per["measure_id"], controls["event_id"])]
    minerals = set(per["mineral"])
    deals = events[
        (cats == "deal")
        & (events["announced"] > as_of - pd.DateOffset(years=1))
        & (events["announced"] <= as_of)
    ]
    deals = acts(deals, pkg["events"])
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
        exposure_source=exposure_source(pkg, series),
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
    prod = pkg["production"]
    prod = prod[prod["mineral"].isin(minerals)]
    if prod.empty:
        return pd.DataFrame(columns=[*metrics.EXPOSURE_COLUMNS, "label"])
    ex = metrics.exposure(
        prod,
        pkg["events"],
        pkg["event_types"],
        pkg["minerals"],
        dates,
        None,
        with_controls=False,
        index=event_index(pkg),
        bases=bases(pkg),
    )
    if stage:
        main = ex.groupby("mineral")["stage"].transform(
            lambda s: stage if (s == stage).any() else s.iloc[0]
        )
        ex = ex[ex["stage"] == main]
    titles = {
        k: stage_title(pkg, *k)
        for k in ex[["mineral", "stage", "basis"]]
        .drop_duplicates()
        .itertuples(index=False, name=None)
    }
    keys = list(zip(ex["mineral"], ex["stage"], ex["basis"], strict=True))
    return ex.assign(label=[titles[k] for k in keys])


def exposure_source(pkg: DataPackage, series: pd.DataFrame) -> str:
    """Source line of an exposure chart: events, and the USGS editions and years of its shares."""
    if series.empty:
        return sources.source_line(pkg, "events dataset")
    prod = pkg["production"]
    keys = series[["mineral", "stage", "basis", "share_year"]].drop_duplicates()
    rows = prod.merge(
        keys.rename(columns={"share_year": "year"}), on=["mineral", "stage", "basis", "year"]
    )
    note = sources.share_year_note(series["share_year"], series["date"])
    return sources.source_line(
        pkg, f"events dataset (status by date); {sources.edition_label(rows)} ({note})"
    )


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
    share_sources: dict[str, str] = field(default_factory=dict)  # chart title -> source line
    exposure_source: str = ""
    imports_label: str = ""
    revisions: pd.DataFrame = field(default_factory=pd.DataFrame)


def revisions_shown(pkg: DataPackage, prod: pd.DataFrame) -> pd.DataFrame:
    """What older USGS editions said about the series in ``prod`` (all years), for readers.

    Columns named for the screen: series, year, country, older edition and its value, the
    edition and value used, and what changed.
    """
    if "production_revisions" not in pkg.tables or prod.empty:
        return pd.DataFrame()
    rev = pkg["production_revisions"]
    keys = prod[["mineral", "stage", "basis"]].drop_duplicates()
    rev = rev.merge(keys, on=["mineral", "stage", "basis"])
    if rev.empty:
        return pd.DataFrame()
    names = pkg["countries"].set_index("iso3")["name"].to_dict()
    names.update({"OTHER": "Other countries", "WLD": "World"})

    def shown(q: pd.Series, f: pd.Series) -> pd.Series:
        text = q.map(lambda v: "" if pd.isna(v) else f"{v:,.10g}")
        flags = f.map({"W": "withheld", "NA": "not available"})
        return text.where(text != "", flags.fillna("not listed"))

    return (
        pd.DataFrame(
            {
                "Series": [
                    stage_title(pkg, m, st, b)
                    for m, st, b in zip(rev["mineral"], rev["stage"], rev["basis"], strict=True)
                ],
                "Year": rev["year"].astype(int),
                "Country": rev["country"].map(names).fillna(rev["country"]),
                "Unit": rev["unit"],
                "Older edition": "USGS " + rev["edition"],
                "Its value": shown(rev["quantity"], rev["flag"]),
                "Edition used": "USGS " + rev["revised_in"],
                "Value used": shown(rev["revised_quantity"], rev["revised_flag"]),
                "Change": rev["change"],
            }
        )
        .sort_values(["Series", "Year", "Country"])
        .reset_index(drop=True)
    )


def imports_label(imports: pd.DataFrame) -> str:
    """'U.S. net import reliance, 2025 (USGS MCS 2026; sources ranked 2021-2024)'."""
    if imports.empty:
        return "U.S. net import reliance"
    first = imports.iloc[0]
    edition = f"USGS {first['edition']}; " if "edition" in imports else ""
    return (
        f"U.S. net import reliance, {int(first['year'])} ({edition}sources ranked "
        f"{first['sources_period']})"
    )


def rounded_total_note(shares: pd.DataFrame) -> str:
    """What to say when a stage's country shares add to more than 100 %: USGS rounds its world
    totals (the "World total ... rounded" rows), so the countries can add to more than the world.

    >>> rounded_total_note(pd.DataFrame({"share": [100.0, 0.67, 0.33]}))
    'country figures add to 101.0% of the world total, which USGS rounds'
    >>> rounded_total_note(pd.DataFrame({"share": [60.0, 39.96]}))
    ''
    """
    total = float(shares["share"].sum()) if len(shares) else 0.0
    if total < 100.05:
        return ""
    return f"country figures add to {total:.1f}% of the world total, which USGS rounds"


def mineral_profile(
    pkg: DataPackage, mineral: str, filters: Filters, chosen: tuple = ()
) -> MineralProfile:
    """Everything the mineral page shows for one mineral id (its group members included).

    Shares are those of the latest year held, each (mineral, stage) on its default basis from
    production_bases unless ``chosen`` holds ``(mineral, stage, basis)`` for it.
    """
    family = mineral_family(pkg["minerals"], [mineral])
    year = latest_year(pkg)
    allprod = pkg["production"]
    allprod = allprod[allprod["mineral"].isin(family) & (allprod["measure"] == "production")]
    picks = {(m, st): b for m, st, b in chosen}
    prod = metrics.on_default_basis(allprod[allprod["year"] == year], bases(pkg), picks)
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
    share_sources: dict[str, str] = {}
    if not conc.empty:
        conc = conc.assign(
            title=[
                stage_title(pkg, m, st, b)
                for m, st, b in zip(conc["mineral"], conc["stage"], conc["basis"], strict=True)
            ]
        )
        for (m, st, b), part in all_shares.groupby(["mineral", "stage", "basis"]):
            rows = prod[(prod["mineral"] == m) & (prod["stage"] == st) & (prod["basis"] == b)]
            label = sources.edition_label(rows)
            key = f"{stage_title(pkg, str(m), str(st), str(b))}: share of world production, {year} ({label})"
            per_stage[key] = part
            share_sources[key] = sources.supply_source(pkg, rows, rounded_total_note(part))
    events = filter_events(
        pkg["events"], pkg["minerals"], pkg["blocs"], replace(filters, minerals=(mineral,))
    )
    cats = category_of(pkg).reindex(events.index)
    series = _exposure_series(
        pkg, sorted(set(prod["mineral"])), filters.start, filters.as_of, stage=None
    )
    imports = current_imports(pkg)
    imports = imports[imports["mineral"].isin(family)]
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
            metrics.on_default_basis(allprod, bases(pkg), picks),
            pkg["countries"],
            pkg["events"],
            pkg["event_types"],
            pkg["minerals"],
            pkg["eu_crm_2023"],
            pd.Timestamp(filters.as_of),
            index=event_index(pkg),
            bases=bases(pkg),
        )
        if not prod.empty
        else pd.DataFrame()
    )
    processing = pkg["processing_shares"][pkg["processing_shares"]["mineral"].isin(family)]
    name = str(pkg["minerals"].set_index("mineral_id").at[mineral, "name"])
    eu = pkg["eu_crm_2023"][pkg["eu_crm_2023"]["mineral"].isin(family)]
    return MineralProfile(
        mineral=mineral,
        name=name,
        as_of=filters.as_of,
        stages=conc,
        shares=per_stage,
        processing=processing,
        exposure_series=series,
        events=events[cats != "deal"],
        deals=events[cats == "deal"],
        imports=dep,
        governance=gov,
        eu=eu,
        share_sources=share_sources,
        exposure_source=exposure_source(pkg, series),
        imports_label=imports_label(dep),
        revisions=revisions_shown(pkg, prod),
    )


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
    sh = sh[(sh["measure"] == "production") & (sh["country"] == iso3)]
    names = pkg["minerals"].set_index("mineral_id")["name"]
    producer = sh[sh["share"] >= 5].sort_values("share", ascending=False)
    producer = producer.assign(
        name=producer["mineral"].map(names),
        title=[
            stage_title(pkg, m, st, b)
            for m, st, b in zip(
                producer["mineral"], producer["stage"], producer["basis"], strict=True
            )
        ],
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
    st_on = statuses_on(pkg, filters.as_of).set_index("event_id")
    controls = ev[cats == "control"].assign(
        status=lambda d: d["event_id"].map(st_on["label"]),
        caveat=lambda d: d["event_id"].map(st_on["caveat"]).fillna(""),
    )
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
        pkg["countries"].set_index("iso3").loc[[iso3]].iloc[0]
        if iso3 in set(pkg["countries"]["iso3"])
        else None
    )
    imports = current_imports(pkg)
    imports = imports[imports["importer"] == iso3]
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


def map_data(
    pkg: DataPackage,
    filters: Filters,
    measure: str,
    mineral: str,
    stage: str,
    basis: str | None = None,
) -> MapData:
    """Values per country for the map's colour and deal arcs between partners.

    ``measure``: ``controls`` (number of export controls in force on ``as_of`` imposed by the
    country, among those matching the filters), ``share`` (production share of ``mineral`` at
    ``stage`` in the latest year, on ``basis`` or the stage's default basis), or ``governance``
    (WGI scaled 0..10, 10 weakest).
    """
    as_of = pd.Timestamp(filters.as_of)
    countries = pkg["countries"][["iso3", "name", "lat", "lon", "wgi_scaled"]].copy()
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    cats = category_of(pkg).reindex(events.index)
    if measure == "share":
        prod = pkg["production"]
        prod = prod[
            (prod["mineral"] == mineral)
            & (prod["stage"] == stage)
            & (prod["year"] == latest_year(pkg))
        ]
        picks = {(mineral, stage): basis} if basis else {}
        prod = metrics.on_default_basis(prod, bases(pkg), picks)
        prod = prod[prod["measure"] == "production"]
        sh = metrics.shares(prod)
        values = sh.set_index("country")["share"]
        title = (
            stage_title(pkg, mineral, stage, str(prod["basis"].iloc[0]))
            if len(prod)
            else f"{pkg['minerals'].set_index('mineral_id')['name'].get(mineral, 'mineral')} · {stage}"
        )
        legend = (
            f"Share of world production, {title}, {latest_year(pkg)} (%), "
            f"{sources.edition_label(prod)}"
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
        legend = f"Export controls in force on {filters.as_of.day} {filters.as_of:%b %Y}"
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
        pkg["production"],
        current_imports(pkg),
        pkg["events"],
        pkg["event_types"],
        pkg["blocs"],
        pkg["minerals"],
        country,
        mineral,
        cut,
        pd.Timestamp(as_of),
        bases=bases(pkg),
    )
    lab = labels(pkg)
    stages = out["stages"]
    out["stages"] = stages.assign(
        label=[
            lab.mineral_stage(m, s) for m, s in zip(stages["mineral"], stages["stage"], strict=True)
        ]
    )
    return out


def scenario_rows(pkg: DataPackage, stages: pd.DataFrame) -> pd.DataFrame:
    """The production rows behind a scenario's stages (for its edition and year label)."""
    keys = stages[["mineral", "stage", "basis", "share_year"]].rename(
        columns={"share_year": "year"}
    )
    return pkg["production"].merge(keys, on=["mineral", "stage", "basis", "year"])


def measure_history(
    pkg: DataPackage, event_ids: list[str], until: dt.date, by_mineral: bool = False
) -> pd.DataFrame:
    """Status spans of the given measures up to ``until`` (for timelines and briefings).

    With ``by_mineral``, one life per (measure, mineral), with a ``mineral`` column.
    """
    spans = status_intervals(
        pkg["events"], pkg["event_types"], pd.Timestamp(until), event_index(pkg), by_mineral
    )
    return spans[is_in(spans["event_id"], pd.Series(event_ids, dtype=object))]


def events_table(pkg: DataPackage, filters: Filters) -> pd.DataFrame:
    """The events matching the filters, with each control's status on the as-of date."""
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    st_on = statuses_on(pkg, filters.as_of).set_index("event_id")
    out = events[events["announced"] <= pd.Timestamp(filters.as_of)].copy()  # known on as_of
    out.insert(2, "status", out["event_id"].map(st_on["label"]))
    out.insert(3, "status_caveat", out["event_id"].map(st_on["caveat"]).fillna(""))
    out.insert(4, "links", out["event_id"].map(link_text(pkg)).fillna(""))
    return out


@dataclass
class TimelineData:
    events: pd.DataFrame
    spans: pd.DataFrame
    related: pd.DataFrame
    mineral_spans: pd.DataFrame | None = None  # per (measure, mineral), for lanes by mineral


def timeline(pkg: DataPackage, filters: Filters) -> TimelineData:
    """Events matching the filters and the status spans of the measures among them."""
    events = filter_events(pkg["events"], pkg["minerals"], pkg["blocs"], filters)
    ids = list(events["event_id"])
    spans = measure_history(pkg, ids, filters.as_of)
    per_mineral = measure_history(pkg, ids, filters.as_of, by_mineral=True)
    related = pkg["events"][pkg["events"]["relates_to"].notna()]
    return TimelineData(events, spans, related, per_mineral)


def unverified_caveats(pkg: DataPackage, as_of: dt.date, event_ids: list[str]) -> list[str]:
    """The caveat sentence of each given measure whose status on ``as_of`` is unverified."""
    st_on = statuses_on(pkg, as_of)
    hit = st_on[~st_on["verified"] & st_on["event_id"].isin(event_ids)]
    return [f"{t}: {c}" for t, c in zip(hit["title"], hit["caveat"], strict=True)]


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
    label = statuses_on(pkg, filters.as_of).set_index("event_id")["label"]  # "(unverified)" etc.
    out["status"] = out["event_id"].map(label).fillna(out["status"])
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- trade (CEPII BACI)

TRADE_SINCE = 2009


def trade_source_line(pkg: DataPackage) -> str:
    """ "Source: CEPII, BACI (HS92), Etalab Open Licence 2.0", built from the trade resource."""
    res = pkg.resource("trade")
    source = res["sources"][0]["title"]
    licence = res["licenses"][0].get("title") or res["licenses"][0]["name"]
    return f"Source: {source}, {licence}"


def trade_citation(pkg: DataPackage) -> str:
    """The full citation of the trade table, for a briefing's sources: from datapackage.yaml."""
    res = pkg.resource("trade")
    source = res["sources"][0]
    licence = res["licenses"][0].get("title") or res["licenses"][0]["name"]
    cite = " ".join(str(source.get("x-citation", "")).split())
    return f"{source['title']} {source.get('version', '')}: {cite} {source['path']} ({licence})"


def trade_names(pkg: DataPackage) -> dict[str, str]:
    """Display names of every country code in the trade table (BACI's own partners included)."""

    def build() -> dict[str, str]:
        out: dict[str, str] = {}
        for table in (pkg["trade_countries"], pkg["countries"]):
            out.update(zip(table["iso3"].astype(str), table["name"].astype(str), strict=True))
        return out

    return pkg.derived("trade_names", build)


def trade_minerals(pkg: DataPackage) -> list[str]:
    """Mineral ids with at least one HS code in the trade table."""
    return pkg.derived("trade_minerals", lambda: sorted(set(pkg["hs_codes"]["mineral"])))


def last_trade_year(pkg: DataPackage) -> int:
    return pkg.derived("trade_last_year", lambda: int(pkg["trade"]["year"].max()))


def trade_year_for(pkg: DataPackage, day: dt.date) -> int:
    """The trade year shown for a date: its own year, or the last trade year after it."""
    return min(day.year, last_trade_year(pkg))


def trade_index(pkg: DataPackage):
    """Row positions of the trade table per product and year (analysis.trade.TradeIndex), once."""
    from analysis.trade import TradeIndex

    return pkg.derived("trade_index", lambda: TradeIndex(pkg["trade"]))


def trade_controls(pkg: DataPackage, day: dt.date) -> pd.DataFrame:
    """Export controls in force on ``day`` as the trade metrics need them, kept per package."""
    from analysis import trade

    key = f"trade_controls:{day:%Y-%m-%d}"
    return pkg.derived(
        key,
        lambda: trade.export_controls(
            pkg["events"],
            pkg["event_types"],
            pkg["minerals"],
            pkg["blocs"],
            pd.Timestamp(day),
            event_index(pkg),
        ),
    )


def _top_sources(sources: pd.DataFrame, names: dict[str, str], n: int = 3) -> str:
    head = sources.head(n)
    return ", ".join(
        f"{names.get(e, e)} {s:.0f} %" for e, s in zip(head["exporter"], head["share"], strict=True)
    )


@dataclass
class CountryDependency:
    """What a country depends on (as an importer), from BACI: one row per mineral."""

    iso3: str
    name: str
    year: int
    since: int
    table: pd.DataFrame  # display columns, ranked by controlled share then HHI
    slopes: pd.DataFrame  # mineral, label, year, controlled_share, hhi (since and now)
    minerals: list[str]  # mineral ids in table order (for links)
    source: str
    note: str


def country_dependency(pkg: DataPackage, iso3: str, filters: Filters) -> CountryDependency:
    """ "What this country depends on": per mineral it imports, its sources, HHI, controlled share.

    Now: imports of the last trade year up to the as-of date, controls in force on the as-of date.
    Then: imports of 2009 and controls in force on 31 December 2009.
    """
    from analysis import trade

    year = trade_year_for(pkg, filters.as_of)
    since = TRADE_SINCE
    then_day = dt.date(since, 12, 31)
    names = trade_names(pkg)
    labels = pkg["minerals"].set_index("mineral_id")["name"]
    codes = pkg["hs_codes"]
    table = pkg["trade"]
    now_ctl, then_ctl = trade_controls(pkg, filters.as_of), trade_controls(pkg, then_day)
    rows: list[dict] = []
    slopes: list[dict] = []
    ids: list[str] = []
    mine = table[(table["importer"] == iso3).to_numpy()]
    every = list(codes["hs"].astype(str))
    now = trade.importer_minerals(
        mine, codes, iso3, year, trade.controlled_pairs(now_ctl, codes, every, iso3)
    ).set_index("mineral")
    then = trade.importer_minerals(
        mine, codes, iso3, since, trade.controlled_pairs(then_ctl, codes, every, iso3)
    ).set_index("mineral")
    for key, row in now.iterrows():
        mineral = str(key)
        label = str(labels.get(mineral, mineral))
        sources = pd.DataFrame(
            {"exporter": list(row["sources"]), "share": list(row["sources"].values())}
        )
        before = then.loc[[mineral]].iloc[0] if mineral in then.index else None
        ids.append(mineral)
        rows.append(
            {
                "Mineral": label,
                f"Imports {year} (million USD)": round(row["imports_kusd"] / 1000, 1),
                "From controlled exporters (%)": round(row["controlled_share"], 1),
                "Import concentration (HHI)": round(row["hhi"]),
                "Top sources": _top_sources(sources, names),
                f"From controlled exporters, {since} (%)": (
                    None if before is None else round(before["controlled_share"], 1)
                ),
                f"HHI {since}": None if before is None else round(before["hhi"]),
                "Controls counted": int(row["controls"]),
            }
        )
        if before is not None:
            for y, dep in ((since, before), (year, row)):
                slopes.append(
                    {
                        "mineral": mineral,
                        "label": label,
                        "year": y,
                        "controlled_share": dep["controlled_share"],
                        "hhi": dep["hhi"],
                    }
                )
    frame = pd.DataFrame(rows)
    order: list[str] = []
    if not frame.empty:
        frame["_id"] = pd.Series(ids, dtype=object)
        frame = frame.sort_values(
            ["From controlled exporters (%)", "Import concentration (HHI)"],
            ascending=[False, False],
            kind="stable",
        ).reset_index(drop=True)
        order = list(frame.pop("_id"))
        # A relative link to the mineral page, so it works under any base URL path.
        frame["Mineral page"] = [f"mineral?focus={m}" for m in order]
    note = (
        f"Imports in {year} (BACI's last year is {last_trade_year(pkg)}); controls in force on "
        f"{filters.as_of.day} {filters.as_of:%b %Y}. {since}: imports of {since} and controls in force on "
        f"31 Dec {since}. HHI on shares of import value, 0 to 10 000."
    )
    return CountryDependency(
        iso3,
        names.get(iso3, iso3),
        year,
        since,
        frame,
        pd.DataFrame(slopes),
        order,
        trade_source_line(pkg),
        note,
    )


@dataclass
class MineralTrade:
    """A mineral's importers and world exports over time, from BACI."""

    mineral: str
    name: str
    year: int
    hs: pd.DataFrame  # the HS codes counted, with stage and description
    importers: pd.DataFrame  # display table of the largest importers
    exports: pd.DataFrame  # year, exporter (name), value_musd: the largest exporters and "Others"
    controls: pd.DataFrame  # date, label: control events of the mineral by exporters shown
    exposure: pd.DataFrame  # date, share_year, exposure (export basis), stage, label
    source: str
    exposure_note: str = ""


def mineral_trade(pkg: DataPackage, mineral: str, filters: Filters, top: int = 15) -> MineralTrade:
    """Largest importers (dependency on the largest exporter and on controlled exporters) and
    world exports by exporter, 1995 to the last trade year, with the control events to mark."""
    from analysis import trade

    year = trade_year_for(pkg, filters.as_of)
    names = trade_names(pkg)
    labels = pkg["minerals"].set_index("mineral_id")["name"]
    codes = pkg["hs_codes"]
    hs = trade.codes_for(codes, mineral=mineral)
    hs_table = codes[codes["hs"].isin(hs)][["hs", "stage", "description"]].rename(
        columns={"hs": "HS 1992 code", "stage": "Stage", "description": "Product (BACI)"}
    )
    flows = trade_index(pkg).rows(hs)
    ctl = trade_controls(pkg, filters.as_of)
    imp = trade.importers_dependency(flows, hs, year, ctl, codes).head(top)
    importers = pd.DataFrame(
        {
            "Importer": imp["importer"].map(lambda c: names.get(c, c)),
            f"Imports {year} (million USD)": (imp["imports_kusd"] / 1000).round(1),
            "Largest source": imp["top_exporter"].map(lambda c: names.get(c, c)),
            "Share from largest source (%)": imp["top_share"].round(1),
            "From controlled exporters (%)": imp["controlled_share"].round(1),
            "Import concentration (HHI)": imp["hhi"].round(0),
        }
    )
    sh = trade.export_shares(flows, hs)
    lead = sh.groupby("exporter")["value"].sum().sort_values(ascending=False).head(6).index
    sh = sh.assign(who=np.where(sh["exporter"].isin(lead), sh["exporter"], "Others"))
    exports = sh.groupby(["year", "who"], as_index=False)["value"].sum()
    exports = exports.assign(
        exporter=exports["who"].map(lambda c: names.get(c, c)), value_musd=exports["value"] / 1000
    )[["year", "exporter", "value_musd"]]
    events = pkg["events"]
    family = mineral_family(pkg["minerals"], [mineral])
    cats = category_of(pkg)
    # Controls and the lifecycle steps acting on them (a relaxation, a ban brought forward).
    mask = cats.isin(["control", "lifecycle"]).to_numpy() & names_any(events["minerals"], family)
    marks = events.loc[mask & events["actor"].isin(lead).to_numpy()]
    start = marks["effective"].fillna(marks["announced"])
    controls = (
        pd.DataFrame(
            {
                "date": start,
                "label": marks["actor"].map(lambda c: names.get(c, c))
                + ": "
                + marks["title"].astype(str),
            }
        )
        .sort_values("date")
        .reset_index(drop=True)
    )
    dates = metrics.monthly_dates(dt.date(TRADE_SINCE, 1, 1), filters.as_of)
    ex = trade.trade_exposure(
        pkg["trade"],
        codes,
        pkg["events"],
        pkg["event_types"],
        pkg["minerals"],
        pkg["blocs"],
        dates,
        event_index(pkg),
        mineral_ids=[mineral],
    )
    held = ex["share_year"] < ex["date"].dt.year
    ex = ex.assign(label=str(labels.get(mineral, mineral)) + " (" + ex["stage"] + ", export basis)")
    last = last_trade_year(pkg)
    note = (
        f"Export basis: each year's own export shares; after {last}, the {last} shares are used."
        if bool(held.any())
        else "Export basis: each year's own export shares."
    )
    return MineralTrade(
        mineral,
        str(labels.get(mineral, mineral)),
        year,
        hs_table.reset_index(drop=True),
        importers,
        exports,
        controls,
        ex,
        trade_source_line(pkg),
        note,
    )


@dataclass
class TradeMap:
    """Importers coloured by controlled share, and the chosen importer's flows as arcs."""

    countries: pd.DataFrame  # iso3, name, value, lat, lon
    arcs: pd.DataFrame  # exporter name, share, lat, lon, lat_t, lon_t
    legend: str
    source: str


def trade_map(pkg: DataPackage, filters: Filters, mineral: str, importer: str) -> TradeMap:
    """Controlled share of every importer of a mineral, and where one importer's imports come from."""
    from analysis import trade

    year = trade_year_for(pkg, filters.as_of)
    codes = pkg["hs_codes"]
    hs = trade.codes_for(codes, mineral=mineral)
    flows = trade_index(pkg).rows(hs, year)
    imp = trade.importers_dependency(flows, hs, year, trade_controls(pkg, filters.as_of), codes)
    countries = pkg["countries"][["iso3", "name", "lat", "lon"]].copy()
    values = imp.set_index("importer")["controlled_share"].astype(float)
    countries["value"] = countries["iso3"].map(values).astype(float)
    src = trade.import_sources(flows, importer, hs, year)
    where = pkg["countries"].set_index("iso3")[["lat", "lon"]]
    names = trade_names(pkg)
    arcs = src.join(where, on="exporter")
    arcs = arcs.assign(
        name=arcs["exporter"].map(lambda c: names.get(c, c)),
        label=arcs["share"].map(lambda s: f"{s:.1f} % of imports"),
        lat_t=where["lat"].get(importer, np.nan),
        lon_t=where["lon"].get(importer, np.nan),
    ).dropna(subset=["lat", "lon", "lat_t", "lon_t"])
    label = str(pkg["minerals"].set_index("mineral_id")["name"].get(mineral, mineral)).lower()
    legend = (
        f"Share of {year} imports of {label} from exporters with a control in force on "
        f"{filters.as_of.day} {filters.as_of:%b %Y} (%)"
    )
    return TradeMap(countries, arcs.reset_index(drop=True), legend, trade_source_line(pkg))


def scenario_importers(
    pkg: DataPackage, country: str, mineral: str, cut: float, as_of: dt.date
) -> pd.DataFrame:
    """Every importer of the cutting country's products of the mineral, with the share at stake.

    ``at stake = share of the importer's imports from the country × cut / 100`` (last trade year
    up to ``as_of``). Display columns, largest share at stake first.
    """
    from analysis import trade

    year = trade_year_for(pkg, as_of)
    hs = trade.codes_for(pkg["hs_codes"], mineral=mineral)
    flows = trade_index(pkg).rows(hs, year)
    if flows.empty:
        return pd.DataFrame()
    total = flows.groupby("importer", observed=True)["value"].sum()
    mine = flows[(flows["exporter"] == country).to_numpy()]
    from_country = mine.groupby("importer", observed=True)["value"].sum()
    from_country = from_country[from_country > 0]
    share = from_country / total.reindex(from_country.index) * 100
    names = trade_names(pkg)
    out = pd.DataFrame(
        {
            "Importer": [names.get(str(c), str(c)) for c in share.index],
            f"Imports from {names.get(country, country)}, {year} (million USD)": (
                from_country.to_numpy() / 1000
            ).round(2),
            "Share of its imports (%)": share.to_numpy().round(1),
            "Share of its imports at stake (%)": (share.to_numpy() * cut / 100).round(1),
        }
    )
    return out.sort_values("Share of its imports at stake (%)", ascending=False).reset_index(
        drop=True
    )

"""Finished content for the pages and their briefings (the content model, page by page).

Each function takes the package, the page's choice and the filters, and returns a
:class:`analysis.content.Content` (title, subtitle with the filters in words, key numbers with
labels and units, charts with title and source line). The Streamlit page and both briefing
formats render that same object. Pages moved so far: Country profile.
"""

from __future__ import annotations

from analysis import figures, sources, views
from analysis.content import Chart, Content, Number, Table, filters_in_words, percent
from analysis.filters import Filters
from analysis.labels import labels
from analysis.package import DataPackage


def country(pkg: DataPackage, iso3: str, filters: Filters) -> Content:
    """The Country profile: four key numbers and the producer chart, for page and briefing."""
    prof = views.country_profile(pkg, iso3, filters)
    lab = labels(pkg)
    gov = prof.governance
    wgi = None if gov is None else gov["wgi_scaled"]
    named = int((prof.targeted["scope"] == "named").sum()) if len(prof.targeted) else 0
    numbers = [
        Number(
            "Minerals with 5% or more of world output",
            f"{prof.producer['mineral'].nunique()} minerals",
            "Minerals and stages where it had 5% or more of world production in the latest year.",
        ),
        Number(
            "Export controls it imposed",
            f"{len(prof.imposed)} controls",
            "Export controls it announced by the as-of date, whatever their status then.",
        ),
        Number(
            "Controls by others that reach it",
            f"{len(prof.targeted)} controls",
            f"{named} name it (or a bloc it belongs to); the others apply to all destinations.",
        ),
        Number(
            "Governance (WGI, 0 strongest to 10 weakest)",
            "-" if wgi is None or wgi != wgi else f"{wgi:.1f} of 10",
            "World Bank Worldwide Governance Indicators, rescaled.",
        ),
        Number(
            "Deals it joined",
            f"{len(prof.deals)} deals",
            "Deals announced by the as-of date where it is the actor or a counterpart.",
        ),
    ]
    charts = []
    if not prof.producer.empty:
        latest = views.latest_production(pkg)
        title = (
            f"{prof.name}: share of world production by mineral, {views.latest_year(pkg)} "
            f"({sources.edition_label(latest)})"
        )
        source = sources.supply_source(pkg, latest)
        frame = prof.producer.assign(country=prof.producer["title"])[["country", "share"]]
        charts.append(Chart(title, figures.shares_figure(frame, {}, title, source, top=15), source))
    return Content(
        title=f"{prof.name}: minerals, export controls and deals as of {filters.as_of:%d %B %Y}",
        subtitle=filters_in_words(filters, lab)
        + ". The country chosen on the page replaces the country filter.",
        numbers=numbers,
        charts=charts,
    )


def scenario(pkg: DataPackage, country: str, mineral: str, cut: float, filters: Filters) -> Content:
    """The Scenario: title, supply lost and partners' output per stage, and the chart."""
    res = views.scenario_view(pkg, country, mineral, cut, filters.as_of)
    lab = labels(pkg)
    who, name = lab.country(country), lab.mineral(mineral)
    stages = res["stages"]
    numbers: list[Number] = []
    for r in stages.itertuples():
        where = (
            f"{views.stage_title(pkg, str(r.mineral), str(r.stage), str(r.basis))}, {r.share_year}"
        )
        numbers.append(
            Number(
                f"{where}: world supply lost",
                f"{r.supply_lost:.1f}%",
                f"{who}'s share of world output at this stage times the cut.",
            )
        )
        numbers.append(
            Number(
                f"{where}: deal partners' output (upper bound)",
                f"{r.offset_upper_bound:.1f}%",
                f"What countries with a deal in force with {who}'s importers produce, at most.",
            )
        )
    charts = []
    if not stages.empty and stages["country_share"].sum() > 0:
        used = views.scenario_rows(pkg, stages)
        title = (
            f"{who} cuts {name.lower()} exports by {cut:g}%: supply lost vs deal partners' output, "
            f"{sources.edition_label(used)} (as of {filters.as_of:%d %b %Y})"
        )
        source = sources.supply_source(pkg, used, "deals in force from the events dataset")
        charts.append(Chart(title, figures.scenario_figure(stages, title, source), source))
    edition = sources.edition_label(views.scenario_rows(pkg, stages)) if len(stages) else None
    return Content(
        title=f"Scenario: {who} cuts {name.lower()} exports by {cut:g}% from {filters.as_of:%d %B %Y}",
        subtitle=f"Status as of {filters.as_of:%d %B %Y} · production shares: "
        f"{edition or 'none recorded'} · dataset v{pkg.version}",
        numbers=numbers,
        charts=charts,
    )


def overview(pkg: DataPackage, filters: Filters) -> Content:
    """The Overview: four headline numbers, exposure over time, the latest events."""
    data = views.overview(pkg, filters)
    lab = labels(pkg)
    numbers = [
        Number(
            "Export controls in force",
            f"{data.measures_in_force} controls",
            "Controls matching the filters whose status is in force on the as-of date.",
        ),
        Number(
            "Minerals under export control",
            f"{data.minerals_under_control} minerals",
            "Distinct minerals with a control in force for that mineral (a control relaxed "
            "for a mineral does not count).",
        ),
        Number(
            "Deals in the last 12 months",
            f"{data.deals_last_12_months} deals",
            "Deals matching the filters announced in the 12 months to the as-of date.",
        ),
        Number(
            "World mine supply behind a control",
            percent(data.exposure_now, 0),
            "Mean over the chosen minerals (or eight headline minerals) of the share of world "
            "production (USGS figures for the as-of year, or the latest year held) from countries "
            "with a control in force.",
        ),
    ]
    charts = []
    if not data.exposure_series.empty:
        title = (
            f"Share of world supply behind an export control in force, to {filters.as_of:%d %b %Y}"
        )
        fig = figures.exposure_figure(
            data.exposure_series, data.latest.iloc[0:0], title, data.exposure_source
        )
        charts.append(Chart(title, fig, data.exposure_source))
    cols = ["announced", "title", "actor", "counterparts", "minerals", "event_type", "source_url"]
    tables = []
    if not data.latest.empty:
        tables.append(
            Table("Latest events", lab.table(data.latest, cols), links=(lab.column("source_url"),))
        )
    return Content(
        title=f"Critical minerals: deals and export controls as of {filters.as_of:%d %B %Y}",
        subtitle=filters_in_words(filters, lab),
        numbers=numbers,
        tables=tables,
        charts=charts,
        notes=views.unverified_caveats(pkg, filters.as_of, list(data.statuses["event_id"])),
    )


def mineral(pkg: DataPackage, mineral_id: str, filters: Filters) -> Content:
    """The Mineral page's head: top producer per stage and the share charts, for page and briefing."""
    prof = views.mineral_profile(pkg, mineral_id, filters)
    lab = labels(pkg)
    names = pkg["countries"].set_index("iso3")["name"].to_dict()
    numbers = [
        Number(
            f"{r.title}: top producer, {lab.country(r.top1_country)}",
            f"{r.top1:.1f}% of world",
            f"HHI {r.hhi:,.0f} (0 to 10 000); top-3 share {r.top3:.1f}%; basis: {r.basis}.",
        )
        for r in prof.stages.itertuples()
    ]
    charts = [
        Chart(
            title,
            figures.shares_figure(shares, names, title, prof.share_sources[title]),
            prof.share_sources[title],
        )
        for title, shares in prof.shares.items()
    ]
    return Content(
        title=f"{prof.name}: supply, controls and dependency as of {filters.as_of:%d %B %Y}",
        subtitle=filters_in_words(filters, lab),
        numbers=numbers,
        charts=charts,
    )

"""Finished content for the pages and their briefings (the content model, page by page).

Each function takes the package, the page's choice and the filters, and returns a
:class:`analysis.content.Content` (title, subtitle with the filters in words, key numbers with
labels and units, charts with title and source line). The Streamlit page and both briefing
formats render that same object: every page (Overview, Map, Timeline, Mineral, Country,
Scenario, Data) and the charts only briefings print (``printed=True``, or ``print_charts``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from analysis import figures, maps, sources, views
from analysis.content import (
    Chart,
    Content,
    Download,
    Link,
    MapView,
    Number,
    PageLink,
    Section,
    Table,
    Text,
    filters_in_words,
    percent,
)
from analysis.filters import Filters, acts
from analysis.labels import URL_COLUMNS, Labels, labels
from analysis.metrics import SCENARIO_ASSUMPTIONS
from analysis.package import DataPackage

ROOT = Path(__file__).resolve().parent.parent


def table(
    lab: Labels, title: str, frame: pd.DataFrame, columns: list[str], note: str = ""
) -> Table:
    """A table with the package's display labels (codes as names, '-' for gaps), links marked."""
    cols = [c for c in columns if c in frame.columns]
    links = tuple(lab.column(c) for c in cols if c in URL_COLUMNS)
    return Table(title, lab.table(frame, cols), links=links, note=note)


def shown_table(title: str, frame: pd.DataFrame, note: str = "", links: tuple = ()) -> Table:
    """A table a view already built with display headers (trade tables)."""
    return Table(title, frame, links=links, note=note)


def country(pkg: DataPackage, iso3: str, filters: Filters, printed: bool = False) -> Content:
    """The Country profile: key numbers, the producer chart, its controls and the controls that
    reach it, its deals on a map, what it depends on as an importer. ``printed`` adds the static
    map and the charts only a briefing prints."""
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
    latest = views.latest_production(pkg)
    if not prof.producer.empty:
        title = (
            f"{prof.name}: share of world production by mineral, {views.latest_year(pkg)} "
            f"({sources.edition_label(latest)})"
        )
        source = sources.supply_source(pkg, latest)
        frame = prof.producer.assign(country=prof.producer["title"])[["country", "share"]]
        charts.append(
            Chart(
                title,
                figures.shares_figure(frame, {}, title, source, top=15),
                source,
                name="Minerals where it is a major producer",
            )
        )
    head: list = []
    if not charts:
        head.append(
            Text(
                f"{prof.name} has no mineral with 5% or more of world production in "
                f"{sources.edition_label(latest)}.",
                "info",
            )
        )
    cols = ["announced", "status", "title", "minerals", "source_url"]
    controls = Section(
        "",
        [
            Section(
                "Export controls it imposed",
                [table(lab, "Export controls it imposed", prof.imposed, cols)],
            ),
            Section(
                "Controls by others that reach it",
                [
                    table(
                        lab,
                        "Controls by others that reach it",
                        prof.targeted,
                        ["actor", "scope", *cols],
                    )
                ],
            ),
        ],
        columns=2,
    )
    caveats = views.unverified_caveats(
        pkg, filters.as_of, list(prof.imposed["event_id"]) + list(prof.targeted["event_id"])
    )
    sections = [Section("", head), controls, Section("", [Text(c) for c in caveats])]
    sections.append(_deals_section(pkg, prof, lab, filters, printed))
    sections.append(_dependency_section(pkg, iso3, filters))
    if not prof.imports.empty:
        sections.append(
            Section(
                "As an importer (USGS)",
                [
                    table(
                        lab,
                        "As an importer (USGS)",
                        prof.imports,
                        [
                            "mineral",
                            "year",
                            "net_import_reliance_pct",
                            "reliance_qualifier",
                            "source_rank",
                            "source_country",
                            "sources_period",
                        ],
                        note=sources.source_line(
                            pkg, f"{views.imports_label(prof.imports)}, Fig. 2 (public domain)"
                        ),
                    )
                ],
            )
        )
    return Content(
        title=f"{prof.name}: minerals, export controls and deals as of {filters.as_of.day} {filters.as_of:%B %Y}",
        subtitle=filters_in_words(filters, lab)
        + ". The country chosen on the page replaces the country filter.",
        numbers=numbers,
        charts=charts,
        sections=sections,
        print_charts=_country_print_charts(pkg, prof, filters) if printed else [],
    )


def _deals_section(pkg: DataPackage, prof, lab: Labels, filters: Filters, printed: bool) -> Section:
    """The country's deals: partners shaded on a map, arcs from it to each partner, the list."""
    heading = f"Deals it joined ({len(prof.deals)}) and with whom"
    items: list = []
    countries = pkg["countries"].set_index("iso3")
    located = prof.partners.dropna(subset=["lat"])
    if located.empty or prof.iso3 not in countries.index:
        items.append(Text("No deal partner with a location on the map.", "info"))
    else:
        home = countries.loc[prof.iso3]
        arcs = pd.DataFrame(
            {
                "lon": float(home["lon"]),
                "lat": float(home["lat"]),
                "lon_t": located["lon"],
                "lat_t": located["lat"],
                "actor": prof.iso3,
                "target": located["partner"],
                "event_type": "deal_framework",
                "name": located["partner"].map(lab.country),
                "label": located["deals"].astype(str) + " deal(s) with " + prof.name,
                "title": "latest " + located["latest"].dt.strftime("%d %b %Y").str.lstrip("0"),
                "detail": "",
            }
        )
        counts = prof.partners.set_index("partner")["deals"].astype(float)
        shapes = maps.world_shapes(pkg)
        layers = maps.layers(
            shapes,
            counts,
            lab.countries,
            "Deals with " + prof.name,
            arcs,
            None,
            {prof.iso3},
            outline=False,
        )
        title = f"{prof.name}: deals by partner country, as of {filters.as_of.day} {filters.as_of:%b %Y}"
        source = lab.source("events+shapes")
        figure = None
        if printed:
            figure = figures.static_map_figure(
                maps.full_shapes(pkg), counts, title, source, "Deals with the country"
            )
        items.append(
            MapView(
                title,
                maps.deck_spec(layers, lat=20, lon=float(home["lon"]), zoom=0.6),
                maps.TOOLTIP,
                f"Countries shaded by the number of deals they share with {prof.name} (light to "
                f"dark orange; grey: none); arcs from {prof.name} to each partner. {source}",
                source,
                height=380,
                figure=figure,
                name="Deal partners",
            )
        )
    items.append(
        table(
            lab,
            heading,
            prof.deals,
            ["announced", "title", "actor", "counterparts", "minerals", "binding", "source_url"],
        )
    )
    return Section(heading, items)


def _dependency_section(pkg: DataPackage, iso3: str, filters: Filters) -> Section:
    """What the country depends on as an importer (BACI), with two slope charts."""
    dep = views.country_dependency(pkg, iso3, filters)
    heading = f"What {dep.name} depends on: imports by mineral, {dep.year}"
    items: list = [Text(dep.note)]
    if dep.table.empty:
        items.append(
            Text(f"BACI records no imports by {dep.name} of the mineral products tracked.", "info")
        )
        return Section(heading, items)
    items.append(shown_table(heading, dep.table, dep.source, links=("Mineral page",)))
    ranked = dep.slopes[dep.slopes["mineral"].isin(dep.minerals[:8])]
    charts = []
    for value, axis, what, name in (
        (
            "controlled_share",
            "Imports from controlled exporters (%)",
            "share of imports from controlled exporters",
            "How its dependency changed",
        ),
        ("hhi", "Import concentration (HHI, 0 to 10 000)", "import concentration", ""),
    ):
        title = f"{dep.name}: {what}, {dep.since} and {dep.year}"
        source = f"{dep.source}. Dataset v{pkg.version}."
        charts.append(
            Chart(title, figures.slope_figure(ranked, value, axis, title, source), source, name)
        )
    items.append(Section("", charts))  # full width: a half-width chart cuts its title at 1280 px
    return Section(heading, items)


def _country_print_charts(pkg: DataPackage, prof, filters: Filters) -> list[Chart]:
    """The charts a country briefing prints beside the page's: events per year and the
    minerals it depends on, as bars."""
    lab = labels(pkg)
    out = []
    events = country_events(prof)
    if len(events):
        counts = (
            acts(events, pkg["events"])
            .assign(year=lambda e: e["announced"].dt.year)
            .groupby(["year", "event_type"])
            .size()
            .rename("n")
            .reset_index()
        )
        title = f"{prof.name}: deals and controls per year, to {filters.as_of.day} {filters.as_of:%b %Y}"
        source = lab.source("events")
        fig = figures.counts_figure(
            counts,
            "year",
            "n",
            "event_type",
            title,
            source,
            "Year announced",
            "Number of events",
            names=lab.event_types,
        )
        out.append(Chart(title, fig, source, "Events per year"))
    dep = views.country_dependency(pkg, prof.iso3, filters)
    column = "From controlled exporters (%)"
    if not dep.table.empty:
        ranked = dep.table.head(12)
        title = (
            f"{prof.name}: share of {dep.year} imports from exporters with a control in force on "
            f"{filters.as_of.day} {filters.as_of:%b %Y}, by mineral (%)"
        )
        source = f"{dep.source}. Dataset v{pkg.version}."
        fig = figures.shares_figure(
            pd.DataFrame({"country": ranked["Mineral"], "share": ranked[column]}),
            {},
            title,
            source,
            top=12,
        )
        out.append(Chart(title, fig, source, "What it depends on"))
    return out


def country_events(prof) -> pd.DataFrame:
    """The events a country briefing lists: its controls, controls naming it, its deals."""
    return pd.concat(
        [prof.imposed, prof.targeted[prof.targeted["scope"] == "named"], prof.deals]
    ).drop_duplicates("event_id")


def scenario(
    pkg: DataPackage,
    country: str,
    mineral: str,
    cut: float,
    filters: Filters,
    printed: bool = False,
) -> Content:
    """The Scenario: title, supply lost and partners' output per stage, the chart, the importers
    exposed and every importer of its exports; ``printed`` adds who else produces it."""
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
    produces = not stages.empty and stages["country_share"].sum() > 0
    if produces:
        used = views.scenario_rows(pkg, stages)
        title = (
            f"{who} cuts {name.lower()} exports by {cut:g}%: supply lost vs deal partners' output, "
            f"{sources.edition_label(used)} (as of {filters.as_of.day} {filters.as_of:%b %Y})"
        )
        source = sources.supply_source(pkg, used, "deals in force from the events dataset")
        charts.append(
            Chart(
                title,
                figures.scenario_figure(stages, title, source),
                source,
                "Supply lost and partners' output",
            )
        )
    edition = sources.edition_label(views.scenario_rows(pkg, stages)) if len(stages) else None
    sections: list[Section] = [Section("", [Text(SCENARIO_ASSUMPTIONS, "info")])]
    if not produces:
        numbers = []
        sections.append(
            Section(
                "",
                [
                    Text(
                        f"{who} has no recorded production of {name.lower()} in the USGS data "
                        f"for {filters.as_of:%Y} (or the latest year before it).",
                        "info",
                    )
                ],
            )
        )
    else:
        exposed = Section(
            "Importers exposed",
            [
                table(
                    lab,
                    "Importers exposed",
                    res["exposed"],
                    [
                        "importer",
                        "mineral",
                        "net_import_reliance_pct",
                        "reliance_qualifier",
                        "source_rank",
                    ],
                    note="Only the United States has ranked import-source data (USGS).",
                )
            ],
        )
        offsets = Section(
            "Deal partners' output (upper bound)",
            [
                table(
                    lab,
                    "Deal partners' output (upper bound)",
                    res["offsets"].round(2),
                    ["country", "stage", "basis", "share"],
                )
            ],
        )
        sections.append(Section("", [exposed, offsets], columns=2))
    at_stake = views.scenario_importers(pkg, country, mineral, cut, filters.as_of)
    heading = "Every importer of its exports (trade flows)"
    if at_stake.empty:
        flows: list = [Text(f"No BACI trade flows of {name.lower()} from {who}.", "info")]
    else:
        note = (
            f"Share at stake = share of the importer's imports from {who} x {cut:g} %. "
            f"{views.trade_source_line(pkg)}"
        )
        flows = [shown_table(heading, at_stake, note)]
    sections.append(Section(heading, flows))
    print_charts = []
    if printed:
        names = pkg["countries"].set_index("iso3")["name"].to_dict()
        prof = views.mineral_profile(pkg, mineral, replace(filters, countries=()))
        for title, shares in list(prof.shares.items())[:1]:
            full = f"{title} (as of {filters.as_of.day} {filters.as_of:%b %Y})"
            fig = figures.shares_figure(shares, names, full, prof.share_sources[title])
            print_charts.append(Chart(full, fig, prof.share_sources[title], "Who else produces it"))
    return Content(
        title=f"Scenario: {who} cuts {name.lower()} exports by {cut:g}% from {filters.as_of.day} {filters.as_of:%B %Y}",
        subtitle=f"Status as of {filters.as_of.day} {filters.as_of:%B %Y} · production shares: "
        f"{edition or 'none recorded'} · dataset v{pkg.version}",
        numbers=numbers,
        charts=charts,
        sections=sections,
        print_charts=print_charts,
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
        title = f"Share of world supply behind an export control in force, to {filters.as_of.day} {filters.as_of:%b %Y}"
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
        title=f"Critical minerals: deals and export controls as of {filters.as_of.day} {filters.as_of:%B %Y}",
        subtitle=filters_in_words(filters, lab),
        numbers=numbers,
        tables=tables,
        charts=charts,
        notes=views.unverified_caveats(pkg, filters.as_of, list(data.statuses["event_id"])),
    )


def mineral(
    pkg: DataPackage,
    mineral_id: str,
    filters: Filters,
    chosen: tuple = (),
    printed: bool = False,
) -> Content:
    """The Mineral page: top producer per stage and the share charts, processing shares,
    exposure over time, trade flows, U.S. reliance, governance-weighted risk, deals, the
    status of its controls on the as-of date; ``printed`` adds the producers' map."""
    prof = views.mineral_profile(pkg, mineral_id, filters, chosen)
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
    low = prof.name.lower()
    sections: list[Section] = []
    if prof.stages.empty:
        sections.append(
            Section(
                "",
                [
                    Text(
                        f"USGS publishes no country production for {prof.name}; see processing "
                        "shares and events below.",
                        "info",
                    )
                ],
            )
        )
    if not prof.revisions.empty:
        sections.append(
            Section(
                f"Figures a later USGS edition revised ({len(prof.revisions)})",
                [
                    shown_table(
                        "Figures a later USGS edition revised",
                        prof.revisions,
                        "Each year is taken from the newest USGS Mineral Commodity Summaries "
                        "edition reporting it; what an older edition said differently is "
                        "listed here.",
                    )
                ],
                collapsed=True,
                print=False,
            )
        )
    if not prof.processing.empty:
        heading = "Processing and refining shares (cited per row)"
        sections.append(
            Section(
                heading,
                [
                    table(
                        lab,
                        heading,
                        prof.processing,
                        [
                            "stage",
                            "year",
                            "country",
                            "share_pct",
                            "qualifier",
                            "scope",
                            "source_publisher",
                            "source_url",
                        ],
                    )
                ],
            )
        )
    marks = prof.events[["announced", "title", "event_type", "event_id"]]
    caveats = views.unverified_caveats(pkg, filters.as_of, list(prof.events["event_id"]))
    if not prof.exposure_series.empty:
        title = (
            f"{prof.name}: world production behind an export control in force, "
            f"to {filters.as_of.day} {filters.as_of:%b %Y}"
        )
        fig = figures.exposure_figure(prof.exposure_series, marks, title, prof.exposure_source)
        chart = Chart(
            title,
            fig,
            prof.exposure_source,
            "Supply behind export controls over time",
            notes=tuple(caveats),
        )
        sections.append(Section("", [chart, *[Text(c) for c in caveats]]))
    sections.append(_trade_section(pkg, prof, filters, marks))
    sections.append(
        Section("", [_reliance_section(lab, prof), _governance_section(lab, prof)], columns=2)
    )
    heading = f"Deals covering {low} ({len(prof.deals)})"
    sections.append(
        Section(
            heading,
            [
                table(
                    lab,
                    heading,
                    prof.deals,
                    [
                        "announced",
                        "title",
                        "actor",
                        "counterparts",
                        "event_type",
                        "binding",
                        "source_url",
                    ],
                )
            ],
        )
    )
    sections.append(
        status_section(
            pkg,
            replace(filters, minerals=(mineral_id,)),
            f"Export controls on {low}: status on {filters.as_of.day} {filters.as_of:%B %Y}",
            f"No export control on {low} matching the filters had been announced by this date.",
        )
    )
    if not prof.stages.empty:
        top = prof.stages.sort_values("top1", ascending=False).iloc[0]
        sections.append(
            Section(
                "",
                [
                    PageLink(
                        f"What if {lab.country(top['top1_country'])} cut {low} exports? "
                        "Open the scenario",
                        "pages/scenario.py",
                        {
                            "sc_country": str(top["top1_country"]),
                            "sc_mineral": str(top["mineral"]),
                            "cut": "50",
                        },
                    )
                ],
                print=False,
            )
        )
    print_charts = []
    if printed and prof.shares:
        title, first = next(iter(prof.shares.items()))
        values = first.set_index("country")["share"]
        source = prof.share_sources[title].replace("Source: ", "Source: shapes Natural Earth; ", 1)
        full = f"{title} by country (as of {filters.as_of.day} {filters.as_of:%b %Y})"
        fig = figures.static_map_figure(
            maps.full_shapes(pkg), values, full, source, "Share of world production (%)"
        )
        print_charts.append(Chart(full, fig, source, "Where it is produced"))
    shares_line = (
        "; ".join(sorted({v.removeprefix("Source: ") for v in prof.share_sources.values()}))
        or "none."
    )
    return Content(
        title=f"{prof.name}: supply, controls and dependency as of {filters.as_of.day} {filters.as_of:%B %Y}",
        subtitle=f"{filters_in_words(filters, lab)}. Production shares: {shares_line} "
        "Processing shares are cited row by row.",
        numbers=numbers,
        charts=charts,
        sections=sections,
        print_charts=print_charts,
    )


def _trade_section(pkg: DataPackage, prof, filters: Filters, marks: pd.DataFrame) -> Section:
    heading = f"Who imports {prof.name.lower()} and from whom (trade flows)"
    if prof.mineral not in views.trade_minerals(pkg):
        text = f"BACI's HS 1992 products have no code for {prof.name.lower()} alone."
        return Section(heading, [Text(text, "info")])
    flows = views.mineral_trade(pkg, prof.mineral, filters)
    products = "; ".join(
        f"{r['HS 1992 code']} {r['Product (BACI)']} ({r['Stage']})" for _, r in flows.hs.iterrows()
    )
    items: list = [
        Text(
            f"Largest importers in {flows.year}, their dependency on their largest source and on "
            f"exporters with a control in force on {filters.as_of.day} {filters.as_of:%b %Y}. Products counted: "
            f"{products}"
        ),
        shown_table(heading, flows.importers),
    ]
    title = f"{prof.name}: world exports by exporter, 1995-{flows.year}, with export-control events"
    fig = figures.trade_exports_figure(flows.exports, flows.controls, title, flows.source)
    items.append(Chart(title, fig, flows.source, "World exports by exporter"))
    if not flows.exposure.empty:
        title = (
            f"{prof.name}: world exports behind an export control in force, "
            f"to {filters.as_of.day} {filters.as_of:%b %Y}"
        )
        source = f"{flows.source}. {flows.exposure_note}"
        fig = figures.exposure_figure(
            flows.exposure,
            marks,
            title,
            source,
            y_title="World exports behind a control in force (%)",
        )
        items.append(Chart(title, fig, source, "Exports behind export controls over time"))
        items.append(
            Text(
                "Beside the production basis above, not instead of it: a ban that works removes "
                "the exporter from world exports, so the export basis falls when the production "
                "basis stays high."
            )
        )
    return Section(heading, items)


def _reliance_section(lab: Labels, prof) -> Section:
    heading = "U.S. import reliance and sources"
    if prof.imports.empty:
        return Section(
            heading, [Text("USGS gives no U.S. net import reliance for this mineral.", "info")]
        )
    first = prof.imports.iloc[0]
    q = first["reliance_qualifier"] if isinstance(first["reliance_qualifier"], str) else ""
    value = "net exporter" if q == "E" else f"{q}{first['net_import_reliance_pct']:.0f}%"
    return Section(
        heading,
        [
            Number(prof.imports_label, value),
            table(
                lab,
                heading,
                prof.imports,
                ["source_rank", "source_country", "controlled", "partner"],
                note=lab.source("import_reliance"),
            ),
        ],
    )


def _governance_section(lab: Labels, prof) -> Section:
    heading = "Governance-weighted supply risk"
    if prof.governance.empty:
        return Section(heading, [Text("No production data to weigh.", "info")])
    return Section(
        heading,
        [
            table(
                lab,
                heading,
                prof.governance.round(2),
                [
                    "mineral",
                    "stage",
                    "basis",
                    "share_year",
                    "hhi_wgi",
                    "hhi_wgi_t",
                    "supply_risk",
                    "eu_2023_supply_risk",
                    "bottleneck",
                ],
                note="HHI_WGI,t after the EU 2017 method, with trade parameters from the controls "
                "in force on the as-of date; see Data & methods.",
            )
        ],
    )


def status_section(pkg: DataPackage, filters: Filters, heading: str, empty: str) -> Section:
    """The "status on this date" table: each export control known on the as-of date."""
    on_date = views.status_on_date(pkg, filters)
    if on_date.empty:
        return Section(heading, [Text(empty, "info")])
    return Section(heading, [table(labels(pkg), heading, on_date, list(on_date.columns))])


LANES = {"actor": "Actor", "mineral": "Mineral"}


def timeline(pkg: DataPackage, filters: Filters, lane: str = "actor") -> Content:
    """The Timeline: events as marks and each control's status as bars, lanes by actor or by
    mineral, the events to pick from, and the status of every control on the as-of date."""
    data = views.timeline(pkg, filters)
    lab = labels(pkg)
    events = data.events
    charts = []
    notes: list[str] = []
    choices: dict[str, str] = {}
    if not events.empty:
        types = pkg["event_types"].set_index("event_type")
        spans = data.spans
        if lane == "mineral" and data.mineral_spans is not None:
            spans = data.mineral_spans
        title = "Deals and export controls over time"
        fig = figures.timeline_figure(
            events,
            spans,
            labels={str(k): str(v) for k, v in types["label"].items()},
            categories={str(k): str(v) for k, v in types["category"].items()},
            lane=lane,
            as_of=filters.as_of,
            source_line=lab.source("events"),
            lane_names=lab.minerals if lane == "mineral" else lab.countries,
            reviewed=views.review_date(pkg),
        )
        if fig.layout.title.text:
            title = fig.layout.title.text
        charts.append(Chart(title, fig, lab.source("events"), "Timeline"))
        ordered = events.sort_values("announced", ascending=False)
        choices = dict(
            zip(
                ordered["event_id"],
                ordered["announced"].dt.strftime("%Y-%m-%d") + " · " + ordered["title"],
                strict=True,
            )
        )
        notes = views.unverified_caveats(pkg, filters.as_of, list(events["event_id"]))
    sections = [
        status_section(
            pkg,
            filters,
            f"Export controls: status on {filters.as_of.day} {filters.as_of:%B %Y}",
            "No export control matching the filters had been announced by this date.",
        )
    ]
    return Content(
        title="Timeline of deals and export controls",
        subtitle=f"{filters_in_words(filters, lab)} · lanes by {LANES[lane].lower()}. Bars show "
        f"each export control's status over time, up to {filters.as_of.day} {filters.as_of:%B %Y}.",
        charts=charts,
        notes=notes,
        sections=sections,
        choices={"event": choices, "count": {"events": str(len(events))}},
    )


def event_detail(pkg: DataPackage, event_id: str) -> Section:
    """One event as a reader sees it: title, summary, who with whom, its source, linked events."""
    lab = labels(pkg)
    row = pkg["events"].set_index("event_id").loc[event_id]
    items: list = [
        Text(str(row["summary"]), "body"),
        Text(
            f"{lab.event_type(row['event_type'])} by {lab.country(row['actor'])} · with "
            f"{lab.countries_list(row['counterparts'])} · minerals: "
            f"{lab.minerals_list(row['minerals'])} · announced {row['announced'].day} {row['announced']:%b %Y} "
            f"({row['date_precision']} precision)"
        ),
        Link(f"Source: {row['source_publisher']}", str(row["source_url"])),
    ]
    related = views.related_events(pkg, event_id)
    if not related.empty:
        items.append(
            table(
                lab,
                "Linked events (acts on this event, or acted on by it)",
                related,
                ["link", "event_type", "announced", "effective", "ends", "title", "source_url"],
                note="Linked events (acts on this event, or acted on by it)",
            )
        )
    return Section(str(row["title"]), items)


MEASURES = {
    "controls": "Export controls in force",
    "share": "Production share",
    "governance": "Governance (WGI)",
    "controlled": "Imports from controlled exporters (trade)",
}


def map_page(
    pkg: DataPackage,
    filters: Filters,
    measure: str,
    mineral: str,
    stage: str | None = None,
    basis: str | None = None,
    importer: str | None = None,
) -> Content:
    """The Map: countries coloured by one measure over shapes, deals as arcs (one named
    counterpart) and hubs (several), or an importer's trade flows; the top 25 countries."""
    lab = labels(pkg)
    shapes = maps.world_shapes(pkg)
    trade_view = measure == "controlled"
    if trade_view:
        data = views.trade_map(pkg, filters, mineral, str(importer))
        legend, source = data.legend, data.source
        arcs = data.arcs[["name", "label", "lat", "lon", "lat_t", "lon_t", "share"]].assign(
            width=lambda d: 1 + d["share"] / 10, title="", detail=""
        )
        values = data.countries.set_index("iso3")["value"]
        layers = maps.layers(
            shapes, values, lab.countries, legend, None, None, set(filters.countries)
        )
        if not arcs.empty:
            layers.append(maps.flow_layer(arcs))
        arc_text = f"Arcs: where {lab.country(importer)}'s imports come from, width by share."
        key = "Arcs run from each source (orange end) to the importer (blue end)."
        countries = data.countries
    else:
        mdata = views.map_data(pkg, filters, measure, mineral, str(stage), basis)
        legend, source = mdata.legend, lab.source("events+shapes")
        arcs = mdata.arcs.assign(
            name=mdata.arcs["event_type"].map(lab.event_type),
            label=mdata.arcs["actor"].map(lab.country)
            + " with "
            + mdata.arcs["target"].map(lab.country),
            detail=mdata.arcs["minerals"].map(lab.minerals_list)
            + " · "
            + mdata.arcs["announced"].dt.strftime("%d %b %Y").str.lstrip("0"),
        ).drop(columns=["announced"])
        hubs = mdata.hubs
        if not hubs.empty:
            hubs = hubs.assign(
                name=hubs["event_type"].map(lab.event_type),
                label=hubs["actor"].map(lab.country)
                + " and "
                + (hubs["parties"] - 1).astype(str)
                + " other parties",
                detail=hubs["minerals"].map(lab.minerals_list)
                + " · "
                + hubs["announced"].dt.strftime("%d %b %Y").str.lstrip("0"),
            )[["lon", "lat", "parties", "event_type", "name", "label", "title", "detail"]]
        values = mdata.countries.set_index("iso3")["value"]
        layers = maps.layers(
            shapes, values, lab.countries, legend, arcs, hubs, set(filters.countries)
        )
        arc_text = "Arcs: deals matching the filters, actor to counterpart, coloured by deal type."
        key = (
            "Arcs: a deal with one named counterpart, coloured by deal type as on the Timeline. "
            "Circles: a signing with several parties, at the host, sized by the number of "
            "parties. The countries in the country filter are outlined and their own arcs drawn "
            "strong, the others faint."
        )
        countries = mdata.countries
    title = f"Map of export controls and deals as of {filters.as_of.day} {filters.as_of:%B %Y}"
    view_map = MapView(
        title,
        maps.deck_spec(layers),
        maps.TOOLTIP,
        "Legend: countries light to dark orange = low to high value, grey = no data. " + key,
        source,
        height=560,
    )
    items: list = [view_map, Text(view_map.legend)]
    if measure == "controls":
        controls = views.events_table(pkg, filters)
        items += [
            Text(c)
            for c in views.unverified_caveats(pkg, filters.as_of, list(controls["event_id"]))
        ]
    ranked = countries.dropna(subset=["value"]).sort_values("value", ascending=False).head(25)
    ranked = pd.DataFrame(
        {
            lab.column("country"): ranked["iso3"].map(lambda c: lab.country(c, with_code=True)),
            legend: ranked["value"].round(1).to_numpy(),
        }
    ).reset_index(drop=True)
    items.append(shown_table(f"Countries by {legend}", ranked, source if trade_view else ""))
    return Content(
        title=title,
        subtitle=f"{filters_in_words(filters, lab)}. Countries coloured by: {legend}. {arc_text}",
        sections=[Section("", items)],
    )


SEARCHED = ["title", "summary", "actor", "counterparts", "minerals", "instrument", "notes"]


def data(pkg: DataPackage, filters: Filters, search: str = "") -> Content:
    """Data & methods: the events matching the filters (and the search) with their sources and
    a CSV of exactly those, every table for download, sources and licences, the methodology."""
    lab = labels(pkg)
    events = views.events_table(pkg, filters)
    if search:
        text = events[SEARCHED].fillna("").astype(str).agg(" ".join, axis=1)
        events = events[text.str.contains(search, case=False, regex=False)]
    first = ["announced", "title", "status", "event_type", "actor", "counterparts", "minerals"]
    cols = first + [c for c in events.columns if c not in {*first, "event_id"}]
    count = (
        f"{len(events)} events match the filters"
        + (" and the search" if search else "")
        + f"; export controls show their status on {filters.as_of.day} {filters.as_of:%B %Y}."
    )
    events_section = Section(
        "",
        [
            Text(count),
            table(lab, "Events", events, cols),
            Download(
                "Download these events (CSV)",
                "events_filtered.csv",
                "text/csv",
                data=events.to_csv(index=False, date_format="%Y-%m-%d"),
            ),
        ],
    )
    files = [
        Download(
            str(res["path"]),
            str(res["path"]),
            "application/geo+json" if res.get("format") == "geojson" else "text/csv",
            path=str(res["path"]),
        )
        for res in pkg.descriptor["resources"]
    ]
    files.append(
        Download("datapackage.yaml", "datapackage.yaml", "text/yaml", path="datapackage.yaml")
    )
    licences = []
    for res in pkg.descriptor["resources"]:
        lic = ", ".join(x.get("title", x["name"]) for x in res.get("licenses", []))
        srcs = "; ".join(
            s["title"] + (f" ({s['path']})" if s.get("path") else "")
            for s in res.get("sources", [])
        )
        licences.append(
            Text(
                f"{res['path']}: {res.get('title', '')}. Licence: {lic}. "
                f"Sources: {srcs or 'row by row'}."
            )
        )
    licences.append(Text(sources.attribution(pkg)))
    method = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    return Content(
        title=f"Data and methods (dataset v{pkg.version})",
        subtitle="The events behind every chart, with their sources; every table for download; "
        "how each number is computed. " + filters_in_words(filters, lab) + ".",
        sections=[
            events_section,
            Section("Every table", files, columns=3),
            Section("Sources and licences", licences),
            Section("Methodology", [Text(method, "markdown")], print=False),
        ],
    )

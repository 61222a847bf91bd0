"""Finished content for the pages and their briefings (the content model, page by page).

Each function takes the package, the page's choice and the filters, and returns a
:class:`analysis.content.Content` (title, subtitle with the filters in words, key numbers with
labels and units, charts with title and source line). The Streamlit page and both briefing
formats render that same object. Pages moved so far: Country profile.
"""

from __future__ import annotations

from analysis import figures, sources, views
from analysis.content import Chart, Content, Number, filters_in_words
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
        Number("Minerals with 5% or more of world output", f"{prof.producer['mineral'].nunique()} minerals",
               "Minerals and stages where it had 5% or more of world production in the latest year."),
        Number("Export controls it imposed", f"{len(prof.imposed)} controls",
               "Export controls it announced by the as-of date, whatever their status then."),
        Number("Controls by others that reach it", f"{len(prof.targeted)} controls",
               f"{named} name it (or a bloc it belongs to); the others apply to all destinations."),
        Number("Governance (WGI, 0 strongest to 10 weakest)",
               "-" if wgi is None or wgi != wgi else f"{wgi:.1f} of 10",
               "World Bank Worldwide Governance Indicators, rescaled."),
        Number("Deals it joined", f"{len(prof.deals)} deals",
               "Deals announced by the as-of date where it is the actor or a counterpart."),
    ]  # fmt: skip
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

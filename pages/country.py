"""Country profile: where a country matters as a producer, what it restricts, who restricts it, its deals."""

from __future__ import annotations

from analysis.briefing import country_briefing
from pages.shared import (
    briefing_buttons,
    footer,
    heading,
    load,
    names,
    page_entry,
    render,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
top = heading()
filters = sidebar_filters(pkg)
country_names = names(pkg)
codes = sorted(pkg["countries"]["iso3"], key=lambda c: country_names.get(c, c))
default = filters.countries[0] if filters.countries and filters.countries[0] in codes else "CHN"
iso3 = url_choice(
    "iso", codes, default, "Country", format_func=lambda c: f"{country_names.get(c, c)} ({c})"
)
render(pkg, view("country_content", pkg, iso3, filters), top)
briefing_buttons(lambda: country_briefing(pkg, iso3, filters), f"country_{iso3}")
footer(pkg)

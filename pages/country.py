"""Country profile: where a country matters as a producer, what it restricts, who restricts it, its deals."""

from __future__ import annotations

import pandas as pd
import pydeck as pdk
import streamlit as st

from analysis import maps
from analysis.briefing import country_briefing
from analysis.figures import slope_figure
from analysis.labels import labels
from analysis.sources import edition_label
from analysis.text import escape_markdown as md
from analysis.views import latest_production
from pages.shared import (
    CHART_CONFIG,
    CompactDeck,
    briefing_buttons,
    country_shapes,
    footer,
    load,
    map_style,
    names,
    page_entry,
    show_chart,
    show_numbers,
    show_table,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
filters = sidebar_filters(pkg)
lab = labels(pkg)
country_names = names(pkg)
codes = sorted(pkg["countries"]["iso3"], key=lambda c: country_names.get(c, c))
default = filters.countries[0] if filters.countries and filters.countries[0] in codes else "CHN"
iso3 = url_choice(
    "iso", codes, default, "Country", format_func=lambda c: f"{country_names.get(c, c)} ({c})"
)
data = view("country_profile", pkg, iso3, filters)

content = view("country_content", pkg, iso3, filters)
st.title(md(content.title))
st.caption(md(content.subtitle))
show_numbers(content.numbers)
if not content.charts:
    st.info(
        f"{md(data.name)} has no mineral with 5% or more of world production in {edition_label(latest_production(pkg))}.",
        icon=":material/info:",
    )
for chart in content.charts:
    show_chart(chart)

left, right = st.columns(2)
cols = ["announced", "status", "title", "minerals", "source_url"]
with left:
    st.subheader("Export controls it imposed")
    show_table(pkg, data.imposed, cols)
with right:
    st.subheader("Controls by others that reach it")
    show_table(pkg, data.targeted, ["actor", "scope", *cols])
for line in view(
    "unverified_caveats",
    pkg,
    filters.as_of,
    list(data.imposed["event_id"]) + list(data.targeted["event_id"]),
):
    st.text(line)

st.subheader(f"Deals it joined ({len(data.deals)}) and with whom")
if data.partners.dropna(subset=["lat"]).empty or data.iso3 not in set(pkg["countries"]["iso3"]):
    st.info("No deal partner with a location on the map.", icon=":material/info:")
else:
    home = pkg["countries"].set_index("iso3").loc[data.iso3]
    located = data.partners.dropna(subset=["lat"])
    arcs = pd.DataFrame(
        {
            "lon": float(home["lon"]),
            "lat": float(home["lat"]),
            "lon_t": located["lon"],
            "lat_t": located["lat"],
            "actor": data.iso3,
            "target": located["partner"],
            "event_type": "deal_framework",
            "name": located["partner"].map(lab.country),
            "label": located["deals"].astype(str) + " deal(s) with " + data.name,
            "title": "latest " + located["latest"].dt.strftime("%d %b %Y"),
            "detail": "",
        }
    )
    counts = data.partners.set_index("partner")["deals"].astype(float)
    shapes = country_shapes(str(pkg.path("country_shapes")), pkg.version)
    deck = CompactDeck(
        layers=maps.layers(
            shapes, counts, lab.countries, "Deals with " + data.name, arcs, None, {data.iso3}
        ),
        initial_view_state=pdk.ViewState(latitude=20, longitude=float(home["lon"]), zoom=0.6),
        map_style=map_style(),
        tooltip=maps.TOOLTIP,
    )
    st.pydeck_chart(deck, height=380)
    st.caption(
        f"Countries shaded by the number of deals they share with {data.name} (light to dark "
        f"orange; grey: none); arcs from {data.name}, outlined in black, to each partner."
    )
show_table(
    pkg,
    data.deals,
    ["announced", "title", "actor", "counterparts", "minerals", "binding", "source_url"],
)
dep = view("country_dependency", pkg, iso3, filters)
st.subheader(f"What {dep.name} depends on: imports by mineral, {dep.year}")
st.caption(dep.note)
if dep.table.empty:
    st.info(
        f"BACI records no imports by {dep.name} of the mineral products tracked.",
        icon=":material/info:",
    )
else:
    st.dataframe(
        dep.table,
        hide_index=True,
        width="stretch",
        column_config={
            "Mineral page": st.column_config.LinkColumn("Mineral page", display_text="open")
        },
    )
    st.caption(dep.source)
    ranked = dep.slopes[dep.slopes["mineral"].isin(dep.minerals[:8])]
    left, right = st.columns(2)
    left.plotly_chart(
        slope_figure(
            ranked,
            "controlled_share",
            "Imports from controlled exporters (%)",
            f"{dep.name}: share of imports from controlled exporters, {dep.since} and {dep.year}",
            dep.source,
        ),
        width="stretch",
        config=CHART_CONFIG,
    )
    right.plotly_chart(
        slope_figure(
            ranked,
            "hhi",
            "Import concentration (HHI, 0 to 10 000)",
            f"{dep.name}: import concentration, {dep.since} and {dep.year}",
            dep.source,
        ),
        width="stretch",
        config=CHART_CONFIG,
    )
if not data.imports.empty:
    st.subheader("As an importer (USGS)")
    show_table(
        pkg,
        data.imports,
        [
            "mineral",
            "year",
            "net_import_reliance_pct",
            "reliance_qualifier",
            "source_rank",
            "source_country",
            "sources_period",
        ],
    )
    st.caption(lab.source("import_reliance"))
briefing_buttons(lambda: country_briefing(pkg, iso3, filters), f"country_{iso3}")
footer(pkg)

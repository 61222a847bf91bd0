"""Country profile: where a country matters as a producer, what it restricts, who restricts it, its deals."""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from analysis.briefing import country_briefing
from analysis.figures import shares_figure, slope_figure
from analysis.sources import edition_label, supply_source
from analysis.text import escape_markdown as md
from analysis.views import latest_production, latest_year
from pages.shared import (
    CHART_CONFIG,
    CompactDeck,
    briefing_buttons,
    footer,
    load,
    map_style,
    names,
    sidebar_filters,
    url_choice,
    view,
)

pkg = load()
filters = sidebar_filters(pkg)
country_names = names(pkg)
codes = sorted(pkg["countries"]["iso3"], key=lambda c: country_names.get(c, c))
default = filters.countries[0] if filters.countries and filters.countries[0] in codes else "CHN"
iso3 = url_choice(
    "iso", codes, default, "Country", format_func=lambda c: f"{country_names.get(c, c)} ({c})"
)
data = view("country_profile", pkg, iso3, filters)

st.title(f"{md(data.name)}: minerals, controls and deals as of {filters.as_of:%d %B %Y}")
a, b, c, d = st.columns(4)
a.metric("Minerals with ≥5% of world output", len(data.producer))
b.metric(
    "Controls it imposed",
    len(data.imposed),
    help="All export controls announced by the as-of date; status in the table.",
)
c.metric(
    "Controls by others that reach it",
    len(data.targeted),
    help="Controls naming it (or a bloc it belongs to) and controls on all destinations.",
)
governance = (
    "n/a"
    if data.governance is None or data.governance["wgi_scaled"] != data.governance["wgi_scaled"]
    else f"{data.governance['wgi_scaled']:.1f} / 10"
)
d.metric("Governance (WGI, 10 = weakest)", governance)

if data.producer.empty:
    st.info(
        f"{md(data.name)} has no mineral with 5% or more of world production in {edition_label(latest_production(pkg))}.",
        icon=":material/info:",
    )
else:
    frame = data.producer.assign(country=data.producer["title"])
    fig = shares_figure(
        frame[["country", "share"]],
        {},
        f"{data.name}: share of world production by mineral, {latest_year(pkg)} ({edition_label(latest_production(pkg))})",
        supply_source(pkg, latest_production(pkg)),
        top=15,
    )
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)

left, right = st.columns(2)
cols = ["announced", "status", "title", "minerals", "source_url"]
link = {
    "source_url": st.column_config.LinkColumn("Source", display_text="open source"),
    "announced": st.column_config.DateColumn("Announced", format="YYYY-MM-DD"),
}
left.subheader("Export controls it imposed")
left.dataframe(data.imposed[cols], hide_index=True, width="stretch", column_config=link)
right.subheader("Controls by others that reach it")
right.dataframe(
    data.targeted[["actor", "scope", *cols]], hide_index=True, width="stretch", column_config=link
)
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
    arcs = data.partners.dropna(subset=["lat"]).assign(src_lat=home["lat"], src_lon=home["lon"])
    layer = pdk.Layer(
        "ArcLayer",
        arcs,
        get_source_position=["src_lon", "src_lat"],
        get_target_position=["lon", "lat"],
        get_source_color=[0, 114, 178, 200],
        get_target_color=[0, 158, 115, 200],
        get_width="1 + deals",
        pickable=True,
    )
    deck = CompactDeck(
        layers=[layer],
        initial_view_state=pdk.ViewState(latitude=20, longitude=float(home["lon"]), zoom=0.6),
        map_style=map_style(),
        tooltip={"text": "{name}: {deals} deal(s), latest {latest}"},
    )
    st.pydeck_chart(deck, height=380)
st.dataframe(
    data.deals[
        ["announced", "title", "actor", "counterparts", "minerals", "binding", "source_url"]
    ],
    hide_index=True,
    width="stretch",
    column_config=link,
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
    st.dataframe(data.imports, hide_index=True, width="stretch")
briefing_buttons(lambda: country_briefing(pkg, iso3, filters), f"country_{iso3}")
footer(pkg)

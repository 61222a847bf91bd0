"""Map: who restricts, who produces, how they are governed, and who has deals with whom."""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from analysis import maps
from analysis.labels import labels
from analysis.views import produced_minerals, trade_minerals
from pages.shared import (
    CompactDeck,
    country_shapes,
    footer,
    load,
    map_style,
    names,
    page_entry,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
filters = sidebar_filters(pkg)
lab = labels(pkg)
MEASURES = {
    "controls": "Export controls in force",
    "share": "Production share",
    "governance": "Governance (WGI)",
    "controlled": "Imports from controlled exporters (trade)",
}
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    measure = url_choice(
        "measure", list(MEASURES), "controls", "Colour countries by", format_func=MEASURES.get
    )
prod = pkg["production"]
labels = pkg["minerals"].set_index("mineral_id")["name"].to_dict()
trade_view = measure == "controlled"
with c2:
    mineral = url_choice(
        "map_mineral",
        sorted(trade_minerals(pkg) if trade_view else produced_minerals(pkg), key=labels.get),
        "rare_earths",
        "Mineral (for shares and trade)",
        format_func=labels.get,
    )
if trade_view:
    trade_names = names(pkg)
    importers = sorted(pkg["countries"]["iso3"], key=lambda c: trade_names.get(c, c))
    with c3:
        importer = url_choice(
            "importer",
            importers,
            "JPN",
            "Importer (arcs)",
            format_func=lambda c: trade_names.get(c, c),
        )
    data = view("trade_map", pkg, filters, mineral, importer)
else:
    stages = sorted(prod.loc[prod["mineral"] == mineral, "stage"].unique())
    with c3:
        stage = url_choice("stage", stages, stages[0], "Stage")
    here = pkg["production_bases"]
    here = here[(here["mineral"] == mineral) & (here["stage"] == stage)]
    basis = None
    if len(here) > 1 and measure == "share":  # several bases: an explicit choice, default listed
        shown = dict(zip(here["basis"], here["label"], strict=True))
        default_basis = str(here.loc[here["is_default"].astype(bool), "basis"].iloc[0])
        with c3:
            basis = url_choice(
                "basis", list(here["basis"]), default_basis, "Basis", format_func=shown.get
            )
    data = view("map_data", pkg, filters, measure, mineral, stage, basis)

st.title(f"Map of export controls and deals as of {filters.as_of:%d %B %Y}")
arc_text = (
    f"Arcs: where {trade_names.get(importer, importer)}'s imports come from, width by share."
    if trade_view
    else "Arcs: deals matching the filters, actor to counterpart, coloured by deal type."
)
st.caption(f"Countries coloured by: {data.legend}. {arc_text}")


values = data.countries.set_index("iso3")["value"]
shapes = country_shapes(str(pkg.path("country_shapes")), pkg.version)
if trade_view:
    arcs = data.arcs[["name", "label", "lat", "lon", "lat_t", "lon_t", "share"]].assign(
        width=lambda d: 1 + d["share"] / 10, title="", detail=""
    )
    hubs = None
else:
    arcs = data.arcs.assign(
        name=data.arcs["event_type"].map(lab.event_type),
        label=data.arcs["actor"].map(lab.country) + " with " + data.arcs["target"].map(lab.country),
        detail=data.arcs["minerals"].map(lab.minerals_list)
        + " · "
        + data.arcs["announced"].dt.strftime("%d %b %Y"),
    ).drop(columns=["announced"])
    hubs = data.hubs
    if not hubs.empty:
        hubs = hubs.assign(
            name=hubs["event_type"].map(lab.event_type),
            label=hubs["actor"].map(lab.country)
            + " and "
            + (hubs["parties"] - 1).astype(str)
            + " other parties",
            detail=hubs["minerals"].map(lab.minerals_list)
            + " · "
            + hubs["announced"].dt.strftime("%d %b %Y"),
        )[["lon", "lat", "parties", "event_type", "name", "label", "title", "detail"]]
layers = maps.layers(
    shapes,
    values,
    lab.countries,
    data.legend,
    None if trade_view else arcs,
    hubs,
    set(filters.countries),
)
if trade_view and not arcs.empty:
    layers.append(maps.flow_layer(arcs))
deck = CompactDeck(
    layers=layers,
    initial_view_state=pdk.ViewState(latitude=20, longitude=10, zoom=0.8),
    map_style=map_style(),
    tooltip=maps.TOOLTIP,
)
st.pydeck_chart(deck, height=560)
st.caption(
    "Legend: countries light to dark orange = low to high value, grey = no data. "
    + (
        "Arcs run from each source (orange end) to the importer (blue end)."
        if trade_view
        else "Arcs: a deal with one named counterpart, coloured by deal type as on the Timeline. "
        "Circles: a signing with several parties, at the host, sized by the number of parties. "
        "The countries in the country filter are outlined and their own arcs drawn strong, the "
        "others faint."
    )
)
if measure == "controls":
    controls = view("events_table", pkg, filters)
    for line in view("unverified_caveats", pkg, filters.as_of, list(controls["event_id"])):
        st.text(line)
table = data.countries.dropna(subset=["value"]).sort_values("value", ascending=False)
table = table.head(25).assign(country=table["iso3"].map(lambda c: lab.country(c, with_code=True)))
st.dataframe(
    table[["country", "value"]].rename(
        columns={"country": lab.column("country"), "value": data.legend}
    ),
    hide_index=True,
    width="stretch",
    column_config={data.legend: st.column_config.NumberColumn(data.legend, format="%.1f")},
)
if trade_view:
    st.caption(data.source)
footer(pkg)

"""Map: who restricts, who produces, how they are governed, and who has deals with whom."""

from __future__ import annotations

import math

import pydeck as pdk
import streamlit as st

from analysis.palette import EVENT_TYPE_COLOURS
from analysis.views import produced_minerals, trade_minerals
from pages.shared import (
    CompactDeck,
    country_shapes,
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


def hex_rgb(colour: str, alpha: int = 200) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


values = data.countries.set_index("iso3")["value"]
top = float(values.max()) if values.notna().any() else 1.0
shapes = country_shapes(str(pkg.path("country_shapes")), pkg.version)
features = []
for f in shapes["features"]:
    iso = f["properties"]["iso3"]
    v = values.get(iso)
    has = v is not None and not math.isnan(v)
    t = (v / top) if has and top else 0.0
    colour = (
        [int(255 - 42 * t), int(240 - 146 * t), int(220 - 220 * t), 220]
        if has
        else [220, 220, 220, 160]
    )
    label = f"{v:,.1f}" if has else "no data"
    geometry = f["geometry"]
    features.append(
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {**f["properties"], "fill": colour, "label": label},
        }
    )

layers = [
    pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": features},
        get_fill_color="properties.fill",
        get_line_color=[255, 255, 255],
        line_width_min_pixels=0.5,
        pickable=True,
        stroked=True,
        filled=True,
    ),
]
if trade_view and not data.arcs.empty:
    arcs = data.arcs[["name", "label", "lat", "lon", "lat_t", "lon_t", "share"]].assign(
        width=lambda d: 1 + d["share"] / 10, title="", minerals="", date=""
    )
    layers.append(
        pdk.Layer(
            "ArcLayer",
            arcs,
            get_source_position=["lon", "lat"],
            get_target_position=["lon_t", "lat_t"],
            get_source_color=[213, 94, 0, 200],
            get_target_color=[0, 114, 178, 200],
            get_width="width",
            pickable=True,
        )
    )
elif not data.arcs.empty:
    arcs = data.arcs.assign(
        colour=data.arcs["event_type"].map(lambda t: hex_rgb(EVENT_TYPE_COLOURS.get(t, "#0072B2"))),
        date=data.arcs["announced"].dt.strftime("%Y-%m-%d"),
    )
    layers.append(
        pdk.Layer(
            "ArcLayer",
            arcs.drop(columns=["announced"]),
            get_source_position=["lon", "lat"],
            get_target_position=["lon_t", "lat_t"],
            get_source_color="colour",
            get_target_color="colour",
            get_width=2,
            pickable=True,
        )
    )
deck = CompactDeck(
    layers=layers,
    initial_view_state=pdk.ViewState(latitude=20, longitude=10, zoom=0.8),
    map_style=map_style(),
    tooltip={
        "text": "{name} {label}\n{title}\n{minerals} {date}",
        "style": {"fontSize": "12px"},
    },
)
st.pydeck_chart(deck, height=560)
st.caption(
    "Legend: light to dark orange = low to high value; grey = no data. "
    + (
        "Arcs run from each source (orange end) to the importer (blue end)."
        if trade_view
        else "Deal arcs use the event-type colours of the Timeline."
    )
)
if measure == "controls":
    controls = view("events_table", pkg, filters)
    for line in view("unverified_caveats", pkg, filters.as_of, list(controls["event_id"])):
        st.text(line)
table = data.countries.dropna(subset=["value"]).sort_values("value", ascending=False)[
    ["iso3", "name", "value"]
]
st.dataframe(
    table.head(25),
    hide_index=True,
    width="stretch",
    column_config={"value": st.column_config.NumberColumn(data.legend, format="%.1f")},
)
if trade_view:
    st.caption(data.source)
footer(pkg)

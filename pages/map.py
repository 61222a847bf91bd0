"""Map: who restricts, who produces, how they are governed, and who has deals with whom."""

from __future__ import annotations

import math

import pydeck as pdk
import streamlit as st

from analysis.labels import labels
from analysis.palette import EVENT_TYPE_COLOURS
from analysis.views import produced_minerals
from pages.shared import (
    CompactDeck,
    country_shapes,
    footer,
    load,
    map_style,
    sidebar_filters,
    url_choice,
    view,
)

pkg = load()
filters = sidebar_filters(pkg)
lab = labels(pkg)
MEASURES = {
    "controls": "Export controls in force",
    "share": "Production share",
    "governance": "Governance (WGI)",
}
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    measure = url_choice(
        "measure", list(MEASURES), "controls", "Colour countries by", format_func=MEASURES.get
    )
prod = pkg["production"]
labels = pkg["minerals"].set_index("mineral_id")["name"].to_dict()
with c2:
    mineral = url_choice(
        "map_mineral",
        sorted(produced_minerals(pkg), key=labels.get),
        "rare_earths",
        "Mineral (for shares)",
        format_func=labels.get,
    )
stages = sorted(prod.loc[prod["mineral"] == mineral, "stage"].unique())
with c3:
    stage = url_choice("stage", stages, stages[0], "Stage")
data = view("map_data", pkg, filters, measure, mineral, stage)

st.title(f"Map of export controls and deals as of {filters.as_of:%d %B %Y}")
st.caption(
    f"Countries coloured by: {data.legend}. Arcs: deals matching the filters, actor to counterpart, coloured by deal type."
)


def hex_rgb(colour: str, alpha: int = 200) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _coarse(coords):
    """Coordinates to 0.5 degree for the browser: enough for a world map, a fraction of the bytes."""
    if isinstance(coords[0], (int, float)):
        return [round(coords[0] * 2) / 2, round(coords[1] * 2) / 2]
    return [_coarse(c) for c in coords]


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
    label = f"{data.legend}: {label}"
    geometry = f["geometry"]
    features.append(
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                **f["properties"],
                "fill": colour,
                "label": label,
                "name": lab.country(iso),
                "title": "",
                "minerals": "",
                "date": "",
            },
        }
    )

layers = [
    pdk.Layer("GeoJsonLayer", {"type": "FeatureCollection", "features": features}, get_fill_color="properties.fill",
              get_line_color=[255, 255, 255], line_width_min_pixels=0.5, pickable=True, stroked=True, filled=True),
]  # fmt: skip
if not data.arcs.empty:
    arcs = data.arcs.assign(
        colour=data.arcs["event_type"].map(lambda t: hex_rgb(EVENT_TYPE_COLOURS.get(t, "#0072B2"))),
        date=data.arcs["announced"].dt.strftime("%Y-%m-%d"),
        minerals=data.arcs["minerals"].map(lab.minerals_list),
        name=data.arcs["event_type"].map(lab.event_type),
        label=data.arcs["actor"].map(lab.country) + " with " + data.arcs["target"].map(lab.country),
    )
    layers.append(
        pdk.Layer("ArcLayer", arcs.drop(columns=["announced"]), get_source_position=["lon", "lat"], get_target_position=["lon_t", "lat_t"],
                  get_source_color="colour", get_target_color="colour", get_width=2, pickable=True)
    )  # fmt: skip
deck = CompactDeck(
    layers=layers,
    initial_view_state=pdk.ViewState(latitude=20, longitude=10, zoom=0.8),
    map_style=map_style(),
    tooltip={
        "html": "<b>{name}</b> {label}<br/>{title}<br/>{minerals} {date}",
        "style": {"fontSize": "12px"},
    },
)
st.pydeck_chart(deck, height=560)
st.caption(
    "Legend: light to dark orange = low to high value; grey = no data. Deal arcs use the event-type colours of the Timeline."
)
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
footer(pkg)

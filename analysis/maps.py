"""Every map layer and colour scale: country shapes, deal arcs, signing hubs (pydeck specs).

One ramp (``palette.ORANGE_RAMP``) colours countries on the Map and Country pages and in the
briefings' static maps. Shapes are always drawn under arcs, from data/country_shapes.geojson,
offline. A deal with one named counterpart is an arc; a deal with several counterparts (a
plurilateral signing) is one hub marker at the host, sized by the number of parties.
"""

from __future__ import annotations

import math

import pandas as pd

from analysis.palette import EVENT_TYPE_COLOURS, ORANGE_RAMP

NO_DATA = [200, 200, 200, 160]


def hex_rgb(colour: str, alpha: int = 200) -> list[int]:
    """'#D55E00' -> [213, 94, 0, alpha].

    >>> hex_rgb("#D55E00", 255)
    [213, 94, 0, 255]
    """
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def ramp_colour(t: float, alpha: int = 220) -> list[int]:
    """A colour on the shared orange ramp for ``t`` in 0..1 (linear between the ramp's stops).

    >>> ramp_colour(0.0)[:3] == hex_rgb(ORANGE_RAMP[0])[:3], ramp_colour(1.0)[:3] == hex_rgb(ORANGE_RAMP[-1])[:3]
    (True, True)
    """
    t = min(max(t, 0.0), 1.0) * (len(ORANGE_RAMP) - 1)
    i = min(int(t), len(ORANGE_RAMP) - 2)
    a, b = hex_rgb(ORANGE_RAMP[i]), hex_rgb(ORANGE_RAMP[i + 1])
    f = t - i
    return [round(a[k] + (b[k] - a[k]) * f) for k in range(3)] + [alpha]


def shape_features(
    shapes: dict, values: pd.Series, names: dict[str, str], label: str, highlight: set[str]
) -> dict:
    """Country shapes coloured by ``values`` (grey: no data), with the tooltip's fields."""
    top = float(values.max()) if values.notna().any() else 1.0
    features = []
    for f in shapes["features"]:
        iso = f["properties"]["iso3"]
        v = values.get(iso)
        has = v is not None and not math.isnan(v)
        fill = ramp_colour(float(v) / top if top and v is not None else 0.0) if has else NO_DATA
        features.append(
            {
                "type": "Feature",
                "geometry": f["geometry"],
                "properties": {
                    "iso3": iso,
                    "fill": fill,
                    "name": names.get(iso, f["properties"].get("name", iso)),
                    "label": f"{label}: {v:,.1f}" if has else f"{label}: no data",
                    "title": "",
                    "detail": "",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def layers(
    shapes: dict,
    values: pd.Series,
    names: dict[str, str],
    label: str,
    arcs: pd.DataFrame | None = None,
    hubs: pd.DataFrame | None = None,
    highlight: set[str] | frozenset[str] = frozenset(),
) -> list:
    """Shapes, then arcs (the highlighted countries' own arcs opaque, the rest faint), then hubs.

    ``arcs``: ``lon``, ``lat``, ``lon_t``, ``lat_t``, ``event_type``, ``actor``, ``target`` and
    the tooltip's ``name``, ``label``, ``title``, ``detail``; ``hubs``: ``lon``, ``lat``,
    ``parties``, ``event_type`` and the same tooltip fields.
    """
    import pydeck as pdk

    features = shape_features(shapes, values, names, label, set(highlight))
    out = [
        pdk.Layer(
            "GeoJsonLayer",
            features,
            get_fill_color="properties.fill",
            pickable=True,
            stroked=False,
            filled=True,
        )
    ]
    chosen = [f for f in features["features"] if f["properties"]["iso3"] in highlight]
    if (
        chosen
    ):  # outlines only for the chosen countries: stroking every border costs a GPU-less browser
        out.append(
            pdk.Layer(
                "GeoJsonLayer",
                {"type": "FeatureCollection", "features": chosen},
                get_line_color=[0, 0, 0, 255],
                get_line_width=2,
                line_width_units="pixels",
                stroked=True,
                filled=False,
                pickable=False,
            )
        )
    if arcs is not None and not arcs.empty:
        own = arcs["actor"].isin(highlight) | arcs["target"].isin(highlight)
        alpha = [230 if o or not highlight else 50 for o in own]
        colours = [
            hex_rgb(EVENT_TYPE_COLOURS.get(t, "#0072B2"), a)
            for t, a in zip(arcs["event_type"], alpha, strict=True)
        ]
        data = arcs.assign(width=[3 if o and highlight else 1.5 for o in own])
        data["colour"] = colours
        out.append(
            pdk.Layer(
                "ArcLayer",
                data,
                get_source_position=["lon", "lat"],
                get_target_position=["lon_t", "lat_t"],
                get_source_color="colour",
                get_target_color="colour",
                get_width="width",
                pickable=True,
            )
        )
    if hubs is not None and not hubs.empty:
        data = hubs.copy()
        data["colour"] = [
            hex_rgb(EVENT_TYPE_COLOURS.get(t, "#0072B2"), 170) for t in hubs["event_type"]
        ]
        out.append(
            pdk.Layer(
                "ScatterplotLayer",
                data,
                get_position=["lon", "lat"],
                get_fill_color="colour",
                get_line_color=[255, 255, 255, 255],
                stroked=True,
                line_width_min_pixels=1,
                get_radius="parties",
                radius_scale=40000,
                radius_min_pixels=5,
                radius_max_pixels=40,
                pickable=True,
            )
        )
    return out


TOOLTIP = {
    "html": "<b>{name}</b><br/>{label}<br/>{title}<br/>{detail}",
    "style": {"fontSize": "12px"},
}


def flow_layer(arcs: pd.DataFrame):
    """Trade flows as arcs from each source (orange end) to the importer (blue end), by width."""
    import pydeck as pdk

    return pdk.Layer(
        "ArcLayer",
        arcs,
        get_source_position=["lon", "lat"],
        get_target_position=["lon_t", "lat_t"],
        get_source_color=[213, 94, 0, 200],
        get_target_color=[0, 114, 178, 200],
        get_width="width",
        pickable=True,
    )

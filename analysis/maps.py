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
    outline: bool = True,
) -> list:
    """Shapes, then arcs (the highlighted countries' own arcs opaque, the rest faint), then hubs.

    ``outline``: the highlighted countries outlined in black (one layer type more for the
    browser to compile; the Country page, whose arcs all start at its country, goes without).

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
    chosen = [f for f in features["features"] if outline and f["properties"]["iso3"] in highlight]
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
        # drawn as round polygons in the shapes' own layer type (a second GeoJsonLayer after
        # the arcs): one shader program fewer than a ScatterplotLayer, which a GPU-less browser
        # compiles on every mount of the map (bench/RESULTS.md)
        out.append(
            pdk.Layer(
                "GeoJsonLayer",
                hub_features(hubs),
                get_fill_color="properties.fill",
                pickable=True,
                stroked=False,
                filled=True,
            )
        )
    return out


def hub_radius(parties: float) -> float:
    """A signing's circle radius in degrees of longitude, growing with its number of parties.

    >>> hub_radius(2), hub_radius(54), hub_radius(500)
    (2.7, 16.0, 16.0)
    """
    return round(min(2.0 + 0.35 * float(parties), 16.0), 2)


def hub_features(hubs: pd.DataFrame, sides: int = 24) -> dict:
    """One round polygon per plurilateral signing at its host (round on the Web Mercator map:
    the latitude offsets shrink by cos(latitude), which the projection stretches back)."""
    features = []
    for h in hubs.to_dict("records"):
        lon, lat, r = float(h["lon"]), float(h["lat"]), hub_radius(h["parties"])
        squash = math.cos(math.radians(lat))
        ring = [
            [
                round(lon + r * math.cos(2 * math.pi * k / sides), 3),
                round(lat + r * squash * math.sin(2 * math.pi * k / sides), 3),
            ]
            for k in range(sides + 1)
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "fill": hex_rgb(EVENT_TYPE_COLOURS.get(h["event_type"], "#0072B2"), 170),
                    **{k: str(h.get(k, "")) for k in ("name", "label", "title", "detail")},
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


#: Plain text, never HTML: deck.gl puts a ``text`` tooltip into the page as text, so a data value
#: can never become markup there.
TOOLTIP = {
    "text": "{name}\n{label}\n{title}\n{detail}",
    "style": {"fontSize": "12px", "whiteSpace": "pre-line"},
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


def _ring(points: list, step: float) -> list:
    """One ring snapped to a ``step``-degree grid, consecutive repeats dropped, kept closed.

    >>> _ring([[0.1, 0.1], [0.2, 0.1], [1.1, 0.0], [1.0, 1.2], [0.1, 0.1]], 0.5)
    [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    """
    out: list = []
    for x, y in points:
        p = [round(x / step) * step, round(y / step) * step]
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _polygons(geometry: dict, step: float) -> dict:
    polys = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polys = [polys]
    kept = []
    for poly in polys:
        rings = [_ring(r, step) for r in poly]
        if len(rings[0]) >= 4:  # a ring that collapses below a triangle is dropped
            kept.append([r for r in rings if len(r) >= 4])
    if not kept:  # a small country: keep its largest polygon at full detail, not nothing
        biggest = max(polys, key=lambda p: len(p[0]))
        kept = [[[[round(x, 2), round(y, 2)] for x, y in biggest[0]]]]
    return {"type": "MultiPolygon", "coordinates": kept}


_SHAPES: dict[tuple[str, str, float], dict] = {}


def world_shapes(pkg, step: float = 0.5) -> dict:
    """The country layer of ``pkg`` simplified for a world map (snapped to ``step`` degrees,
    repeated points dropped), computed once per data folder and version."""
    import json

    key = (str(pkg.data_dir), pkg.version, step)
    if key not in _SHAPES:
        doc = json.loads(pkg.path("country_shapes").read_text(encoding="utf-8"))
        features = [
            {
                "type": "Feature",
                "properties": f["properties"],
                "geometry": _polygons(f["geometry"], step),
            }
            for f in doc["features"]
        ]
        _SHAPES[key] = {"type": "FeatureCollection", "features": features}
    return _SHAPES[key]


def deck_spec(layers: list, lat: float = 20, lon: float = 10, zoom: float = 0.8) -> str:
    """The deck.gl JSON of ``layers`` with no base map, compact (pydeck indents it), so a page
    sends it as it is and a cached view keeps a string instead of layer objects."""
    import json

    import pydeck as pdk

    for layer in layers:  # pydeck cannot serialise pandas 3 frames (visgl/deck.gl#9986)
        if isinstance(layer.data, pd.DataFrame):
            layer.data = layer.data.to_dict(orient="records")
    deck = pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
        map_style=None,
        map_provider=None,
        tooltip=TOOLTIP,
    )
    spec = json.loads(deck.to_json())
    for i, layer in enumerate(spec["layers"]):  # pydeck names layers with random ids
        layer["id"] = f"layer-{i}"
    # No base map: Streamlit's front end (1.67) deletes the __MAP_STYLE__ placeholder without
    # putting Carto's in its place, so nothing leaves the machine (see pages.shared.map_style).
    spec["mapStyle"] = "__MAP_STYLE__"
    return json.dumps(spec, separators=(",", ":"))


def full_shapes(pkg) -> dict:
    """The country layer of ``pkg`` as stored (for printed maps, drawn once per briefing)."""
    import json

    return json.loads(pkg.path("country_shapes").read_text(encoding="utf-8"))

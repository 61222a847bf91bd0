"""analysis.maps: country shapes coloured on the one ramp (grey without data), arcs and hubs in the
event types' colours, the chosen countries outlined; checked on the shapes read with json."""

from __future__ import annotations

import itertools
import json

import pandas as pd

from analysis.maps import NO_DATA, TOOLTIP, hex_rgb, layers, ramp_colour, shape_features
from analysis.palette import EVENT_TYPE_COLOURS, ORANGE_RAMP
from tests.conftest import DATA

SHAPES = json.loads((DATA / "country_shapes.geojson").read_text(encoding="utf-8"))


def test_the_ramp_runs_from_its_first_to_its_last_stop_and_clamps() -> None:
    assert hex_rgb("#0072B2", 10) == [0, 114, 178, 10]
    assert ramp_colour(0.0)[:3] == hex_rgb(ORANGE_RAMP[0])[:3]
    assert ramp_colour(1.0)[:3] == hex_rgb(ORANGE_RAMP[-1])[:3]
    assert ramp_colour(-5) == ramp_colour(0.0) and ramp_colour(7) == ramp_colour(1.0)
    reds = [ramp_colour(t / 10)[0] for t in range(11)]
    steps = list(itertools.pairwise(reds))
    assert all(a >= b for a, b in steps) or all(a <= b for a, b in steps), "one way along the ramp"


def test_every_shape_is_drawn_and_only_countries_with_a_value_are_coloured() -> None:
    values = pd.Series({"CHN": 80.0, "COD": 40.0, "USA": float("nan")})
    out = shape_features(SHAPES, values, {"CHN": "China"}, "Share", set())
    assert len(out["features"]) == len(SHAPES["features"])
    props = {f["properties"]["iso3"]: f["properties"] for f in out["features"]}
    assert props["CHN"]["fill"] == ramp_colour(1.0) and props["CHN"]["label"] == "Share: 80.0"
    assert props["COD"]["fill"] == ramp_colour(0.5)
    assert props["USA"]["fill"] == NO_DATA and props["USA"]["label"] == "Share: no data"
    assert props["CHN"]["name"] == "China"


def test_layers_stack_shapes_outlines_arcs_and_hubs() -> None:
    arcs = pd.DataFrame(
        {
            "lon": [100.0, 10.0],
            "lat": [30.0, 50.0],
            "lon_t": [140.0, 20.0],
            "lat_t": [36.0, 45.0],
            "event_type": ["deal_offtake", "control_ban"],
            "actor": ["CHN", "DEU"],
            "target": ["JPN", "FRA"],
            "name": ["a", "b"],
            "label": ["", ""],
            "title": ["", ""],
            "detail": ["", ""],
        }
    )
    hubs = pd.DataFrame({"lon": [0.0], "lat": [0.0], "parties": [5], "event_type": ["deal_mou"]})
    values = pd.Series({"CHN": 1.0})
    drawn = layers(SHAPES, values, {}, "x", arcs=arcs, hubs=hubs, highlight={"CHN"})
    assert [layer.type for layer in drawn] == [
        "GeoJsonLayer",
        "GeoJsonLayer",
        "ArcLayer",
        "GeoJsonLayer",  # the hubs, as round polygons
    ]
    own, other = drawn[2].data  # pydeck keeps the rows as records
    assert own["colour"] == hex_rgb(EVENT_TYPE_COLOURS.get("deal_offtake", "#0072B2"), 230)
    assert other["colour"][3] == 50 and own["width"] > other["width"]
    assert [layer.type for layer in layers(SHAPES, values, {}, "x")] == ["GeoJsonLayer"]
    hub = drawn[3].data["features"][0]
    assert hub["geometry"]["type"] == "Polygon"
    assert hub["properties"]["fill"][:3] == hex_rgb(EVENT_TYPE_COLOURS["deal_mou"])[:3]


def test_the_tooltip_is_plain_text_with_every_field() -> None:
    # deck.gl writes an "html" tooltip into the page as markup; data text must stay text
    assert "html" not in TOOLTIP
    assert [
        f for f in ("name", "label", "title", "detail") if f"{{{f}}}" not in TOOLTIP["text"]
    ] == []

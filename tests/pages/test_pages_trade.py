"""The trade layer on the pages (AppTest): each answers its question with its BACI source line."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

SOURCE = "Source: CEPII, BACI (HS92), Etalab Open Licence 2.0"


def run(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    """Captions as a reader reads them (Markdown escapes removed)."""
    return [c.value.replace("\\", "") for c in at.caption]


def test_country_profile_says_what_the_country_depends_on() -> None:
    at = run("pages/country.py", iso="JPN", as_of="2025-06-01")
    assert "What Japan depends on: imports by mineral, 2024" in [
        s.value.replace("\\", "") for s in at.subheader
    ]
    assert SOURCE in captions(at)
    table = next(
        d.value for d in at.dataframe if "From controlled exporters (%)" in d.value.columns
    )
    shares = table["From controlled exporters (%)"]
    assert shares.is_monotonic_decreasing and shares.between(0, 100).all()
    assert "Rare earths" in set(table["Mineral"]) and "China" in " ".join(table["Top sources"])
    assert not any("_" in str(v) for v in table["Mineral"]), "no identifiers on screen"
    assert "mineral?focus=rare_earths" in set(table["Mineral page"]), "a link to each mineral"
    titles = [
        json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
        for c in at.get("plotly_chart")
    ]
    assert any("2009 and 2024" in t for t in titles)


def test_mineral_page_shows_importers_and_indonesias_nickel_ore_collapse() -> None:
    at = run("pages/mineral.py", focus="nickel", as_of="2025-06-01")
    importers = next(d.value for d in at.dataframe if "Largest source" in d.value.columns)
    assert importers.iloc[0]["Importer"] == "China"
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    spec = next(
        s
        for s in specs
        if "world exports by exporter" in s["layout"]["title"]["text"].replace("<br>", " ")
    )
    idn = next(t for t in spec["data"] if t.get("name") == "Indonesia")
    by_year = dict(zip(idn["x"], idn["y"], strict=True))
    # The 2014 ban and the 2020 ban show as collapses: exports fall to a fraction.
    assert by_year[2014] < by_year[2013] / 3 and by_year[2015] < by_year[2013] / 100
    assert by_year[2020] < by_year[2019] / 5
    marks = next(t for t in spec["data"] if t.get("name") == "export controls")
    labels = " ".join(row[0] for row in marks["customdata"])
    assert "bans exports of raw mineral ores" in labels and "January 2020" in labels
    assert any(SOURCE in a["text"] for a in spec["layout"]["annotations"])
    # Both bases of exposure, each labelled: production (USGS) and exports (BACI).
    titles = [s["layout"]["title"]["text"].replace("<br>", " ") for s in specs]
    assert any("world production behind an export control" in t for t in titles)
    export_basis = next(
        s
        for s in specs
        if "world exports behind an export control"
        in s["layout"]["title"]["text"].replace("<br>", " ")
    )
    assert all(
        "export basis" in t["name"] for t in export_basis["data"] if t.get("mode") == "lines"
    )


def test_mineral_without_an_hs_code_says_so() -> None:
    at = run("pages/mineral.py", focus="gallium")
    assert any("no code for gallium" in i.value for i in at.info)


def test_map_colours_importers_by_controlled_share_with_arcs_for_the_importer() -> None:
    at = run(
        "pages/map.py",
        measure="controlled",
        map_mineral="rare_earths",
        importer="JPN",
        as_of="2025-06-01",
    )
    assert any("Share of 2024 imports of rare earths" in c for c in captions(at))
    assert SOURCE in captions(at)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    kinds = [layer["@@type"] for layer in deck["layers"]]
    assert kinds == ["GeoJsonLayer", "ArcLayer"]


def test_scenario_lists_every_importer_of_the_cutting_country() -> None:
    at = run("pages/scenario.py", sc_mineral="nickel", sc_country="PHL", cut="50")
    table = next(
        d.value for d in at.dataframe if "Share of its imports at stake (%)" in d.value.columns
    )
    assert {"China", "Japan"} <= set(table["Importer"])
    at_stake = table["Share of its imports at stake (%)"]
    assert (at_stake <= 50).all() and at_stake.is_monotonic_decreasing
    assert any(SOURCE in c for c in captions(at))

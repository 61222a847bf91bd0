"""Map: who restricts, who produces, how they are governed, and who has deals with whom."""

from __future__ import annotations

import streamlit as st

from analysis.labels import labels
from analysis.pages_content import MEASURES
from analysis.views import produced_minerals, trade_minerals
from pages.shared import (
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
names_of = pkg["minerals"].set_index("mineral_id")["name"].to_dict()
prod = pkg["production"]
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    measure = url_choice(
        "measure", list(MEASURES), "controls", "Colour countries by", format_func=MEASURES.get
    )
trade_view = measure == "controlled"
with c2:
    mineral = url_choice(
        "map_mineral",
        sorted(trade_minerals(pkg) if trade_view else produced_minerals(pkg), key=names_of.get),
        "rare_earths",
        "Mineral (for shares and trade)",
        format_func=names_of.get,
    )
stage = basis = importer = None
if trade_view:
    country_names = names(pkg)
    importers = sorted(pkg["countries"]["iso3"], key=lambda c: country_names.get(c, c))
    with c3:
        importer = url_choice(
            "importer", importers, "JPN", "Importer (arcs)", format_func=country_names.get
        )
else:
    stages = sorted(prod.loc[prod["mineral"] == mineral, "stage"].unique())
    with c3:
        stage = url_choice("stage", stages, stages[0], "Stage", format_func=labels(pkg).stage)
    here = pkg["production_bases"]
    here = here[(here["mineral"] == mineral) & (here["stage"] == stage)]
    if len(here) > 1 and measure == "share":  # several bases: an explicit choice, default listed
        shown = dict(zip(here["basis"], here["label"], strict=True))
        default_basis = str(here.loc[here["is_default"].astype(bool), "basis"].iloc[0])
        with c3:
            basis = url_choice(
                "basis", list(here["basis"]), default_basis, "Basis", format_func=shown.get
            )
render(pkg, view("map_page_content", pkg, filters, measure, mineral, stage, basis, importer), top)
footer(pkg)

"""Scenario: what if a producer cut its exports of a mineral?"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analysis.briefing import scenario_briefing
from analysis.views import produced_minerals
from pages.shared import (
    briefing_buttons,
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
filters = sidebar_filters(pkg, uses=("country", "mineral", "as_of"))
prod = pkg["production"]
labels = pkg["minerals"].set_index("mineral_id")["name"].to_dict()
country_names = names(pkg)
c1, c2, c3 = st.columns([2, 2, 1])
have = sorted(produced_minerals(pkg), key=labels.get)
with c1:
    default = next((m for m in filters.minerals if m in have), "gallium")
    mineral = url_choice("sc_mineral", have, default, "Mineral", format_func=labels.get)
producers = sorted(
    set(prod.loc[(prod["mineral"] == mineral) & prod["quantity"].notna(), "country"])
    - {"WLD", "OTHER"},
    key=lambda c: country_names.get(c, c),
)
with c2:
    country = url_choice(
        "sc_country",
        producers,
        next(
            (c for c in filters.countries if c in producers),
            "CHN" if "CHN" in producers else producers[0],
        ),
        "Country cutting exports",
        format_func=lambda c: country_names.get(c, c),
    )
with c3:
    cut = url_choice("cut", [10, 25, 50, 75, 100], 100, "Cut (%)")
render(pkg, view("scenario_content", pkg, country, mineral, float(cut), filters), top)
if st.query_params.get("present") != "1":
    st.caption(
        f"Scenario date {filters.as_of:%Y-%m-%d}: change 'Status as of' in the sidebar. Today is {dt.date.today():%Y-%m-%d}."
    )
briefing_buttons(
    lambda: scenario_briefing(pkg, country, mineral, float(cut), filters),
    f"scenario_{country}_{mineral}_{cut}",
)
footer(pkg)

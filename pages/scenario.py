"""Scenario: what if a producer cut its exports of a mineral?"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analysis.briefing import scenario_briefing
from analysis.metrics import SCENARIO_ASSUMPTIONS
from analysis.text import escape_markdown as md
from analysis.views import produced_minerals, trade_source_line
from pages.shared import (
    briefing_buttons,
    footer,
    load,
    names,
    page_entry,
    show_chart,
    show_numbers,
    show_table,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
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
result = view("scenario_view", pkg, country, mineral, float(cut), filters.as_of)
trade_source = trade_source_line(pkg)

content = view("scenario_content", pkg, country, mineral, float(cut), filters)
st.title(md(content.title))
st.caption(md(content.subtitle))
st.info(SCENARIO_ASSUMPTIONS, icon=":material/rule:")
stages = result["stages"]
if stages.empty or stages["country_share"].sum() == 0:
    st.info(
        md(
            f"{country_names.get(country, country)} has no recorded production of {labels[mineral].lower()} in the USGS data for {filters.as_of:%Y} (or the latest year before it)."
        ),
        icon=":material/info:",
    )
else:
    show_numbers(content.numbers)
    for chart in content.charts:
        show_chart(chart)
    left, right = st.columns(2)
    with left:
        st.subheader("Importers exposed")
        show_table(
            pkg,
            result["exposed"],
            ["importer", "mineral", "net_import_reliance_pct", "reliance_qualifier", "source_rank"],
        )
        st.caption("Only the United States has ranked import-source data (USGS).")
    with right:
        st.subheader("Deal partners' output (upper bound)")
        show_table(pkg, result["offsets"].round(2), ["country", "stage", "basis", "share"])
at_stake = view("scenario_importers", pkg, country, mineral, float(cut), filters.as_of)
st.subheader("Every importer of its exports (trade flows)")
if at_stake.empty:
    st.info(
        f"No BACI trade flows of {labels[mineral].lower()} from {country_names.get(country, country)}.",
        icon=":material/info:",
    )
else:
    st.dataframe(at_stake, hide_index=True, width="stretch")
    st.caption(
        f"Share at stake = share of the importer's imports from {country_names.get(country, country)} x {cut} %. {trade_source}"
    )
if st.query_params.get("present") != "1":
    st.caption(
        f"Scenario date {filters.as_of:%Y-%m-%d}: change 'Status as of' in the sidebar. Today is {dt.date.today():%Y-%m-%d}."
    )
briefing_buttons(
    lambda: scenario_briefing(pkg, country, mineral, float(cut), filters),
    f"scenario_{country}_{mineral}_{cut}",
)
footer(pkg)

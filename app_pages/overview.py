"""Overview: where things stand on the chosen date, and the story since 2009."""

from __future__ import annotations

import streamlit as st

from analysis.figures import exposure_figure
from app_pages.shared import (
    CHART_CONFIG,
    empty_explanation,
    footer,
    load,
    show_table,
    sidebar_filters,
    view,
)

pkg = load()
filters = sidebar_filters(pkg)
data = view("overview", pkg, filters)

st.title(f"Critical minerals: deals and export controls as of {filters.as_of:%d %B %Y}")
st.caption(
    "Export controls in force, the minerals they cover, recent deals, and how much of world supply "
    "sat behind a control, for the chosen filters."
)
a, b, c, d = st.columns(4)
a.metric(
    "Export controls in force",
    data.measures_in_force,
    help="Controls matching the filters whose status is in force on the as-of date.",
)
b.metric(
    "Minerals under export control",
    data.minerals_under_control,
    help="Distinct minerals covered by the controls in force.",
)
c.metric(
    "Deals in the last 12 months",
    data.deals_last_12_months,
    help="Deals matching the filters announced in the 12 months to the as-of date.",
)
d.metric(
    "World mine supply behind a control",
    "n/a" if data.exposure_now is None else f"{data.exposure_now:.0f}%",
    help="Mean over the chosen minerals (or eight headline minerals) of the share of world production (USGS figures for the as-of year, or the latest year held) from countries with a control in force.",
)

if data.exposure_series.empty:
    empty_explanation(filters)
else:
    fig = exposure_figure(
        data.exposure_series,
        data.latest.iloc[0:0],
        f"Share of world supply behind an export control in force, to {filters.as_of:%d %b %Y}",
        data.exposure_source,
    )
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)

st.subheader("Latest events")
if data.latest.empty:
    empty_explanation(filters)
else:
    show_table(
        pkg,
        data.latest,
        ["announced", "title", "actor", "counterparts", "minerals", "event_type", "source_url"],
    )
footer(pkg)

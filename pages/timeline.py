"""Timeline: what was agreed or restricted, when, and what happened to each measure since."""

from __future__ import annotations

import streamlit as st

from analysis.figures import timeline_figure
from analysis.labels import labels
from analysis.text import escape_markdown as md
from pages.shared import (
    CHART_CONFIG,
    empty_explanation,
    footer,
    load,
    page_entry,
    show_table,
    sidebar_filters,
    view,
)

page_entry()

pkg = load()
filters = sidebar_filters(pkg)
lab = labels(pkg)
st.title("Timeline of deals and export controls")
st.caption(
    f"Events announced {filters.start:%d %b %Y} to {filters.end:%d %b %Y}; "
    f"bars show each export control's status over time, up to {filters.as_of:%d %B %Y}."
)

lane = st.query_params.get("lane", "actor")
if lane not in ("actor", "mineral"):
    st.warning("Unknown lane value ignored; lanes are by actor.", icon=":material/info:")
    lane = "actor"
choice = st.segmented_control(
    "Swimlanes by",
    ["actor", "mineral"],
    default=lane,
    key="lane_choice",
    format_func={"actor": "Actor", "mineral": "Mineral"}.get,
)
if choice and choice != lane:
    st.query_params["lane"] = choice
    lane = choice

data = view("timeline", pkg, filters)
events = data.events
if events.empty:
    empty_explanation(filters)
else:
    types = pkg["event_types"].set_index("event_type")
    spans = data.mineral_spans if lane == "mineral" else data.spans
    fig = timeline_figure(
        events,
        spans,
        labels=types["label"].to_dict(),
        categories=types["category"].to_dict(),
        lane=lane,
        as_of=filters.as_of,
        source_line=lab.source("events"),
        lane_names=lab.minerals if lane == "mineral" else lab.countries,
        reviewed=view("review_date", pkg),
    )
    st.plotly_chart(
        fig,
        width="stretch",
        config=CHART_CONFIG,
    )

    st.subheader(f"{len(events)} events")
    ordered = events.sort_values("announced", ascending=False)
    labels = dict(
        zip(
            ordered["event_id"],
            ordered["announced"].dt.strftime("%Y-%m-%d") + " · " + ordered["title"],
            strict=True,
        )
    )
    pick = st.selectbox("Event details", list(labels), format_func=labels.get, key="event_pick")
    row = pkg["events"].set_index("event_id").loc[pick]
    st.markdown(f"**{md(row['title'])}**")
    st.text(row["summary"])
    st.text(
        f"{lab.event_type(row['event_type'])} by {lab.country(row['actor'])} · with "
        f"{lab.countries_list(row['counterparts'])} · minerals: {lab.minerals_list(row['minerals'])} · "
        f"announced {row['announced']:%d %b %Y} ({row['date_precision']} precision)"
    )
    st.link_button(f"Source: {md(row['source_publisher'])}", row["source_url"])
    related = view("related_events", pkg, pick)
    if not related.empty:
        st.caption("Linked events (acts on this event, or acted on by it)")
        show_table(
            pkg,
            related,
            ["link", "event_type", "announced", "effective", "ends", "title", "source_url"],
        )
    for line in view("unverified_caveats", pkg, filters.as_of, list(events["event_id"])):
        st.text(line)
st.subheader(f"Export controls: status on {filters.as_of:%d %B %Y}")
on_date = view("status_on_date", pkg, filters)
if on_date.empty:
    st.info(
        "No export control matching the filters had been announced by this date.",
        icon=":material/info:",
    )
else:
    show_table(pkg, on_date, list(on_date.columns))
footer(pkg)

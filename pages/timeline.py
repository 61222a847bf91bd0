"""Timeline: what was agreed or restricted, when, and what happened to each measure since."""

from __future__ import annotations

import streamlit as st

from analysis.figures import timeline_figure
from analysis.text import escape_markdown as md
from pages.shared import CHART_CONFIG, empty_explanation, footer, load, sidebar_filters, view

pkg = load()
filters = sidebar_filters(pkg)
st.title("Timeline of deals and export controls")
st.caption(
    f"Events announced {filters.start:%d %b %Y} to {filters.end:%d %b %Y}; "
    f"bars show each export control's status over time, up to {filters.as_of:%d %B %Y}."
)

lane = st.query_params.get("lane", "actor")
if lane not in ("actor", "mineral"):
    st.warning("Unknown lane value ignored; lanes are by actor.", icon=":material/info:")
    lane = "actor"
choice = st.segmented_control("Swimlanes by", ["actor", "mineral"], default=lane, key="lane_choice")
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
        source_line=f"Source: curated events dataset v{pkg.version}, each event with its own cited source.",
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
    st.markdown(
        f"Actor {md(row['actor'])} · counterparts {md(row['counterparts'])} · minerals {md(row['minerals'])} · "
        f"announced {row['announced']:%Y-%m-%d} ({row['date_precision']} precision)"
    )
    st.link_button(f"Source: {md(row['source_publisher'])}", row["source_url"])
    related = view("related_events", pkg, pick)
    if not related.empty:
        st.markdown("Linked events (acts on this event, or acted on by it)")
        st.dataframe(
            related[
                ["link", "event_type", "announced", "effective", "ends", "title", "source_url"]
            ],
            hide_index=True,
            column_config={"source_url": st.column_config.LinkColumn("source")},
        )
    for line in view("unverified_caveats", pkg, filters.as_of, list(events["event_id"])):
        st.text(line)
footer(pkg)

"""Timeline: what was agreed or restricted, when, and what happened to each measure since."""

from __future__ import annotations

import streamlit as st

from analysis.pages_content import LANES
from pages.shared import (
    empty_explanation,
    footer,
    heading,
    load,
    page_entry,
    show_head,
    show_section,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
top = heading()
filters = sidebar_filters(pkg)
lane = url_choice(
    "lane", list(LANES), "actor", "Swimlanes by", format_func=LANES.get, kind="segmented"
)
content = view("timeline_content", pkg, filters, lane)
show_head(content, top)
events = content.choices["event"]
if not events:
    empty_explanation(filters)
else:
    st.subheader(f"{len(events)} events")
    pick = st.selectbox("Event details", list(events), format_func=events.get, key="event_pick")
    show_section(pkg, view("event_detail_content", pkg, pick))
for section in content.sections:
    show_section(pkg, section)
footer(pkg)

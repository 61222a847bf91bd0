"""Overview: where things stand on the chosen date, and the story since 2009."""

from __future__ import annotations

import streamlit as st

from analysis.text import escape_markdown as md
from pages.shared import (
    empty_explanation,
    footer,
    load,
    page_entry,
    show_chart,
    show_content_table,
    show_numbers,
    sidebar_filters,
    view,
)

page_entry()

pkg = load()
filters = sidebar_filters(pkg)
content = view("overview_content", pkg, filters)

st.title(md(content.title))
st.caption(
    "Export controls in force, the minerals they cover, recent deals, and how much of world supply "
    "sat behind a control, for the chosen filters: " + md(content.subtitle) + "."
)
show_numbers(content.numbers)
for line in content.notes:
    st.text(line)
if not content.charts:
    empty_explanation(filters)
for chart in content.charts:
    show_chart(chart)

st.subheader("Latest events")
if not content.tables:
    empty_explanation(filters)
for table in content.tables:
    show_content_table(table)
footer(pkg)

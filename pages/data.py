"""Data & methods: every event with its source, downloads, the methodology and the licences."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis.sources import attribution
from analysis.text import escape_markdown as md
from pages.shared import footer, load, page_entry, show_table, sidebar_filters, view

page_entry()

pkg = load()
filters = sidebar_filters(pkg)
st.title(f"Data and methods (dataset v{pkg.version})")
st.caption(
    "The events behind every chart, with their sources; every table for download; how each number is computed."
)

events = view("events_table", pkg, filters)
search = st.text_input("Search titles, summaries, actors and minerals", key="search", max_chars=200)
if search:
    text = (
        events[["title", "summary", "actor", "counterparts", "minerals", "instrument", "notes"]]
        .fillna("")
        .agg(" ".join, axis=1)
    )
    events = events[text.str.contains(search, case=False, regex=False)]
st.write(
    f"{len(events)} events match the filters"
    + (" and the search" if search else "")
    + f"; export controls show their status on {filters.as_of:%d %B %Y}."
)
first = ["announced", "title", "status", "event_type", "actor", "counterparts", "minerals"]
show_table(pkg, events, first + [c for c in events.columns if c not in {*first, "event_id"}])
st.download_button(
    "Download these events (CSV)",
    events.to_csv(index=False, date_format="%Y-%m-%d"),
    file_name="events_filtered.csv",
    mime="text/csv",
    icon=":material/download:",
)

st.subheader("Every table")
cols = st.columns(3)
for i, res in enumerate(pkg.descriptor["resources"]):
    path = pkg.data_dir / res["path"]
    mime = "application/geo+json" if res.get("format") == "geojson" else "text/csv"
    cols[i % 3].download_button(
        f"{res['path']}",
        path.read_bytes(),
        file_name=res["path"],
        mime=mime,
        key=f"dl_{res['name']}",
    )
cols[len(pkg.descriptor["resources"]) % 3].download_button(
    "datapackage.yaml",
    (pkg.data_dir / "datapackage.yaml").read_bytes(),
    file_name="datapackage.yaml",
    mime="text/yaml",
)

st.subheader("Sources and licences")
for res in pkg.descriptor["resources"]:
    lic = ", ".join(x.get("title", x["name"]) for x in res.get("licenses", []))
    srcs = "; ".join(
        s["title"] + (f" ({s['path']})" if s.get("path") else "") for s in res.get("sources", [])
    )
    st.markdown(
        f"- **{md(res['path'])}** — {md(res.get('title', ''))}. Licence: {md(lic)}. "
        f"Sources: {md(srcs or 'row by row')}."
    )
st.caption(attribution(pkg))

st.subheader("Methodology")
st.markdown(
    (Path(__file__).resolve().parent.parent / "docs" / "methodology.md").read_text(encoding="utf-8")
)
footer(pkg)

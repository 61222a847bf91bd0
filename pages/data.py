"""Data & methods: every event with its source, downloads, the methodology and the licences."""

from __future__ import annotations

import streamlit as st

from pages.shared import footer, heading, load, page_entry, render, sidebar_filters, view

page_entry()

pkg = load()
top = heading()
filters = sidebar_filters(pkg)
search = st.text_input("Search titles, summaries, actors and minerals", key="search", max_chars=200)
render(pkg, view("data_content", pkg, filters, search), top)
footer(pkg)

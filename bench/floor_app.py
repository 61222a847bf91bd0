"""The page-switch floor: a two-page app, a title-only page and a one-chart page (bench/browser.py)."""

import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
st.navigation(
    [
        st.Page("floor_page.py", title="Floor", default=True),
        st.Page("one_chart_page.py", title="Chart"),
    ]
).run()

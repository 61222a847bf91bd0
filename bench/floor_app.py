"""The page-switch floor: a two-page app, a title-only page and a one-chart page (bench/browser.py).

It draws its page links in the sidebar the way app.py does (st.navigation hidden, st.page_link),
so a click costs the same in both.
"""

import streamlit as st

st.set_page_config(page_title="Floor", layout="wide")
PAGES = [
    st.Page("floor_page.py", title="Floor", default=True),
    st.Page("one_chart_page.py", title="Chart"),
    st.Page("one_map_page.py", title="Map"),
]
page = st.navigation(PAGES, position="hidden")
with st.sidebar.container(key="app-nav"):
    for p in PAGES:
        st.page_link(p)
page.run()

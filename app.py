"""Router only: every page lives in pages/.

Streamlit treats a folder named ``pages/`` next to the main script as an old-style multipage app
until ``st.navigation`` has run once in the process, and lists its raw module names in the sidebar
on the first session after a start. ``client.showSidebarNavigation = false`` (.streamlit/config.toml)
hides that list; the router draws its own links instead, and each page calls
``pages.shared.page_entry()`` first, which hands such a first run back to this router.
"""

import streamlit as st

st.set_page_config(
    page_title="Critical minerals: deals and export controls",
    page_icon="static/icon.png",
    layout="wide",
)
PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/map.py", title="Map", icon=":material/map:"),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:"),
    st.Page("pages/mineral.py", title="Mineral dependency", icon=":material/diamond:"),
    st.Page("pages/country.py", title="Country profile", icon=":material/flag:"),
    st.Page("pages/scenario.py", title="Scenario", icon=":material/science:"),
    st.Page("pages/data.py", title="Data & methods", icon=":material/table:"),
]
page = st.navigation(PAGES, position="hidden")
if st.query_params.get("present") != "1":  # presentation mode has no sidebar
    with st.sidebar.container(key="app-nav"):
        for p in PAGES:
            st.page_link(p)
page.run()

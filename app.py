"""Router only: every page lives in app_pages/ (not pages/, which Streamlit would auto-discover)."""

import streamlit as st

st.set_page_config(
    page_title="Critical minerals: deals and export controls",
    page_icon="static/icon.png",
    layout="wide",
)
st.navigation(
    [
        st.Page(
            "app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True
        ),
        st.Page("app_pages/map.py", title="Map", icon=":material/map:"),
        st.Page("app_pages/timeline.py", title="Timeline", icon=":material/timeline:"),
        st.Page("app_pages/mineral.py", title="Mineral dependency", icon=":material/diamond:"),
        st.Page("app_pages/country.py", title="Country profile", icon=":material/flag:"),
        st.Page("app_pages/scenario.py", title="Scenario", icon=":material/science:"),
        st.Page("app_pages/data.py", title="Data & methods", icon=":material/table:"),
    ]
).run()

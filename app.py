"""Router only: every page lives in pages/."""

import streamlit as st

st.set_page_config(
    page_title="Critical minerals: deals and export controls",
    page_icon="static/icon.png",
    layout="wide",
)
st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/map.py", title="Map", icon=":material/map:"),
        st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:"),
        st.Page("pages/mineral.py", title="Mineral dependency", icon=":material/diamond:"),
        st.Page("pages/country.py", title="Country profile", icon=":material/flag:"),
        st.Page("pages/scenario.py", title="Scenario", icon=":material/science:"),
        st.Page("pages/data.py", title="Data & methods", icon=":material/table:"),
    ]
).run()

"""Router only: every page lives in pages/."""

import streamlit as st

st.set_page_config(
    page_title="Critical minerals: deals and export controls",
    page_icon="static/icon.png",
    layout="wide",
)
st.navigation(
    [
        st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:", default=True),
    ]
).run()

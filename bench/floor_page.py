"""The floor: a page that only draws a title. Page timings are reported as a ratio to this."""

import streamlit as st

st.title("Floor")

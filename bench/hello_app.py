"""Hello world with one chart: the reference for the dashboard's cold start."""

import plotly.graph_objects as go
import streamlit as st

st.title("Hello")
st.plotly_chart(go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2])))

"""One map: the country shapes alone in deck.gl, no base map (a floor for the Map page's switch).

What any deck.gl map costs in this browser (software WebGL without a GPU), so bench/browser.py
can say how much of the Map page's switch is the map itself and how much is the page.
"""

import streamlit as st

from analysis import maps
from analysis.package import data_dir, load_package
from pages.shared import PrebuiltDeck


@st.cache_resource
def spec() -> str:
    pkg = load_package(data_dir())
    shapes = maps.world_shapes(pkg)
    import pandas as pd

    return maps.deck_spec(maps.layers(shapes, pd.Series(dtype=float), {}, "Shapes"))


st.title("One map")
st.pydeck_chart(PrebuiltDeck(spec(), maps.TOOLTIP), height=560)

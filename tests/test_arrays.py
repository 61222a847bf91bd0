"""analysis.arrays: the Arrow/numpy helpers agree with plain Python on any input."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analysis.arrays import is_in, names_any, positions, split_lists

CODES = st.sampled_from(["CHN", "USA", "JPN", "EU", "COD", "ALL"])
MAYBE = st.one_of(st.none(), CODES)


@given(st.lists(MAYBE, max_size=30), st.lists(CODES, max_size=6))
def test_is_in_is_python_membership(values, among) -> None:
    got = is_in(pd.Series(values, dtype=object), among).tolist()
    assert got == [v is not None and v in among for v in values]


@given(st.lists(MAYBE, max_size=30), st.lists(CODES, max_size=6, unique=True))
def test_positions_is_list_index(values, among) -> None:
    got = positions(pd.Series(values, dtype=object), pd.Series(among, dtype=object)).tolist()
    assert got == [among.index(v) if v in among else -1 for v in values]


@given(st.lists(st.lists(CODES, min_size=1, max_size=4), max_size=20), st.sets(CODES, max_size=3))
def test_names_any_and_split_lists(lists, wanted) -> None:
    joined = pd.Series([";".join(items) for items in lists], dtype=object)
    assert names_any(joined, wanted).tolist() == [bool(set(items) & wanted) for items in lists]
    rows, items = split_lists(joined)
    assert list(zip(rows.tolist(), list(items), strict=True)) == [
        (i, item) for i, parts in enumerate(lists) for item in parts
    ]

"""Small array helpers the metrics share: dates as integers, string columns as Arrow, integer joins.

Metrics resolve string ids to integer positions once and then work on NumPy arrays; these are
the few conversions and the one join they need.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NAT = np.iinfo(np.int64).min  # a missing date, as int64 nanoseconds
DAY = 86_400 * 10**9


def to_ns(values: object) -> np.ndarray:
    """Dates as int64 nanoseconds; missing dates become ``NAT`` (the smallest int64).

    >>> to_ns(pd.to_datetime(["1970-01-02", None])).tolist() == [DAY, NAT]
    True
    """
    return np.asarray(pd.to_datetime(pd.Series(values)), dtype="datetime64[ns]").view(np.int64)


def ns_to_dates(values: np.ndarray) -> np.ndarray:
    """int64 nanoseconds back to dates, in the package's microsecond unit."""
    return values.view("datetime64[ns]").astype("datetime64[us]")


def arrow_strings(values: pd.Series | pd.Index) -> pa.Array:
    """A string column as one Arrow array, missing values as nulls."""
    array = values.array if isinstance(values, (pd.Series, pd.Index)) else values
    if hasattr(array, "__arrow_array__"):  # Arrow-backed already: no copy through Python objects
        return pa.array(array).cast(pa.string())
    return pa.array(np.asarray(array, dtype=object), type=pa.string(), from_pandas=True)


def positions(values: pd.Series | pd.Index, among: pd.Series | pd.Index) -> np.ndarray:
    """Position of each value in ``among`` (which holds distinct values), -1 where absent.

    >>> positions(pd.Series(["b", None, "z"]), pd.Series(["a", "b"])).tolist()
    [1, -1, -1]
    """
    found = pc.index_in(arrow_strings(values), value_set=arrow_strings(among))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def inner_join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``left[i] == right[j]`` for integer keys, ordered by i then j.

    >>> i, j = inner_join(np.array([5, 7, 5]), np.array([7, 5, 5]))
    >>> list(zip(i.tolist(), j.tolist()))
    [(0, 1), (0, 2), (1, 0), (2, 1), (2, 2)]
    """
    order = np.argsort(right, kind="stable")
    keys = right[order]
    lo = np.searchsorted(keys, left, side="left")
    count = np.searchsorted(keys, left, side="right") - lo
    i = np.repeat(np.arange(len(left)), count)
    offset = np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(lo, count) + offset]


def is_in(values: pd.Series, among: object) -> np.ndarray:
    """Whether each value is one of ``among`` (missing values never are).

    >>> is_in(pd.Series(["a", None, "c"]), ["c", "d"]).tolist()
    [False, False, True]
    """
    among = (
        among
        if isinstance(among, (pd.Series, pd.Index))
        else pd.Series(list(cast(Iterable[Any], among))).astype(object)
    )
    found = pc.is_in(arrow_strings(values), value_set=arrow_strings(among))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def names_any(lists: pd.Series, wanted: Iterable[Hashable]) -> np.ndarray:
    """Whether each ``;``-separated list names at least one of ``wanted``.

    Lists repeat across rows, so each distinct list is checked once.

    >>> names_any(pd.Series(["CHN;USA", "AUS", None, "USAX"]), ["USA"]).tolist()
    [True, False, False, False]
    """
    wanted = set(wanted)
    code, distinct = pd.factorize(lists)
    hit = np.array([bool(wanted.intersection(str(t).split(";"))) for t in distinct] + [False])
    return hit[code]  # code -1 (a missing list) takes the final False


def split_lists(lists: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Explode ``;``-separated lists: (row number, item) for every item, in row order.

    Lists repeat across rows, so each distinct list is split once and rows are joined to it.

    >>> row, item = split_lists(pd.Series(["CHN;USA", None, "USA", "CHN;USA"]))
    >>> list(zip(row.tolist(), item.tolist()))
    [(0, 'CHN'), (0, 'USA'), (2, 'USA'), (3, 'CHN'), (3, 'USA')]
    """
    code, distinct = pd.factorize(lists)
    owner: list[int] = []
    items: list[str] = []
    for k, text in enumerate(distinct):
        parts = [p for p in str(text).split(";") if p]
        owner += [k] * len(parts)
        items += parts
    row, j = inner_join(code, np.asarray(owner, dtype=np.int64))
    return row, np.asarray(items, dtype=object)[j]


def pair_labels(left: object, right: object) -> pd.Series:
    """``left|right`` for each row, so that pairs can be looked up with one hash join.

    >>> pair_labels(pd.Series(["CHN", None]), pd.Series(["gallium", "tin"])).tolist()
    ['CHN|gallium', nan]
    """
    joined = pc.binary_join_element_wise(_strings(left), _strings(right), "|")
    return pd.Series(pd.arrays.ArrowStringArray(joined), dtype="string[pyarrow]").astype("str")


def _strings(values: object) -> pa.Array:
    if isinstance(values, (pd.Series, pd.Index)):
        return arrow_strings(values)
    return pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)

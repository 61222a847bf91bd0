"""Status of every export-control measure on any date, derived from the events alone.

A measure is an event whose type has category ``control``. Lifecycle events (suspension,
extension, exemption, lifting, replacement, amendment) act on the event named in their
``relates_to``. No status is ever stored: it is computed here from dates.

Rules, for a measure M on date d (a lifecycle event "starts" on its ``effective`` date, or on its
``announced`` date when no effective date is given):

* d < M.announced                                   -> ``not announced``
* M.announced <= d < M.start                        -> ``announced``
* a lifting of M started on or before d             -> ``lifted``
* a replacement of M started on or before d         -> ``replaced``
* M's end (its ``ends``, or the latest ``ends`` of an extension of M announced by d) < d
                                                    -> ``expired`` (``ends`` is the last day)
* a suspension S of M with S.start <= d <= S.end    -> ``suspended``; S.end is S's ``ends``,
  pushed out by extensions of S announced by d, and cut short by a lifting of S; a suspension
  with no end date is open-ended
* otherwise                                         -> ``in force``

Exemptions and amendments leave the status as it is. Ids are resolved to integer positions once
per call (:class:`EventIndex`); the rules are then array operations over (measure x date) pairs,
with no Python loop over events or dates and no join on string ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

STATUSES = ("not announced", "announced", "in force", "suspended", "lifted", "replaced", "expired")
ACTIVE = "in force"
ACTIVE_CODE = STATUSES.index(ACTIVE)
_CODE = {name: i for i, name in enumerate(STATUSES)}
_NAT = np.iinfo(np.int64).min
_DAY = 86_400 * 10**9


def _ns(values: object) -> np.ndarray:
    """Dates as int64 nanoseconds; missing dates become ``_NAT`` (the smallest int64)."""
    return np.asarray(pd.to_datetime(pd.Series(values)), dtype="datetime64[ns]").view(np.int64)


@dataclass(frozen=True)
class EventIndex:
    """The events as plain arrays: what the status rules need, with ids resolved to positions.

    Built once per call in a few milliseconds; every rule below is then integer-array work
    (no joins on string ids), which keeps the cost flat as the events table grows.
    """

    ids: np.ndarray  # event_id, object
    control: np.ndarray  # bool: category == control
    lifecycle: np.ndarray  # bool: category == lifecycle
    effect: np.ndarray  # object: suspend, extend, lift, replace, ... or None
    announced: np.ndarray  # int64 ns
    start: np.ndarray  # int64 ns: effective, else announced
    ends: np.ndarray  # int64 ns, _NAT when open-ended
    effective: np.ndarray  # int64 ns, _NAT when not given
    target: np.ndarray  # position of relates_to in ids, -1 when none

    @classmethod
    def build(cls, events: pd.DataFrame, event_types: pd.DataFrame) -> EventIndex:
        ids = events["event_id"].to_numpy(dtype=object)
        codes, kinds = pd.factorize(events["event_type"])
        lookup = event_types.set_index("event_type")
        category = np.append(lookup["category"].reindex(kinds).to_numpy(dtype=object), None)[codes]
        effect = np.append(lookup["effect"].reindex(kinds).to_numpy(dtype=object), None)[codes]
        effect = np.where(pd.isna(effect), None, effect)
        announced = _ns(events["announced"])
        effective = _ns(events["effective"])
        relates = events["relates_to"].to_numpy(dtype=object)
        target = pd.Index(ids).get_indexer(np.where(pd.isna(relates), None, relates))
        return cls(
            ids=ids,
            control=category == "control",
            lifecycle=category == "lifecycle",
            effect=effect,
            announced=announced,
            start=np.where(effective == _NAT, announced, effective),
            ends=_ns(events["ends"]),
            effective=effective,
            target=target,
        )

    def status_codes(self, measure: np.ndarray, date: np.ndarray) -> np.ndarray:
        """Status of each (measure position, date in ns) pair as an index into ``STATUSES``."""
        return _status_codes(self, measure, date)

    @staticmethod
    def days(dates: Iterable[pd.Timestamp]) -> np.ndarray:
        """Distinct dates, sorted, as int64 nanoseconds (the unit the rules work in)."""
        return np.unique(_ns(list(dates)))

    def acting(self, effect: str) -> np.ndarray:
        """Positions of lifecycle events with this effect that act on some event."""
        return np.flatnonzero(self.lifecycle & (self.effect == effect) & (self.target >= 0))


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with ``left[i] == right[j]``: an inner join of two integer key arrays."""
    order = np.argsort(right, kind="stable")
    keys = right[order]
    lo = np.searchsorted(keys, left, side="left")
    count = np.searchsorted(keys, left, side="right") - lo
    i = np.repeat(np.arange(len(left)), count)
    offset = np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(lo, count) + offset]


def _status_codes(ix: EventIndex, measure: np.ndarray, date: np.ndarray) -> np.ndarray:
    """Status code (index into ``STATUSES``) of each (measure position, date in ns) pair."""
    n = len(measure)
    # The measure's end: its own, or the latest end of an extension of it announced by the date.
    ext = ix.acting("extend")
    row, k = _pairs(measure, ix.target[ext])
    keep = ix.announced[ext[k]] <= date[row]
    extended = np.full(n, _NAT)
    np.maximum.at(extended, row[keep], ix.ends[ext[k[keep]]])
    end = np.where(extended != _NAT, extended, ix.ends[measure])

    def started(effect: str) -> np.ndarray:
        acts = ix.acting(effect)
        r, j = _pairs(measure, ix.target[acts])
        hit = np.zeros(n, dtype=bool)
        hit[r[ix.start[acts[j]] <= date[r]]] = True
        return hit

    # Suspensions running on the date, each with its end extended or cut short by a lifting.
    susp = ix.acting("suspend")
    row, k = _pairs(measure, ix.target[susp])
    on = ix.start[susp[k]] <= date[row]
    row, s = row[on], susp[k[on]]
    s_ext_row, j = _pairs(s, ix.target[ext])
    keep = ix.announced[ext[j]] <= date[row[s_ext_row]]
    s_extended = np.full(len(s), _NAT)
    np.maximum.at(s_extended, s_ext_row[keep], ix.ends[ext[j[keep]]])
    s_end = np.where(s_extended != _NAT, s_extended, ix.ends[s])
    lifts = ix.acting("lift")
    s_lift_row, j = _pairs(s, ix.target[lifts])
    keep = ix.start[lifts[j]] <= date[row[s_lift_row]]
    lifted_on = np.full(len(s), np.iinfo(np.int64).max)
    np.minimum.at(lifted_on, s_lift_row[keep], ix.start[lifts[j[keep]]])
    s_end = np.where(lifted_on != np.iinfo(np.int64).max, lifted_on - _DAY, s_end)
    running = (s_end == _NAT) | (date[row] <= s_end)
    suspended = np.zeros(n, dtype=bool)
    suspended[row[running]] = True

    code = np.full(n, _CODE["in force"], dtype=np.int8)
    code[suspended] = _CODE["suspended"]
    code[(end != _NAT) & (end < date)] = _CODE["expired"]
    code[started("replace")] = _CODE["replaced"]
    code[started("lift")] = _CODE["lifted"]
    code[date < ix.start[measure]] = _CODE["announced"]
    code[date < ix.announced[measure]] = _CODE["not announced"]
    return code


def _frame(ix: EventIndex, measure: np.ndarray, date: np.ndarray) -> pd.DataFrame:
    code = _status_codes(ix, measure, date)
    return pd.DataFrame(
        {
            "event_id": ix.ids[measure],
            "date": date.view("datetime64[ns]").astype("datetime64[us]"),
            "status": pd.Categorical.from_codes(code, categories=STATUSES),
        }
    )


def status_grid(
    events: pd.DataFrame, event_types: pd.DataFrame, dates: Iterable[pd.Timestamp]
) -> pd.DataFrame:
    """Status of every control measure on every date: columns ``event_id``, ``date``, ``status``.

    >>> ev = pd.DataFrame({
    ...     "event_id": ["ban", "pause"], "event_type": ["control_ban", "suspension"],
    ...     "announced": pd.to_datetime(["2024-12-03", "2025-11-09"]),
    ...     "effective": pd.to_datetime(["2024-12-03", "2025-11-10"]),
    ...     "ends": pd.to_datetime([None, "2026-11-27"]), "relates_to": [None, "ban"]})
    >>> types = pd.DataFrame({"event_type": ["control_ban", "suspension"],
    ...                       "category": ["control", "lifecycle"], "effect": [None, "suspend"]})
    >>> grid = status_grid(ev, types, pd.to_datetime(["2025-06-01", "2026-01-01", "2026-12-01"]))
    >>> grid["status"].tolist()
    ['in force', 'suspended', 'in force']
    """
    days = np.unique(_ns(list(dates)))
    ix = EventIndex.build(events, event_types)
    measures = np.flatnonzero(ix.control)
    return _frame(ix, np.repeat(measures, len(days)), np.tile(days, len(measures)))


def status_pairs(
    events: pd.DataFrame, event_types: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    """Status of given (measure, date) pairs: ``pairs`` has columns ``event_id`` and ``date``.

    Pairs whose ``event_id`` is not a control measure are left out; the others keep their order.
    """
    ix = EventIndex.build(events, event_types)
    pos = pd.Index(ix.ids).get_indexer(pairs["event_id"].to_numpy(dtype=object))
    keep = pos >= 0
    keep[keep] = ix.control[pos[keep]]
    return _frame(ix, pos[keep], _ns(pairs["date"])[keep])


def measure_status(
    events: pd.DataFrame, event_types: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Every control measure with its status on ``as_of`` and the facts a reader needs."""
    grid = status_grid(events, event_types, [pd.Timestamp(as_of)])
    cols = [
        "event_id",
        "event_type",
        "actor",
        "counterparts",
        "minerals",
        "announced",
        "effective",
        "title",
    ]
    out = grid[["event_id", "status"]].merge(events[cols], on="event_id", how="left")
    out["status"] = out["status"].astype(str)
    return (
        out[["event_id", "status", *cols[1:]]]
        .sort_values(["status", "announced", "event_id"])
        .reset_index(drop=True)
    )


def status_intervals(
    events: pd.DataFrame, event_types: pd.DataFrame, until: pd.Timestamp
) -> pd.DataFrame:
    """Each measure's life as consecutive spans of one status, up to ``until``.

    Columns: ``event_id``, ``status``, ``start``, ``end`` (``end`` is exclusive). Spans with
    status ``not announced`` are left out. A measure's status can only change on its own dates or
    those of the lifecycle events acting on it, so only those (measure, date) pairs are evaluated.
    """
    until_ns = int(_ns([pd.Timestamp(until)])[0])
    ix = EventIndex.build(events, event_types)
    # Change dates: a measure's own dates, those of events acting on it, and those of events
    # acting on those (an extension or lifting of a suspension).
    life = np.flatnonzero(ix.lifecycle & (ix.target >= 0))
    first = ix.target[life]
    via = life[ix.lifecycle[first]]
    owner = np.concatenate([np.arange(len(ix.ids)), first, ix.target[ix.target[via]]])
    source = np.concatenate([np.arange(len(ix.ids)), life, via])
    after_end = np.where(ix.ends[source] == _NAT, _NAT, ix.ends[source] + _DAY)
    measure = np.concatenate([owner, owner, owner])
    date = np.concatenate([ix.announced[source], ix.effective[source], after_end])
    keep = (measure >= 0) & (date != _NAT) & (date <= until_ns)
    keep[keep] = ix.control[measure[keep]]
    controls = np.flatnonzero(ix.control)
    measure = np.concatenate([measure[keep], controls])
    date = np.concatenate([date[keep], np.full(len(controls), until_ns)])
    rank = np.zeros(len(ix.ids), dtype=np.int64)
    rank[controls[np.argsort(ix.ids[controls].astype(str), kind="stable")]] = np.arange(
        len(controls)
    )
    order = np.lexsort((date, rank[measure]))
    measure, date = measure[order], date[order]
    fresh = np.ones(len(measure), dtype=bool)
    fresh[1:] = (measure[1:] != measure[:-1]) | (date[1:] != date[:-1])
    measure, date = measure[fresh], date[fresh]
    code = _status_codes(ix, measure, date)
    change = np.ones(len(measure), dtype=bool)
    change[1:] = (measure[1:] != measure[:-1]) | (code[1:] != code[:-1])
    idx = np.flatnonzero(change)
    end = np.append(date[idx[1:]], until_ns)
    last = np.append(measure[idx[1:]] != measure[idx[:-1]], True)
    end = np.where(last, until_ns, end)
    start = date[idx]
    keep = (code[idx] != _CODE["not announced"]) & (end > start)
    idx, start, end = idx[keep], start[keep], end[keep]
    return pd.DataFrame(
        {
            "event_id": ix.ids[measure[idx]],
            "status": pd.array(np.asarray(STATUSES, dtype=object)[code[idx]], dtype="str"),
            "start": start.view("datetime64[ns]").astype("datetime64[us]"),
            "end": end.view("datetime64[ns]").astype("datetime64[us]"),
        }
    )

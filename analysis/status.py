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
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.arrays import DAY, NAT, inner_join, ns_to_dates, positions, to_ns

STATUSES = ("not announced", "announced", "in force", "suspended", "lifted", "replaced", "expired")
ACTIVE = "in force"
ACTIVE_CODE = STATUSES.index(ACTIVE)
_CODE = {name: i for i, name in enumerate(STATUSES)}


class EventIndex:
    """The events as plain arrays: what the status rules need, with ids resolved to positions.

    Built in a few milliseconds; every rule below is then integer-array work (no joins on
    string ids), which keeps the cost flat as the events table grows. It describes the events
    table it was built from and is only valid for that table.
    """

    def __init__(self, events: pd.DataFrame, event_types: pd.DataFrame) -> None:
        self._event_id = events["event_id"]
        codes, kinds = pd.factorize(events["event_type"])
        lookup = event_types.set_index("event_type")
        category = lookup["category"].reindex(kinds).to_numpy(dtype=object)
        effect = lookup["effect"].reindex(kinds).to_numpy(dtype=object)
        kind_control = np.append(category == "control", False)
        kind_lifecycle = np.append(category == "lifecycle", False)
        self.control = kind_control[codes]  # codes is -1 for a missing type: neither
        self.lifecycle = kind_lifecycle[codes]
        self.announced = to_ns(events["announced"])
        self.effective = to_ns(events["effective"])
        self.start = np.where(self.effective == NAT, self.announced, self.effective)
        self.ends = to_ns(events["ends"])
        self.target = positions(events["relates_to"], events["event_id"])
        # Lifecycle events acting on some event, by effect (suspend, extend, lift, ...).
        acts = self.lifecycle & (self.target >= 0)
        self._acting = {
            str(e): np.flatnonzero(acts & (codes == k))
            for k, e in enumerate(effect)
            if isinstance(e, str)
        }

    @classmethod
    def build(cls, events: pd.DataFrame, event_types: pd.DataFrame) -> EventIndex:
        return cls(events, event_types)

    @cached_property
    def ids(self) -> np.ndarray:
        """``event_id`` of every position, as Python strings."""
        return self._event_id.to_numpy(dtype=object)

    def status_codes(self, measure: np.ndarray, date: np.ndarray) -> np.ndarray:
        """Status of each (measure position, date in ns) pair as an index into ``STATUSES``."""
        return _status_codes(self, measure, date)

    @staticmethod
    def days(dates: Iterable[pd.Timestamp]) -> np.ndarray:
        """Distinct dates, sorted, as int64 nanoseconds (the unit the rules work in)."""
        return np.unique(to_ns(list(dates)))

    def spans(self, until: pd.Timestamp) -> tuple[np.ndarray, ...]:
        """Each measure's spans of one status up to ``until``, as arrays.

        Returns (measure position, status code, start, exclusive end), dates in ns, grouped by
        measure in position order; ``not announced`` spans are left out.
        """
        until_ns = int(to_ns([pd.Timestamp(until)])[0])
        # Change dates: a measure's own dates, those of events acting on it, and those of events
        # acting on those (an extension or lifting of a suspension).
        life = np.flatnonzero(self.lifecycle & (self.target >= 0))
        first = self.target[life]
        via = life[self.lifecycle[first]]
        everyone = np.arange(len(self.ids))
        owner = np.concatenate([everyone, first, self.target[self.target[via]]])
        source = np.concatenate([everyone, life, via])
        after_end = np.where(self.ends[source] == NAT, NAT, self.ends[source] + DAY)
        measure = np.concatenate([owner, owner, owner])
        date = np.concatenate([self.announced[source], self.effective[source], after_end])
        keep = (measure >= 0) & (date != NAT) & (date <= until_ns)
        keep[keep] = self.control[measure[keep]]
        controls = np.flatnonzero(self.control)
        measure = np.concatenate([measure[keep], controls])
        date = np.concatenate([date[keep], np.full(len(controls), until_ns)])
        order = np.lexsort((date, measure))
        measure, date = measure[order], date[order]
        fresh = np.ones(len(measure), dtype=bool)
        fresh[1:] = (measure[1:] != measure[:-1]) | (date[1:] != date[:-1])
        measure, date = measure[fresh], date[fresh]
        code = _status_codes(self, measure, date)
        change = np.ones(len(measure), dtype=bool)
        change[1:] = (measure[1:] != measure[:-1]) | (code[1:] != code[:-1])
        idx = np.flatnonzero(change)
        last = np.append(measure[idx[1:]] != measure[idx[:-1]], True)
        end = np.where(last, until_ns, np.append(date[idx[1:]], until_ns))
        start = date[idx]
        keep = (code[idx] != _CODE["not announced"]) & (end > start)
        idx = idx[keep]
        return measure[idx], code[idx], start[keep], end[keep]

    def acting(self, effect: str) -> np.ndarray:
        """Positions of lifecycle events with this effect that act on some event."""
        return self._acting.get(effect, np.empty(0, dtype=np.int64))


def _status_codes(ix: EventIndex, measure: np.ndarray, date: np.ndarray) -> np.ndarray:
    """Status code (index into ``STATUSES``) of each (measure position, date in ns) pair."""
    n = len(measure)
    # The measure's end: its own, or the latest end of an extension of it announced by the date.
    ext = ix.acting("extend")
    row, k = inner_join(measure, ix.target[ext])
    keep = ix.announced[ext[k]] <= date[row]
    extended = np.full(n, NAT)
    np.maximum.at(extended, row[keep], ix.ends[ext[k[keep]]])
    end = np.where(extended != NAT, extended, ix.ends[measure])

    def started(effect: str) -> np.ndarray:
        acts = ix.acting(effect)
        r, j = inner_join(measure, ix.target[acts])
        hit = np.zeros(n, dtype=bool)
        hit[r[ix.start[acts[j]] <= date[r]]] = True
        return hit

    # Suspensions running on the date, each with its end extended or cut short by a lifting.
    susp = ix.acting("suspend")
    row, k = inner_join(measure, ix.target[susp])
    on = ix.start[susp[k]] <= date[row]
    row, s = row[on], susp[k[on]]
    s_ext_row, j = inner_join(s, ix.target[ext])
    keep = ix.announced[ext[j]] <= date[row[s_ext_row]]
    s_extended = np.full(len(s), NAT)
    np.maximum.at(s_extended, s_ext_row[keep], ix.ends[ext[j[keep]]])
    s_end = np.where(s_extended != NAT, s_extended, ix.ends[s])
    lifts = ix.acting("lift")
    s_lift_row, j = inner_join(s, ix.target[lifts])
    keep = ix.start[lifts[j]] <= date[row[s_lift_row]]
    lifted_on = np.full(len(s), np.iinfo(np.int64).max)
    np.minimum.at(lifted_on, s_lift_row[keep], ix.start[lifts[j[keep]]])
    s_end = np.where(lifted_on != np.iinfo(np.int64).max, lifted_on - DAY, s_end)
    running = (s_end == NAT) | (date[row] <= s_end)
    suspended = np.zeros(n, dtype=bool)
    suspended[row[running]] = True

    code = np.full(n, _CODE["in force"], dtype=np.int8)
    code[suspended] = _CODE["suspended"]
    code[(end != NAT) & (end < date)] = _CODE["expired"]
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
            "date": ns_to_dates(date),
            "status": pd.Categorical.from_codes(code, categories=pd.Index(STATUSES)),
        }
    )


def status_grid(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    dates: Iterable[pd.Timestamp],
    index: EventIndex | None = None,
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
    days = np.unique(to_ns(list(dates)))
    ix = EventIndex.build(events, event_types) if index is None else index
    measures = np.flatnonzero(ix.control)
    return _frame(ix, np.repeat(measures, len(days)), np.tile(days, len(measures)))


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
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    until: pd.Timestamp,
    index: EventIndex | None = None,
) -> pd.DataFrame:
    """Each measure's life as consecutive spans of one status, up to ``until``.

    Columns: ``event_id``, ``status``, ``start``, ``end`` (``end`` is exclusive), sorted by
    ``event_id`` and ``start``. Spans with status ``not announced`` are left out. A measure's
    status can only change on its own dates or those of the lifecycle events acting on it, so
    only those (measure, date) pairs are evaluated.
    """
    ix = EventIndex.build(events, event_types) if index is None else index
    measure, code, start, end = ix.spans(pd.Timestamp(until))
    order = np.lexsort((start, ix.ids[measure].astype(str)))
    measure, code, start, end = measure[order], code[order], start[order], end[order]
    return pd.DataFrame(
        {
            "event_id": ix.ids[measure],
            "status": pd.array(np.asarray(STATUSES, dtype=object)[code], dtype="str"),
            "start": ns_to_dates(start),
            "end": ns_to_dates(end),
        }
    )

"""Status of every export-control measure on any date, per mineral, derived from the events alone.

A measure is an event whose type has category ``control``. Lifecycle events (suspension,
extension, exemption, lifting, replacement, amendment, dispute step) act on the events named in
their ``relates_to`` (a ``;``-separated list: one act may act on several measures). No status is
ever stored: it is computed here from dates.

**Scope.** A measure has one *unit* per mineral it lists and one per HS code it lists. A lifecycle
event acts on a unit of a measure it relates to when it *covers* the unit:

* a mineral unit ``m``: the act lists no HS codes and lists ``m`` among its minerals;
* an HS-code unit ``c``: the act lists ``c`` among its codes, or lists no codes and lists every
  one of the measure's minerals (the data do not tie codes to minerals, so an act on some of the
  minerals reaches no code).

So an act listing all of the measure's minerals covers all of it; one listing fewer covers only
those (the intersection); an act naming none of them covers nothing. An act on an act (an
extension or lifting of a suspension or of an exemption) is scoped the same way, per unit of the
measure underneath.

**Rules**, for a unit u of measure M on date d (a lifecycle event "starts" on its ``effective``
date, or on its ``announced`` date when no effective date is given); only acts covering u count:

* d < M.announced                                   -> ``not announced``
* M.announced <= d < M.start                        -> ``announced``
* a lifting of M started on or before d             -> ``lifted``
* a replacement of M started on or before d         -> ``replaced``
* M's end (its ``ends``, or the latest ``ends`` of an extension of M announced by d) < d
                                                    -> ``expired`` (``ends`` is the last day)
* a suspension S of M running on d                  -> ``suspended``
* an exemption X of M running on d                  -> ``relaxed`` (the measure stands but lets
  exports through under conditions: quotas, general licences, named companies)
* otherwise                                         -> ``in force``

An act A (suspension or exemption) *runs* on d when A.start <= d <= A.end, where A.end is A's
``ends``, pushed out by extensions of A announced by d, and cut short (to the day before) by a
lifting of A started by d; an act with no end date is open-ended. Amendments and dispute steps
leave the status as it is.

A measure's own status (one row per measure) is the most active status among its mineral units,
in the order ``in force``, ``relaxed``, ``suspended``, ``announced``, ``expired``, ``replaced``,
``lifted``, ``not announced``: the 2014 Indonesian ore ban in 2018 is ``in force`` as a measure
(tin, chromium, gold, silver) while ``relaxed`` for nickel and bauxite.

Ids are resolved to integer positions once per events table (:class:`EventIndex`); the rules are
then array operations over (unit x date) pairs, with no Python loop over events or dates and no
join on string ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cached_property

import numpy as np
import pandas as pd

from analysis.arrays import DAY, NAT, inner_join, ns_to_dates, positions, split_lists, to_ns

STATUSES = (
    "not announced",
    "announced",
    "in force",
    "suspended",
    "lifted",
    "replaced",
    "expired",
    "relaxed",
)
ACTIVE = "in force"
RELAXED = "relaxed"
ACTIVE_CODE = STATUSES.index(ACTIVE)
RELAXED_CODE = STATUSES.index(RELAXED)
_CODE = {name: i for i, name in enumerate(STATUSES)}
# Most active first: a measure's own status is the first of these found among its units.
_ACTIVENESS = ("in force", "relaxed", "suspended", "announced", "expired", "replaced", "lifted",
               "not announced")  # fmt: skip
_RANK = np.array([_ACTIVENESS.index(s) for s in STATUSES], dtype=np.int8)
_BY_RANK = np.array([_CODE[s] for s in _ACTIVENESS], dtype=np.int8)
MINERAL, HS_CODE = 0, 1  # kinds of unit
_FAR = np.iinfo(np.int64).max


def _items(text: object) -> list[str]:
    return [] if not isinstance(text, str) else [p for p in text.split(";") if p]


class EventIndex:
    """The events as plain arrays: what the status rules need, with ids resolved to positions.

    Built once per events table (the package keeps it); every rule below is then integer-array
    work over *units* (a measure's minerals and HS codes) and the acts covering them. It
    describes the events table it was built from and is only valid for that table.
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
        named = [e if isinstance(e, str) else "" for e in effect]
        effect_of = np.asarray([*named, ""], dtype=object)[codes]
        # Links: every (act, target) pair named in a relates_to list.
        row, item = split_lists(events["relates_to"].reset_index(drop=True))
        target = positions(pd.Series(item, dtype=object), events["event_id"])
        ok = (target >= 0) & self.lifecycle[row]
        self.link_act, self.link_target = row[ok], target[ok]
        none = np.full(len(events), None, dtype=object)
        minerals = events["minerals"].to_numpy(dtype=object) if "minerals" in events else none
        hs = events["hs_codes"].to_numpy(dtype=object) if "hs_codes" in events else None
        self._build_units(minerals, hs)
        self._build_pairs(minerals, hs, effect_of)

    def _build_units(self, minerals: np.ndarray, hs: np.ndarray | None) -> None:
        units: list[tuple[int, int, str]] = []  # (measure position, kind, item)
        for pos in np.flatnonzero(self.control).tolist():
            for m in dict.fromkeys(_items(minerals[pos]) or [""]):  # "": lists none
                units.append((pos, MINERAL, m))
            for c in dict.fromkeys(_items(hs[pos]) if hs is not None else []):
                units.append((pos, HS_CODE, c))
        measure = [u[0] for u in units]
        kind = [u[1] for u in units]
        item = [u[2] for u in units]
        self.unit_measure = np.asarray(measure, dtype=np.int64)
        self.unit_kind = np.asarray(kind, dtype=np.int8)
        self.unit_item = np.asarray(item, dtype=object)

    def _build_pairs(
        self, minerals: np.ndarray, hs: np.ndarray | None, effect_of: np.ndarray
    ) -> None:
        """Which acts cover which units: first-order (act, unit) and second-order (act, pair)."""
        memo: dict[tuple, bool] = {}

        def covers(act: int, unit: int) -> bool:
            m_pos = int(self.unit_measure[unit])
            key = (minerals[act], None if hs is None else hs[act], minerals[m_pos],
                   int(self.unit_kind[unit]), self.unit_item[unit])  # fmt: skip
            hit = memo.get(key)
            if hit is None:
                act_min = set(_items(key[0]))
                act_hs = set(_items(key[1]))
                if key[3] == MINERAL:  # an act listing no minerals covers all of them
                    hit = not act_hs and (not act_min or key[4] in act_min or key[4] == "")
                else:
                    hit = key[4] in act_hs if act_hs else set(_items(key[2])) <= act_min
                memo[key] = hit
            return hit

        units_of: dict[int, list[int]] = {}
        for u, m in enumerate(self.unit_measure.tolist()):
            units_of.setdefault(m, []).append(u)
        links_of: dict[int, list[int]] = {}
        for a, t in zip(self.link_act.tolist(), self.link_target.tolist(), strict=True):
            links_of.setdefault(t, []).append(a)
        p_act: list[int] = []
        p_unit: list[int] = []
        q_act: list[int] = []
        q_pair: list[int] = []
        for m, units in units_of.items():
            for a in links_of.get(m, []):
                for u in units:
                    if covers(a, u):
                        p_act.append(a)
                        p_unit.append(u)
                        p = len(p_act) - 1
                        for b in links_of.get(a, []):  # acts on the act, per unit underneath
                            if covers(b, u):
                                q_act.append(b)
                                q_pair.append(p)
        self.pair_act = np.asarray(p_act, dtype=np.int64)
        self.pair_unit = np.asarray(p_unit, dtype=np.int64)
        self.sub_act = np.asarray(q_act, dtype=np.int64)
        self.sub_pair = np.asarray(q_pair, dtype=np.int64)
        self.pair_effect = effect_of[self.pair_act] if len(p_act) else np.empty(0, dtype=object)
        self.sub_effect = effect_of[self.sub_act] if len(q_act) else np.empty(0, dtype=object)

    @classmethod
    def build(cls, events: pd.DataFrame, event_types: pd.DataFrame) -> EventIndex:
        return cls(events, event_types)

    @cached_property
    def ids(self) -> np.ndarray:
        """``event_id`` of every position, as Python strings."""
        return self._event_id.to_numpy(dtype=object)

    def mineral_units(self) -> np.ndarray:
        """Positions (into the unit arrays) of every measure's mineral units."""
        return np.flatnonzero(self.unit_kind == MINERAL)

    def unit_status_codes(self, unit: np.ndarray, date: np.ndarray) -> np.ndarray:
        """Status of each (unit, date in ns) pair as an index into ``STATUSES``."""
        return _unit_codes(self, unit, date)

    def status_codes(self, measure: np.ndarray, date: np.ndarray) -> np.ndarray:
        """Status of each (measure position, date in ns) pair: the most active of its minerals'."""
        mine = self.mineral_units()
        row, j = inner_join(measure, self.unit_measure[mine])
        rank = np.full(len(measure), _ACTIVENESS.index("not announced"), dtype=np.int8)
        if len(row):
            np.minimum.at(rank, row, _RANK[_unit_codes(self, mine[j], date[row])])
        return _BY_RANK[rank]

    @staticmethod
    def days(dates: Iterable[pd.Timestamp]) -> np.ndarray:
        """Distinct dates, sorted, as int64 nanoseconds (the unit the rules work in)."""
        return np.unique(to_ns(list(dates)))

    def change_dates(self, until_ns: int) -> tuple[np.ndarray, np.ndarray]:
        """(unit, date) pairs on which a unit's status can change, up to ``until_ns``, sorted.

        A unit's own measure's dates, those of the acts covering it, and those of the acts on
        those acts; each day after an ``ends`` date too (``ends`` is the last day). Every unit
        also gets ``until_ns``.
        """
        units = np.arange(len(self.unit_measure))
        owner = np.concatenate([units, self.pair_unit, self.pair_unit[self.sub_pair]])
        source = np.concatenate([self.unit_measure, self.pair_act, self.sub_act])
        after_end = np.where(self.ends[source] == NAT, NAT, self.ends[source] + DAY)
        unit = np.concatenate([owner, owner, owner, units])
        date = np.concatenate([self.announced[source], self.effective[source], after_end,
                               np.full(len(units), until_ns)])  # fmt: skip
        keep = (date != NAT) & (date <= until_ns)
        unit, date = unit[keep], date[keep]
        order = np.lexsort((date, unit))
        unit, date = unit[order], date[order]
        fresh = np.ones(len(unit), dtype=bool)
        fresh[1:] = (unit[1:] != unit[:-1]) | (date[1:] != date[:-1])
        return unit[fresh], date[fresh]

    def unit_spans(self, until: pd.Timestamp) -> tuple[np.ndarray, ...]:
        """Each unit's spans of one status up to ``until``: (unit, code, start, exclusive end).

        The last result is kept (the index never changes), so asking for in-force and relaxed
        spans over the same dates computes them once.
        """
        until_ns = int(to_ns([pd.Timestamp(until)])[0])
        cached = self.__dict__.get("_unit_spans")
        if cached is not None and cached[0] == until_ns:
            return cached[1]
        unit, date = self.change_dates(until_ns)
        out = _runs(unit, date, _unit_codes(self, unit, date), until_ns)
        for array in out:
            array.flags.writeable = False
        self.__dict__["_unit_spans"] = (until_ns, out)
        return out

    def spans(self, until: pd.Timestamp) -> tuple[np.ndarray, ...]:
        """Each measure's spans of one status up to ``until``, as arrays.

        Returns (measure position, status code, start, exclusive end), dates in ns, grouped by
        measure in position order; ``not announced`` spans are left out.
        """
        until_ns = int(to_ns([pd.Timestamp(until)])[0])
        unit, date = self.change_dates(until_ns)
        controls = np.flatnonzero(self.control)
        own = np.concatenate([self.announced[controls], self.effective[controls],
                              np.where(self.ends[controls] == NAT, NAT, self.ends[controls] + DAY),
                              np.full(len(controls), until_ns)])  # fmt: skip
        measure = np.concatenate([self.unit_measure[unit], np.tile(controls, 4)])
        date = np.concatenate([date, own])
        keep = (date != NAT) & (date <= until_ns)
        measure, date = measure[keep], date[keep]
        order = np.lexsort((date, measure))
        measure, date = measure[order], date[order]
        fresh = np.ones(len(measure), dtype=bool)
        fresh[1:] = (measure[1:] != measure[:-1]) | (date[1:] != date[:-1])
        measure, date = measure[fresh], date[fresh]
        return _runs(measure, date, self.status_codes(measure, date), until_ns)


def _runs(
    key: np.ndarray, date: np.ndarray, code: np.ndarray, until_ns: int
) -> tuple[np.ndarray, ...]:
    """Consecutive (key, date) pairs of one status merged into spans; ``not announced`` dropped."""
    change = np.ones(len(key), dtype=bool)
    change[1:] = (key[1:] != key[:-1]) | (code[1:] != code[:-1])
    idx = np.flatnonzero(change)
    last = np.append(key[idx[1:]] != key[idx[:-1]], True) if len(idx) else np.empty(0, dtype=bool)
    end = np.where(last, until_ns, np.append(date[idx[1:]], until_ns)) if len(idx) else idx
    start = date[idx]
    keep = (code[idx] != _CODE["not announced"]) & (end > start)
    idx = idx[keep]
    return key[idx], code[idx], start[keep], end[keep]


def _unit_codes(ix: EventIndex, unit: np.ndarray, date: np.ndarray) -> np.ndarray:
    """Status code (index into ``STATUSES``) of each (unit, date in ns) pair."""
    n = len(unit)
    measure = ix.unit_measure[unit]

    def pairs(effect: str) -> np.ndarray:
        return np.flatnonzero(ix.pair_effect == effect)

    # The measure's end: its own, or the latest end of an extension covering the unit announced by d.
    ext = pairs("extend")
    row, k = inner_join(unit, ix.pair_unit[ext])
    acts = ix.pair_act[ext[k]]
    keep = ix.announced[acts] <= date[row]
    extended = np.full(n, NAT)
    np.maximum.at(extended, row[keep], ix.ends[acts[keep]])
    end = np.where(extended != NAT, extended, ix.ends[measure])

    def started(effect: str) -> np.ndarray:
        p = pairs(effect)
        r, j = inner_join(unit, ix.pair_unit[p])
        hit = np.zeros(n, dtype=bool)
        hit[r[ix.start[ix.pair_act[p[j]]] <= date[r]]] = True
        return hit

    def running(effect: str) -> np.ndarray:
        """Acts of this effect covering the unit and running on the date."""
        p = pairs(effect)
        r, j = inner_join(unit, ix.pair_unit[p])
        pair = p[j]
        act = ix.pair_act[pair]
        on = ix.start[act] <= date[r]
        r, pair, act = r[on], pair[on], act[on]
        sub_ext = np.flatnonzero(ix.sub_effect == "extend")
        i, s = inner_join(pair, ix.sub_pair[sub_ext])
        b = ix.sub_act[sub_ext[s]]
        keep = ix.announced[b] <= date[r[i]]
        a_extended = np.full(len(pair), NAT)
        np.maximum.at(a_extended, i[keep], ix.ends[b[keep]])
        a_end = np.where(a_extended != NAT, a_extended, ix.ends[act])
        sub_lift = np.flatnonzero(ix.sub_effect == "lift")
        i, s = inner_join(pair, ix.sub_pair[sub_lift])
        b = ix.sub_act[sub_lift[s]]
        keep = ix.start[b] <= date[r[i]]
        lifted_on = np.full(len(pair), _FAR)
        np.minimum.at(lifted_on, i[keep], ix.start[b[keep]])
        a_end = np.where(lifted_on != _FAR, lifted_on - DAY, a_end)
        live = (a_end == NAT) | (date[r] <= a_end)
        hit = np.zeros(n, dtype=bool)
        hit[r[live]] = True
        return hit

    code = np.full(n, _CODE["in force"], dtype=np.int8)
    code[running("exempt")] = _CODE["relaxed"]
    code[running("suspend")] = _CODE["suspended"]
    code[(end != NAT) & (end < date)] = _CODE["expired"]
    code[started("replace")] = _CODE["replaced"]
    code[started("lift")] = _CODE["lifted"]
    code[date < ix.start[measure]] = _CODE["announced"]
    code[date < ix.announced[measure]] = _CODE["not announced"]
    return code


def _frame(ix: EventIndex, measure: np.ndarray, date: np.ndarray) -> pd.DataFrame:
    code = ix.status_codes(measure, date)
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
    return _frame(ix, pos[keep], to_ns(pairs["date"])[keep])


def measure_status(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    as_of: pd.Timestamp,
    reviewed: pd.Timestamp | None = None,
    index: EventIndex | None = None,
) -> pd.DataFrame:
    """Every control measure with its status on ``as_of`` and the facts a reader needs.

    Besides the measure's own ``status``: ``scope`` (the minerals whose status differs from the
    measure's, e.g. ``relaxed for nickel, bauxite``; empty when all agree), ``verified`` and
    ``caveat`` (see :func:`horizon`; always verified when ``reviewed`` is None).
    """
    ix = EventIndex.build(events, event_types) if index is None else index
    day = pd.Timestamp(as_of)
    grid = status_grid(events, event_types, [day], ix)
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
    per = status_by_mineral(events, ix, day)
    own = per["measure_id"].map(out.set_index("event_id")["status"])
    odd = per[(per["status"] != own) & (per["mineral"] != "")]
    notes = (
        odd.groupby(["measure_id", "status"], sort=False)["mineral"]
        .agg(", ".join)
        .reset_index()
        .assign(text=lambda d: d["status"] + " for " + d["mineral"])
        .groupby("measure_id", sort=False)["text"]
        .agg("; ".join)
    )
    scope = dict(zip(notes.index, notes, strict=True))
    out["scope"] = [scope.get(e, "") for e in out["event_id"]]
    ok, caveat = horizon(events, ix, np.flatnonzero(ix.control), day, reviewed)
    flags = pd.DataFrame({"event_id": ix.ids[ix.control], "verified": ok, "caveat": caveat})
    out = out.merge(flags, on="event_id", how="left")
    return (
        out[["event_id", "status", "verified", "caveat", "scope", *cols[1:]]]
        .sort_values(["status", "announced", "event_id"])
        .reset_index(drop=True)
    )


def status_by_mineral(
    events: pd.DataFrame,
    index: EventIndex,
    date: pd.Timestamp,
    reviewed: pd.Timestamp | None = None,
    hs_codes: bool = False,
) -> pd.DataFrame:
    """Status of every (measure, mineral) on ``date``: the function other layers should use.

    Columns: ``measure_id``, ``mineral`` (as listed on the measure, no group expansion),
    ``status`` (one of ``STATUSES``), ``verified`` (see :func:`horizon`) and, with
    ``hs_codes=True``, one more row per HS code the measure lists (``mineral`` empty, the code in
    ``hs_code``). ``index`` is the package's :class:`EventIndex` for ``events``.

    >>> ev = pd.DataFrame({
    ...     "event_id": ["ban", "ease"], "event_type": ["control_ore_ban", "exemption"],
    ...     "minerals": ["nickel;bauxite;tin", "nickel;bauxite;copper"],
    ...     "announced": pd.to_datetime(["2014-01-11", "2017-01-12"]),
    ...     "effective": pd.to_datetime(["2014-01-12", None]), "ends": pd.NaT,
    ...     "relates_to": [None, "ban"]})
    >>> types = pd.DataFrame({"event_type": ["control_ore_ban", "exemption"],
    ...                       "category": ["control", "lifecycle"], "effect": [None, "exempt"]})
    >>> ix = EventIndex(ev, types)
    >>> status_by_mineral(ev, ix, pd.Timestamp("2018-01-01"))[["mineral", "status"]].values.tolist()
    [['nickel', 'relaxed'], ['bauxite', 'relaxed'], ['tin', 'in force']]
    """
    units = np.arange(len(index.unit_measure))
    if not hs_codes:
        units = index.mineral_units()
    day = to_ns([pd.Timestamp(date)])
    code = index.unit_status_codes(units, np.repeat(day, len(units)))
    measure = index.unit_measure[units]
    ok, _ = _unit_horizon(index, units, pd.Timestamp(date), reviewed)
    kind = index.unit_kind[units]
    item = index.unit_item[units]
    out = pd.DataFrame(
        {
            "measure_id": index.ids[measure],
            "mineral": np.where(kind == MINERAL, item, ""),
            "status": np.asarray(STATUSES, dtype=object)[code],
            "verified": ok,
        }
    )
    if hs_codes:
        out.insert(2, "hs_code", np.where(kind == HS_CODE, item, ""))
    return out


def reviewed_through(descriptor: dict) -> pd.Timestamp | None:
    """The data horizon: the last day up to which the events were searched for.

    Read from ``x-reviewed-through`` in ``datapackage.yaml`` (``reviewed_through`` is accepted
    too); None when the descriptor states none.

    >>> reviewed_through({"x-reviewed-through": "2026-06-17"})
    Timestamp('2026-06-17 00:00:00')
    """
    value = descriptor.get("x-reviewed-through", descriptor.get("reviewed_through"))
    if value is None or value == "":
        return None
    return pd.Timestamp(value.isoformat() if isinstance(value, dt.date) else str(value))


_WHAT = {
    "suspend": "the suspension was scheduled to run until",
    "exempt": "the relaxation was scheduled to run until",
    "extend": "the extension was scheduled to run until",
    "lift": "the lifting was due to take effect",
    "replace": "the replacement was due to take effect",
}


def _scheduled(ix: EventIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scheduled changes per unit: (unit, date in ns, event position, 0 start / 1 end).

    A scheduled change is a date on which a status changes without a new event: a measure or
    act taking effect after its announcement, or a measure or act running out (the day after
    its ``ends``).
    """
    units = np.arange(len(ix.unit_measure))
    owner = np.concatenate([units, ix.pair_unit, ix.pair_unit[ix.sub_pair]])
    source = np.concatenate([ix.unit_measure, ix.pair_act, ix.sub_act])
    delayed = np.where(ix.effective[source] > ix.announced[source], ix.effective[source], NAT)
    runs_out = np.where(ix.ends[source] == NAT, NAT, ix.ends[source] + DAY)
    unit = np.concatenate([owner, owner])
    date = np.concatenate([delayed, runs_out])
    event = np.concatenate([source, source])
    which = np.concatenate([np.zeros(len(source), np.int8), np.ones(len(source), np.int8)])
    keep = date != NAT
    return unit[keep], date[keep], event[keep], which[keep]


def _unit_horizon(
    ix: EventIndex, units: np.ndarray, date: pd.Timestamp, reviewed: pd.Timestamp | None
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Whether each unit's status on ``date`` is verified, and the scheduled changes it rests on."""
    ok = np.ones(len(units), dtype=bool)
    if reviewed is None or pd.Timestamp(date) <= reviewed:
        return ok, []
    r_ns, d_ns = (int(x) for x in to_ns([reviewed, pd.Timestamp(date)]))
    unit, when, event, _which = _scheduled(ix)
    late = (when > r_ns) & (when <= d_ns)
    row, j = inner_join(units, unit[late])
    ok[row] = False
    picked = np.flatnonzero(late)[j]
    return ok, list(zip(row.tolist(), when[picked].tolist(), event[picked].tolist(), strict=True))


def horizon(
    events: pd.DataFrame,
    index: EventIndex,
    measures: np.ndarray,
    date: pd.Timestamp,
    reviewed: pd.Timestamp | None,
) -> tuple[np.ndarray, list[str]]:
    """Whether each measure's status on ``date`` rests only on what the sources reported.

    The status is *unverified* when ``date`` is after ``reviewed`` (the data horizon) and a
    scheduled change of the measure or of an act covering it (a suspension or relaxation due to
    end, a delayed entry into force, an expiry) falls after ``reviewed`` and on or before
    ``date``: the status is then inferred from a date announced in advance, and nothing in the
    data says whether it happened. Returns the flags and one caveat sentence per measure (empty
    when verified).
    """
    mine = np.arange(len(index.unit_measure))
    _, hits = _unit_horizon(index, mine, date, reviewed)
    pos = {int(m): i for i, m in enumerate(measures)}
    ok = np.ones(len(measures), dtype=bool)
    latest: dict[int, tuple[int, int]] = {}
    for row, when, event in hits:
        i = pos.get(int(index.unit_measure[mine[row]]))
        if i is None:
            continue
        ok[i] = False
        if i not in latest or when > latest[i][0]:
            latest[i] = (when, event)
    instrument = events["instrument"].to_numpy(dtype=object) if "instrument" in events else None
    caveats = [""] * len(measures)
    if reviewed is None:  # nothing is flagged without a review date
        return ok, caveats
    for i, (when, event) in latest.items():
        day = pd.Timestamp(when)
        is_measure = index.control[event]
        ends = index.ends[event]
        if ends != NAT and when == ends + DAY:
            day = pd.Timestamp(int(ends))
            what = (
                "the measure was scheduled to run until"
                if is_measure
                else _WHAT.get(_effect_name(index, event), "the act was scheduled to run until")
            )
            what += f" {_day(day)}"
        else:
            what = (
                "the measure was due to take effect"
                if is_measure
                else "the act was due to take effect"
            )
            what += f" on {_day(day)}"
        doc = instrument[event] if instrument is not None else None
        named = f" ({doc})" if isinstance(doc, str) and doc else ""
        caveats[i] = (
            f"Inferred from a scheduled date: {what}{named}; the events were last reviewed on "
            f"{_day(reviewed)} and no later source is in the data."
        )
    return ok, caveats


def _day(ts: pd.Timestamp) -> str:
    """``2026-11-07`` -> ``7 November 2026``."""
    return f"{ts.day} {ts:%B %Y}"


def _effect_name(ix: EventIndex, event: int) -> str:
    hit = np.flatnonzero(ix.pair_act == event)
    if len(hit):
        return str(ix.pair_effect[hit[0]])
    hit = np.flatnonzero(ix.sub_act == event)
    return str(ix.sub_effect[hit[0]]) if len(hit) else ""


def status_intervals(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    until: pd.Timestamp,
    index: EventIndex | None = None,
    by_mineral: bool = False,
) -> pd.DataFrame:
    """Each measure's life as consecutive spans of one status, up to ``until``.

    Columns: ``event_id``, ``status``, ``start``, ``end`` (``end`` is exclusive), sorted by
    ``event_id`` and ``start``. Spans with status ``not announced`` are left out. A measure's
    status can only change on its own dates or those of the lifecycle events acting on it, so
    only those (measure, date) pairs are evaluated. With ``by_mineral``, the spans are per
    (measure, mineral) and carry a ``mineral`` column.
    """
    ix = EventIndex.build(events, event_types) if index is None else index
    if by_mineral:  # one life per (measure, mineral): column ``mineral`` added
        unit, code, start, end = ix.unit_spans(pd.Timestamp(until))
        keep = ix.unit_kind[unit] == MINERAL
        unit, code, start, end = unit[keep], code[keep], start[keep], end[keep]
        order = np.lexsort(
            (start, ix.unit_item[unit].astype(str), ix.ids[ix.unit_measure[unit]].astype(str))
        )
        unit, code, start, end = unit[order], code[order], start[order], end[order]
        return pd.DataFrame(
            {
                "event_id": ix.ids[ix.unit_measure[unit]],
                "mineral": ix.unit_item[unit],
                "status": pd.array(np.asarray(STATUSES, dtype=object)[code], dtype="str"),
                "start": ns_to_dates(start),
                "end": ns_to_dates(end),
            }
        )
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

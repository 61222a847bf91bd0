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

Exemptions and amendments leave the status as it is. Everything is vectorised over
(measure x date) pairs; there is no Python loop over events or dates.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

STATUSES = ("not announced", "announced", "in force", "suspended", "lifted", "replaced", "expired")
ACTIVE = "in force"


def _start(frame: pd.DataFrame) -> pd.Series:
    return frame["effective"].fillna(frame["announced"])


def _categories(events: pd.DataFrame, event_types: pd.DataFrame) -> pd.DataFrame:
    lookup = event_types.set_index("event_type")
    cols = ["event_id", "event_type", "relates_to", "announced", "effective", "ends"]
    out = events[cols].copy()
    # Ids as NumPy objects: joins on them are several times faster than on Arrow-backed strings.
    for col in ("event_id", "event_type", "relates_to"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    out["category"] = out["event_type"].map(lookup["category"].astype(object))
    out["effect"] = out["event_type"].map(lookup["effect"].astype(object))
    out["start"] = _start(out)
    return out


def _latest(pairs: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Max of ``value`` per ``key`` (the grid row id), NaT where none."""
    if pairs.empty:
        return pd.Series(dtype="datetime64[ns]")
    return pairs.groupby(key)[value].max()


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
    dates = pd.DatetimeIndex(pd.to_datetime(list(dates))).unique().sort_values()
    ev = _categories(events, event_types)
    measures = ev.loc[ev["category"] == "control", ["event_id"]]
    return status_pairs(
        events, event_types, measures.merge(pd.DataFrame({"date": dates}), how="cross"), ev
    )


def status_pairs(
    events: pd.DataFrame,
    event_types: pd.DataFrame,
    pairs: pd.DataFrame,
    categorised: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Status of given (measure, date) pairs: ``pairs`` has columns ``event_id`` and ``date``."""
    ev = _categories(events, event_types) if categorised is None else categorised
    measures = ev.loc[ev["category"] == "control", ["event_id", "announced", "start", "ends"]]
    grid = (
        pairs[["event_id", "date"]]
        .astype({"event_id": object})
        .merge(measures, on="event_id")[["event_id", "announced", "start", "ends", "date"]]
    )
    grid["row"] = range(len(grid))
    life = ev.loc[
        ev["category"] == "lifecycle",
        ["event_id", "effect", "relates_to", "announced", "start", "ends"],
    ]

    def acting_on(effect: str, target_col: str = "event_id") -> pd.DataFrame:
        """Lifecycle events of one effect joined to the grid rows of the event they act on."""
        sub = life[life["effect"] == effect].rename(
            columns={
                "event_id": "life_id",
                "announced": "l_announced",
                "start": "l_start",
                "ends": "l_ends",
            }
        )
        return grid[["row", target_col, "date"]].merge(
            sub, left_on=target_col, right_on="relates_to"
        )

    # End of the measure: its own `ends`, or the latest extension of it announced by the date.
    ext = acting_on("extend")
    ext = ext[ext["l_announced"] <= ext["date"]]
    end = grid["ends"].copy()
    later = _latest(ext, "row", "l_ends").reindex(grid["row"]).to_numpy()
    end = end.where(pd.isna(later), pd.Series(later, index=grid.index))

    lifted = acting_on("lift")
    lifted = lifted.loc[lifted["l_start"] <= lifted["date"], "row"].unique()
    replaced = acting_on("replace")
    replaced = replaced.loc[replaced["l_start"] <= replaced["date"], "row"].unique()

    # Suspensions of the measure, each with its own end (extended or lifted as of the date).
    susp = acting_on("suspend")
    susp = susp[susp["l_start"] <= susp["date"]]
    if not susp.empty:
        s_ext = susp[["row", "life_id", "date"]].merge(
            life[life["effect"] == "extend"][["relates_to", "announced", "ends"]],
            left_on="life_id",
            right_on="relates_to",
        )
        s_ext = s_ext[s_ext["announced"] <= s_ext["date"]].groupby(["row", "life_id"])["ends"].max()
        s_lift = susp[["row", "life_id", "date"]].merge(
            life[life["effect"] == "lift"][["relates_to", "start"]],
            left_on="life_id",
            right_on="relates_to",
        )
        s_lift = (
            s_lift[s_lift["start"] <= s_lift["date"]].groupby(["row", "life_id"])["start"].min()
        )
        s_lift = s_lift - pd.Timedelta(days=1)  # lifted on day L: the suspension's last day is L-1
        key = pd.MultiIndex.from_frame(susp[["row", "life_id"]])
        s_end = pd.Series(susp["l_ends"].to_numpy(), index=key)
        s_end = s_end.where(~s_ext.reindex(key).notna().to_numpy(), s_ext.reindex(key).to_numpy())
        lifted_at = s_lift.reindex(key)
        s_end = s_end.where(lifted_at.isna().to_numpy(), lifted_at.to_numpy())
        s_end_values = pd.to_datetime(s_end.to_numpy())
        active = pd.isna(s_end_values) | (susp["date"].to_numpy() <= s_end_values)
        suspended = susp.loc[active, "row"].unique()
    else:
        suspended = []

    status = pd.Series(ACTIVE, index=grid.index, dtype="object")
    status[grid["row"].isin(suspended).to_numpy()] = "suspended"
    status[(end.notna() & (end < grid["date"])).to_numpy()] = "expired"
    status[grid["row"].isin(replaced).to_numpy()] = "replaced"
    status[grid["row"].isin(lifted).to_numpy()] = "lifted"
    status[(grid["date"] < grid["start"]).to_numpy()] = "announced"
    status[(grid["date"] < grid["announced"]).to_numpy()] = "not announced"
    out = pd.DataFrame({"event_id": grid["event_id"], "date": grid["date"], "status": status})
    out["status"] = pd.Categorical(out["status"], categories=STATUSES)
    return out.reset_index(drop=True)


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
    until = pd.Timestamp(until)
    ev = _categories(events, event_types)
    # A measure's status can only change on its own dates or on those of the events acting on it
    # (and of events acting on those, such as an extension of a suspension).
    cols = ["measure", "announced", "effective", "ends"]
    own = ev[["event_id", "announced", "effective", "ends"]].set_axis(cols, axis=1)
    life = ev.loc[
        ev["category"] == "lifecycle", ["event_id", "relates_to", "announced", "effective", "ends"]
    ]
    first = life.rename(columns={"relates_to": "measure"})[cols]
    links = life[["event_id", "relates_to"]].rename(
        columns={"event_id": "mid", "relates_to": "measure"}
    )
    second = life.merge(links, left_on="relates_to", right_on="mid")[cols]
    linked = pd.concat([own, first, second], ignore_index=True)
    stamps = pd.concat(
        [
            linked[["measure", "announced"]].set_axis(["event_id", "date"], axis=1),
            linked[["measure", "effective"]].set_axis(["event_id", "date"], axis=1),
            linked[["measure", "ends"]]
            .set_axis(["event_id", "date"], axis=1)
            .assign(date=lambda d: d["date"] + pd.Timedelta(days=1)),
        ]
    ).dropna()
    measures = ev.loc[ev["category"] == "control", "event_id"]
    pairs = pd.concat(
        [stamps[stamps["date"] <= until], pd.DataFrame({"event_id": measures, "date": until})]
    )
    pairs = pairs[pairs["event_id"].isin(set(measures))].drop_duplicates()
    grid = status_pairs(events, event_types, pairs, ev).sort_values(["event_id", "date"])
    grid["status"] = grid["status"].astype(str)
    change = grid["status"].ne(grid.groupby("event_id")["status"].shift())
    spans = grid[change].copy()
    spans["end"] = spans.groupby("event_id")["date"].shift(-1).fillna(until)
    spans = spans.rename(columns={"date": "start"})
    spans = spans[(spans["status"] != "not announced") & (spans["end"] > spans["start"])]
    return spans[["event_id", "status", "start", "end"]].reset_index(drop=True)

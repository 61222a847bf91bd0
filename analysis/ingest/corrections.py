"""Apply corrections listed as data to a raw table of text cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Applied:
    """One correction applied to one row: what changed and why."""

    row: int
    action: str
    detail: str
    reason: str


def clean_text(value: Any) -> str:
    """Trim white space, including non-breaking spaces, and fold inner runs to one space."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).replace("\u00a0", " ").replace("\ufeff", "").split())


class UnmatchedCorrection(ValueError):
    """A listed correction matched no row: the listing or the release has changed."""


def apply_corrections(
    frame: pd.DataFrame, rules: list[dict[str, Any]], where: str = "table"
) -> tuple[pd.DataFrame, list[Applied]]:
    """Apply ``rules`` in order and return the corrected copy with a log of every change.

    Each rule has ``where`` (column -> value, all must match after :func:`clean_text`), a
    ``reason``, and one action: ``set`` (column -> new value; new columns are created empty),
    ``drop: true`` (remove matching rows) or ``keep: first`` (keep only the first matching row).
    A rule that matches no row raises :class:`UnmatchedCorrection` naming ``where`` and the rule.

    >>> df = pd.DataFrame({"A": ["Gemanium", "Gold"], "B": ["1", "2"]})
    >>> out, log = apply_corrections(df, [{"where": {"A": "Gemanium"},
    ...                                    "set": {"A": "Germanium"}, "reason": "typo"}])
    >>> out["A"].tolist(), [entry.detail for entry in log]
    (['Germanium', 'Gold'], ["A: 'Gemanium' -> 'Germanium'"])
    """
    out = frame.copy()
    log: list[Applied] = []
    for rule in rules:
        where = rule["where"]
        reason = rule.get("reason", "")
        missing = [c for c in where if c not in out.columns]
        if missing:
            raise KeyError(f"correction refers to unknown column(s) {missing}: {rule}")
        mask = pd.Series(True, index=out.index)
        for col, val in where.items():
            mask &= out[col].map(clean_text) == clean_text(val)
        hits = list(out.index[mask])
        if not hits:
            raise UnmatchedCorrection(f"{where}: correction matches no row: {rule}")
        if rule.get("drop"):
            log += [Applied(int(i), "drop", "row removed", reason) for i in hits]
            out = out.drop(index=hits)
        elif rule.get("keep") == "first":
            log += [Applied(int(i), "drop", "duplicate row removed", reason) for i in hits[1:]]
            out = out.drop(index=hits[1:])
        for col, val in (rule.get("set") or {}).items():
            if col not in out.columns:
                out[col] = ""
            for i in hits:
                if i in out.index:
                    log.append(
                        Applied(int(i), "set", f"{col}: '{out.at[i, col]}' -> '{val}'", reason)
                    )
                    out.at[i, col] = val
    return out, log

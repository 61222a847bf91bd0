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


class CorrectionError(ValueError):
    """A correction that matches no row: the release changed, or the correction is wrong."""


def clean_text(value: Any) -> str:
    """Trim white space, including non-breaking spaces, and fold inner runs to one space."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).replace("\u00a0", " ").replace("\ufeff", "").split())


def apply_corrections(
    frame: pd.DataFrame, rules: list[dict[str, Any]], *, strict: bool = True
) -> tuple[pd.DataFrame, list[Applied]]:
    """Apply ``rules`` in order and return the corrected copy with a log of every change.

    Each rule has ``where`` (column -> value, all must match after :func:`clean_text`), a
    ``reason``, and one action: ``set`` (column -> new value; new columns are created empty),
    ``drop: true`` (remove matching rows) or ``keep: first`` (keep only the first matching row).
    A rule that matches no row raises :class:`CorrectionError`: a correction that corrects
    nothing means the release is not the one the correction was written for. ``strict=False``
    skips such rules (for an excerpt of a release, as in the test fixtures).

    >>> df = pd.DataFrame({"A": ["Gemanium", "Gold"], "B": ["1", "2"]})
    >>> out, log = apply_corrections(df, [{"where": {"A": "Gemanium"},
    ...                                    "set": {"A": "Germanium"}, "reason": "typo"}])
    >>> out["A"].tolist(), [entry.detail for entry in log]
    (['Germanium', 'Gold'], ["A: 'Gemanium' -> 'Germanium'"])
    >>> try:
    ...     apply_corrections(df, [{"where": {"A": "Silver"}, "drop": True}])
    ... except CorrectionError as exc:
    ...     print(exc)
    correction 1 (A = 'Silver') matches no row of the release
    """
    out = frame.copy()
    log: list[Applied] = []
    for number, rule in enumerate(rules, 1):
        where = rule["where"]
        reason = rule.get("reason", "")
        missing = [c for c in where if c not in out.columns]
        if missing:
            raise KeyError(f"correction refers to unknown column(s) {missing}: {rule}")
        mask = pd.Series(True, index=out.index)
        for col, val in where.items():
            mask &= out[col].map(clean_text) == clean_text(val)
        hits = list(out.index[mask])
        if not hits and not strict:
            continue
        if not hits:
            shown = ", ".join(f"{k} = '{v}'" for k, v in where.items())
            raise CorrectionError(f"correction {number} ({shown}) matches no row of the release")
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
                        Applied(int(i), "set", f"{col}: '{out.at[i, col]!s}' -> '{val}'", reason)
                    )
                    out.at[i, col] = val
    return out, log

"""analysis.ingest.corrections: listed corrections applied in order, each logged with its reason; one
that matches nothing stops the ingest."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from analysis.ingest.corrections import UnmatchedCorrection, apply_corrections, clean_text
from tests.conftest import DATA


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"Country": ["Burma", "Burma ", "Gemanium\u00a0land", "Aggregate"], "Value": list("1234")}
    )


def test_clean_text_folds_spaces_and_drops_marks() -> None:
    assert clean_text("  Congo\u00a0 (Kinshasa)\ufeff ") == "Congo (Kinshasa)"
    assert clean_text(None) == "" and clean_text(float("nan")) == ""
    assert clean_text(42) == "42"


def test_set_drop_and_keep_first_are_applied_in_order_and_logged() -> None:
    rules = [
        {"where": {"Country": "Burma"}, "keep": "first", "reason": "listed twice"},
        {"where": {"Country": "Aggregate"}, "drop": True, "reason": "a total"},
        {
            "where": {"Country": "Gemanium land"},
            "set": {"Country": "Germany", "note": "x"},
            "reason": "typo",
        },
    ]
    out, log = apply_corrections(frame(), rules)
    assert out["Country"].tolist() == ["Burma", "Germany"]
    assert out["note"].tolist() == ["", "x"], "a new column is created empty, then set"
    assert [(a.row, a.action, a.reason) for a in log] == [
        (1, "drop", "listed twice"),
        (3, "drop", "a total"),
        (2, "set", "typo"),
        (2, "set", "typo"),
    ]
    assert log[2].detail == "Country: 'Gemanium\u00a0land' -> 'Germany'"
    assert frame()["Country"].tolist()[2] == "Gemanium\u00a0land", "the input is not changed"


def test_a_rule_that_matches_nothing_names_the_table_and_the_rule() -> None:
    rule = {"where": {"Country": "Atlantis"}, "set": {"Country": "X"}, "reason": "stale"}
    with pytest.raises(
        UnmatchedCorrection, match=r"world\.csv: correction matches no row.*Atlantis"
    ):
        apply_corrections(frame(), [rule], where="world.csv")


def test_a_rule_on_an_unknown_column_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown column"):
        apply_corrections(frame(), [{"where": {"Nation": "Burma"}, "drop": True}])


def test_every_listed_correction_has_a_reason() -> None:
    """corrections.yaml (read with PyYAML, not the ingest): no rule without its reason."""

    def rules(node: object) -> list[dict]:
        if isinstance(node, dict):
            found = [node] if "where" in node else []
            return found + [r for v in node.values() for r in rules(v)]
        if isinstance(node, list):
            return [r for v in node for r in rules(v)]
        return []

    listed = rules(yaml.safe_load((DATA / "corrections.yaml").read_text(encoding="utf-8")))
    assert len(listed) > 20
    assert [r for r in listed if not str(r.get("reason", "")).strip()] == []

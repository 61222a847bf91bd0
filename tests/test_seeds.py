"""Every claim of every seed document points at events that exist."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.package import load_package
from tests.conftest import DATA, ROOT

SEEDS = sorted((ROOT / "seeds").glob("*.yaml"))


@pytest.fixture(scope="module")
def event_ids() -> set[str]:
    return set(load_package(DATA)["events"]["event_id"])


def test_there_is_a_seed() -> None:
    assert SEEDS


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_seed_claims_map_to_existing_events(path: Path, event_ids: set[str]) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["citation"]["headline"] and doc["citation"]["publisher"]
    assert doc["claims"]
    for claim in doc["claims"]:
        assert claim["claim"].strip()
        assert claim["events"], f"claim without events: {claim['claim']}"
        missing = set(claim["events"]) - event_ids
        assert not missing, f"{path.name}: claim points at missing events {missing}"

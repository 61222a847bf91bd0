"""analysis.ingest.usgs: one USGS world-data file read into rows, its aggregates dropped; the whole
ingest command in a new interpreter reproduces the committed tables."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.ingest.usgs import build_production
from tests.conftest import DATA, REFERENCE, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "usgs"
needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference is not on this machine"
)
FIXTURE_WORLD = FIXTURE / "reference" / "usgs_mcs2025" / "world_data" / "MCS2025_World_Data.csv"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_mcs2025_part_alone_still_builds() -> None:
    text, log = build_production(FIXTURE_WORLD, FIXTURE / "data")
    assert not [r for r in rows(text) if r["mineral"] == "abrasives"]
    assert any(a.action == "drop" and "Aggregate" in a.reason for a in log)


@needs_reference
@pytest.mark.slow  # a whole ingest in a new interpreter: in make test, not make quick
def test_reference_releases_reproduce_the_committed_tables_in_a_fresh_process(
    tmp_path: Path,
) -> None:
    """Run the real command in a new interpreter on a copy of data/: same bytes as committed."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for name in ("production.csv", "production_revisions.csv", "import_reliance.csv"):
        (data / name).unlink()
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest-usgs", str(REFERENCE), "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    for name in ("production.csv", "production_revisions.csv", "import_reliance.csv"):
        assert (data / name).read_bytes() == (DATA / name).read_bytes(), name

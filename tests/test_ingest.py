"""The ingest turns the release (defects and all) into clean tables, reproducibly and atomically."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.ingest.usgs import build_import_reliance, build_production
from tests.conftest import DATA, REFERENCE, ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "usgs_world_data_defects.csv"
WORLD = REFERENCE / "usgs_mcs2025" / "world_data" / "MCS2025_World_Data.csv"
FIG2 = REFERENCE / "usgs_mcs2025" / "industry_trends" / "MCS2025_Fig2_Net_Import_Reliance.csv"
needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference is not on this machine"
)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_fixture_defects_are_handled() -> None:
    text, log = build_production(FIXTURE, DATA, excerpt=True)
    out = rows(text)
    keyed = {(r["mineral"], r["stage"], r["year"], r["country"]): r for r in out}
    # 'Gemanium' typo corrected, W codes become a flag with no quantity.
    ge = keyed[("germanium", "refinery", "2023", "CHN")]
    assert ge["quantity"] == "" and ge["flag"] == "W"
    # BOM, trailing spaces and the 'PROD_EST_ 2024' header do not leak into values.
    assert keyed[("rare_earths", "mine", "2024", "USA")]["quantity"] == "45000"
    assert keyed[("rare_earths", "mine", "2024", "MMR")]["quantity"] == "31000"  # Burma -> MMR
    assert keyed[("rare_earths", "mine", "2024", "WLD")]["quantity"] == "390000"
    assert keyed[("rare_earths", "mine", "2024", "OTHER")]["quantity"] == "1100"
    assert keyed[("rare_earths", "mine", "2023", "CAN")]["flag"] == "NA"
    # 'Congo (Kinshasa)' is the DRC, not the Republic of the Congo.
    assert keyed[("cobalt", "mine", "2023", "COD")]["quantity"] == "175000"
    assert not [r for r in out if r["country"] == "COG"]
    # 'W for 23-24' in the notes marks both blank years as withheld.
    assert keyed[("cobalt", "mine", "2024", "RUS")]["flag"] == "W"
    # Gallium primary production is the refinery stage; the commodity had trailing spaces.
    assert keyed[("gallium", "refinery", "2024", "CHN")]["quantity"] == "750000"
    assert (
        keyed[("chromium", "mine", "2024", "KAZ")]["basis"]
        == "gross weight, marketable chromite ore"
    )
    # The 'United States and Canada' aggregate is dropped, with its reason in the log.
    assert not [r for r in out if r["mineral"] == "abrasives"]
    assert any(a.action == "drop" and "Aggregate" in a.reason for a in log)
    assert {r["source"] for r in out} == {
        "USGS MCS 2025 data release (doi:10.5066/P13XCP3R), MCS2025_World_Data.csv"
    }


def test_a_correction_that_matches_nothing_fails_the_ingest() -> None:
    """The fixture is an excerpt: on it, corrections written for the whole release match nothing."""
    from analysis.ingest.corrections import CorrectionError

    with pytest.raises(CorrectionError, match=r"correction \d+ \(.*\) matches no row"):
        build_production(FIXTURE, DATA)


@needs_reference
@pytest.mark.slow
def test_ingest_in_a_fresh_process_writes_the_committed_bytes(data_copy: Path) -> None:
    """The CLI in a new interpreter (another hash seed) writes production.csv byte for byte as committed."""
    (data_copy / "production.csv").unlink()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest-usgs", str(WORLD), "--data-dir", str(data_copy)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (data_copy / "production.csv").read_bytes() == (DATA / "production.csv").read_bytes()


@needs_reference
def test_reference_release_reproduces_committed_production() -> None:
    text, _ = build_production(WORLD, DATA)
    assert text == (DATA / "production.csv").read_text(encoding="utf-8")


@needs_reference
def test_reference_release_reproduces_committed_import_reliance() -> None:
    assert build_import_reliance(FIG2, DATA) == (DATA / "import_reliance.csv").read_text(
        encoding="utf-8"
    )


@needs_reference
def test_interrupted_ingest_leaves_the_old_table_intact(data_copy: Path) -> None:
    """Kill the ingest while it writes: the table is either the old one or the complete new one."""
    target = data_copy / "production.csv"
    before = target.read_bytes()
    slow = (
        "import time, analysis.ingest.io as io_mod\n"
        "orig = io_mod.os.fsync\n"
        "def slow_fsync(fd):\n"
        "    time.sleep(30)\n"
        "    return orig(fd)\n"
        "io_mod.os.fsync = slow_fsync\n"
        "from analysis.cli import main\n"
        f"main(['ingest-usgs', {str(WORLD)!r}, '--data-dir', 'data'])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", slow], cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(data_copy.glob(".production.csv.*.tmp")):
        time.sleep(0.05)
    assert list(data_copy.glob(".production.csv.*.tmp")), (
        "the ingest writes through a temporary file"
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert target.read_bytes() == before


@needs_reference
def test_reference_ingest_reproduces_countries_shapes_and_eu_tables(data_copy: Path) -> None:
    from analysis.ingest.reference import ingest_reference

    before = {
        n: (DATA / n).read_bytes()
        for n in ("countries.csv", "country_shapes.geojson", "eu_crm_2023.csv")
    }
    ingest_reference(REFERENCE, data_copy)
    for name, content in before.items():
        assert (data_copy / name).read_bytes() == content, name


@needs_reference
def test_every_recorded_release_is_the_shared_one() -> None:
    """The sha256 in datapackage.yaml of each release, recomputed from the file with sha256sum."""
    from analysis.ingest.io import recorded_releases

    recorded = recorded_releases(DATA)
    assert len(recorded) >= 6
    for name, digest in recorded.items():
        path = REFERENCE / name
        if not path.exists():  # a release another machine has; nothing to compare here
            continue
        done = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
        assert done.stdout.split()[0] == digest, name


@needs_reference
def test_a_changed_or_unrecorded_release_is_refused(tmp_path: Path, data_copy: Path) -> None:
    from analysis.ingest.io import ReleaseError
    from analysis.ingest.usgs import ingest_production

    before = (data_copy / "production.csv").read_bytes()
    changed = tmp_path / "usgs_mcs2025" / "world_data" / "MCS2025_World_Data.csv"
    changed.parent.mkdir(parents=True)
    changed.write_bytes(WORLD.read_bytes().replace(b"Gemanium", b"Germanium", 1))
    with pytest.raises(ReleaseError, match="differs from the recorded"):
        ingest_production(changed, data_copy)
    unrecorded = tmp_path / "elsewhere.csv"
    unrecorded.write_bytes(WORLD.read_bytes())
    with pytest.raises(ReleaseError, match=r"not recorded in datapackage\.yaml"):
        ingest_production(unrecorded, data_copy)
    assert (data_copy / "production.csv").read_bytes() == before

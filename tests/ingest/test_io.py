"""analysis.ingest.io: tables written atomically (a killed ingest leaves the old table), and each
reference release checked against the sha256 recorded in datapackage.yaml before it is read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA, REFERENCE, ROOT

needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference is not on this machine"
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
        f"main(['ingest-usgs', {str(REFERENCE)!r}, '--data-dir', 'data'])\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", slow], cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(data_copy.glob(".production.csv.*.tmp")):
        time.sleep(0.05)
    assert list(data_copy.glob(".production.csv.*.tmp")), (
        "the ingest writes through a temporary file"
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert target.read_bytes() == before


@needs_reference
def test_every_recorded_release_is_the_shared_one() -> None:
    """The sha256 in datapackage.yaml of each release, recomputed with sha256sum (a folder: the
    sha256 of its sorted sha256sum listing)."""
    from analysis.ingest.io import recorded_releases

    recorded = recorded_releases(DATA)
    assert len(recorded) >= 11
    for name, digest in recorded.items():
        path = REFERENCE / name
        if not path.exists():  # a release another machine has; nothing to compare here
            continue
        script = (
            "find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum"
            if path.is_dir()
            else f"sha256sum '{path}'"
        )
        done = subprocess.run(
            ["sh", "-c", script],
            cwd=path if path.is_dir() else None,
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.split()[0] == digest, name


@needs_reference
def test_a_changed_or_unrecorded_release_is_refused(tmp_path: Path, data_copy: Path) -> None:
    """A reference tree of links to the shared releases, one of them edited: nothing is written."""
    from analysis.ingest.editions import ingest_supply
    from analysis.ingest.io import ReleaseError, verify_release

    editions = yaml.safe_load((DATA / "corrections.yaml").read_text("utf-8"))["usgs_editions"]
    reference = tmp_path / "reference"
    for edition in editions["editions"].values():
        target = reference / edition["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(REFERENCE / edition["path"])
    world = reference / editions["editions"]["MCS 2025"]["path"]
    world.unlink()
    world.write_bytes((REFERENCE / editions["editions"]["MCS 2025"]["path"]).read_bytes() + b"\n")
    before = (data_copy / "production.csv").read_bytes()
    with pytest.raises(ReleaseError, match="differs from the recorded"):
        ingest_supply(reference, data_copy)
    assert (data_copy / "production.csv").read_bytes() == before
    unrecorded = tmp_path / "elsewhere.csv"
    unrecorded.write_bytes(b"x\n")
    with pytest.raises(ReleaseError, match=r"not recorded in datapackage\.yaml"):
        verify_release(unrecorded, data_copy)

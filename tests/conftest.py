"""Shared fixtures: a private copy of the real data folder that a test may break."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# The shared reference releases: $MINERALS_REFERENCE_DIR or $MINERALS_REFERENCE, else ../shared/reference beside the
# clone (or beside the folder of worktrees); tests that need them skip when none is found.
REFERENCE = next(
    (
        p
        for p in (
            Path(os.environ.get("MINERALS_REFERENCE_DIR", "/nonexistent")),
            Path(os.environ.get("MINERALS_REFERENCE", "/nonexistent")),
            ROOT.parent / "shared" / "reference",
            ROOT.parent.parent / "shared" / "reference",
        )
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "reference",
)


def hash_data() -> dict[str, str]:
    """SHA-256 of every file under data/, by path relative to data/."""
    return {
        str(p.relative_to(DATA)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(DATA.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def data_unchanged() -> Iterator[None]:
    """No test, and nothing a test starts, changes a file in data/ (checked when the run ends)."""
    before = hash_data()
    yield
    after = hash_data()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"files in data/ changed during the test run: {changed}"


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/ at ``tmp/data``, with the working directory at ``tmp``."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.chdir(tmp_path)
    return Path("data")


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    header = header or list(rows[0].keys())
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def break_first_row(data_copy: Path) -> Callable[..., Path]:
    """Edit ``table``: move the row ``event_id``/key to the top (line 2) and set cells on it."""

    def _break(table: str, key_col: str, key: str, **cells: str) -> Path:
        path = data_copy / f"{table}.csv"
        rows = read_rows(path)
        idx = next(i for i, r in enumerate(rows) if r[key_col] == key)
        row = rows.pop(idx)
        row.update(cells)
        write_rows(path, [row, *rows])
        return data_copy

    return _break

"""Shared fixtures: a private copy of the real data folder that a test may break."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# ../shared/reference next to the checkout (CI); MINERALS_REFERENCE points elsewhere (worktrees).
REFERENCE = Path(os.environ.get("MINERALS_REFERENCE", ROOT.parent / "shared" / "reference"))


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

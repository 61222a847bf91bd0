"""Shared fixtures: a private copy of the real data folder that a test may break; the real data
package loaded and validated once per test process."""

from __future__ import annotations

import copy
import csv
import functools
import hashlib
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import analysis.package as _package

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


# Loading and validating data/ takes seconds, and the CLI, the views and the page tests each load it
# afresh: hundreds of loads of the same unchanged files. In a test process, load_package(data/)
# validates data/ once and hands every caller its own copy of the result (tables copied, so a
# test that edits a frame changes nothing for the next one). Any other folder (a data_copy a test
# breaks, $MINERALS_DATA_DIR elsewhere) is loaded for real on every call, as is data/ once a file
# in it changes (size or mtime) or when MINERALS_TEST_FRESH_LOAD=1. An invalid package is never
# kept: the error is raised again on every call. validate_package is never cached.
_real_load_package = _package.load_package
_LOADED: dict[tuple[Any, ...], _package.DataPackage] = {}


def _files_signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (str(p), st.st_mtime_ns, st.st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        for st in [p.stat()]
    )


@functools.wraps(_real_load_package)
def load_package_once(
    data_dir: Path = _package.DATA_DIR, names: Iterable[str] | None = None
) -> _package.DataPackage:
    folder = Path(data_dir)
    if os.environ.get("MINERALS_TEST_FRESH_LOAD") == "1" or folder.resolve() != DATA.resolve():
        return _real_load_package(data_dir, names)
    key = (_files_signature(DATA), tuple(sorted(names)) if names else None)
    if key not in _LOADED:
        _LOADED.clear()  # data/ changed (the session check will fail): drop the old package
        _LOADED[key] = _real_load_package(data_dir, names)
    kept = _LOADED[key]
    return _package.DataPackage(
        copy.deepcopy(kept.descriptor),
        {name: frame.copy() for name, frame in kept.tables.items()},
        folder,
    )


_package.load_package = load_package_once  # type: ignore[assignment]
for _name in ("analysis.cli", "pages.shared"):  # imported before this file: rebind their name too
    if _name in sys.modules and hasattr(sys.modules[_name], "load_package"):
        sys.modules[_name].load_package = load_package_once


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

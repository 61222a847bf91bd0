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
from hypothesis import settings as _hypothesis_settings

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
    signature = _files_signature(DATA)
    key = (signature, tuple(sorted(names)) if names else None)
    if key not in _LOADED:
        for old in [k for k in _LOADED if k[0] != signature]:
            del _LOADED[old]  # data/ changed (the session check will fail): drop what it was
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


# Every new AppTest scans the metadata of every installed distribution for Streamlit components
# (streamlit.components.v2.manifest_scanner, about 0.3 s of CPU each time): the hostile-URL set
# alone builds 630 AppTests. The installed packages do not change during a test run, so the scan
# runs once per test process and each AppTest registers the same result.
def _scan_once() -> None:
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:  # another Streamlit: nothing to do
        return
    real = manifest_scanner.scan_component_manifests
    found: list[Any] = []

    @functools.wraps(real)
    def scan_component_manifests(max_workers: int | None = None) -> list[Any]:
        if not found:
            found.append(real(max_workers))
        return list(found[0])

    manifest_scanner.scan_component_manifests = scan_component_manifests


_scan_once()


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


# --- What make quick leaves to make test ----------------------------------------------------------
# make quick (not slow, not e2e) must stay under a minute on two cores. These corpora repeat one
# check over many near-identical inputs, each run costing a package validation or an AppTest run
# (seconds). make quick keeps the listed representative cases, make test runs every case. Keys are
# "file::test"; the value is the parameter ids kept in quick (empty: the whole test is slow) and
# why the representatives suffice. The table is checked at collection (whenever whole files are
# collected): a name that matches no test, or a kept id that is not a parameter of it, stops the
# run, so a renamed test cannot silently fall out of quick or into it.
PAGES_FOR_READER_TEXT = ("overview", "map", "timeline", "mineral", "country", "scenario", "data")
QUICK_REPRESENTATIVES: dict[str, tuple[tuple[str, ...], str]] = {
    "tests/pages/test_pages.py::test_each_filter_changes_what_is_drawn": (
        ("pages/timeline.py",),
        "the timeline shows all six filters, so each filter's effect is checked once; the other "
        "pages run the same loop (and render in test_page_renders_without_exception)",
    ),
    "tests/test_reader_text.py::test_pages_show_no_identifier": (
        tuple(f"pages/{p}.py-china-gallium-2024" for p in PAGES_FOR_READER_TEXT),
        "every page once, with the setting that fills the most filters; defaults and the "
        "cobalt-bans setting in make test",
    ),
    "tests/test_reader_text.py::test_briefing_content_shows_no_identifier": (
        ("mineral-gallium", "country-COD", "scenario-('CHN', 'gallium', 50.0)"),
        "one briefing of each kind (mineral, country, scenario)",
    ),
    "tests/test_supply_bases.py::test_mineral_page_names_the_basis_in_every_title": (
        ("silicon", "helium"),
        "a plant-stage and a production-stage group; the other six groups go through the same "
        "page code",
    ),
    "tests/test_package.py::test_event_defects": (
        ("cells2-", "cells6-", "cells7-", "cells12-", "cells13-"),
        "a reference to another table, a required value, a reference to the same table, a "
        "number and a choice; codes, dates, order, URLs and markup are in quick through "
        "test_bad_data.py's quick cases (unknown-actor, not-a-leap-year, "
        "effective-before-announced, javascript-url, entity-script)",
    ),
    "tests/test_package.py::test_not_utf8": ((), "the latin-1 case of test_bad_data.py"),
    "tests/test_package.py::test_wrong_header": ((), "the missing-column case of test_bad_data.py"),
    "tests/test_package.py::test_duplicate_id_names_first_line": (
        (),
        "the duplicate-id case of test_bad_data.py",
    ),
    "tests/test_package.py::test_ends_before_effective": (
        (),
        "the effective-before-announced case of test_bad_data.py (the same ordering rule)",
    ),
    "tests/test_bad_data.py::test_cli_exit_code_is_1": (
        (
            "javascript-url-validate",
            "folder-for-table-validate",
            "missing-descriptor-validate",
            "folder-for-descriptor-validate",
            "descriptor-not-a-package-validate",
        ),
        "a row defect, a file defect and the three descriptor defects; every case's message is "
        "checked through validate_package in quick already",
    ),
    "tests/test_bad_data.py::test_app_shows_an_error_banner": (
        ("markdown-image-publisher", "folder-for-table", "descriptor-not-yaml"),
        "a row defect, a file defect and a descriptor defect; unknown-actor is a row defect too "
        "(and test_pages.py's banner test breaks a code in the app)",
    ),
    "tests/test_columnar.py::test_a_missing_required_value_is_reported": (
        (),
        "a row defect in the Parquet table, as is the unknown exporter and product kept in quick",
    ),
    "tests/test_columnar.py::test_a_duplicate_flow_and_a_negative_value_are_reported": (
        (),
        "two full validations; the key and bound rules are the CSV ones, in quick through "
        "test_bad_data.py (duplicate-id) and test_package.py (negative production quantity)",
    ),
    "tests/test_package.py::test_real_data_is_valid": (
        (),
        "test_cli.py::test_validate_ok validates the same folder through validate_package (and "
        "make quick runs make validate before pytest)",
    ),
    "tests/test_cli.py::test_check_trade_lists_disagreements_with_explanations": (
        (),
        "two whole check-trade runs over the BACI table; check_trade itself is in quick through "
        "test_consistency.py, the CLI's JSON and CSV output through the other commands",
    ),
    "tests/test_trade.py::test_shares_sum_to_100_hhi_in_range_controlled_share_bounded": (
        (),
        "a property test of 60 examples, each building the all-importers table; quick keeps the "
        "other trade properties and the dependency figures recomputed in SQL",
    ),
}


def _split_id(item: pytest.Item) -> tuple[str, str]:
    """("tests/x.py::test_name", "param-id" or "")."""
    file = Path(str(item.fspath)).resolve().relative_to(ROOT).as_posix()
    name = item.name.split("[", 1)
    return f"{file}::{name[0]}", name[1][:-1] if len(name) > 1 else ""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    seen_files = set()
    found: dict[str, set[str]] = {}
    for item in items:
        key, param = _split_id(item)
        seen_files.add(key.split("::")[0])
        if key not in QUICK_REPRESENTATIVES:
            continue
        found.setdefault(key, set()).add(param)
        kept, _ = QUICK_REPRESENTATIVES[key]
        if not any(param == k or (k.endswith("-") and param.startswith(k)) for k in kept):
            item.add_marker(pytest.mark.slow)
    if any("::" in arg for arg in config.args):
        return  # single tests asked for by name: the table cannot be checked against them
    for key, (kept, _) in QUICK_REPRESENTATIVES.items():
        if key.split("::")[0] not in seen_files:
            continue  # that file is not part of this run
        params = found.get(key)
        if params is None:
            raise pytest.UsageError(f"conftest QUICK_REPRESENTATIVES: no test {key}")
        missing = [
            k
            for k in kept
            if not any(p == k or (k.endswith("-") and p.startswith(k)) for p in params)
        ]
        if missing:
            raise pytest.UsageError(f"conftest QUICK_REPRESENTATIVES: {key} has no case {missing}")


# Hypothesis' per-example deadline (200 ms) is a timing assertion, and timings here depend on what
# else runs on the two cores: a property test failed on a 375 ms first example under load. Speed
# targets live in bench/, so no test has a deadline.
_hypothesis_settings.register_profile("minerals", deadline=None)
_hypothesis_settings.load_profile("minerals")

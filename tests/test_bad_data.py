"""A corpus of broken inputs: each gives exit 1 with file, line and column, and an error banner."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from analysis.package import DATA_DIR_ENV, validate_package
from tests.conftest import ROOT, read_rows, write_rows

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "bad_data" / "cases.yaml").read_text(encoding="utf-8")
)
CASES = CORPUS["cases"]


def break_data(data: Path, case: dict) -> None:
    """Apply one case's single defect to the data copy at ``data``."""
    table = case.get("table", CORPUS["defaults"]["table"])
    path = data / f"{table}.csv"
    if "set" in case:
        rows = read_rows(path)
        key = case.get("key", CORPUS["defaults"]["key"] if table == "events" else None)
        if key:
            col, _, value = key.rpartition("=") if "=" in key else ("event_id", "", key)
            idx = next(i for i, r in enumerate(rows) if r[col] == value)
            rows.insert(0, rows.pop(idx))
        cells = {k: ("x" * 201 if v == "TOO_LONG" else v) for k, v in case["set"].items()}
        rows[0].update(cells)
        write_rows(path, rows)
    elif "text" in case:
        text = path.read_text(encoding="utf-8")
        if "replace" in case["text"]:
            old, new = case["text"]["replace"]
            assert old in text, f"{case['id']}: nothing to replace"
            text = text.replace(old, new, 1)
        else:
            head, _, rest = text.partition("\n")
            text = f"{head}\n{case['text']['insert_line_2']}\n{rest}"
        path.write_text(text, encoding="utf-8")
    elif "bytes" in case:
        path.write_bytes(case["bytes"].encode("utf-8"))
    elif "bytes_replace" in case:
        old, new = case["bytes_replace"]
        path.write_bytes(
            path.read_bytes().replace(old.encode("utf-8"), new.encode(case["encoding"]), 1)
        )
    elif "duplicate_first_row" in case:
        rows = read_rows(path)
        write_rows(path, [rows[0], *rows])
    elif "rows" in case:
        rows = read_rows(path)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for i in range(case["rows"]):
                writer.writerow(rows[i % len(rows)])
    else:  # pragma: no cover - a malformed case
        raise AssertionError(case)


def test_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_validator_names_file_line_and_column(data_copy: Path, case: dict) -> None:
    break_data(data_copy, case)
    started = time.monotonic()
    messages = [str(p) for p in validate_package(data_copy)]
    assert time.monotonic() - started < 30, "a broken file is rejected or validated within 30 s"
    assert any(m.startswith(case["expect"]) for m in messages), messages[:5]


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c["id"] in {"javascript-url", "not-a-leap-year", "empty-file", "latin-1", "huge-file"}
    ],
    ids=lambda c: c["id"],
)
def test_cli_exit_code_is_1(data_copy: Path, case: dict) -> None:
    break_data(data_copy, case)
    done = subprocess.run([sys.executable, "-m", "analysis", "validate", str(data_copy)], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 1
    assert case["expect"] in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_app_shows_an_error_banner(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, case: dict
) -> None:
    break_data(data_copy, case)
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy.resolve()))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "an st.error banner lists the problems"
    banner = at.error[0].value
    assert "does not match its description" in banner
    table = case.get("table", "events")
    assert f"{table}.csv" in banner
    assert "<script" not in banner.replace("`", "") or "contains HTML" in banner

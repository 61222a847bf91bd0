"""A corpus of broken inputs: each gives exit 1 with file, line and column, and an error banner."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from analysis.cli import main
from analysis.package import DATA_DIR_ENV, validate_package
from tests.conftest import ROOT, read_rows, write_rows

CORPUS = yaml.safe_load(
    (Path(__file__).parent / "bad_data" / "cases.yaml").read_text(encoding="utf-8")
)
CASES = CORPUS["cases"]


def break_data(data: Path, case: dict) -> None:
    """Apply one case's single defect to the data copy at ``data``."""
    table = case.get("table", CORPUS["defaults"]["table"])
    path = data / case.get("file", f"{table}.csv")
    if "filesystem" in case:
        _break_file(path, case["filesystem"])
        return
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
        if "truncate_after" in case:  # the file cut short, as by an interrupted copy
            raw = path.read_bytes()
            marker = case["truncate_after"].encode("utf-8")
            cut = raw.index(marker) + len(marker) + case.get("extra_bytes", 0)
            path.write_bytes(raw[:cut])
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


def _break_file(path: Path, how: str) -> None:
    """Defects of the file itself rather than of its content."""
    if how == "folder":
        path.unlink()
        path.mkdir()
        (path / "inside.csv").write_text("a,b\n", encoding="utf-8")
    elif how == "symlink-loop":
        path.unlink()
        loop = path.with_name(path.name + ".loop")
        loop.symlink_to(path.name)
        path.symlink_to(loop.name)
    elif how == "unreadable":  # reading /proc/self/mem at offset 0 fails with EIO, even as root
        path.unlink()
        path.symlink_to("/proc/self/mem")
    elif how == "huge":  # one byte over the limit, written as a sparse file (instant, no disk)
        from analysis.package import MAX_TABLE_BYTES

        with open(path, "r+b") as fh:
            fh.truncate(MAX_TABLE_BYTES + 1)
    elif how == "missing":
        path.unlink()
    elif how == "utf-16":
        path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    elif how == "not-yaml":
        path.write_text("resources: [\n  {name: events\n", encoding="utf-8")
    elif how == "not-a-package":
        path.write_text("- just\n- a list\n", encoding="utf-8")
    elif how == "no-schema":
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace(
                "    schema:\n      primaryKey: [event_id]",
                "    schemas:\n      primaryKey: [event_id]",
                1,
            ),
            encoding="utf-8",
        )
    else:  # pragma: no cover - a malformed case
        raise AssertionError(how)


def test_corpus_has_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len({c["id"] for c in CASES}) == len(CASES)


# make quick runs one case of each kind; make test runs the whole corpus.
QUICK = {
    "unknown-actor",  # bloc-member-unknown: the same code rule in blocs.csv, make test only
    "not-a-leap-year",
    "javascript-url",
    "title-too-long",
    "missing-column",
    "latin-1",
    "huge-file",
    "markdown-image-publisher",
    "entity-script",  # percent-javascript, latex-inline: make test (every encoding: test_text.py)
    "right-to-left-override",
    "folder-for-table",  # symlink-loop: make test (the loop in quick: test_package.py read_file)
    "unreadable-file",
    "truncated-in-quoted-cell",
    "descriptor-not-yaml",
    "duplicate-id",
    "effective-before-announced",
}
CORPUS_PARAMS = [
    pytest.param(c, id=c["id"], marks=() if c["id"] in QUICK else pytest.mark.slow) for c in CASES
]


@pytest.mark.parametrize("case", CORPUS_PARAMS)
def test_validator_names_file_line_and_column(data_copy: Path, case: dict) -> None:
    break_data(data_copy, case)
    messages = [str(p) for p in validate_package(data_copy)]
    assert any(m.startswith(case["expect"]) for m in messages), messages[:5]


CLI_CASES = {
    "javascript-url",
    "not-a-leap-year",
    "empty-file",
    "latin-1",
    "huge-file",
    "folder-for-table",
    "symlink-loop",
    "unreadable-file",
    "missing-descriptor",
    "folder-for-descriptor",
    "descriptor-not-a-package",
    "truncated-in-quoted-cell",
}
# One case of each kind through the app (AppTest costs seconds a run; the validator covers all).
APP_CASES = {
    "unknown-actor",
    "script-in-title",
    "markdown-image-publisher",
    "right-to-left-override",
    "latin-1",
    "folder-for-table",
    "symlink-loop",
    "unreadable-file",
    "missing-descriptor",
    "descriptor-not-yaml",
    "truncated-in-quoted-cell",
    "utf-16-table",
    "folder-for-shapes",
}


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["validate", "DATA"], id="validate"),
        pytest.param(
            ["status", "--as-of", "2025-01-01", "--data-dir", "DATA"],
            id="status",
            marks=pytest.mark.slow,
        ),
    ],
)
@pytest.mark.parametrize("case", [c for c in CASES if c["id"] in CLI_CASES], ids=lambda c: c["id"])
def test_cli_exit_code_is_1(data_copy: Path, case: dict, command: list[str], capsys) -> None:
    break_data(data_copy, case)
    code = main([str(data_copy) if a == "DATA" else a for a in command])
    out = capsys.readouterr()
    assert code == 1
    assert case["expect"] in out.out + out.err
    assert "Traceback" not in out.err


def test_cli_names_the_data_folder_from_the_environment(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    folder = data_copy.resolve()
    (folder / "events.csv").unlink()
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    assert main(["validate"]) == 1
    assert f"{folder}/events.csv: file is missing" in capsys.readouterr().out


APP_QUICK = {"unknown-actor", "markdown-image-publisher", "folder-for-table", "descriptor-not-yaml"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c["id"], marks=() if c["id"] in APP_QUICK else pytest.mark.slow)
        for c in CASES
        if c["id"] in APP_CASES
    ],
)
def test_app_shows_an_error_banner(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, case: dict
) -> None:
    break_data(data_copy, case)
    folder = data_copy.resolve()
    monkeypatch.chdir(ROOT)  # the folder is elsewhere: the banner must name it, not data/
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "an st.error banner lists the problems"
    banner = unescape(at.error[0].value)
    assert f"The data in {folder} does not match its description" in banner
    assert case["expect"].replace("data/", f"{folder}/", 1) in banner
    assert "<" not in at.error[0].value.replace("\\<", ""), "markup in the banner is escaped"

"""The validator names file, line, column, value and what is wrong, for each kind of defect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis.package import DataPackageError, load_package, validate_package
from tests.conftest import ROOT, read_rows, write_rows

GA = "chn-gallium-germanium-licensing-2023"
SUSPENSION = "chn-usa-minerals-ban-suspension-2025-11"


def messages(data_dir: Path) -> list[str]:
    return [str(p) for p in validate_package(data_dir)]


def test_real_data_is_valid() -> None:
    assert validate_package(ROOT / "data") == []


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            {"counterparts": "XXA"},
            "data/events.csv:2: counterparts: 'XXA' is not an ISO 3166 alpha-3 code or a known bloc",
        ),
        (
            {"actor": "ZZZ"},
            "data/events.csv:2: actor: 'ZZZ' is not an ISO 3166 alpha-3 code or a known bloc",
        ),
        (
            {"minerals": "gallium;unobtainium"},
            "data/events.csv:2: minerals: 'unobtainium' is not a mineral_id in minerals.csv",
        ),
        (
            {"announced": "2023-02-30"},
            "data/events.csv:2: announced: '2023-02-30' is not a valid date (YYYY-MM-DD)",
        ),
        (
            {"announced": "3 July 2023"},
            "data/events.csv:2: announced: '3 July 2023' is not a valid date (YYYY-MM-DD)",
        ),
        (
            {"announced": "2023-09-01"},
            "data/events.csv:2: effective: '2023-08-01' is earlier than announced '2023-09-01'",
        ),
        ({"title": ""}, "data/events.csv:2: title: missing required value"),
        (
            {"relates_to": "no-such-event"},
            "data/events.csv:2: relates_to: 'no-such-event' is not a event_id in events.csv",
        ),
        (
            {"relates_to": f"{GA};no-such-event"},
            "data/events.csv:2: relates_to: 'no-such-event' is not a event_id in events.csv",
        ),
        (
            {"source_url": "javascript:alert(1)"},
            "data/events.csv:2: source_url: 'javascript:alert(1)' is not an http(s) URL",
        ),
        (
            {"source_url": "data:text/html,hi"},
            "data/events.csv:2: source_url: 'data:text/html,hi' is not an http(s) URL",
        ),
        ({"amount_usd": "-5"}, "data/events.csv:2: amount_usd: '-5' is below the minimum 0"),
        ({"amount_usd": "lots"}, "data/events.csv:2: amount_usd: 'lots' is not a number"),
        (
            {"date_precision": "week"},
            "data/events.csv:2: date_precision: 'week' is not one of: day, month, year",
        ),
        (
            {"event_type": "embargo"},
            "data/events.csv:2: event_type: 'embargo' is not a event_type in event_types.csv",
        ),
        (
            {"summary": "<script>alert(1)</script>"},
            "data/events.csv:2: summary: contains HTML or script markup; plain text only",
        ),
    ],
)
def test_event_defects(break_first_row, cells: dict[str, str], expected: str) -> None:
    data = break_first_row("events", "event_id", GA, **cells)
    assert expected in messages(data)


def test_ends_before_effective(break_first_row) -> None:
    data = break_first_row("events", "event_id", SUSPENSION, ends="2025-01-01")
    found = messages(data)
    assert any(
        m.startswith("data/events.csv:2: ends: '2025-01-01' is earlier than") for m in found
    ), found


def test_duplicate_id_names_first_line(data_copy: Path) -> None:
    path = data_copy / "events.csv"
    rows = read_rows(path)
    write_rows(path, [rows[0], rows[0], *rows[1:]])
    assert (
        f"data/events.csv:3: event_id: duplicate value '{rows[0]['event_id']}' (first on line 2)"
        in messages(data_copy)
    )


def test_negative_production_quantity(data_copy: Path) -> None:
    path = data_copy / "production.csv"
    rows = read_rows(path)
    rows[0]["quantity"] = "-1"
    write_rows(path, rows)
    assert "data/production.csv:2: quantity: '-1' is below the minimum 0" in messages(data_copy)


def test_wrong_header(data_copy: Path) -> None:
    path = data_copy / "minerals.csv"
    text = path.read_text(encoding="utf-8").replace("mineral_id,", "mineral,", 1)
    path.write_text(text, encoding="utf-8")
    found = messages(data_copy)
    assert "data/minerals.csv:1: mineral_id: missing column in header" in found
    assert "data/minerals.csv:1: mineral: unexpected column in header" in found


def test_not_utf8(data_copy: Path) -> None:
    path = data_copy / "blocs.csv"
    raw = path.read_bytes().replace(b"European Union", "Européan Union".encode("latin-1"), 1)
    path.write_bytes(raw)
    assert (
        "data/blocs.csv:2: not valid UTF-8: byte 0xe9 at character 9; save the file as UTF-8"
        in messages(data_copy)
    )


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "event_types.csv").write_text("", encoding="utf-8")
    assert "data/event_types.csv:1: file is empty (expected a header row)" in messages(data_copy)


def test_wrong_cell_count(data_copy: Path) -> None:
    path = data_copy / "blocs.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, "XX,Broken row\n")
    path.write_text("".join(lines), encoding="utf-8")
    assert "data/blocs.csv:2: row has 2 cells, the header has 7" in messages(data_copy)


def test_validator_never_modifies_files(data_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    validate_package(data_copy)
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before


def test_load_package_raises_with_problems(break_first_row) -> None:
    data = break_first_row("events", "event_id", GA, counterparts="XXA")
    with pytest.raises(DataPackageError) as info:
        load_package(data)
    assert any(p.column == "counterparts" and p.line == 2 for p in info.value.problems)


def test_cli_exit_codes(break_first_row) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(ROOT / "data")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    data = break_first_row("events", "event_id", GA, counterparts="XXA")
    bad = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(data)],
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert bad.returncode == 1
    assert (
        "data/events.csv:2: counterparts: 'XXA' is not an ISO 3166 alpha-3 code or a known bloc"
        in bad.stdout
    )
    assert "Traceback" not in bad.stderr

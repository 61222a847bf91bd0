"""analysis.cli in process (``main([...])``): outputs, exit codes 0/1/2, one-line errors.

Figures are checked against production.csv read with the csv module, not against the metrics.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.package import DATA_DIR_ENV
from tests.conftest import DATA

GA = "chn-gallium-germanium-licensing-2023"


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse exits on bad arguments
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_ok(capsys) -> None:
    code, out, _ = run(capsys, "validate", str(DATA))
    assert code == 0 and out.strip().endswith("all tables valid")


def test_validate_reports_file_line_and_column(break_first_row, capsys) -> None:
    data = break_first_row("events", "event_id", GA, counterparts="XXA")
    code, out, err = run(capsys, "validate", str(data))
    assert code == 1
    assert (
        "data/events.csv:2: counterparts: 'XXA' is not an ISO 3166 alpha-3 code or a known bloc"
        in out
    )
    assert "1 problem(s) found" in err


def test_data_folder_comes_from_the_environment(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    folder = data_copy.resolve()
    (folder / "blocs.csv").write_text("code\n", encoding="utf-8")
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    code, _, err = run(capsys, "status", "--as-of", "2025-06-01")
    assert code == 1 and "blocs.csv:1: name: missing column in header" in err


def test_concentration_json_matches_the_table(capsys) -> None:
    code, out, err = run(
        capsys,
        "concentration",
        "--mineral",
        "gallium",
        "--stage",
        "refinery",
        "--year",
        "2024",
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    with open(DATA / "production.csv", encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if (r["mineral"], r["stage"], r["year"], r["measure"])
            == ("gallium", "refinery", "2024", "production")
            and r["quantity"]
        ]
    world = next(float(r["quantity"]) for r in rows if r["country"] == "WLD")
    china = next(float(r["quantity"]) for r in rows if r["country"] == "CHN")
    assert doc["shares"]["CHN"] == round(100 * china / world, 2) == doc["top1_share"]
    assert doc["edition"] == "MCS 2026" and doc["source"] == "USGS MCS 2026, 2024 data"
    assert set(doc) >= {"mineral", "stage", "year", "hhi", "top1_share", "top3_share", "shares"}


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--as-of", "2025-06-01"],
        ["exposure", "--mineral", "gallium", "--as-of", "2025-06-01"],
        ["scenario", "--country", "CHN", "--mineral", "gallium", "--cut", "100"],
    ],
    ids=["status", "exposure", "scenario"],
)
def test_csv_works_where_json_does(args: list[str], capsys) -> None:
    code, out, err = run(capsys, *args, "--csv")
    assert code == 0, err
    header, *rows = list(csv.reader(out.splitlines()))
    assert rows and all(len(r) == len(header) for r in rows)
    code, out, err = run(capsys, *args, "--json")
    assert code == 0 and json.loads(out)


def test_status_json_lists_measures_with_status(capsys) -> None:
    _, out, _ = run(capsys, "status", "--as-of", "2025-06-01", "--json")
    rows = {r["event_id"]: r["status"] for r in json.loads(out)}
    assert rows["chn-usa-gallium-germanium-antimony-ban-2024-12"] == "in force"
    assert "not announced" not in set(rows.values())


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["concentration", "--mineral", "unobtainium", "--stage", "mine", "--year", "2024"],
            "valid choices: alumina",
        ),
        (
            ["concentration", "--mineral", "gallium", "--stage", "moon", "--year", "2024"],
            "valid choices: refinery",
        ),
        (
            ["concentration", "--mineral", "gallium", "--stage", "refinery", "--year", "1999"],
            "valid choices: 2020, 2021, 2022, 2023, 2024, 2025",
        ),
        (
            ["scenario", "--country", "XXA", "--mineral", "gallium", "--cut", "10"],
            "unknown country 'XXA'",
        ),
        (
            ["scenario", "--country", "CHN", "--mineral", "gallium", "--cut", "150"],
            "outside 0..100",
        ),
        (
            ["brief", "--country", "XXA", "--out", "x.pdf"],
            "unknown country 'XXA'; valid choices: ABW",
        ),
        (["brief", "--scenario", "CHN,gallium", "--out", "x.pdf"], "--scenario takes"),
        (["brief", "--mineral", "gallium", "--out", "x.docx"], "unknown output format 'docx'"),
        (["status", "--as-of", "2025-02-30"], "'2025-02-30' is not a date"),
        (["status"], "the following arguments are required: --as-of"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
    ],
)
def test_unknown_choices_exit_2_in_one_line(args: list[str], needle: str, capsys) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert needle in err and "Traceback" not in err
    assert err.strip().count("\n") == 0 or err.startswith("usage:")


def test_ingest_of_a_missing_release_is_one_line(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "ingest-usgs", str(tmp_path / "nope.csv"), "--data-dir", str(DATA))
    assert code == 2 and "no such file or folder" in err


def test_ingest_of_a_folder_is_one_line(tmp_path: Path, data_copy: Path, capsys) -> None:
    code, _, err = run(capsys, "ingest-usgs", str(tmp_path), "--data-dir", str(data_copy))
    assert code == 1 and "Traceback" not in err and err.count("\n") == 1


def test_status_by_mineral_cli_rows(capsys) -> None:
    code, out, _ = run(capsys, "status", "--as-of", "2018-06-01", "--by-mineral", "--json")
    assert code == 0
    rows = {(r["measure_id"], r["mineral"]): r["status"] for r in json.loads(out)}
    assert rows[("idn-raw-ore-export-ban-2014", "nickel")] == "relaxed"
    assert rows[("idn-raw-ore-export-ban-2014", "tin")] == "in force"


def test_check_trade_lists_disagreements_with_explanations(capsys) -> None:
    code, out, _ = run(capsys, "check-trade", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows and {"kind", "actor", "actor_name", "hs", "explained", "note"} <= set(rows[0])
    with (DATA / "trade_checks.csv").open(newline="", encoding="utf-8") as f:
        explained = {(r["actor"], r["hs"], int(r["year"])) for r in csv.DictReader(f)}
    marked = {(r["actor"], r["hs"], r["year"]) for r in rows if r["explained"]}
    assert marked == explained
    code, out, _ = run(capsys, "check-trade", "--all", "--csv")
    assert code == 0 and "consistent,IDN,Indonesia,nickel,260400" in out


def test_python_m_analysis_runs_the_cli_in_a_new_interpreter() -> None:
    """The one subprocess smoke test in quick: `python -m analysis` (analysis/__main__.py) reaches
    main, exits 2 on a bad argument with one line and no traceback. Every other CLI test here runs
    in process."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "analysis", "status", "--as-of", "2025-02-30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "'2025-02-30' is not a date" in done.stderr and "Traceback" not in done.stderr

"""`python -m analysis dependency` and `exposure --basis`, run in process through analysis.cli.main."""

from __future__ import annotations

import csv
import io
import json

import pytest

from analysis.cli import main


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_dependency_json_has_the_documented_shape(capsys) -> None:
    code, out, _ = _run(capsys, "dependency", "--importer", "DEU", "--mineral", "cobalt",
                        "--year", "2015", "--as-of", "2015-06-01", "--json")  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["importer", "year", "hs", "imports_kusd", "sources", "hhi",
                         "controlled_share", "controlled_by"]  # fmt: skip
    assert doc["importer"] == "DEU" and doc["year"] == 2015 and doc["hs"] == ["282200", "810510"]
    # SQL on the release: 129272.988 kUSD, Finland 29.82 %, HHI 1650.94 (tests/test_trade.py).
    assert doc["imports_kusd"] == pytest.approx(129272.988)
    assert doc["sources"]["FIN"] == pytest.approx(29.82)
    assert sum(doc["sources"].values()) == pytest.approx(100, abs=0.2)
    assert doc["hhi"] == pytest.approx(1650.9, abs=0.1)
    assert 0 <= doc["controlled_share"] <= 100
    assert all(isinstance(e, str) for e in doc["controlled_by"])


def test_dependency_without_as_of_leaves_out_the_controlled_share(capsys) -> None:
    code, out, _ = _run(capsys, "dependency", "--importer", "KOR", "--hs", "260400",
                        "--year", "2024", "--json")  # fmt: skip
    doc = json.loads(out)
    assert code == 0 and "controlled_share" not in doc
    assert doc["hs"] == ["260400"] and next(iter(doc["sources"])) == "NCL"


def test_dependency_csv_has_one_row_per_source(capsys) -> None:
    code, out, _ = _run(capsys, "dependency", "--importer", "JPN", "--mineral", "rare_earths",
                        "--year", "2020", "--as-of", "2025-06-01", "--csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["exporter"] == "CHN" and rows[0]["controlled"] == "True"
    assert {r["hs"] for r in rows} == {"280530;284610;284690"}
    assert sum(float(r["share"]) for r in rows) == pytest.approx(100, abs=0.3)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--importer", "XXX", "--hs", "260400", "--year", "2024"], "unknown importer 'XXX'; valid choices: ABW"),
        (["--importer", "JPN", "--hs", "999999", "--year", "2024"], "unknown HS code '999999'; valid choices: 250310"),
        (["--importer", "JPN", "--mineral", "unobtainium", "--year", "2024"], "unknown mineral 'unobtainium'"),
        (["--importer", "JPN", "--hs", "260400", "--year", "1990"], "unknown year '1990'; valid choices: 1995"),
    ],
)  # fmt: skip
def test_dependency_unknown_choices_exit_2_in_one_line(capsys, args, needle) -> None:
    code, out, err = _run(capsys, "dependency", *args, "--json")
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1


def test_dependency_needs_a_mineral_or_a_code(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["dependency", "--importer", "JPN", "--year", "2020"])
    assert exc.value.code == 2


def test_exposure_says_its_basis(capsys) -> None:
    code, out, _ = _run(capsys, "exposure", "--mineral", "nickel", "--as-of", "2014-06-01",
                        "--basis", "trade", "--json")  # fmt: skip
    (row,) = json.loads(out)
    assert code == 0 and row["data_basis"] == "trade" and row["share_year"] == 2014
    # SQL: Indonesia's share of world 260400 exports in 2014 is 9.842 %.
    assert row["exposure"] == pytest.approx(9.842, abs=1e-3)
    code, out, _ = _run(
        capsys, "exposure", "--mineral", "nickel", "--as-of", "2014-06-01", "--json"
    )
    assert code == 0 and {r["data_basis"] for r in json.loads(out)} == {"production"}
    code, out, _ = _run(capsys, "exposure", "--mineral", "nickel", "--as-of", "2030-01-01",
                        "--basis", "trade", "--json")  # fmt: skip
    assert json.loads(out)[0]["share_year"] == 2024

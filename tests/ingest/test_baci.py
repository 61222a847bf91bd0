"""The BACI ingest: codes resolved with listed corrections, checked against the release, reproducible."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analysis.ingest.baci import IngestError, build_trade, resolve_codes
from tests.conftest import DATA, REFERENCE, ROOT

BACI_DB = Path(os.environ.get("BACI_DB", REFERENCE / "baci" / "baci_minerals.db"))
needs_release = pytest.mark.skipif(
    not BACI_DB.exists(),
    reason="the BACI release (../shared/reference/baci) is not on this machine",
)


def _release(path: Path, rows: list[tuple], products: list[tuple[str, str]]) -> Path:
    """A tiny SQLite file with the release's three tables, every cell text as in BACI."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE baci_trade (t TEXT, i TEXT, j TEXT, k INTEGER, v TEXT, q TEXT)")
    con.execute("CREATE TABLE product_codes_HS92_V202401b (code TEXT, description TEXT)")
    con.execute(
        "CREATE TABLE country_codes_V202401b (country_code TEXT, country_name TEXT, "
        "country_iso2 TEXT, country_iso3 TEXT)"
    )
    con.executemany("INSERT INTO baci_trade VALUES (?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO product_codes_HS92_V202401b VALUES (?,?)", products)
    con.commit()
    con.close()
    return path


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder whose hs_codes.csv lists one product, and a release to match."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "corrections.yaml", data)
    text = (DATA / "corrections.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("  unused_products:")
    (data / "corrections.yaml").write_text(head, encoding="utf-8")
    (data / "hs_codes.csv").write_text(
        "hs,mineral,stage,description\n260400,nickel,ore/concentrate,Nickel ores and concentrates\n",
        encoding="utf-8",
    )
    codes = ["58", "251", "490", "530", "579", "699", "711", "736", "757", "842", "849", "891"]
    rows = [("1997", c, "392", 260400, "1.5", "") for c in codes]
    rows += [
        ("2014", "360", "156", 260400, "1000.25", "NA"),
        ("2014", "360", "392", 260400, "10", "3"),
    ]
    release = _release(tmp_path / "baci.db", rows, [("260400", "Nickel ores and concentrates")])
    return release, data


def test_numeric_codes_resolve_through_pycountry_and_the_listed_corrections(small) -> None:
    release, data = small
    build = build_trade(release, data)
    frame = build.table.to_pandas()
    assert set(frame["exporter"]) >= {"XBL", "FRA", "XOA", "USA", "IDN", "SDN"}
    assert set(frame["importer"]) == {"JPN", "CHN"}
    # 'NA' and blank quantities are missing, values are kUSD as published.
    idn = frame[(frame["exporter"] == "IDN") & (frame["importer"] == "CHN")].iloc[0]
    assert idn["value"] == 1000.25 and idn["quantity"] != idn["quantity"]
    assert build.corrections_used == 12
    assert "XBL,Belgium-Luxembourg (until 1998),58,corrections.yaml" in build.countries_csv


def test_a_correction_that_matches_nothing_fails(small) -> None:
    release, data = small
    con = sqlite3.connect(release)
    con.execute("DELETE FROM baci_trade WHERE i = '58'")
    con.commit()
    con.close()
    with pytest.raises(IngestError, match=r"code\(s\) 58 match nothing"):
        build_trade(release, data)


def test_an_unknown_country_code_fails_naming_it() -> None:
    with pytest.raises(IngestError, match="'999' is not an ISO 3166 numeric code"):
        resolve_codes(["4", "999"], [])


def test_a_description_that_differs_from_bacis_fails(small) -> None:
    release, data = small
    (data / "hs_codes.csv").write_text(
        "hs,mineral,stage,description\n260400,nickel,ore/concentrate,Nickel ore\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match=r"hs_codes.csv:2: description: differs"):
        build_trade(release, data)


def test_a_product_neither_mapped_nor_listed_as_unused_fails(small) -> None:
    release, data = small
    con = sqlite3.connect(release)
    con.execute("INSERT INTO baci_trade VALUES ('2014', '360', '156', 260300, '5', '1')")
    con.commit()
    con.close()
    with pytest.raises(IngestError, match=r"\['260300'\] are neither in data/hs_codes.csv"):
        build_trade(release, data)


def test_a_wrong_release_checksum_fails(small) -> None:
    release, data = small
    with pytest.raises(IngestError, match="sha256 differs"):
        build_trade(release, data, expect_sha256="0" * 64)


def test_the_committed_table_has_every_mapped_product_and_year() -> None:
    meta = pq.read_metadata(DATA / "trade.parquet")
    assert meta.num_rows > 1_000_000 and meta.row_group(0).num_rows == 262_144
    assert (
        b"pandas" not in meta.metadata.get(b"ARROW:schema", b"") and b"pandas" not in meta.metadata
    )
    table = pq.read_table(DATA / "trade.parquet", columns=["year", "hs"]).to_pandas()
    hs = (DATA / "hs_codes.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert set(table["hs"].astype(str)) == {line.split(",")[0] for line in hs}
    assert (int(table["year"].min()), int(table["year"].max())) == (1995, 2024)


def test_data_folder_stays_under_40_mb() -> None:
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 40 * 1024 * 1024, f"data/ is {total / 2**20:.1f} MiB"


@needs_release
@pytest.mark.slow  # a whole BACI ingest in a new interpreter: in make test, not make quick
def test_rerun_in_a_fresh_process_reproduces_the_committed_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for name in ("trade.parquet", "trade_countries.csv"):
        (data / name).unlink()
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "ingest-baci", str(BACI_DB), "--data-dir", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for name in ("trade.parquet", "trade_countries.csv"):
        assert (data / name).read_bytes() == (DATA / name).read_bytes(), name


def test_ingest_cli_on_a_missing_release_exits_2(tmp_path: Path, capsys) -> None:
    from analysis.cli import main

    assert main(["ingest-baci", str(tmp_path / "nope.db"), "--data-dir", str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err

"""The Parquet trade table is checked by column: types, keys and codes known, one line per problem."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from analysis.ingest.baci import TRADE_SCHEMA, parquet_bytes
from analysis.package import load_package, validate_package


def _write(data: Path, rows: dict, schema: pa.Schema = TRADE_SCHEMA) -> None:
    table = pa.Table.from_pydict(rows, schema=schema)
    (data / "trade.parquet").write_bytes(parquet_bytes(table))


def _rows(**changes) -> dict:
    rows = {
        "year": [2020, 2020, 2021],
        "exporter": ["CHN", "MMR", "CHN"],
        "importer": ["JPN", "JPN", "JPN"],
        "hs": ["280530", "280530", "280530"],
        "value": [10.0, 5.0, 7.5],
        "quantity": [1.0, None, 2.0],
    }
    rows.update(changes)
    return rows


def test_a_small_valid_table_loads_typed(data_copy: Path) -> None:
    _write(data_copy, _rows())
    trade = load_package(data_copy)["trade"]
    assert str(trade["exporter"].dtype) == "category" and trade["year"].dtype == "int16"
    assert trade["quantity"].isna().tolist() == [False, True, False]


def test_an_unknown_exporter_and_product_are_named_with_their_row(data_copy: Path) -> None:
    _write(data_copy, _rows(exporter=["CHN", "ZZZ", "CHN"], hs=["280530", "280530", "999999"]))
    problems = [str(p) for p in validate_package(data_copy)]
    assert "data/trade.parquet:2: exporter: 'ZZZ' is not a iso3 in trade_countries.csv" in problems
    assert "data/trade.parquet:3: hs: '999999' is not a hs in hs_codes.csv" in problems


def test_a_duplicate_flow_and_a_negative_value_are_reported(data_copy: Path) -> None:
    _write(data_copy, _rows(exporter=["CHN", "CHN", "CHN"], year=[2020, 2020, 2021]))
    problems = [str(p) for p in validate_package(data_copy)]
    assert any("trade.parquet:2: year,exporter,importer,hs: duplicate value" in p for p in problems)
    _write(data_copy, _rows(value=[10.0, -1.0, 2.0]))
    problems = [str(p) for p in validate_package(data_copy)]
    assert "data/trade.parquet:2: value: '-1' is below the minimum 0" in problems


def test_a_wrong_column_type_or_a_missing_file_is_one_line(data_copy: Path) -> None:
    schema = TRADE_SCHEMA.set(0, pa.field("year", pa.string()))
    _write(data_copy, _rows(year=["2020", "2020", "2021"]), schema)
    assert [str(p) for p in validate_package(data_copy)] == [
        "data/trade.parquet: year: has type string, expected integer"
    ]
    (data_copy / "trade.parquet").write_bytes(b"not parquet")
    (problem,) = validate_package(data_copy)
    assert str(problem).startswith("data/trade.parquet: not a readable Parquet file")
    (data_copy / "trade.parquet").unlink()
    assert [str(p) for p in validate_package(data_copy)] == ["data/trade.parquet: file is missing"]


def test_a_missing_required_value_is_reported(data_copy: Path) -> None:
    _write(data_copy, _rows(importer=["JPN", None, "JPN"]))
    assert "data/trade.parquet:2: importer: missing required value" in [
        str(p) for p in validate_package(data_copy)
    ]
    assert pq.read_table(data_copy / "trade.parquet").num_rows == 3

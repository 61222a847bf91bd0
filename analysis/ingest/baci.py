"""Ingest CEPII BACI (HS 1992) bilateral trade in mineral products into data/trade.parquet.

The release is a SQLite file (``baci_trade(t, i, j, k, v, q)``, every cell text). This module
keeps the products listed in data/hs_codes.csv, turns BACI's ISO 3166 numeric country codes into
alpha-3 codes with pycountry, and resolves BACI's own codes (Belgium-Luxembourg before 1999,
"Other Asia, nes", ...) through the ``baci.country_codes`` corrections in data/corrections.yaml.
A correction that matches no code in the release, a code that neither resolves, an HS code or
description in hs_codes.csv that BACI does not have, or a duplicate (year, exporter, importer,
product) after the codes are mapped fails the ingest.

The output is one Parquet file written by pyarrow with a fixed schema, row order, row-group
size and compression, and no pandas metadata, so a re-run gives the same bytes (for the same
pyarrow version, which uv.lock pins). ``data/trade_countries.csv`` lists every trade partner
code with the name a reader sees.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pycountry

from analysis.ingest.io import csv_text, load_corrections, write_atomic

TRADE_FILE = "trade.parquet"
COUNTRIES_FILE = "trade_countries.csv"
ROW_GROUP_SIZE = 262_144
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 9
TRADE_SCHEMA = pa.schema(
    [
        ("year", pa.int16()),
        ("exporter", pa.dictionary(pa.int16(), pa.string())),
        ("importer", pa.dictionary(pa.int16(), pa.string())),
        ("hs", pa.dictionary(pa.int8(), pa.string())),
        ("value", pa.float64()),
        ("quantity", pa.float64()),
    ]
)
COUNTRY_COLUMNS = ["iso3", "name", "baci_codes", "resolved_by"]


class IngestError(Exception):
    """The release does not match what the ingest expects: one line naming what is wrong."""


@dataclass(frozen=True)
class TradeBuild:
    """The trade table and its partner list, built but not yet written."""

    table: pa.Table
    countries_csv: str
    corrections_used: int


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_codes(
    codes: list[str], rules: list[dict[str, Any]], release: str = "release"
) -> pd.DataFrame:
    """Map BACI numeric codes to alpha-3: listed corrections first, then pycountry.

    Returns columns ``code``, ``iso3``, ``name``, ``resolved_by`` (``pycountry`` or
    ``corrections.yaml``). Raises :class:`IngestError` for a code that neither resolves and for a
    correction whose code is not among ``codes``.

    >>> out = resolve_codes(["4", "490"], [{"code": "490", "iso3": "XOA", "name": "Other Asia"}])
    >>> out[["code", "iso3", "resolved_by"]].values.tolist()
    [['4', 'AFG', 'pycountry'], ['490', 'XOA', 'corrections.yaml']]
    """
    listed = {str(r["code"]): r for r in rules}
    unused = sorted(set(listed) - set(codes), key=int)
    if unused:
        raise IngestError(
            f"data/corrections.yaml: baci.country_codes: code(s) {', '.join(unused)} "
            f"match nothing in {release}"
        )
    rows = []
    for code in sorted(set(codes), key=int):
        if code in listed:
            rule = listed[code]
            rows.append((code, rule["iso3"], rule["name"], "corrections.yaml"))
            continue
        country = pycountry.countries.get(numeric=code.zfill(3))
        if country is None:
            raise IngestError(
                f"{release}: baci_trade: country code '{code}' is not an ISO 3166 numeric code "
                "and has no entry in data/corrections.yaml baci.country_codes"
            )
        name = getattr(country, "common_name", None) or country.name
        rows.append((code, country.alpha_3, name, "pycountry"))
    return pd.DataFrame(rows, columns=["code", "iso3", "name", "resolved_by"])


def _hs_codes(data_dir: Path, products: dict[str, str], release: str) -> list[str]:
    table = pd.read_csv(Path(data_dir) / "hs_codes.csv", dtype=str, keep_default_na=False)
    for line, (hs, description) in enumerate(
        zip(table["hs"], table["description"], strict=True), start=2
    ):
        if hs not in products:
            raise IngestError(f"data/hs_codes.csv:{line}: hs: '{hs}' is not a product in {release}")
        if description != products[hs]:
            raise IngestError(
                f"data/hs_codes.csv:{line}: description: differs from BACI's for {hs}: "
                f"'{products[hs]}'"
            )
    return sorted(table["hs"])


def _number(text: pd.Series, column: str, release: str) -> np.ndarray:
    cleaned = text.where(~text.isin(["", "NA"]), None)
    values = pd.to_numeric(cleaned, errors="coerce")
    bad = values.isna() & cleaned.notna()
    if bad.any():
        raise IngestError(
            f"{release}: baci_trade: {column}: '{cleaned[bad].iloc[0]}' is not a number"
        )
    if (values < 0).any():
        raise IngestError(f"{release}: baci_trade: {column}: negative value")
    return values.to_numpy(dtype="float64", na_value=np.nan)


def build_trade(release: Path, data_dir: Path, expect_sha256: str | None = None) -> TradeBuild:
    """Read the BACI SQLite release and return the trade table and partner list (not written)."""
    release = Path(release)
    name = release.name
    corr = load_corrections(data_dir)["baci"]
    if expect_sha256 is not None and sha256(release) != expect_sha256:
        raise IngestError(
            f"{release}: sha256 differs from the release pinned in data/corrections.yaml "
            f"({expect_sha256[:12]}...)"
        )
    con = sqlite3.connect(f"file:{release}?mode=ro", uri=True)
    try:
        products = dict(con.execute("SELECT code, description FROM product_codes_HS92_V202401b"))
        wanted = _hs_codes(data_dir, products, name)
        marks = ",".join("?" * len(wanted))
        raw = pd.read_sql_query(
            f"SELECT t, i, j, CAST(k AS TEXT) AS k, v, q FROM baci_trade WHERE CAST(k AS TEXT) IN ({marks})",
            con,
            params=wanted,
            dtype=str,
        )
        used = {str(k) for (k,) in con.execute("SELECT DISTINCT k FROM baci_trade")}
    finally:
        con.close()
    unused = set(map(str, corr.get("unused_products", {}))) - used
    if unused:
        raise IngestError(
            f"data/corrections.yaml: baci.unused_products: {sorted(unused)} match nothing in {name}"
        )
    unlisted = used - set(wanted) - set(map(str, corr.get("unused_products", {})))
    if unlisted:
        raise IngestError(
            f"{name}: product(s) {sorted(unlisted)} are neither in data/hs_codes.csv nor listed "
            "as unused in data/corrections.yaml"
        )
    raw = raw.fillna("")
    codes = resolve_codes(sorted(set(raw["i"]) | set(raw["j"])), corr["country_codes"], name)
    to_iso3 = dict(zip(codes["code"], codes["iso3"], strict=True))
    frame = pd.DataFrame(
        {
            "year": pd.to_numeric(raw["t"], errors="raise").astype("int16"),
            "exporter": raw["i"].map(to_iso3),
            "importer": raw["j"].map(to_iso3),
            "hs": raw["k"],
            "value": _number(raw["v"], "v", name),
            "quantity": _number(raw["q"], "q", name),
        }
    )
    frame = frame.sort_values(["hs", "year", "importer", "exporter"], kind="stable")
    dup = frame.duplicated(["year", "exporter", "importer", "hs"])
    if dup.any():
        row = frame[dup].iloc[0]
        raise IngestError(
            f"{name}: duplicate flow after mapping codes: {int(row['year'])} "
            f"{row['exporter']} -> {row['importer']} {row['hs']}"
        )
    table = pa.Table.from_pydict(
        {
            "year": pa.array(frame["year"].to_numpy(), pa.int16()),
            "exporter": _dictionary(frame["exporter"], pa.int16()),
            "importer": _dictionary(frame["importer"], pa.int16()),
            "hs": _dictionary(frame["hs"], pa.int8()),
            "value": pa.array(frame["value"].to_numpy(), pa.float64()),
            "quantity": pa.array(frame["quantity"].to_numpy(), pa.float64(), from_pandas=True),
        },
        schema=TRADE_SCHEMA,
    )
    # One row per alpha-3 code; a code fed by two BACI codes (Sudan before and after 2011) keeps
    # pycountry's current name and lists both BACI codes.
    ordered = codes.sort_values(["iso3", "resolved_by"], ascending=[True, False], kind="stable")
    partners = ordered.groupby("iso3", sort=True).agg(
        name=("name", "first"),
        baci_codes=("code", lambda c: ";".join(sorted(c, key=int))),
        resolved_by=("resolved_by", lambda r: ";".join(sorted(set(r), reverse=True))),
    )
    partners = partners.reset_index()
    text = csv_text(COUNTRY_COLUMNS, partners[COUNTRY_COLUMNS].itertuples(index=False))
    return TradeBuild(table, text, int((codes["resolved_by"] == "corrections.yaml").sum()))


def _dictionary(values: pd.Series, index_type: pa.DataType) -> pa.DictionaryArray:
    """Dictionary array with a sorted dictionary, so the bytes do not depend on first appearance."""
    categories = sorted(set(values))
    codes = pd.Categorical(values, categories=categories).codes
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, index_type), pa.array(categories, pa.string())
    )


def parquet_bytes(table: pa.Table) -> bytes:
    """The table as Parquet with the project's fixed writer settings."""
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        row_group_size=ROW_GROUP_SIZE,
        use_dictionary=True,
        write_statistics=True,
    )
    return sink.getvalue()


def gzip_csv_bytes(table: pa.Table) -> bytes:
    """The same table as gzip CSV with mtime 0 (for the format comparison in bench/)."""
    frame = table.to_pandas()
    text = frame.to_csv(index=False, lineterminator="\n", float_format=None)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ingest_trade(
    release: Path, data_dir: Path, check_sha256: bool = True
) -> tuple[list[Path], TradeBuild]:
    """Write data/trade.parquet and data/trade_countries.csv; return their paths and the build."""
    data_dir = Path(data_dir)
    pinned = load_corrections(data_dir)["baci"].get("sha256") if check_sha256 else None
    build = build_trade(release, data_dir, pinned)
    target = data_dir / TRADE_FILE
    _write_bytes_atomic(target, parquet_bytes(build.table))
    countries = data_dir / COUNTRIES_FILE
    write_atomic(countries, build.countries_csv)
    return [target, countries], build

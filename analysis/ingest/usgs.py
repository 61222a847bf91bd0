"""Ingest the USGS Mineral Commodity Summaries 2025 data release into data/ tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.ingest.corrections import Applied, apply_corrections, clean_text
from analysis.ingest.countries import CountryResolver
from analysis.ingest.io import csv_text, load_corrections, verify_release, write_atomic

PRODUCTION_COLUMNS = [
    "mineral",
    "stage",
    "measure",
    "basis",
    "year",
    "country",
    "quantity",
    "unit",
    "flag",
    "estimated",
    "source",
    "notes",
]
IMPORT_COLUMNS = [
    "importer",
    "commodity",
    "mineral",
    "year",
    "net_import_reliance_pct",
    "reliance_qualifier",
    "source_rank",
    "source_country",
    "sources_period",
    "notes",
    "source",
]
WORLD_SOURCE = "USGS MCS 2025 data release (doi:10.5066/P13XCP3R), MCS2025_World_Data.csv"
FIG2_SOURCE = (
    "USGS MCS 2025 data release (doi:10.5066/P13XCP3R), MCS2025_Fig2_Net_Import_Reliance.csv"
)

_STAGES = (
    ("mine", "mine"),
    ("refinery", "refinery"),
    ("smelter", "smelter"),
    ("plant", "plant"),
    ("sponge", "plant"),
    ("pigment", "plant"),
    ("clinker", "plant"),
    ("cement", "plant"),
    ("pig iron", "plant"),
    ("raw steel", "plant"),
)


class IngestError(ValueError):
    """The release has something the ingest has no rule for; names the file and line."""


def read_release_csv(path: Path) -> pd.DataFrame:
    """Read a release CSV as text, dropping a BOM; keeps the physical line of each row."""
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=False
    )
    frame["_line"] = range(2, len(frame) + 2)
    return frame


def stage_and_basis(type_text: str) -> tuple[str, str, str]:
    """Split a release TYPE such as 'Mine production, lithium content' into stage/basis/measure.

    >>> stage_and_basis("Mine production, rare-earth-oxide equivalent")
    ('mine', 'rare-earth-oxide equivalent', 'production')
    >>> stage_and_basis("Clinker capacity, estimated")
    ('plant', 'clinker', 'capacity')
    """
    text = clean_text(type_text)
    low = text.lower()
    measure = "capacity" if "capacity" in low else "production"
    stage = next((s for key, s in _STAGES if key in low), "production")
    head, _, tail = text.partition(",")
    basis = tail.strip() if tail.strip() else head
    basis = re.sub(r"\bestimated\b", "", basis, flags=re.IGNORECASE).strip(" ,")
    if not basis or basis.lower() in {"mine production", "production"}:
        basis = head
    if measure == "capacity" and "capacity" in basis.lower():
        basis = re.sub(r"\s*capacity\s*", " ", basis, flags=re.IGNORECASE).strip(" ,")
    return stage, basis.strip().lower() or head.lower(), measure


def _value(raw: str, note_flag: str | None) -> tuple[float | None, str | None]:
    text = clean_text(raw)
    if text == "":
        return None, note_flag
    if text.upper() in {"W", "NA"}:
        return None, text.upper()
    try:
        return float(text.replace(",", "")), None
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a number or a known code (W, NA)") from exc


def build_production(
    release: Path, data_dir: Path, *, excerpt: bool = False
) -> tuple[str, list[Applied]]:
    """Return production.csv text built from the world-data release, and the corrections log."""
    corr = load_corrections(data_dir)["usgs_world_data"]
    raw = read_release_csv(release)
    raw = raw.rename(columns={k: v for k, v in corr["header"].items() if k in raw.columns})
    expected = {
        "COMMODITY",
        "COUNTRY",
        "TYPE",
        "UNIT_MEAS",
        "PROD_2023",
        "PROD_EST_2024",
        "PROD_NOTES",
    }
    missing = expected - set(raw.columns)
    if missing:
        raise IngestError(f"{release}:1: header: missing column(s) {sorted(missing)}")
    for col in ("COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_NOTES"):
        raw[col] = raw[col].map(clean_text)
    for col in ("STAGE", "BASIS", "MINERAL"):
        raw[col] = ""
    fixed, log = apply_corrections(raw, corr["rows"], strict=not excerpt)

    minerals = pd.read_csv(data_dir / "minerals.csv", dtype=str, keep_default_na=False)
    by_commodity = {
        clean_text(c).lower(): m
        for c, m in zip(minerals["usgs_commodity"], minerals["mineral_id"], strict=True)
        if c
    }
    resolver = CountryResolver(corr["country_aliases"], corr["aggregates"])
    value_codes = {k: v["flag"] for k, v in corr["value_codes"].items()}

    out: list[list[Any]] = []
    for row in fixed.to_dict("records"):
        where = f"{release}:{row['_line']}"
        mineral = row["MINERAL"] or by_commodity.get(row["COMMODITY"].lower())
        if not mineral:
            raise IngestError(
                f"{where}: COMMODITY: '{row['COMMODITY']}' maps to no mineral_id in minerals.csv"
            )
        stage, basis, measure = stage_and_basis(row["TYPE"])
        stage = row["STAGE"] or stage
        basis = row["BASIS"] or basis
        try:
            country, qualifier = resolver.resolve(row["COUNTRY"])
        except KeyError as exc:
            raise IngestError(f"{where}: COUNTRY: {exc.args[0]}") from exc
        note_flag = value_codes.get(row["PROD_NOTES"])
        notes = "; ".join(x for x in (qualifier, row["PROD_NOTES"] if not note_flag else "") if x)
        for year, col in ((2023, "PROD_2023"), (2024, "PROD_EST_2024")):
            try:
                quantity, flag = _value(row[col], note_flag)
            except ValueError as exc:
                raise IngestError(f"{where}: {col}: {exc}") from exc
            if quantity is None and flag is None:
                continue
            estimated = (
                year == 2024 or "estimated" in (row["TYPE"] + " " + row["PROD_NOTES"]).lower()
            )
            out.append(
                [
                    mineral,
                    stage,
                    measure,
                    basis,
                    year,
                    country,
                    quantity,
                    row["UNIT_MEAS"],
                    flag,
                    estimated,
                    WORLD_SOURCE,
                    notes,
                ]
            )
    frame = pd.DataFrame(out, columns=PRODUCTION_COLUMNS)
    frame = _merge_qualified_duplicates(frame)
    frame = frame.sort_values(
        ["mineral", "stage", "measure", "basis", "year", "country"], kind="stable"
    )
    return csv_text(PRODUCTION_COLUMNS, frame.itertuples(index=False)), log


def _merge_qualified_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that differ only by a country qualifier (e.g. 'Russia' and 'Russia ') are an error."""
    key = ["mineral", "stage", "measure", "basis", "year", "country"]
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        shown = frame.loc[dup, key].drop_duplicates().head(5).to_dict("records")
        raise IngestError(f"duplicate production keys after corrections: {shown}")
    return frame


def ingest_production(release: Path, data_dir: Path) -> tuple[Path, list[Applied]]:
    """Write data/production.csv from the release; return its path and the corrections log."""
    verify_release(release, data_dir)
    text, log = build_production(release, data_dir)
    target = Path(data_dir) / "production.csv"
    write_atomic(target, text)
    return target, log


def build_import_reliance(release: Path, data_dir: Path) -> str:
    """Return import_reliance.csv text from MCS2025_Fig2_Net_Import_Reliance.csv."""
    corr = load_corrections(data_dir)["usgs_import_reliance"]
    raw = read_release_csv(release)
    mapping = {clean_text(k): v for k, v in corr["commodity_to_mineral"].items()}
    resolver = CountryResolver(corr["country_aliases"], {})
    footnote = re.compile(corr["footnote_suffix"])
    out: list[list[Any]] = []
    for row in raw.to_dict("records"):
        where = f"{release}:{row['_line']}"
        commodity = clean_text(row["Commodity"])
        mineral = mapping.get(commodity)
        if mineral is None:
            raise IngestError(
                f"{where}: Commodity: '{commodity}' has no mineral in corrections.yaml"
            )
        reliance_text = clean_text(row["Net_Import_Reliance_pct_2024"])
        qualifier = None
        if reliance_text.upper() == "E":
            pct, qualifier = None, "E"
        else:
            m = re.fullmatch(r"([<>])?\s*(\d+(?:\.\d+)?)", reliance_text)
            if not m:
                raise IngestError(
                    f"{where}: Net_Import_Reliance_pct_2024: '{reliance_text}' is not a percentage"
                )
            qualifier, pct = m.group(1), float(m.group(2))
        names = [
            clean_text(n) for n in row["Major_Import_Sources_2020_2023"].split(",") if clean_text(n)
        ]
        notes = clean_text(row.get("Notes", ""))
        for rank, name in enumerate(names, start=1):
            name = footnote.sub("", name).strip()
            try:
                iso3, _ = resolver.resolve(name)
            except KeyError as exc:
                raise IngestError(
                    f"{where}: Major_Import_Sources_2020_2023: {exc.args[0]}"
                ) from exc
            out.append(
                [
                    "USA",
                    commodity,
                    mineral,
                    2024,
                    pct,
                    qualifier,
                    rank,
                    iso3,
                    "2020-2023",
                    notes,
                    FIG2_SOURCE,
                ]
            )
    frame = pd.DataFrame(out, columns=IMPORT_COLUMNS)
    return csv_text(IMPORT_COLUMNS, frame.itertuples(index=False))


def ingest_import_reliance(release: Path, data_dir: Path) -> Path:
    """Write data/import_reliance.csv from Fig. 2 of the release."""
    verify_release(release, data_dir)
    target = Path(data_dir) / "import_reliance.csv"
    write_atomic(target, build_import_reliance(release, data_dir))
    return target

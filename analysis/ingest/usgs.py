"""Ingest the USGS Mineral Commodity Summaries 2025 data release into data/ tables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.ingest.corrections import Applied, apply_corrections, clean_text
from analysis.ingest.countries import CountryResolver
from analysis.ingest.io import csv_text, load_corrections, write_atomic

PRODUCTION_COLUMNS = [
    "mineral", "stage", "measure", "basis", "year", "country",
    "quantity", "unit", "flag", "estimated", "source", "notes",
]  # fmt: skip
IMPORT_COLUMNS = [
    "importer", "commodity", "mineral", "year", "net_import_reliance_pct", "reliance_qualifier",
    "source_rank", "source_country", "sources_period", "notes", "edition", "source",
]  # fmt: skip
WORLD_SOURCE = "USGS MCS 2025 data release (doi:10.5066/P13XCP3R), MCS2025_World_Data.csv"

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


def build_production(release: Path, data_dir: Path) -> tuple[str, list[Applied]]:
    """Return production.csv text built from the MCS 2025 world-data release alone, and the log.

    The committed table combines five editions (:mod:`analysis.ingest.editions`); this single-
    edition build is its MCS 2025 part.
    """
    frame, log = mcs2025_frame(release, data_dir)
    return csv_text(PRODUCTION_COLUMNS, frame.itertuples(index=False)), log


def mcs2025_frame(release: Path, data_dir: Path) -> tuple[pd.DataFrame, list[Applied]]:
    """Production rows of the MCS 2025 world-data release, sorted, and the corrections log."""
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
    fixed, log = apply_corrections(raw, corr["rows"], where=str(release))

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
            out.append([mineral, stage, measure, basis, year, country, quantity, row["UNIT_MEAS"],
                        flag, estimated, WORLD_SOURCE, notes])  # fmt: skip
    frame = pd.DataFrame(out, columns=PRODUCTION_COLUMNS)
    frame = _merge_qualified_duplicates(frame)
    frame = frame.sort_values(
        ["mineral", "stage", "measure", "basis", "year", "country"], kind="stable"
    )
    return frame.reset_index(drop=True), log


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
    text, log = build_production(release, data_dir)
    target = Path(data_dir) / "production.csv"
    write_atomic(target, text)
    return target, log


IMPORT_FILES = {
    # edition -> (file under the reference folder, reliance column, sources column, years)
    "MCS 2025": ("usgs_mcs2025/industry_trends/MCS2025_Fig2_Net_Import_Reliance.csv",
                 "Net_Import_Reliance_pct_2024", "Major_Import_Sources_2020_2023", 2024, "2020-2023",
                 "doi:10.5066/P13XCP3R"),
    "MCS 2026": ("usgs_mcs2026/MCS2026_Fig2_Net_Import_Reliance.csv",
                 "Net_Import_Reliance_pct_2025", "Major_Import_Sources_2021_24", 2025, "2021-2024",
                 "doi:10.5066/P1WKQ63T"),
}  # fmt: skip


def build_import_reliance(release: Path, data_dir: Path, edition: str = "MCS 2025") -> str:
    """import_reliance.csv text from one edition's Fig. 2 (net import reliance, import sources)."""
    return csv_text(
        IMPORT_COLUMNS, import_frame(release, data_dir, edition).itertuples(index=False)
    )


def build_import_history(reference: Path, data_dir: Path) -> str:
    """import_reliance.csv text: every edition's Fig. 2, newest first (the edition column says which)."""
    frames = [
        import_frame(Path(reference) / IMPORT_FILES[ed][0], data_dir, ed)
        for ed in sorted(IMPORT_FILES, reverse=True)
    ]
    frame = pd.concat(frames, ignore_index=True)
    return csv_text(IMPORT_COLUMNS, frame.itertuples(index=False))


def import_frame(release: Path, data_dir: Path, edition: str) -> pd.DataFrame:
    """One edition's Fig. 2 as import_reliance rows (one per commodity and ranked source)."""
    _file, pct_col, src_col, year, period, doi = IMPORT_FILES[edition]
    corr = load_corrections(data_dir)["usgs_import_reliance"]
    raw = read_release_csv(release)
    mapping = {clean_text(k): v for k, v in corr["commodity_to_mineral"].items()}
    skipped = {clean_text(k) for k in corr.get("not_ingested", {})}
    resolver = CountryResolver(corr["country_aliases"], {})
    footnote = re.compile(corr["footnote_suffix"])
    source = f"USGS {edition} data release ({doi}), {Path(release).name}"
    out: list[list[Any]] = []
    for row in raw.to_dict("records"):
        where = f"{release}:{row['_line']}"
        commodity = clean_text(row["Commodity"])
        if commodity in skipped:
            continue
        mineral = mapping.get(commodity)
        if mineral is None:
            raise IngestError(
                f"{where}: Commodity: '{commodity}' has no mineral in corrections.yaml"
            )
        reliance_text = clean_text(row[pct_col])
        qualifier = None
        if reliance_text.upper() == "E":
            pct, qualifier = None, "E"
        else:
            m = re.fullmatch(r"([<>])?\s*(\d+(?:\.\d+)?)", reliance_text)
            if not m:
                raise IngestError(f"{where}: {pct_col}: '{reliance_text}' is not a percentage")
            qualifier, pct = m.group(1), float(m.group(2))
        names = [clean_text(n) for n in row[src_col].split(",") if clean_text(n)]
        notes = clean_text(row.get("Notes", ""))
        for rank, name in enumerate(names, start=1):
            name = footnote.sub("", name).strip()
            try:
                iso3, _ = resolver.resolve(name)
            except KeyError as exc:
                raise IngestError(f"{where}: {src_col}: {exc.args[0]}") from exc
            out.append(["USA", commodity, mineral, year, pct, qualifier, rank, iso3, period,
                        notes, edition, source])  # fmt: skip
    return pd.DataFrame(out, columns=IMPORT_COLUMNS)


def ingest_import_reliance(reference: Path, data_dir: Path) -> Path:
    """Write data/import_reliance.csv from Fig. 2 of every edition under ``reference``."""
    target = Path(data_dir) / "import_reliance.csv"
    write_atomic(target, build_import_history(reference, data_dir))
    return target

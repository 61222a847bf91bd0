"""One production table from five USGS Mineral Commodity Summaries editions (MCS 2022-2026).

Each edition gives two data years (the previous year and an estimate for its own year); later
editions revise earlier years. The ingest reads every edition as published, applies the
corrections listed in ``data/corrections.yaml`` (``usgs_editions``), files every row under the
series of the MCS 2025 table (mineral, stage, measure, basis, unit), and keeps for each series and
year the rows of the newest edition reporting that year. What an older edition said about the same
key, when a newer one says something else, goes to the revisions table.

A series and year come whole from one edition: a newer edition that folds a country into 'Other
countries' would otherwise count it twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.ingest.corrections import Applied, apply_corrections, clean_text
from analysis.ingest.countries import CountryResolver
from analysis.ingest.io import csv_text, load_corrections, write_atomic
from analysis.ingest.usgs import (
    PRODUCTION_COLUMNS,
    IngestError,
    mcs2025_frame,
    stage_and_basis,
)

SUPPLY_COLUMNS = [*PRODUCTION_COLUMNS[:-2], "edition", *PRODUCTION_COLUMNS[-2:]]
REVISION_COLUMNS = [
    "mineral", "stage", "measure", "basis", "year", "country", "unit",
    "edition", "quantity", "flag", "revised_in", "revised_quantity", "revised_flag", "change",
]  # fmt: skip
SERIES = ["mineral", "stage", "measure", "basis"]
KEY = [*SERIES, "year", "country"]


@dataclass(frozen=True)
class Supply:
    """The texts of production.csv and production_revisions.csv, and the corrections log."""

    production: str
    revisions: str
    log: list[Applied]


def edition_number(edition: str) -> int:
    """``'MCS 2026'`` -> 2026.

    >>> edition_number("MCS 2024")
    2024
    """
    return int(edition.split()[-1])


def _number(text: str, codes: dict[str, str], where: str) -> tuple[float | None, str | None]:
    """A release value: number (thousands separators allowed), a listed code, or an error."""
    text = clean_text(text)
    if text in codes:
        flag = codes[text]
        return None, (flag or None)
    try:
        return float(text.replace(",", "")), None
    except ValueError:
        raise IngestError(f"{where}: '{text}' is not a number or a listed value code") from None


# --------------------------------------------------------------------------------------------
# Reading each edition into one long frame of text cells
# --------------------------------------------------------------------------------------------

LONG = ["edition", "file", "line", "commodity", "country", "type", "year", "value", "unit", "notes"]


def _read_csv(path: Path, encoding: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def read_world_files(folder: Path, edition: str, spec: dict[str, Any]) -> pd.DataFrame:
    """The per-commodity ``*_world.csv`` files of MCS 2022-2024 as one long frame.

    Production columns are recognised by the listed pattern (``Prod_<unit>_[est_]<year>``); the
    unit code in the column name is the unit of the values (the listed ``units`` give its name).
    """
    pattern = re.compile(spec["production_column"])
    header_fixes = {h["from"]: h for h in spec.get("header", []) if h["edition"] == edition}
    used_fixes: set[str] = set()
    out: list[list[Any]] = []
    files = sorted(folder.glob("*_world.csv"), key=lambda p: p.name.lower())
    if not files:
        raise IngestError(f"{folder}: no *_world.csv files")
    skip = {s["code"] for s in spec.get("skip_files", []) if edition in s["editions"]}
    slips = {u["file"]: u["unit"] for u in spec.get("unit_slips", []) if u["edition"] == edition}
    seen: set[str] = set()
    for path in files:
        m = re.search(r"-([a-z]+)_world\.csv$", path.name, flags=re.IGNORECASE)
        if not m:
            raise IngestError(f"{path}: file name does not end in -<code>_world.csv")
        code = m.group(1).lower()
        seen.add(code)
        if code in skip:
            continue
        rows = _read_csv(path, "utf-8-sig")
        header = [clean_text(h) for h in rows[0]]
        for i, h in enumerate(header):
            if h in header_fixes and header_fixes[h]["file"] == path.name:
                header[i] = header_fixes[h]["to"]
                used_fixes.add(h)
        for need in ("Country", "Type"):
            if need not in header:
                raise IngestError(f"{path}:1: header: no '{need}' column")
        prod_cols = []
        for i, h in enumerate(header):
            pm = pattern.match(h)
            if pm:
                unit_code = pm.group("unit")
                if unit_code not in spec["units"]:
                    raise IngestError(f"{path}:1: {h}: unit code '{unit_code}' is not listed")
                unit = slips.get(path.name, spec["units"][unit_code])
                prod_cols.append((i, int(pm.group("year")), unit))
        if not prod_cols:
            raise IngestError(f"{path}:1: header: no production column matches the listed pattern")
        ci, ti = header.index("Country"), header.index("Type")
        ni = next((header.index(n) for n in ("Prod_notes", "Prod_note") if n in header), None)
        for line, row in enumerate(rows[1:], start=2):
            row = row + [""] * (len(header) - len(row))
            if not any(clean_text(c) for c in row):
                continue  # blank line
            notes = clean_text(row[ni]) if ni is not None else ""
            for i, year, unit in prod_cols:
                out.append([edition, path.name, line, code, clean_text(row[ci]),
                            clean_text(row[ti]), year, clean_text(row[i]), unit, notes])  # fmt: skip
    unused = set(header_fixes) - used_fixes
    if set(slips) - {p.name for p in files}:
        raise IngestError(f"{folder}: listed unit_slips match no file: {sorted(slips)}")
    if skip - seen:
        raise IngestError(f"{folder}: listed skip_files match no file: {sorted(skip - seen)}")
    if unused:
        raise IngestError(f"{folder}: listed header correction(s) match no file: {sorted(unused)}")
    return pd.DataFrame(out, columns=LONG)


def read_mcs2026(path: Path, spec: dict[str, Any]) -> tuple[pd.DataFrame, list[Applied]]:
    """MCS 2026 commodities table (cp1252, CRLF) with the version-history revisions applied."""
    raw = pd.DataFrame(_read_csv(path, spec["encoding"]))
    raw.columns = [clean_text(c) for c in raw.iloc[0]]
    raw = raw.iloc[1:].reset_index(drop=True)
    raw["_line"] = range(2, len(raw) + 2)
    fixed, log = apply_corrections(raw, spec["version_history"], where=str(path))
    text = "\n".join("\t".join(r) for r in fixed.drop(columns="_line").itertuples(index=False))
    for item in spec.get("report_only", []):
        if item.get("absent") and clean_text(item["absent"]).lower() in clean_text(text).lower():
            raise IngestError(
                f"{path}: version {item['version']}: '{item['absent']}' is in the data release; "
                "list it as a correction with where/set instead of report_only"
            )
    keep = fixed["Section"].str.startswith(spec["section_prefix"]) & (
        fixed["Statistics"].isin(spec["statistics"])
        | (fixed["Statistics"] == "Capacity") & fixed["Commodity"].isin(spec["capacity_for"])
    )
    fixed = fixed[keep]
    frame = pd.DataFrame(
        {
            "edition": "MCS 2026",
            "file": path.name,
            "line": fixed["_line"],
            "commodity": fixed["Commodity"].map(clean_text),
            "country": fixed["Country"].map(clean_text),
            "type": (fixed["Statistics"] + ": " + fixed["Statistics_detail"]).map(clean_text),
            "year": fixed["Year"].astype(int),
            "value": fixed["Value"].map(clean_text),
            "unit": fixed["Unit"].map(clean_text),
            "notes": fixed["Notes"].map(clean_text),
        }
    )
    return frame.reset_index(drop=True), log


# --------------------------------------------------------------------------------------------
# Filing every row under a series of the MCS 2025 table
# --------------------------------------------------------------------------------------------


class SeriesRules:
    """Listed rules that file a release row under (mineral, stage, measure, basis).

    In order: the first listed rule whose ``edition``, ``commodity`` and ``type`` (a regular
    expression) match; else the commodity's mineral and the stage read from the type, with the
    one MCS 2025 basis of that mineral, stage and measure; else, when the mineral has a single
    MCS 2025 series for the measure, that series. Anything else is an error naming the row.
    """

    def __init__(self, rules: list[dict[str, Any]], canonical: pd.DataFrame):
        self.rules = rules
        self.used = [0] * len(rules)
        self.compiled = [re.compile(r["type"], flags=re.IGNORECASE) for r in rules]
        series = canonical[[*SERIES, "unit"]].drop_duplicates()
        self.units = {tuple(r[:4]): r[4] for r in series.itertuples(index=False)}
        self.by_stage: dict[tuple[str, str, str], list[str]] = {}
        self.by_mineral: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for m, s, me, b in self.units:
            self.by_stage.setdefault((m, s, me), []).append(b)
            self.by_mineral.setdefault((m, me), []).append((s, b))

    def file(
        self, edition: str, commodity: str, type_text: str, mineral: str | None, where: str,
        country: str = "",
    ) -> tuple[str, str, str, str] | None:  # fmt: skip
        for k, rule in enumerate(self.rules):
            if (
                rule.get("edition", edition) != edition
                or rule.get("commodity", commodity) != commodity
            ):
                continue
            if "country" in rule and not re.search(rule["country"], country, re.IGNORECASE):
                continue
            if self.compiled[k].search(type_text):
                self.used[k] += 1
                if rule.get("drop"):
                    return None
                target = rule["series"]
                key = (target["mineral"], target["stage"], target.get("measure", "production"),
                       target["basis"])  # fmt: skip
                if key not in self.units and "unit" in target:
                    self.units[key] = target["unit"]  # a series MCS 2025 no longer reports
                if key not in self.units:
                    raise IngestError(f"series rule {rule} names a series MCS 2025 does not have")
                return key
        if mineral is None:
            raise IngestError(f"{where}: commodity '{commodity}' maps to no mineral_id")
        stage, _, measure = stage_and_basis(type_text)
        bases = self.by_stage.get((mineral, stage, measure), [])
        if len(bases) == 1:
            return (mineral, stage, measure, bases[0])
        if not bases and len(self.by_mineral.get((mineral, measure), [])) == 1:
            stage, basis = self.by_mineral[(mineral, measure)][0]
            return (mineral, stage, measure, basis)
        raise IngestError(
            f"{where}: {commodity} '{type_text}': no listed series rule, and MCS 2025 has "
            f"{len(bases) or 'no'} {mineral} {stage} {measure} bases; add a rule under "
            "usgs_editions.series in corrections.yaml"
        )

    def unused(self) -> list[dict[str, Any]]:
        return [r for r, n in zip(self.rules, self.used, strict=True) if n == 0]


def _scale(units: dict[str, Any], unit: str, where: str) -> tuple[str, float]:
    if unit not in units:
        raise IngestError(f"{where}: unit '{unit}' is not listed under usgs_editions.unit_scale")
    dim, factor = units[unit]
    return dim, float(factor)


def harmonise(
    long: pd.DataFrame,
    spec: dict[str, Any],
    rules: SeriesRules,
    minerals: dict[str, str],
    resolver: CountryResolver,
) -> pd.DataFrame:
    """Release rows (text) -> production rows in the MCS 2025 series and units."""
    codes = {clean_text(k): v["flag"] for k, v in spec["value_codes"].items()}
    prefix = re.compile(spec["estimated_value_prefix"]["pattern"])
    scale = {k: tuple(v) for k, v in spec["unit_scale"].items()}
    commodity_map = {
        ed: {clean_text(k): v for k, v in m.items()}
        for ed, m in spec["commodity_to_mineral"].items()
    }
    skip = {
        (ed, clean_text(s["commodity"]))
        for s in spec.get("not_ingested", [])
        for ed in s["editions"]
    }
    skip = {k for k in skip if k[0] in set(long["edition"])}
    seen_skip: set[tuple[str, str]] = set()
    out: list[list[Any]] = []
    for row in long.to_dict("records"):
        where = f"{row['edition']} {row['file']}:{row['line']}"
        if (row["edition"], row["commodity"]) in skip:
            seen_skip.add((row["edition"], row["commodity"]))
            continue
        mapping = commodity_map.get(row["edition"], {})
        mineral = mapping.get(row["commodity"]) or minerals.get(row["commodity"].lower())
        series = rules.file(
            row["edition"], row["commodity"], row["type"], mineral, where, row["country"]
        )
        if series is None:
            continue
        value, marked = prefix.subn("", row["value"])
        quantity, flag = _number(value, codes, f"{where}: value")
        if quantity is None and flag is None:
            continue  # '—', blank: nothing produced or nothing published
        try:
            country, qualifier = resolver.resolve(row["country"])
        except KeyError as exc:
            raise IngestError(f"{where}: country: {exc.args[0]}") from exc
        target_unit = rules.units[series]
        src_dim, src_f = _scale(scale, row["unit"], where)
        dst_dim, dst_f = _scale(scale, target_unit, where)
        if src_dim != dst_dim:
            raise IngestError(
                f"{where}: unit '{row['unit']}' cannot be converted to '{target_unit}'"
            )
        if quantity is not None and src_f != dst_f:
            quantity = float(f"{quantity * src_f / dst_f:.10g}")
        notes = row["notes"]
        estimated = (
            bool(marked)
            or "estimated" in (row["type"] + " " + notes).lower()
            or row["year"] == (edition_number(row["edition"]) - 1)
        )
        notes = re.sub(r"^(Estimated|Reported)\s*\.\s*(--\s*)?", "", notes).strip()
        notes = "; ".join(x for x in (qualifier, notes) if x)
        out.append([*series, row["year"], country, quantity, target_unit, flag, estimated,
                    row["edition"], spec["editions"][row["edition"]]["source"], notes])  # fmt: skip
    missing = skip - seen_skip
    if missing:
        raise IngestError(f"not_ingested commodities match no row: {sorted(missing)}")
    return pd.DataFrame(out, columns=SUPPLY_COLUMNS)


# --------------------------------------------------------------------------------------------
# Combining editions
# --------------------------------------------------------------------------------------------


def combine(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Newest edition per series and year; older differing values as revisions."""
    allrows = pd.concat(frames, ignore_index=True)
    allrows["_ed"] = allrows["edition"].map(edition_number)
    dup = allrows.duplicated([*KEY, "edition"], keep=False)
    if dup.any():
        shown = allrows.loc[dup, [*KEY, "edition"]].drop_duplicates().head(5).to_dict("records")
        raise IngestError(
            f"duplicate production keys within one edition after corrections: {shown}"
        )
    newest = allrows.groupby([*SERIES, "year"])["_ed"].transform("max")
    kept = allrows[allrows["_ed"] == newest]
    older = allrows[allrows["_ed"] < newest]
    merged = older.merge(
        kept[[*KEY, "edition", "quantity", "flag"]], on=KEY, how="left", suffixes=("", "_new")
    )
    same_q = (merged["quantity"] == merged["quantity_new"]) | (
        merged["quantity"].isna() & merged["quantity_new"].isna()
    )
    same_f = merged["flag"].fillna("") == merged["flag_new"].fillna("")
    present = merged["edition_new"].notna()
    changed = merged[~(present & same_q & same_f)].copy()
    newer_of_group = kept.groupby([*SERIES, "year"])["edition"].first()
    idx = pd.MultiIndex.from_frame(changed[[*SERIES, "year"]])
    changed["revised_in"] = np.where(
        changed["edition_new"].notna(),
        changed["edition_new"],
        newer_of_group.reindex(idx).to_numpy(),
    )
    changed["change"] = np.where(
        changed["edition_new"].isna(), "not listed separately in the newer edition", "revised"
    )
    rev = pd.DataFrame(
        {
            **{c: changed[c] for c in [*KEY, "unit", "edition", "quantity", "flag"]},
            "revised_in": changed["revised_in"],
            "revised_quantity": changed["quantity_new"],
            "revised_flag": changed["flag_new"],
            "change": changed["change"],
        }
    )
    order = ["mineral", "stage", "measure", "basis", "year", "country"]
    kept = kept.drop(columns="_ed").sort_values(order, kind="stable")
    rev = rev.sort_values([*order, "edition"], kind="stable")
    return kept[SUPPLY_COLUMNS], rev[REVISION_COLUMNS]


def check_unit_consistency(frames: list[pd.DataFrame], tolerance: float) -> None:
    """Two editions' values for the same key should not differ by a unit's factor.

    For each series, year and pair of editions, the median ratio of the newer value to the older
    one over the countries both list must lie within ``1/tolerance .. tolerance``; a thousandfold
    median means a unit slip in a column name, which must be listed as a correction.
    """
    allrows = pd.concat(frames, ignore_index=True)
    allrows = allrows[allrows["quantity"].gt(0) & ~allrows["country"].isin(["WLD", "OTHER"])]
    pairs = allrows.merge(allrows, on=KEY, suffixes=("_a", "_b"))
    pairs = pairs[pairs["edition_a"].map(edition_number) > pairs["edition_b"].map(edition_number)]
    if pairs.empty:
        return
    ratio = (pairs["quantity_a"] / pairs["quantity_b"]).rename("ratio")
    med = pd.concat([pairs[[*SERIES, "year", "edition_a", "edition_b"]], ratio], axis=1)
    med = med.groupby([*SERIES, "year", "edition_a", "edition_b"])["ratio"].median().reset_index()
    bad = med[(med["ratio"] > tolerance) | (med["ratio"] < 1 / tolerance)]
    if len(bad):
        shown = bad.head(5).to_dict("records")
        raise IngestError(f"editions disagree by a unit's factor (list a unit correction): {shown}")


# --------------------------------------------------------------------------------------------
# The whole ingest
# --------------------------------------------------------------------------------------------


def build_supply(reference: Path, data_dir: Path) -> Supply:
    """Production and revisions tables from the five editions under ``reference``."""
    reference, data_dir = Path(reference), Path(data_dir)
    all_corr = load_corrections(data_dir)
    spec = all_corr["usgs_editions"]
    editions = spec["editions"]
    minerals_csv = pd.read_csv(data_dir / "minerals.csv", dtype=str, keep_default_na=False)
    by_commodity = {
        clean_text(c).lower(): m
        for c, m in zip(minerals_csv["usgs_commodity"], minerals_csv["mineral_id"], strict=True)
        if c
    }
    w25 = all_corr["usgs_world_data"]
    resolver = CountryResolver(
        {**w25["country_aliases"], **spec.get("country_aliases", {})}, w25["aggregates"]
    )
    canonical, log = mcs2025_frame(reference / editions["MCS 2025"]["path"], data_dir)
    canonical = canonical.assign(edition="MCS 2025", source=editions["MCS 2025"]["source"])
    _check_dois(reference, editions, spec.get("doi_slips", []))
    rules = SeriesRules(spec["series"], canonical)
    frames = [canonical[SUPPLY_COLUMNS]]
    for name in ("MCS 2022", "MCS 2023", "MCS 2024"):
        long = read_world_files(reference / editions[name]["path"], name, spec["world_files"])
        fixed, applied = apply_corrections(
            long, [r for r in spec["world_files"]["rows"] if r["edition"] == name], where=name
        )
        log += applied
        frames.append(harmonise(fixed, spec, rules, by_commodity, resolver))
    long26, applied = read_mcs2026(reference / editions["MCS 2026"]["path"], spec["mcs2026"])
    log += applied
    fixed, applied = apply_corrections(long26, spec["mcs2026"]["rows"], where="MCS 2026")
    log += applied
    frames.append(harmonise(fixed, spec, rules, by_commodity, resolver))
    unused = rules.unused()
    if unused:
        raise IngestError(f"series rule(s) match no release row: {unused[:3]}")
    check_unit_consistency(frames, float(spec["unit_check_tolerance"]))
    kept, rev = combine(frames)
    return Supply(
        csv_text(SUPPLY_COLUMNS, kept.itertuples(index=False)),
        csv_text(REVISION_COLUMNS, rev.itertuples(index=False)),
        log,
    )


def _check_dois(reference: Path, editions: dict[str, Any], slips: list[dict[str, Any]]) -> None:
    """The listed metadata DOI slips must be there (else the listing is stale)."""
    for slip in slips:
        folder = reference / editions[slip["edition"]]["path"]
        cited = "\n".join(p.read_text("utf-8", errors="replace") for p in folder.glob("*_meta.xml"))
        if slip["metadata_cites"] not in cited:
            raise IngestError(
                f"{folder}: doi slip listed for {slip['edition']} ({slip['metadata_cites']}) "
                "is not in its metadata"
            )
        if slip["metadata_cites"] in editions[slip["edition"]]["source"]:
            raise IngestError(f"{slip['edition']}: source still cites the slipped DOI")


def ingest_supply(reference: Path, data_dir: Path) -> tuple[list[Path], list[Applied]]:
    """Write production.csv and production_revisions.csv; return their paths and the log."""
    supply = build_supply(reference, data_dir)
    data_dir = Path(data_dir)
    write_atomic(data_dir / "production.csv", supply.production)
    write_atomic(data_dir / "production_revisions.csv", supply.revisions)
    return [data_dir / "production.csv", data_dir / "production_revisions.csv"], supply.log


def as_rows(text: str) -> list[dict[str, str]]:
    """CSV text as a list of dicts (tests and checks)."""
    return list(csv.DictReader(io.StringIO(text)))

"""Read and check a Parquet resource of the data package (the BACI trade table).

The CSV tables are read as text and checked cell by cell; a table of a million rows is checked
by column instead, so that it adds a fraction of a second to the app's cold start:

* the file exists, is under the size limit and is Parquet;
* its columns are the descriptor's fields, in order, with matching types (``integer``: an Arrow
  integer, ``number``: a float, ``string``: a string or a dictionary of strings);
* ``required`` fields and primary-key fields have no missing value; ``minimum``/``maximum`` hold;
* the primary key is unique (checked on one integer per row built from the category codes);
* foreign keys resolve: only the distinct values of a dictionary column are looked up.

A problem names the file, the 1-based row number (``line``) and the column. Nothing here writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.package import MAX_TABLE_BYTES, Problem


def _type_ok(ftype: str, arrow: pa.DataType) -> bool:
    if pa.types.is_dictionary(arrow):
        arrow = arrow.value_type
    if ftype == "integer":
        return pa.types.is_integer(arrow)
    if ftype == "number":
        return pa.types.is_floating(arrow) or pa.types.is_integer(arrow)
    if ftype == "string":
        return pa.types.is_string(arrow) or pa.types.is_large_string(arrow)
    return False


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0]) + 1


def read_parquet_resource(
    path: Path,
    resource: dict[str, Any],
    lookups: dict[str, set[str]],
    display: str,
    files: dict[str, str] | None = None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Return the typed frame (strings as categories) and the problems found.

    The frame is ``None`` when the file cannot be used at all (missing, too large, not Parquet,
    wrong columns or types).
    """
    if not path.exists():
        return None, [Problem(display, 0, "", "file is missing")]
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        return None, [
            Problem(
                display,
                0,
                "",
                f"file is {size / 1e6:.0f} MB, over the {MAX_TABLE_BYTES // 2**20} MiB limit "
                "for a table; not read",
            )
        ]
    schema = resource["schema"]
    specs = schema["fields"]
    names = [f["name"] for f in specs]
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        return None, [Problem(display, 0, "", f"not a readable Parquet file: {exc}")]
    if table.column_names != names:
        return None, [
            Problem(
                display,
                0,
                "",
                f"columns are {', '.join(table.column_names)}; expected {', '.join(names)}",
            )
        ]
    problems: list[Problem] = []
    for spec in specs:
        arrow = table.schema.field(spec["name"]).type
        if not _type_ok(spec.get("type", "string"), arrow):
            problems.append(
                Problem(display, 0, spec["name"], f"has type {arrow}, expected {spec.get('type')}")
            )
    if problems:
        return None, problems
    frame = table.to_pandas()
    primary = schema.get("primaryKey", [])
    for spec in specs:
        name = spec["name"]
        col = frame[name]
        cons = spec.get("constraints", {}) or {}
        missing = col.isna().to_numpy()
        if (cons.get("required") or name in primary) and missing.any():
            problems.append(Problem(display, _first(missing), name, "missing required value"))
        if spec.get("type") in {"integer", "number"}:
            values = col.to_numpy(dtype="float64", na_value=np.nan)
            for bound, word in (("minimum", "below the minimum"), ("maximum", "above the maximum")):
                if bound in cons:
                    limit = float(cons[bound])
                    bad = values < limit if bound == "minimum" else values > limit
                    if bad.any():
                        row = _first(bad)
                        problems.append(
                            Problem(
                                display, row, name, f"'{values[row - 1]:g}' is {word} {cons[bound]}"
                            )
                        )
        if "enum" in cons or "pattern" in cons:
            distinct = pd.Series(pd.unique(col.dropna().astype(str)), dtype=object)
            if "enum" in cons:
                bad_values = distinct[~distinct.isin([str(a) for a in cons["enum"]])]
            else:
                bad_values = distinct[~distinct.str.fullmatch(cons["pattern"])]
            for value in bad_values[:5]:
                row = _first((col.astype(object) == value).to_numpy())
                rule = "not allowed" if "enum" in cons else f"does not match {cons['pattern']}"
                problems.append(Problem(display, row, name, f"'{value}' is {rule}"))
    for fk in schema.get("foreignKeys", []):
        (col_name,) = fk["fields"]
        ref = fk["reference"]
        (ref_field,) = ref["fields"]
        allowed = lookups.get(f"{ref['resource']}.{ref_field}", set())
        col = frame[col_name]
        distinct = (
            col.cat.categories if isinstance(col.dtype, pd.CategoricalDtype) else col.unique()
        )
        bad = [v for v in distinct if pd.notna(v) and str(v) not in allowed]
        target = (files or {}).get(ref["resource"], ref["resource"])
        for value in bad[:5]:
            row = _first((col.astype(object) == value).to_numpy())
            problems.append(
                Problem(display, row, col_name, f"'{value}' is not a {ref_field} in {target}")
            )
    if primary and not problems:
        problems += _duplicate_keys(frame, primary, display)
    return frame, problems


def _duplicate_keys(frame: pd.DataFrame, primary: list[str], display: str) -> list[Problem]:
    """Duplicate primary keys, found on one int64 per row (mixed-radix of the column codes)."""
    key = np.zeros(len(frame), dtype=np.int64)
    for name in primary:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes, radix = col.cat.codes.to_numpy(dtype=np.int64), len(col.cat.categories) + 1
        else:
            codes, uniques = pd.factorize(col)
            codes, radix = codes.astype(np.int64), len(uniques) + 1
        key = key * radix + codes
    dup = pd.Series(key).duplicated().to_numpy()
    if not dup.any():
        return []
    row = _first(dup)
    shown = "/".join(str(frame[n].iloc[row - 1]) for n in primary)
    first = _first(key == key[row - 1])
    return [
        Problem(
            display, row, ",".join(primary), f"duplicate value '{shown}' (first on row {first})"
        )
    ]

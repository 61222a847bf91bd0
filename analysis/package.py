"""Read and validate the data package described by ``data/datapackage.yaml``.

The descriptor is the contract: every table is read as text, checked against the Table Schema
fields of its resource with pandera (one schema built from the descriptor, never hand-written
``if``s per column), and only then converted to typed columns. Problems are reported as
``path:line: column: message`` where ``line`` is the physical line of the CSV record.

Nothing here writes to disk.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pandera.pandas as pa
import yaml

from analysis.text import HIDDEN, MARKUP_TRIGGERS, hidden_problem, markup_problem

DATA_DIR = Path(
    os.environ.get("MINERALS_DATA_DIR") or Path(__file__).resolve().parent.parent / "data"
)
DESCRIPTOR = "datapackage.yaml"
MAX_TABLE_BYTES = 50 * 1024 * 1024
DATA_DIR_ENV = "MINERALS_DATA_DIR"


def data_dir() -> Path:
    """The data folder the app reads: ``$MINERALS_DATA_DIR`` when set, else the repository's data/."""
    return Path(
        os.environ.get(DATA_DIR_ENV) or DATA_DIR
    )  # a curated table this large is a mistake, not data


HIDDEN_CHARS = "[" + "".join(HIDDEN) + "]"
# libyaml's safe loader when PyYAML was built with it (5x faster on the descriptor), else Python's.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one cell, row, header or file."""

    path: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return (
            f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class DataPackageError(Exception):
    """Raised by :func:`load_package` when the data does not satisfy its descriptor."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        head = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the data package:\n{head}{more}")


@dataclass
class RawTable:
    """A CSV table read as text: empty cells are missing values, ``lines`` maps rows to lines."""

    name: str
    path: str
    frame: pd.DataFrame
    lines: pd.Series
    problems: list[Problem] = field(default_factory=list)
    typed: bool = False  # a columnar (Parquet) table, already typed when read


def read_descriptor(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """Return the parsed ``datapackage.yaml`` of ``data_dir``."""
    with open(Path(data_dir) / DESCRIPTOR, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_YAML_LOADER)


def resources(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Map resource name to resource descriptor."""
    return {r["name"]: r for r in descriptor["resources"]}


def _display(path: Path, data_dir: Path) -> str:
    """Path as users typed it: relative to the working directory when possible."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def display_dir(folder: Path | None = None) -> str:
    """The data folder as a reader should see it named (``$MINERALS_DATA_DIR`` when set)."""
    shown = _display(Path(folder or data_dir()), Path("."))
    return shown if shown not in (".", "") else str(Path.cwd())


# --------------------------------------------------------------------------- reading text


def read_file(path: Path, display: str) -> tuple[bytes | None, Problem | None]:
    """The bytes of ``path``, or the one problem that stops it being read (never raises)."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, Problem(
                display, 0, "", "is a symbolic link that loops; point it at a file"
            )
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None, Problem(display, 0, "", "file is missing")
        return None, Problem(display, 0, "", f"cannot be read: {exc.strerror or exc}")
    if stat.S_ISDIR(info.st_mode):
        return None, Problem(display, 0, "", "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        return None, Problem(display, 0, "", "is not a regular file (a device, pipe or socket)")
    if info.st_size > MAX_TABLE_BYTES:
        limit = MAX_TABLE_BYTES // 2**20
        return None, Problem(
            display,
            0,
            "",
            f"file is {info.st_size / 1e6:.0f} MB, over the {limit} MiB limit for a table; not read",
        )
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, Problem(display, 0, "", f"cannot be read: {exc.strerror or exc}")


def decode_utf8(raw: bytes, display: str) -> tuple[str | None, Problem | None]:
    """``raw`` as UTF-8 text (a leading BOM dropped), or the problem: where, and what it looks like."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(display, 1, "", "is UTF-16 encoded; save the file as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        if exc.reason == "unexpected end of data":
            what = "file ends in the middle of a character (truncated?)"
        else:
            what = (
                f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at character {col}; "
                "save the file as UTF-8"
            )
        return None, Problem(display, line, "", what)
    return text.removeprefix("\ufeff"), None


def read_csv_text(path: Path, fields: list[str], display: str, name: str = "") -> RawTable:
    """Read ``path`` as UTF-8 CSV with the header ``fields``; never raises on bad content."""
    empty = RawTable(name, display, pd.DataFrame(columns=fields, dtype="object"), pd.Series([]))
    raw, problem = read_file(path, display)
    if problem is None and raw is not None and not raw.strip():
        problem = Problem(display, 1, "", "file is empty (expected a header row)")
    if problem is None and raw is not None:
        text, problem = decode_utf8(raw, display)
    if problem is not None or raw is None or text is None:
        empty.problems.append(problem or Problem(display, 0, "", "cannot be read"))
        return empty
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        empty.problems.append(Problem(display, line, "", "contains a NUL byte"))
        return empty

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        empty.problems.append(Problem(display, 1, "", f"unreadable header: {exc}"))
        return empty
    header = [h.strip() for h in header]
    missing = [f for f in fields if f not in header]
    extra = [h for h in header if h not in fields]
    for f in missing:
        problems.append(Problem(display, 1, f, "missing column in header"))
    for h in extra:
        problems.append(Problem(display, 1, h or "(blank)", "unexpected column in header"))
    if not missing and not extra and header != fields:
        problems.append(
            Problem(display, 1, "", f"columns out of order: expected {', '.join(fields)}")
        )
    if len(set(header)) != len(header):
        problems.append(Problem(display, 1, "", "duplicate column names in header"))
    if problems:
        empty.problems.extend(problems)
        return empty

    rows: list[list[str]] = []
    starts: list[int] = []
    width = len(fields)
    previous_end = 1
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record:
                continue
            if len(record) != width:
                problems.append(
                    Problem(
                        display, start, "", f"row has {len(record)} cells, the header has {width}"
                    )
                )
                continue
            rows.append(record)
            starts.append(start)
    except csv.Error as exc:
        what = (
            "file ends inside a quoted cell (truncated?)"
            if "unexpected end of data" in str(exc)
            else f"malformed CSV: {exc}"
        )
        problems.append(Problem(display, previous_end + 1, "", what))
    frame = pd.DataFrame(rows, columns=fields, dtype="object")
    frame = frame.where(frame != "", None)
    return RawTable(name, display, frame, pd.Series(starts, dtype="int64"), problems)


# --------------------------------------------------------------------------- schema


Message = Callable[[Any, pd.Series], str]


@dataclass
class _Rule:
    check: pa.Check
    message: Message


def _items(series: pd.Series, delimiter: str) -> pd.Series:
    """Explode a delimited text column into one item per row, keeping the row index."""
    return series.dropna().astype(str).str.split(delimiter).explode().str.strip()


def _list_check(
    series: pd.Series, delimiter: str | None, ok: Callable[[pd.Series], pd.Series]
) -> pd.Series:
    """Vectorised check of every item of a (possibly delimited) column."""
    if delimiter is None:
        return ok(series.astype(str))
    items = _items(series, delimiter)
    good = ok(items).groupby(level=0).all()
    return good.reindex(series.index, fill_value=True)


def _bad_items(value: Any, delimiter: str | None, ok: Callable[[pd.Series], pd.Series]) -> str:
    parts = [str(value)] if delimiter is None else [p.strip() for p in str(value).split(delimiter)]
    bad = [
        p for p, good in zip(parts, ok(pd.Series(parts, dtype="object")), strict=True) if not good
    ]
    return ", ".join(f"'{b}'" for b in bad) or f"'{value}'"


def _valid_date(s: pd.Series) -> pd.Series:
    shaped = s.astype(str).str.match(_DATE.pattern)
    parsed = pd.to_datetime(s.where(shaped), format="%Y-%m-%d", errors="coerce")
    return shaped & parsed.notna()


def _valid_number(s: pd.Series) -> pd.Series:
    values = pd.to_numeric(s, errors="coerce").astype(float)
    return values.notna() & values.abs().lt(float("inf"))


def _valid_integer(s: pd.Series) -> pd.Series:
    return s.astype(str).str.fullmatch(r"[+-]?\d+")


def _plain_text(s: pd.Series) -> pd.Series:
    """True where a value has no markup; only values with a character markup needs are parsed."""
    text = s.astype(str)
    ok = pd.Series(True, index=text.index)
    suspect = text.str.contains(MARKUP_TRIGGERS, regex=True).fillna(True).astype(bool)
    ok[suspect] = text[suspect].map(markup_problem).isna()
    return ok


def _field_rules(spec: dict[str, Any], lookups: dict[str, set[str]]) -> list[_Rule]:
    """The pandera checks for one Table Schema field, each with its message."""
    rules: list[_Rule] = []
    name = spec["name"]
    ftype = spec.get("type", "string")
    cons = spec.get("constraints", {}) or {}
    delim = spec.get("delimiter") if ftype == "list" else None

    def add(kind: str, ok: Callable[[pd.Series], pd.Series], message: Message) -> None:
        check = pa.Check(
            lambda s, ok=ok: _list_check(s, delim, ok), name=f"{name}:{kind}", ignore_na=True
        )
        rules.append(_Rule(check, message))

    if ftype == "date":
        add("date", _valid_date, lambda v, _r: f"'{v}' is not a valid date (YYYY-MM-DD)")
    elif ftype == "number":
        add("number", _valid_number, lambda v, _r: f"'{v}' is not a number")
    elif ftype == "integer":
        add("integer", _valid_integer, lambda v, _r: f"'{v}' is not a whole number")
    elif ftype == "boolean":
        add(
            "boolean",
            lambda s: s.astype(str).str.lower().isin(_TRUE | _FALSE),
            lambda v, _r: f"'{v}' is not true or false",
        )
    if spec.get("format") == "uri":
        add(
            "uri",
            lambda s: s.astype(str).str.match(r"^https?://[^\s/$.?#][^\s]*$", case=False),
            lambda v, _r: f"'{v}' is not an http(s) URL",
        )
    item_pattern = cons.get("pattern", spec.get("x-itemPattern"))  # x-: each item of a list
    if item_pattern is not None:
        pattern = str(item_pattern)

        def matches(s: pd.Series) -> pd.Series:
            return s.astype(str).str.fullmatch(pattern).fillna(False)

        add(
            "pattern",
            matches,
            lambda v, _r: f"{_bad_items(v, delim, matches)} does not match {pattern}",
        )
    if "enum" in cons:
        allowed = [str(a) for a in cons["enum"]]
        add(
            "enum",
            lambda s: s.astype(str).isin(allowed),
            lambda v, _r: f"'{v}' is not one of: {', '.join(allowed)}",
        )
    if "maxLength" in cons:
        n = int(cons["maxLength"])
        add(
            "maxLength",
            lambda s: s.astype(str).str.len() <= n,
            lambda v, _r: f"is {len(str(v))} characters long, more than {n}",
        )
    if spec.get("x-plainText") or cons.get("x-plainText"):
        add(
            "plainText",
            _plain_text,
            lambda v, _r: f"contains {markup_problem(str(v))}; plain text only",
        )
    add(
        "hidden",
        lambda s: ~s.astype(str).str.contains(HIDDEN_CHARS, regex=True),
        lambda v, _r: f"contains a hidden character, {hidden_problem(str(v))}; remove it",
    )
    for bound, op, word in (
        ("minimum", "ge", "below the minimum"),
        ("maximum", "le", "above the maximum"),
    ):
        if bound not in cons:
            continue
        add(bound, _bound_check(ftype, op, cons[bound]), _bound_message(word, cons[bound]))
    ref = spec.get("x-reference")
    # A table that could not be read is reported on its own, not at every use of its codes.
    if ref and all(res in lookups for res in ref["resources"]):
        allowed_set: set[str] = set(ref.get("extra", []))
        for res in ref["resources"]:
            allowed_set |= lookups[res]
        msg = str(ref.get("message", "is not a known code"))

        def known(s: pd.Series) -> pd.Series:
            return s.astype(str).isin(allowed_set)

        add("reference", known, lambda v, _r: f"{_bad_items(v, delim, known)} {msg}")
    return rules


def _bound_check(ftype: str, op: str, limit: Any) -> Callable[[pd.Series], pd.Series]:
    """Values at or inside ``limit`` (``op`` is ``ge`` or ``le``); what does not parse passes here."""

    def ok(s: pd.Series) -> pd.Series:
        if ftype == "date":
            values = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
            return values.isna() | getattr(values, op)(pd.Timestamp(limit))
        numbers = pd.to_numeric(s, errors="coerce")
        return numbers.isna() | getattr(numbers, op)(float(limit))

    return ok


def _bound_message(word: str, limit: Any) -> Message:
    return lambda v, _r: f"'{v}' is {word} {limit}"


def _foreign_key_rules(
    schema: dict[str, Any],
    specs: dict[str, dict[str, Any]],
    lookups: dict[str, set[str]],
    files: dict[str, str],
) -> dict[str, list[_Rule]]:
    out: dict[str, list[_Rule]] = {}
    # Table Schema foreign keys are on whole values; x-foreignKeys (same shape) on each list item.
    for fk in [*schema.get("foreignKeys", []), *schema.get("x-foreignKeys", [])]:
        (col,) = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        (ref_field,) = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if f"{ref['resource']}.{ref_field}" not in lookups:
            continue  # the referenced table could not be read; that is its own problem
        allowed = lookups[f"{ref['resource']}.{ref_field}"]
        spec = specs[col]
        delim = spec.get("delimiter") if spec.get("type") == "list" else None
        ok = lambda s, a=allowed: s.astype(str).isin(a)
        target = files.get(ref["resource"], ref["resource"])

        def message(
            v: Any, _r: pd.Series, ok=ok, ref_field=ref_field, target=target, delim=delim
        ) -> str:
            return f"{_bad_items(v, delim, ok)} is not a {ref_field} in {target}"

        check = pa.Check(
            lambda s, ok=ok, delim=delim: _list_check(s, delim, ok),
            name=f"{col}:fk:{ref['resource']}",
            ignore_na=True,
        )
        out.setdefault(col, []).append(_Rule(check, message))
    return out


def _order_rules(specs: dict[str, dict[str, Any]]) -> list[tuple[str, _Rule]]:
    """Row-level rules: a date field that must not precede another (``x-after``)."""
    rules: list[tuple[str, _Rule]] = []
    for name, spec in specs.items():
        after = spec.get("x-after")
        if not after:
            continue
        earlier = [after] if isinstance(after, str) else list(after)

        def ok(df: pd.DataFrame, name=name, earlier=earlier) -> pd.Series:
            this = pd.to_datetime(df[name], format="%Y-%m-%d", errors="coerce")
            good = pd.Series(True, index=df.index)
            for other in earlier:
                that = pd.to_datetime(df[other], format="%Y-%m-%d", errors="coerce")
                good &= this.isna() | that.isna() | (this >= that)
            return good

        def message(_v: Any, row: pd.Series, name=name, earlier=earlier) -> str:
            this = pd.to_datetime(row[name], format="%Y-%m-%d", errors="coerce")
            for other in earlier:
                that = pd.to_datetime(row[other], format="%Y-%m-%d", errors="coerce")
                if pd.notna(this) and pd.notna(that) and this < that:
                    return f"'{row[name]}' is earlier than {other} '{row[other]}'"
            return "dates out of order"

        rules.append((name, _Rule(pa.Check(ok, name=f"{name}:after"), message)))
    return rules


def validate_table(
    table: RawTable,
    resource: dict[str, Any],
    lookups: dict[str, set[str]],
    files: dict[str, str],
) -> list[Problem]:
    """Check one table read as text against its resource schema; return its problems."""
    schema = resource["schema"]
    specs = {f["name"]: f for f in schema["fields"]}
    rules: dict[str, _Rule] = {}
    columns: dict[str, pa.Column] = {}
    fk_rules = _foreign_key_rules(schema, specs, lookups, files)
    primary = schema.get("primaryKey", [])
    for name, spec in specs.items():
        cons = spec.get("constraints", {}) or {}
        col_rules = _field_rules(spec, lookups) + fk_rules.get(name, [])
        for r in col_rules:
            rules[str(r.check.name)] = r
        required = bool(cons.get("required")) or name in primary
        columns[name] = pa.Column(
            object, checks=[r.check for r in col_rules], nullable=not required, coerce=False
        )
    frame_checks = []
    for col, rule in _order_rules(specs):
        rules[str(rule.check.name)] = rule
        frame_checks.append((col, rule.check))
    schema_obj = pa.DataFrameSchema(
        columns, checks=[c for _, c in frame_checks], strict=False, coerce=False
    )
    order_cols = {str(rule_check.name): col for col, rule_check in frame_checks}
    frame = table.frame
    problems: list[Problem] = []
    if frame.empty:
        return problems
    try:
        schema_obj.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            idx = case.index
            if idx is None or (isinstance(idx, float) and pd.isna(idx)):
                continue
            idx = int(idx)
            line = int(table.lines.iloc[idx])
            check = str(case.check)
            row = frame.iloc[idx]  # the frame has a RangeIndex: position and label agree
            value = case.failure_case
            if check == "not_nullable":
                problems.append(Problem(table.path, line, case.column, "missing required value"))
            elif check in rules:
                column = order_cols.get(check, case.column)
                problems.append(
                    Problem(
                        table.path, line, column, rules[check].message(row.get(column, value), row)
                    )
                )
    problems.extend(_unique_problems(table, primary, specs))
    return problems


def _unique_problems(
    table: RawTable, primary: list[str], specs: dict[str, dict[str, Any]]
) -> list[Problem]:
    """Duplicate primary keys and duplicate values in ``unique`` fields, naming the first line."""
    out: list[Problem] = []
    frame = table.frame
    keys = [primary] if primary else []
    keys += [
        [n]
        for n, s in specs.items()
        if (s.get("constraints") or {}).get("unique") and [n] != primary
    ]
    for key in keys:
        sub = frame[key]
        dup = sub.duplicated(keep=False) & sub.notna().all(axis=1)
        if not dup.any():
            continue
        first_line: dict[tuple, int] = {}
        for idx in sub.index[dup]:
            k = tuple(sub.loc[idx])
            line = int(table.lines.iloc[idx])
            if k not in first_line:
                first_line[k] = line
                continue
            shown = "/".join(str(v) for v in k)
            out.append(
                Problem(
                    table.path,
                    line,
                    ",".join(key),
                    f"duplicate value '{shown}' (first on line {first_line[k]})",
                )
            )
    return out


# --------------------------------------------------------------------------- package


def _read_tables(descriptor: dict[str, Any], data_dir: Path) -> dict[str, RawTable]:
    tables: dict[str, RawTable] = {}
    for res in descriptor["resources"]:
        if res.get("format", "csv") != "csv":
            continue
        path = data_dir / res["path"]
        fields = [f["name"] for f in res["schema"]["fields"]]
        tables[res["name"]] = read_csv_text(path, fields, _display(path, data_dir), res["name"])
    return tables


class _Lookups(dict[str, set[str]]):
    """Key sets for references, each built the first time it is asked for: most fields are never
    referenced, and a set of every notes or summary column cost a fifth of a validation."""

    def __init__(self, columns: dict[str, pd.Series]) -> None:
        super().__init__()
        self._columns = columns

    def __contains__(self, key: object) -> bool:
        return key in self._columns

    def __getitem__(self, key: str) -> set[str]:
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, set(self._columns[key].dropna().astype(str)))
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401 (this is get itself)


def _lookups(descriptor: dict[str, Any], tables: dict[str, RawTable]) -> dict[str, set[str]]:
    """Key sets for references: ``resource`` (its primary key) and ``resource.field``."""
    columns: dict[str, pd.Series] = {}
    for res in descriptor["resources"]:
        table = tables.get(res["name"])
        if table is None or (table.frame.empty and table.problems):
            continue
        for f in res["schema"]["fields"]:
            col = table.frame.get(f["name"])
            if col is not None:
                columns[f"{res['name']}.{f['name']}"] = col
        pk = res["schema"].get("primaryKey", [])
        if len(pk) == 1:
            key = f"{res['name']}.{pk[0]}"
            columns[res["name"]] = columns.get(key, pd.Series(dtype="object"))
    return _Lookups(columns)


def _geojson_problems(path: Path, display: str, countries: set[str] | None) -> list[Problem]:
    raw, problem = read_file(path, display)
    if problem is not None or raw is None:
        return [problem or Problem(display, 0, "", "cannot be read")]
    text, problem = decode_utf8(raw, display)
    if problem is not None or text is None:
        return [problem or Problem(display, 0, "", "cannot be read")]
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [
            Problem(
                display, exc.lineno, "", f"not valid GeoJSON: {exc.msg} at character {exc.colno}"
            )
        ]
    if not isinstance(doc, dict):
        return [Problem(display, 1, "", "not a GeoJSON FeatureCollection")]
    if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return [Problem(display, 1, "", "not a GeoJSON FeatureCollection")]
    if not all(
        isinstance(f, dict) and isinstance(f.get("properties"), dict) for f in doc["features"]
    ):
        return [Problem(display, 0, "", "a feature without properties")]
    if countries is None:
        return []  # countries.csv could not be read: reported on its own
    bad = sorted({str(f["properties"].get("iso3")) for f in doc["features"]} - countries)
    return [Problem(display, 0, "iso3", f"'{b}' is not an iso3 in countries.csv") for b in bad]


def validate_package(data_dir: Path = DATA_DIR) -> list[Problem]:
    """Every problem in ``data_dir`` against its descriptor, sorted by file and line."""
    return _check(Path(data_dir))[2]


def _descriptor_problems(descriptor: Any, where: str) -> list[Problem]:
    """What makes ``descriptor`` unusable as a data package (before any table is read)."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return [Problem(where, 0, "", "not a data package: no list of resources")]
    out = []
    for i, res in enumerate(descriptor["resources"], 1):
        if not isinstance(res, dict) or not res.get("name") or not res.get("path"):
            out.append(Problem(where, 0, "", f"resource {i} has no name or no path"))
        elif res.get("format", "csv") == "csv" and not isinstance(
            (res.get("schema") or {}).get("fields"), list
        ):
            out.append(Problem(where, 0, "", f"resource {res['name']} has no schema fields"))
    return out


def _check(data_dir: Path) -> tuple[dict[str, Any], dict[str, RawTable], list[Problem]]:
    path = data_dir / DESCRIPTOR
    where = _display(path, data_dir)
    if not data_dir.is_dir():
        folder = _display(data_dir, data_dir)
        what = "is not a folder" if data_dir.exists() else "data folder is missing"
        return {}, {}, [Problem(folder, 0, "", what)]
    raw, problem = read_file(path, where)
    if problem is not None or raw is None:
        if problem is not None and problem.message == "file is missing":
            problem = Problem(where, 0, "", "descriptor is missing")
        return {}, {}, [problem or Problem(where, 0, "", "cannot be read")]
    text, problem = decode_utf8(raw, where)
    if problem is not None or text is None:
        return {}, {}, [problem or Problem(where, 0, "", "cannot be read")]
    try:
        descriptor = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return {}, {}, [Problem(where, line, "", f"descriptor is not valid YAML: {reason}")]
    problems = _descriptor_problems(descriptor, where)
    if problems:
        return {}, {}, problems
    tables = _read_tables(descriptor, data_dir)
    lookups = _lookups(descriptor, tables)
    files = {name: Path(t.path).name for name, t in tables.items()}
    for res in descriptor["resources"]:
        if res.get("format", "csv") == "geojson":
            path = data_dir / res["path"]
            problems += _geojson_problems(path, _display(path, data_dir), lookups.get("countries"))
            continue
        if res.get("format") == "parquet":
            problems += _read_columnar(data_dir, res, lookups, tables, files)
            continue
        table = tables[res["name"]]
        problems += table.problems
        problems += validate_table(table, res, lookups, files)
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.message))
    return descriptor, tables, problems


def _read_columnar(
    data_dir: Path,
    res: dict[str, Any],
    lookups: dict[str, set[str]],
    tables: dict[str, RawTable],
    files: dict[str, str],
) -> list[Problem]:
    """Check a Parquet resource by column (analysis.columnar) and keep its typed frame."""
    from analysis.columnar import read_parquet_resource

    path = data_dir / res["path"]
    display = _display(path, data_dir)
    frame, problems = read_parquet_resource(path, res, lookups, display, files)
    if frame is not None:
        tables[res["name"]] = RawTable(res["name"], display, frame, pd.Series([]), typed=True)
    return problems


def _typed(table: RawTable, resource: dict[str, Any]) -> pd.DataFrame:
    if table.typed:
        return table.frame
    frame = table.frame.copy()
    for spec in resource["schema"]["fields"]:
        name, ftype = spec["name"], spec.get("type", "string")
        col = frame[name]
        if ftype == "date":
            frame[name] = pd.to_datetime(col, format="%Y-%m-%d")
        elif ftype == "number":
            frame[name] = pd.to_numeric(col).astype("Float64")
        elif ftype == "integer":
            frame[name] = pd.to_numeric(col).astype("Int64")
        elif ftype == "boolean":
            frame[name] = col.map(lambda v: None if v is None else str(v).lower() in _TRUE).astype(
                "boolean"
            )
        else:
            frame[name] = col.astype("string")
    return frame


T = TypeVar("T")


@dataclass
class DataPackage:
    """The validated, typed tables of the data package."""

    descriptor: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    data_dir: Path
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """A value computed from the tables, built on first use and kept with the package.

        The tables are never changed after loading, so what is derived from them (an index of
        the events, the latest year's production) stays valid as long as the package lives.
        """
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", "unknown"))

    def resource(self, name: str) -> dict[str, Any]:
        return resources(self.descriptor)[name]

    def path(self, name: str) -> Path:
        return self.data_dir / self.resource(name)["path"]


def load_package(data_dir: Path = DATA_DIR, names: Iterable[str] | None = None) -> DataPackage:
    """Validate ``data_dir`` and return its typed tables; raise :class:`DataPackageError` if invalid."""
    data_dir = Path(data_dir)
    descriptor, raw, problems = _check(data_dir)
    if problems:
        raise DataPackageError(problems)
    wanted = set(names) if names else set(raw)
    tables = {
        res["name"]: _typed(raw[res["name"]], res)
        for res in descriptor["resources"]
        if res["name"] in raw and res["name"] in wanted
    }
    return DataPackage(descriptor, tables, data_dir)

"""Display labels: every header, legend entry, code and source line a reader sees.

They come from ``data/datapackage.yaml``: the ``title`` of each field, the ``x-display`` block
(labels of columns the analysis derives, coded values, source lines) and the vocabulary tables
(countries, blocs, minerals, event types). Pages and briefings ask here; nothing is typed twice.

>>> humanise("net_import_reliance_pct")
'Net import reliance pct'
>>> MISSING
'-'
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from analysis.package import DataPackage

MISSING = "-"
COUNTRY_COLUMNS = frozenset(
    {
        "actor",
        "counterparts",
        "country",
        "importer",
        "source_country",
        "top1_country",
        "iso3",
        "partner",
        "issuer",
    }
)
MINERAL_COLUMNS = frozenset({"mineral", "minerals"})
URL_COLUMNS = frozenset({"source_url", "official_url"})


def humanise(name: str) -> str:
    """Last resort for a column with no title: words, capitalised (a test flags any use)."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT, pd.NA and empty strings.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, "", "x", 0)]
    [True, True, True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
class Labels:
    """Lookups from codes and column names to the words a reader sees."""

    columns: dict[str, str]
    countries: dict[str, str]
    minerals: dict[str, str]
    event_types: dict[str, str]
    categories: dict[str, str]
    stages: dict[str, str]
    statuses: dict[str, str]
    values: dict[str, str]
    sources: dict[str, str]
    version: str

    def column(self, name: str) -> str:
        return self.columns.get(name) or humanise(name)

    def country(self, code: object, with_code: bool = False) -> str:
        if is_missing(code):
            return MISSING
        code = str(code)
        name = self.countries.get(code) or self.values.get(code) or code
        return f"{name} ({code})" if with_code and name != code and len(code) == 3 else name

    def mineral(self, mineral_id: object) -> str:
        if is_missing(mineral_id):
            return MISSING
        return self.minerals.get(str(mineral_id), humanise(str(mineral_id)))

    def event_type(self, code: object) -> str:
        if is_missing(code):
            return MISSING
        return self.event_types.get(str(code), humanise(str(code)))

    def stage(self, stage: object) -> str:
        return MISSING if is_missing(stage) else self.stages.get(str(stage), str(stage))

    def status(self, status: object) -> str:
        return MISSING if is_missing(status) else self.statuses.get(str(status), str(status))

    def countries_list(self, codes: object) -> str:
        """A ``;``-list of country or bloc codes as names."""
        if is_missing(codes):
            return MISSING
        return ", ".join(self.country(c) for c in str(codes).split(";") if c)

    def minerals_list(self, ids: object) -> str:
        if is_missing(ids):
            return MISSING
        return ", ".join(self.mineral(m) for m in str(ids).split(";") if m)

    def source(self, key: str) -> str:
        """The source line for a chart or table, e.g. ``Source: USGS ... Dataset v1.2.``"""
        parts = [self.sources.get(k.strip(), k.strip()) for k in key.split("+")]
        text = "; ".join(p.format(version=self.version) for p in parts)
        return f"Source: {text}. Dataset v{self.version}."

    def mineral_stage(self, mineral_id: object, stage: object) -> str:
        """'Gallium, refinery' (a chart title or legend entry, capitalised)."""
        return f"{self.mineral(mineral_id)}, {self.stage(stage)}"

    def value(self, column: str, value: object) -> object:
        """One cell as a reader sees it (codes as names, missing as '-', dates as YYYY-MM-DD)."""
        if is_missing(value):
            return MISSING
        if column in URL_COLUMNS:
            return value
        if column in ("counterparts", "blocs", "members"):
            return self.countries_list(value)
        if column in COUNTRY_COLUMNS:
            return self.country(value)
        if column == "minerals":
            return self.minerals_list(value)
        if column == "mineral":
            return self.mineral(value)
        if column == "event_type":
            return self.event_type(value)
        if column == "stage":
            return self.stage(value)
        if column == "status":
            return self.status(value)
        if isinstance(value, (pd.Timestamp, dt.date)):
            return f"{value:%Y-%m-%d}"
        if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
            return "yes" if value else "no"
        if isinstance(value, str):
            return self.values.get(value, value) if column in ("binding", "scope") else value
        return value

    def table(self, frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
        """``frame[columns]`` with display headers and display values (see :meth:`value`).

        Numeric columns without gaps stay numbers (so they sort); any other column becomes text.
        """
        columns = list(frame.columns) if columns is None else columns
        out = {}
        for col in columns:
            series = frame[col]
            numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(
                series
            )
            if numeric and not series.isna().any() and col not in COUNTRY_COLUMNS:
                out[self.column(col)] = series.to_numpy()
            else:
                out[self.column(col)] = [  # type: ignore[assignment]
                    _number_text(v) if numeric and not is_missing(v) else self.value(col, v)
                    for v in series
                ]
        return pd.DataFrame(out)


def _number_text(value: object) -> str:
    v = float(value)  # type: ignore[arg-type]
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"


def _titles(descriptor: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for res in descriptor.get("resources", []):
        for f in res.get("schema", {}).get("fields", []):
            if f.get("title"):
                out.setdefault(f["name"], f["title"])
    display = descriptor.get("x-display", {})
    out.update(display.get("derived-fields", {}))
    return out


def labels(pkg: DataPackage) -> Labels:
    """The labels of this package (built once per package)."""

    def build() -> Labels:
        display = pkg.descriptor.get("x-display", {})
        countries = {
            str(k): v for k, v in pkg["countries"].set_index("iso3")["name"].astype(str).items()
        }
        countries.update(
            {str(k): v for k, v in pkg["blocs"].set_index("code")["name"].astype(str).items()}
        )
        values = {str(k): str(v) for k, v in display.get("values", {}).items()}
        types = pkg["event_types"].set_index("event_type")
        return Labels(
            columns=_titles(pkg.descriptor),
            countries=countries,
            minerals={
                str(k): v
                for k, v in pkg["minerals"].set_index("mineral_id")["name"].astype(str).items()
            },
            event_types={str(k): v for k, v in types["label"].astype(str).items()},
            categories={str(k): v for k, v in types["category"].astype(str).items()},
            stages={str(k): str(v) for k, v in display.get("stages", {}).items()},
            statuses={str(k): str(v) for k, v in display.get("statuses", {}).items()},
            values=values,
            sources={str(k): str(v) for k, v in display.get("source-lines", {}).items()},
            version=pkg.version,
        )

    return pkg.derived("labels", build)

"""Ingest countries, country shapes and the EU 2023 criticality results from reference releases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from analysis.ingest.corrections import apply_corrections, clean_text
from analysis.ingest.io import csv_text, load_corrections, verify_release, write_atomic

COUNTRY_COLUMNS = [
    "iso3",
    "name",
    "region",
    "lat",
    "lon",
    "blocs",
    "wgi_mean",
    "wgi_scaled",
    "wgi_dimensions",
]
WGI_DIMENSIONS = ["va", "pv", "ge", "rq", "rl", "cc"]
WGI_LOW, WGI_HIGH = -2.5, 2.5
EU_COLUMNS = [
    "material",
    "mineral",
    "supply_risk",
    "economic_importance",
    "stage_used",
    "supply_risk_extraction",
    "supply_risk_processing",
    "substitution_sr",
    "eol_rir_pct",
    "import_reliance_pct",
    "critical",
]

# Regions follow the World Bank's seven regions as far as a country list can say; every code not
# listed here takes the region of its continent from Natural Earth (see build_countries).
_EXTRA_COUNTRIES = {"XKX": "Kosovo"}


def wgi_scaled(mean: pd.Series) -> pd.Series:
    """Rescale a WGI mean (about -2.5..2.5, higher is better) to 0..10 with 10 the weakest.

    The EU method uses min-max scaling of the WGI to 0..10 and inverts it so that a high value
    means weak governance. Values beyond the nominal range are clipped.

    >>> wgi_scaled(pd.Series([2.5, 0.0, -2.5])).tolist()
    [0.0, 5.0, 10.0]
    """
    scaled = (WGI_HIGH - mean) / (WGI_HIGH - WGI_LOW) * 10
    return scaled.clip(0, 10).round(3)


def build_countries(reference: Path, data_dir: Path) -> str:
    """countries.csv text: pycountry names, 360info centroids, NE regions, WGI 2023, blocs."""
    reference = Path(reference)
    rows = [(c.alpha_3, getattr(c, "common_name", None) or c.name) for c in pycountry.countries]
    rows += list(_EXTRA_COUNTRIES.items())
    frame = pd.DataFrame(rows, columns=["iso3", "name"]).drop_duplicates("iso3")
    display = load_corrections(data_dir)["countries"]["display_names"]
    frame["name"] = (
        frame["iso3"].map({k: v["name"] for k, v in display.items()}).fillna(frame["name"])
    )

    cent = pd.read_csv(
        reference / "country_centroids" / "country_centroids_largestpoly.csv", dtype={"iso3": str}
    )
    cent = cent[cent["iso3"].str.fullmatch(r"[A-Z]{3}")][["iso3", "lat", "lon"]]
    frame = frame.merge(cent, on="iso3", how="left")

    shapes = json.loads(
        (reference / "natural_earth" / "ne_110m_admin_0_countries.geojson").read_text("utf-8")
    )
    regions = {
        ne_iso3(f["properties"]): f["properties"].get("REGION_WB") for f in shapes["features"]
    }
    frame["region"] = frame["iso3"].map(regions)

    wgi = pd.read_csv(reference / "wgi" / "wgi.csv", dtype={"iso3": str})
    wgi = wgi[wgi["year"] == 2023]
    wgi["wgi_dimensions"] = wgi[WGI_DIMENSIONS].notna().sum(axis=1)
    wgi["wgi_mean"] = wgi[WGI_DIMENSIONS].mean(axis=1).round(4)
    wgi["wgi_scaled"] = wgi_scaled(wgi["wgi_mean"])
    frame = frame.merge(
        wgi[["iso3", "wgi_mean", "wgi_scaled", "wgi_dimensions"]], on="iso3", how="left"
    )

    blocs = pd.read_csv(data_dir / "blocs.csv", dtype=str, keep_default_na=False)
    membership: dict[str, list[str]] = {}
    for code, members in zip(blocs["code"], blocs["members"], strict=True):
        for iso in filter(None, members.split(";")):
            membership.setdefault(iso, []).append(code)
    frame["blocs"] = frame["iso3"].map(lambda c: ";".join(sorted(membership.get(c, []))))
    frame["lat"] = frame["lat"].round(4)
    frame["lon"] = frame["lon"].round(4)
    frame["wgi_dimensions"] = frame["wgi_dimensions"].astype("Int64")
    frame = frame.sort_values("iso3")[COUNTRY_COLUMNS]
    return csv_text(
        COUNTRY_COLUMNS, frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    )


def ne_iso3(props: dict[str, Any]) -> str:
    """Natural Earth join key: ISO_A3 unless -99, else ISO_A3_EH, else ADM0_A3 (KOS -> XKX).

    >>> ne_iso3({"ISO_A3": "-99", "ISO_A3_EH": "FRA", "ADM0_A3": "FRA"})
    'FRA'
    >>> ne_iso3({"ISO_A3": "-99", "ISO_A3_EH": "-99", "ADM0_A3": "KOS"})
    'XKX'
    """
    for key in ("ISO_A3", "ISO_A3_EH", "ADM0_A3"):
        value = props.get(key)
        if value and value != "-99":
            return {"KOS": "XKX", "SDS": "SSD", "PSX": "PSE", "SAH": "ESH"}.get(value, value)
    raise KeyError(f"no usable code for {props.get('NAME')}")


def _round_coords(coords: Any, places: int) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), places)
    return [_round_coords(c, places) for c in coords]


def _drop_repeats(ring: list[list[float]]) -> list[list[float]]:
    out = [ring[0]]
    for pt in ring[1:]:
        if pt != out[-1]:
            out.append(pt)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def build_shapes(reference: Path, known: set[str], places: int = 2) -> str:
    """country_shapes.geojson text: iso3 and name only, coordinates rounded to ``places``."""
    doc = json.loads(
        (Path(reference) / "natural_earth" / "ne_110m_admin_0_countries.geojson").read_text("utf-8")
    )
    features: list[dict[str, Any]] = []
    for f in doc["features"]:
        props = f["properties"]
        iso3 = ne_iso3(props)
        if iso3 not in known:
            continue
        geom = f["geometry"]
        coords = _round_coords(geom["coordinates"], places)
        if geom["type"] == "Polygon":
            coords = [_drop_repeats(r) for r in coords]
        else:
            coords = [[_drop_repeats(r) for r in poly] for poly in coords]
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "name": props.get("NAME")},
                "geometry": {"type": geom["type"], "coordinates": coords},
            }
        )
    features.sort(key=lambda f: f["properties"]["iso3"])
    out = {"type": "FeatureCollection", "features": features}
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n"


def build_eu_crm(reference: Path, data_dir: Path) -> str:
    """eu_crm_2023.csv text from the CritMAT transcription, with listed corrections."""
    corr = load_corrections(data_dir)["eu_crm_2023"]
    raw = pd.read_csv(
        Path(reference) / "eu_crm_2023" / "eureport_results.csv", dtype=str, keep_default_na=False
    )
    raw["material_name"] = raw["material_name"].map(lambda v: clean_text(v).strip('"'))
    fixed, _ = apply_corrections(raw, corr["rules"] if "rules" in corr else corr["rows"])
    minerals = pd.read_csv(Path(data_dir) / "minerals.csv", dtype=str, keep_default_na=False)
    by_material = {
        m: i for m, i in zip(minerals["eu_crm_material"], minerals["mineral_id"], strict=True) if m
    }
    shifted = set(corr["sr_in_refined_column"])

    def num(v: str) -> float | None:
        v = clean_text(v).rstrip("%")
        try:
            return float(v)
        except ValueError:
            return None

    out = []
    for r in fixed.to_dict("records"):
        sr_ext = num(r["supply_risk_primary"])
        sr_proc = num(r["supply_risk_refined"])
        if r["material_name"] in shifted and sr_ext is None:
            sr_ext = num(r["eu_used_supply_refined"])
        sr, ei = num(r["supply_risk"]), num(r["economic_importance"])
        if sr is None or ei is None:
            continue
        ir = (
            num(r["import_reliance_refined"])
            if r["eu_used_stage"] == "Processing"
            else num(r["import_reliance_primary"])
        )
        out.append(
            [
                r["material_name"],
                by_material.get(r["material_name"]),
                sr,
                ei,
                r["eu_used_stage"] or None,
                sr_ext,
                sr_proc,
                num(r["si_sr"]),
                num(r["end_of_life"]),
                ir,
                sr >= 1.0 and ei >= 2.8,
            ]
        )
    return csv_text(EU_COLUMNS, out)


REFERENCE_FILES = (
    "country_centroids/country_centroids_largestpoly.csv",
    "natural_earth/ne_110m_admin_0_countries.geojson",
    "wgi/wgi.csv",
    "eu_crm_2023/eureport_results.csv",
)


def ingest_reference(reference: Path, data_dir: Path) -> list[Path]:
    """Write countries.csv, country_shapes.geojson and eu_crm_2023.csv; return their paths."""
    data_dir = Path(data_dir)
    for release in REFERENCE_FILES:
        verify_release(Path(reference) / release, data_dir)
    countries = build_countries(reference, data_dir)
    write_atomic(data_dir / "countries.csv", countries)
    known = set(pd.read_csv(data_dir / "countries.csv", dtype=str, keep_default_na=False)["iso3"])
    write_atomic(data_dir / "country_shapes.geojson", build_shapes(reference, known))
    write_atomic(data_dir / "eu_crm_2023.csv", build_eu_crm(reference, data_dir))
    return [
        data_dir / "countries.csv",
        data_dir / "country_shapes.geojson",
        data_dir / "eu_crm_2023.csv",
    ]

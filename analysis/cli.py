"""Command line for analysts and for the ingest: ``python -m analysis COMMAND``.

Commands
  validate [DATA_DIR]                 check every table against data/datapackage.yaml
  ingest-usgs DIR                     build production.csv, production_revisions.csv and
                                      import_reliance.csv from the USGS MCS 2022-2026 releases in DIR
  ingest-usgs-imports DIR             build import_reliance.csv only (MCS 2025 and 2026 Fig. 2)
  ingest-reference DIR                build countries.csv, country_shapes.geojson, eu_crm_2023.csv
  ingest-baci PATH                    build trade.parquet and trade_countries.csv from CEPII BACI
  status --as-of DATE [--by-mineral] [--json|--csv]  every measure with its status on DATE,
      whether it is verified (not inferred from a date scheduled after the review date) and why
  concentration --mineral M --stage S --year Y [--basis B] [--json|--csv]
                                      shares, HHI, top-1 and top-3 (basis: the stage's default
                                      from production_bases.csv unless given; always printed)
  exposure --mineral M --as-of DATE [--basis production|trade] [--production-basis B] [--json|--csv]
                                      share of supply (or of world exports, --basis trade) behind
                                      controls in force (shares of the as-of year, or the nearest
                                      year held)
  dependency --importer ISO3 (--mineral M | --hs CODE) --year YYYY [--as-of DATE] [--json|--csv]
                                      an importer's sources, import HHI and controlled share (BACI)
  scenario --country C --mineral M --cut PCT [--as-of DATE] [--production-basis B] [--json|--csv]
                                      what-if export cut
  brief (--mineral M | --country C | --scenario C,M,PCT) [--as-of DATE] --out FILE.pptx|FILE.pdf

Exit codes: 0 success, 1 invalid data, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.package import DATA_DIR, DataPackage, DataPackageError, load_package, validate_package


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _date(text: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.to_datetime(text, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m analysis", description="Critical minerals risk: data and metrics."
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("validate", help="check every table against data/datapackage.yaml")
    p.add_argument("data_dir", nargs="?", type=Path, default=DATA_DIR)

    p = sub.add_parser(
        "ingest-usgs", help="build production, revisions and import tables from USGS MCS 2022-2026"
    )
    p.add_argument(
        "release",
        type=Path,
        help="folder holding usgs_mcs_2022_2024/, usgs_mcs2025/ and usgs_mcs2026/",
    )
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("ingest-usgs-imports", help="build import_reliance.csv from USGS Fig. 2")
    p.add_argument("release", type=Path, help="the same folder as for ingest-usgs")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("ingest-reference", help="build countries, shapes and EU CRM tables")
    p.add_argument(
        "reference",
        type=Path,
        help="folder holding natural_earth/, wgi/, country_centroids/, eu_crm_2023/",
    )
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("ingest-baci", help="build trade.parquet from CEPII BACI (HS92, SQLite)")
    p.add_argument("release", type=Path, help="baci_minerals.db")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("status", help="every measure with its status on a date")
    p.add_argument("--as-of", type=_date, required=True)
    p.add_argument(
        "--by-mineral", action="store_true", help="one row per (measure, mineral) and HS code"
    )
    _output_flags(p)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("concentration", help="country shares, HHI, top-1 and top-3 for one mineral")
    p.add_argument("--mineral", required=True)
    p.add_argument("--stage", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--basis", help="basis for a stage with several (default: production_bases.csv)")
    _output_flags(p)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("exposure", help="share of world supply behind export controls in force")
    p.add_argument("--mineral", required=True)
    p.add_argument("--as-of", type=_date, required=True)
    p.add_argument(
        "--production-basis",
        help="basis for a stage with several (default: production_bases.csv); 'STAGE=BASIS'",
    )
    p.add_argument(
        "--basis",
        choices=["production", "trade"],
        default="production",
        help="production: USGS output shares; trade: BACI export shares of the year",
    )
    _output_flags(p)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("dependency", help="an importer's sources, HHI and controlled share (BACI)")
    p.add_argument("--importer", required=True, help="ISO alpha-3 code of the importer")
    product = p.add_mutually_exclusive_group(required=True)
    product.add_argument("--mineral", help="mineral id: every HS code of the mineral")
    product.add_argument("--hs", help="one HS 1992 six-digit code from data/hs_codes.csv")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--as-of", type=_date, help="date of the export controls counted")
    _output_flags(p)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("scenario", help="what if a country cuts exports of a mineral")
    p.add_argument("--country", required=True)
    p.add_argument("--mineral", required=True)
    p.add_argument("--cut", type=float, required=True, help="percentage cut, 0..100")
    p.add_argument("--as-of", type=_date, default=pd.Timestamp.today().normalize())
    p.add_argument(
        "--production-basis",
        help="basis for a stage with several (default: production_bases.csv); 'STAGE=BASIS'",
    )
    _output_flags(p)
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)

    p = sub.add_parser("brief", help="write a sourced briefing (PowerPoint or PDF)")
    topic = p.add_mutually_exclusive_group(required=True)
    topic.add_argument("--mineral")
    topic.add_argument("--country")
    topic.add_argument("--scenario", help="COUNTRY,MINERAL,CUT_PCT, e.g. CHN,gallium,50")
    p.add_argument("--as-of", type=_date, default=pd.Timestamp.today().normalize())
    p.add_argument("--out", type=Path, required=True, help="a .pptx or .pdf path")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR)
    return parser


class UsageError(Exception):
    """A value outside the valid choices: printed on one line, exit 2."""


def _choose(kind: str, value: object, valid: list) -> None:
    if value not in valid:
        shown = ", ".join(str(v) for v in sorted(valid, key=str))
        raise UsageError(f"unknown {kind} '{value}'; valid choices: {shown}")


def _output_flags(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print JSON")
    group.add_argument("--csv", action="store_true", help="print CSV")


def _emit(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = (
                frame[col].dt.strftime("%Y-%m-%d").astype(object).where(frame[col].notna(), None)
            )
    if getattr(args, "csv", False):
        sys.stdout.write(frame.to_csv(index=False))
    elif getattr(args, "json", False):
        records = json.loads(frame.to_json(orient="records", date_format="iso"))
        print(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        print(frame.to_string(index=False))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cmd = args.command
    if cmd == "validate":
        problems = validate_package(args.data_dir)
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) found", file=sys.stderr)
            return 1
        print(f"{args.data_dir}: all tables valid")
        return 0
    if cmd in {"ingest-usgs", "ingest-usgs-imports", "ingest-reference"}:
        return _ingest(args)
    if cmd == "ingest-baci":
        return _ingest_baci(args)
    try:
        package = load_package(args.data_dir)
    except DataPackageError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        return _analyse(cmd, package, args)
    except UsageError as exc:
        print(f"python -m analysis {cmd}: error: {exc}", file=sys.stderr)
        return 2


def _analyse(cmd: str, package: DataPackage, args: argparse.Namespace) -> int:
    from analysis import metrics

    prod = package["production"]
    if cmd == "status":
        from analysis.status import EventIndex, measure_status, reviewed_through, status_by_mineral

        reviewed = reviewed_through(package.descriptor)
        ix = EventIndex(package["events"], package["event_types"])
        if args.by_mineral:
            out = status_by_mineral(package["events"], ix, args.as_of, reviewed, hs_codes=True)
        else:
            out = measure_status(
                package["events"], package["event_types"], args.as_of, reviewed, ix
            )
        _emit(out[out["status"] != "not announced"].reset_index(drop=True), args)
        return 0
    if cmd == "concentration":
        from analysis import sources

        bases = package["production_bases"]
        _choose("mineral", args.mineral, sorted(set(prod["mineral"])))
        rows = prod[prod["mineral"] == args.mineral]
        _choose("stage", args.stage, sorted(set(rows["stage"])))
        rows = rows[rows["stage"] == args.stage]
        basis = args.basis or str(metrics.default_bases(rows, bases)["basis"].iloc[0])
        _choose("basis", basis, sorted(set(rows["basis"])))
        rows = rows[rows["basis"] == basis]
        _choose("year", args.year, sorted(set(rows["year"].astype(int))))
        try:
            summary, shares = metrics.concentration_for(
                prod, args.mineral, args.stage, args.year, basis, bases
            )
        except KeyError:
            label = metrics.basis_label(bases, args.mineral, args.stage, basis)
            raise UsageError(
                f"{args.mineral} {args.stage} ({label}), {args.year}: USGS gives no country "
                "figures to share out (a world total only, or every value withheld)"
            ) from None
        used = rows[rows["year"] == args.year]
        label = sources.edition_label(used)
        result = {
            "mineral": args.mineral,
            "stage": args.stage,
            "year": args.year,
            "basis": summary["basis"],
            "basis_label": summary["basis_label"],
            "basis_is_default": args.basis is None or basis == str(
                metrics.default_bases(prod[(prod["mineral"] == args.mineral) & (prod["stage"] == args.stage)], bases)["basis"].iloc[0]
            ),
            "other_bases": sorted(set(prod.loc[(prod["mineral"] == args.mineral) & (prod["stage"] == args.stage), "basis"]) - {basis}),
            "edition": summary.get("edition", ""),
            "source": label,
            "hhi": round(float(summary["hhi"]), 1),
            "top1_share": round(float(summary["top1"]), 2),
            "top3_share": round(float(summary["top3"]), 2),
            "denominator": summary["denominator_basis"],
            "shares": {
                c: round(float(v), 2)
                for c, v in zip(shares["country"], shares["share"], strict=True)
            },
        }  # fmt: skip
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            table = shares[["country", "quantity", "unit", "share"]].assign(
                hhi=result["hhi"], basis=result["basis"], year=args.year, source=label
            )
            if not args.csv:
                print(f"{args.mineral} {args.stage}, basis: {result['basis_label']}; {label}")
            _emit(table, args)
        return 0
    if cmd == "exposure":
        if args.basis == "trade":
            return _trade_exposure(package, args)
        _choose("mineral", args.mineral, sorted(set(prod["mineral"])))
        chosen = _chosen_basis(prod, args.mineral, args.production_basis)
        mine = prod[prod["mineral"] == args.mineral]
        mine = metrics.on_default_basis(mine, package["production_bases"], chosen)
        out = metrics.exposure(
            mine, package["events"], package["event_types"], package["minerals"], [args.as_of],
            bases=package["production_bases"],
        )  # fmt: skip
        out = out[out["mineral"] == args.mineral].reset_index(drop=True)
        _emit(out.assign(data_basis="production"), args)
        return 0
    if cmd == "dependency":
        return _dependency(package, args)
    if cmd == "brief":
        return _brief(package, args)
    if cmd == "scenario":
        _choose("mineral", args.mineral, sorted(set(prod["mineral"])))
        _choose(
            "country",
            args.country,
            sorted(set(prod.loc[prod["mineral"] == args.mineral, "country"]) - {"WLD", "OTHER"}),
        )
        if not 0 <= args.cut <= 100:
            raise UsageError(f"--cut {args.cut} is outside 0..100")
        imports = package["import_reliance"]
        imports = imports[imports["edition"] == imports["edition"].max()]
        chosen = _chosen_basis(prod, args.mineral, args.production_basis)
        res = metrics.scenario(
            metrics.on_default_basis(prod, package["production_bases"], chosen), imports, package["events"], package["event_types"], package["blocs"],
            package["minerals"], args.country, args.mineral, args.cut, args.as_of,
            bases=package["production_bases"],
        )  # fmt: skip
        if args.json:
            doc = {k: json.loads(v.to_json(orient="records")) for k, v in res.items()}
            doc["assumptions"] = metrics.SCENARIO_ASSUMPTIONS
            print(json.dumps(doc, indent=2))
        else:
            _emit(res["stages"], args)
        return 0
    raise AssertionError(cmd)  # pragma: no cover - argparse restricts commands


def _trade_exposure(package: DataPackage, args: argparse.Namespace) -> int:
    from analysis import trade

    _choose("mineral", args.mineral, sorted(set(package["hs_codes"]["mineral"])))
    out = trade.trade_exposure(
        package["trade"], package["hs_codes"], package["events"], package["event_types"],
        package["minerals"], package["blocs"], [args.as_of], mineral_ids=[args.mineral],
    )  # fmt: skip
    _emit(out.reset_index(drop=True), args)
    return 0


def _dependency(package: DataPackage, args: argparse.Namespace) -> int:
    from analysis import trade

    table, codes = package["trade"], package["hs_codes"]
    importers = [str(c) for c in table["importer"].cat.categories]
    _choose("importer", args.importer, importers)
    if args.mineral is not None:
        _choose("mineral", args.mineral, sorted(set(codes["mineral"])))
        hs = trade.codes_for(codes, mineral=args.mineral)
    else:
        _choose("HS code", args.hs, sorted(set(codes["hs"].astype(str))))
        hs = trade.codes_for(codes, hs=args.hs)
    years = sorted({int(y) for y in pd.unique(table["year"])})
    _choose("year", args.year, years)
    pairs = None
    if args.as_of is not None:
        ctl = trade.export_controls(
            package["events"], package["event_types"], package["minerals"], package["blocs"],
            args.as_of,
        )  # fmt: skip
        pairs = trade.controlled_pairs(ctl, codes, hs, args.importer)
    dep = trade.dependency(table, args.importer, hs, args.year, pairs)
    if args.csv:
        src = dep.sources
        frame = pd.DataFrame(
            {
                "importer": dep.importer,
                "year": dep.year,
                "hs": ";".join(dep.hs),
                "exporter": src["exporter"],
                "value_kusd": src["value"].round(3),
                "share": src["share"].round(2),
                "quantity_t": src["quantity"].round(3),
                "quantity_share": src["quantity_share"].round(2),
                "hhi": round(dep.hhi, 1),
            }
        )
        if pairs is not None:
            controlled = set(pairs["exporter"])
            frame["controlled"] = src["exporter"].isin(controlled).to_numpy()
            frame["controlled_share"] = round(dep.controlled_share or 0.0, 2)
        _emit(frame, args)
    else:
        doc = dep.as_dict()
        if args.json:
            print(json.dumps(doc, indent=2, ensure_ascii=False))
        else:
            for key, value in doc.items():
                print(f"{key}: {value}")
    return 0


def _chosen_basis(prod: pd.DataFrame, mineral: str, text: str | None) -> dict:
    """``--production-basis STAGE=BASIS`` as {(mineral, stage): basis}; checked against the data."""
    if not text:
        return {}
    stage, _, basis = text.partition("=")
    here = prod[prod["mineral"] == mineral]
    _choose("stage", stage, sorted(set(here["stage"])))
    _choose("basis", basis, sorted(set(here.loc[here["stage"] == stage, "basis"])))
    return {(mineral, stage): basis}


def _ingest(args: argparse.Namespace) -> int:
    from analysis.ingest.editions import ingest_supply
    from analysis.ingest.usgs import IngestError, ingest_import_reliance

    source = args.reference if args.command == "ingest-reference" else args.release
    if not Path(source).exists():
        print(f"{source}: no such file or folder", file=sys.stderr)
        return 2
    try:
        if args.command == "ingest-usgs":
            paths, log = ingest_supply(args.release, args.data_dir)
            for path in paths:
                print(f"wrote {path}")
            print(f"wrote {ingest_import_reliance(args.release, args.data_dir)}")
            print(f"{len(log)} corrections applied, listed in data/corrections.yaml")
        elif args.command == "ingest-usgs-imports":
            print(f"wrote {ingest_import_reliance(args.release, args.data_dir)}")
        else:
            from analysis.ingest.reference import ingest_reference

            for path in ingest_reference(args.reference, args.data_dir):
                print(f"wrote {path}")
    except (IngestError, KeyError, ValueError) as exc:
        print(f"ingest failed: {exc}", file=sys.stderr)
        return 1
    return 0


def _ingest_baci(args: argparse.Namespace) -> int:
    from analysis.ingest.baci import IngestError, ingest_trade

    if not Path(args.release).is_file():
        print(f"{args.release}: no such file", file=sys.stderr)
        return 2
    try:
        paths, build = ingest_trade(args.release, args.data_dir)
    except (IngestError, KeyError, ValueError) as exc:
        print(f"ingest failed: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    print(
        f"{build.table.num_rows:,} flows; {build.corrections_used} country codes resolved by "
        "data/corrections.yaml"
    )
    return 0


def _brief(package: DataPackage, args: argparse.Namespace) -> int:
    import datetime as dt

    from analysis import briefing
    from analysis.filters import Filters

    suffix = args.out.suffix.lower().lstrip(".")
    _choose("output format", suffix, ["pdf", "pptx"])
    as_of = args.as_of.date()
    filters = Filters(end=max(as_of, dt.date.today()), as_of=as_of)
    prod = package["production"]
    if args.mineral:
        _choose("mineral", args.mineral, sorted(set(package["minerals"]["mineral_id"])))
        doc = briefing.mineral_briefing(package, args.mineral, filters)
    elif args.country:
        _choose("country", args.country, sorted(set(package["countries"]["iso3"])))
        doc = briefing.country_briefing(package, args.country, filters)
    else:
        parts = [p.strip() for p in args.scenario.split(",")]
        if len(parts) != 3:
            raise UsageError(f"--scenario takes COUNTRY,MINERAL,CUT_PCT, not '{args.scenario}'")
        country, mineral, cut = parts
        _choose("mineral", mineral, sorted(set(prod["mineral"])))
        _choose(
            "country",
            country,
            sorted(set(prod.loc[prod["mineral"] == mineral, "country"]) - {"WLD", "OTHER"}),
        )
        try:
            pct = float(cut)
        except ValueError:
            raise UsageError(f"cut '{cut}' is not a number") from None
        if not 0 <= pct <= 100:
            raise UsageError(f"cut {pct} is outside 0..100")
        doc = briefing.scenario_briefing(package, country, mineral, pct, filters)
    data = briefing.build(doc, suffix, progress=lambda msg: print(msg, file=sys.stderr))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(
        f"wrote {args.out} ({len(data):,} bytes, {len(doc.charts)} charts, {len(doc.sources)} sources)"
    )
    return 0

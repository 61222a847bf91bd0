"""Deterministic, atomic writing of derived tables."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml


def load_corrections(data_dir: Path) -> dict[str, Any]:
    """The corrections listed in ``data_dir/corrections.yaml``."""
    with open(Path(data_dir) / "corrections.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class ReleaseError(ValueError):
    """A reference release that is not the one recorded in the data package."""


def recorded_releases(data_dir: Path) -> dict[str, str]:
    """``x-releases`` of every resource in ``datapackage.yaml``: release file -> sha256."""
    with open(Path(data_dir) / "datapackage.yaml", encoding="utf-8") as fh:
        descriptor = yaml.safe_load(fh)
    out: dict[str, str] = {}
    for res in descriptor.get("resources", []):
        for rel in res.get("x-releases", []):
            out[str(rel["file"])] = str(rel["sha256"])
    return out


def release_digest(path: Path) -> str:
    """sha256 of a release file; for a release folder, of its ``sha256sum``-style listing.

    The listing is one line ``<sha256 of the file>  <path under the folder>`` per file, sorted
    by path, so ``find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum``
    gives the same digest.
    """
    import hashlib

    path = Path(path)
    if not path.is_dir():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    lines = [
        f"{hashlib.sha256(f.read_bytes()).hexdigest()}  ./{f.relative_to(path).as_posix()}\n"
        for f in sorted(path.rglob("*"), key=lambda p: p.relative_to(path).as_posix())
        if f.is_file()
    ]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def verify_release(path: Path, data_dir: Path) -> str:
    """Check ``path`` against the sha256 recorded for it in the data package; return the digest.

    Releases are recorded by their path under the reference folder (``usgs_mcs2025/world_data/
    MCS2025_World_Data.csv``); a release that is not recorded, or whose bytes changed, is refused
    so that a table is never rebuilt from a file nobody checked.
    """
    path = Path(path)
    digest = release_digest(path)
    resolved = path.resolve().as_posix()
    recorded = recorded_releases(data_dir)
    matches = [f for f in recorded if resolved.endswith("/" + f.lstrip("/"))]
    if not matches:
        raise ReleaseError(
            f"{path}: release not recorded in datapackage.yaml (x-releases); "
            f"add {{file: <path under the reference folder>, sha256: {digest}}}"
        )
    expected = recorded[max(matches, key=len)]
    if digest != expected:
        raise ReleaseError(
            f"{path}: sha256 {digest} differs from the recorded {expected}; "
            "this is not the release the data were built from"
        )
    return digest


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Render rows as CSV text with ``\\n`` line ends and minimal quoting."""
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _fmt(v) for v in row])
    return buf.getvalue()


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return repr(int(value)) if value.is_integer() else f"{value:.6g}"
    return str(value)

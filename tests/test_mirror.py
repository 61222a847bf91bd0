"""The tests mirror the code: every module in analysis/ has tests/test_<module>.py, every module in
analysis/ingest/ has tests/ingest/test_<module>.py, and each of those imports the module it mirrors.
The exceptions are listed with their reason; an exception that no longer applies fails too."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

# module (relative to the repository) -> why it has no test module of its own
EXCEPTIONS: dict[str, str] = {
    "analysis/__main__.py": (
        "two lines handing sys.argv to analysis.cli.main; run as `python -m analysis` by the "
        "smoke test in tests/test_cli.py and the fresh-process ingest and briefing tests"
    ),
    "analysis/ingest/__init__.py": "the package marker, no code",
}
# test module -> how it reaches the module it mirrors without importing it
THROUGH: dict[str, str] = {
    "tests/test_columnar.py": (
        "checks analysis.columnar through analysis.package.validate_package and load_package, "
        "which hand it every Parquet resource"
    ),
}


def modules() -> list[Path]:
    return sorted(
        p.relative_to(ROOT)
        for folder in (ROOT / "analysis", ROOT / "analysis" / "ingest")
        for p in folder.glob("*.py")
    )


def mirror(module: Path) -> Path:
    tests = Path("tests") / module.parent.relative_to("analysis")
    return tests / f"test_{module.stem}.py"


def imported(test_module: Path) -> set[str]:
    """Every module name the test module imports, with each parent package, and `pkg.name` for
    each `from pkg import name`."""
    tree = ast.parse((ROOT / test_module).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_there_are_modules_to_mirror() -> None:
    found = {m.as_posix() for m in modules()}
    assert {"analysis/package.py", "analysis/views.py", "analysis/ingest/baci.py"} <= found


def test_every_module_has_a_test_module() -> None:
    missing = [
        f"{m} -> {mirror(m)}"
        for m in modules()
        if m.as_posix() not in EXCEPTIONS and not (ROOT / mirror(m)).is_file()
    ]
    assert missing == [], "modules without a test module: " + ", ".join(missing)


def test_each_test_module_imports_what_it_mirrors() -> None:
    wrong = []
    for m in modules():
        test_module = mirror(m)
        if m.as_posix() in EXCEPTIONS or not (ROOT / test_module).is_file():
            continue
        if test_module.as_posix() in THROUGH:
            continue
        dotted = ".".join(m.with_suffix("").parts)
        if dotted not in imported(test_module):
            wrong.append(f"{test_module} does not import {dotted}")
    assert wrong == []


def test_every_exception_is_still_needed() -> None:
    present = {m.as_posix() for m in modules()}
    stale = [
        name for name in EXCEPTIONS if name not in present or (ROOT / mirror(Path(name))).is_file()
    ]
    assert stale == [], f"listed as exceptions but gone or now mirrored: {stale}"
    stale = [t for t in THROUGH if not (ROOT / t).is_file()]
    assert stale == [], f"listed in THROUGH but gone: {stale}"

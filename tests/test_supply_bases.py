"""The basis rule: every (mineral, stage) USGS reports on several bases has one listed default,
and no CLI output or page for it leaves its basis out."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DATA, ROOT


def multi_basis_groups() -> dict[tuple[str, str], set[str]]:
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    with open(DATA / "production.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["measure"] == "production":
                groups[(r["mineral"], r["stage"])].add(r["basis"])
    return {k: v for k, v in groups.items() if len(v) > 1}


def bases_table() -> list[dict[str, str]]:
    with open(DATA / "production_bases.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


GROUPS = multi_basis_groups()


def test_the_multi_basis_groups_are_the_known_ones() -> None:
    assert set(GROUPS) == {
        ("clays", "mine"), ("helium", "production"), ("iron_ore", "mine"), ("iron_steel", "plant"),
        ("mica", "mine"), ("silicon", "plant"), ("soda_ash", "production"),
        ("titanium_concentrates", "mine"),
    }  # fmt: skip


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_basis_is_listed_with_exactly_one_default(group: tuple[str, str]) -> None:
    listed = [r for r in bases_table() if (r["mineral"], r["stage"]) == group]
    assert {r["basis"] for r in listed} == GROUPS[group]
    assert sum(r["is_default"] == "true" for r in listed) == 1
    assert all(r["label"] and r["reason"] for r in listed)


def test_no_listed_basis_is_stale() -> None:
    for r in bases_table():
        assert (r["mineral"], r["stage"]) in GROUPS and r["basis"] in GROUPS[
            (r["mineral"], r["stage"])
        ]


def test_silicon_plant_defaults_to_silicon_metal() -> None:
    default = [r for r in bases_table() if r["mineral"] == "silicon" and r["is_default"] == "true"]
    assert [r["basis"] for r in default] == ["silicon metal"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)  # fmt: skip


def latest_year(group: tuple[str, str], basis: str) -> str:
    with open(DATA / "production.csv", encoding="utf-8", newline="") as fh:
        years = {
            r["year"] for r in csv.DictReader(fh)
            if (r["mineral"], r["stage"], r["basis"]) == (*group, basis) and r["quantity"]
        }  # fmt: skip
    return max(years)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_cli_concentration_names_the_basis_in_every_format(group: tuple[str, str]) -> None:
    default = next(
        r
        for r in bases_table()
        if (r["mineral"], r["stage"]) == group and r["is_default"] == "true"
    )
    args = ["concentration", "--mineral", group[0], "--stage", group[1], "--year", latest_year(group, default["basis"])]  # fmt: skip
    out = run(*args, "--json")
    if out.returncode != 0:  # a world-total-only basis (soda ash) has no country shares
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert f"({default['label']})" in out.stderr
        return
    doc = json.loads(out.stdout)
    assert doc["basis"] == default["basis"] and doc["basis_label"] == default["label"]
    assert doc["basis_is_default"] and doc["other_bases"]
    assert default["label"] in run(*args).stdout
    assert default["basis"] in run(*args, "--csv").stdout


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_cli_exposure_names_the_basis(group: tuple[str, str]) -> None:
    out = run("exposure", "--mineral", group[0], "--as-of", "2025-06-01", "--json")
    assert out.returncode == 0, out.stderr
    rows = [r for r in json.loads(out.stdout) if r["stage"] == group[1]]
    default = next(r["basis"] for r in bases_table() if (r["mineral"], r["stage"]) == group and r["is_default"] == "true")  # fmt: skip
    if group == ("soda_ash", "production"):  # world totals only: no country share to expose
        assert rows == []
    else:
        assert rows and all(r["basis"] == default for r in rows)


def test_cli_another_basis_on_request() -> None:
    out = run("concentration", "--mineral", "silicon", "--stage", "plant", "--year", "2025",
              "--basis", "ferrosilicon, silicon content", "--json")  # fmt: skip
    doc = json.loads(out.stdout)
    assert doc["basis_label"] == "ferrosilicon (silicon content)" and not doc["basis_is_default"]
    bad = run(
        "concentration",
        "--mineral",
        "silicon",
        "--stage",
        "plant",
        "--year",
        "2025",
        "--basis",
        "x",
    )
    assert bad.returncode == 2 and "valid choices: ferrosilicon" in bad.stderr


@pytest.mark.parametrize("mineral", sorted({m for m, _ in GROUPS}))
def test_mineral_page_names_the_basis_in_every_title(mineral: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["focus"] = mineral
    at.run()
    at.switch_page("app_pages/mineral.py").run()
    assert not at.exception
    titles = [json.loads(el.proto.spec)["layout"]["title"]["text"] for el in at.get("plotly_chart")]
    metrics_shown = [m.label for m in at.metric]
    labels = {r["label"] for r in bases_table() if r["mineral"] == mineral}
    stages = {s for m, s in GROUPS if m == mineral}
    for text in [t for t in titles if "share of world production" in t] + metrics_shown:
        if any(f"· {s}" in text for s in stages):
            assert any(f"({label})" in text for label in labels), text
    if mineral != "soda_ash":  # soda ash's several bases are world totals only: nothing to chart
        assert any(any(label in t for label in labels) for t in titles + metrics_shown)


@pytest.mark.parametrize("basis", [None, "ferrosilicon, silicon content"])
def test_map_page_names_the_basis_of_the_shares(basis: str | None) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    params = {"measure": "share", "map_mineral": "silicon", "stage": "plant"}
    if basis:
        params["basis"] = basis
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/map.py").run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "Countries coloured by" in c.value)
    label = "ferrosilicon (silicon content)" if basis else "silicon metal"
    assert f"Silicon · plant ({label})" in caption and "USGS MCS 2026" in caption


def test_briefings_name_basis_edition_and_year() -> None:
    import datetime as dt

    from analysis import briefing
    from analysis.filters import Filters
    from analysis.package import load_package

    pkg = load_package(DATA)
    filters = Filters(end=dt.date(2026, 12, 1), as_of=dt.date(2026, 12, 1))
    doc = briefing.mineral_briefing(pkg, "silicon", filters)
    assert "USGS MCS 2026, 2025 estimates" in doc.subtitle
    shares = [(n, f) for n, f in doc.charts if "share of world production" in n]
    assert shares
    for _name, fig in shares:
        assert "(silicon metal)" in fig.layout.title.text
        assert "USGS MCS 2026, 2025 estimates" in fig.layout.title.text
        assert any("USGS MCS 2026" in a.text for a in fig.layout.annotations)
    assert all(
        "(silicon metal)" in label for label, _ in doc.numbers if label.startswith("Silicon")
    )
    scen = briefing.scenario_briefing(pkg, "CHN", "silicon", 50, filters)
    assert "USGS MCS 2026" in scen.subtitle
    assert all("(silicon metal), 2025" in label for label, _ in scen.numbers)

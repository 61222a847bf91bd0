"""Briefings: the files open, hold the expected slides and pages, and build with no network."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analysis import briefing
from analysis.filters import Filters
from analysis.package import load_package
from tests.conftest import DATA, ROOT

pytestmark = pytest.mark.slow
needs_browser = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true",
    reason="NO BROWSER: /usr/bin/chromium is missing; briefing export needs it (apt-get install chromium)",
)
FILTERS = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))


def offline(cmd: list[str]) -> list[str]:
    """Run ``cmd`` in a network namespace with no interfaces but loopback, when the machine allows."""
    if (
        shutil.which("unshare")
        and subprocess.run(["unshare", "-rn", "true"], check=False).returncode == 0
    ):
        return ["unshare", "-rn", *cmd]
    pytest.skip("cannot create a network namespace here (unshare -rn); offline export not provable")
    return cmd


def titles_of(slide) -> str:
    return next(s.text_frame.text for s in slide.shapes if s.name == "Title")


def slide_titles(path: Path) -> list[str]:
    prs = Presentation(str(path))
    return [
        next(s.text_frame.text for s in slide.shapes if s.name == "Title") for slide in prs.slides
    ]


@needs_browser
def test_mineral_pptx_built_offline_has_expected_slides(tmp_path: Path) -> None:
    out = tmp_path / "gallium.pptx"
    cmd = offline(
        [
            sys.executable,
            "-m",
            "analysis",
            "brief",
            "--mineral",
            "gallium",
            "--as-of",
            "2025-12-31",
            "--out",
            str(out),
        ]
    )
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    titles = slide_titles(out)
    assert titles[0] == "Gallium: supply, export controls and deals"
    assert titles[1] == "Key numbers"
    assert "Events" in titles and titles[-1].startswith("Sources")
    prs = Presentation(str(out))
    pictures = [
        sh for slide in prs.slides for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert 3 <= len(pictures) <= 5
    first_text = " ".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "31 December 2025" in first_text and "v" in first_text
    sources = " ".join(
        sh.text_frame.text
        for slide in list(prs.slides)
        if titles_of(slide).startswith("Sources")
        for sh in slide.shapes
        if sh.has_text_frame
    )
    assert "https://" in sources and "USGS" in sources.replace("U.S. Geological Survey", "USGS")


@needs_browser
def test_pdf_has_one_page_per_slide(tmp_path: Path) -> None:
    pkg = load_package(DATA)
    doc = briefing.country_briefing(pkg, "COD", FILTERS)
    data = briefing.build(doc, "pdf")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    source_pages = -(-len(doc.sources) // 16)
    assert pages == 2 + len(doc.charts) + 1 + source_pages
    assert data.startswith(b"%PDF")


def test_a_mineral_with_no_events_says_so_instead_of_empty_charts() -> None:
    pkg = load_package(DATA)
    doc = briefing.mineral_briefing(pkg, "ruthenium", FILTERS)
    assert doc.charts == []
    assert any("No deal or export-control event" in n for n in doc.notes)


def test_briefing_charts_are_the_page_figures_titled_with_the_date() -> None:
    pkg = load_package(DATA)
    doc = briefing.scenario_briefing(pkg, "CHN", "gallium", 50, FILTERS)
    assert doc.charts and all("31 Dec 2025" in fig.layout.title.text for _, fig in doc.charts)
    assert any("upper bound" in n for n in doc.notes)


def test_cli_brief_rejects_unknown_choices() -> None:
    done = subprocess.run([sys.executable, "-m", "analysis", "brief", "--country", "XXA", "--out", "x.pdf"],
                          capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    assert done.returncode == 2 and "unknown country 'XXA'; valid choices: ABW" in done.stderr


@needs_browser
def test_exposure_slide_prints_the_unverified_caveat(tmp_path: Path) -> None:
    """Past the review date, the slide whose chart rests on an inferred status says so."""
    pkg = load_package(DATA)
    late = Filters(end=dt.date(2026, 12, 2), as_of=dt.date(2026, 12, 2))
    doc = briefing.mineral_briefing(pkg, "rare_earths", late)
    chart = "Supply behind export controls over time"
    assert any("10 November 2026" in line for line in doc.chart_notes[chart])
    prs = Presentation(io.BytesIO(briefing.build(doc, "pptx")))
    slide = next(s for s in prs.slides if titles_of(s) == chart)
    text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "no later source is in the data" in text
    # Before the review date nothing is flagged.
    early = briefing.mineral_briefing(pkg, "rare_earths", FILTERS)
    assert early.chart_notes == {}


def test_country_briefing_includes_what_it_depends_on() -> None:
    pkg = load_package(DATA)
    doc = briefing.country_briefing(pkg, "KOR", FILTERS)
    titles = [name for name, _ in doc.charts]
    assert "What it depends on" in titles and len(doc.charts) <= 5
    fig = dict(doc.charts)["What it depends on"]
    assert "Source: CEPII, BACI (HS92), Etalab Open Licence 2.0" in fig.layout.annotations[-1].text
    assert any("Gaulier" in s and "Etalab" in s for s in doc.sources)

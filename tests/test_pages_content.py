"""One content model: the page and the briefing show the same title, numbers and charts."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from analysis import briefing, pages_content
from analysis.filters import Filters
from analysis.package import load_package
from analysis.text import escape_markdown as md
from tests.conftest import DATA, ROOT


def test_country_page_and_briefing_render_the_same_content() -> None:
    pkg = load_package(DATA)
    filters = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))
    content = pages_content.country(pkg, "COD", filters)
    assert (
        content.title.startswith("Democratic Republic of the Congo")
        and "31 December 2025" in content.title
    )
    assert all(n.value for n in content.numbers) and all(n.label for n in content.numbers)
    assert all(c.source.startswith("Source:") for c in content.charts)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"iso": "COD", "as_of": "2025-12-31", "to": "2025-12-31"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/country.py").run()
    assert not at.exception
    assert at.title[0].value == md(content.title)  # shown as its characters
    assert [(m.label, m.value) for m in at.metric] == [
        (md(n.label), n.value) for n in content.numbers
    ]

    doc = briefing.country_briefing(pkg, "COD", filters)
    assert doc.numbers[: len(content.numbers)] == [(n.label, n.value) for n in content.numbers]
    assert doc.charts[0][1].layout.title.text == content.charts[0].title


def test_scenario_page_and_briefing_render_the_same_content() -> None:
    pkg = load_package(DATA)
    filters = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))
    content = pages_content.scenario(pkg, "CHN", "gallium", 50.0, filters)
    assert content.numbers and all(n.value.endswith("%") for n in content.numbers)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    params = {"sc_country": "CHN", "sc_mineral": "gallium", "cut": "50", "as_of": "2025-12-31"}
    for key, value in {**params, "to": "2025-12-31"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/scenario.py").run()
    assert not at.exception
    assert at.title[0].value == md(content.title)  # shown as its characters
    assert [(m.label, m.value) for m in at.metric] == [
        (md(n.label), n.value) for n in content.numbers
    ]
    doc = briefing.scenario_briefing(pkg, "CHN", "gallium", 50.0, filters)
    assert (doc.title, doc.numbers) == (
        content.title,
        [(n.label, n.value) for n in content.numbers],
    )


def test_mineral_page_and_briefing_share_numbers_and_charts() -> None:
    pkg = load_package(DATA)
    filters = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))
    content = pages_content.mineral(pkg, "gallium", filters)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"focus": "gallium", "as_of": "2025-12-31", "to": "2025-12-31"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/mineral.py").run()
    assert not at.exception
    shown = [(m.label, m.value) for m in at.metric]
    assert shown[: len(content.numbers)] == [(md(n.label), n.value) for n in content.numbers]
    doc = briefing.mineral_briefing(pkg, "gallium", filters)
    assert doc.numbers[: len(content.numbers)] == [(n.label, n.value) for n in content.numbers]
    assert [t for t, _ in doc.charts[: len(content.charts)]] == [c.title for c in content.charts]

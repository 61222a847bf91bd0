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
    assert doc.charts[0][1].layout.title.text == content.charts[0].figure.layout.title.text


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


# --------------------------------------------------------------------------- every page, whole

FILTERS = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))


def page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"as_of": "2025-12-31", "to": "2025-12-31", **params}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_page_shows(at: AppTest, content) -> None:
    """Everything the content holds is on the page, as it is: title, subtitle, every number,
    every table (headers and cells), every chart (its figure's title) and every map (its spec)."""
    import json

    from analysis.content import MapView, Section, charts_of, numbers_of, tables_of

    assert at.title[0].value == md(content.title)
    assert md(content.subtitle) in [c.value for c in at.caption]
    shown = [(m.label, m.value) for m in at.metric]
    assert [(md(n.label), n.value) for n in numbers_of(content)] == shown[
        : len(numbers_of(content))
    ]
    frames = [d.value.reset_index(drop=True) for d in at.dataframe]
    for table in tables_of(content):
        assert any(
            list(f.columns) == list(table.frame.columns)
            and f.astype(str).equals(table.frame.reset_index(drop=True).astype(str))
            for f in frames
        ), f"table {table.title!r} not shown as built"
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    for chart in charts_of(content, printed=False):
        assert chart.figure.layout.title.text in titles, chart.title
    specs = [c.proto.json for c in at.get("deck_gl_json_chart")]

    def maps(items):
        for item in items:
            if isinstance(item, Section):
                yield from maps(item.items)
            elif isinstance(item, MapView):
                yield item

    for view in maps(content.sections):
        assert view.spec in specs


def test_timeline_page_renders_its_content() -> None:
    pkg = load_package(DATA)
    content = pages_content.timeline(pkg, FILTERS, "mineral")
    assert content.charts and content.sections[0].heading.startswith("Export controls: status on")
    at = page("pages/timeline.py", lane="mineral")
    assert_page_shows(at, content)


def test_map_page_renders_its_content_with_the_title_above_the_choices() -> None:
    pkg = load_package(DATA)
    content = pages_content.map_page(pkg, FILTERS, "share", "cobalt", "mine")
    at = page("pages/map.py", measure="share", map_mineral="cobalt", stage="mine")
    assert_page_shows(at, content)
    # the title comes first on the page, the choices under it
    order = [type(e).__name__ for e in at.main]
    assert order.index("Title") < order.index("Selectbox")


def test_data_page_renders_its_content_and_csv() -> None:
    from analysis.content import Download

    pkg = load_package(DATA)
    content = pages_content.data(pkg, FILTERS, "lithium")
    at = page("pages/data.py")
    at.text_input(key="search").set_value("lithium").run()
    assert_page_shows(at, content)
    csv = next(i for i in content.sections[0].items if isinstance(i, Download))
    assert csv.data and "lithium" in str(csv.data).lower()


def test_mineral_page_renders_all_its_content() -> None:
    pkg = load_package(DATA)
    content = pages_content.mineral(pkg, "nickel", FILTERS)
    at = page("pages/mineral.py", focus="nickel")
    assert_page_shows(at, content)
    headings = [s.value for s in at.subheader]
    assert (
        md(f"Export controls on nickel: status on {FILTERS.as_of.day} {FILTERS.as_of:%B %Y}")
        in headings
    )


def test_country_page_renders_all_its_content_and_the_briefing_prints_it() -> None:
    from analysis.content import charts_of

    pkg = load_package(DATA)
    content = pages_content.country(pkg, "JPN", FILTERS)
    at = page("pages/country.py", iso="JPN")
    assert_page_shows(at, content)
    printed = pages_content.country(pkg, "JPN", FILTERS, printed=True)
    doc = briefing.country_briefing(pkg, "JPN", FILTERS)
    built = {c.name or c.title: c.figure.layout.title.text for c in charts_of(printed)}
    # every slide's chart is one the content built, with the same title and source line
    for name, fig in doc.charts:
        assert built[name] == fig.layout.title.text
    assert {"Deal partners", "Events per year", "What it depends on"} <= set(built)


def test_briefing_only_charts_carry_title_and_source() -> None:
    pkg = load_package(DATA)
    for content in (
        pages_content.mineral(pkg, "gallium", FILTERS, printed=True),
        pages_content.country(pkg, "COD", FILTERS, printed=True),
        pages_content.scenario(pkg, "CHN", "gallium", 50.0, FILTERS, printed=True),
    ):
        assert content.print_charts
        for chart in content.print_charts:
            assert chart.name and chart.source.startswith("Source:")
            text = " ".join(a.text for a in chart.figure.layout.annotations)
            assert chart.figure.layout.title.text and "Source" in text

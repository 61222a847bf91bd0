"""Every page through Streamlit's AppTest: renders, reacts to filters, restores views from URLs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

PAGES = [
    "pages/overview.py",
    "pages/map.py",
    "pages/timeline.py",
    "pages/mineral.py",
    "pages/country.py",
    "pages/scenario.py",
    "pages/data.py",
]


def app(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def marker_ids(spec: dict) -> set[str]:
    ids: set[str] = set()
    for trace in spec["data"]:
        if trace.get("type") == "scatter":
            ids |= {row[0] for row in trace.get("customdata", [])}
    return ids


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page: str) -> None:
    at = app()
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title, "every page has a title"
    assert any("Dataset version" in c.value for c in at.caption), "every page has the source footer"


def test_timeline_draws_events_and_reacts_to_mineral_filter() -> None:
    at = app()
    at.run()
    at.switch_page("pages/timeline.py").run()
    everything = marker_ids(plotly_specs(at)[0])
    at.multiselect(key="f_mineral").set_value(["gallium"]).run()
    assert at.query_params["mineral"] == ["gallium"] or at.query_params["mineral"] == "gallium"
    gallium = marker_ids(plotly_specs(at)[0])
    assert gallium and gallium < everything
    assert "chn-gallium-germanium-licensing-2023" in gallium
    assert "usa-jpn-critical-minerals-framework-2025" not in gallium


def test_url_restores_the_view() -> None:
    at = app(
        country="COD",
        type="control_ban,suspension,extension,replacement",
        **{"as_of": "2025-08-01"},
    )
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception
    assert at.multiselect(key="f_country").value == ["COD"]
    spec = plotly_specs(at)[0]
    ids = marker_ids(spec)
    assert "cod-cobalt-export-suspension-2025" in ids
    assert all(i.startswith("cod-") for i in ids)
    assert "1 August 2025" in spec["layout"]["title"]["text"]


def test_unknown_url_values_fall_back_with_a_notice() -> None:
    at = app(country="XXA", mineral="<script>alert(1)</script>", **{"from": "0000-00-00"})
    at.run()
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "Unknown country 'XXA' ignored." in notices
    assert "<script>" not in notices
    assert "from:" in notices
    assert at.multiselect(key="f_country").value == []
    assert plotly_specs(at), "defaults still draw the chart"


def test_empty_filter_explains_instead_of_an_empty_chart() -> None:
    at = app(country="ISL", mineral="gallium")
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.get("plotly_chart")
    assert any("No event matches" in i.value for i in at.info)


def test_invalid_data_shows_an_error_banner_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "app"
    shutil.copytree(
        ROOT, root, ignore=shutil.ignore_patterns(".venv", ".tools", ".git", "__pycache__", "docs")
    )
    events = root / "data" / "events.csv"
    events.write_text(
        events.read_text(encoding="utf-8").replace(",CHN,ALL,", ",CHN,XXA,", 1), encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(root))
    for name in [
        m
        for m in list(__import__("sys").modules)
        if m == "analysis" or m.startswith(("analysis.", "pages"))
    ]:
        monkeypatch.delitem(__import__("sys").modules, name)
    at = AppTest.from_file(str(root / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    assert at.error and "XXA" in at.error[0].value and "events.csv" in at.error[0].value


def on_page(page: str, **params: str) -> AppTest:
    at = app(**params)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def drawn(at: AppTest) -> list[str]:
    """Everything a user sees as data: chart specs, map specs, tables and metrics, as text."""
    out = [el.proto.spec for el in at.get("plotly_chart")]
    out += [el.proto.json for el in at.get("deck_gl_json_chart")]
    out += [df.value.to_csv() for df in at.dataframe]
    out += [f"{m.label}={m.value}" for m in at.metric]
    return out


FILTER_CHANGES = [
    ("f_mineral", {"mineral": "cobalt"}),
    ("f_as_of", {"as_of": "2015-06-01"}),
    ("f_country", {"country": "RUS"}),
    ("f_type", {"type": "control_ban,control_licensing"}),
    ("f_from", {"from": "2023-01-01"}),
    ("f_to", {"to": "2019-12-31"}),
]


@pytest.mark.parametrize("page", PAGES)
def test_each_filter_changes_what_is_drawn(page: str) -> None:
    base = drawn(on_page(page))
    shown = {w.key for w in on_page(page).sidebar if getattr(w, "key", None)}
    for key, params in FILTER_CHANGES:
        if key not in shown:
            continue  # a page hides the filters it does not use
        changed = drawn(on_page(page, **params))
        assert changed != base, f"{page}: {params} changed nothing"


@pytest.mark.parametrize("page", PAGES)
def test_unknown_values_fall_back_with_notice_on_every_page(page: str) -> None:
    at = on_page(
        page,
        mineral="kryptonite",
        as_of="9999-12-31",
        focus="<b>x</b>",
        iso="ZZZ",
        sc_mineral="x",
        measure="y",
    )
    notices = " ".join(w.value for w in at.warning)
    assert "Unknown mineral 'kryptonite' ignored." in notices
    assert "as_of:" in notices


def test_page_specific_parameters_restore_the_view() -> None:
    at = on_page("pages/mineral.py", focus="cobalt")
    assert at.selectbox(key="p_focus").value == "cobalt"
    assert "Cobalt" in at.title[0].value
    at = on_page("pages/country.py", iso="IDN")
    assert at.selectbox(key="p_iso").value == "IDN"
    at = on_page("pages/scenario.py", sc_mineral="cobalt", sc_country="COD", cut="50")
    assert "cuts cobalt exports by 50%" in at.title[0].value
    at = on_page("pages/map.py", measure="governance")
    assert "Governance" in at.caption[0].value


def test_data_page_table_shows_only_what_the_filters_select() -> None:
    """The table the CSV download is built from (the download itself: tests/e2e/test_browser.py)."""
    at = on_page("pages/data.py", mineral="gallium")
    table = at.dataframe[0].value
    assert len(table) > 0 and table["Minerals"].str.contains("Gallium").all()


def test_presentation_mode_hides_chrome_and_keeps_filters() -> None:
    at = on_page("pages/overview.py", present="1", mineral="gallium")
    assert at.toggle(key="present_toggle").value is True
    assert at.multiselect(key="f_mineral").value == ["gallium"]
    assert "Exit presentation mode" in [b.label for b in at.button]
    assert not [b for b in at.button if b.label.startswith("Build")]
    line = [c.value for c in at.caption if "Status as of" in c.value]  # the page's subtitle
    assert line and "Gallium" in line[0], "one line says what the view is filtered to"
    assert not any("sidebar" in c.value.lower() for c in [*at.main.caption, *at.main.markdown])


@pytest.mark.slow
def test_mineral_page_builds_a_briefing_for_download() -> None:
    at = on_page("pages/mineral.py", focus="gallium", as_of="2025-12-31")
    at.button(key="btn_mineral_gallium_pptx").click().run(timeout=180)
    assert not at.exception
    assert at.session_state["brief_mineral_gallium_pptx"][0].endswith("2025-12-31.pptx")


MARKDOWN_TITLE = "**Bold** :red[alarm] _gallium_ US$5m and A$6m"


def test_data_text_is_shown_as_its_characters(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title full of Markdown syntax (valid: it is plain text) is escaped wherever Markdown renders,
    and reaches Plotly's hover with its tags shown, not parsed."""
    from analysis.package import DATA_DIR_ENV
    from tests.conftest import read_rows, write_rows

    path = data_copy / "events.csv"
    rows = read_rows(path)
    key = "chn-gallium-germanium-licensing-2023"
    row = next(r for r in rows if r["event_id"] == key)
    row.update(title=MARKDOWN_TITLE, source_publisher="# Reuters <3 `x`")
    write_rows(path, rows)
    monkeypatch.setenv(DATA_DIR_ENV, str(data_copy.resolve()))
    at = app(mineral="gallium")
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="event_pick").set_value(key).run()
    shown = [m.value for m in [*at.markdown, *at.subheader]]
    assert r"\*\*Bold\*\* \:red\[alarm\] \_gallium\_ US\$5m and A\$6m" in shown
    for text in shown:  # no data value reaches Markdown unescaped
        assert ":red[" not in text and "US$5m" not in text
    hover = json.dumps(plotly_specs(at)[0])
    assert "# Reuters &lt;3 `x`" in hover and "<3" not in hover

"""No identifier reaches a reader: every page (a few filter settings each) and every briefing.

Collects what a reader sees (titles, captions, metrics, widget labels, table headers and cells,
chart titles, axis titles, legend entries, hover templates, map tooltips, slide and PDF text) and
fails on a snake_case word, a raw code where a name is due, or None/nan/NaT shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import zlib

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import briefing
from analysis.filters import Filters
from analysis.package import load_package
from tests.conftest import DATA, ROOT

PAGES = [
    "pages/overview.py",
    "pages/map.py",
    "pages/timeline.py",
    "pages/mineral.py",
    "pages/country.py",
    "pages/scenario.py",
    "pages/data.py",
]
SETTINGS = [
    {},
    {"country": "CHN", "mineral": "gallium", "as_of": "2024-06-01"},
    {"mineral": "cobalt", "type": "control_ban,suspension", "from": "2020-01-01"},
]
SNAKE = re.compile(r"(?<![\w/.=%-])[a-z][a-z0-9]*_[a-z0-9_]+(?![\w/.-])")
MISSING_WORDS = re.compile(r"(?<![\w-])(None|nan|NaN|NaT|<NA>|null|undefined)(?![\w-])")
URL = re.compile(r"https?://\S+")
PLACEHOLDER = re.compile(r"%\{[^}]*\}|\{[a-z_]+\}")
FREE_TEXT = {"Notes"}
CODE_SPAN = re.compile(r"```.*?```|`[^`]*`", re.S)  # code shown as code (the methodology)


@pytest.fixture(scope="module")
def pkg():
    return load_package(DATA)


@pytest.fixture(scope="module")
def codes(pkg) -> set[str]:
    """Codes that must never stand alone where a name is due."""
    out = set(pkg["countries"]["iso3"]) | set(pkg["blocs"]["code"])
    out |= {t for t in pkg["event_types"]["event_type"] if "_" in t}
    out |= {m for m in pkg["minerals"]["mineral_id"] if "_" in m}
    return out


def problems(texts: list[tuple[str, str]], codes: set[str]) -> list[str]:
    """Every (where, text) that shows an identifier or a missing-value word."""
    found = []
    for where, text in texts:
        if not isinstance(text, str) or not text:
            continue
        clean = PLACEHOLDER.sub("", URL.sub("", CODE_SPAN.sub("", text)))
        for bad in SNAKE.findall(clean):
            found.append(f"{where}: snake_case '{bad}' in {text[:120]!r}")
        for bad in MISSING_WORDS.findall(clean):
            found.append(f"{where}: '{bad}' shown in {text[:120]!r}")
        if clean.strip() in codes:
            found.append(f"{where}: raw code {clean.strip()!r}")
    return found


def figure_texts(spec: dict, where: str) -> list[tuple[str, str]]:
    """What a Plotly figure shows: titles, axes, legend, annotations, category labels, hovers."""
    out: list[tuple[str, str]] = []
    layout = spec.get("layout", {})
    title = layout.get("title", {})
    out.append((f"{where} title", title.get("text", "") if isinstance(title, dict) else title))
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            t = axis.get("title", {})
            out.append((f"{where} {key} title", t.get("text", "") if isinstance(t, dict) else t))
            out += [(f"{where} {key} tick", str(v)) for v in axis.get("ticktext", [])]
    legend = layout.get("legend", {}).get("title", {})
    out.append(
        (f"{where} legend title", legend.get("text", "") if isinstance(legend, dict) else "")
    )
    out += [(f"{where} note", a.get("text", "")) for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        if trace.get("showlegend", True) is not False:
            out.append((f"{where} legend", str(trace.get("name", ""))))
        out.append((f"{where} hover", str(trace.get("hovertemplate", ""))))
        for axis in ("x", "y"):
            values = trace.get(axis)
            categories = isinstance(values, list) and values and isinstance(values[0], str)
            if categories and not re.match(r"^\d{4}-\d{2}", values[0]):
                out += [(f"{where} {axis} category", v) for v in values]
        out += [(f"{where} text", str(v)) for v in (trace.get("text") or []) if isinstance(v, str)]
    return out


def deck_texts(spec: dict, where: str) -> list[tuple[str, str]]:
    """A pydeck map's tooltip, with the properties it shows filled in from the layers' data."""
    out: list[tuple[str, str]] = []
    tooltip = spec.get("tooltip") or {}
    template = tooltip.get("html") or tooltip.get("text") or ""
    fields = re.findall(r"\{([A-Za-z_.]+)\}", template)
    out.append((f"{where} tooltip", re.sub(r"<[^>]+>|\{[A-Za-z_.]+\}", " ", template)))
    for layer in spec.get("layers", []):
        data = layer.get("data")
        rows = data.get("features", []) if isinstance(data, dict) else data or []
        for row in rows[:400] if isinstance(rows, list) else []:
            props = row.get("properties", row) if isinstance(row, dict) else {}
            for f in fields:
                if f in props:
                    out.append((f"{where} tooltip {f}", str(props[f])))
    return out


def page_texts(at: AppTest, page: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error"):
        out += [(f"{page} {kind}", str(el.value)) for el in getattr(at, kind)]
    for m in at.metric:
        out += [(f"{page} metric label", m.label), (f"{page} metric value", str(m.value))]
    for kind in ("selectbox", "multiselect", "radio", "date_input", "text_input", "toggle"):
        out += [(f"{page} {kind} label", el.label) for el in getattr(at, kind)]
    for kind in ("selectbox", "radio"):
        for el in getattr(at, kind):
            out += [(f"{page} {kind} option", str(o)) for o in el.options]
    for el in at.button:
        out.append((f"{page} button", el.label))
    for i, df in enumerate(at.dataframe):
        frame: pd.DataFrame = df.value
        out += [(f"{page} table {i} header", str(c)) for c in frame.columns]
        for col in frame.columns:
            values = frame[col].head(60)
            if values.astype(str).str.startswith("http").all() or col in FREE_TEXT:
                continue  # links, and curators' free text (notes may name a column on purpose)
            out += [(f"{page} table {i} cell [{col}]", str(v)) for v in values]
    for i, el in enumerate(at.get("plotly_chart")):
        out += figure_texts(json.loads(el.proto.spec), f"{page} chart {i}")
    for i, el in enumerate(at.get("deck_gl_json_chart")):
        out += deck_texts(json.loads(el.proto.json), f"{page} map {i}")
    return out


@pytest.mark.parametrize("params", SETTINGS, ids=["defaults", "china-gallium-2024", "cobalt-bans"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_show_no_identifier(page: str, params: dict, codes: set[str]) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    found = problems(page_texts(at, page), codes)
    assert not found, "\n".join(found[:40])


def test_the_checker_catches_what_it_should(codes: set[str]) -> None:
    bad = [("t", "hhi_wgi_t"), ("t", "value: None"), ("t", "CHN"), ("t", "nan"), ("t", "NaT")]
    assert len(problems(bad, codes)) == 5
    good = [
        ("t", "China (CHN)"),
        ("t", "https://x.org/a_b"),
        ("t", "Gallium, refinery"),
        ("t", "-"),
    ]
    assert problems(good, codes) == []


BRIEFINGS = [
    ("mineral", "gallium"),
    ("mineral", "cobalt"),
    ("country", "CHN"),
    ("country", "COD"),
    ("scenario", ("CHN", "gallium", 50.0)),
]
FILTERS = Filters(end=dt.date(2025, 12, 31), as_of=dt.date(2025, 12, 31))


def make_briefing(pkg, kind: str, arg):
    if kind == "mineral":
        return briefing.mineral_briefing(pkg, arg, FILTERS)
    if kind == "country":
        return briefing.country_briefing(pkg, arg, FILTERS)
    return briefing.scenario_briefing(pkg, *arg, FILTERS)


def briefing_texts(doc) -> list[tuple[str, str]]:
    out = [("title", doc.title), ("subtitle", doc.subtitle)]
    out += [(f"number {label}", f"{label}: {value}") for label, value in doc.numbers]
    out += [("note", n) for n in doc.notes]
    for name, fig in doc.charts:
        out.append(("chart slide title", name))
        out += figure_texts(json.loads(fig.to_json()), f"chart {name}")
    out += [("events header", str(c)) for c in doc.events.columns]
    for col in doc.events.columns:
        out += [(f"events [{col}]", str(v)) for v in doc.events[col]]
    return out


@pytest.mark.parametrize("kind,arg", BRIEFINGS, ids=[f"{k}-{a}" for k, a in BRIEFINGS])
def test_briefing_content_shows_no_identifier(pkg, codes: set[str], kind: str, arg) -> None:
    """What each briefing says (numbers, chart specs, events), before it is laid out."""
    found = problems(briefing_texts(make_briefing(pkg, kind, arg)), codes)
    assert not found, "\n".join(found[:40])


def pdf_text(data: bytes) -> list[str]:
    """The strings a PDF draws (fpdf2 writes core-font text as ``(...) Tj`` in Flate streams)."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        body = match.group(1)
        with contextlib.suppress(zlib.error):
            body = zlib.decompress(body)
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", body):
            out.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind,arg", BRIEFINGS[::2], ids=[f"{k}-{a}" for k, a in BRIEFINGS[::2]])
def test_built_briefings_show_no_identifier(pkg, codes: set[str], kind: str, arg) -> None:
    """The PowerPoint's slide text and the PDF's text, as built (charts drawn by kaleido)."""
    from pptx import Presentation

    doc = make_briefing(pkg, kind, arg)
    images = briefing.render(doc)
    prs = Presentation(io.BytesIO(briefing.to_pptx(doc, images)))
    texts = []
    for n, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append((f"slide {n}", shape.text_frame.text))
            if shape.has_table:
                for row in shape.table.rows:
                    texts += [(f"slide {n} table", cell.text) for cell in row.cells]
    texts += [("pdf", line) for line in pdf_text(briefing.to_pdf(doc, images))]
    found = problems(texts, codes)
    assert not found, "\n".join(found[:40])

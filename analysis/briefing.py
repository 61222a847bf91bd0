"""Briefings for stakeholders: a sourced PowerPoint and PDF for a mineral, a country or a scenario.

The content comes from :mod:`analysis.views` (the same numbers as the pages) and the charts from
:mod:`analysis.figures` (the same figures as the pages), rendered to PNG with kaleido on one
persistent Chromium for the whole briefing. Nothing is fetched from the network.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analysis import pages_content, sources, views
from analysis.content import Chart, Content, Section, charts_of, numbers_of
from analysis.filters import Filters
from analysis.labels import labels
from analysis.metrics import SCENARIO_ASSUMPTIONS
from analysis.package import DataPackage

IMAGE_SIZE = (1200, 620)
CHROMIUM = Path("/usr/bin/chromium")


@dataclass
class Briefing:
    """Everything a briefing says, before it is laid out as slides or pages."""

    title: str
    subtitle: str
    as_of: dt.date
    version: str
    numbers: list[tuple[str, str]]
    charts: list[tuple[str, go.Figure]]
    events: pd.DataFrame
    sources: list[str]
    notes: list[str] = field(default_factory=list)
    # Caveats printed on the slide of the chart with that name (statuses inferred past the
    # review date; see analysis.status.horizon).
    chart_notes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def file_stem(self) -> str:
        slug = "".join(ch.lower() if ch.isalnum() else "-" for ch in self.title).strip("-")
        return f"briefing-{'-'.join(filter(None, slug.split('-')))[:60]}-{self.as_of:%Y-%m-%d}"


def _day(value: Any) -> str:
    """``12 Mar 2025, `` for a date, nothing for a missing one."""
    return "" if value is None or pd.isna(value) else f"{value.day} {value:%b %Y}, "


def _sources(pkg: DataPackage, events: pd.DataFrame) -> list[str]:
    rows = events.drop_duplicates("source_url").sort_values("announced")
    cited = [
        f"{r['source_publisher']}, {_day(r['source_date'])}{r['source_url']} "
        f"(accessed {r['accessed'].day} {r['accessed']:%b %Y})"
        for r in rows.to_dict("records")
    ]
    return cited + sources.dataset_citations(pkg)


def _event_rows(pkg: DataPackage, events: pd.DataFrame, limit: int = 14) -> pd.DataFrame:
    lab = labels(pkg)
    out = events.sort_values("announced", ascending=False).head(limit)
    return pd.DataFrame(
        {
            "Date": out["announced"].dt.strftime("%Y-%m-%d"),
            "Event": out["title"],
            "Actor": out["actor"].map(lab.country),
            "Type": out["event_type"].map(lab.event_type),
            "Source": out["source_publisher"],
        }
    )


def _charts(content: Content, limit: int = 5) -> tuple[list[tuple[str, go.Figure]], dict]:
    """The content's printed charts as (slide name, figure), and the caveats of each slide."""
    charts = charts_of(content, printed=True)[:limit]
    named = [(c.name or c.title, c.figure) for c in charts]
    notes = {c.name or c.title: list(c.notes) for c in charts if c.notes}
    return named, notes


def _topic_briefing(
    pkg: DataPackage,
    filters: Filters,
    title: str,
    content: Content,
    numbers: list[tuple[str, str]],
    events: pd.DataFrame,
    empty_note: str,
    limit: int = 5,
) -> Briefing:
    """A mineral or country briefing: the title slide names the filters, date and dataset version."""
    charts, chart_notes = _charts(content, limit)
    subtitle = content.subtitle.rstrip(".") + "."
    if "Production shares" not in subtitle:
        subtitle += f" Production shares: {sources.edition_label(views.latest_production(pkg))}."
    return Briefing(
        title=title,
        subtitle=subtitle
        if f"Dataset v{pkg.version}" in subtitle
        else f"{subtitle} Dataset v{pkg.version}.",
        as_of=filters.as_of,
        version=pkg.version,
        numbers=numbers,
        charts=charts,
        events=_event_rows(pkg, events),
        sources=_sources(pkg, events),
        notes=[] if len(events) else [empty_note],
        chart_notes=chart_notes,
    )


def mineral_briefing(pkg: DataPackage, mineral: str, filters: Filters) -> Briefing:
    """A briefing on one mineral: the Mineral page's content (numbers, share charts, exposure
    over time), the producers' map, its events."""
    content = pages_content.mineral(pkg, mineral, filters, printed=True)
    prof = views.mineral_profile(pkg, mineral, filters)
    numbers = [(n.label, n.value) for n in numbers_of(content)]
    # the first two share charts, the production exposure, then the map (trade charts stay on
    # the page: a briefing keeps to five slides of charts)
    content.charts = content.charts[:2]
    for section in content.sections:
        section.items = [
            i
            for i in section.items
            if not (isinstance(i, Section) or getattr(i, "name", "") in TRADE)
        ]
    numbers.append(("Events on record", f"{len(prof.events) + len(prof.deals)} events"))
    events = pd.concat([prof.events, prof.deals])
    empty = f"No deal or export-control event on {prof.name.lower()} matches these filters."
    title = f"{prof.name}: supply, export controls and deals"
    return _topic_briefing(pkg, filters, title, content, numbers, events, empty)


TRADE = ("World exports by exporter", "Exports behind export controls over time")


def country_briefing(pkg: DataPackage, iso3: str, filters: Filters) -> Briefing:
    """A briefing on one country: the Country page's content (numbers, producer chart, deal
    partners as a printed map, how its dependency changed) and the charts only a briefing
    prints (events per year, what it depends on)."""
    prof = views.country_profile(pkg, iso3, filters)
    content = pages_content.country(pkg, iso3, filters, printed=True)
    dep = views.country_dependency(pkg, iso3, filters)
    for section in content.sections:  # the import-concentration slope stays on the page
        for item in section.items:
            if isinstance(item, Section):
                item.items = [i for i in item.items if not isinstance(i, Chart) or i.name]
    # page charts first, then events per year and what it depends on
    numbers = [(n.label, n.value) for n in content.numbers]
    column = "From controlled exporters (%)"
    if not dep.table.empty:
        over_half = int((dep.table[column] > 50).sum())
        numbers.append(
            (
                f"Minerals with over half of {dep.year} imports from controlled exporters",
                f"{over_half} minerals",
            )
        )
    events = pages_content.country_events(prof)
    empty = f"No deal or export-control event involving {prof.name} matches these filters."
    title = f"{prof.name}: minerals, export controls and deals"
    doc = _topic_briefing(pkg, filters, title, content, numbers, events, empty, limit=6)
    if not dep.table.empty:
        doc.sources.append(views.trade_citation(pkg))
    return doc


def scenario_briefing(
    pkg: DataPackage, country: str, mineral: str, cut: float, filters: Filters
) -> Briefing:
    """A briefing on a what-if export cut, with its assumptions stated."""
    content = pages_content.scenario(pkg, country, mineral, cut, filters, printed=True)
    charts, chart_notes = _charts(content)
    numbers = [(n.label, n.value) for n in content.numbers]
    prof = views.mineral_profile(pkg, mineral, replace(filters, countries=()))
    events = prof.events[prof.events["actor"] == country]
    return Briefing(
        title=content.title,
        subtitle=content.subtitle,
        as_of=filters.as_of,
        version=pkg.version,
        numbers=numbers or [("Supply lost", "no recorded production")],
        charts=charts,
        events=_event_rows(pkg, events),
        sources=_sources(pkg, events),
        notes=[SCENARIO_ASSUMPTIONS],
        chart_notes=chart_notes,
    )


@contextlib.contextmanager
def chart_renderer() -> Iterator[Callable[[go.Figure], bytes]]:
    """One Chromium (kaleido's persistent server) for every image of a briefing."""
    import kaleido

    if CHROMIUM.exists():
        os.environ.setdefault("BROWSER_PATH", str(CHROMIUM))
    kaleido.start_sync_server(silence_warnings=True)
    try:
        yield lambda fig: fig.to_image(
            format="png", width=IMAGE_SIZE[0], height=IMAGE_SIZE[1], scale=1
        )
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def render(briefing: Briefing, progress: Callable[[str], None] | None = None) -> list[bytes]:
    """PNG images of the briefing's charts, in order."""
    images = []
    with chart_renderer() as draw:
        for i, (name, fig) in enumerate(briefing.charts, start=1):
            if progress:
                progress(f"Drawing chart {i} of {len(briefing.charts)}: {name}")
            # the slide's (and the PDF page's) heading is the chart's title: not drawn twice
            images.append(draw(go.Figure(fig).update_layout(title_text="")))
    return images


def to_pptx(briefing: Briefing, images: list[bytes]) -> bytes:
    """A 16:9 deck: title, key numbers, one slide per chart, events table, sources."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]

    def slide_with_title(text: str):
        slide = prs.slides.add_slide(blank)
        box = slide.shapes.add_textbox(Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.9))
        box.text_frame.text = text
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
        box.text_frame.paragraphs[0].runs[0].font.bold = True
        box.name = "Title"
        return slide

    def footer(slide, text: str = "") -> None:
        box = slide.shapes.add_textbox(Inches(0.5), Inches(6.95), Inches(12.3), Inches(0.4))
        box.text_frame.text = (
            text
            or f"As of {briefing.as_of.day} {briefing.as_of:%B %Y} · dataset v{briefing.version}"
        )
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(10)

    slide = slide_with_title(briefing.title)
    sub = slide.shapes.add_textbox(Inches(0.5), Inches(1.4), Inches(12.3), Inches(1.5))
    sub.text_frame.word_wrap = True
    sub.text_frame.text = briefing.subtitle
    sub.text_frame.paragraphs[0].runs[0].font.size = Pt(16)
    footer(slide)

    slide = slide_with_title("Key numbers")
    body = slide.shapes.add_textbox(Inches(0.7), Inches(1.4), Inches(12), Inches(5.2)).text_frame
    body.word_wrap = True
    for i, (label, value) in enumerate(briefing.numbers + [("Note", n) for n in briefing.notes]):
        para = body.paragraphs[0] if i == 0 else body.add_paragraph()
        para.text = f"{label}: {value}"
        para.runs[0].font.size = Pt(18 if label != "Note" else 14)
    footer(slide)

    for (name, _fig), png in zip(briefing.charts, images, strict=True):
        slide = slide_with_title(name)
        pic = slide.shapes.add_picture(
            io.BytesIO(png), Inches(0.6), Inches(1.2), width=Inches(12.1)
        )
        caveats = briefing.chart_notes.get(name, [])
        limit = Inches(5.7 - 0.35 * min(len(caveats), 4))
        if pic.height > limit:
            ratio = limit / pic.height
            pic.height, pic.width = Emu(int(pic.height * ratio)), Emu(int(pic.width * ratio))
        if caveats:
            box = slide.shapes.add_textbox(
                Inches(0.6), Inches(1.2) + pic.height, Inches(12.1), Inches(1.4)
            ).text_frame
            box.word_wrap = True
            for i, line in enumerate(caveats):
                para = box.paragraphs[0] if i == 0 else box.add_paragraph()
                para.text = line
                para.runs[0].font.size = Pt(10)
        footer(slide)

    slide = slide_with_title("Events")
    if briefing.events.empty:
        note = slide.shapes.add_textbox(Inches(0.7), Inches(1.5), Inches(12), Inches(1)).text_frame
        note.text = "No events match these filters."
    else:
        rows, cols = len(briefing.events) + 1, len(briefing.events.columns)
        table = slide.shapes.add_table(
            rows, cols, Inches(0.5), Inches(1.2), Inches(12.3), Inches(0.3) * rows
        ).table
        widths = [1.2, 6.1, 0.9, 1.8, 2.3]
        for j, col in enumerate(briefing.events.columns):
            table.columns[j].width = Inches(widths[j] if j < len(widths) else 1.5)
            table.cell(0, j).text = col
        for i, row in enumerate(briefing.events.itertuples(index=False), start=1):
            for j, value in enumerate(row):
                table.cell(i, j).text = str(value)
        for r in range(rows):
            for c in range(cols):
                for para in table.cell(r, c).text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(10)
    footer(slide)

    per_slide = 14
    chunks = [
        briefing.sources[i : i + per_slide] for i in range(0, len(briefing.sources), per_slide)
    ] or [[]]
    for k, chunk in enumerate(chunks, start=1):
        slide = slide_with_title("Sources" + (f" ({k}/{len(chunks)})" if len(chunks) > 1 else ""))
        frame = slide.shapes.add_textbox(
            Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.6)
        ).text_frame
        frame.word_wrap = True
        for i, src in enumerate(chunk):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = src
            para.runs[0].font.size = Pt(10)
        footer(slide)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def to_pdf(briefing: Briefing, images: list[bytes]) -> bytes:
    """The same briefing as a landscape PDF: one page per slide of the deck."""
    from fpdf import FPDF

    def clean(text: str) -> str:
        return str(text).encode("latin-1", "replace").decode("latin-1")

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)

    def page(title: str) -> None:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 20)
        pdf.set_xy(12, 10)
        pdf.multi_cell(273, 9, clean(title), align="L")
        pdf.set_font("Helvetica", "", 8)
        pdf.set_xy(12, 200)
        pdf.cell(
            0,
            5,
            clean(
                f"As of {briefing.as_of.day} {briefing.as_of:%B %Y} - dataset v{briefing.version}"
            ),
        )

    page(briefing.title)
    pdf.set_font("Helvetica", "", 13)
    pdf.set_xy(12, 40)
    pdf.multi_cell(273, 7, clean(briefing.subtitle))
    page("Key numbers")
    pdf.set_xy(14, 30)
    pdf.set_font("Helvetica", "", 13)
    for label, value in briefing.numbers + [("Note", n) for n in briefing.notes]:
        pdf.set_x(14)
        pdf.multi_cell(270, 7, clean(f"{label}: {value}"))
    for (name, _fig), png in zip(briefing.charts, images, strict=True):
        page(name)
        caveats = briefing.chart_notes.get(name, [])
        # fit the page both ways: at 165 mm high a 1200x620 chart would be 319 mm wide and run
        # off the 297 mm page (its right edge, often the legend, cut)
        height = 165 - 8 * min(len(caveats), 4)
        width = min(273.0, height * IMAGE_SIZE[0] / IMAGE_SIZE[1])
        shown = pdf.image(
            io.BytesIO(png), x=12, y=28, w=width, h=width * IMAGE_SIZE[1] / IMAGE_SIZE[0]
        )
        if caveats:
            pdf.set_font("Helvetica", "", 8)
            pdf.set_xy(12, 28 + shown.rendered_height + 2)
            for line in caveats:
                pdf.set_x(12)
                pdf.multi_cell(273, 4, clean(line))
    page("Events")
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(12, 28)
    if briefing.events.empty:
        pdf.cell(0, 6, "No events match these filters.")
    else:
        with pdf.table(col_widths=(22, 130, 16, 40, 60), text_align="LEFT") as table:
            table.row(list(briefing.events.columns))
            for row in briefing.events.itertuples(index=False):
                table.row([clean(v)[:120] for v in row])
    per_page = 16
    for k in range(0, max(len(briefing.sources), 1), per_page):
        page("Sources")
        pdf.set_font("Helvetica", "", 8)
        pdf.set_xy(12, 28)
        for src in briefing.sources[k : k + per_page]:
            pdf.set_x(12)
            pdf.multi_cell(273, 4.5, clean(src), align="L")
    return bytes(pdf.output())


def build(briefing: Briefing, fmt: str, progress: Callable[[str], None] | None = None) -> bytes:
    """Render ``briefing`` as ``pptx`` or ``pdf`` bytes."""
    images = render(briefing, progress)
    if progress:
        progress(f"Assembling the {fmt.upper()}")
    return to_pptx(briefing, images) if fmt == "pptx" else to_pdf(briefing, images)

"""What every page shares: the cached load, the sidebar filters kept in the URL, the footer."""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from analysis import sources
from analysis.filters import PARAMS, Choices, Filters, parse_query, to_query
from analysis.package import (
    DataPackage,
    DataPackageError,
    data_dir,
    display_dir,
    load_package,
)
from analysis.text import escape_markdown

ROOT = Path(__file__).resolve().parent.parent


def page_entry() -> None:
    """Streamlit runs a folder named pages/ as an old-style multipage app until st.navigation has
    run once in the process: the first session after a start, opened on a deep link, would run
    this page file directly (raw module names in the sidebar, narrow layout). Hand that run to
    app.py's router once."""
    if PagesManager.uses_pages_directory:
        runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
        st.stop()


_WIDGETS = {
    "country": "f_country",
    "mineral": "f_mineral",
    "type": "f_type",
    "from": "f_from",
    "to": "f_to",
    "as_of": "f_as_of",
}


@st.cache_resource(show_spinner="Loading and validating the data…")
def _load(data_dir: str) -> DataPackage:
    return load_package(Path(data_dir))


def load() -> DataPackage:
    """The validated data package; on invalid data, an error banner and the page stops."""
    folder = data_dir()
    try:
        return _load(str(folder))
    except DataPackageError as exc:
        lines = "\n".join(f"- {escape_markdown(p)}" for p in exc.problems[:50])
        more = f"\n\n…and {len(exc.problems) - 50} more." if len(exc.problems) > 50 else ""
        st.error(
            f"The data in {escape_markdown(display_dir(folder))} does not match its description "
            f"({len(exc.problems)} problem(s)). Run python -m analysis validate for the full "
            f"list.\n\n{lines}{more}"
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:  # not a traceback on the page
        st.error(
            f"The data in {escape_markdown(display_dir(folder))} could not be read: "
            f"{escape_markdown(exc)}"
        )
    st.stop()
    raise AssertionError("unreachable: st.stop() raises")


@st.cache_data
def choices(_pkg: DataPackage, version: str, folder: str, today: dt.date) -> Choices:
    """Allowed filter values, from the data package (cached per dataset version and day)."""
    types = _pkg["event_types"]
    cats = {
        c: tuple(types.loc[types["category"] == c, "event_type"])
        for c in types["category"].unique()
    }
    return Choices(
        countries=frozenset(_pkg["countries"]["iso3"]) | frozenset(_pkg["blocs"]["code"]),
        minerals=frozenset(_pkg["minerals"]["mineral_id"]),
        event_types=frozenset(types["event_type"]),
        categories=cats,
        today=today,
    )


def _sync_url() -> None:
    """Widget callback: write the sidebar's values into the URL before the page reruns."""
    state = st.session_state
    filters = Filters(
        countries=tuple(state.get("f_country", [])),
        minerals=tuple(state.get("f_mineral", [])),
        types=tuple(state.get("f_type", [])),
        start=state.get("f_from"),
        end=state.get("f_to"),
        as_of=state.get("f_as_of"),
    )
    query = to_query(filters, state["_choices"])
    keep = {k: v for k, v in st.query_params.to_dict().items() if k not in PARAMS}
    st.query_params.from_dict({**keep, **query})
    state["_last_query"] = query


ALL_FILTERS = ("country", "mineral", "type", "from", "to", "as_of")


def sidebar_filters(pkg: DataPackage, uses: tuple[str, ...] = ALL_FILTERS) -> Filters:
    """Render the shared filters in the sidebar and return them; the URL is the source of truth.

    In presentation mode the sidebar is hidden: every page's subtitle says the filters in words
    (analysis.content.filters_in_words).

    ``uses`` names the filters the page honours; the others are not shown (their values stay in
    the URL for the next page).
    """
    today = dt.date.today()
    ch = choices(pkg, pkg.version, str(pkg.data_dir), today)
    st.session_state["_choices"] = ch
    raw = {name: st.query_params.get_all(name) for name in PARAMS}
    if not any(raw.values()) and st.session_state.get("_last_query"):
        raw = dict(st.session_state["_last_query"])  # page switch: keep the view
        st.query_params.update(raw)
    filters, notices = parse_query(raw, ch)
    st.html(LAYOUT_CSS)
    presentation_mode()
    for notice in notices:
        st.warning(notice, icon=":material/info:")

    countries = pkg["countries"].set_index("iso3")["name"].to_dict()
    countries.update(pkg["blocs"].set_index("code")["name"].to_dict())
    minerals = pkg["minerals"].set_index("mineral_id")["name"].to_dict()
    labels = pkg["event_types"].set_index("event_type")["label"].to_dict()
    values = {
        "f_country": list(filters.countries),
        "f_mineral": list(filters.minerals),
        "f_type": list(filters.types),
        "f_from": filters.start,
        "f_to": filters.end,
        "f_as_of": filters.as_of,
    }
    for key, value in values.items():
        st.session_state[key] = value
    lo, hi = dt.date(1990, 1, 1), dt.date(today.year + 5, 12, 31)
    with st.sidebar:
        st.header("Filters")
        if "country" in uses:
            st.multiselect(
                "Countries or blocs",
                sorted(countries, key=countries.get),
                key="f_country",
                format_func=lambda c: f"{countries[c]} ({c})",
                on_change=_sync_url,
                help="Events where the country (or a bloc it belongs to) is the actor or a counterpart.",
            )
        if "mineral" in uses:
            st.multiselect(
                "Minerals",
                sorted(minerals, key=minerals.get),
                key="f_mineral",
                format_func=lambda m: minerals[m],
                on_change=_sync_url,
                help="A group such as rare earths includes its members (terbium, dysprosium, ...).",
            )
        if "type" in uses:
            st.multiselect(
                "Event types",
                sorted(labels),
                key="f_type",
                format_func=lambda t: labels[t],
                on_change=_sync_url,
            )
        if "from" in uses:
            st.date_input(
                "Announced from", key="f_from", min_value=lo, max_value=hi, on_change=_sync_url
            )
        if "to" in uses:
            st.date_input(
                "Announced to", key="f_to", min_value=lo, max_value=hi, on_change=_sync_url
            )
        if "as_of" in uses:
            st.date_input(
                "Status as of",
                key="f_as_of",
                min_value=lo,
                max_value=hi,
                on_change=_sync_url,
                help="Measures are shown in force, suspended or lifted as they stood on this date.",
            )
            note = view("horizon_note", pkg, filters.as_of)
            if note:
                st.caption(note)
        st.caption("The address bar holds these filters: copy it to share this view.")
    st.session_state["_last_query"] = to_query(filters, ch)
    return filters


def footer(pkg: DataPackage) -> None:
    """Source and licence line shown under every page."""
    exit_presentation()
    st.divider()
    st.caption(f"Dataset version {pkg.version}. {sources.attribution(pkg)}")


def empty_explanation(filters: Filters) -> None:
    """Say why nothing is drawn instead of drawing an empty chart."""
    st.info(
        "No event matches these filters "
        f"(announced {filters.start.day} {filters.start:%b %Y} to {filters.end.day} {filters.end:%b %Y}). "
        "Widen the date range or clear a country, mineral or event-type filter.",
        icon=":material/filter_alt_off:",
    )


def url_choice(
    name: str,
    options: list,
    default: object,
    label: str,
    *,
    format_func=str,
    kind: str = "selectbox",
    sidebar: bool = False,
) -> object:
    """A page-level choice kept in the URL parameter ``name``; unknown values fall back with a notice.

    ``kind`` is ``selectbox``, ``radio`` or ``segmented``. Options are compared as strings.
    """
    key = f"p_{name}"
    raw = st.query_params.get(name)
    by_text = {str(o): o for o in options}
    value = default
    if raw is not None:
        if str(raw)[:200] in by_text:
            value = by_text[str(raw)[:200]]
        else:
            shown = "".join(ch if ch.isalnum() or ch in "-_ ." else "?" for ch in str(raw)[:40])
            st.warning(
                f"Unknown {label.lower()} '{shown}' ignored; showing {format_func(default)}.",
                icon=":material/info:",
            )
    st.session_state[key] = value

    def _write() -> None:
        chosen = st.session_state.get(key)
        if chosen is None or chosen == default:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = str(chosen)

    where = st.sidebar if sidebar else st
    if kind == "radio":
        return where.radio(
            label, options, key=key, format_func=format_func, on_change=_write, horizontal=True
        )
    if kind == "segmented":
        out = where.segmented_control(
            label, options, key=key, format_func=format_func, on_change=_write
        )
        return value if out is None else out
    return where.selectbox(label, options, key=key, format_func=format_func, on_change=_write)


@st.cache_data(max_entries=128, show_spinner="Computing…")
def _cached_view(name: str, version: str, folder: str, args: tuple, _pkg: DataPackage):
    from analysis import views

    return getattr(views, name)(_pkg, *args)


@st.cache_resource(max_entries=256, show_spinner="Computing…")
def _cached_content(name: str, version: str, folder: str, args: tuple, _pkg: DataPackage):
    """Finished content, kept as the object itself (shared, read-only): st.cache_data would
    unpickle every Plotly figure on every rerun (25-35 ms a figure, bench/RESULTS.md)."""
    from analysis import pages_content

    return getattr(pages_content, name)(_pkg, *args)


def view(name: str, pkg: DataPackage, *args: object):
    """``analysis.views.<name>(pkg, *args)``, or ``analysis.pages_content.<page>`` for a name
    ending in ``_content``, cached per data folder, version and arguments."""
    if name.endswith("_content"):
        return _cached_content(
            name.removesuffix("_content"), pkg.version, str(pkg.data_dir), args, pkg
        )
    return _cached_view(name, pkg.version, str(pkg.data_dir), args, pkg)


def names(pkg: DataPackage) -> dict[str, str]:
    """Display names for country, bloc and aggregate codes."""
    out = pkg["countries"].set_index("iso3")["name"].to_dict()
    out.update(pkg["blocs"].set_index("code")["name"].to_dict())
    out.update({"OTHER": "Other countries", "WLD": "World", "ALL": "all destinations"})
    return out


CHART_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


LAYOUT_CSS = """
<style>
/* Metric labels and values wrap instead of being cut with an ellipsis at 1280 px. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
/* Titles name the view in full (country, date): smaller type keeps them to two lines at 1280 px. */
h1 { font-size: 2.25rem !important; }
</style>
"""
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.stMainBlockContainer, .block-container { max-width: 1500px; padding-top: 1.5rem; }
.stMainBlockContainer p, .stMainBlockContainer li, .stMainBlockContainer label { font-size: 1.2rem; }
h1 { font-size: 2.6rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 3.2rem !important; line-height: 1.15; }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] * { font-size: 1.05rem !important; }
</style>
"""


def presentation_mode() -> bool:
    """``?present=1``: no sidebar or toolbar, larger type. The filters still come from the URL."""
    present = st.query_params.get("present") == "1"

    def _toggle() -> None:
        if st.session_state.get("present_toggle"):
            st.query_params["present"] = "1"
        else:
            st.query_params.pop("present", None)

    st.session_state["present_toggle"] = present
    st.sidebar.toggle(
        "Presentation mode",
        key="present_toggle",
        on_change=_toggle,
        help="Hides the sidebar and enlarges the type; the link keeps the view.",
    )
    if present:
        st.html(PRESENT_CSS)
    return present


def exit_presentation() -> None:
    if st.query_params.get("present") == "1" and st.button(
        "Exit presentation mode", key="exit_present", type="tertiary"
    ):
        st.query_params.pop("present", None)
        st.rerun()


def briefing_buttons(make, key: str) -> None:
    """Buttons that build the briefing (PowerPoint or PDF) with progress, then offer the download."""
    from analysis import briefing

    if st.query_params.get("present") == "1":
        return
    st.subheader("Briefing for stakeholders")
    cols = st.columns(2)
    mimes = {
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
    }
    for fmt, col in zip(("pptx", "pdf"), cols, strict=True):
        state_key = f"brief_{key}_{fmt}"
        if col.button(
            f"Build {fmt.upper()} briefing", key=f"btn_{key}_{fmt}", icon=":material/slideshow:"
        ):
            with col.status(f"Building the {fmt.upper()} briefing…", expanded=True) as status:
                doc = make()
                data = briefing.build(doc, fmt, progress=status.write)
                status.update(
                    label=f"{fmt.upper()} briefing ready", state="complete", expanded=False
                )
            st.session_state[state_key] = (f"{doc.file_stem}.{fmt}", data)
        if state_key in st.session_state:
            name, data = st.session_state[state_key]
            col.download_button(
                f"Download {name}",
                data,
                file_name=name,
                mime=mimes[fmt],
                key=f"dl_{key}_{fmt}",
                icon=":material/download:",
            )


def show_numbers(numbers: list) -> None:
    """Key numbers (analysis.content.Number) as metrics, up to four to a row, rows balanced
    (five numbers: three and two), so no label or value has to be cut."""
    if not numbers:
        return
    rows = -(-len(numbers) // 4)
    per_row = -(-len(numbers) // rows)
    for start in range(0, len(numbers), per_row):
        row = numbers[start : start + per_row]
        for col, number in zip(st.columns(per_row), row, strict=False):
            col.metric(
                escape_markdown(number.label),
                number.value,
                help=escape_markdown(number.help) if number.help else None,
            )


def show_chart(chart) -> None:
    """A chart (analysis.content.Chart): its figure carries the title and the source line."""
    st.plotly_chart(chart.figure, width="stretch", config=CHART_CONFIG)


def show_content_table(table) -> None:
    """A finished table (analysis.content.Table): display headers already, links as links."""
    config = {c: st.column_config.LinkColumn(c, display_text="open source") for c in table.links}
    st.dataframe(table.frame, hide_index=True, width="stretch", column_config=config)
    if table.note:
        st.caption(escape_markdown(table.note))


class PrebuiltDeck:
    """A map whose deck.gl JSON was built (and cached) by the view: st.pydeck_chart sends it as
    it is, with no pydeck serialisation on each rerun."""

    layers = None

    def __init__(self, spec: str, tooltip: dict) -> None:
        self._spec, self._tooltip = spec, tooltip

    def to_json(self) -> str:
        return self._spec


def show_text(item) -> None:
    """Data text is never Markdown: a note (caption, escaped), a paragraph (``body``, as text),
    an info box, or our own documentation (``markdown``)."""
    if item.kind == "info":
        st.info(escape_markdown(item.text), icon=":material/info:")
    elif item.kind == "markdown":
        st.markdown(item.text)
    elif item.kind == "body":
        st.text(item.text)
    else:
        st.caption(escape_markdown(item.text))


def show_item(pkg: DataPackage, item) -> None:
    """One finished item (analysis.content) drawn with Streamlit."""
    from analysis import content as c

    if isinstance(item, c.Section):
        show_section(pkg, item)
    elif isinstance(item, c.Number):
        show_numbers([item])
    elif isinstance(item, c.Table):
        show_content_table(item)
    elif isinstance(item, c.Chart):
        show_chart(item)
    elif isinstance(item, c.MapView):
        st.pydeck_chart(PrebuiltDeck(item.spec, item.tooltip), height=item.height)
    elif isinstance(item, c.Text):
        show_text(item)
    elif isinstance(item, c.Link):
        st.link_button(escape_markdown(item.label), item.url)
    elif isinstance(item, c.PageLink):
        st.page_link(
            item.page,
            label=escape_markdown(item.label),
            icon=":material/science:",
            query_params=item.params,
        )
    elif isinstance(item, c.Download):
        data = item.data if item.data is not None else (pkg.data_dir / str(item.path)).read_bytes()
        st.download_button(
            item.label,
            data,
            file_name=item.file_name,
            mime=item.mime,
            key=f"dl_{item.file_name}",
            icon=":material/download:" if item.data is not None else None,
        )


def show_section(pkg: DataPackage, section) -> None:
    """A section: its heading, then its items (side by side when it has columns)."""
    if not section.items:
        return
    if section.collapsed:
        box = st.expander(escape_markdown(section.heading))
    else:
        box = st.container()
        if section.heading:
            box.subheader(escape_markdown(section.heading))
    with box:
        if section.columns > 1:
            cols = st.columns(section.columns)
            for i, item in enumerate(section.items):
                with cols[i % section.columns]:
                    show_item(pkg, item)
        else:
            for item in section.items:
                show_item(pkg, item)


def heading() -> st.delta_generator.DeltaGenerator:
    """A slot for the page title, drawn before the page's own choices so they sit under it."""
    return st.container()


def show_head(content, top=None) -> None:
    """Title, the filters in words (in ``top``, a :func:`heading` slot, when given), the key
    numbers, the caveats, the head charts and tables."""
    with top if top is not None else st.container():
        st.title(escape_markdown(content.title))
        st.caption(escape_markdown(content.subtitle))
    show_numbers(content.numbers)
    for chart in content.charts:
        show_chart(chart)
    for line in content.notes:  # caveats under the chart they qualify
        st.caption(escape_markdown(line))
    for table in content.tables:
        show_content_table(table)


def render(pkg: DataPackage, content, top=None) -> None:
    """A page's finished content: the head (title in ``top`` when given), then every section."""
    show_head(content, top)
    for section in content.sections:
        show_section(pkg, section)

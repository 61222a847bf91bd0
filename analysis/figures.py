"""Plotly figures shared by the pages and the briefings: one module builds every chart."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analysis.palette import EVENT_TYPE_COLOURS, EVENT_TYPE_SYMBOLS, STATUS_COLOURS
from analysis.text import escape_html

FONT = "Arial, Helvetica, sans-serif"


_UNBROKEN = re.compile(r"\((?:[^()]|\([^()]*\))*\)\S*|\d{1,2} [A-Z][a-z]{2,8} \d{4}\S*|\S+")


def wrap(text: str, width: int = 80) -> str:
    """Break a line at spaces into lines of at most ``width`` characters, joined by <br>; a
    parenthesis or a date ("31 Dec 2025") stays on one line.

    >>> wrap("Source: a b c", 9)
    'Source: a<br>b c'
    >>> wrap("Gallium, to 31 Dec 2025 (USGS MCS 2026)", 12)
    'Gallium, to<br>31 Dec 2025<br>(USGS MCS 2026)'
    >>> wrap("Iron ore (iron ore (iron content)), BACI (HS92), 31 Dec 2025.", 8)
    'Iron ore<br>(iron ore (iron content)),<br>BACI<br>(HS92),<br>31 Dec 2025.'
    """
    lines: list[str] = []
    for word in _UNBROKEN.findall(text):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _escaped(frame: pd.DataFrame) -> list[list[str]]:
    """Data text for Plotly's hover (which reads a subset of HTML) with every tag shown as text."""
    return [[escape_html("" if pd.isna(v) else v) for v in row] for row in frame.to_numpy()]


def source_note(text: str, yshift: int, width: int = 80) -> dict:
    """The source under a chart (every chart carries one), wrapped so a half-width chart shows it all."""
    return {
        "text": wrap(escape_html(text), width),
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 0,
        "yshift": yshift,
        "showarrow": False,
        "font": {"size": 11, "color": "#555"},
        "xanchor": "left",
        "yanchor": "top",
        "align": "left",
    }


def _opening(text: str, limit: int = 160) -> str:
    """The first ``limit`` characters of a summary, cut at a word, with an ellipsis if cut.

    >>> _opening("Short."), _opening("one two three four", 9)
    ('Short.', 'one two…')
    """
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _lanes(events: pd.DataFrame, lane: str, names: dict[str, str] | None = None) -> pd.DataFrame:
    if lane == "mineral":
        out = events.assign(lane=events["minerals"].fillna("").str.split(";")).explode("lane")
    else:
        out = events.assign(lane=events["actor"])
    if names:
        out = out.assign(lane=out["lane"].map(lambda c: names.get(c, c)))
    return out


def timeline_figure(
    events: pd.DataFrame,
    intervals: pd.DataFrame,
    labels: dict[str, str],
    categories: dict[str, str],
    lane: str,
    as_of: dt.date,
    source_line: str,
    reviewed: dt.date | None = None,
    lane_names: dict[str, str] | None = None,
) -> go.Figure:
    """Swimlanes (one per actor or mineral) with a marker per event and a bar per measure's life.

    When ``as_of`` is after ``reviewed`` (the data horizon), the stretch between them is shaded:
    bars there may rest on dates scheduled in advance rather than on a source.

    ``intervals`` is :func:`analysis.status.status_intervals` restricted to the shown measures
    (with ``by_mineral=True`` for lanes by mineral, so that each lane shows that mineral's status).
    Marker colour is the event type, marker shape the category; the hover text gives the
    summary and the source.
    """
    fig = go.Figure()
    rows = _lanes(events, lane, lane_names)
    lanes = sorted(rows["lane"].dropna().unique().tolist(), reverse=True)
    if "mineral" in intervals:  # per-mineral lives: each bar in its own mineral's lane
        lanes_of = rows[["event_id", "lane", "title"]].drop_duplicates()
        lane_of = intervals["mineral"].map(lambda c: (lane_names or {}).get(c, c))
        spans = (
            intervals.drop(columns="mineral")
            .assign(lane=lane_of)
            .merge(lanes_of, on=["event_id", "lane"])
        )
    else:
        spans = intervals.merge(rows[["event_id", "lane", "title"]], on="event_id")
    for status in ("announced", "in force", "relaxed", "suspended"):  # lifted/expired: no bar
        colour = STATUS_COLOURS[status]
        part = spans[spans["status"] == status]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                base=part["start"],
                x=(part["end"] - part["start"]).dt.total_seconds() * 1000,
                y=part["lane"],
                orientation="h",
                marker={"color": colour, "opacity": 0.4},
                name=f"Measure {status}",
                legendgroup="status",
                hovertemplate="%{customdata[0]}<br>"
                + status
                + ": %{base|%Y-%m-%d} to %{customdata[1]}<extra></extra>",
                customdata=list(
                    zip(
                        part["title"].map(escape_html),
                        part["end"].dt.strftime("%Y-%m-%d"),
                        strict=True,
                    )
                ),
                width=0.5,
            )
        )
    for etype, part in rows.groupby("event_type", sort=True):
        colour = EVENT_TYPE_COLOURS.get(str(etype), "#444444")
        symbol = EVENT_TYPE_SYMBOLS.get(categories.get(str(etype), ""), "circle")
        fig.add_trace(
            go.Scatter(
                x=part["announced"],
                y=part["lane"],
                mode="markers",
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": 11,
                    "line": {"width": 1, "color": "white"},
                },
                name=escape_html(labels.get(str(etype), str(etype))),
                # the hover shows the summary's opening (the full text is in the event details
                # under the chart): a third of the spec's bytes, and a box that fits the screen
                customdata=_escaped(
                    part[["event_id", "title", "summary", "source_publisher"]].assign(
                        summary=part["summary"].fillna("").map(_opening)
                    )
                ),
                hovertemplate=(
                    "<b>%{customdata[1]}</b><br>%{x|%Y-%m-%d}<br>%{customdata[2]}"
                    "<br>Source: %{customdata[3]}<extra></extra>"
                ),
            )
        )
    fig.add_vline(x=pd.Timestamp(as_of).value / 1e6, line={"dash": "dot", "color": "#333"})
    if reviewed is not None and pd.Timestamp(as_of) > pd.Timestamp(reviewed):
        fig.add_vrect(
            x0=pd.Timestamp(reviewed).value / 1e6,
            x1=pd.Timestamp(as_of).value / 1e6,
            fillcolor="#BBBBBB",
            opacity=0.25,
            line_width=0,
            layer="below",
            annotation_text="after the last review of the events",
            annotation_position="top left",
        )
    fig.update_layout(
        title={
            "text": f"Minerals deals and export controls, status as of {as_of.day} {as_of:%B %Y}",
            "x": 0,
            "font": {"size": 16},
        },
        barmode="overlay",
        # tall enough for every legend entry too (a scrolling legend hides some at 1280 px)
        height=max(360, 26 * len(lanes) + 160, 21 * len(fig.data) + 180),
        margin={"l": 60, "r": 10, "t": 60, "b": 100},
        font={"family": FONT, "size": 13},
        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 11}},
        xaxis={"title": "Date announced (bars: a measure's status over time)", "type": "date"},
        yaxis={
            "title": "Actor" if lane == "actor" else "Mineral",
            "categoryorder": "array",
            "categoryarray": lanes,
        },
        annotations=[*fig.layout.annotations, source_note(source_line, yshift=-62)],
    )
    return fig


TITLE_WIDTH = 66  # characters per title line: a half-width chart at 1280 px shows it all


def wrap_title(title: str) -> str:
    """A chart title on lines of at most :data:`TITLE_WIDTH` characters, broken first after its
    colon ("Gallium · refinery:" / "share of world production, ...").

    >>> wrap_title("Gallium · refinery: share of world production, 2025 (USGS MCS 2026, 2025 estimates)")
    'Gallium · refinery:<br>share of world production, 2025 (USGS MCS 2026, 2025 estimates)'
    """
    if len(title) <= TITLE_WIDTH:
        return title
    head, sep, rest = title.partition(": ")
    if sep and len(head) < TITLE_WIDTH:
        return wrap(head + ":", TITLE_WIDTH) + "<br>" + wrap(rest, TITLE_WIDTH)
    return wrap(title, TITLE_WIDTH)


def title_lines(title: str) -> int:
    """How many lines :func:`_base_layout` breaks ``title`` into.

    >>> title_lines("short"), title_lines("word " * 30)
    (1, 3)
    """
    return wrap_title(title).count("<br>") + 1


def top_margin(title: str, legend_rows: int = 0) -> int:
    """Room above the plot for the title's lines and a legend of ``legend_rows`` rows above it."""
    return 26 + 21 * title_lines(title) + legend_height(legend_rows)


def legend_height(rows: int) -> int:
    return 20 * rows + 10 if rows else 6


def _base_layout(
    fig: go.Figure, title: str, source_line: str, height: int = 420, legend_rows: int = 0
) -> go.Figure:
    """Title above the plot (and above a legend of ``legend_rows`` rows drawn over the plot),
    the source line under it; the figure grows by the title's extra lines."""
    lines = title_lines(title)
    total = height + 21 * (lines - 1) + legend_height(legend_rows)
    fig.update_layout(
        title={  # 20 px from the top (Plotly's "top" anchor leaves a first line's top cut)
            "text": wrap_title(escape_html(title)),
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - 20 / total,
            "yanchor": "top",
            "font": {"size": 16},
        },
        height=total,
        margin={"l": 60, "r": 30, "t": top_margin(title, legend_rows), "b": 120},
        font={"family": FONT, "size": 13},
        annotations=[*fig.layout.annotations, source_note(source_line, yshift=-78, width=70)],
    )
    # Tick labels push the margins out rather than being clipped ("100" drawn as "00").
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def shares_figure(
    shares: pd.DataFrame, names: Mapping[Any, str], title: str, source_line: str, top: int = 10
) -> go.Figure:
    """Horizontal bars of country shares (%) with OTHER at the bottom; one colour per country."""
    from analysis.palette import country_colour

    data = shares.sort_values("share", ascending=False)
    head = data[data["country"] != "OTHER"].head(top)
    rest = data[~data.index.isin(head.index)]["share"].sum()
    rows = [*zip(head["country"], head["share"], strict=True)]
    if rest > 0:
        rows.append(("OTHER", rest))
    labels = [escape_html(names.get(c, "Other countries" if c == "OTHER" else c)) for c, _ in rows]
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in rows],
            y=labels,
            orientation="h",
            marker={"color": [country_colour(c) if c != "OTHER" else "#BBBBBB" for c, _ in rows]},
            text=[f"{v:.1f}%" for _, v in rows],
            textposition="outside",
            cliponaxis=False,  # the value label of a 99% bar stays whole
            hovertemplate="%{y}: %{x:.1f}% of world<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis={
            "title": "Share of world total (%)",
            "range": [0, 125],
            "tickvals": [0, 25, 50, 75, 100],
        },
        yaxis={"autorange": "reversed", "title": None},
        showlegend=False,
    )
    return _base_layout(fig, title, source_line, height=max(300, 34 * len(rows) + 160))


def exposure_figure(
    series: pd.DataFrame,
    markers: pd.DataFrame,
    title: str,
    source_line: str,
    y_title: str = "World production behind a control in force (%)",
) -> go.Figure:
    """Lines of exposure (%) over time per mineral and stage, with the mineral's events marked.

    ``series``: columns ``date``, ``label``, ``exposure`` (and ``exposure_relaxed``, drawn dotted
    when any is above zero: supply behind a measure that stands but lets exports through);
    ``markers``: ``announced``, ``title``, ``event_type``, ``event_id``.
    """
    from analysis.palette import OKABE_ITO

    fig = go.Figure()
    for i, (label, part) in enumerate(series.groupby("label", sort=True)):
        fig.add_trace(
            go.Scatter(
                x=part["date"],
                y=part["exposure"],
                mode="lines",
                name=escape_html(label),
                line={"shape": "hv", "width": 2.5, "color": OKABE_ITO[i % len(OKABE_ITO)]},
                hovertemplate="%{x|%b %Y}: %{y:.1f}% of world supply<extra>"
                + escape_html(label)
                + "</extra>",
            )
        )
        relaxed = part.get("exposure_relaxed")
        if relaxed is not None and (relaxed > 0).any():
            fig.add_trace(
                go.Scatter(
                    x=part["date"],
                    y=relaxed,
                    mode="lines",
                    name=escape_html(f"{label}, relaxed control"),
                    line={
                        "shape": "hv",
                        "width": 1.5,
                        "dash": "dot",
                        "color": OKABE_ITO[i % len(OKABE_ITO)],
                    },
                    hovertemplate="%{x|%b %Y}: %{y:.1f}% of world supply behind a relaxed control"
                    "<extra>" + escape_html(label) + "</extra>",
                )
            )
    if not markers.empty:
        fig.add_trace(
            go.Scatter(
                x=markers["announced"],
                y=[102] * len(markers),
                mode="markers",
                name="Events on record",
                marker={
                    "symbol": "triangle-down",
                    "size": 10,
                    "color": [EVENT_TYPE_COLOURS.get(t, "#444") for t in markers["event_type"]],
                },
                customdata=_escaped(markers[["event_id", "title"]]),
                hovertemplate="%{x|%Y-%m-%d}: %{customdata[1]}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": "Date", "type": "date"},
        yaxis={"title": y_title, "range": [0, 106]},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )
    rows = -(-sum(1 for t in fig.data if t.showlegend is not False) // 2)  # two entries a row
    return _base_layout(fig, title, source_line, height=400, legend_rows=rows)


def counts_figure(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour: str,
    title: str,
    source_line: str,
    x_title: str,
    y_title: str,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """Stacked bars of counts (e.g. events per year by event type), coloured by the palette."""
    fig = go.Figure()
    for key, part in frame.groupby(colour, sort=True):
        name = (names or {}).get(str(key), str(key))
        fig.add_trace(
            go.Bar(
                x=part[x],
                y=part[y],
                name=escape_html(name),
                marker={"color": EVENT_TYPE_COLOURS.get(str(key), "#777")},
                hovertemplate="%{x}: %{y}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        xaxis={"title": x_title},
        yaxis={"title": y_title},
        legend={"orientation": "v"},
    )
    return _base_layout(fig, title, source_line)


def scenario_figure(stages: pd.DataFrame, title: str, source_line: str) -> go.Figure:
    """Per stage: world supply lost against the upper bound of what deal partners produce."""
    labels = (
        [escape_html(v) for v in stages["label"]]
        if "label" in stages
        else [
            escape_html(f"{m}, {s}")
            for m, s in zip(stages["mineral"], stages["stage"], strict=True)
        ]
    )
    fig = go.Figure(
        [
            go.Bar(
                name="World supply lost (%)",
                x=labels,
                y=stages["supply_lost"],
                marker={"color": "#D55E00"},
                hovertemplate="%{x}: %{y:.1f}% of world supply lost<extra></extra>",
            ),
            go.Bar(
                name="Deal partners' output, upper bound (%)",
                x=labels,
                y=stages["offset_upper_bound"],
                marker={"color": "#0072B2"},
                hovertemplate="%{x}: partners produce %{y:.1f}% of world<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        yaxis={"title": "Share of world production (%)", "range": [0, 105]},
        xaxis={"title": "Mineral and stage"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
    )
    return _base_layout(fig, title, source_line, legend_rows=1)


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [poly[0] for poly in geometry["coordinates"]]


def _edge(value: float) -> str:
    """A class edge as a reader writes it: whole numbers from 10, one decimal from 1, else two
    significant figures.

    >>> [_edge(v) for v in (0.333, 0.6, 20.533, 60.267, 100.0, 3.0)]
    ['0.33', '0.6', '21', '60', '100', '3']
    """
    if value >= 10:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.2g}"


def static_map_figure(
    shapes: dict, values: pd.Series, title: str, source_line: str, legend: str, bins: int = 5
) -> go.Figure:
    """A world map as plain filled polygons on lon/lat axes: no geo base layer, no topojson, no tiles.

    Works offline in the browser and in static export. Countries are grouped into ``bins``
    quantile classes (one trace each, orange ramp); countries without a value are grey.
    """
    from analysis.palette import ORANGE_RAMP as ramp

    valued = values.dropna()
    if len(valued):
        edges = sorted(set(valued.quantile([i / bins for i in range(bins + 1)]).round(3)))
        if (valued == valued.round()).all():  # counts: whole-number classes ("1 to 3", not 3.2)
            edges = sorted({float(round(e)) for e in edges})
    else:
        edges = []
    groups: dict[str, tuple[list[float | None], list[float | None], str]] = {}
    for feature in shapes["features"]:
        iso = feature["properties"]["iso3"]
        v = values.get(iso)
        if v is None or pd.isna(v) or len(edges) < 2:
            key, colour = "no data", "#DDDDDD"
        else:
            k = max(0, min(len(edges) - 2, sum(v > e for e in edges[1:-1])))
            key = f"{_edge(edges[k])} to {_edge(edges[k + 1])}"
            colour = ramp[min(k, len(ramp) - 1)]
        xs, ys, _ = groups.setdefault(key, ([], [], colour))
        for ring in _rings(feature["geometry"]):
            xs.extend([p[0] for p in ring] + [None])
            ys.extend([p[1] for p in ring] + [None])
    fig = go.Figure()
    order = sorted(
        (k for k in groups if k != "no data"), key=lambda k: float(k.split(" to ")[0])
    ) + (["no data"] if "no data" in groups else [])
    for key in order:
        xs, ys, colour = groups[key]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "white", "width": 0.4},
                name=key,
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        xaxis={"visible": False, "range": [-170, 190]},
        yaxis={"visible": False, "range": [-58, 85], "scaleanchor": "x"},
        legend={"title": {"text": legend}, "orientation": "v"},
        plot_bgcolor="#F4F6F8",
    )
    return _base_layout(fig, title, source_line, height=500)


def trade_exports_figure(
    exports: pd.DataFrame, marks: pd.DataFrame, title: str, source_line: str
) -> go.Figure:
    """World exports by exporter over time (lines, million USD), with control events marked.

    ``exports``: ``year``, ``exporter`` (display name), ``value_musd``; ``marks``: ``date``,
    ``label``. A ban shows as the exporter's line falling after its mark.
    """
    from analysis.palette import OKABE_ITO

    fig = go.Figure()
    order = exports.groupby("exporter")["value_musd"].sum().sort_values(ascending=False).index
    for i, name in enumerate(order):
        part = exports[exports["exporter"] == name].sort_values("year")
        fig.add_trace(
            go.Scatter(
                x=part["year"].astype(int).tolist(),
                y=part["value_musd"].round(3).tolist(),
                mode="lines+markers",
                name=str(name),
                line={
                    "width": 2.5 if name != "Others" else 1.5,
                    "color": OKABE_ITO[i % len(OKABE_ITO)],
                    "dash": "dot" if name == "Others" else "solid",
                },
                marker={"size": 4},
                hovertemplate="%{x}: %{y:,.0f} million USD<extra>" + str(name) + "</extra>",
            )
        )
    top = float(exports["value_musd"].max()) if len(exports) else 1.0
    if not marks.empty:
        years = marks["date"].dt.year + (marks["date"].dt.day_of_year - 1) / 365.25
        # One shape per distinct date, set in one call (add_vline per mark costs ~20 ms each).
        fig.update_layout(
            shapes=[
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": float(x),
                    "x1": float(x),
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#999", "width": 1, "dash": "dash"},
                }
                for x in sorted(set(years.round(3)))
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=years.tolist(),
                y=[top * 1.04] * len(marks),
                mode="markers",
                name="export controls",
                marker={"symbol": "triangle-down", "size": 11, "color": "#D55E00"},
                customdata=marks[["label"]].to_numpy(),
                text=marks["date"].dt.strftime("%d %b %Y").str.lstrip("0"),
                hovertemplate="%{text}: %{customdata[0]}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": "Year", "dtick": 5},
        yaxis={"title": "Exports, million current USD", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.16},
    )
    return _base_layout(fig, title, source_line, height=460)


def slope_figure(
    slopes: pd.DataFrame, value: str, axis_title: str, title: str, source_line: str
) -> go.Figure:
    """One line per mineral from the earlier year to the later one (a slope chart of ``value``)."""
    from analysis.palette import OKABE_ITO

    fig = go.Figure()
    for i, (label, part) in enumerate(slopes.groupby("label", sort=True)):
        part = part.sort_values("year")
        fig.add_trace(
            go.Scatter(
                x=part["year"].astype(str).tolist(),
                y=part[value].round(2).tolist(),
                mode="lines+markers",
                name=str(label),
                line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 2},
                hovertemplate="%{x}: %{y:,.1f}<extra>" + str(label) + "</extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": "Year", "type": "category"},
        yaxis={"title": axis_title, "rangemode": "tozero"},
        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 11}},
    )
    return _base_layout(fig, title, source_line, height=440)

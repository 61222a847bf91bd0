"""Plotly figures shared by the pages and the briefings: one module builds every chart."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from analysis.palette import EVENT_TYPE_COLOURS, EVENT_TYPE_SYMBOLS, STATUS_COLOURS

FONT = "Arial, Helvetica, sans-serif"


def _lanes(events: pd.DataFrame, lane: str) -> pd.DataFrame:
    if lane == "mineral":
        out = events.assign(lane=events["minerals"].fillna("").str.split(";")).explode("lane")
    else:
        out = events.assign(lane=events["actor"])
    return out


def timeline_figure(
    events: pd.DataFrame,
    intervals: pd.DataFrame,
    labels: dict[str, str],
    categories: dict[str, str],
    lane: str,
    as_of: dt.date,
    source_line: str,
) -> go.Figure:
    """Swimlanes (one per actor or mineral) with a marker per event and a bar per measure's life.

    ``intervals`` is :func:`analysis.status.status_intervals` restricted to the shown measures.
    Marker colour is the event type, marker shape the category; the hover text gives the
    summary and the source.
    """
    fig = go.Figure()
    rows = _lanes(events, lane)
    lanes = sorted(rows["lane"].dropna().unique().tolist(), reverse=True)
    spans = intervals.merge(rows[["event_id", "lane"]], on="event_id")
    for status in ("announced", "in force", "suspended"):  # a lifted or expired measure has no bar
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
                name=f"measure {status}",
                legendgroup="status",
                hovertemplate="%{customdata[0]}<br>"
                + status
                + ": %{base|%Y-%m-%d} to %{customdata[1]}<extra></extra>",
                customdata=list(
                    zip(part["event_id"], part["end"].dt.strftime("%Y-%m-%d"), strict=True)
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
                name=labels.get(str(etype), str(etype)),
                customdata=part[
                    ["event_id", "title", "summary", "source_publisher", "source_url"]
                ].to_numpy(),
                hovertemplate=(
                    "<b>%{customdata[1]}</b><br>%{x|%Y-%m-%d}<br>%{customdata[2]}"
                    "<br>Source: %{customdata[3]}<extra>%{customdata[0]}</extra>"
                ),
            )
        )
    fig.add_vline(x=pd.Timestamp(as_of).value / 1e6, line={"dash": "dot", "color": "#333"})
    fig.update_layout(
        title={
            "text": f"Minerals deals and export controls, status as of {as_of:%d %B %Y}",
            "x": 0,
        },
        barmode="overlay",
        height=max(360, 26 * len(lanes) + 160),
        margin={"l": 10, "r": 10, "t": 60, "b": 80},
        font={"family": FONT, "size": 13},
        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 11}},
        xaxis={"title": "Date announced (bars: a measure's status over time)", "type": "date"},
        yaxis={
            "title": "Actor" if lane == "actor" else "Mineral",
            "categoryorder": "array",
            "categoryarray": lanes,
        },
        annotations=[
            {
                "text": source_line,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -62,
                "showarrow": False,
                "font": {"size": 11, "color": "#555"},
                "xanchor": "left",
            }
        ],
    )
    return fig

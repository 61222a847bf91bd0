"""analysis.figures: every chart carries a title and a source line, and data text reaches Plotly escaped."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analysis import figures

HOSTILE = "<b>bold</b> <a href='https://evil.example'>x</a> & co"


def texts(fig) -> str:
    return json.dumps(fig.to_plotly_json(), default=str)


def test_shares_figure_escapes_names_and_keeps_the_order() -> None:
    shares = pd.DataFrame({"country": ["CHN", "USA", "OTHER"], "share": [70.0, 20.0, 10.0]})
    fig = figures.shares_figure(shares, {"CHN": HOSTILE, "USA": "United States"}, "T", "Source: S")
    bar = fig.data[0]
    assert list(bar.x) == [70.0, 20.0, 10.0]
    assert (
        bar.y[0]
        == "&lt;b&gt;bold&lt;/b&gt; &lt;a href=&#x27;https://evil.example&#x27;&gt;x&lt;/a&gt; &amp; co"
    )
    assert bar.y[-1] == "Other countries"
    assert "<b>bold" not in texts(fig)
    assert fig.layout.annotations[-1].text == "Source: S"


def test_timeline_hover_text_is_escaped() -> None:
    events = pd.DataFrame(
        {
            "event_id": ["a-1"],
            "event_type": ["control_ban"],
            "actor": ["CHN"],
            "minerals": ["gallium"],
            "announced": [pd.Timestamp("2024-01-01")],
            "title": [HOSTILE],
            "summary": ["<img src=https://tracker.example/p.png>"],
            "source_publisher": ["**Reuters**"],
            "source_url": ["https://example.org"],
        }
    )
    spans = pd.DataFrame(columns=["event_id", "status", "start", "end"])
    fig = figures.timeline_figure(
        events,
        spans,
        {"control_ban": "Ban"},
        {"control_ban": "control"},
        "actor",
        dt.date(2025, 1, 1),
        "Source: events",
    )
    out = texts(fig)
    assert "<img" not in out and "<b>bold" not in out and "<a href" not in out
    assert "&lt;img src=https://tracker.example/p.png&gt;" in out
    assert "**Reuters**" in out, "Plotly does not read Markdown: asterisks stay as they are"


@pytest.mark.parametrize("title", ["A <sup>x</sup> title", "Plain title"])
def test_every_chart_has_an_escaped_title_and_a_source(title: str) -> None:
    fig = figures.counts_figure(
        pd.DataFrame({"year": [2024], "n": [3], "type": ["deal_mou"]}),
        "year",
        "n",
        "type",
        title,
        "Source: S",
        "Year",
        "Events",
    )
    assert "<sup>" not in fig.layout.title.text
    shown = fig.layout.title.text.replace("<br>", " ")  # long titles wrap onto lines
    assert " ".join(shown.replace("&lt;sup&gt;x&lt;/sup&gt;", "<sup>x</sup>").split()) == " ".join(
        title.split()
    )
    assert any(a.text == "Source: S" for a in fig.layout.annotations)

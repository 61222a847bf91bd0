"""Mineral dependency: who produces it at each stage, what restricts it, who depends on it."""

from __future__ import annotations

from analysis.briefing import mineral_briefing
from analysis.labels import labels
from analysis.views import produced_minerals, trade_minerals
from pages.shared import (
    briefing_buttons,
    footer,
    heading,
    load,
    page_entry,
    render,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
top = heading()
filters = sidebar_filters(pkg)
with_data = sorted(
    produced_minerals(pkg)
    | {"rare_earths"}
    | set(pkg["processing_shares"]["mineral"])
    | set(trade_minerals(pkg))
)
names_of = pkg["minerals"].set_index("mineral_id")["name"].to_dict()
default = (
    filters.minerals[0] if filters.minerals and filters.minerals[0] in with_data else "rare_earths"
)
mineral = url_choice(
    "focus", sorted(with_data, key=names_of.get), default, "Mineral", format_func=names_of.get
)
bases = pkg["production_bases"]
chosen = []
for stage_name in sorted(
    pkg["production"].loc[lambda p: p["mineral"] == mineral, "stage"].unique()
):
    here = bases[(bases["mineral"] == mineral) & (bases["stage"] == stage_name)]
    if len(here) > 1:  # several bases: an explicit choice, defaulting to the listed one
        shown = dict(zip(here["basis"], here["label"], strict=True))
        picked = url_choice(
            f"basis_{stage_name}",
            list(here["basis"]),
            str(here.loc[here["is_default"].astype(bool), "basis"].iloc[0]),
            f"Basis ({labels(pkg).stage(stage_name)})",
            format_func=shown.get,
        )
        chosen.append((mineral, stage_name, picked))
render(pkg, view("mineral_content", pkg, mineral, filters, tuple(chosen)), top)
briefing_buttons(lambda: mineral_briefing(pkg, mineral, filters), f"mineral_{mineral}")
footer(pkg)

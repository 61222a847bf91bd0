"""Mineral dependency: who produces it at each stage, what restricts it, who depends on it."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analysis.briefing import mineral_briefing
from analysis.figures import exposure_figure, trade_exports_figure
from analysis.labels import labels
from analysis.text import escape_markdown as md
from analysis.views import produced_minerals, trade_minerals
from pages.shared import (
    CHART_CONFIG,
    briefing_buttons,
    footer,
    load,
    names,
    page_entry,
    show_numbers,
    show_table,
    sidebar_filters,
    url_choice,
    view,
)

page_entry()

pkg = load()
filters = sidebar_filters(pkg)
lab = labels(pkg)
minerals = pkg["minerals"]
with_data = sorted(
    produced_minerals(pkg)
    | {"rare_earths"}
    | set(pkg["processing_shares"]["mineral"])
    | set(trade_minerals(pkg))
)
labels = minerals.set_index("mineral_id")["name"].to_dict()
default = (
    filters.minerals[0] if filters.minerals and filters.minerals[0] in with_data else "rare_earths"
)
mineral = url_choice(
    "focus", sorted(with_data, key=labels.get), default, "Mineral", format_func=labels.get
)
family_prod = pkg["production"][pkg["production"]["mineral"] == mineral]
chosen = []
for stage_name in sorted(family_prod["stage"].unique()):
    here = pkg["production_bases"][
        (pkg["production_bases"]["mineral"] == mineral)
        & (pkg["production_bases"]["stage"] == stage_name)
    ]
    if len(here) > 1:  # several bases: an explicit choice, defaulting to the listed one
        options = list(here["basis"])
        shown = dict(zip(here["basis"], here["label"], strict=True))
        default_basis = str(here.loc[here["is_default"].astype(bool), "basis"].iloc[0])
        picked = url_choice(
            f"basis_{stage_name}",
            options,
            default_basis,
            f"Basis ({stage_name})",
            format_func=shown.get,
        )
        chosen.append((mineral, stage_name, picked))
data = view("mineral_profile", pkg, mineral, filters, tuple(chosen))
country_names = names(pkg)

st.title(f"{md(data.name)}: supply, controls and dependency as of {filters.as_of:%d %B %Y}")
st.caption(
    f"Production shares: {md('; '.join(sorted(set(data.share_sources.values()))) or 'none')} "
    "Processing shares are cited row by row."
)

if data.stages.empty:
    st.info(
        f"USGS publishes no country production for {md(data.name)}; see processing shares and events below.",
        icon=":material/info:",
    )
else:
    content = view("mineral_content", pkg, mineral, filters)
    show_numbers(content.numbers)
    chart_cols = st.columns(2) if len(content.charts) > 1 else [st.container()]
    for i, chart in enumerate(content.charts):
        fig = chart.figure
        chart_cols[i % len(chart_cols)].plotly_chart(fig, width="stretch", config=CHART_CONFIG)

if not data.revisions.empty:
    with st.expander(f"Figures a later USGS edition revised ({len(data.revisions)})"):
        st.dataframe(data.revisions, hide_index=True, width="stretch")
        st.caption(
            "Each year is taken from the newest USGS Mineral Commodity Summaries edition reporting it; "
            "what an older edition said differently is listed here."
        )

if not data.processing.empty:
    st.subheader("Processing and refining shares (cited per row)")
    show_table(
        pkg,
        data.processing,
        [
            "stage",
            "year",
            "country",
            "share_pct",
            "qualifier",
            "scope",
            "source_publisher",
            "source_url",
        ],
    )

if not data.exposure_series.empty:
    fig = exposure_figure(
        data.exposure_series,
        data.events[["announced", "title", "event_type", "event_id"]],
        f"{data.name}: world production behind an export control in force, to {filters.as_of:%d %b %Y}",
        data.exposure_source,
    )
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)
    for line in view("unverified_caveats", pkg, filters.as_of, list(data.events["event_id"])):
        st.text(line)

st.subheader(f"Who imports {data.name.lower()} and from whom (trade flows)")
if mineral not in trade_minerals(pkg):
    st.info(
        f"BACI's HS 1992 products have no code for {data.name.lower()} alone.",
        icon=":material/info:",
    )
else:
    flows = view("mineral_trade", pkg, mineral, filters)
    st.caption(
        f"Largest importers in {flows.year}, their dependency on their largest source and on exporters "
        f"with a control in force on {filters.as_of:%d %b %Y}. Products counted: "
        + "; ".join(
            f"{r['HS 1992 code']} {r['Product (BACI)']} ({r['Stage']})"
            for _, r in flows.hs.iterrows()
        )
    )
    st.dataframe(flows.importers, hide_index=True, width="stretch")
    fig = trade_exports_figure(
        flows.exports,
        flows.controls,
        f"{data.name}: world exports by exporter, 1995-{flows.year}, with export-control events",
        flows.source,
    )
    st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)
    if not flows.exposure.empty:
        fig = exposure_figure(
            flows.exposure,
            data.events[["announced", "title", "event_type", "event_id"]],
            f"{data.name}: world exports behind an export control in force, to {filters.as_of:%d %b %Y}",
            f"{flows.source}. {flows.exposure_note}",
            y_title="World exports behind a control in force (%)",
        )
        st.plotly_chart(fig, width="stretch", config=CHART_CONFIG)
        st.caption(
            "Beside the production basis above, not instead of it: a ban that works removes the exporter "
            "from world exports, so the export basis falls when the production basis stays high."
        )

left, right = st.columns(2)
with left:
    st.subheader("U.S. import reliance and sources")
    if data.imports.empty:
        st.info("USGS gives no U.S. net import reliance for this mineral.", icon=":material/info:")
    else:
        first = data.imports.iloc[0]
        q = first["reliance_qualifier"] if isinstance(first["reliance_qualifier"], str) else ""
        st.metric(
            data.imports_label,
            "net exporter" if q == "E" else f"{q}{first['net_import_reliance_pct']:.0f}%",
        )
        show_table(pkg, data.imports, ["source_rank", "source_country", "controlled", "partner"])
        st.caption(lab.source("import_reliance"))
with right:
    st.subheader("Governance-weighted supply risk")
    if data.governance.empty:
        st.info("No production data to weigh.", icon=":material/info:")
    else:
        show_table(
            pkg,
            data.governance.round(2),
            [
                "mineral",
                "stage",
                "basis",
                "share_year",
                "hhi_wgi",
                "hhi_wgi_t",
                "supply_risk",
                "eu_2023_supply_risk",
                "bottleneck",
            ],
        )
        st.caption(
            "HHI_WGI,t after the EU 2017 method, with trade parameters from the controls in force on the as-of date; see Data & methods."
        )

st.subheader(f"Deals covering {md(data.name.lower())} ({len(data.deals)})")
show_table(
    pkg,
    data.deals,
    ["announced", "title", "actor", "counterparts", "event_type", "binding", "source_url"],
)
st.subheader(f"Export controls on {md(data.name.lower())}: status on {filters.as_of:%d %B %Y}")
on_date = view("status_on_date", pkg, replace(filters, minerals=(mineral,)))
if on_date.empty:
    st.info(
        f"No export control on {md(data.name.lower())} matching the filters had been announced by this date.",
        icon=":material/info:",
    )
else:
    show_table(pkg, on_date, list(on_date.columns))
top = data.stages.sort_values("top1", ascending=False).iloc[0] if not data.stages.empty else None
if top is not None:
    st.page_link(
        "pages/scenario.py",
        label=md(
            f"What if {country_names.get(top['top1_country'], top['top1_country'])} cut "
            f"{data.name.lower()} exports? Open the scenario"
        ),
        icon=":material/science:",
        query_params={"sc_country": top["top1_country"], "sc_mineral": top["mineral"], "cut": "50"},
    )
briefing_buttons(lambda: mineral_briefing(pkg, mineral, filters), f"mineral_{mineral}")
footer(pkg)

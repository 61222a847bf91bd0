"""One palette for every page and briefing: colour-blind safe (Okabe-Ito and Paul Tol's sets)."""

from __future__ import annotations

# Okabe & Ito (2008) colour-blind safe palette.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
# Paul Tol's 'muted' qualitative scheme, for many categories.
TOL_MUTED = [
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#DDDDDD",
]

# The one sequential ramp for maps (interactive and static): light to dark orange.
ORANGE_RAMP = ["#FEE6CE", "#FDAE6B", "#F16913", "#D94801", "#8C2D04"]

CATEGORY_COLOURS = {"deal": "#0072B2", "control": "#D55E00", "lifecycle": "#6F6F6F"}

EVENT_TYPE_COLOURS = {
    "deal_agreement": "#003F7F",
    "deal_framework": "#0072B2",
    "deal_mou": "#56B4E9",
    "deal_partnership": "#44AA99",
    "deal_investment": "#009E73",
    "deal_offtake": "#117733",
    "control_licensing": "#E69F00",
    "control_ban": "#D55E00",
    "control_quota": "#CC6677",
    "control_tax": "#DDCC77",
    "control_tech_ban": "#882255",
    "control_ore_ban": "#AA4499",
    "suspension": "#999999",
    "extension": "#332288",
    "exemption": "#88CCEE",
    "lifting": "#000000",
    "replacement": "#999933",
    "amendment": "#BBBBBB",
    "dispute": "#5E3C99",
    "resource_nationalism": "#8C2D04",
    "supply_disruption": "#F16913",
    "deal_policy": "#6699CC",
    "implementation": "#A6761D",
}

EVENT_TYPE_SYMBOLS = {
    "deal": "circle",
    "control": "diamond",
    "lifecycle": "triangle-up",
    "supply": "square",
}

STATUS_COLOURS = {
    "announced": "#F0E442",
    "in force": "#D55E00",
    "suspended": "#999999",
    "relaxed": "#CC79A7",
    "lifted": "#009E73",
    "replaced": "#56B4E9",
    "expired": "#DDDDDD",
}


def country_colour(iso3: str) -> str:
    """A stable colour per country code (same code, same colour on every page).

    >>> country_colour("CHN") == country_colour("CHN")
    True
    """
    index = sum((i + 1) * ord(ch) for i, ch in enumerate(iso3)) % len(TOL_MUTED)
    return TOL_MUTED[index]

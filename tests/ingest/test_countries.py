"""analysis.ingest.countries: release labels resolved to ISO 3166-1 alpha-3 codes (pycountry), listed
aliases and aggregates first, qualifiers kept apart, unknown labels refused by name."""

from __future__ import annotations

import csv

import pytest

from analysis.ingest.countries import CountryResolver, iso3_for
from tests.conftest import DATA


def resolver() -> CountryResolver:
    return CountryResolver(
        {"Burma": {"iso3": "MMR"}, "Congo (Kinshasa)": {"iso3": "COD"}},
        {"World total": "WLD", "Other countries": "OTHER"},
    )


def test_iso_names_resolve_and_others_do_not() -> None:
    assert iso3_for("Chile") == "CHL" and iso3_for("Korea, Republic of") == "KOR"
    assert iso3_for("Atlantis") is None


def test_aliases_aggregates_and_qualifiers() -> None:
    r = resolver()
    assert r.resolve("Burma") == ("MMR", "")
    assert r.resolve("Congo (Kinshasa)") == ("COD", ""), "an alias with a parenthesis is a name"
    assert r.resolve("Burma (estimated)") == ("MMR", "estimated")
    assert r.resolve("World total (rounded)") == ("WLD", "rounded")
    assert r.resolve("Other countries6") == ("OTHER", "6"), "a fused footnote digit is kept apart"
    assert r.resolve("\u00a0Chile ") == ("CHL", "")


def test_an_unknown_label_is_named() -> None:
    with pytest.raises(KeyError, match="'Atlantis' is not an ISO 3166 country name"):
        resolver().resolve("Atlantis")


def test_every_country_in_the_table_is_a_pycountry_code_or_a_listed_extra() -> None:
    """countries.csv (read with the csv module): each alpha-3 code pycountry knows maps back to it."""
    import pycountry

    with open(DATA / "countries.csv", encoding="utf-8", newline="") as fh:
        codes = [r["iso3"] for r in csv.DictReader(fh)]
    known = [c for c in codes if pycountry.countries.get(alpha_3=c) is not None]
    assert len(known) >= 240
    assert all(iso3_for(pycountry.countries.get(alpha_3=c).name) == c for c in known)

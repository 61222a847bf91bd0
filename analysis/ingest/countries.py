"""Resolve country names from source releases to ISO 3166-1 alpha-3 codes with pycountry."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pycountry

from analysis.ingest.corrections import clean_text

_QUALIFIER = re.compile(r"^(?P<name>[^(]+?)\s*\((?P<q>[^)]*)\)\s*$")


@lru_cache(maxsize=4096)
def iso3_for(name: str) -> str | None:
    """ISO alpha-3 for an English country name (exact ISO name, common or official name).

    >>> iso3_for("Australia"), iso3_for("Bolivia, Plurinational State of"), iso3_for("Atlantis")
    ('AUS', 'BOL', None)
    """
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


class CountryResolver:
    """Map a release's country label to ISO alpha-3 (or an aggregate code) and its qualifier."""

    def __init__(self, aliases: dict[str, Any], aggregates: dict[str, str]):
        self.aliases = {clean_text(k): v["iso3"] for k, v in aliases.items()}
        self.aggregates = {clean_text(k).lower(): v for k, v in aggregates.items()}

    def resolve(self, label: str) -> tuple[str, str]:
        """Return ``(code, qualifier)``; raise ``KeyError`` naming the label if unknown.

        >>> r = CountryResolver({"Burma": {"iso3": "MMR"}, "Congo (Kinshasa)": {"iso3": "COD"}},
        ...                     {"World total": "WLD"})
        >>> r.resolve("Burma"), r.resolve("Brazil (beneficiated)"), r.resolve("World total (rounded)")
        (('MMR', ''), ('BRA', 'beneficiated'), ('WLD', 'rounded'))
        >>> r.resolve("Congo (Kinshasa)")
        ('COD', '')
        """
        text = clean_text(label)
        low = text.lower()
        for prefix, code in self.aggregates.items():
            if low.startswith(prefix):
                rest = text[len(prefix) :].replace("(", "").replace(")", "")
                return code, rest.strip(" ,")
        if text in self.aliases:  # e.g. 'Congo (Kinshasa)': the parenthesis is part of the name
            return self.aliases[text], ""
        m = _QUALIFIER.match(text)
        name, qualifier = (m.group("name"), m.group("q")) if m else (text, "")
        code = self.aliases.get(name) or iso3_for(name)
        if code is None:
            raise KeyError(f"'{text}' is not an ISO 3166 country name or a listed alias")
        return code, qualifier

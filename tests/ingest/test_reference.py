"""analysis.ingest.reference: countries, country shapes and the EU 2023 table rebuilt from the
reference releases, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA, REFERENCE

needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/reference is not on this machine"
)


@needs_reference
def test_reference_ingest_reproduces_countries_shapes_and_eu_tables(data_copy: Path) -> None:
    from analysis.ingest.reference import ingest_reference

    before = {
        n: (DATA / n).read_bytes()
        for n in ("countries.csv", "country_shapes.geojson", "eu_crm_2023.csv")
    }
    ingest_reference(REFERENCE, data_copy)
    for name, content in before.items():
        assert (data_copy / name).read_bytes() == content, name

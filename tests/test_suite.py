"""The test suite's own machinery (tests/conftest.py): the once-per-process loader gives what the
real loader gives, a copy per caller, and only for the unchanged data/."""

from __future__ import annotations

import pytest

import analysis.cli
import analysis.package
from tests import conftest
from tests.conftest import DATA


def test_every_caller_gets_the_real_loaders_package() -> None:
    assert analysis.package.load_package is conftest.load_package_once
    assert analysis.cli.load_package is conftest.load_package_once
    kept, real = conftest.load_package_once(DATA), conftest._real_load_package(DATA)
    assert kept.descriptor == real.descriptor and kept.version == real.version
    assert set(kept.tables) == set(real.tables)
    for name, frame in real.tables.items():
        assert kept[name].equals(frame) and (kept[name].dtypes == frame.dtypes).all(), name


def test_a_caller_that_edits_its_copy_changes_nothing_for_the_next() -> None:
    first = conftest.load_package_once(DATA)
    first["events"].loc[:, "title"] = "changed"
    first.descriptor["version"] = "changed"
    again = conftest.load_package_once(DATA)
    assert "changed" not in set(again["events"]["title"]) and again.version != "changed"


def test_another_folder_is_loaded_for_real(data_copy) -> None:
    path = data_copy / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",CHN,", ",XXA,", 1), "utf-8")
    with pytest.raises(analysis.package.DataPackageError, match="XXA"):
        conftest.load_package_once(data_copy)  # the cache never answers for another folder

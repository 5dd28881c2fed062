"""`make bench` imports every module of the bench package: each must import and offer run()."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import bench

NAMES = sorted(m.name for m in pkgutil.iter_modules([str(Path(bench.__file__).parent)]) if not m.name.startswith("_"))


def test_the_bench_has_the_areas_modules():
    assert {"appeals", "fip", "reports", "statuses", "reminders", "dossier_search"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_bench_module_imports_and_has_run(name):
    module = importlib.import_module(f"bench.{name}")
    assert callable(module.run)

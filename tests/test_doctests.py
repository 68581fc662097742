"""The Examples of every module's docstrings, run as doctests under the module's installed name (`catalyse.…`).

The folders of the repository (`graphcore/`, `queries/`, …) are installed as `catalyse.graphcore`, … (see
pyproject.toml), so the doctests are collected by walking the installed package rather than the files: each module
is imported once, under the name the users import it by.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest

#: The installed package and the folders mapped into it (pyproject.toml, [tool.setuptools.package-dir]): walking
#: `catalyse.__path__` alone would not see the mapped folders, which live beside it in the repository.
PACKAGES = ("catalyse", "catalyse.graphcore", "catalyse.importers", "catalyse.queries", "catalyse.visualisations")


def _modules() -> list[str]:
    names = set()
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        names.add(package)
        names.update(m.name for m in pkgutil.walk_packages(pkg.__path__, f"{package}."))
    return sorted(n for n in names if n != "catalyse.__main__")


#: Modules that need an optional extra; their doctests skip without it (with CI=true a skip fails the run).
OPTIONAL = {"catalyse.queries._brokerage_numba": "numba"}


@pytest.mark.parametrize("name", _modules())
def test_doctests(name: str) -> None:
    if name in OPTIONAL:
        pytest.importorskip(OPTIONAL[name])
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name)
    report: list[str] = []
    here = os.getcwd()
    try:
        for test in tests:
            runner.run(test, out=report.append)
    finally:
        os.chdir(here)
    failed, attempted = runner.failures, runner.tries
    assert failed == 0, f"{failed} of {attempted} doctest examples failed in {name}:\n" + "".join(report)


def test_every_folder_is_collected() -> None:
    names = _modules()
    for package in ("graphcore", "graphcore.stores", "importers", "queries", "visualisations", "cli"):
        assert any(n.startswith(f"catalyse.{package}.") for n in names), package

"""The first load's CSV files: the fast paths (`_org_files`, `_tie_lines`: lines formatted straight from the records)
write exactly the bytes of the generic path (`_org_files_generic`, `_Files.write`: the online write's own
properties, value by value), which tests/test_neo4j_load.py checks against `Neo4jStore.write` on a real server.
"""

from __future__ import annotations

import datetime as dt

import pytest

from catalyse.graphcore import vocab
from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.model import Catalyser, Dataset, Organisation, Tie
from catalyse.graphcore.stores import neo4j_load

NASTY = '=SOMME(A1) "Café" ; l\'Œuvre, \\n\n2e ligne\r\n3e — ĉ 🌿 \\'


def files_of(path):
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def both_ways(data, tmp_path, monkeypatch):
    (tmp_path / "fast").mkdir()
    fast = neo4j_load.write_import_files(data, tmp_path / "fast")
    with monkeypatch.context() as m:
        m.setattr(neo4j_load, "_org_files", lambda *a: False)
        m.setattr(neo4j_load, "_tie_lines", lambda ties: None)
        (tmp_path / "generic").mkdir()
        generic = neo4j_load.write_import_files(data, tmp_path / "generic")
    return fast, generic


def spreadsheet_data() -> Dataset:
    base = generate_territory(300, seed=5)
    odd = [
        Organisation("nasty", NASTY, "association", tags=('a "b", c', NASTY), extra={"Notes": NASTY, "Effectif": ""}),
        Organisation("no-extra", "Sans colonne", "company", commune="26362", lat=44.9, lon=4.9, website="x"),
    ]
    ties = [
        *base.ties,
        Tie("nasty", "no-extra", "partnership", provenance=NASTY, start=dt.date(2001, 2, 3), confidence=None),
    ]
    cats = [*base.catalysers, Catalyser("nasty", ()), Catalyser("no-extra", vocab.codes("metier")[:2])]
    return Dataset([*base.organisations, *odd], cats, base.alliances, ties, base.introductions)


def test_the_fast_files_are_the_generic_files_byte_for_byte(tmp_path, monkeypatch):
    data = spreadsheet_data()
    calls = []
    real = neo4j_load._org_files
    monkeypatch.setattr(neo4j_load, "_org_files", lambda *a: calls.append(real(*a)) or calls[-1])
    fast, generic = both_ways(data, tmp_path, monkeypatch)
    assert calls == [True]  # validated records take the fast path
    assert fast.args == [a.replace("/generic/", "/fast/") for a in generic.args]
    assert fast.statements == generic.statements and fast.statements  # the empty lists to set after the import
    assert [p.name for p in fast.multiline] == [p.name for p in generic.multiline] != []
    got, expected = files_of(tmp_path / "fast"), files_of(tmp_path / "generic")
    assert got == expected
    org_file = got["01-organisation.csv"].decode("utf-8")
    assert org_file.startswith('"id:ID(Organisation)","name:string"') and '"extra.Notes:string"' in org_file
    assert '"lat:double","lon:double"' in org_file


def test_a_column_without_any_value_is_typed_as_the_generic_path_types_it(tmp_path, monkeypatch):
    # no coordinates anywhere: the generic path types the empty column string, the fast one must too
    data = Dataset([Organisation("a", "A", "association"), Organisation("b", "B", "company", themes=("SDG7",))])
    fast, generic = both_ways(data, tmp_path, monkeypatch)
    assert files_of(tmp_path / "fast") == files_of(tmp_path / "generic")
    assert b'"lat:string","lon:string"' in files_of(tmp_path / "fast")["01-organisation.csv"]


@pytest.mark.parametrize(
    "odd",
    [
        Organisation("ints", "Entiers", "company", lat=45, lon=5),  # integer coordinates: a file of their own
        Organisation("list", "Liste", "company", themes=["SDG7"]),  # a list, not a tuple
        Organisation("num", "Nombre", "company", extra={"Effectif": 12}),  # a number in an extra column
    ],
)
def test_records_built_in_code_take_the_generic_path(odd, tmp_path, monkeypatch):
    data = Dataset([Organisation("a", "A", "association", lat=1.5, lon=2.5), odd])
    assert neo4j_load._org_files(neo4j_load._Files(tmp_path), data.organisations, {}, set()) is False
    assert list(tmp_path.iterdir()) == []  # nothing written by the refused fast path
    fast, generic = both_ways(data, tmp_path, monkeypatch)
    assert files_of(tmp_path / "fast") == files_of(tmp_path / "generic")

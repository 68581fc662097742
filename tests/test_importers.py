"""Importers: encodings, separators, aliases, every bad input located by file/row/column, all-or-nothing.

The bad-input tests run on both stores (the `store` fixture) and check the store is exactly as it was.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from catalyse.importers.export import export
from catalyse.importers.load import ImportFailed, import_files, validate_files

ORGS = """id;nom;secteur;commune;siret;odd;taille
mairie;Mairie de Valence;collectivité territoriale;26362;;11;
asso;Les Jardins d'Élise;association;26362;;2, 11;12
scop;SCOP Énergie Partagée;ESS;26281;73282932000074;ODD 7;8
"""

TIES = """source,target,type,date de début,fin,poids
mairie,asso,partenariat,2016-03-01,,2
mairie,scop,financement,01/01/2018,30/06/2020,1
scop,asso,projet commun,2021,,1
"""


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.fixture
def base(tmp_path):
    return write(tmp_path / "organisations.csv", ORGS), write(tmp_path / "liens.csv", TIES)


def test_french_csv_cp1252_semicolon_imports(tmp_path, store):
    path = write(tmp_path / "orgs.csv", ORGS, encoding="cp1252")
    result = import_files(store, [path])
    assert result.summary.new["organisations"] == 3
    asso = store.get_organisation("asso")
    assert asso.name == "Les Jardins d'Élise"
    assert asso.themes == ("SDG11", "SDG2") and asso.extra == {"taille": "12"}
    assert store.get_organisation("scop").sector == "social_economy"
    assert store.get_organisation("mairie").departement == "26"  # derived from the commune code


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators_are_detected(tmp_path, encoding, prefix, sep):
    text = ORGS.replace(";", sep) if sep != ";" else ORGS
    if sep == ",":
        text = text.replace("2, 11", '"2, 11"')
    path = tmp_path / "o.csv"
    path.write_bytes(prefix + text.encode(encoding))
    data, _ = validate_files([str(path)])
    assert [o.name for o in data.organisations] == ["Les Jardins d'Élise", "Mairie de Valence", "SCOP Énergie Partagée"]
    assert data.organisations[0].themes == ("SDG11", "SDG2")


def test_ties_with_french_headers_and_dates(base, store):
    result = import_files(store, list(base))
    ties = {t.type: t for t in store.ties()}
    assert ties["funding"].directed and ties["funding"].source == "mairie"
    assert str(ties["funding"].end) == "2020-06-30"
    assert str(ties["co_project"].start) == "2021-01-01"
    assert (ties["co_project"].source, ties["co_project"].target) == ("asso", "scop")  # undirected: sorted
    assert ties["partnership"].weight == 2.0
    assert result.summary.new["ties"] == 3


def test_reimport_changes_nothing(base, store):
    import_files(store, list(base))
    before = store.dataset()
    again = import_files(store, list(base))
    assert not again.summary.modified
    assert store.dataset() == before


def test_dry_run_writes_nothing(base, store):
    result = import_files(store, list(base), dry_run=True)
    assert result.summary is None and len(result.data.ties) == 3
    assert store.counts()["organisations"] == 0


def _refused(store, paths, *expected):
    """Import must fail with each expected (file name, row, column, message part), leaving the store as it was."""
    before = store.dataset()
    with pytest.raises(ImportFailed) as err:
        import_files(store, paths)
    assert store.dataset() == before
    problems = err.value.problems
    for name, row, column, part in expected:
        assert any(
            p.file.endswith(name) and p.row == row and p.column == column and part in p.message for p in problems
        ), (name, row, column, part, [str(p) for p in problems])
    return problems


def test_tie_to_unknown_organisation(tmp_path, base, store):
    import_files(store, [base[0]])
    ties = write(tmp_path / "t.csv", "source;target;type\nmairie;asso;échange\nasso;fantome;partenariat\n")
    _refused(store, [ties], ("t.csv", 3, "target", "unknown organisation 'fantome'"))
    assert store.ties() == []  # the good row was not written either


def test_duplicate_id_with_conflicting_data(tmp_path, store):
    path = write(tmp_path / "o.csv", "id,name,sector\nx,Alpha,association\ny,Beta,company\nx,Alpha bis,association\n")
    _refused(store, [path], ("o.csv", 4, "id", "duplicate organisation 'x' with conflicting data (differs in name)"))
    # the same row twice is not a conflict
    ok = write(tmp_path / "ok.csv", "id,name,sector\nx,Alpha,association\nx,Alpha,association\n")
    assert import_files(store, [ok]).summary.new["organisations"] == 1


def test_bad_siret_unknown_sector_bad_date_all_reported(tmp_path, store):
    orgs = write(
        tmp_path / "o.csv",
        "id,nom,secteur,siret\n"
        "a,A,association,73282932000075\n"  # last digit off: Luhn fails
        "b,B,asociation,\n"  # typo
        "c,C,entreprise,12345\n",
    )  # too short
    ties = write(tmp_path / "t.csv", "source,target,type,début\na,b,partenariat,31/02/2020\n")
    problems = _refused(
        store,
        [orgs, ties],
        ("o.csv", 2, "siret", "Luhn"),
        ("o.csv", 3, "secteur", "did you mean 'association'"),
        ("o.csv", 4, "siret", "14 digits"),
        ("t.csv", 2, "début", "invalid date '31/02/2020'"),
    )
    assert len(problems) == 4


def test_empty_file_header_only_and_missing_column(tmp_path, store):
    empty = write(tmp_path / "empty.csv", "")
    header = write(tmp_path / "header.csv", "id;nom;secteur\n")
    _refused(store, [empty], ("empty.csv", None, None, "the file is empty"))
    _refused(store, [header], ("header.csv", None, None, "header but no rows"))
    unknown = write(tmp_path / "unknown.csv", "identifiant;nom;commune\nx;X;26362\n")
    _refused(store, [unknown], ("unknown.csv", 1, None, "cannot tell what this file holds"))
    before = store.dataset()
    with pytest.raises(ImportFailed) as err:
        import_files(store, [unknown], kind="organisations")
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "sector")]
    assert "missing required column 'sector'" in err.value.problems[0].message
    assert store.dataset() == before


def test_missing_required_column_is_named(tmp_path, store):
    ties = write(tmp_path / "t.csv", "source;target;poids\na;b;1\n")
    _refused(store, [ties], ("t.csv", 1, "type", "missing required column 'type'"))


def test_json_and_xlsx(tmp_path, store):
    doc = {
        "organisations": [
            {"id": "a", "nom": "Åsa", "secteur": "fondation", "odd": [1, 4]},
            {"id": "b", "name": "Bé", "sector": "company"},
        ],
        "ties": [{"source": "a", "target": "b", "type": "funding", "start": "2020-01-01"}],
    }
    (tmp_path / "d.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    import_files(store, [str(tmp_path / "d.json")])
    assert store.get_organisation("a").themes == ("SDG1", "SDG4")
    with pd.ExcelWriter(tmp_path / "w.xlsx") as xl:
        pd.DataFrame(
            {"id": ["c"], "nom": ["Crèche « Les Pitchouns »"], "secteur": ["association"], "commune": ["26362"]}
        ).to_excel(xl, sheet_name="Acteurs", index=False)
        pd.DataFrame({"de": ["c"], "vers": ["a"], "type de lien": ["échange"], "poids": [3]}).to_excel(
            xl, sheet_name="Liens", index=False
        )
    import_files(store, [str(tmp_path / "w.xlsx")])
    assert store.get_organisation("c").name == "Crèche « Les Pitchouns »"
    assert [t.weight for t in store.ties(type="exchange")] == [3.0]
    bad = tmp_path / "bad.xlsx"
    with pd.ExcelWriter(bad) as xl:
        pd.DataFrame({"de": ["c", "c"], "vers": ["a", "zz"], "type": ["échange", "échange"]}).to_excel(
            xl, sheet_name="Liens", index=False
        )
    problems = _refused(store, [str(bad)], ("bad.xlsx [Liens]", 3, "vers", "unknown organisation 'zz'"))
    assert len(problems) == 1


def test_alliances_with_members_file(tmp_path, base, store):
    import_files(store, [base[0]])
    alliances = write(tmp_path / "alliances.csv", "id;nom;odd;début;statut\nA1;Alimentation locale;2;2019;en cours\n")
    members = write(tmp_path / "membres.csv", "alliance;organisation;rôle\nA1;asso;chef de file\nA1;mairie;financeur\n")
    import_files(store, [alliances, members])
    (a,) = store.alliances()
    assert [(m.org, m.role) for m in a.members] == [("asso", "lead"), ("mairie", "funder")]
    # re-importing the alliances file alone keeps the members
    import_files(store, [alliances])
    assert len(store.alliances()[0].members) == 2
    bad = write(tmp_path / "m2.csv", "alliance;organisation\nA2;asso\n")
    _refused(store, [bad], ("m2.csv", 2, "alliance", "unknown alliance 'A2'"))


def test_export_round_trip_and_formula_defused(tmp_path, store, demo_data):
    store.write(demo_data)
    nasty = write(tmp_path / "n.csv", 'id,name,sector,note\nevil,"=HYPERLINK(""http://x"")",company,"@SUM(1)"\n')
    import_files(store, [nasty])
    data = store.dataset()
    files = export(data, str(tmp_path / "out"), "csv")
    text = (tmp_path / "out" / "organisations.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    assert ",=HYPERLINK" not in text
    from catalyse.graphcore.stores import SqliteStore

    fresh = SqliteStore(tmp_path / "fresh.db", create=True)
    import_files(fresh, files)
    assert fresh.dataset() == data
    export(data, str(tmp_path / "d.json"), "json")
    fresh2 = SqliteStore(tmp_path / "fresh2.db", create=True)
    import_files(fresh2, [str(tmp_path / "d.json")])
    assert fresh2.dataset() == data


def test_graphml_and_gexf_open_in_networkx(tmp_path, demo_data):
    import networkx as nx

    from catalyse.graphcore.projection import tie_graph

    export(demo_data, str(tmp_path / "g.graphml"), "graphml")
    export(demo_data, str(tmp_path / "g.gexf"), "gexf")
    expected = tie_graph(demo_data, directed=True)
    arcs = sum(1 if t.directed else 2 for t in demo_data.ties)  # one arc per tie, one each way when undirected
    for G in (nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")):
        assert G.number_of_nodes() == expected.number_of_nodes()
        assert G.number_of_edges() == arcs
        some = next(iter(expected.nodes))
        assert G.nodes[some]["sector"] == expected.nodes[some]["sector"]


def test_fold_matches_its_definition_on_every_commune_name():
    """`vocab._fold` (a regular expression, for speed: it keys every organisation's name) against its definition
    written out character by character: lower-case ASCII after NFKD, ligatures spelt out, every run of other
    characters one underscore. On the official names of every French commune and on hand-picked edge cases."""
    import gzip
    import unicodedata
    from pathlib import Path

    from catalyse.graphcore import vocab

    def definition(text: str) -> str:
        text = str(text).translate(str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}))
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        out = [ch if ch.isalnum() else " " for ch in text.lower()]
        return "_".join("".join(out).split())

    table = Path(vocab.__file__).parent / "data" / "communes.csv.gz"
    with gzip.open(table, "rt", encoding="utf-8") as fh:
        names = [line.split(";")[2] for line in fh][1:]
    edge = ["", "   ", "__x__", "Œuvre", "ÆSOP", "Straße", "ﬁn", "½ tarif", "Ⅻ", "no\u00a0break", "tab\tand\nline",
            "1er-mai", "L'Île-d'Yeu", "Saint-Étienne-du-Rouvray", "ÉCOLE   d'ARTS", "x²", "日本", "42"]  # fmt: skip
    assert len(names) > 30_000
    for name in names + edge:
        assert vocab._fold(name) == definition(name), name
    assert vocab._fold("Saint-Étienne-du-Rouvray") == "saint_etienne_du_rouvray"  # by hand

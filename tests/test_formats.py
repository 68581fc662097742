"""Maps kept in Kumu, GoGoCarto, Gephi and Onodo: recognised from their content, imported into the store.

Every expected value below was written by hand from the small files of tests/data/formats/ (the XLSX ones from the
rows in make_xlsx.py): ids are the slugs of the labels, sectors our codes for the tool's words, and the tie types,
directions, weights and dates those the files state (a word that is not one of our tie types gives
``partnership`` with the word in the provenance). A bad file of each format is refused with its file, element or
row and field, and leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from catalyse.graphcore.model import Dataset
from catalyse.graphcore.stores import SqliteStore
from catalyse.importers.export import export
from catalyse.importers.formats import detect_format
from catalyse.importers.load import ImportFailed, import_files

DATA = Path(__file__).resolve().parent / "data" / "formats"
D = dt.date


def files(*names):
    return [str(DATA / n) for n in names]


def orgs(store):
    return {o.id: o for o in store.organisations()}


def ties(store):
    """(source, target, type, directed, weight, start, end, provenance) of every tie, sorted."""
    return sorted(
        (t.source, t.target, t.type, t.directed, t.weight, t.start, t.end, t.provenance) for t in store.ties()
    )


def refused(store, paths, *expected):
    """The import fails with exactly these (file name, row, column, message part) problems; nothing is written."""
    before = store.dataset()
    with pytest.raises(ImportFailed) as err:
        import_files(store, paths)
    got = [(Path(p.file.split(" [")[0]).name, p.row, p.column, p.message) for p in err.value.problems]
    assert len(got) == len(expected), got
    for (name, row, column, message), want in zip(got, expected):
        assert (name, row, column) == want[:3] and want[3] in message, got
    assert store.dataset() == before
    return [str(p) for p in err.value.problems]


def test_kumu_blueprint(embedded_store):
    result = import_files(embedded_store, files("kumu-crest.json"))
    assert result.summary.new["organisations"] == 4 and result.summary.new["ties"] == 4
    o = orgs(embedded_store)
    assert sorted(o) == ["fondation-rovaltain", "les-jardins-d-elise", "mairie-de-crest", "scop-energie-partagee"]
    mairie = o["mairie-de-crest"]
    assert (mairie.name, mairie.sector, mairie.commune, mairie.departement) == (
        "Mairie de Crest",
        "local_authority",
        "26108",
        "26",
    )
    assert mairie.tags == ("alimentation", "mobilité")
    assert mairie.extra == {"type": "Collectivité", "description": "Commune de la vallée de la Drôme"}
    scop = o["scop-energie-partagee"]
    assert (scop.sector, scop.siret, scop.siren, scop.extra) == (
        "social_economy",
        "73282932000074",
        "732829320",
        {"type": "SCOP"},
    )
    assert o["les-jardins-d-elise"].name == "Les Jardins d'Élise"
    assert ties(embedded_store) == [
        # mutual → undirected; dates from "start date" / "end date"
        (
            "les-jardins-d-elise",
            "scop-energie-partagee",
            "partnership",
            False,
            1.0,
            D(2021, 9, 15),
            D(2024, 6, 30),
            None,
        ),
        # no type, no direction: partnership, directed (Kumu's default); "mairie de crest" found without case
        ("mairie-de-crest", "fondation-rovaltain", "partnership", True, 1.0, None, None, None),
        ("mairie-de-crest", "les-jardins-d-elise", "funding", True, 3.0, D(2019, 3, 1), None, None),
        # "Conseil" is not one of our tie types: partnership, the word kept
        ("mairie-de-crest", "scop-energie-partagee", "partnership", False, 1.0, None, None, "Kumu: Conseil"),
    ]
    again = import_files(embedded_store, files("kumu-crest.json"))
    assert not again.summary.modified


def test_kumu_spreadsheet(embedded_store):
    import_files(embedded_store, files("kumu-crest.xlsx"))
    o = orgs(embedded_store)
    assert sorted(o) == ["biocoop-crest", "les-jardins-d-elise", "mairie-de-crest"]
    assert o["mairie-de-crest"].tags == ("alimentation", "mobilité")  # "mobilité|alimentation"
    assert o["mairie-de-crest"].extra == {"type": "Collectivité", "Description": "Commune de la vallée de la Drôme"}
    assert o["biocoop-crest"].sector == "company"
    assert ties(embedded_store) == [
        ("biocoop-crest", "les-jardins-d-elise", "exchange", False, 1.0, None, None, None),  # first of "Échange|Projet"
        ("mairie-de-crest", "les-jardins-d-elise", "funding", True, 2.0, None, None, None),  # Subvention, Strength 2
    ]


def test_gogocarto_json_with_link_fields(embedded_store):
    import_files(embedded_store, files("gogocarto-transiscope.json"))
    o = orgs(embedded_store)
    assert sorted(o) == ["Xk2", "Xk3", "Xk4", "Xk5"]
    cagette = o["Xk2"]
    assert (cagette.name, cagette.sector, cagette.lat, cagette.lon, cagette.website) == (
        "Épicerie solidaire La Cagette",
        "association",
        44.7282,
        5.0226,
        "https://lacagette.example.fr",
    )
    assert (cagette.commune, cagette.departement) == ("26108", "26")  # …that name Crest (INSEE 26108)
    assert cagette.extra == {
        "type": "Alimentation; Association",
        "streetAddress": "12 rue de la République",
        "town": "Crest",  # GoGoCarto's addressLocality and postalCode are read as a town and a postal code…
        "postal_code": "26400",
        "addressCountry": "FR",
        "email": "contact@lacagette.example.fr",
        "sourceKey": "Transiscope",
    }
    assert [o[i].sector for i in ("Xk3", "Xk4", "Xk5")] == ["company", "social_economy", "foundation"]
    assert o["Xk5"].extra["horaires"] == "Lun-Ven 9h-17h"  # names no element: not a link
    assert ties(embedded_store) == [
        # "partenaires" both ways (by name, then by id) is one undirected tie
        ("Xk2", "Xk3", "partnership", False, 1.0, None, None, "GoGoCarto: partenaires"),
        # the field "financement" is our tie type funding (directed)
        ("Xk5", "Xk4", "funding", True, 1.0, None, None, None),
    ]


def test_gogocarto_csv(embedded_store):
    import_files(embedded_store, files("gogocarto-die.csv"))
    o = orgs(embedded_store)
    assert [(i, o[i].name, o[i].sector) for i in sorted(o)] == [
        ("c1", "Café associatif L'Étincelle", "association"),
        ("c2", "Scic Énergies Dioises", "social_economy"),
        ("c3", "Mairie de Die", "local_authority"),
    ]
    assert o["c2"].extra["type"] == "Énergie; SCIC" and (o["c3"].lat, o["c3"].lon) == (44.7537, 5.3703)
    prov = "GoGoCarto: partenaires"
    assert ties(embedded_store) == [
        ("c1", "c2", "partnership", False, 1.0, None, None, prov),
        ("c1", "c3", "partnership", False, 1.0, None, None, prov),
        ("c2", "c3", "partnership", False, 1.0, None, None, prov),
    ]


def test_gephi_spreadsheets(embedded_store):
    import_files(embedded_store, files("gephi-nodes.csv", "gephi-edges.csv"))
    o = orgs(embedded_store)
    assert [(i, o[i].name, o[i].sector, o[i].commune) for i in sorted(o)] == [
        ("1", "Mairie de Saillans", "local_authority", "26289"),
        ("2", "Association Saillans Vivement", "association", "26289"),
        ("3", "Café des Sept Lieux", "company", None),
    ]
    assert ties(embedded_store) == [
        ("1", "2", "partnership", False, 2.5, D(2018, 1, 1), None, None),
        ("2", "3", "funding", True, 1.0, D(2020, 5, 1), D(2022, 12, 31), None),
        ("3", "1", "exchange", True, 1.0, None, None, None),
    ]


def test_gephi_gexf_mixed_graph(embedded_store):
    import_files(embedded_store, files("gephi-valence.gexf"))
    o = orgs(embedded_store)
    assert [(i, o[i].name, o[i].sector, o[i].extra) for i in sorted(o)] == [
        ("n0", "Université Grenoble Alpes — Valence", "academic", {"type": "Université"}),
        ("n1", "CCI de la Drôme", "institution", {"type": "CCI"}),
        ("n2", "Collectif Vélo Valence", "association", {"type": "Association"}),
    ]
    assert o["n0"].commune == "26362" and o["n0"].lat is None  # viz:position is layout, not a place
    assert ties(embedded_store) == [
        ("n0", "n1", "co_project", False, 2.0, None, None, None),  # type="undirected" in a directed graph
        ("n1", "n2", "funding", True, 1.5, D(2021, 1, 1), D(2023, 12, 31), None),
    ]


def test_onodo_workbook(embedded_store):
    import_files(embedded_store, files("onodo-diois.xlsx"))
    o = orgs(embedded_store)
    cc, emploi, bio = "communaute-de-communes-du-diois", "maison-de-l-emploi-du-diois", "biocoop-die"
    assert sorted(o) == [bio, cc, emploi]
    assert (o[cc].sector, o[cc].extra["type"], o[cc].extra["Description"]) == (
        "local_authority",
        "EPCI",
        "Intercommunalité, 50 communes",
    )
    assert o[bio].extra == {"type": "Entreprise", "Description": "Épicerie bio coopérative", "Visible": "False"}
    assert ties(embedded_store) == [
        (bio, cc, "partnership", False, 1.0, None, None, "Onodo: Coopération"),
        (bio, emploi, "exchange", False, 1.0, D(2022, 6, 15), None, None),  # At is the start
        (cc, emploi, "funding", True, 1.0, D(2020, 1, 1), D(2023, 12, 31), None),  # From, To
    ]


def test_formats_detected_from_content(tmp_path):
    renamed = tmp_path / "carte.txt"
    shutil.copy(DATA / "kumu-crest.json", renamed)
    gogo = tmp_path / "export"  # no extension at all
    shutil.copy(DATA / "gogocarto-transiscope.json", gogo)
    gexf = tmp_path / "reseau.xml"
    shutil.copy(DATA / "gephi-valence.gexf", gexf)
    assert [detect_format(p) for p in (renamed, gogo, gexf)] == ["kumu", "gogocarto", "gexf"]
    assert detect_format(DATA / "onodo-diois.xlsx") == "onodo" and detect_format(DATA / "kumu-crest.xlsx") == "kumu"
    assert (
        detect_format(DATA / "gephi-edges.csv") == "gephi" and detect_format(DATA / "gogocarto-die.csv") == "gogocarto"
    )
    store = SqliteStore(tmp_path / "s.db", create=True)
    import_files(store, [renamed, gogo])
    assert store.counts()["organisations"] == 8 and store.counts()["ties"] == 6
    store.close()


def test_our_own_files_are_not_taken_for_a_map(tmp_path):
    ours = tmp_path / "organisations.csv"
    ours.write_text("id;nom;secteur\nmairie;Mairie de Crest;collectivité\n", encoding="cp1252")
    assert detect_format(ours) is None


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_exports_round_trip(tmp_path, embedded_store, demo_data, fmt):
    """Export → import into an empty store gives the same organisations, catalysers and ties (GraphML and GEXF
    hold no alliances or introductions)."""
    embedded_store.write(demo_data)
    data = embedded_store.dataset()
    path = str(tmp_path / f"reseau.{fmt}")
    export(data, path, fmt)
    fresh = SqliteStore(tmp_path / "fresh.db", create=True)
    result = import_files(fresh, [path])
    assert result.warnings == []
    assert fresh.dataset() == Dataset(data.organisations, data.catalysers, [], data.ties, [])
    assert not import_files(fresh, [path]).summary.modified
    fresh.close()


def test_bad_kumu_blueprint(embedded_store):
    shown = refused(
        embedded_store,
        files("kumu-bad.json"),
        ("kumu-bad.json", 1, "type", "unknown sector 'Bibliothèque'"),  # 'Tiers-lieu' is a word of the table
        ("kumu-bad.json", 1, "direction", "unknown direction 'sideways'"),
        ("kumu-bad.json", 1, "from", "unknown organisation 'tiers-lieu-la-fabrique'"),
    )
    assert shown[0].startswith(str(DATA / "kumu-bad.json") + " [elements]: element 1, column 'type'")


def test_bad_gogocarto_export(embedded_store):
    refused(
        embedded_store,
        files("gogocarto-bad.json"),
        ("gogocarto-bad.json", 1, "latitude", "invalid latitude '144.93'"),
        ("gogocarto-bad.json", 2, "partenaires", "unknown organisation 'collectif-des-hauts'"),
    )


def test_bad_gephi_edges(embedded_store):
    refused(
        embedded_store,
        files("gephi-nodes.csv", "gephi-bad-edges.csv"),
        ("gephi-bad-edges.csv", 2, "Weight", "invalid weight 'fort'"),
    )


def test_bad_gexf(embedded_store, tmp_path):
    refused(embedded_store, files("gephi-bad.gexf"), ("gephi-bad.gexf", 1, "weight", "invalid weight '-1'"))
    broken = tmp_path / "coupe.gexf"
    broken.write_text((DATA / "gephi-valence.gexf").read_text(encoding="utf-8")[:900], encoding="utf-8")
    refused(embedded_store, [str(broken)], ("coupe.gexf", None, None, "invalid XML"))
    bomb = tmp_path / "bomb.graphml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><graphml>&a;</graphml>', encoding="utf-8")
    refused(embedded_store, [str(bomb)], ("bomb.graphml", None, None, "DOCTYPE"))


def test_bad_onodo_workbook(embedded_store):
    refused(
        embedded_store,
        files("onodo-bad.xlsx"),
        ("onodo-bad.xlsx", 2, "From", "invalid date '2021-31-12'"),
        ("onodo-bad.xlsx", 3, "Target", "unknown organisation 'camping-du-claps'"),
    )

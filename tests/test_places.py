"""Places as people write them: resolution against the official table, the organisations import, the geographic map.

Expected values are written from the Etalab data itself (npm ``@etalab/decoupage-administratif`` 6.0.0,
``data/communes.json`` and ``data/epci.json``, read by hand with ``json.load``), not from the committed table:

- 2A004 Ajaccio, postal codes 20000 20090 20167, EPCI 242010056, région 94; 2B033 Bastia, 20200 20600, EPCI
  242000354; 97411 Saint-Denis (La Réunion), 97400 97417 97490, EPCI 249740119, région 04; 97105 Basse-Terre
  (Guadeloupe), 97100, EPCI 249710070, région 01;
- 75056 Paris (EPCI 200054781, région 11) and its arrondissement 75111 "Paris 11e Arrondissement" (postal code
  75011, ``commune`` 75056); 75011 is no commune code. 69381 "Lyon 1er Arrondissement" (69001, commune 69123,
  EPCI 200046977); 13201 "Marseille 1er Arrondissement" (13001, commune 13055, EPCI 200054807);
- Saint-Denis: 11339, 30247, 93066, 97411; Valence: 16392, 26362, 82186 (82: région 76, EPCI 248200016);
- postal code 26150: 14 communes (Solaure en Diois 26001 … Die 26113 … Vachères-en-Quint 26359), and 26150 is
  also the commune code of Izon-la-Bruisse; 26400: 24 communes, Crest 26108 (EPCI 200040509) among them, and it
  is no commune code; 20000: Ajaccio only.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from catalyse.graphcore import places
from catalyse.graphcore.places import PlaceError
from catalyse.importers.load import ImportFailed, import_files
from catalyse.visualisations import layout


@pytest.mark.parametrize(
    "code, name, postal_codes, epci, departement, region",
    [
        ("2A004", "Ajaccio", ("20000", "20090", "20167"), "242010056", "2A", "94"),
        ("2B033", "Bastia", ("20200", "20600"), "242000354", "2B", "94"),
        ("97411", "Saint-Denis", ("97400", "97417", "97490"), "249740119", "974", "04"),
        ("97105", "Basse-Terre", ("97100",), "249710070", "971", "01"),
        ("75056", "Paris", None, "200054781", "75", "11"),
        ("82186", "Valence", ("82400",), "248200016", "82", "76"),
    ],
)
def test_commune_by_code(code, name, postal_codes, epci, departement, region):
    c = places.commune(code)
    assert (c.code, c.name, c.epci, c.departement, c.region) == (code, name, epci, departement, region)
    if postal_codes is not None:
        assert c.postal_codes == postal_codes
    assert c.parent is None


def test_arrondissements_municipaux():
    p11 = places.commune("75111")
    assert (p11.name, p11.postal_codes, p11.parent, p11.epci, p11.region) == (
        "Paris 11e Arrondissement",
        ("75011",),
        "75056",
        "200054781",  # its commune's EPCI (the arrondissement has no SIREN of its own)
        "11",
    )
    lyon1, marseille1 = places.commune("69381"), places.commune("13201")
    assert (lyon1.name, lyon1.parent, lyon1.epci) == ("Lyon 1er Arrondissement", "69123", "200046977")
    assert (marseille1.name, marseille1.parent, marseille1.epci) == (
        "Marseille 1er Arrondissement",
        "13055",
        "200054807",
    )
    # a postal code of Paris names its arrondissement; the town "Paris" alone is the commune
    assert places.resolve(postal_code="75011").code == "75111"
    assert places.resolve(town="Paris", postal_code="75011").code == "75111"
    assert places.resolve(town="Paris").code == "75056"
    assert places.resolve(town="Lyon 1er").code == "69381"
    assert places.resolve(town="Marseille", postal_code="13001").code == "13201"


def test_postal_code_75011_is_not_a_commune_code():
    assert places.find("75011") is None  # no commune has code 75011 today
    res = places.resolution(commune="75011")
    assert res.postal_code_as_commune and res.commune.code == "75111"


def test_names_shared_by_communes_of_several_departements():
    assert [c.code for c in places.communes_named("Saint-Denis")] == ["11339", "30247", "93066", "97411"]
    assert [c.code for c in places.communes_named("valence")] == ["16392", "26362", "82186"]
    with pytest.raises(PlaceError) as err:
        places.resolve(town="Saint-Denis")
    assert {c.code for c in err.value.candidates} == {"11339", "30247", "93066", "97411"}
    assert err.value.field == "town" and "93066" in str(err.value) and "97411" in str(err.value)
    assert "4 communes s'appellent « Saint-Denis »" in err.value.message("fr")
    assert places.resolve(town="Saint-Denis", departement="974").code == "97411"
    assert places.resolve(town="st-denis", departement="93").code == "93066"
    assert places.resolve(town="VALENCE", departements={"26", "07"}).code == "26362"  # the file's départements
    assert places.resolve(town="Valence", departement="82").code == "82186"
    assert places.resolve(town="Valence", postal_code="82400").code == "82186"
    with pytest.raises(PlaceError) as err:
        places.resolve(town="Valence", departement="38")
    assert err.value.field == "town" and [c.code for c in err.value.candidates] == ["16392", "26362", "82186"]


def test_accents_hyphens_saint_folded():
    assert places.resolve(town="ST MARCEL LES VALENCE").code == "26313"
    assert places.resolve(town="Étoile sur Rhône").code == places.resolve(town="etoile-sur-rhone").code == "26124"
    assert places.resolve(town="Basse Terre", departement="971").code == "97105"


def test_postal_code_of_several_communes():
    die = places.communes_of_postal_code("26150")
    assert len(die) == 14 and "26113" in {c.code for c in die} and "26150" not in {c.code for c in die}
    assert len(places.communes_of_postal_code("26400")) == 24
    with pytest.raises(PlaceError) as err:
        places.resolve(postal_code="26400")
    assert err.value.field == "postal_code" and len(err.value.candidates) == 24
    assert places.resolve(postal_code="26400", town="Crest").code == "26108"
    assert places.resolve(postal_code="20000").code == "2A004"  # one commune
    with pytest.raises(PlaceError) as err:
        places.resolve(postal_code="26400", town="Die")  # Die is 26150
    assert err.value.field == "town" and "26108" in {c.code for c in err.value.candidates}
    assert "no commune named 'Die' has postal code 26400" in str(err.value)


def test_postal_code_in_the_commune_column():
    with pytest.raises(PlaceError) as err:
        places.resolve(commune="26400")
    assert "postal code" in str(err.value) and len(err.value.candidates) == 24
    assert "Allex 26006" in str(err.value)  # names and codes of candidates
    res = places.resolution(commune="26400", town="Crest")
    assert res.commune.code == "26108" and res.postal_code_as_commune
    assert places.resolution(commune="20000").commune.code == "2A004"
    # 26150 is both a commune code (Izon-la-Bruisse) and Die's postal code: the town decides
    assert places.resolve(commune="26150").name == "Izon-la-Bruisse"
    assert places.resolve(commune="26150", town="Die").code == "26113"
    assert places.resolve(commune="26150", town="Izon-la-Bruisse").code == "26150"
    # in a column that holds postal codes, it is not taken as Izon-la-Bruisse without a town
    with pytest.raises(PlaceError) as err:
        places.resolve(commune="26150", postal_codes_in_commune=True)
    assert {"26150", "26113"} <= {c.code for c in err.value.candidates}
    with pytest.raises(PlaceError):
        places.resolve(commune="26362", town="Crest")  # the code is Valence's


def test_positions():
    paris = places.commune("75056")
    assert not paris.approximate and abs(paris.lat - 48.85) < 0.05 and abs(paris.lon - 2.35) < 0.05
    reunion = places.commune("97411")
    assert -21.5 < reunion.lat < -20.8 and 55.2 < reunion.lon < 55.9  # La Réunion's box (layout.OVERSEAS)
    # a commune of a few hundred inhabitants (no GeoNames place ≥ 1,000): the mean of its EPCI, flagged
    small = places.commune("01001")
    assert small.approximate and 45.5 < small.lat < 46.5 and 4.5 < small.lon < 5.5


# --------------------------------------------------------------------------------------------- import
def _write_cp1252(path, text: str):
    path.write_bytes(text.encode("cp1252"))
    return path


def test_import_french_csv_with_town_and_postal_code(tmp_path, embedded_store):
    f = _write_cp1252(
        tmp_path / "orgs.csv",
        "Identifiant;Nom;Secteur;Ville;Code postal\n"
        "mairie-crest;Mairie de Crest;collectivité;Crest;26400\n"
        "asso-die;Association du Diois;association;Die;26150\n"
        "asso-ajaccio;Association d'Ajaccio;association;Ajaccio;20000\n"
        "tiers-lieu-paris;Tiers-lieu République;association;Paris;75011\n"
        "mairie-valence;Mairie de Valence;collectivité;Valence;\n",
    )
    result = import_files(embedded_store, [f])
    orgs = {o.id: o for o in embedded_store.organisations()}
    assert (orgs["mairie-crest"].commune, orgs["mairie-crest"].epci) == ("26108", "200040509")
    assert (orgs["mairie-crest"].departement, orgs["mairie-crest"].region) == ("26", "84")
    assert orgs["asso-die"].commune == "26113"
    assert (orgs["asso-ajaccio"].commune, orgs["asso-ajaccio"].departement, orgs["asso-ajaccio"].region) == (
        "2A004",
        "2A",
        "94",
    )
    assert (orgs["tiers-lieu-paris"].commune, orgs["tiers-lieu-paris"].epci) == ("75111", "200054781")
    # "Valence" alone: three communes in France, one in the file's départements (26, 2A, 75)
    assert orgs["mairie-valence"].commune == "26362"
    assert all(o.lat is None and o.lon is None for o in orgs.values())  # no coordinates invented
    assert orgs["mairie-crest"].extra.get("town") == "Crest"  # what the row said is kept
    # Crest, Die, Ajaccio, Paris 11e and Valence all have their own GeoNames position
    assert result.approximate_places == []
    again = import_files(embedded_store, [f])  # re-running changes nothing
    assert {o.id: o for o in embedded_store.organisations()} == orgs
    assert again.data.organisations == result.data.organisations


def test_import_lists_rows_at_an_approximate_position(tmp_path, embedded_store):
    f = _write_cp1252(
        tmp_path / "orgs.csv",
        "id;nom;secteur;commune;latitude;longitude\n"
        "petite;Petite commune;association;01001;;\n"  # L'Abergement-Clémenciat, 860 inhabitants
        "situee;Située;association;01001;46.03;5.03\n",  # its own coordinates: not approximate
    )
    result = import_files(embedded_store, [f])
    [approx] = result.approximate_places
    assert (approx.row, approx.org, approx.commune) == (2, "petite", "01001")


def test_import_ambiguous_town_refused_with_file_row_column(tmp_path, embedded_store):
    f = _write_cp1252(
        tmp_path / "orgs.csv",
        "id;nom;secteur;ville\nok;Mairie de Crest;collectivité;Crest\nambigu;Association;association;Saint-Denis\n",
    )
    with pytest.raises(ImportFailed) as err:
        import_files(embedded_store, [f])
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (str(f), 3, "ville")
    assert "Saint-Denis 93066" in problem.message and "Saint-Denis 97411" in problem.message
    assert embedded_store.organisations() == []  # nothing written, not even the good row


def test_import_postal_code_in_commune_column_refused(tmp_path, embedded_store):
    f = _write_cp1252(
        tmp_path / "orgs.csv",
        "id;nom;secteur;commune\nok;Mairie de Valence;collectivité;26362\ncp;Épicerie;entreprise;26400\n",
    )
    with pytest.raises(ImportFailed) as err:
        import_files(embedded_store, [f])
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (3, "commune")
    assert "postal code" in problem.message and "Crest 26108" not in problem.message  # 4 shown, then …
    assert "Allex 26006" in problem.message and "'ville'" in problem.message
    assert embedded_store.organisations() == []


def test_import_postal_code_in_commune_column_with_town_resolved_and_warned(tmp_path, embedded_store):
    f = _write_cp1252(tmp_path / "orgs.csv", "id;nom;secteur;commune;ville\ncp;Épicerie;entreprise;26400;Crest\n")
    result = import_files(embedded_store, [f])
    [org] = embedded_store.organisations()
    assert org.commune == "26108"
    assert any("'26400' is a postal code" in w and "Crest (26108)" in w for w in result.warnings)


def test_import_region_contradicting_the_commune(tmp_path, embedded_store):
    f = _write_cp1252(
        tmp_path / "orgs.csv", "id;nom;secteur;ville;code postal;region\nx;X;association;Crest;26400;93\n"
    )
    with pytest.raises(ImportFailed) as err:
        import_files(embedded_store, [f])
    [problem] = err.value.problems
    assert problem.column == "region" and "84" in problem.message


# --------------------------------------------------------------------------------------------- map
def test_layout_places_organisations_at_their_commune():
    """Towns only: everyone around its commune. Crest (26108) and Valence (26362) from the table; the three of
    Crest on a spiral around Crest's point, within 2 spiral steps of it, none on top of another."""
    G = nx.Graph()
    for i in range(3):
        G.add_node(f"crest-{i}", commune="26108")
    G.add_node("valence", commune="26362")
    G.add_node("lyon", lat=45.76, lon=4.83)  # own coordinates, drawn there
    G.add_node("nowhere")
    pos, missing, insets = layout.geographic_insets(G)
    assert missing == ["nowhere"] and insets == []
    at = layout.commune_positions(G)
    assert set(at) == {"crest-0", "crest-1", "crest-2", "valence"}
    crest, valence = places.commune("26108"), places.commune("26362")
    assert at["valence"] == (valence.lat, valence.lon, valence.approximate)
    # the same graph with the communes' coordinates written in: the projection (its mean latitude, its extent)
    # is the same, and the point of Crest is where an organisation at Crest's coordinates is drawn
    H = nx.Graph()
    H.add_nodes_from(["c", "c1", "c2"], lat=crest.lat, lon=crest.lon)
    H.add_node("v", lat=valence.lat, lon=valence.lon)
    H.add_node("lyon", lat=45.76, lon=4.83)
    ref, _, _ = layout.geographic_insets(H)
    assert pos["valence"] == pytest.approx(ref["v"]) and pos["lyon"] == pytest.approx(ref["lyon"])
    crest_nodes = [pos[f"crest-{i}"] for i in range(3)]
    for p in crest_nodes:
        assert math.dist(p, ref["c"]) < 2 * layout.COMMUNE_STEP
    for i in range(3):
        for j in range(i + 1, 3):
            assert math.dist(crest_nodes[i], crest_nodes[j]) > 0.5 * layout.COMMUNE_STEP
    assert pos["valence"][1] < ref["c"][1]  # Valence is north of Crest


def test_overseas_commune_goes_to_its_inset():
    G = nx.Graph()
    G.add_node("saint-denis", commune="97411")
    G.add_node("valence", commune="26362")
    pos, missing, insets = layout.geographic_insets(G)
    [inset] = insets
    assert missing == [] and inset.code == "974" and inset.nodes == ("saint-denis",)
    x0, y0, x1, y1 = inset.box
    assert x0 < pos["saint-denis"][0] < x1 and y0 < pos["saint-denis"][1] < y1

"""The store contract: every test runs against the embedded store AND a real Neo4j server.

Expected values come from the hand-built territory below (counted by hand in the comments) or from the
pure-Python `Dataset` the data was built from.
"""

from __future__ import annotations

import datetime as dt

import pytest

from catalyse.graphcore.model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from catalyse.graphcore.projection import alliance_graph, comembership_graph, graphs_identical, tie_graph
from catalyse.graphcore.stores import IntegrityError

D = dt.date


def small() -> Dataset:
    """Five organisations in two communes of the Drôme and one of Corsica; four ties; one alliance."""
    return Dataset(
        organisations=[
            Organisation(
                "mairie",
                "Mairie de Valence",
                "local_authority",
                commune="26362",
                departement="26",
                region="84",
                epci="200068781",
                themes=("SDG11",),
            ),
            Organisation(
                "asso",
                "Association « Les Jardins d'Élise »",
                "association",
                commune="26362",
                departement="26",
                region="84",
                themes=("SDG11", "SDG2"),
                extra={"taille": "12"},
            ),
            Organisation(
                "scop",
                "SCOP Énergie Partagée",
                "social_economy",
                commune="26281",
                departement="26",
                region="84",
                themes=("SDG7",),
                siret="73282932000074",
                siren="732829320",
            ),
            Organisation(
                "fonda",
                "Fondation Cœur d'Œuvre",
                "foundation",
                commune="2A004",
                departement="2A",
                region="94",
                lat=41.92,
                lon=8.74,
            ),
            Organisation("univ", 'Université <Grenoble> "Alpes"', "academic", themes=("SDG4",)),
        ],
        catalysers=[Catalyser("asso", ("dialogue", "third_place"))],
        alliances=[
            Alliance(
                "A1",
                "Alimentation locale",
                themes=("SDG2",),
                commune="26362",
                start=D(2019, 1, 1),
                end=D(2022, 12, 31),
                status="ended",
                members=(Membership("asso", "lead"), Membership("mairie", "funder"), Membership("scop", "partner")),
            )
        ],
        ties=[
            Tie("mairie", "asso", "partnership", weight=2.0, start=D(2016, 3, 1)),
            Tie("mairie", "scop", "funding", directed=True, start=D(2018, 1, 1), end=D(2020, 6, 30)),
            Tie("scop", "asso", "co_project", start=D(2021, 9, 1), provenance="convention", confidence=0.8),
            Tie("fonda", "univ", "exchange"),  # no dates: active at any date
        ],
        introductions=[
            Introduction("asso", "scop", "univ", D(2023, 5, 4), note="Besoin commun : énergie", outcome="met")
        ],
    ).sorted()


def test_round_trip_keeps_every_field(store):
    data = small()
    store.write(data)
    assert store.dataset() == data
    assert store.counts() == {
        "organisations": 5,
        "catalysers": 1,
        "alliances": 1,
        "memberships": 3,
        "ties": 4,
        "introductions": 1,
    }
    univ = store.get_organisation("univ")
    assert univ.name == 'Université <Grenoble> "Alpes"'
    assert store.get_organisation("asso").extra == {"taille": "12"}
    assert store.get_organisation("nope") is None


def test_rewrite_is_idempotent_and_counted(store):
    data = small()
    first = store.write(data)
    assert first.new["organisations"] == 5 and first.new["ties"] == 4
    again = store.write(data)
    assert not again.modified
    assert again.unchanged == {"organisations": 5, "catalysers": 1, "alliances": 1, "ties": 4, "introductions": 1}
    assert store.dataset() == data


def test_upsert_replaces_an_entity(store):
    store.write(small())
    renamed = Organisation("mairie", "Ville de Valence", "local_authority", commune="26362")
    smaller = Alliance("A1", "Alimentation locale", members=(Membership("asso", "lead"),))
    summary = store.write(Dataset([renamed], alliances=[smaller]))
    assert summary.changed["organisations"] == 1 and summary.changed["alliances"] == 1
    assert store.get_organisation("mairie") == renamed
    assert store.alliances()[0].members == (Membership("asso", "lead"),)
    assert store.counts()["memberships"] == 1
    # the catalyser role survives an update of its organisation
    store.write(Dataset([Organisation("asso", "Les Jardins d'Élise", "association")]))
    assert store.catalysers() == [Catalyser("asso", ("dialogue", "third_place"))]


def test_unknown_organisation_is_refused_and_nothing_written(store):
    store.write(small())
    before = store.dataset()
    bad = Dataset(
        [Organisation("new", "Nouvelle", "company")],
        ties=[Tie("new", "ghost", "partnership"), Tie("mairie", "new", "exchange")],
    )
    with pytest.raises(IntegrityError, match="ghost"):
        store.write(bad)
    assert store.dataset() == before
    assert store.get_organisation("new") is None


def test_as_of_is_the_network_on_that_date(store):
    data = small()
    store.write(data)
    # 2019-06-01: partnership (2016–), funding (2018–2020-06-30), exchange (undated); co_project starts 2021
    on = store.dataset(as_of=D(2019, 6, 1))
    assert sorted(t.type for t in on.ties) == ["exchange", "funding", "partnership"]
    assert [a.id for a in on.alliances] == ["A1"]
    assert on.introductions == []
    # 2022-01-01: funding ended 2020-06-30; co_project started 2021-09-01
    assert sorted(t.type for t in store.ties(as_of=D(2022, 1, 1))) == ["co_project", "exchange", "partnership"]
    # 2023-06-01: the alliance ended 2022-12-31
    assert store.alliances(as_of=D(2023, 6, 1)) == []
    assert len(store.dataset(as_of=D(2023, 6, 1)).organisations) == 5  # every organisation stays
    # boundaries are inclusive
    assert len(store.ties(as_of=D(2020, 6, 30), type="funding")) == 1
    assert len(store.ties(as_of=D(2020, 7, 1), type="funding")) == 0


def test_filters(store):
    store.write(small())
    ids = lambda orgs: [o.id for o in orgs]  # noqa: E731
    assert ids(store.organisations(sector="association")) == ["asso"]
    assert ids(store.organisations(territory="26362")) == ["asso", "mairie"]
    assert ids(store.organisations(territory="26")) == ["asso", "mairie", "scop"]
    assert ids(store.organisations(territory="2A")) == ["fonda"]
    assert ids(store.organisations(territory="epci:200068781")) == ["mairie"]
    assert ids(store.organisations(territory="region:94")) == ["fonda"]
    assert ids(store.organisations(theme="ODD 11")) == ["asso", "mairie"]
    assert ids(store.organisations(search="ENERGIE")) == ["scop"]  # accents and case ignored
    assert ids(store.organisations(search="coeur d'oeuvre")) == ["fonda"]  # 'Cœur d'Œuvre': œ folds to oe
    assert ids(store.organisations(search="elise")) == ["asso"]
    assert ids(store.organisations(sector="association", territory="26281")) == []
    assert [t.type for t in store.ties(type="funding")] == ["funding"]
    assert sorted(t.type for t in store.ties(org="scop")) == ["co_project", "funding"]
    assert [i.id for i in store.introductions(catalyser="asso")] == [small().introductions[0].id]
    assert store.introductions(org="mairie") == []
    assert [a.id for a in store.alliances(theme="2")] == ["A1"]


def test_delete_cascades(store):
    store.write(small())
    done = store.delete(organisations=["scop"])
    assert done["organisations"] == 1
    # scop had 2 ties (funding, co_project), 1 membership, 1 introduction: all gone with it
    assert sorted(t.type for t in store.ties()) == ["exchange", "partnership"]
    assert [m.org for m in store.alliances()[0].members] == ["asso", "mairie"]
    assert store.introductions() == []
    key = store.ties(type="exchange")[0].key
    assert store.delete(ties=[key])["ties"] == 1
    assert store.delete(alliances=["A1"])["alliances"] == 1
    assert store.counts()["memberships"] == 0


def test_demo_territory_round_trip(store, demo_data):
    store.write(demo_data)
    assert store.dataset() == demo_data
    day = D(2020, 6, 1)
    assert store.dataset(as_of=day) == demo_data.as_of(day)


def test_both_stores_give_identical_graphs(embedded_store, neo4j_store, demo_data):
    embedded_store.write(demo_data)
    neo4j_store.write(demo_data)
    day = D(2021, 1, 1)
    a, b = embedded_store.dataset(), neo4j_store.dataset()
    for build in (tie_graph, alliance_graph, comembership_graph):
        assert graphs_identical(build(a), build(b)), build.__name__
    assert graphs_identical(tie_graph(a, directed=True), tie_graph(b, directed=True))
    assert graphs_identical(tie_graph(a, multigraph=True), tie_graph(b, multigraph=True))
    ga = tie_graph(embedded_store.dataset(as_of=day), as_of=day)
    gb = tie_graph(neo4j_store.dataset(as_of=day), as_of=day)
    assert graphs_identical(ga, gb)
    # and the as-of graph is the pure-Python one, so the date filter is pushed down faithfully
    assert graphs_identical(ga, tie_graph(demo_data, as_of=day))

"""The store contract: every test runs against the embedded store AND a real Neo4j server.

Expected values come from the hand-built territory below (counted by hand in the comments) or from the
pure-Python `Dataset` the data was built from.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from catalyse.graphcore.model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from catalyse.graphcore.projection import (
    TieColumns,
    alliance_graph,
    comembership_graph,
    graphs_identical,
    tie_graph,
    tie_graph_columns,
)
from catalyse.graphcore.stores import (
    ATOMIC_LIMIT,
    SQLITE_ATOMIC_LIMIT,
    IntegrityError,
    PartialWrite,
    SchemaMissing,
    SqliteStore,
    TooBigForOneTransaction,
    write_rows,
)
from catalyse.graphcore.stores.base import ENTITIES

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


# -- one transaction up to the atomic limit; the bulk load reports what it committed ------------------------------
def test_write_refuses_more_than_its_atomic_limit(store):
    data = small()
    # 5 organisations + 1 catalyser + 1 alliance + 4 ties + 1 introduction = 12 rows (counted by hand)
    assert write_rows(data) == 12
    store.atomic_limit = 11
    with pytest.raises(TooBigForOneTransaction, match="bulk_write") as info:
        store.write(data)
    assert (info.value.rows, info.value.limit) == (12, 11)
    assert not any(store.counts().values())  # nothing written
    store.atomic_limit = 12  # exactly the limit: one transaction
    assert store.write(data).transactions == 1
    assert store.dataset() == data


def test_the_documented_limits_are_the_stores_own(store):
    """The default limits (250,000 rows on Neo4j, 2,000,000 embedded: graphcore/stores/base.py) are enforced: one
    row more is refused before anything is read or written (the list repeats one organisation: only its length
    is looked at)."""
    limit = {"embedded": SQLITE_ATOMIC_LIMIT, "neo4j": ATOMIC_LIMIT}[store.kind]
    assert (SQLITE_ATOMIC_LIMIT, ATOMIC_LIMIT) == (2_000_000, 250_000)
    assert store.atomic_limit == limit
    one = Organisation("o", "Une", "company")
    with pytest.raises(TooBigForOneTransaction, match=f"{limit + 1:,} rows is more than the {limit:,}"):
        store.write(Dataset(organisations=[one] * (limit + 1)))
    assert store.counts()["organisations"] == 0


def test_bulk_write_stores_everything_and_counts_its_transactions(store, demo_data):
    summary = store.bulk_write(demo_data, commit_every=100)
    c = demo_data.counts()
    assert summary.new == {e: c[e] for e in ENTITIES}
    assert store.dataset() == demo_data
    # Neo4j: 300 organisations in 3 batches of 100, 1 batch of catalysers + alliances + introductions, 995 ties in
    # 10 batches; the embedded store: one transaction whatever the size
    assert summary.transactions == {"embedded": 1, "neo4j": 3 + 1 + 10}[store.kind]
    again = store.bulk_write(demo_data, commit_every=100)
    assert not again.modified and again.unchanged["ties"] == 995


def test_bulk_write_failure_reports_exactly_what_was_committed(store, demo_data):
    """The caller's progress callback fails once more than 650 rows were reported. Neo4j ticks after each commit:
    3 organisation batches (300), the small batch (5 + 40 + 60 = 105: 405), tie batches of 100 (505, 605, 705):
    the failure comes after the third tie batch's commit, and no batch starts after it. The embedded store ticks
    inside its one transaction, which is rolled back."""
    ticked = [0]

    def progress(n):
        ticked[0] += n
        if ticked[0] > 650:
            raise RuntimeError("the catalyser's laptop went to sleep")

    if store.kind == "embedded":
        with pytest.raises(RuntimeError, match="went to sleep"):
            store.bulk_write(demo_data, progress=progress, commit_every=100)
        assert not any(store.counts().values())  # one transaction: nothing
    else:
        with pytest.raises(PartialWrite, match="went to sleep") as info:
            store.bulk_write(demo_data, progress=progress, commit_every=100)
        err = info.value
        assert err.committed == {
            "organisations": 300,
            "catalysers": 5,
            "alliances": 40,
            "ties": 300,
            "introductions": 60,
        }
        assert err.committed_rows["ties"] == [(0, 300)] and err.in_doubt == {} and err.batches == 7
        assert {t.key for t in store.ties()} == {t.key for t in demo_data.ties[:300]}
        assert store.counts()["organisations"] == 300
    summary = store.bulk_write(demo_data, commit_every=100)  # the re-run completes it
    assert summary.unchanged["ties"] == {"embedded": 0, "neo4j": 300}[store.kind]
    assert store.dataset() == demo_data


# -- point look-ups ---------------------------------------------------------------------------------------------------
def test_get_introduction(store):
    data = small()
    store.write(data)
    intro = data.introductions[0]
    assert store.get_introduction(intro.id) == intro
    assert store.get_introduction("nope") is None
    # who in the structure made it: kept exactly (accents, apostrophe), and a re-write with it changes one row
    import dataclasses

    signed = dataclasses.replace(intro, person="Zoé L'Hôte")
    summary = store.write(Dataset(introductions=[signed]))
    assert summary.changed["introductions"] == 1
    assert store.get_introduction(intro.id).person == "Zoé L'Hôte"
    assert store.write(Dataset(introductions=[signed])).modified is False


def test_alliances_of_an_organisation(store):
    data = small()
    a2 = Alliance("A2", "Énergie citoyenne", members=(Membership("asso", "partner"), Membership("fonda", "funder")))
    store.write(Dataset(data.organisations, alliances=[*data.alliances, a2]))
    ids = lambda alls: [a.id for a in alls]  # noqa: E731
    assert ids(store.alliances(org="asso")) == ["A1", "A2"]  # a member of both
    assert ids(store.alliances(org="fonda")) == ["A2"]
    assert store.alliances(org="univ") == [] and store.alliances(org="ghost") == []
    assert store.alliances(org="mairie") == [data.alliances[0]]  # with ALL its members, not only mairie
    assert ids(store.alliances(org="mairie", as_of=D(2023, 6, 1))) == []  # A1 ended 2022-12-31
    assert ids(store.alliances(org="asso", as_of=D(2023, 6, 1))) == ["A2"]  # undated: active


def _plan(store, query: str, **params) -> str:
    """The query plan's operators (Neo4j) or steps (SQLite), as one text."""
    if store.kind == "embedded":
        return " | ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + query, list(params.values())))
    with store.driver.session() as session:
        plan = session.run("EXPLAIN " + query, **params).consume().plan

    def walk(p):
        yield p["operatorType"]
        for child in p.get("children", []):
            yield from walk(child)

    return " | ".join(walk(plan))


def test_point_look_ups_start_from_an_index(store):
    store.write(small())
    if store.kind == "embedded":
        from catalyse.graphcore.stores import sqlite_store as q

        intro = _plan(store, q.INTRODUCTION_BY_ID, id="x")
        alliances = _plan(store, "SELECT * FROM alliances WHERE " + q.ALLIANCES_OF_ORG, org="asso")
        assert "SEARCH introductions USING INDEX" in intro and "SCAN" not in intro, intro
        assert "SEARCH memberships USING" in alliances and "memberships_org" in alliances, alliances
        assert "SCAN" not in alliances, alliances
    else:
        from catalyse.graphcore.stores import neo4j_store as q

        queries = {
            "introduction": (q.INTRODUCTION_BY_ID, {"id": "x"}),
            "alliances": (q.ALLIANCES_OF_ORG + " RETURN a", {"org": "asso"}),
            "ties": (q.TIES_OF_ORG + " RETURN t", {"org": "asso"}),
            "introductions by": (q.INTRODUCTIONS_BY + " RETURN i", {"catalyser": "asso"}),
            "introductions of": (q.INTRODUCTIONS_OF + " RETURN i", {"org": "asso"}),
        }
        for name, (query, params) in queries.items():
            plan = _plan(store, query, **params)
            assert "NodeUniqueIndexSeek" in plan and "Scan" not in plan, (name, plan)


# -- the schema is created once, not on opening ---------------------------------------------------------------------
def test_schema_is_created_once_and_never_on_opening(store, request, tmp_path):
    if store.kind == "embedded":
        path = tmp_path / "plain.db"
        plain = sqlite3.connect(path)
        plain.execute("CREATE TABLE notes (text TEXT)")
        plain.close()
        with pytest.raises(SchemaMissing, match="catalyse init"):
            SqliteStore(path)
        with sqlite3.connect(path) as check:  # opening ran no DDL
            assert [r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["notes"]
        other = SqliteStore(path, create=True)  # as `catalyse init` does
        assert other.ensure_schema() is False  # already there
    else:
        from catalyse.graphcore.stores.neo4j_store import Neo4jStore

        uri, user, password = request.getfixturevalue("neo4j_server")
        try:
            with store.driver.session() as session:
                for statement in (
                    "DROP CONSTRAINT catalyse_org_id",
                    "DROP CONSTRAINT catalyse_alliance_id",
                    "DROP CONSTRAINT catalyse_intro_id",
                    "DROP CONSTRAINT catalyse_tie_key",
                    "DROP INDEX catalyse_org_sector",
                    "DROP INDEX catalyse_org_commune",
                ):
                    session.run(statement).consume()
            other = Neo4jStore(uri, user=user, password=password)  # opening: no DDL
            with store.driver.session() as session:
                names = session.run("SHOW INDEXES YIELD name RETURN collect(name) AS n").single()["n"]
            assert not [n for n in names if n.startswith("catalyse_")]
            with pytest.raises(SchemaMissing, match="catalyse init"):
                other.write(small())
            with pytest.raises(SchemaMissing, match="catalyse_org_id"):
                other.organisations()
            assert other.ensure_schema() is True
            assert other.ensure_schema() is False
        finally:
            store.ensure_schema()  # the other tests' server keeps its schema
    other.write(small())
    assert other.dataset() == small()
    other.close()


# -- store -> analysis in columns -----------------------------------------------------------------------------------
def test_columnar_projection_is_the_object_projection(store, demo_data):
    """`tie_columns` + `tie_graph_columns` (no model object per row) give exactly the graph of the object path —
    nodes, attributes, edges, edge attributes and their order — and the pure-Python graph of the demo data."""
    store.write(demo_data)
    day = D(2020, 6, 1)
    assert store.tie_columns().nodes == TieColumns.from_dataset(demo_data).nodes
    for as_of in (None, day):
        columns = store.tie_columns(as_of=as_of)
        data = store.dataset(as_of=as_of)
        for directed in (False, True):
            for types in (None, ("funding", "partnership")):
                G = tie_graph_columns(columns, directed=directed, types=types)
                assert graphs_identical(G, tie_graph(data, directed=directed, as_of=as_of, types=types))
                assert graphs_identical(G, tie_graph(demo_data, directed=directed, as_of=as_of, types=types))
                assert G.number_of_edges() > 0


def test_tie_arrays_are_the_tie_graph(store, demo_data):
    """`tie_arrays` (what `stats` and `brokers` compute on) hold the tie graph's pairs, arcs and weights exactly,
    and `overview_arrays` equals `overview` of the networkx graph (the reference path)."""
    from catalyse.queries.overview import overview, overview_arrays

    store.write(demo_data)
    for as_of in (None, D(2020, 6, 1)):
        arrays = store.tie_arrays(as_of=as_of)
        assert arrays.ids == sorted(o.id for o in demo_data.organisations)
        for directed in (False, True):
            G = tie_graph(demo_data, directed=directed, as_of=as_of)
            u, v, w = arrays.pairs(directed=directed)
            got = {(arrays.ids[a], arrays.ids[b]): x for a, b, x in zip(u.tolist(), v.tolist(), w.tolist())}
            want = {(min(a, b), max(a, b)) if not directed else (a, b): d["weight"] for a, b, d in G.edges(data=True)}
            assert got.keys() == want.keys() and len(got) > 0
            assert all(got[k] == pytest.approx(want[k], rel=1e-12) for k in got)
        assert overview_arrays(arrays) == overview(tie_graph(demo_data, as_of=as_of))

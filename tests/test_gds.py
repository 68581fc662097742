"""The gds engine (`catalyse.queries.gds`) against a real Neo4j 5.26 with Graph Data Science 2.13 (tools/neo4j,
``gds=True``): every value is compared with networkx on the same tie graph (`graphcore.projection.tie_graph` of
the demo territory), the independent reference.

Deterministic measures must be equal (to float rounding, 1e-9): triangles, local and mean clustering, transitivity,
exact betweenness (also with every node sampled), common neighbours and Adamic–Adar. Louvain has no seed in GDS:
its partition's modularity must be the modularity networkx computes for that partition (1e-9) and within 0.02 of
networkx's seeded Louvain (measured on this graph: 0.5035 against 0.5031). Sampled betweenness (half the nodes)
is an estimate: its correlation with the exact values must stay above 0.95 (measured: 0.995 with 100 of 300).
"""

from __future__ import annotations

import datetime as _dt
import json

import networkx as nx
import pytest

pytestmark = pytest.mark.neo4j

SEED = 2025
TOL = 1e-9


@pytest.fixture(scope="module")
def demo():
    from catalyse.graphcore.demo import generate_territory

    return generate_territory(300, seed=SEED)


@pytest.fixture(scope="module")
def gds_store(neo4j_gds_server, demo):
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    uri, user, password = neo4j_gds_server
    store = Neo4jStore(uri, user=user, password=password, create=True)
    store.clear()
    store.write(demo)
    yield store
    store.close()


@pytest.fixture(scope="module")
def engine(gds_store):
    from catalyse.queries.gds import GdsEngine

    return GdsEngine(gds_store)


@pytest.fixture(scope="module")
def G(demo):
    from catalyse.graphcore.projection import tie_graph

    return tie_graph(demo)


def test_server_has_gds_2_13(engine):
    assert engine.version().startswith("2.13.")


def test_projection_is_the_tie_graph(engine, G):
    with engine.project() as g:
        assert (g.nodes, g.ties) == (G.number_of_nodes(), G.number_of_edges())  # 300 organisations, 923 pairs
        assert g.degrees() == dict(G.degree())


def test_triangles_and_local_clustering_equal_networkx(engine, G):
    with engine.project() as g:
        assert g.triangles() == nx.triangles(G)
        local = g.local_clustering()
        ref = nx.clustering(G)
        assert local.keys() == ref.keys()
        assert max(abs(local[v] - ref[v]) for v in ref) < TOL
        clus = g.clustering()
    assert clus["average_clustering"] == pytest.approx(nx.average_clustering(G), abs=TOL)
    assert clus["transitivity"] == pytest.approx(nx.transitivity(G), abs=TOL)


def test_exact_betweenness_equals_networkx(engine, G):
    ref = nx.betweenness_centrality(G, normalized=False)
    with engine.project() as g:
        exact = g.betweenness()
        every = g.betweenness(sample=len(G), seed=7)  # every node sampled: exact
        normalized = g.betweenness(normalized=True)
        weighted = g.betweenness(weight="weight", normalized=True)
    assert max(abs(exact[v] - ref[v]) for v in ref) < 1e-7
    assert max(abs(every[v] - ref[v]) for v in ref) < 1e-7
    ref_n = nx.betweenness_centrality(G)
    assert max(abs(normalized[v] - ref_n[v]) for v in ref) < TOL
    # weighted: the length of a tie is 1 / weight, as in queries.centrality
    from catalyse.queries.centrality import betweenness

    ref_w = betweenness(G, weight="weight")
    assert max(abs(weighted[v] - ref_w[v]) for v in ref) < TOL


def test_sampled_betweenness_estimates_exact(engine, G):
    import numpy as np

    ref = nx.betweenness_centrality(G, normalized=False)
    with engine.project() as g:
        est = g.betweenness(sample=150, seed=1)
        again = g.betweenness(sample=150, seed=1)
    assert est == again  # seeded
    nodes = list(ref)
    assert np.corrcoef([est[v] for v in nodes], [ref[v] for v in nodes])[0, 1] > 0.95
    assert est != ref


def test_louvain_modularity(engine, G):
    with engine.project() as g:
        first = g.louvain()
        second = g.louvain()
        unweighted = g.louvain(weight=None)
    assert first["membership"] == second["membership"]  # one thread: repeatable
    assert sorted(first["membership"]) == sorted(G)
    parts = [set(c) for c in first["communities"]]
    assert first["modularity"] == pytest.approx(nx.community.modularity(G, parts, weight="weight"), abs=TOL)
    seeded = nx.community.louvain_communities(G, weight="weight", seed=0)
    assert abs(first["modularity"] - nx.community.modularity(G, seeded, weight="weight")) < 0.02
    parts = [set(c) for c in unweighted["communities"]]
    assert unweighted["modularity"] == pytest.approx(nx.community.modularity(G, parts, weight=None), abs=TOL)


def test_candidate_pairs_equal_networkx(engine, G):
    found = engine.candidate_pairs(limit=50)
    assert len(found) == 50
    # networkx: every untied pair with a common neighbour, best Adamic-Adar first (ties broken as the engine does)
    pairs = {tuple(sorted((u, v))) for w in G for u in G[w] for v in G[w] if u < v and not G.has_edge(u, v)}
    aa = {tuple(sorted((u, v))): p for u, v, p in nx.adamic_adar_index(G, pairs)}
    cn = {p: len(list(nx.common_neighbors(G, *p))) for p in pairs}
    best = sorted(pairs, key=lambda p: (-aa[p], -cn[p], p))[:50]
    assert [(r["a"], r["b"]) for r in found][:10] == best[:10]
    for r in found:
        p = (r["a"], r["b"])
        assert r["common_neighbors"] == cn[p]
        assert r["adamic_adar"] == pytest.approx(aa[p], abs=TOL)
    org = found[0]["a"]
    mine = engine.candidate_pairs(org=org, limit=1000)
    assert mine and all(org in (r["a"], r["b"]) for r in mine)
    assert len(mine) == sum(1 for p in pairs if org in p)


def test_filters_project_the_same_graph(engine, demo):
    from catalyse.graphcore.projection import restrict, tie_graph

    day = _dt.date(2020, 6, 1)
    H = restrict(tie_graph(demo, as_of=day, types=["partnership", "exchange"]), territory="26362")
    with engine.project(as_of=day, types=["partnership", "exchange"], ids=list(H)) as g:
        assert (g.nodes, g.ties) == (H.number_of_nodes(), H.number_of_edges())
        assert g.triangles() == nx.triangles(H)
    found = engine.candidate_pairs(as_of=day, types=["partnership", "exchange"], ids=list(H), limit=5)
    for r in found:
        assert not H.has_edge(r["a"], r["b"])
        assert r["adamic_adar"] == pytest.approx(next(nx.adamic_adar_index(H, [(r["a"], r["b"])]))[2], abs=TOL)


def test_workspace_gds_metrics_equal_networkx(gds_store):
    from catalyse.workspace import Filters, Workspace

    for filters in (None, Filters.parse(territory="26362", as_of="2022-01-01")):
        ref = Workspace(gds_store).metrics(filters)
        got = Workspace(gds_store, engine="gds").metrics(filters)
        for key in ("average_clustering", "transitivity", "betweenness_centralization"):
            assert got[key] == pytest.approx(ref[key], abs=TOL), key
        assert abs(got["modularity"] - ref["modularity"]) < 0.02
        for key, value in ref.items():  # everything else is the same computation on the same graph
            if key in ("communities", "modularity"):
                continue
            assert got[key] == (pytest.approx(value, abs=TOL) if isinstance(value, float) else value), key
    rows_ref = Workspace(gds_store).metrics_per_org(top=10)
    rows = Workspace(gds_store, engine="gds").metrics_per_org(top=10)
    assert [r["organisation"] for r in rows] == [r["organisation"] for r in rows_ref]
    assert [r["betweenness"] for r in rows] == pytest.approx([r["betweenness"] for r in rows_ref], abs=TOL)


def test_cli_metrics_engine_gds(gds_store, neo4j_gds_server, monkeypatch):
    from click.testing import CliRunner

    from catalyse.cli import cli

    uri, user, password = neo4j_gds_server
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_USER", user)
    monkeypatch.setenv("NEO4J_PASSWORD", password)
    runner = CliRunner()
    out = {}
    for engine in ("networkx", "gds"):
        res = runner.invoke(cli, ["--store", "neo4j", "metrics", "--engine", engine, "--format", "json"])
        assert res.exit_code == 0, res.output
        out[engine] = json.loads(res.output)[0]
    assert out["gds"]["transitivity"] == pytest.approx(out["networkx"]["transitivity"], abs=TOL)
    assert out["gds"]["betweenness_centralization"] == pytest.approx(
        out["networkx"]["betweenness_centralization"], abs=TOL
    )


def test_gds_engine_needs_neo4j(tmp_path):
    from click.testing import CliRunner

    from catalyse.cli import cli
    from catalyse.graphcore.demo import generate_territory
    from catalyse.graphcore.stores import SqliteStore
    from catalyse.workspace import CatalyseError, Workspace

    store = SqliteStore(tmp_path / "c.db", create=True)
    store.write(generate_territory(30, seed=1))
    with pytest.raises(CatalyseError, match="needs a Neo4j store"):
        Workspace(store, engine="gds").metrics()
    store.close()
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "c.db"), "metrics", "--engine", "gds"])
    assert res.exit_code == 1 and "needs a Neo4j store" in res.output

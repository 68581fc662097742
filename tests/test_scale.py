"""The national-scale paths: analyses on the store's arrays and sampled betweenness centralisation.

Each fast path is checked against the networkx path it replaces (networkx is the independent reference), on a
generated territory small enough to compute both.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.stores import SqliteStore
from catalyse.queries import structure
from catalyse.workspace import Workspace


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = SqliteStore(tmp_path_factory.mktemp("scale") / "s.db", create=True)
    s.write(generate_territory(400, seed=5))
    yield s
    s.close()


def _close(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-12))


@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("weight", ["weight", None])
def test_brokers_on_arrays_equal_brokers_on_the_graph(store, directed, weight):
    """The arrays path (no graph) and the networkx path give the same rows: counts and z-scores exactly, Burt's
    measures to 1e-12 (summation order)."""
    fast = Workspace(store).brokers(directed=directed, weight=weight, top=40)
    ws = Workspace(store)
    ws.network().view(directed)  # a built graph makes `brokers` take the networkx path
    slow = ws.brokers(directed=directed, weight=weight, top=40)
    assert [r["organisation"] for r in fast["rows"]] == [r["organisation"] for r in slow["rows"]]
    for a, b in zip(fast["rows"], slow["rows"]):
        assert a.keys() == b.keys()
        assert all(_close(a[k], b[k]) for k in a), (a, b)
    assert fast["rows"][0]["total"] > 0


def test_stats_on_arrays_equal_stats_on_the_graph(store):
    fast = Workspace(store).stats()
    ws = Workspace(store)
    assert ws.network(require=False).graph.number_of_nodes() == 400  # built: `stats` takes the graph path
    assert fast == ws.stats()
    assert fast["counts"]["ties"] == store.counts()["ties"]


def test_sampled_centralisation_uses_networkx_pivots():
    """Each node's estimate is networkx's own k-pivot estimate (same seed: same pivots), so the centralisation
    computed here from networkx's sampled betweenness is the sampled centralisation."""
    G = nx.gnm_random_graph(250, 700, seed=3)
    n, k = len(G), 60
    r = structure.betweenness_centralization_sampled(G, k=k, seed=11)
    b = nx.betweenness_centrality(G, k=k, seed=11, normalized=False)
    top = max(b.values())
    want = sum(top - x for x in b.values()) / ((n - 1) ** 2 * (n - 2) / 2)
    assert r["value"] == pytest.approx(want, rel=1e-9)
    assert r["k"] == k and 0 < r["standard_error"] < r["error_bound"]
    exact = structure.betweenness_centralization(G)
    assert abs(r["value"] - exact) <= r["error_bound"]


def test_sampled_centralisation_with_every_pivot_is_exact():
    G = nx.star_graph(6)
    r = structure.betweenness_centralization_sampled(G, k=7)
    assert (r["value"], r["standard_error"], r["error_bound"]) == (1.0, 0.0, 0.0)  # a star: Freeman's maximum


def test_summary_samples_above_the_size_and_exact_insists(monkeypatch):
    G = nx.gnm_random_graph(120, 300, seed=4)
    exact = structure.summary(G)["betweenness_centralization"]
    monkeypatch.setattr(structure, "LARGE_GRAPH_TIES", 100)
    sampled = structure.summary(G, pivots=30)
    assert sampled["betweenness_centralization_pivots"] == 30
    assert abs(sampled["betweenness_centralization"] - exact) <= sampled["betweenness_centralization_bound"]
    assert structure.summary(G, exact=True)["betweenness_centralization"] == exact
    # clustering by igraph above the size: the same values as networkx's
    assert sampled["average_clustering"] == pytest.approx(nx.average_clustering(G), rel=1e-12)
    assert sampled["transitivity"] == pytest.approx(nx.transitivity(G), rel=1e-12)


def test_betweenness_work_is_the_sum_over_components():
    # hand-computed: a path of 3 (3 × 2) beside an isolated pair (2 × 1) and an isolate (1 × 0)
    G = nx.Graph([(1, 2), (2, 3), (4, 5)])
    G.add_node(6)
    assert structure.betweenness_work(G) == 8
    # directed: weak components (1 → 2 ← 3 is one component of 3 organisations and 2 arcs)
    assert structure.betweenness_work(nx.DiGraph([(1, 2), (3, 2)])) == 6
    # against networkx's components on a random graph with many isolates
    R = nx.gnm_random_graph(400, 150, seed=2)
    want = sum(len(c) * R.subgraph(c).number_of_edges() for c in nx.connected_components(R))
    assert structure.betweenness_work(R) == want


def test_summary_samples_many_organisations_with_few_ties(monkeypatch):
    # a year of a national network: few ties (below LARGE_GRAPH_TIES) among many organisations, so exact
    # Brandes would take hours; above LARGE_BETWEENNESS_WORK the centralisation is estimated, --exact insists
    G = nx.gnm_random_graph(120, 300, seed=4)
    exact = structure.summary(G)["betweenness_centralization"]
    work = structure.betweenness_work(G)
    monkeypatch.setattr(structure, "LARGE_BETWEENNESS_WORK", work)
    assert "betweenness_centralization_pivots" not in structure.summary(G)  # at the limit: exact
    monkeypatch.setattr(structure, "LARGE_BETWEENNESS_WORK", work - 1)
    sampled = structure.summary(G, pivots=30)
    assert sampled["betweenness_centralization_pivots"] == 30
    assert abs(sampled["betweenness_centralization"] - exact) <= sampled["betweenness_centralization_bound"]
    assert structure.summary(G, exact=True)["betweenness_centralization"] == exact


def test_large_graph_louvain_is_seeded():
    G = nx.connected_caveman_graph(6, 5)
    a = structure._igraph_louvain(G, "weight", 1.0, 0)
    random.seed(123)
    assert a == structure._igraph_louvain(G, "weight", 1.0, 0)
    assert sorted(map(len, a)) == [5] * 6  # the caves


def test_stats_as_of_counts_are_the_dataset_counts(store):
    import datetime as dt

    day = dt.date(2021, 1, 1)
    got = Workspace(store).stats(as_of=day)
    assert got["counts"] == store.dataset(as_of=day).counts()
    assert got["counts"]["ties"] < store.counts()["ties"]  # some ties start later


def test_large_graph_modularity_is_networkx_modularity(monkeypatch):
    G = nx.connected_caveman_graph(5, 4)
    for i, (u, v) in enumerate(G.edges()):
        G.edges[u, v]["weight"] = 1 + i % 3
    want = structure.communities(G)
    monkeypatch.setattr(structure, "LARGE_GRAPH_TIES", 5)
    got = structure.communities(G, membership=want["membership"])  # the same partition, modularity by igraph
    assert got["modularity"] == pytest.approx(want["modularity"], rel=1e-12)


def test_comembership_matrix_is_the_comembership_graph(store):
    """The matrix from the alliance incidence equals `set_comembership` of the co-membership graph, and the
    suggestions made with it are those made with the graph (the path before)."""
    from catalyse.queries.link_prediction import GraphIndex
    from catalyse.queries.suggestions import SuggestionIndex, suggest

    ws = Workspace(store)
    net = ws.network()
    ref = GraphIndex(net.graph)
    want = ref.set_comembership(net.comembership)
    got = net.comembership_matrix(ref.pos)
    assert (got != want).nnz == 0 and got.nnz > 0
    org = max(net.graph.degree, key=lambda x: (x[1], x[0]))[0]
    old_index = SuggestionIndex(net.graph, comembership=net.comembership, communities=net.partition())
    old = suggest(net.graph, org, exclude=net.introduced_pairs, communities=True, lang="fr", index=old_index)
    new = ws.suggestions(org)
    assert [(s.pair, s.score) for s in new] == [(s.pair, s.score) for s in old][: len(new)] and new

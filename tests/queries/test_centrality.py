"""Tests of queries.centrality.

Sources of expected values: igraph computed live (independent C implementations: degree/strength,
betweenness, closeness, eigenvector centrality, PageRank) and networkx computed live, on seeded random graphs
and networkx's Florentine families and Davis southern women graphs; tiny graphs hand-computed.
"""

import math
import random

import igraph as ig
import networkx as nx
import pytest

from catalyse.queries import centrality as ce


def weighted(G, seed):
    rnd = random.Random(seed)
    for u, v in G.edges():
        G[u][v]["weight"] = rnd.choice([0.5, 1, 2, 4])
    return G


def to_igraph(G):
    nodes = list(G)
    idx = {u: i for i, u in enumerate(nodes)}
    edges = list(G.edges(data=True))
    g = ig.Graph(n=len(nodes), edges=[(idx[u], idx[v]) for u, v, _ in edges], directed=G.is_directed())
    g.es["weight"] = [d.get("weight", 1) for _, _, d in edges]
    g.es["length"] = [1 / d.get("weight", 1) for _, _, d in edges]
    return nodes, g


def graphs():
    out = [
        ("florentine", weighted(nx.florentine_families_graph(), 1)),
        ("davis", weighted(nx.davis_southern_women_graph(), 2)),
        ("gnm_u", weighted(nx.gnm_random_graph(50, 120, seed=3), 3)),
        ("gnm_d", weighted(nx.gnm_random_graph(50, 160, seed=4, directed=True), 4)),
    ]
    return out


GRAPHS = graphs()
IDS = [g[0] for g in GRAPHS]


def close(a, b, tol=1e-9):
    assert set(a) == set(b)
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=tol), k


@pytest.mark.parametrize("name,G", GRAPHS, ids=IDS)
def test_degree_and_strength_igraph(name, G):
    nodes, g = to_igraph(G)
    n = len(nodes)
    close(ce.degree(G, normalized=False), dict(zip(nodes, map(float, g.degree()))))
    close(ce.degree(G), {u: d / (n - 1) for u, d in zip(nodes, g.degree())})
    close(ce.degree(G, weight="weight", normalized=False), dict(zip(nodes, g.strength(weights="weight"))))
    if G.is_directed():
        close(ce.degree(G, mode="in", normalized=False), dict(zip(nodes, map(float, g.indegree()))))
        close(
            ce.degree(G, mode="out", weight="weight", normalized=False),
            dict(zip(nodes, g.strength(weights="weight", mode="out"))),
        )


@pytest.mark.parametrize("name,G", GRAPHS, ids=IDS)
def test_betweenness_igraph(name, G):
    nodes, g = to_igraph(G)
    n = len(nodes)
    # igraph: raw counts (unordered pairs if undirected); networkx normalises by (n-1)(n-2) [/2 undirected]
    scale = (n - 1) * (n - 2) / (1 if G.is_directed() else 2)
    close(ce.betweenness(G), {u: b / scale for u, b in zip(nodes, g.betweenness())})
    close(ce.betweenness(G, weight="weight"), {u: b / scale for u, b in zip(nodes, g.betweenness(weights="length"))})
    close(ce.betweenness(G, normalized=False), dict(zip(nodes, g.betweenness())))


@pytest.mark.parametrize("name,G", GRAPHS, ids=IDS)
def test_closeness_igraph(name, G):
    nodes, g = to_igraph(G)
    n = len(nodes)
    for weight, ew in ((None, None), ("weight", "length")):
        ours = ce.closeness(G, weight=weight)
        # igraph: (r-1)/sum over reachable nodes; Wasserman-Faust scales by (r-1)/(n-1), r = reachable incl. self
        mode = "in" if G.is_directed() else "all"
        raw = g.closeness(weights=ew, mode=mode)
        reach = [len(g.subcomponent(i, mode=mode)) for i in range(n)]
        expected = {u: (0.0 if r == 1 else c * (r - 1) / (n - 1)) for u, c, r in zip(nodes, raw, reach)}
        close(ours, expected)
    if G.is_directed():
        raw = g.closeness(mode="out")
        reach = [len(g.subcomponent(i, mode="out")) for i in range(n)]
        expected = {u: (0.0 if r == 1 else c * (r - 1) / (n - 1)) for u, c, r in zip(nodes, raw, reach)}
        close(ce.closeness(G, direction="out"), expected)


@pytest.mark.parametrize(
    "name,G", [g for g in GRAPHS if not g[1].is_directed()], ids=[i for i, g in GRAPHS if not g.is_directed()]
)
def test_eigenvector_igraph(name, G):
    nodes, g = to_igraph(G)
    for weight in (None, "weight"):
        ev = g.eigenvector_centrality(weights=weight, scale=False)
        norm = math.sqrt(sum(x * x for x in ev))
        close(ce.eigenvector(G, weight=weight), {u: abs(x) / norm for u, x in zip(nodes, ev)}, tol=1e-7)


@pytest.mark.parametrize("name,G", GRAPHS, ids=IDS)
def test_pagerank_igraph(name, G):
    nodes, g = to_igraph(G)
    for weight in (None, "weight"):
        pr = g.pagerank(weights=weight, damping=0.85)
        close(ce.pagerank(G, weight=weight), dict(zip(nodes, pr)), tol=1e-8)


def test_hand_computed_weighted_paths():
    # a-b (w 4: length 1/4), b-c (w 4: 1/4), a-c (w 1: length 1). Shortest a->c goes via b (1/2 < 1).
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 4), ("b", "c", 4), ("a", "c", 1)])
    assert ce.betweenness(G, weight="weight") == {"a": 0.0, "b": 1.0, "c": 0.0}
    assert ce.betweenness(G) == {"a": 0.0, "b": 0.0, "c": 0.0}  # unweighted: direct ties
    # closeness of b: distances 1/4, 1/4 -> 2 / (1/2) = 4 ; of a: 1/4 + 1/2 -> 2 / (3/4)
    cl = ce.closeness(G, weight="weight")
    assert cl["b"] == pytest.approx(4.0)
    assert cl["a"] == pytest.approx(8 / 3)
    # strength: a = 5, b = 8
    assert ce.degree(G, weight="weight", normalized=False) == {"a": 5.0, "b": 8.0, "c": 5.0}


def test_multigraph_and_self_loops():
    M = nx.MultiGraph([(1, 2), (1, 2), (2, 3), (3, 3)])
    assert ce.degree(M, normalized=False) == {1: 1.0, 2: 2.0, 3: 1.0}  # distinct neighbours, loop ignored
    assert ce.degree(M, weight="weight", normalized=False) == {1: 2.0, 2: 3.0, 3: 1.0}  # parallel ties summed
    assert ce.betweenness(M) == {1: 0.0, 2: 1.0, 3: 0.0}
    with pytest.raises(ValueError):
        ce.betweenness(nx.Graph([(1, 2, {"weight": 0})]), weight="weight")


def test_sampled_betweenness_exact_when_all_pivots():
    G = weighted(nx.gnm_random_graph(40, 100, seed=5), 5)
    r = ce.betweenness_sampled(G, k=40, weight="weight")
    close(r["values"], ce.betweenness(G, weight="weight"), tol=1e-12)
    assert r["error_bound"] == 0.0 and r["k"] == 40


@pytest.mark.parametrize("directed", [False, True])
def test_sampled_betweenness_within_bound(directed):
    G = nx.barabasi_albert_graph(400, 3, seed=6)
    if directed:
        G = nx.DiGraph([(u, v) if random.Random(u * 1000 + v).random() < 0.7 else (v, u) for u, v in G.edges()])
    exact = ce.betweenness(G)
    r1 = ce.betweenness_sampled(G, k=120, seed=1)
    r2 = ce.betweenness_sampled(G, k=120, seed=1)
    assert r1 == r2  # seeded
    eps = r1["error_bound"]
    assert eps == pytest.approx(400 / 399 * math.sqrt(math.log(2 * 400 / 0.05) / (2 * 120)))
    err = max(abs(r1["values"][u] - exact[u]) for u in G)
    assert 0 < err <= eps
    # unbiased: the mean over seeds is closer to the exact values than single runs on the top broker
    top = max(exact, key=exact.get)
    mean = sum(ce.betweenness_sampled(G, k=120, seed=s)["values"][top] for s in range(10)) / 10
    assert abs(mean - exact[top]) < eps / 3


def test_sample_size_inverts_bound():
    for n, eps in ((100, 0.2), (5000, 0.05), (100_000, 0.01)):
        k = ce.betweenness_sample_size(n, eps)
        assert ce.betweenness_error_bound(n, k) <= eps
        assert k == n or ce.betweenness_error_bound(n, k - 1) > eps


def test_centrality_table_and_rows():
    G = weighted(nx.florentine_families_graph(), 1)
    t = ce.centrality_table(G)
    close(t["betweenness"], ce.betweenness(G, weight="weight"))
    t2 = ce.centrality_table(G, k=5, seed=3)
    close(t2["betweenness"], ce.betweenness_sampled(G, 5, weight="weight", seed=3)["values"])
    rows = ce.centrality_rows(t, sort_by="betweenness", top=3)
    assert rows[0] == ["Organisation", "Degré", "Force", "Intermédiarité", "Proximité", "Vecteur propre", "PageRank"]
    assert rows[1][0] == max(t["betweenness"], key=t["betweenness"].get)
    assert len(rows) == 4
    assert ce.centrality_rows(t, lang="en")[0][3] == "Betweenness"


def test_eigenvector_on_a_disconnected_graph_is_the_leading_component():
    """networkx refuses disconnected graphs; ours equals networkx on the component with the largest eigenvalue
    (here the 12-node random component beats a 5-node star: its eigenvalue is larger) and 0 elsewhere."""
    import networkx as nx

    from catalyse.queries.centrality import eigenvector

    big = nx.gnm_random_graph(12, 30, seed=3)
    star = nx.relabel_nodes(nx.star_graph(4), lambda n: f"s{n}")
    G = nx.union(big, star)
    G.add_node("alone")
    lam_big = max(nx.adjacency_spectrum(big).real)
    assert lam_big > 2.0  # the star's leading eigenvalue is sqrt(4) = 2
    got = eigenvector(G)
    ref = nx.eigenvector_centrality_numpy(big)
    for n in big:
        assert abs(got[n] - abs(ref[n])) < 1e-9
    assert all(got[n] == 0.0 for n in list(star) + ["alone"])


@pytest.mark.parametrize("name,G", GRAPHS, ids=IDS)
def test_sampled_centralities_are_networkx_estimates_and_exact_with_every_pivot(name, G):
    # betweenness: networkx's own k-pivot estimate (same seed, so the same pivots); every node a pivot: networkx's
    # exact betweenness and Wasserman–Faust closeness
    length = {(u, v): 1 / d["weight"] for u, v, d in G.edges(data=True)}
    H = G.copy()
    nx.set_edge_attributes(H, length, "length")
    for k in (3, len(G) // 3):
        got = ce.sampled_centralities(G, k, weight="weight", seed=7)
        close(got["betweenness"], nx.betweenness_centrality(H, k=k, seed=7, weight="length"), tol=1e-12)
        assert got["k"] == k and got["error_bound"] == ce.betweenness_error_bound(len(G), k)
    full = ce.sampled_centralities(G, len(G), weight="weight")
    close(full["betweenness"], nx.betweenness_centrality(H, weight="length"), tol=1e-12)
    close(full["closeness"], nx.closeness_centrality(H, distance="length"), tol=1e-12)
    assert full["error_bound"] == 0.0
    if G.is_directed():  # distances from the node: networkx on the reversed graph
        out = ce.sampled_centralities(G, len(G), weight="weight", direction="out")
        close(out["closeness"], nx.closeness_centrality(H.reverse(), distance="length"), tol=1e-12)


def test_sampled_closeness_by_hand():
    # path a-b-c-d plus an isolated e; pivots {a, c} (k = 2). For b: both pivots reach it, at 1 and 1:
    # |R|^2 / (k' * sum) = 4 / (2 * 2) = 1. For a (a pivot, k' = 1): c, at 2: 1 / (1 * 2) = 0.5; for c, likewise
    # a at 2: 0.5. For d: a at 3, c at 1: 4 / (2 * 4) = 0.5. For e: no pivot reaches it: 0. (Exact closeness of b,
    # for comparison: (3/4) * 3/4 = 0.5625.)
    G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    G.add_node("e")
    seed = next(s for s in range(1000) if sorted(random.Random(s).sample(list(G), 2)) == ["a", "c"])
    r = ce.sampled_centralities(G, 2, seed=seed)
    assert r["closeness"] == {"a": 0.5, "b": 1.0, "c": 0.5, "d": 0.5, "e": 0.0}

"""Tests of queries.link_prediction: classic indices (hand values and networkx), Katz / local path (hand values and
dense matrix powers), alliance score components (hand values)."""

import math
import random

import networkx as nx
import numpy as np
import pytest

from catalyse.queries import link_prediction as lp

NX = {
    "jaccard": nx.jaccard_coefficient,
    "adamic_adar": nx.adamic_adar_index,
    "resource_allocation": nx.resource_allocation_index,
    "preferential_attachment": nx.preferential_attachment,
}


@pytest.fixture
def tiny():
    # a - b - d - e
    #  \- c -/
    # degrees: a 2, b 2, c 2, d 3, e 1
    return nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")])


def test_hand_values(tiny):
    pairs = [("a", "d"), ("b", "c"), ("a", "e")]
    s = lp.score_pairs(tiny, pairs, beta=0.1, max_length=3, epsilon=0.01)
    # (a, d): common {b, c}; union {b, c, e}
    # (b, c): common {a, d}; union {a, d}
    # (a, e): common {}; union {b, c, d}
    assert s["common_neighbors"].tolist() == [2, 2, 0]
    assert s["jaccard"] == pytest.approx([2 / 3, 1.0, 0.0])
    # AA: (a,d) 1/ln2 + 1/ln2 = 2.885390; (b,c) 1/ln2 + 1/ln3 = 1.442695 + 0.910239 = 2.352934
    assert s["adamic_adar"] == pytest.approx([2 / math.log(2), 1 / math.log(2) + 1 / math.log(3), 0.0])
    assert s["adamic_adar"][:2] == pytest.approx([2.885390, 2.352934], abs=1e-6)
    # RA: (a,d) 1/2 + 1/2 = 1; (b,c) 1/2 + 1/3 = 0.833333
    assert s["resource_allocation"] == pytest.approx([1.0, 5 / 6, 0.0])
    # PA: 2*3, 2*2, 2*1
    assert s["preferential_attachment"].tolist() == [6, 4, 2]
    # Katz β=0.1, walks of length ≤3:
    # (a,d): 0 of length 1, 2 of length 2 (a-b-d, a-c-d), 0 of length 3 (a-x-y-d needs an edge x-y with x in {b,c},
    #        y in {b,c,e}: none) -> 2 * 0.01 = 0.02
    # (b,c): length 2: b-a-c, b-d-c (2); length 3: none (bipartite-like even cycle) -> 0.02
    # (a,e): length 3: a-b-d-e, a-c-d-e (2) -> 2 * 0.001 = 0.002
    assert s["katz"] == pytest.approx([0.02, 0.02, 0.002])
    # local path A² + 0.01 A³: (a,d) 2 + 0, (b,c) 2 + 0, (a,e) 0 + 0.01 * 2
    assert s["local_path"] == pytest.approx([2.0, 2.0, 0.02])


def test_katz_longer_series(tiny):
    # (a, d) walks of length 4: a-b-a-b-d? no: a-b-a-b is length 3 then -d is 4: a-b-a-b-d, a-b-a-c-d, a-c-a-b-d,
    # a-c-a-c-d, a-b-d-b-d? (d-b-d: b-d twice) a-b-d-b-d, a-b-d-c-d, a-c-d-b-d, a-c-d-c-d, a-b-d-e-d, a-c-d-e-d
    # = 10, checked against A^4 below
    A = nx.to_numpy_array(tiny, nodelist=list(tiny))
    assert np.linalg.matrix_power(A, 4)[0, 3] == 10
    s = lp.score_pairs(tiny, [("a", "d")], methods=("katz",), beta=0.1, max_length=4)
    assert s["katz"][0] == pytest.approx(2 * 0.01 + 10 * 0.0001)


def _all_pairs(G, limit=4000, seed=0):
    pairs = list(nx.non_edges(G)) + list(G.edges())
    random.Random(seed).shuffle(pairs)
    return pairs[:limit]


GRAPHS = {
    "gnp30": lambda: nx.gnp_random_graph(30, 0.15, seed=1),
    "gnp200": lambda: nx.gnp_random_graph(200, 0.03, seed=2),
    "gnm_isolates": lambda: nx.gnm_random_graph(80, 60, seed=3),
    "powerlaw": lambda: nx.powerlaw_cluster_graph(300, 3, 0.4, seed=4),
    "florentine": nx.florentine_families_graph,
    "davis": nx.davis_southern_women_graph,
    "karate": nx.karate_club_graph,
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_equals_networkx(name):
    G = GRAPHS[name]()
    pairs = _all_pairs(G)
    s = lp.score_pairs(G, pairs)
    for method, f in NX.items():
        ref = np.array([p for _, _, p in f(G, pairs)])
        np.testing.assert_allclose(s[method], ref, rtol=1e-12, atol=1e-12, err_msg=method)
    ref_cn = [len(list(nx.common_neighbors(G, u, v))) for u, v in pairs]
    assert s["common_neighbors"].tolist() == ref_cn
    # the per-index iterators give the same triples as networkx
    got = list(lp.adamic_adar_index(G, pairs[:50]))
    assert [(u, v) for u, v, _ in got] == pairs[:50]
    assert [p for *_, p in got] == pytest.approx([p for *_, p in nx.adamic_adar_index(G, pairs[:50])])
    assert [p for *_, p in lp.common_neighbor_count(G, pairs[:50])] == ref_cn[:50]


@pytest.mark.parametrize("name", ["gnp30", "florentine", "davis"])
def test_katz_and_local_path_equal_matrix_powers(name):
    G = GRAPHS[name]()
    nodes = list(G)
    A = nx.to_numpy_array(G, nodelist=nodes)
    pos = {x: i for i, x in enumerate(nodes)}
    pairs = _all_pairs(G, 1000)
    beta = 0.07
    s = lp.score_pairs(G, pairs, methods=("katz", "local_path"), beta=beta, max_length=4, epsilon=0.003)
    P = [np.linalg.matrix_power(A, k) for k in range(1, 5)]
    K = sum(beta**k * P[k - 1] for k in range(1, 5))
    LP = P[1] + 0.003 * P[2]
    assert s["katz"] == pytest.approx([K[pos[u], pos[v]] for u, v in pairs], rel=1e-10, abs=1e-15)
    assert s["local_path"] == pytest.approx([LP[pos[u], pos[v]] for u, v in pairs], rel=1e-10, abs=1e-15)


def test_directed_graph_uses_undirected_skeleton():
    G = nx.gnp_random_graph(60, 0.08, seed=5)
    D = nx.DiGraph()
    D.add_nodes_from(G)
    rnd = random.Random(1)
    for u, v in G.edges():  # one arc, either way, or both
        choice = rnd.randrange(3)
        if choice in (0, 2):
            D.add_edge(u, v)
        if choice in (1, 2):
            D.add_edge(v, u)
    pairs = _all_pairs(G, 1000)
    a, b = lp.score_pairs(G, pairs), lp.score_pairs(D, pairs)
    for m in lp.METHODS:
        np.testing.assert_allclose(a[m], b[m], err_msg=m)


def test_multigraph_and_self_loops_reduced_to_simple_skeleton():
    M = nx.MultiGraph([(0, 1), (0, 1), (1, 2), (2, 2), (2, 3)])
    s = lp.score_pairs(M, [(0, 2), (1, 3)])
    # skeleton 0-1-2-3; (0,2): common {1}, deg(1) = 2
    assert s["common_neighbors"].tolist() == [1, 1]
    assert s["resource_allocation"].tolist() == [0.5, 0.5]
    assert s["preferential_attachment"].tolist() == [2, 2]


def test_unknown_node_and_method():
    G = nx.path_graph(3)
    with pytest.raises(nx.NodeNotFound):
        lp.score_pairs(G, [(0, 9)])
    with pytest.raises(ValueError, match="unknown"):
        lp.score_pairs(G, [(0, 2)], methods=("simrank",))


def test_index_reuse_gives_same_values():
    G = GRAPHS["powerlaw"]()
    idx = lp.GraphIndex(G)
    pairs = _all_pairs(G, 500)
    a = lp.score_pairs(G, pairs, index=idx)
    b = lp.score_pairs(G, pairs)
    for m in lp.METHODS:
        np.testing.assert_array_equal(a[m], b[m])


# ---------------------------------------------------------------------------------------------------------------
# alliance score
# ---------------------------------------------------------------------------------------------------------------


def territory_pair():
    G = nx.Graph()
    G.add_node(
        "u", sector="association", commune="26108", epci="242600252", departement="26", themes=("SDG11", "mobilité")
    )
    G.add_node(
        "v", sector="company", commune="26113", epci="242600252", departement="26", themes=("mobilité", "SDG8", "SDG9")
    )
    G.add_node("w", sector="association", commune="26108", epci="242600252", departement="26", themes=())
    G.add_node("x", sector="company", commune="38185", epci="200040715", departement="38", themes=())
    G.add_edge("u", "w", weight=2.0, start="2022-01-01")
    G.add_edge("v", "w", weight=1.0, start="2024-01-01")
    G.add_edge("w", "x", weight=1.0)
    return G


def test_alliance_components_by_hand():
    G = territory_pair()
    C = nx.Graph([("u", "v", {"weight": 2})])
    c = lp.alliance_components(G, [("u", "v"), ("u", "x")], comembership=C, as_of="2025-01-01")
    # (u, v): one common partner w of degree 3 -> RA = 1/3, closure = 1 - exp(-(1/3)/0.25) = 0.736403
    assert c["resource_allocation"][0] == pytest.approx(1 / 3)
    assert c["closure"][0] == pytest.approx(1 - math.exp(-4 / 3))
    # themes {SDG11, mobilité} vs {mobilité, SDG8, SDG9}: 1 shared / 4 in union
    assert c["themes"][0] == pytest.approx(0.25)
    # same EPCI, different commune -> 0.6; (u, x): different département -> 0
    assert c["geography"].tolist() == [0.6, 0.0]
    # association vs company: differ (0.5); u's partners are {w: association} -> company new (+0.25);
    # v's partners {w: association} -> association not new (+0)
    assert c["bridging"][0] == pytest.approx(0.75)
    # 2 shared alliances -> 1 - 0.5**2
    assert c["alliances"].tolist() == [0.75, 0.0]
    # ties via w: e(u,w) = (1-e^-2) * 0.5**(1096/365.25/3) = 0.864665 * 0.499921 = 0.432264
    #             e(v,w) = (1-e^-1) * 0.5**(366/365.25/3) = 0.632121 * 0.793518 = 0.501600
    # bottleneck = 0.432264
    e_uw = (1 - math.exp(-2)) * 0.5 ** (1096 / 365.25 / 3)
    assert c["ties"][0] == pytest.approx(e_uw)
    assert e_uw == pytest.approx(0.432264, abs=1e-6)
    # activity: u and v have 1 partner each; mean number of partners (1 + 1 + 3 + 1) / 4 = 1.5
    act = 1 - math.exp(-1 / 1.5)
    assert c["activity"][0] == pytest.approx(act)
    w = lp.AllianceWeights()
    # bridging is computed (0.75) but weighs 0 by default
    expected = (
        0.35 * c["closure"][0] + 0.25 * act + 0.10 * 0.25 + 0.20 * 0.6 + 0.0 * 0.75 + 0.05 * 0.75 + 0.05 * e_uw
    ) / 1.0
    assert c["score"][0] == pytest.approx(expected)
    assert sum(w.components().values()) == pytest.approx(1.0)


def test_alliance_weights_configurable_and_recency():
    G = territory_pair()
    only_closure = lp.AllianceWeights(closure=1, activity=0, themes=0, geography=0, bridging=0, alliances=0, ties=0)
    s = lp.alliance_score(G, [("u", "v")], weights=only_closure)
    assert s[("u", "v")] == pytest.approx(1 - math.exp(-4 / 3))
    only_geo = lp.AllianceWeights(
        closure=0, activity=0, themes=0, geography=2, bridging=0, alliances=0, ties=0, geo_levels=(1.0, 0.5, 0.1)
    )
    assert lp.alliance_score(G, [("u", "v")], weights=only_geo)[("u", "v")] == pytest.approx(0.5)
    # the same ties seen from further in the future are older -> weaker "ties" component
    ties = lp.AllianceWeights(closure=0, activity=0, themes=0, geography=0, bridging=0, alliances=0, ties=1)
    early = lp.alliance_score(G, [("u", "v")], weights=ties, as_of="2025-01-01")[("u", "v")]
    late = lp.alliance_score(G, [("u", "v")], weights=ties, as_of="2031-01-01")[("u", "v")]
    assert late == pytest.approx(early / 4, rel=1e-3)  # six more years = two half-lives
    # activity alone ranks like preferential attachment; its scale defaults to the mean number of partners
    only_act = lp.AllianceWeights(closure=0, activity=1, themes=0, geography=0, bridging=0, alliances=0, ties=0)
    pairs = [("u", "v"), ("u", "w"), ("v", "x"), ("w", "x")]
    a = lp.alliance_components(G, pairs, weights=only_act)
    pa = lp.score_pairs(G, pairs, methods=("preferential_attachment",))["preferential_attachment"]
    np.testing.assert_allclose(a["score"], 1 - np.exp(-np.sqrt(pa) / 1.5))
    fixed = lp.AllianceWeights(
        closure=0, activity=1, themes=0, geography=0, bridging=0, alliances=0, ties=0, activity_scale=3.0
    )
    assert lp.alliance_components(G, pairs, weights=fixed)["score"][0] == pytest.approx(1 - math.exp(-1 / 3))


def test_alliance_score_without_attributes():
    # Florentine families: no sector/themes/places -> only closure and ties can be non-zero
    G = nx.florentine_families_graph()
    pairs = list(nx.non_edges(G))
    c = lp.alliance_components(G, pairs)
    assert c["themes"].max() == c["geography"].max() == c["bridging"].max() == c["alliances"].max() == 0
    ra = np.array([p for *_, p in nx.resource_allocation_index(G, pairs)])
    np.testing.assert_allclose(c["closure"], 1 - np.exp(-ra / 0.25))
    assert ((c["ties"] > 0) == (ra > 0)).all()

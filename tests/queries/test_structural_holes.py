"""Tests of queries.structural_holes (Burt's constraint, effective size, efficiency, hierarchy).

Sources of expected values:
* hand-computed tiny graphs (arithmetic in comments);
* networkx 3.6 computed live: ``nx.constraint`` (both code paths), ``nx.local_constraint``, and
  ``nx.effective_size(G, nodes=list(G))`` -- the per-node path: the default all-nodes path of networkx 3.6
  mis-normalises ``m_jq`` on weighted/directed graphs (networkx PR #8906), see the module notes;
* igraph ``Graph.constraint`` computed live;
on seeded random graphs, networkx's Florentine families and Davis southern women graphs. Real values to 1e-9.
"""

import math
import random

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from catalyse.queries import structural_holes as sh


def weighted(G, seed):
    rnd = random.Random(seed)
    for u, v in G.edges():
        G[u][v]["weight"] = rnd.choice([0.5, 1, 2, 3, 7.5])
    return G


def igraph_constraint(G, weight):
    nodes = list(G)
    idx = {u: i for i, u in enumerate(nodes)}
    edges = list(G.edges(data=True))
    g = ig.Graph(n=len(nodes), edges=[(idx[u], idx[v]) for u, v, _ in edges], directed=G.is_directed())
    w = [d.get(weight, 1) for _, _, d in edges] if weight else None
    return dict(zip(nodes, g.constraint(weights=w)))


def cases():
    out = []
    for seed in (1, 2, 3):
        for directed in (False, True):
            G = nx.gnm_random_graph(60, 200 if directed else 150, seed=seed, directed=directed)
            out.append((f"gnm{seed}{'d' if directed else 'u'}", weighted(G, seed)))
        out.append((f"plc{seed}", weighted(nx.powerlaw_cluster_graph(80, 3, 0.6, seed=seed), seed)))
    out.append(("florentine", weighted(nx.florentine_families_graph(), 9)))
    out.append(("davis", weighted(nx.davis_southern_women_graph(), 10)))
    return out


CASES = cases()
IDS = [c[0] for c in CASES]


def close(a, b, tol=1e-9):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=tol), k


def nx_effective_size(G, weight):
    """networkx's per-node effective size, patched for one networkx quirk on digraphs.

    networkx's per-node path returns NaN for nodes without out-arcs (it tests ``G[v]``, the successors, for
    isolation) even when they have in-arcs. Every Burt quantity depends on the mutual weights only, so for those
    nodes we use networkx on the undirected mutual-weight graph (and check it agrees on all other nodes).
    """
    ref = nx.effective_size(G, nodes=list(G), weight=weight)
    if not G.is_directed():
        return ref
    U = nx.Graph()
    U.add_nodes_from(G)
    for u, v, d in G.edges(data=True):
        w = d.get(weight, 1) if weight else 1
        U.add_edge(u, v, mw=U[u][v]["mw"] + w if U.has_edge(u, v) else w)
    ref_u = nx.effective_size(U, nodes=list(U), weight="mw")
    patched = [u for u in G if math.isnan(ref[u]) and G.in_degree(u) > 0]
    assert patched, "the random digraphs have sink nodes"
    close({u: x for u, x in ref.items() if u not in patched}, {u: ref_u[u] for u in ref if u not in patched})
    ref.update({u: ref_u[u] for u in patched})
    return ref


@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("name,G", CASES, ids=IDS)
def test_constraint_matches_networkx_and_igraph(name, G, weight):
    ours = sh.constraint(G, weight=weight)
    close(ours, nx.constraint(G, weight=weight))
    close(ours, igraph_constraint(G, weight))
    some = list(G)[:5]  # networkx's per-node path
    close(sh.constraint(G, weight=weight, nodes=some), nx.constraint(G, nodes=some, weight=weight))


@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("name,G", CASES, ids=IDS)
def test_effective_size_matches_networkx(name, G, weight):
    ours = sh.effective_size(G, weight=weight)
    ref = nx_effective_size(G, weight)
    close(ours, ref)
    if weight is None and not G.is_directed():  # both networkx paths agree here (Borgatti's formula)
        close(ours, nx.effective_size(G, weight=weight))


@pytest.mark.parametrize("name,G", CASES[:4], ids=IDS[:4])
def test_local_constraint_matches_networkx(name, G):
    rnd = random.Random(5)
    for u, v in rnd.sample(list(G.edges()), 10):
        assert sh.local_constraint(G, u, v) == pytest.approx(nx.local_constraint(G, u, v, weight="weight"), abs=1e-12)


@pytest.mark.parametrize("name,G", CASES, ids=IDS)
def test_hierarchy_and_efficiency_from_networkx_local_constraint(name, G):
    # hierarchy recomputed from networkx's local constraints: r_j = N c_j / sum c, sum r ln r / (N ln N)
    r = sh.burt_measures(G)
    es = nx_effective_size(G, "weight")
    for u in list(G)[:15]:
        contacts = set(nx.all_neighbors(G, u)) - {u}
        N = len(contacts)
        assert r["contacts"][u] == N
        if N == 0:
            continue
        c = [nx.local_constraint(G, u, v, weight="weight") for v in contacts]
        if N == 1:
            expected = 1.0
        else:
            rr = [N * x / sum(c) for x in c]
            expected = sum(x * math.log(x) for x in rr) / (N * math.log(N))
        assert r["hierarchy"][u] == pytest.approx(expected, abs=1e-9)
        assert r["efficiency"][u] == pytest.approx(es[u] / N, abs=1e-9)


def test_hand_computed_ego():
    # e tied to a, b, c; a-b tied. Unweighted, undirected.
    # p_e* = 1/3 ; p_a* = (1/2: e, b) ; p_b* = (1/2: e, a) ; p_c* = (1: e)
    # c_ea = (p_ea + p_eb p_ba)^2 = (1/3 + 1/3*1/2)^2 = (1/2)^2 = 1/4 ; c_eb = 1/4 ; c_ec = (1/3)^2 = 1/9
    # C_e = 1/4 + 1/4 + 1/9 = 11/18
    # c_ae = (p_ae + p_ab p_be = 1/2 * 1/2)^2 = 9/16 ; c_ab = (p_ab + p_ae p_eb = 1/2 * 1/3)^2 = 4/9
    # -> C_a = 9/16 + 4/9 = 145/144 ; C_c = (1)^2 = 1
    # effective size: e: 3 - 2*1/3 = 7/3 ; a: 2 - 2*1/2 = 1 ; c: 1
    # hierarchy of e: r = (1/4, 1/4, 1/9) * 3 / (11/18) = (27/22, 27/22, 6/11)
    # hierarchy of a: r = (81/144, 64/144) * 2 / (145/144) = (162/145, 128/145)
    G = nx.Graph([("e", "a"), ("e", "b"), ("e", "c"), ("a", "b")])
    r = sh.burt_measures(G)
    assert r["constraint"] == pytest.approx({"e": 11 / 18, "a": 145 / 144, "b": 145 / 144, "c": 1.0})
    assert r["effective_size"] == pytest.approx({"e": 7 / 3, "a": 1.0, "b": 1.0, "c": 1.0})
    assert r["efficiency"] == pytest.approx({"e": 7 / 9, "a": 0.5, "b": 0.5, "c": 1.0})
    rr = [27 / 22, 27 / 22, 6 / 11]
    h_e = sum(x * math.log(x) for x in rr) / (3 * math.log(3))
    assert r["hierarchy"]["e"] == pytest.approx(h_e)
    h_a = sum(x * math.log(x) for x in (162 / 145, 128 / 145)) / (2 * math.log(2))
    assert r["hierarchy"]["a"] == pytest.approx(h_a)
    assert r["hierarchy"]["c"] == 1.0  # one contact: convention


def test_hand_computed_directed_weighted():
    # arcs a->b (2), b->a (1), a->c (1); mutual weights: ab = 3, ac = 1
    # p_ab = 3/4, p_ac = 1/4 ; p_ba = 1 ; p_ca = 1 ; no triangle
    # C_a = (3/4)^2 + (1/4)^2 = 10/16 ; C_b = C_c = 1
    # effective size a: 2 contacts, no tie between them -> 2 ; efficiency 1
    D = nx.DiGraph()
    D.add_edge("a", "b", weight=2)
    D.add_edge("b", "a", weight=1)
    D.add_edge("a", "c", weight=1)
    r = sh.burt_measures(D)
    assert r["constraint"] == pytest.approx({"a": 0.625, "b": 1.0, "c": 1.0})
    assert r["effective_size"] == pytest.approx({"a": 2.0, "b": 1.0, "c": 1.0})
    assert r["contacts"] == {"a": 2, "b": 1, "c": 1}
    # unweighted: mutual ab = 2 (two arcs), ac = 1 -> p_ab = 2/3, p_ac = 1/3 -> C_a = 4/9 + 1/9 = 5/9
    assert sh.constraint(D, weight=None)["a"] == pytest.approx(5 / 9)


def test_weighted_triangle_redundancy():
    # triangle a-b (1), a-c (3), b-c (1): s_a = 4, s_b = 2, s_c = 4; max_a = 3, max_b = 1, max_c = 3
    # redundancy of b for a: p_ac m_bc = 3/4 * 1/1 = 3/4 ; of c for a: p_ab m_cb = 1/4 * 1/3 = 1/12
    # e_a = (1 - 3/4) + (1 - 1/12) = 1/4 + 11/12 = 7/6
    # c_ab = (1/4 + p_ac p_cb = 3/4 * 1/4)^2 = (7/16)^2 ; c_ac = (3/4 + p_ab p_bc = 1/4 * 1/2)^2 = (7/8)^2
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1), ("a", "c", 3), ("b", "c", 1)])
    assert sh.effective_size(G)["a"] == pytest.approx(7 / 6)
    assert sh.constraint(G)["a"] == pytest.approx((7 / 16) ** 2 + (7 / 8) ** 2)


def test_isolates_and_self_loops():
    G = nx.Graph([(0, 1), (1, 2), (0, 2), (2, 3), (3, 3), (1, 1)])
    G.add_node(9)
    G.add_edge(8, 8)  # only a self-loop: isolate
    r = sh.burt_measures(G)
    for k in ("constraint", "efficiency", "hierarchy", "effective_size"):
        assert r[k][9] == 0.0 and r[k][8] == 0.0
    assert r["contacts"][8] == 0
    nan = sh.burt_measures(G, isolate_value=float("nan"))
    assert math.isnan(nan["constraint"][9]) and math.isnan(nan["hierarchy"][8]) and nan["effective_size"][9] == 0
    # self-loops ignored: equal to networkx on the loop-free graph
    H = G.copy()
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    ref_c = nx.constraint(H)
    ref_e = nx.effective_size(H, nodes=list(H))
    for u in (0, 1, 2, 3):
        assert r["constraint"][u] == pytest.approx(ref_c[u])
        assert r["effective_size"][u] == pytest.approx(ref_e[u])
    # ... and not to networkx with the loops, which counts them as contacts
    assert nx.constraint(G)[3] != pytest.approx(r["constraint"][3])


def test_multigraph_sums_parallel_ties():
    M = nx.MultiGraph()
    M.add_edge(1, 2, weight=1)
    M.add_edge(1, 2, weight=2)
    M.add_edge(2, 3, weight=1)
    M.add_edge(1, 3)  # weight absent: 1
    S = nx.Graph()
    S.add_weighted_edges_from([(1, 2, 3), (2, 3, 1), (1, 3, 1)])
    close(sh.constraint(M), sh.constraint(S))
    close(sh.effective_size(M), nx.effective_size(S, nodes=list(S), weight="weight"))
    # unweighted multigraph: each parallel tie counts 1
    close(
        sh.constraint(M, weight=None), nx.constraint(nx.Graph([(1, 2, {"weight": 2}), (2, 3), (1, 3)]), weight="weight")
    )


def test_missing_weight_counts_one_and_invalid_weights_rejected():
    G = nx.Graph([(1, 2), (2, 3)])
    G[1][2]["weight"] = 2  # 2-3 has no weight: 1
    assert sh.constraint(G)[2] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    for bad in (0, -1, float("nan"), float("inf")):
        G[1][2]["weight"] = bad
        with pytest.raises(ValueError):
            sh.constraint(G)


def test_chunking_does_not_change_results(monkeypatch):
    G = weighted(nx.powerlaw_cluster_graph(300, 5, 0.7, seed=4), 4)
    full = sh.burt_measures(G)
    monkeypatch.setattr(sh, "_CHUNK", 7)  # many tiny chunks
    small = sh.burt_measures(G)
    for k in ("constraint", "effective_size", "hierarchy"):
        close(full[k], small[k], tol=1e-12)
    close(full["constraint"], nx.constraint(G, weight="weight"))


def test_burt_arrays_on_matrix_and_empty_graph():
    assert sh.burt_measures(nx.Graph()) == {
        k: {} for k in ("constraint", "effective_size", "efficiency", "hierarchy", "contacts")
    }
    G = nx.complete_graph(5)
    nodes, W = sh.mutual_weight_matrix(G)
    r = sh.burt_arrays(W)
    # K5: p = 1/4, indirect = 3 * 1/16, c_ij = (1/4 + 3/16)^2 = 49/256, C = 4 * 49/256 ; effective size 4 - 2*6/4 = 1
    assert np.allclose(r["constraint"], 4 * 49 / 256)
    assert np.allclose(r["effective_size"], 1.0)
    assert np.allclose(r["hierarchy"], 0.0)


def test_holes_rows_labels():
    r = sh.burt_measures(nx.Graph([("e", "a"), ("e", "b"), ("e", "c"), ("a", "b")]))
    fr = sh.holes_rows(r, names={"e": "Épicerie"})
    assert fr[0] == ["Organisation", "Contrainte", "Taille effective", "Efficacité", "Hiérarchie", "Contacts"]
    assert fr[1][0] == "Épicerie"  # lowest constraint first
    assert sh.holes_rows(r, lang="en")[0][1] == "Constraint"
    with pytest.raises(ValueError):
        sh.holes_rows(r, lang="it")

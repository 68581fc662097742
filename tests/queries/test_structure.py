"""Tests of queries.structure.

Sources of expected values:
* R sna 2.7-1 (gden, centralization, components, grecip, gtrans): recorded in data/structure_reference.csv by
  data/make_structure_reference.R from the edge lists data/structure_*_{nodes,edges}.csv (written by
  data/make_structure_inputs.py), so the tests run without R;
* networkx and igraph computed live (assortativity, clustering, modularity, reciprocity...);
* tiny graphs hand-computed (arithmetic in comments).
"""

import csv
import math
import pathlib
import random

import igraph as ig
import networkx as nx
import pytest

from catalyse.queries import structure as st

DATA = pathlib.Path(__file__).parent / "data"


def load(name):
    directed = {r["name"]: r["directed"] == "TRUE" for r in csv.DictReader(open(DATA / "structure_graphs.csv"))}[name]
    G = nx.DiGraph() if directed else nx.Graph()
    for r in csv.DictReader(open(DATA / f"structure_{name}_nodes.csv", newline="")):
        G.add_node(r["id"], sector=r["sector"])
    for r in csv.DictReader(open(DATA / f"structure_{name}_edges.csv", newline="")):
        G.add_edge(r["source"], r["target"])
    return G


REF = {}
for row in csv.DictReader(open(DATA / "structure_reference.csv")):
    REF.setdefault(row["graph"], {})[row["measure"]] = float(row["value"])
NAMES = sorted(REF)


def test_reference_fixture_complete():
    assert NAMES == ["davis", "florentine", "random_directed", "random_undirected", "star_directed"]
    assert all(len(REF[n]) == 7 for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_sna_density_components(name):
    G = load(name)
    assert st.density(G) == pytest.approx(REF[name]["gden"], abs=1e-12)
    assert st.components(G)["count"] == REF[name]["components"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mode", ["graph", "digraph"])
@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_sna_centralization(name, mode, backend):
    G = load(name)
    assert st.degree_centralization(G, mode=mode) == pytest.approx(REF[name][f"deg_cent_{mode}"], abs=1e-12)
    bc = st.betweenness_centralization(G, mode=mode, backend=backend)
    assert bc == pytest.approx(REF[name][f"bet_cent_{mode}"], abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_sna_default_mode_follows_graph(name):
    G = load(name)
    own = "digraph" if G.is_directed() else "graph"
    assert st.degree_centralization(G) == pytest.approx(REF[name][f"deg_cent_{own}"], abs=1e-12)
    assert st.betweenness_centralization(G) == pytest.approx(REF[name][f"bet_cent_{own}"], abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_sna_reciprocity_transitivity(name):
    G = load(name)
    if G.is_directed():
        assert st.reciprocity(G) == pytest.approx(REF[name]["grecip"], abs=1e-12)
    else:
        assert st.reciprocity(G) is None
        assert st.clustering(G)["transitivity"] == pytest.approx(REF[name]["gtrans"], abs=1e-12)


def test_star_centralization_hand():
    # undirected star K1,4: degrees (4,1,1,1,1): sum (4-1)*4 = 12, max (n-1)(n-2) = 4*3 = 12 -> 1
    # betweenness centre 6 pairs, leaves 0: 6*4 = 24; max (n-1)^2 (n-2)/2 = 16*3/2 = 24 -> 1
    G = nx.star_graph(4)
    assert st.degree_centralization(G) == 1.0
    assert st.betweenness_centralization(G) == 1.0
    # path a-b-c-d: degrees (1,2,2,1): sum(2-d) = 2 over (3*2) = 1/3 ; betweenness (0,2,2,0): 4 / (9*2/2) = 4/9
    P = nx.path_graph(4)
    assert st.degree_centralization(P) == pytest.approx(1 / 3)
    assert st.betweenness_centralization(P) == pytest.approx(4 / 9)
    assert st.degree_centralization(nx.path_graph(2)) is None


def test_self_loops_and_multiedges_ignored():
    G = nx.MultiGraph([(1, 2), (1, 2), (2, 3), (3, 3)])
    # simple ties 1-2, 2-3 out of 3 possible
    assert st.density(G) == pytest.approx(2 / 3)
    assert st.summary(G)["ties"] == 2


def grouped(seed, directed=False, n=40, m=90, groups=("a", "b", "c")):
    G = nx.gnm_random_graph(n, m, seed=seed, directed=directed)
    rnd = random.Random(seed)
    for u in G:
        if u % 11 != 5:  # some nodes without the attribute
            G.nodes[u]["sector"] = rnd.choice(groups)
    return G


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("directed", [False, True])
def test_assortativity_matches_networkx_and_igraph(seed, directed):
    G = grouped(seed, directed)
    H = G.subgraph([u for u in G if "sector" in G.nodes[u]])
    expected = nx.attribute_assortativity_coefficient(H, "sector")
    assert st.assortativity(G) == pytest.approx(expected, abs=1e-12)
    nodes = list(H)
    cats = sorted({H.nodes[u]["sector"] for u in nodes})
    g = ig.Graph(n=len(nodes), edges=[(nodes.index(u), nodes.index(v)) for u, v in H.edges()], directed=directed)
    types = [cats.index(H.nodes[u]["sector"]) for u in nodes]
    assert st.assortativity(G) == pytest.approx(g.assortativity_nominal(types, directed=directed), abs=1e-12)


def test_assortativity_undefined():
    G = nx.Graph([(1, 2)])
    nx.set_node_attributes(G, "x", "sector")
    assert st.assortativity(G) is None  # one group: (1 - 1) / (1 - 1)
    assert st.assortativity(nx.Graph()) is None


@pytest.mark.parametrize("seed", [4, 5])
def test_mixing_ei_cross_share_consistent_with_networkx(seed):
    G = grouped(seed)
    H = G.subgraph([u for u in G if "sector" in G.nodes[u]])
    mix = st.mixing_matrix(G)
    nxmix = nx.attribute_mixing_dict(H, "sector")  # counts each undirected tie in both directions
    for a in mix["groups"]:
        for b in mix["groups"]:
            expected = nxmix.get(a, {}).get(b, 0)
            if a == b:
                expected //= 2  # ours counts an internal tie once
            assert mix["counts"][a][b] == expected
    internal = sum(mix["counts"][a][a] for a in mix["groups"])
    external = sum(mix["counts"][a][b] for a in mix["groups"] for b in mix["groups"] if a < b)
    assert internal + external == H.number_of_edges()
    assert st.ei_index(G) == pytest.approx((external - internal) / (external + internal))
    assert st.cross_group_share(G) == pytest.approx(external / H.number_of_edges())
    groups = st.by_group(G)
    assert sum(r["members"] for r in groups.values()) == len(H)
    assert sum(r["internal_ties"] for r in groups.values()) == internal
    assert sum(r["external_ties"] for r in groups.values()) == 2 * external
    for k, r in groups.items():
        sub = H.subgraph([u for u in H if H.nodes[u]["sector"] == k])
        assert r["density"] == pytest.approx(nx.density(sub))


def test_ei_hand():
    # groups x = {1, 2, 3}, y = {4, 5}; ties 1-2, 2-3 (I), 3-4 (E), 4-5 (I), 1-6 (6 has no sector: ignored)
    G = nx.Graph([(1, 2), (2, 3), (3, 4), (4, 5), (1, 6)])
    nx.set_node_attributes(G, {1: "x", 2: "x", 3: "x", 4: "y", 5: "y"}, "sector")
    assert st.ei_index(G) == pytest.approx((1 - 3) / 4)  # E=1, I=3
    assert st.cross_group_share(G) == pytest.approx(1 / 4)
    assert st.ei_by_group(G) == {"x": pytest.approx((1 - 2) / 3), "y": pytest.approx(0.0)}  # x: E1 I2; y: E1 I1
    bg = st.by_group(G)
    assert bg["x"]["density"] == pytest.approx(2 / 3)  # 2 of 3 pairs
    assert bg["y"]["density"] == 1.0
    assert bg["x"]["mean_degree"] == pytest.approx((2 * 2 + 1) / 3)
    assert st.summary(G)["unassigned"] == 1
    # any attribute works as group
    nx.set_node_attributes(G, {1: "26362", 2: "26362", 3: "07010", 4: "07010", 5: "07010", 6: "07010"}, "commune")
    assert st.ei_index(G, group="commune") == pytest.approx((2 - 3) / 5)  # E: 2-3, 1-6 ; I: 1-2, 3-4, 4-5


def test_directed_ei_counts_arcs():
    D = nx.DiGraph([(1, 2), (2, 1), (2, 3)])
    nx.set_node_attributes(D, {1: "x", 2: "x", 3: "y"}, "sector")
    assert st.ei_index(D) == pytest.approx((1 - 2) / 3)
    assert st.mixing_matrix(D)["counts"] == {"x": {"x": 2, "y": 1}, "y": {"x": 0, "y": 0}}
    assert st.by_group(D)["x"]["density"] == 1.0  # 2 arcs of 2*1


@pytest.mark.parametrize("name", ["florentine", "davis", "random_undirected", "random_directed"])
def test_clustering_reciprocity_components_networkx(name):
    G = load(name)
    U = nx.Graph(G.to_undirected()) if G.is_directed() else G
    c = st.clustering(G)
    assert c["average_clustering"] == pytest.approx(nx.average_clustering(U), abs=1e-12)
    assert c["transitivity"] == pytest.approx(nx.transitivity(U), abs=1e-12)
    # igraph independently: transitivity_undirected, avg local with zeros
    g = ig.Graph.from_networkx(U)
    assert c["transitivity"] == pytest.approx(g.transitivity_undirected(), abs=1e-12)
    assert c["average_clustering"] == pytest.approx(g.transitivity_avglocal_undirected(mode="zero"), abs=1e-12)
    comp = st.components(G)
    assert comp["sizes"] == sorted(map(len, nx.connected_components(U)), reverse=True)
    assert comp["giant_share"] == pytest.approx(comp["sizes"][0] / len(G))


def test_communities_seeded_and_modularity():
    G = nx.karate_club_graph()
    r1 = st.communities(G, seed=7)
    r2 = st.communities(G, seed=7)
    assert r1 == r2
    parts = [set(c) for c in r1["communities"]]
    assert r1["modularity"] == pytest.approx(nx.community.modularity(G, parts, weight="weight"), abs=1e-12)
    assert sorted(u for c in parts for u in c) == sorted(G)
    # same partition as networkx's Louvain with the same seed
    ref = nx.community.louvain_communities(G, weight="weight", seed=7)
    assert sorted(map(sorted, ref)) == sorted(r1["communities"])
    # igraph's modularity of our partition (independent implementation)
    g = ig.Graph.from_networkx(G)
    member = [r1["membership"][u] for u in G]
    w = [d["weight"] for _, _, d in G.edges(data=True)]
    assert r1["modularity"] == pytest.approx(g.modularity(member, weights=w), abs=1e-12)


def test_communities_edgeless():
    G = nx.empty_graph(3)
    r = st.communities(G)
    assert r["count"] == 3 and r["modularity"] is None


def test_summary_keys_and_values():
    G = load("florentine")
    s = st.summary(G)
    assert s["nodes"] == 15 and s["ties"] == 20
    assert s["density"] == pytest.approx(REF["florentine"]["gden"])
    assert s["degree_centralization"] == pytest.approx(REF["florentine"]["deg_cent_graph"])
    assert s["mean_degree"] == pytest.approx(40 / 15)
    assert s["reciprocity"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in s.values())
    rows = st.summary_rows(s)
    assert rows[0] == ["Mesure", "Valeur"]
    assert ["Densité", round(s["density"], 4)] in rows
    assert ["Density", round(s["density"], 4)] in st.summary_rows(s, lang="en")
    assert ["Réciprocité", "–"] in rows
    with pytest.raises(ValueError):
        st.summary_rows(s, lang="de")


def test_snapshot_and_by_year_rules():
    G = nx.MultiGraph()
    G.add_nodes_from([(n, {"sector": s}) for n, s in [("a", "x"), ("b", "x"), ("c", "y"), ("d", "y")]])
    G.add_edge("a", "b", start="2018-06-01", end="2019-12-31")  # 2018, 2019 only
    G.add_edge("a", "c", start="2019-12-31")  # from 2019 (started on 31 Dec 2019)
    G.add_edge("b", "d", start="2020-01-01", end="2020-01-01")  # 2020 only (one day)
    G.add_edge("c", "d")  # undated: every year
    G.add_edge("a", "b", start="2021-03-01", weight=2)  # the pair again from 2021
    r = st.by_year(G)
    assert list(r) == [2018, 2019, 2020, 2021]
    assert [s["ties"] for s in r.values()] == [2, 3, 3, 3]
    # cross-group shares: 2018: a-b(I), c-d(I) -> 0 ; 2019: + a-c(E) -> 1/3 ; 2020: a-c, b-d (E), c-d -> 2/3
    # 2021: a-c (E), c-d (I), a-b (I) -> 1/3
    assert [s["cross_group_share"] for s in r.values()] == pytest.approx([0, 1 / 3, 2 / 3, 1 / 3])
    assert all(s["nodes"] == 4 for s in r.values())
    assert st.by_year(G, years=[2017])[2017]["ties"] == 1  # only the undated tie
    rows = st.by_year_rows(r, lang="en", keys=("ties",))
    assert rows == [["Year", "Ties"], [2018, 2], [2019, 3], [2020, 3], [2021, 3]]
    assert st.by_year(nx.path_graph(3)) == {}


def test_by_group_rows_sector_labels():
    G = nx.Graph([(1, 2), (2, 3)])
    nx.set_node_attributes(G, {1: "association", 2: "association", 3: "local_authority"}, "sector")
    fr = st.by_group_rows(st.by_group(G))
    assert fr[0][0] == "Groupe"
    assert [r[0] for r in fr[1:]] == ["Association", "Collectivité territoriale"]
    en = st.by_group_rows(st.by_group(G), lang="en")
    assert [r[0] for r in en[1:]] == ["Association", "Local authority"]
    nx.set_node_attributes(G, {1: "26362", 2: "26362", 3: "07010"}, "commune")
    assert [r[0] for r in st.by_group_rows(st.by_group(G, "commune"), group="commune")[1:]] == ["07010", "26362"]

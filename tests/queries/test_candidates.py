"""Tests of queries.candidates: each source against brute force on small graphs, caps, exclusions, directed graphs."""

import itertools
import random

import networkx as nx
import pytest

from catalyse.queries import candidates as cd
from catalyse.queries.link_prediction import resource_allocation_index


def unordered(pairs):
    return {frozenset(p) for p in pairs}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_step_is_exactly_distance_two_without_cap(seed):
    G = nx.gnp_random_graph(70, 0.06, seed=seed)
    got = cd.candidate_pairs(G, sources=("two_step",), cap=10_000)
    dist = dict(nx.all_pairs_shortest_path_length(G, cutoff=2))
    expected = {frozenset((u, v)) for u in G for v, d in dist[u].items() if d == 2}
    assert unordered(got) == expected
    assert all(src == ("two_step",) for src in got.values())
    assert len(got) == len(expected)  # each unordered pair once


def test_cap_keeps_best_resource_allocation_per_organisation():
    G = nx.powerlaw_cluster_graph(120, 3, 0.3, seed=7)
    cap = 3
    got = cd.candidate_pairs(G, sources=("two_step",), cap=cap)
    per_org = {}
    for u, v in got:
        per_org.setdefault(u, set()).add(v)
    # one org's list may also appear under its partner's key (pairs are listed once): count both ways
    dist = dict(nx.all_pairs_shortest_path_length(G, cutoff=2))
    for u in G:
        twostep = [v for v, d in dist[u].items() if d == 2]
        ra = {v: p for _, v, p in resource_allocation_index(G, [(u, v) for v in twostep])}
        mine = per_org.get(u, set())
        assert len(mine) <= cap
        if len(twostep) > cap and mine:
            # everything kept from u's own list scores at least as high as the cap-th best of u
            threshold = sorted(ra.values(), reverse=True)[cap - 1]
            assert min(ra[v] for v in mine) >= threshold - 1e-9 * threshold


def test_exclude_existing_ties_and_self():
    G = nx.complete_graph(5)
    G.add_edge(4, 5)
    got = cd.candidate_pairs(G, sources=("two_step",))
    assert unordered(got) == {frozenset((i, 5)) for i in range(4)}
    got = cd.candidate_pairs(G, sources=("two_step",), exclude=[(5, 0), (1, 5)])
    assert unordered(got) == {frozenset((2, 5)), frozenset((3, 5))}


def test_directed_graph_uses_skeleton():
    D = nx.DiGraph([("a", "b"), ("c", "b"), ("c", "d")])
    got = cd.candidate_pairs(D, sources=("two_step",))
    # a and c share b (arcs point inwards); b and d share c; (a, b) is tied although only a -> b exists
    assert unordered(got) == {frozenset(("a", "c")), frozenset(("b", "d"))}
    D.add_edge("c", "a")  # an arc c -> a: a and c already know each other
    assert frozenset(("a", "c")) not in unordered(cd.candidate_pairs(D, sources=("two_step",)))


def territory():
    G = nx.Graph()
    # epci E1: a (association, mobilité), b (company, mobilité), c (association, mobilité), d (company, culture)
    # epci E2: e (company, mobilité)
    for node, sector, epci, commune, themes in [
        ("a", "association", "E1", "c1", ("mobilité",)),
        ("b", "company", "E1", "c2", ("mobilité", "SDG11")),
        ("c", "association", "E1", "c1", ("mobilité",)),
        ("d", "company", "E1", "c2", ("culture",)),
        ("e", "company", "E2", "c3", ("mobilité",)),
    ]:
        G.add_node(node, sector=sector, epci=epci, commune=commune, themes=themes)
    return G


def test_themes_within_territory():
    G = territory()
    got = cd.candidate_pairs(G, sources=("themes",))
    # mobilité inside E1: a, b, c -> ab, ac, bc ; e is in E2, d has no shared theme
    assert unordered(got) == {frozenset("ab"), frozenset("ac"), frozenset("bc")}
    got = cd.candidate_pairs(G, sources=("themes",), territory="commune")
    assert unordered(got) == {frozenset("ac")}
    G.add_edge("a", "c")
    assert unordered(cd.candidate_pairs(G, sources=("themes",), territory="commune")) == set()


def test_complementary_sectors_configurable():
    G = territory()
    got = cd.candidate_pairs(G, sources=("sectors",))
    # association-company inside E1: ab, ad, cb, cd
    assert unordered(got) == {frozenset("ab"), frozenset("ad"), frozenset("cb"), frozenset("cd")}
    got = cd.candidate_pairs(G, sources=("sectors",), complementary=[("company", "company")])
    assert unordered(got) == set()  # a sector is not complementary to itself
    got = cd.candidate_pairs(G, sources=("sectors",), cap=1)
    # a keeps b (1 shared theme) over d (none); c keeps b too. b's and d's own lists add one each
    per = {}
    for u, v in got:
        per.setdefault(u, []).append(v)
    assert per["a"] == ["b"]
    assert "d" not in per.get("a", [])


def test_alliances_source():
    G = territory()
    G.add_edge("a", "b")
    C = nx.Graph([("a", "b", {"weight": 1}), ("a", "e", {"weight": 2}), ("d", "e", {"weight": 1})])
    got = cd.candidate_pairs(G, sources=("alliances",), comembership=C)
    assert unordered(got) == {frozenset("ae"), frozenset("de")}  # (a, b) already tied


def test_sources_merged_and_orgs_restriction():
    G = territory()
    G.add_edges_from([("a", "x"), ("x", "e")])
    G.nodes["x"].update(sector="other", themes=())
    got = cd.candidate_pairs(G, ["a"])
    assert set(got) == {("a", "b"), ("a", "c"), ("a", "d"), ("a", "e")}
    assert got[("a", "b")] == ("themes", "sectors")
    assert got[("a", "e")] == ("two_step",)
    assert got[("a", "c")] == ("themes",)


def test_brute_force_union_random_territory():
    rnd = random.Random(3)
    G = nx.gnp_random_graph(60, 0.05, seed=3)
    for x in G:
        G.nodes[x].update(
            sector=rnd.choice(["association", "company", "local_authority"]),
            epci=rnd.choice(["E1", "E2"]),
            themes=tuple(sorted(rnd.sample(["t1", "t2", "t3"], 1))),
        )
    got = unordered(cd.candidate_pairs(G, cap=10_000))
    comp = cd.COMPLEMENTARY_SECTORS
    expected = set()
    for u, v in itertools.combinations(G, 2):
        if G.has_edge(u, v):
            continue
        nu, nv = G.nodes[u], G.nodes[v]
        same = nu["epci"] == nv["epci"]
        if (
            set(G[u]) & set(G[v])
            or (same and set(nu["themes"]) & set(nv["themes"]))
            or (same and frozenset((nu["sector"], nv["sector"])) in comp)
        ):
            expected.add(frozenset((u, v)))
    assert got == expected


def test_bad_arguments():
    G = territory()
    with pytest.raises(ValueError):
        cd.candidate_pairs(G, sources=("friends",))
    with pytest.raises(ValueError):
        cd.candidate_pairs(G, territory="region")

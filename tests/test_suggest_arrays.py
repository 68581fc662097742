"""`suggest` without a networkx graph: the suggestion index built from the store's arrays, and the partition of a
large network computed on the same arrays.

The reference is the path they replace — `SuggestionIndex` built from the networkx tie graph, with the partition
of `structure.communities` on that graph — itself checked against networkx (tests/queries/test_suggestions.py);
the index's matrices are also compared with networkx's own adjacency matrix of the tie graph. Everything must be
identical: same pairs, ranks, reasons, introducers, what-if, scores to 1e-12.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

import networkx as nx
import numpy as np
import pytest

from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from catalyse.graphcore.projection import TieArrays, TieColumns, tie_graph_columns
from catalyse.graphcore.stores import SqliteStore
from catalyse.queries import structure
from catalyse.queries.link_prediction import GraphIndex
from catalyse.queries.suggestions import SuggestionIndex, suggest
from catalyse.workspace import Filters, Workspace

SECTORS = ("association", "company", "local_authority", "social_economy", "academic")
TYPES = ("partnership", "funding", "membership", "co_project", "exchange")


def random_territory(n: int = 400, m: int = 1600, seed: int = 7) -> Dataset:
    """Organisations with random sectors, places and themes, a few catalysers, and ties with weights that are
    not sums of powers of two (0.1 steps), several ties per pair (other types, other dates, the reverse
    direction), directed ties, undated ties; alliances and introductions."""
    rng = random.Random(seed)
    orgs = []
    for i in range(n):
        dep = rng.choice(["26", "38", "07"])
        orgs.append(
            Organisation(
                f"o{i:04d}",
                f"Organisation {i}",
                rng.choice(SECTORS),
                commune=f"{dep}{rng.randrange(5):03d}" if rng.random() < 0.9 else None,
                epci=f"2000{dep}{rng.randrange(3)}" if rng.random() < 0.8 else None,
                departement=dep,
                themes=tuple(sorted(rng.sample([f"SDG{k}" for k in range(1, 18)], rng.randrange(4)))),
            )
        )
    ids = [o.id for o in orgs]
    ties = {}
    while len(ties) < m:
        a, b = rng.sample(ids, 2)
        if ties and rng.random() < 0.3:  # another tie of a pair already tied, either way round
            t = rng.choice(list(ties.values()))
            a, b = t.source, t.target
            a, b = (b, a) if rng.random() < 0.5 else (a, b)
        kind = rng.choice(TYPES)
        start = dt.date(rng.randrange(2015, 2025), rng.randrange(1, 13), rng.randrange(1, 29))
        start = None if rng.random() < 0.15 else start
        t = Tie(a, b, kind, weight=round(rng.randrange(1, 30) / 10, 1), start=start, directed=kind == "funding")
        ties[t.key] = t
    cats = [Catalyser(x, ("dialogue",)) for x in rng.sample(ids, 12)]
    alliances = [
        Alliance(f"A{k}", f"Alliance {k}", members=tuple(Membership(x) for x in rng.sample(ids, rng.randrange(2, 7))))
        for k in range(30)
    ]
    intros = [Introduction(c.org, *rng.sample(ids, 2), dt.date(2024, 1, 1 + k)) for k, c in enumerate(cats)]
    return Dataset(orgs, cats, alliances, list(ties.values()), intros)


def _store(data: Dataset) -> SqliteStore:
    s = SqliteStore(":memory:", create=True)
    s.write(data)
    return s


@pytest.fixture(scope="module")
def demo():
    return _store(generate_territory(300, seed=2025))


@pytest.fixture(scope="module")
def rand():
    return _store(random_territory())


def _graph_index(net):
    """The index as the workspace built it before: from the networkx graph, with the network's partition."""
    idx = SuggestionIndex(net.graph, communities=net.partition())
    idx.set_comembership_matrix(net.comembership_matrix(idx.pos))
    return idx


def _same(a, b, where=""):
    """Equal, floats to 1e-12 (relative), NaN equal to NaN, recursively."""
    if isinstance(a, float) and isinstance(b, float):
        assert (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def _same_suggestions(got, want):
    assert [s.pair for s in got] == [s.pair for s in want] and got
    for g, w in zip(got, want):
        _same(g.as_dict(), w.as_dict(), str(g.pair))
        assert g.reasons_in("en") == w.reasons_in("en")


def _same_index(a, b):
    for name in ("A", "W", "Wm", "start_days", "T"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape and (x != y).nnz == 0, name
    for name in ("nodes", "names", "sector_codes", "commune_codes", "epci_codes", "departement_codes", "theme_codes"):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("catalyser", "sector", "commune", "epci", "departement", "degree", "edge_lo", "edge_hi"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert (a.latest_start, a.n_edges, a.graph_as_of) == (b.latest_start, b.n_edges, b.graph_as_of)
    assert np.array_equal(a.communities(), b.communities())


@pytest.mark.parametrize("name", ["demo", "rand"])
@pytest.mark.parametrize("as_of", [None, dt.date(2021, 6, 30)])
def test_index_from_arrays_is_the_graph_index(request, name, as_of):
    store = request.getfixturevalue(name)
    net = Workspace(store).network(Filters(as_of=as_of))
    idx = SuggestionIndex.from_arrays(net.dated_arrays, net.node_columns, communities=net.labels())
    _same_index(idx, _graph_index(net))
    # the strengths are networkx's adjacency matrix of the tie graph (weights of a pair's ties summed)
    W = nx.to_scipy_sparse_array(net.graph, nodelist=idx.nodes, weight="weight", format="csr")
    assert np.array_equal(idx.W.toarray(), W.toarray())


def test_index_from_arrays_of_a_dataset_and_of_tie_types(rand):
    """The object path (a loaded `Dataset`: columns, then arrays) and a tie-type filter give the graph's index."""
    data = rand.dataset()
    cols = TieColumns.from_dataset(data)
    idx = SuggestionIndex.from_arrays(TieArrays.from_columns(cols), cols.nodes)
    _same_index(idx, SuggestionIndex(tie_graph_columns(cols)))
    net = Workspace(rand).network(Filters(types=("partnership", "exchange")))
    _same_index(
        SuggestionIndex.from_arrays(net.dated_arrays, net.node_columns, communities=net.labels()), _graph_index(net)
    )
    unweighted = GraphIndex.from_arrays(net.dated_arrays, net.node_columns, weight=None)
    assert np.array_equal(unweighted.W.toarray(), GraphIndex(net.graph, weight=None).W.toarray())
    with pytest.raises(ValueError, match="start days"):
        GraphIndex.from_arrays(rand.tie_arrays(), rand.node_columns())


@pytest.mark.parametrize("name", ["demo", "rand"])
def test_workspace_suggestions_are_those_of_the_graph_path(request, name):
    store = request.getfixturevalue(name)
    ws = Workspace(store)
    net = ws.network()
    ids = [o.id for o in store.organisations()]
    orgs = [ids[0], ids[len(ids) // 3], ids[-1]] + [c.org for c in store.catalysers()[:2]]
    got = {x: ws.suggestions(x) for x in orgs}
    listed = ws.territory_suggestions(top=5)
    old = _graph_index(net)
    kw = dict(exclude=net.introduced_pairs, communities=True, lang="fr", index=old)
    for x in orgs:
        _same_suggestions(got[x], suggest(net.graph, x, top=10, **kw))
    from catalyse.queries.suggestions import pair_list

    _same_suggestions(listed, pair_list(suggest(net.graph, None, top=5, **kw)))


def test_large_network_partition_on_arrays_is_the_graph_partition(rand, monkeypatch):
    """Above LARGE_GRAPH_TIES the partition is computed on the arrays (`louvain_pairs`): the same partition as
    `structure.communities` on the networkx graph (igraph's Louvain there too), and the suggestions made with it
    are those of the graph path."""
    monkeypatch.setattr(structure, "LARGE_GRAPH_TIES", 100)
    ws = Workspace(rand)
    net = ws.network()
    part = net.partition()
    org = rand.catalysers()[0].org
    got = ws.suggestions(org)
    assert "graph" not in net.__dict__  # neither the partition nor the suggestions built the networkx graph
    assert part == structure.communities(net.graph)["membership"]
    assert part == Workspace(rand).network().partition(), "seeded: the same partition every time"
    assert len(set(part.values())) > 1
    old = _graph_index(net)
    _same_suggestions(got, suggest(net.graph, org, exclude=net.introduced_pairs, index=old))
    assert any("bridges_communities" in s.what_if for s in got)


def test_louvain_pairs_finds_the_caves():
    """Six 5-cliques joined in a ring: the six caves (the known structure of networkx's connected caveman graph),
    whatever the order and orientation of the pairs."""
    G = nx.connected_caveman_graph(6, 5)
    u, v = (np.array(x) for x in zip(*G.edges()))
    caves = [sorted(c) for c in structure.louvain_pairs(30, u, v, None)]
    assert sorted(caves) == [list(range(k, k + 5)) for k in range(0, 30, 5)]
    rev = np.arange(len(u))[::-1]
    assert structure.louvain_pairs(30, v[rev], u[rev], None) == structure.louvain_pairs(30, u, v, None)


def test_burt_rows_are_the_rows_of_the_whole_terms(rand):
    """The Burt terms of a few rows (one organisation's query) equal those rows of the whole computation."""
    net = Workspace(rand).network()
    idx = SuggestionIndex.from_arrays(net.dated_arrays, net.node_columns)
    rows = np.array([5, 3, 5, 17])
    s, Y, c = idx.burt_rows(rows)
    assert idx._burt is None  # computed locally
    s0, Y0, c0 = idx.burt()
    assert np.array_equal(s, s0) and (Y != Y0[rows]).nnz == 0
    assert np.array_equal(c, c0[rows], equal_nan=True)
    # and the constraint is networkx's (Burt 1992, mutual weights)
    H = net.graph
    want = nx.constraint(H, nodes=[idx.nodes[i] for i in rows], weight="weight")
    assert np.allclose(c, [want[idx.nodes[i]] for i in rows], rtol=1e-12)


def test_node_columns_with_keys_are_the_full_attributes(rand):
    """The light read gives the full read's values for the keys asked (an `extra` filling an empty place)."""
    store = _store(
        Dataset(
            [
                Organisation("a", "A", "company", extra={"epci": "200040715", "effectif": "3"}),
                Organisation("b", "B", "association", commune="26362", epci="200068781", themes=("SDG4",)),
            ],
            [Catalyser("b", ("dialogue",))],
        )
    )
    full = store.node_columns()
    keys = GraphIndex.NODE_KEYS
    light = store.node_columns(keys=keys)
    assert light == [(x, {k: v for k, v in a.items() if k in keys}) for x, a in full]
    assert light[0][1]["epci"] == "200040715" and light[1][1]["catalyser"] is True


@pytest.mark.parametrize("as_of", [None, dt.date(2019, 6, 30)])
def test_comembership_from_the_membership_rows_is_the_comembership_graph(as_of):
    """Shared-alliance counts read from the membership rows equal the co-membership graph's weights (networkx
    graph of the `Dataset`, `projection.comembership_graph`), with alliances that start or end around `as_of`."""
    from catalyse.graphcore.projection import comembership_graph

    data = random_territory(120, 300, seed=3)
    rng = random.Random(1)
    data.alliances[:] = [
        dataclasses.replace(
            a, start=dt.date(rng.randrange(2015, 2023), 1, 1), end=rng.choice([None, dt.date(2020, 1, 1)])
        )
        for a in data.alliances
    ]
    store = _store(data)
    net = Workspace(store).network(Filters(as_of=as_of))
    pos = {x: i for i, x in enumerate(sorted(o.id for o in data.organisations))}
    M = net.comembership_matrix(pos)
    C = comembership_graph(store.dataset(as_of=as_of), as_of=as_of)
    want = nx.to_scipy_sparse_array(C, nodelist=sorted(pos), weight="weight", format="csr")
    assert want.nnz > 0 and np.array_equal(M.toarray(), want.toarray())


def test_suggestions_on_each_store_are_those_of_the_graph_path(store, demo_data, monkeypatch):
    """Both stores (the embedded one and a real Neo4j server): the index from the store's arrays and node columns
    (their own reads, or the defaults through `tie_columns`) and the partition on arrays give the suggestions of
    the graph path."""
    monkeypatch.setattr(structure, "LARGE_GRAPH_TIES", 200)
    store.write(demo_data)
    ws = Workspace(store)
    net = ws.network()
    org = store.catalysers()[0].org
    got = ws.suggestions(org)
    assert net.partition() == structure.communities(net.graph)["membership"]
    old = _graph_index(net)
    _same_suggestions(got, suggest(net.graph, org, exclude=net.introduced_pairs, index=old))

"""Tests of queries._triangles (chunked triangle listing shared by brokerage and structural holes).

Sources of expected values: networkx's ``nx.triangles`` (count) and a brute-force check of every vertex triple
(set of triangles), on hand-made and seeded random graphs; edges given in shuffled order and orientation.
"""

import itertools
import random

import networkx as nx
import numpy as np
import pytest

from catalyse.queries._triangles import forward_triangles


def edge_arrays(G, seed):
    """Vertices 0..n-1; each edge once, in shuffled order and random orientation."""
    rnd = random.Random(seed)
    edges = [(a, b) if rnd.random() < 0.5 else (b, a) for a, b in G.edges() if a != b]
    rnd.shuffle(edges)
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    return u, v


def brute_force(G):
    return {
        frozenset(t)
        for t in itertools.combinations(G, 3)
        if G.has_edge(t[0], t[1]) and G.has_edge(t[1], t[2]) and G.has_edge(t[0], t[2])
    }


def graphs():
    out = [
        ("empty", nx.empty_graph(5)),
        ("one triangle", nx.complete_graph(3)),
        ("K6", nx.complete_graph(6)),
        ("star", nx.star_graph(6)),
        ("two triangles", nx.Graph([(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)])),
    ]
    for seed in range(4):
        rnd = random.Random(seed)
        out.append((f"gnp {seed}", nx.gnp_random_graph(rnd.randrange(10, 70), rnd.uniform(0.05, 0.5), seed=seed)))
        out.append((f"clustered {seed}", nx.powerlaw_cluster_graph(rnd.randrange(30, 120), 4, 0.8, seed=seed)))
    return out


def listed(u, v, n, chunk):
    chunks = list(forward_triangles(u, v, n, chunk=chunk))
    if not chunks:
        return chunks, [np.zeros(0, dtype=np.int64)] * 6
    return chunks, [np.concatenate(x) for x in zip(*chunks)]


@pytest.mark.parametrize("name,G", graphs(), ids=[name for name, _ in graphs()])
def test_lists_each_triangle_once(name, G):
    n = G.number_of_nodes()
    u, v = edge_arrays(G, seed=n)
    expected = brute_force(G)
    assert len(expected) == sum(nx.triangles(G).values()) // 3
    deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    rank = {x: (deg[x], x) for x in range(n)}
    first = None
    for chunk in (1, 7, 10**9):  # tiny chunks: many chunk boundaries; 10**9: one chunk
        chunks, (a, b, c, e_ab, e_bc, e_ac) = listed(u, v, n, chunk)
        for ch in chunks:
            assert len({len(x) for x in ch}) == 1 and len(ch[0]) > 0
        if chunk == 1 and len(expected) > 1:
            assert len(chunks) > 1
        got = [frozenset(t) for t in zip(a.tolist(), b.tolist(), c.tolist())]
        assert len(got) == len(set(got)) == len(expected)  # each triangle once
        assert set(got) == expected
        # the edge ids are positions in (u, v) and join the right vertices; vertices in rank order
        for x, y, e in ((a, b, e_ab), (b, c, e_bc), (a, c, e_ac)):
            assert np.array_equal(np.minimum(u[e], v[e]), np.minimum(x, y))
            assert np.array_equal(np.maximum(u[e], v[e]), np.maximum(x, y))
        assert all(rank[x] < rank[y] < rank[z] for x, y, z in zip(a.tolist(), b.tolist(), c.tolist()))
        # the order does not depend on the chunking (sums accumulated per chunk stay reproducible)
        if first is None:
            first = (a, b, c, e_ab, e_bc, e_ac)
        else:
            assert all(np.array_equal(p, q) for p, q in zip(first, (a, b, c, e_ab, e_bc, e_ac)))


def test_triangle_count_matches_networkx_on_larger_graph():
    G = nx.powerlaw_cluster_graph(2000, 6, 0.6, seed=11)
    u, v = edge_arrays(G, seed=3)
    total = sum(len(a) for a, *_ in forward_triangles(u, v, G.number_of_nodes(), chunk=500))
    assert total == sum(nx.triangles(G).values()) // 3 > 0


def test_fewer_than_three_edges_and_isolated_vertices():
    assert list(forward_triangles(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 0)) == []
    assert list(forward_triangles(np.array([0, 1]), np.array([1, 2]), 10)) == []
    ((a, b, c, *_),) = forward_triangles([5, 5, 6], [6, 7, 7], 9)  # lists accepted; vertices 0-4 and 8 isolated
    assert sorted([int(a[0]), int(b[0]), int(c[0])]) == [5, 6, 7]

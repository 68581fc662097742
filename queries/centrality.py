"""Node centrality: degree, betweenness (exact and sampled with an error bound), closeness, eigenvector, PageRank.

Thin wrappers over networkx returning ``{node: float}`` dicts, with one convention for tie weights throughout
(the graphs are those of ``docs/graphs.md``, where ``weight`` is a tie *strength*: more or stronger ties):

* **strength measures** (degree with ``weight=``, eigenvector, PageRank) use the weight as is: a stronger tie
  counts more;
* **path measures** (betweenness, closeness) need a *length*: a strong tie is a short path, so the length of a
  tie is ``1 / weight`` (Newman [1]_, Opsahl et al. [2]_ with alpha = 1). ``weight=None`` (the default for
  path measures) counts hops.

Multigraphs are first collapsed to simple graphs, parallel ties summing their weights. Self-loops are ignored
by degree (as in Freeman's measures) and are irrelevant to shortest paths. Weights must be positive.

References
----------
.. [1] Newman, M. E. J. (2001). Scientific collaboration networks. II. Shortest paths, weighted networks, and
       centrality. *Physical Review E* 64: 016132.
.. [2] Opsahl, T., Agneessens, F. and Skvoretz, J. (2010). Node centrality in weighted networks: generalizing
       degree and shortest paths. *Social Networks* 32(3): 245-251.

Examples
--------
>>> import networkx as nx
>>> G = nx.star_graph(3)
>>> degree(G)
{0: 1.0, 1: 0.3333333333333333, 2: 0.3333333333333333, 3: 0.3333333333333333}
>>> betweenness(G)
{0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0}
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse.linalg as spla

__all__ = [
    "degree",
    "betweenness",
    "betweenness_sampled",
    "betweenness_error_bound",
    "betweenness_sample_size",
    "closeness",
    "eigenvector",
    "pagerank",
    "centrality_table",
    "centrality_rows",
]

_LENGTH = "__catalyse_length__"


def _simple(G, weight):
    """A simple (non-multi) graph without self-loops; parallel ties summed on ``weight`` (default 1)."""
    if G.is_multigraph():
        H = nx.DiGraph() if G.is_directed() else nx.Graph()
        H.add_nodes_from(G.nodes(data=True))
        for u, v, d in G.edges(data=True):
            w = 1 if weight is None else d.get(weight, 1)
            if H.has_edge(u, v):
                H[u][v]["weight" if weight is None else weight] += w
            else:
                H.add_edge(u, v, **{"weight" if weight is None else weight: w})
        G = H
    if nx.number_of_selfloops(G):
        G = G.copy()
        G.remove_edges_from(list(nx.selfloop_edges(G)))
    return G


def _with_lengths(G, weight):
    """Copy of ``G`` with edge attribute ``_LENGTH = 1 / weight`` (strength -> length), or ``G`` if unweighted."""
    G = _simple(G, weight)
    if weight is None:
        return G, None
    H = G.copy()
    for u, v, d in H.edges(data=True):
        w = d.get(weight, 1)
        if not (w > 0 and math.isfinite(w)):
            raise ValueError(f"edge weights {weight!r} must be positive finite numbers, got {w!r} on {(u, v)!r}")
        d[_LENGTH] = 1.0 / w
    return H, _LENGTH


def degree(
    G: nx.Graph, *, weight: str | None = None, normalized: bool = True, mode: str = "all"
) -> dict[Hashable, float]:
    """Degree centrality (Freeman [1]_): number of ties, or *strength* (sum of tie weights) with ``weight=``.

    Parameters
    ----------
    G : networkx graph
    weight : str or None, optional
        ``None`` (default): count ties (distinct neighbours; a reciprocated pair of arcs counts 2 in ``"all"``
        mode on directed graphs, as ``G.degree``). A key such as ``"weight"``: strength, the sum of weights.
    normalized : bool, optional
        Divide by ``n - 1`` (networkx's ``degree_centrality``; can exceed 1 on directed graphs in ``"all"``
        mode or with weights). Ignored when ``n <= 1`` (values left raw).
    mode : {"all", "in", "out"}
        For directed graphs: total, in- or out-degree.

    References
    ----------
    .. [1] Freeman, L. C. (1978). Centrality in social networks: conceptual clarification. *Social Networks* 1:
           215-239.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b", {"weight": 2}), ("a", "c", {"weight": 1})])
    >>> degree(G, normalized=False)
    {'a': 2.0, 'b': 1.0, 'c': 1.0}
    >>> degree(G, weight="weight", normalized=False)
    {'a': 3.0, 'b': 2.0, 'c': 1.0}
    """
    G = _simple(G, weight)
    if G.is_directed():
        view = {"all": G.degree, "in": G.in_degree, "out": G.out_degree}[mode]
    else:
        view = G.degree
    n = len(G)
    scale = 1.0 / (n - 1) if normalized and n > 1 else 1.0
    return {u: float(d) * scale for u, d in view(weight=weight)}


def betweenness(
    G: nx.Graph, *, weight: str | None = None, normalized: bool = True, endpoints: bool = False
) -> dict[Hashable, float]:
    """Exact shortest-path betweenness (Freeman [1]_, Brandes' algorithm [2]_); weighted paths use length
    ``1 / weight``.

    Normalised as networkx: divided by ``(n-1)(n-2)`` pairs (directed) or ``(n-1)(n-2)/2`` (undirected).

    References
    ----------
    .. [1] Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry* 40: 35-41.
    .. [2] Brandes, U. (2001). A faster algorithm for betweenness centrality. *J. Math. Sociology* 25: 163-177.

    Examples
    --------
    Path ``a - b - c``: ``b`` is on the only path of the 1 pair (a, c) out of ``(3-1)(3-2)/2 = 1``.

    >>> import networkx as nx
    >>> betweenness(nx.path_graph("abc"))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    H, length = _with_lengths(G, weight)
    return nx.betweenness_centrality(H, normalized=normalized, weight=length, endpoints=endpoints)


def betweenness_error_bound(n: int, k: int, delta: float = 0.05) -> float:
    """Error bound of :func:`betweenness_sampled`: with probability at least ``1 - delta``, every node's
    estimated normalised betweenness is within this bound of the exact value (simultaneously for all nodes).

    Each sampled pivot ``s`` contributes the dependency ``delta_s(v)`` in ``[0, n - 2]``; the normalised estimate
    is ``n/(n-1)`` times a mean of ``k`` variables in ``[0, 1]`` drawn without replacement. Hoeffding's inequality
    (which holds for sampling without replacement, Hoeffding [1]_ sec. 6) and a union bound over the ``n`` nodes
    give ``eps = n/(n-1) * sqrt(ln(2n/delta) / (2k))`` (the Brandes–Pich estimator [2]_; the same additive
    guarantee as Riondato–Kornaropoulos [3]_, who bound the sample size by the vertex diameter instead of ``n``).
    When ``k >= n`` the computation is exact and the bound is 0.

    References
    ----------
    .. [1] Hoeffding, W. (1963). Probability inequalities for sums of bounded random variables. *JASA* 58: 13-30.
    .. [2] Brandes, U. and Pich, C. (2007). Centrality estimation in large networks. *Int. J. Bifurcation and
           Chaos* 17(7): 2303-2318.
    .. [3] Riondato, M. and Kornaropoulos, E. M. (2016). Fast approximation of betweenness centrality through
           sampling. *Data Mining and Knowledge Discovery* 30(2): 438-475.

    Examples
    --------
    >>> round(betweenness_error_bound(1000, 500, delta=0.05), 4)  # 1000/999 * sqrt(ln(40000)/1000)
    0.103
    >>> betweenness_error_bound(10, 10)
    0.0
    """
    if k >= n:
        return 0.0
    if n < 3 or k < 1:
        return math.inf if k < 1 else 0.0
    return n / (n - 1) * math.sqrt(math.log(2 * n / delta) / (2 * k))


def betweenness_sample_size(n: int, epsilon: float, delta: float = 0.05) -> int:
    """Smallest pivot count ``k`` for which :func:`betweenness_error_bound` ``(n, k, delta) <= epsilon``.

    Examples
    --------
    >>> k = betweenness_sample_size(1000, 0.10305)
    >>> k, betweenness_error_bound(1000, k) <= 0.10305
    (500, True)
    """
    if n < 3:
        return n
    k = math.ceil((n / (n - 1)) ** 2 * math.log(2 * n / delta) / (2 * epsilon**2))
    return min(k, n)


def betweenness_sampled(
    G: nx.Graph, k: int, *, weight: str | None = None, seed: int | None = 0, delta: float = 0.05
) -> dict[str, Any]:
    """Betweenness estimated from ``k`` random source pivots (Brandes–Pich [1]_), normalised as
    :func:`betweenness`, with its error bound.

    Uses ``networkx.betweenness_centrality(k=..., seed=...)`` (unbiased: the pivot dependencies are rescaled by
    ``n / k``). Deterministic for a given ``seed``.

    Returns
    -------
    dict
        ``{"values": {node: estimate}, "k": k, "delta": delta, "error_bound": eps}``: with probability at least
        ``1 - delta``, ``|estimate - exact| <= eps`` for every node at once (see
        :func:`betweenness_error_bound`). The bound is worst-case; actual errors are usually much smaller.

    References
    ----------
    .. [1] Brandes, U. and Pich, C. (2007). Centrality estimation in large networks. *Int. J. Bifurcation and
           Chaos* 17(7): 2303-2318.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(5)
    >>> r = betweenness_sampled(G, k=5)   # k = n: every node is a pivot, exact
    >>> r["values"] == betweenness(G), r["error_bound"]
    (True, 0.0)
    """
    H, length = _with_lengths(G, weight)
    n = len(H)
    k = min(int(k), n)
    values = nx.betweenness_centrality(H, k=k, normalized=True, weight=length, seed=seed)
    return {"values": values, "k": k, "delta": delta, "error_bound": betweenness_error_bound(n, k, delta)}


def sampled_centralities(
    G: nx.Graph,
    k: int,
    *,
    weight: str | None = None,
    seed: int | None = 0,
    delta: float = 0.05,
    direction: str = "in",
) -> dict[str, Any]:
    """Betweenness and closeness of every node estimated from the same ``k`` random pivots, in igraph's C code
    (minutes, not hours, at 100,000 organisations and a million ties).

    Betweenness: the estimate of :func:`betweenness_sampled` (networkx's pivots for `seed`, networkx's rescaling,
    the same values to rounding; weighted, igraph takes paths whose lengths are equal within a relative 1e-10 as
    equally short, networkx only exactly equal floats, so that lengths such as 1/3 + 2/3 and 1 can make them count
    different shortest paths), with its error bound. Closeness: with ``R`` the pivots other than the node that
    reach it (``direction="in"``, distances *to* the node, or that it reaches, ``"out"``) and ``k'`` the pivots
    other than the node, ``|R|^2 / (k' * sum of the distances from R)``: the Wasserman–Faust closeness of
    :func:`closeness` with the reachable count and the distance sum both estimated from the pivots (the pivots
    are a uniform sample of the nodes), exact when every node is a pivot.

    Returns
    -------
    dict
        ``{"betweenness": {node: estimate}, "closeness": {node: estimate}, "k": k, "delta": delta,
        "error_bound": eps}`` (`eps`: the betweenness bound of :func:`betweenness_error_bound`).

    Examples
    --------
    Every node a pivot: both measures exact.

    >>> import networkx as nx
    >>> G = nx.lollipop_graph(4, 3)
    >>> r = sampled_centralities(G, k=len(G))
    >>> all(abs(r["betweenness"][v] - b) < 1e-12 for v, b in betweenness(G).items()), r["error_bound"]
    (True, 0.0)
    >>> all(abs(r["closeness"][v] - c) < 1e-12 for v, c in closeness(G).items())
    True
    """
    import random

    from .structure import _igraph

    if direction not in ("in", "out"):
        raise ValueError("direction must be 'in' or 'out'")
    H, length = _with_lengths(G, weight)
    nodes = list(H)
    n = len(nodes)
    k = min(int(k), n)
    if n < 3 or k < 2:
        raise ValueError(f"sampled centralities need at least 3 nodes and 2 pivots (got {n} nodes, k={k})")
    index = {u: i for i, u in enumerate(nodes)}
    pivots = np.array([index[u] for u in random.Random(seed).sample(nodes, k)], dtype=np.int64)
    g, lengths = _igraph(H, length)
    directed = H.is_directed()
    raw = np.zeros(n)
    reached = np.zeros(n)
    dist_sum = np.zeros(n)
    mode = "out" if direction == "in" else "in"  # "in": the distance from the pivot to the node
    for batch in np.array_split(pivots, max(1, -(-k // 32))):
        b = batch.tolist()
        raw += np.asarray(g.betweenness(directed=directed, weights=lengths, sources=b), dtype=float)
        d = np.asarray(g.distances(source=b, weights=lengths, mode=mode), dtype=float)
        d[np.arange(len(b)), batch] = np.inf  # a pivot is not at distance 0 from itself: not counted
        ok = np.isfinite(d)
        reached += ok.sum(axis=0)
        dist_sum += np.where(ok, d, 0.0).sum(axis=0)
    is_pivot = np.zeros(n, dtype=bool)
    is_pivot[pivots] = True
    others = np.where(is_pivot, k - 1, k).astype(float)  # k': the pivots other than the node
    # igraph counts a path between two pivots of an undirected graph once, networkx once from each end
    raw *= 1.0 if directed else 2.0
    bet = raw / (others * (n - 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        clo = np.where(dist_sum > 0, reached**2 / (others * dist_sum), 0.0)
    return {
        "betweenness": dict(zip(nodes, bet.tolist())),
        "closeness": dict(zip(nodes, clo.tolist())),
        "k": k,
        "delta": delta,
        "error_bound": betweenness_error_bound(n, k, delta),
    }


def closeness(
    G: nx.Graph, *, weight: str | None = None, wf_improved: bool = True, direction: str = "in"
) -> dict[Hashable, float]:
    """Closeness centrality ``(r - 1) / sum of distances`` to the ``r - 1`` reachable nodes, scaled by
    ``(r - 1)/(n - 1)`` (Wasserman–Faust [1]_, ``wf_improved=True``) so disconnected graphs stay comparable.

    Weighted: tie length ``1 / weight``. Directed graphs: ``direction="in"`` uses distances *to* the node
    (networkx's convention), ``"out"`` distances *from* it.

    References
    ----------
    .. [1] Wasserman, S. and Faust, K. (1994). *Social Network Analysis.* Cambridge University Press, p. 201.

    Examples
    --------
    Path ``a - b - c``: ``b`` is at distance 1 from both others, ``2 / (1 + 1) = 1``; ``a``: ``2 / (1 + 2)``.

    >>> import networkx as nx
    >>> closeness(nx.path_graph("abc"))
    {'a': 0.6666666666666666, 'b': 1.0, 'c': 0.6666666666666666}
    """
    H, length = _with_lengths(G, weight)
    if H.is_directed() and direction == "out":
        H = H.reverse(copy=False)
    elif direction not in ("in", "out"):
        raise ValueError("direction must be 'in' or 'out'")
    return nx.closeness_centrality(H, distance=length, wf_improved=wf_improved)


def eigenvector(G: nx.Graph, *, weight: str | None = "weight") -> dict[Hashable, float]:
    """Eigenvector centrality (Bonacich [1]_): leading eigenvector of the (weighted) adjacency matrix,
    Euclidean norm 1; strengths used as is. Directed graphs: in-edges (a node is central when pointed to by
    central nodes).

    On a disconnected graph the leading eigenvector is not unique (networkx raises ``AmbiguousSolution``). The
    convention here: the measure is computed on the (weakly) connected component whose leading eigenvalue is
    the largest — ties broken by size, then by first node in ``G``'s order — and every node outside it gets 0.
    Components are examined by decreasing largest strength, a bound on their eigenvalue, so most are never
    decomposed.

    References
    ----------
    .. [1] Bonacich, P. (1972). Factoring and weighting approaches to status scores and clique identification.
           *J. Math. Sociology* 2: 113-120.

    Examples
    --------
    Star on 3 leaves: leading eigenvalue ``sqrt(3)``, vector ``(sqrt(3), 1, 1, 1)`` normalised by ``sqrt(6)``.
    The extra pair (eigenvalue 1) is another component, so it gets 0:

    >>> import networkx as nx
    >>> G = nx.star_graph(3); G.add_edge("x", "y")
    >>> {k: round(x, 6) for k, x in eigenvector(G).items()}
    {0: 0.707107, 1: 0.408248, 2: 0.408248, 3: 0.408248, 'x': 0.0, 'y': 0.0}
    """
    H = _simple(G, weight)
    result = {u: 0.0 for u in H}
    if H.number_of_edges() == 0:
        return result
    comps = list(nx.weakly_connected_components(H) if H.is_directed() else nx.connected_components(H))
    order = {u: i for i, u in enumerate(H)}
    strength = dict(H.in_degree(weight=weight) if H.is_directed() else H.degree(weight=weight))
    comps = [sorted(c, key=order.__getitem__) for c in comps if len(c) > 1]
    comps.sort(key=lambda c: -max(strength[u] for u in c))
    best = None  # (eigenvalue, size, -first index, nodes, vector)
    for nodes in comps:
        if best is not None and max(strength[u] for u in nodes) < best[0] - 1e-12:
            break  # the spectral radius is at most the largest (in-)strength
        if len(nodes) <= 400:
            A = nx.to_numpy_array(H, nodelist=nodes, weight=weight)
            M = A.T if H.is_directed() else A
            values, vectors = np.linalg.eig(M) if H.is_directed() else np.linalg.eigh(M)
        else:  # ARPACK on the sparse matrix, as networkx's eigenvector_centrality_numpy does
            A = nx.to_scipy_sparse_array(H, nodelist=nodes, weight=weight, dtype=float)
            M = A.T if H.is_directed() else A
            values, vectors = (
                spla.eigs(M, k=1, which="LR", maxiter=50 * len(nodes), tol=0)
                if H.is_directed()
                else spla.eigsh(M, k=1, which="LA", maxiter=50 * len(nodes), tol=0)
            )
        k = int(np.argmax(values.real))
        lam = float(values.real[k])
        vec = np.abs(vectors[:, k].real)
        key = (round(lam, 12), len(nodes), -order[nodes[0]])
        if best is None or key > best[:3]:
            best = (*key, nodes, vec / np.linalg.norm(vec))
    if best is not None:
        for u, x in zip(best[3], best[4]):
            result[u] = float(x)
    return result


def pagerank(
    G: nx.Graph, *, weight: str | None = "weight", alpha: float = 0.85, tol: float = 1e-10, max_iter: int = 1000
) -> dict[Hashable, float]:
    """PageRank (Brin and Page [1]_): stationary distribution of a random walk following ties in proportion to
    their strength, teleporting with probability ``1 - alpha``; sums to 1. Undirected ties are walked both ways.

    References
    ----------
    .. [1] Brin, S. and Page, L. (1998). The anatomy of a large-scale hypertextual Web search engine.
           *Computer Networks and ISDN Systems* 30: 107-117.

    Examples
    --------
    >>> import networkx as nx
    >>> r = pagerank(nx.star_graph(3))
    >>> round(sum(r.values()), 9), r[0] > r[1]
    (1.0, True)
    """
    H = _simple(G, weight)
    return nx.pagerank(H, alpha=alpha, weight=weight, tol=tol, max_iter=max_iter)


def centrality_table(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    k: int | None = None,
    seed: int | None = 0,
    given_betweenness: Mapping[Hashable, float] | None = None,
    given_closeness: Mapping[Hashable, float] | None = None,
) -> dict[str, dict[Hashable, float]]:
    """All centralities at once, ``{measure: {node: value}}``: ``degree`` (count), ``strength`` (weighted
    degree), ``betweenness`` (weighted, exact, or sampled with ``k`` pivots), ``closeness`` (weighted),
    ``eigenvector`` and ``pagerank``. ``weight=None`` makes every measure unweighted. ``given_betweenness`` and
    ``given_closeness`` ({node: value}, e.g. computed inside Neo4j by `queries.gds`, or estimated by
    :func:`sampled_centralities`) are used as they are instead of being computed.

    Examples
    --------
    >>> import networkx as nx
    >>> sorted(centrality_table(nx.path_graph(3)))
    ['betweenness', 'closeness', 'degree', 'eigenvector', 'pagerank', 'strength']
    """
    if given_betweenness is not None:
        btw = dict(given_betweenness)
    elif k is None or k >= len(G):
        btw = betweenness(G, weight=weight)
    else:
        btw = betweenness_sampled(G, k, weight=weight, seed=seed)["values"]
    return {
        "degree": degree(G),
        "strength": degree(G, weight=weight, normalized=False),
        "betweenness": btw,
        "closeness": dict(given_closeness) if given_closeness is not None else closeness(G, weight=weight),
        "eigenvector": eigenvector(G, weight=weight),
        "pagerank": pagerank(G, weight=weight),
    }


_LABELS = {
    "fr": {
        "node": "Organisation",
        "degree": "Degré",
        "strength": "Force",
        "betweenness": "Intermédiarité",
        "closeness": "Proximité",
        "eigenvector": "Vecteur propre",
        "pagerank": "PageRank",
    },
    "en": {
        "node": "Organisation",
        "degree": "Degree",
        "strength": "Strength",
        "betweenness": "Betweenness",
        "closeness": "Closeness",
        "eigenvector": "Eigenvector",
        "pagerank": "PageRank",
    },
}


def centrality_rows(
    table: Mapping[str, Mapping[Hashable, float]],
    lang: str = "fr",
    *,
    sort_by: str | None = None,
    names: Mapping[Hashable, str] | None = None,
    top: int | None = None,
    digits: int = 4,
) -> list[list[Any]]:
    """Table rows (header first) from :func:`centrality_table` (or any ``{measure: {node: value}}``), French
    labels by default, ``lang="en"`` for English; sorted by decreasing ``sort_by`` (default: first measure).

    Examples
    --------
    >>> import networkx as nx
    >>> rows = centrality_rows({"degree": degree(nx.star_graph(2))}, lang="fr")
    >>> rows
    [['Organisation', 'Degré'], ['0', 1.0], ['1', 0.5], ['2', 0.5]]
    """
    if lang not in _LABELS:
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    lab = _LABELS[lang]
    measures = list(table)
    sort_by = sort_by or measures[0]
    nodes = sorted(table[sort_by], key=lambda u: (-table[sort_by][u], str(u)))
    if top is not None:
        nodes = nodes[:top]
    rows: list[list[Any]] = [[lab["node"]] + [lab.get(m, m) for m in measures]]
    for u in nodes:
        rows.append([names.get(u, str(u)) if names else str(u)] + [round(float(table[m][u]), digits) for m in measures])
    return rows

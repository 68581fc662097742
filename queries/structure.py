"""Whole-network and per-group structure: density, components, clustering, centralisation, E-I index,
assortativity, mixing, reciprocity, communities; yearly snapshots to follow a territory's collective maturity.

All functions take a graph of ``docs/graphs.md`` first and return plain Python values (dicts, lists, floats,
``None`` where a measure is undefined, never NaN). Common conventions:

* **Ties**: multigraphs are collapsed to one tie per pair (weights summed) and self-loops are dropped before any
  measure: a tie to oneself is neither internal nor external to a group, and Freeman/sna measures use
  ``diag=FALSE``. Directed graphs count arcs; in the directed view an undirected tie is two arcs (see
  ``docs/graphs.md``), so it counts twice in directed counts.
* **Groups** (``group=`` any node attribute: ``sector``, ``commune``, ``departement``, an extra column...): nodes
  *without* the attribute are left out of every group measure (E-I, assortativity, mixing, cross-group share,
  ``by_group``) together with the ties that touch them; ``summary`` reports how many (``unassigned``).
  Attribute values are compared as is (``"26"`` and ``26`` differ).
* **Weights** are not used by the structural counts (density, E-I, mixing, centralisation are about the
  presence of ties, as in Krackhardt and Freeman); Louvain uses ``weight`` (tie strength) by default.

References
----------
.. [1] Wasserman, S. and Faust, K. (1994). *Social Network Analysis.* Cambridge University Press.
.. [2] Freeman, L. C. (1978). Centrality in social networks: conceptual clarification. *Social Networks* 1:
       215-239.
.. [3] Krackhardt, D. and Stern, R. N. (1988). Informal networks and organizational crises: an experimental
       simulation. *Social Psychology Quarterly* 51(2): 123-140.
.. [4] Newman, M. E. J. (2003). Mixing patterns in networks. *Physical Review E* 67: 026126.
.. [5] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. and Lefebvre, E. (2008). Fast unfolding of communities in
       large networks. *J. Stat. Mech.* P10008.
.. [6] Butts, C. T. (2008). Social network analysis with sna. *Journal of Statistical Software* 24(6).

Examples
--------
Two sectors, ``a``-``b`` internal to ``x``, ``b``-``c`` across:

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_nodes_from([("a", {"sector": "x"}), ("b", {"sector": "x"}), ("c", {"sector": "y"})])
>>> G.add_edges_from([("a", "b"), ("b", "c")])
>>> ei_index(G)          # (E - I) / (E + I) = (1 - 1) / 2
0.0
>>> cross_group_share(G)
0.5
>>> density(G)           # 2 ties of 3 possible
0.6666666666666666
"""

from __future__ import annotations

import math
import weakref
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import chain, compress
from operator import methodcaller
from typing import Any

import networkx as nx
import numpy as np

from catalyse.i18n import measure_label

__all__ = [
    "density",
    "components",
    "clustering",
    "degree_centralization",
    "betweenness_centralization",
    "betweenness_centralization_sampled",
    "ei_index",
    "ei_by_group",
    "assortativity",
    "mixing_matrix",
    "cross_group_share",
    "reciprocity",
    "communities",
    "summary",
    "by_group",
    "by_year",
    "snapshot",
    "summary_rows",
    "by_group_rows",
    "by_year_rows",
]


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------
def _simple(G, weight="weight"):
    """Simple graph, same directedness, no self-loops; parallel ties summed on ``weight`` (1 when absent)."""
    if G.is_multigraph():
        H = nx.DiGraph() if G.is_directed() else nx.Graph()
        H.add_nodes_from(G.nodes(data=True))
        H.graph.update(G.graph)
        for u, v, d in G.edges(data=True):
            if u == v:
                continue
            w = d.get(weight, 1) if weight is not None else 1
            if H.has_edge(u, v):
                H[u][v]["weight"] += w
                H[u][v]["ties"] += 1
            else:
                H.add_edge(u, v, weight=w, ties=1)
        return H
    if nx.number_of_selfloops(G):
        H = G.copy()
        H.remove_edges_from(list(nx.selfloop_edges(H)))
        return H
    return G


def _groups(G, group):
    return {u: d[group] for u, d in G.nodes(data=True) if group in d}


def _ei_counts(G, group):
    """``(internal, external)`` tie counts among nodes having the attribute (G simple, no loops)."""
    g = _groups(G, group)
    internal = external = 0
    for u, v in G.edges():
        if u in g and v in g:
            if g[u] == g[v]:
                internal += 1
            else:
                external += 1
    return internal, external


def _ratio(num, den):
    return None if den == 0 else num / den


def _sorted(values):
    """Natural order when comparable (numbers, strings), else by type name and text."""
    values = list(values)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda x: (type(x).__name__, str(x)))


# --------------------------------------------------------------------------------------------------------------
# whole-network measures
# --------------------------------------------------------------------------------------------------------------
def density(G: nx.Graph) -> float:
    """Share of possible ties present: ``m / (n(n-1))`` directed, ``m / (n(n-1)/2)`` undirected, self-loops
    excluded (``sna::gden`` with ``diag=FALSE``); ``0.0`` for fewer than 2 nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> density(nx.DiGraph([(1, 2), (2, 3), (3, 3)]))  # 2 arcs of 3*2
    0.3333333333333333
    """
    H = _simple(G)
    n = len(H)
    return 0.0 if n < 2 else float(nx.density(H))


def components(G: nx.Graph) -> dict[str, Any]:
    """Connected components (weak for directed graphs): ``count``, ``sizes`` (decreasing), ``giant_size``,
    ``giant_share`` (giant size / n, 0.0 when empty), ``isolates``; directed graphs also ``strong_count``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (4, 5)]); G.add_node(6)
    >>> components(G)
    {'count': 3, 'sizes': [3, 2, 1], 'giant_size': 3, 'giant_share': 0.5, 'isolates': 1}
    """
    H = _simple(G)
    comps = nx.weakly_connected_components(H) if H.is_directed() else nx.connected_components(H)
    sizes = sorted((len(c) for c in comps), reverse=True)
    n = len(H)
    out = {
        "count": len(sizes),
        "sizes": sizes,
        "giant_size": sizes[0] if sizes else 0,
        "giant_share": sizes[0] / n if n else 0.0,
        "isolates": nx.number_of_isolates(H),
    }
    if H.is_directed():
        out["strong_count"] = nx.number_strongly_connected_components(H)
    return out


def clustering(G: nx.Graph) -> dict[str, float]:
    """``average_clustering`` (mean local clustering, nodes of degree < 2 counting 0; Watts-Strogatz) and
    ``transitivity`` (3 x triangles / connected triples; global clustering), both on the undirected, unweighted
    view of the ties (a directed tie makes the pair adjacent).

    Examples
    --------
    Triangle with a pendant: local clustering 1/3, 1, 1, 0 (mean 7/12); 3 x 1 triangle / 5 triples.

    >>> import networkx as nx
    >>> {k: round(x, 12) for k, x in clustering(nx.Graph([(1, 2), (2, 3), (1, 3), (1, 4)])).items()}
    {'average_clustering': 0.583333333333, 'transitivity': 0.6}
    """
    H = _simple(G)
    U = H.to_undirected(as_view=True) if H.is_directed() else H
    U = U if type(U) is nx.Graph else nx.Graph(U)
    if len(U) == 0:
        return {"average_clustering": 0.0, "transitivity": 0.0}
    if U.number_of_edges() > LARGE_GRAPH_TIES:  # the same measures in igraph's C code (equal to rounding)
        g, _ = _igraph(U)
        return {
            "average_clustering": float(g.transitivity_avglocal_undirected(mode="zero")),
            "transitivity": float(g.transitivity_undirected(mode="zero")),
        }
    return {"average_clustering": float(nx.average_clustering(U)), "transitivity": float(nx.transitivity(U))}


def _mode(G, mode):
    if mode is None:
        return "digraph" if G.is_directed() else "graph"
    if mode not in ("graph", "digraph"):
        raise ValueError("mode must be 'graph' or 'digraph'")
    return mode


def degree_centralization(G: nx.Graph, *, mode: str | None = None) -> float | None:
    """Freeman degree centralisation exactly as R ``sna::centralization(g, degree, mode=..., normalize=TRUE)``.

    ``sum_i (max c - c_i)`` divided by its maximum over graphs of the same size. ``mode="digraph"`` (default for
    directed graphs) uses Freeman degree = in + out and the maximum ``(n-1)(2(n-1)-2)``; ``mode="graph"`` (default
    for undirected graphs) uses the degree and ``(n-1)(n-2)``. Unweighted, self-loops ignored (``diag=FALSE``).
    ``None`` when ``n < 3`` (sna divides by zero). A ``"graph"`` mode on a directed graph uses its undirected view.

    Examples
    --------
    A star is maximally centralised; in digraph mode its reciprocated arcs give in+out = 2(n-1) at the centre.

    >>> import networkx as nx
    >>> degree_centralization(nx.star_graph(4)), degree_centralization(nx.cycle_graph(5))
    (1.0, 0.0)
    >>> degree_centralization(nx.DiGraph(nx.star_graph(4)))  # 4 * (8 - 2) / (4 * (2*4 - 2))
    1.0
    """
    view = _freeman_view(G, mode)
    if view is None:
        return None
    H, mode = view
    n = len(H)
    deg = [d for _, d in H.degree()]  # in + out in digraph mode
    tmax = (n - 1) * (n - 2) if mode == "graph" else (n - 1) * (2 * (n - 1) - 2)
    cmax = max(deg)
    return sum(cmax - d for d in deg) / tmax


def freeman_betweenness_max(n: int, mode: str = "graph") -> float:
    """The largest sum of differences to the most central node's raw betweenness on `n` nodes (a star's), which
    divides Freeman's betweenness centralisation: ``(n-1)^2 (n-2) / 2`` for unordered pairs (``"graph"``), twice
    that for ordered ones (``"digraph"``), as sna.

    >>> freeman_betweenness_max(5), freeman_betweenness_max(5, "digraph")
    (24.0, 48)
    """
    return (n - 1) ** 2 * (n - 2) / 2 if mode == "graph" else (n - 1) ** 2 * (n - 2)


def _freeman_view(G, mode):
    """``(H, mode)`` for a Freeman centralisation: the simple graph of `G`, undirected in ``"graph"`` mode and
    directed (an undirected graph's symmetric digraph) in ``"digraph"`` mode; ``None`` when ``n < 3`` (sna divides
    by zero)."""
    H = _simple(G)
    mode = _mode(H, mode)
    if len(H) < 3:
        return None
    if mode == "graph":
        return (nx.Graph(H.to_undirected(as_view=True)) if H.is_directed() else H), mode
    return (H if H.is_directed() else nx.DiGraph(H)), mode


def _raw_betweenness(H, backend="auto"):
    """Unnormalised shortest-path betweenness (ordered pairs if directed, unordered otherwise), unweighted.

    ``backend="auto"`` uses python-igraph when it is installed (exact, C, ~100x faster than networkx), else
    networkx; both compute the exact Brandes counts, equal to rounding (checked in the tests)."""
    if backend not in ("auto", "igraph", "networkx"):
        raise ValueError("backend must be 'auto', 'igraph' or 'networkx'")
    if backend != "networkx":
        try:
            import igraph
        except ImportError:
            if backend == "igraph":
                raise
        else:
            index = {u: i for i, u in enumerate(H)}
            g = igraph.Graph(n=len(index), edges=[(index[u], index[v]) for u, v in H.edges()], directed=H.is_directed())
            return g.betweenness(directed=H.is_directed())
    return list(nx.betweenness_centrality(H, normalized=False).values())


def betweenness_centralization(G: nx.Graph, *, mode: str | None = None, backend: str = "auto") -> float | None:
    """Freeman betweenness centralisation exactly as R ``sna::centralization(g, betweenness, mode=...,
    normalize=TRUE)``: raw betweenness (ordered pairs for ``"digraph"``, unordered for ``"graph"``), divided by
    ``(n-1)^2 (n-2)`` (digraph) or ``(n-1)^2 (n-2)/2`` (graph). Unweighted (sna's ``ignore.eval=TRUE``),
    exact (Brandes, O(nm)): with python-igraph installed (``backend="auto"``) the counts come from igraph's C
    code, else from networkx (``backend="networkx"`` forces it; 2,000 nodes and 14,000 ties: ~0.3 s vs ~30 s).
    ``None`` when ``n < 3``.

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness_centralization(nx.star_graph(4)), betweenness_centralization(nx.cycle_graph(6))
    (1.0, 0.0)
    """
    view = _freeman_view(G, mode)
    if view is None:
        return None
    H, mode = view
    n = len(H)
    tmax = freeman_betweenness_max(n, mode)
    bet = _raw_betweenness(H, backend)
    cmax = max(bet)
    return sum(cmax - b for b in bet) / tmax


#: Above this many ties (pairs, or arcs when directed) `summary` estimates the betweenness centralisation from
#: :data:`BETWEENNESS_PIVOTS` sampled pivots instead of computing it exactly (exact Brandes is O(n m): hours at
#: 100,000 organisations and a million ties), and computes clustering and Louvain with igraph's C code.
#: ``exact=True`` insists on the exact centralisation.
LARGE_GRAPH_TIES = 200_000
#: Pivots of the sampled betweenness centralisation (networkx's ``k``; at W2 about a minute).
BETWEENNESS_PIVOTS = 256
#: Exact Brandes visits each component's ties once per organisation in it: above this sum of (organisations ×
#: ties) over the components the betweenness is estimated too, whatever the ties (a year of a national network
#: holds 100,000 organisations with 150,000 ties among them: hours exact). 10⁹ is about 30 s in igraph's C code
#: (measured: a connected 20,000 × 100,000 graph in 56 s).
LARGE_BETWEENNESS_WORK = 1_000_000_000


def betweenness_work(G: nx.Graph) -> int:
    """Σ n_c · m_c over the (weakly) connected components of `G` (n_c organisations, m_c ties): the ties exact
    Brandes visits, one pass per source.

    >>> import networkx as nx
    >>> betweenness_work(nx.Graph([(1, 2), (2, 3), (4, 5)]))  # 3 × 2 + 2 × 1
    8
    """
    comps = nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G)
    label = {u: i for i, c in enumerate(comps) for u in c}
    sizes = Counter(label.values())
    ties = Counter(label[u] for u, _ in G.edges())
    return sum(sizes[c] * m for c, m in ties.items())


def betweenness_is_large(G: nx.Graph) -> bool:
    """Whether betweenness is estimated unless told to be exact: above :data:`LARGE_GRAPH_TIES` ties, or above
    :data:`LARGE_BETWEENNESS_WORK` (`betweenness_work`)."""
    m = G.number_of_edges()
    return m > LARGE_GRAPH_TIES or (
        len(G) * m > LARGE_BETWEENNESS_WORK and betweenness_work(G) > LARGE_BETWEENNESS_WORK
    )


_BATCHES = 16


def _igraph(H, weight=None):
    """``(igraph.Graph, weights)`` of the simple graph `H` (nodes in `H`'s order; weights of `weight`, 1 when
    absent, or None), read from networkx's adjacency with C-level iterators; cached on `H` while its size holds."""
    import igraph

    key = (len(H), H.number_of_edges(), weight)
    cached = _IGRAPH_CACHE.get(H)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    nodes = list(H)
    index = {u: i for i, u in enumerate(nodes)}
    adj = H._succ if H.is_directed() else H._adj
    nbr_maps = [adj[u] for u in nodes]
    lengths = np.fromiter(map(len, nbr_maps), dtype=np.int64, count=len(nodes))
    rows = np.repeat(np.arange(len(nodes), dtype=np.int64), lengths)
    cols = np.fromiter(map(index.__getitem__, chain.from_iterable(nbr_maps)), dtype=np.int64, count=int(lengths.sum()))
    sel = rows != cols if H.is_directed() else rows < cols
    weights = None
    if weight is not None:
        datas = compress(chain.from_iterable(map(methodcaller("values"), nbr_maps)), sel.tolist())
        weights = np.fromiter(map(methodcaller("get", weight, 1), datas), dtype=float).tolist()
    g = igraph.Graph(n=len(nodes), edges=np.column_stack((rows[sel], cols[sel])).tolist(), directed=H.is_directed())
    _IGRAPH_CACHE[H] = (key, g, weights)
    return g, weights


_IGRAPH_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def betweenness_centralization_sampled(G, *, k=BETWEENNESS_PIVOTS, seed=0, mode=None, delta=0.05):
    """Freeman betweenness centralisation (:func:`betweenness_centralization`) estimated from `k` pivots.

    The pivots are networkx's (``random.Random(seed).sample(list(H), k)``, as ``betweenness_centrality(k=k,
    seed=seed)`` draws them) and each node's betweenness is networkx's unbiased ``k``-pivot estimate (sources
    rescaled by ``(n-1)/(k-1)``, other nodes by ``(n-1)/k``), computed by igraph's subset betweenness (C). The
    pivots are split in 16 batches: ``standard_error`` is the standard deviation of the batches' estimates (with
    the most central node of the whole sample held fixed, so that each batch estimate is linear in its pivots)
    over ``sqrt(16)``. ``error_bound`` is worst-case: with probability at least ``1 - delta`` every node's
    normalised estimate is within ``eps`` (`catalyse.queries.centrality.betweenness_error_bound`), so the
    centralisation ``sum_i (B_max - B_i) / (n - 1)`` is within ``2 n eps / (n - 1)``.

    Returns ``{"value", "k", "seed", "standard_error", "error_bound", "delta"}`` (``None`` when ``n < 3``);
    with ``k >= n`` the value is exact and both errors are 0.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.star_graph(4)
    >>> r = betweenness_centralization_sampled(G, k=5)   # every node a pivot: exact
    >>> r["value"], r["standard_error"], r["error_bound"]
    (1.0, 0.0, 0.0)
    """
    import random

    from .centrality import betweenness_error_bound

    view = _freeman_view(G, mode)
    if view is None:
        return None
    H, mode = view
    n = len(H)
    tmax = freeman_betweenness_max(n, mode)
    if k >= n:
        value = betweenness_centralization(H, mode=mode)
        return {"value": value, "k": n, "seed": seed, "standard_error": 0.0, "error_bound": 0.0, "delta": delta}
    nodes = list(H)
    index = {u: i for i, u in enumerate(nodes)}
    pivots = [index[u] for u in random.Random(seed).sample(nodes, k)]
    g, _ = _igraph(H)
    batches = [pivots[i::_BATCHES] for i in range(_BATCHES)]
    batches = [b for b in batches if b]
    sums = [np.array(g.betweenness(directed=H.is_directed(), sources=b)) for b in batches]
    total = np.sum(sums, axis=0)
    is_pivot = np.zeros(n, dtype=bool)
    is_pivot[pivots] = True
    # networkx's rescaling (endpoints excluded) of the raw sampled counts; igraph counts each unordered pair once
    est = total * (n - 1) / np.where(is_pivot, k - 1, k)
    top = int(np.argmax(est))
    value = float((est[top] - est).sum() / tmax)
    parts = [(b_sum[top] * n - b_sum.sum()) * (n - 1) / len(b) / tmax for b, b_sum in zip(batches, sums)]
    se = float(np.std(parts, ddof=1) / math.sqrt(len(parts))) if len(parts) > 1 else math.inf
    eps = betweenness_error_bound(n, k, delta)
    return {
        "value": value,
        "k": k,
        "seed": seed,
        "standard_error": se,
        "error_bound": min(1.0, 2 * n * eps / (n - 1)),
        "delta": delta,
    }


def ei_index(G: nx.Graph, group: str = "sector") -> float | None:
    """Krackhardt–Stern E-I index ``(E - I) / (E + I)`` over the ties between nodes having ``group`` [3]_: -1 all
    ties internal to groups, +1 all across groups. ``None`` without such ties.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "y"}, "sector")
    >>> ei_index(G)  # E = 1 (2-3), I = 2: (1 - 2) / 3
    -0.3333333333333333
    """
    internal, external = _ei_counts(_simple(G), group)
    return _ratio(external - internal, external + internal)


def cross_group_share(G: nx.Graph, group: str = "sector") -> float | None:
    """Share of ties (between nodes having ``group``) that join two different groups: ``E / (E + I)``
    (``= (1 + EI) / 2``). ``None`` without such ties."""
    internal, external = _ei_counts(_simple(G), group)
    return _ratio(external, external + internal)


def ei_by_group(G: nx.Graph, group: str = "sector") -> dict[Hashable, float | None]:
    """Group-level E-I index: for each group ``g``, ``(E_g - I_g) / (E_g + I_g)`` with ``I_g`` ties inside ``g`` and
    ``E_g`` ties with exactly one end in ``g`` (other end in another group) [3]_. ``None`` for groups without
    ties.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "y"}, "sector")
    >>> ei_by_group(G)  # x: E=1, I=1 ; y: E=1, I=1
    {'x': 0.0, 'y': 0.0}
    """
    return {k: v["ei_index"] for k, v in by_group(G, group).items()}


def mixing_matrix(G: nx.Graph, group: str = "sector") -> dict[str, Any]:
    """Group x group tie counts (nodes having ``group``): ``{"groups": [...], "counts": {a: {b: count}}}``.

    Undirected: symmetric, ``counts[a][b]`` = number of ties between groups ``a != b`` (each tie in both
    cells), ``counts[a][a]`` = ties inside ``a`` (counted once), so the upper triangle sums to the tie count.
    Directed: ``counts[a][b]`` = arcs from ``a`` to ``b``, summing to the arc count. Groups sorted.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "y"}, "sector")
    >>> mixing_matrix(G)["counts"]
    {'x': {'x': 1, 'y': 1}, 'y': {'x': 1, 'y': 1}}
    """
    H = _simple(G)
    g = _groups(H, group)
    groups = _sorted(set(g.values()))
    counts = {a: {b: 0 for b in groups} for a in groups}
    for u, v in H.edges():
        if u in g and v in g:
            a, b = g[u], g[v]
            counts[a][b] += 1
            if not H.is_directed() and a != b:
                counts[b][a] += 1
    return {"groups": groups, "counts": counts}


def assortativity(G: nx.Graph, group: str = "sector") -> float | None:
    """Newman's nominal assortativity coefficient on ``group`` [4]_: ``(sum_i e_ii - sum_i a_i b_i) / (1 - sum_i
    a_i b_i)`` from the normalised mixing matrix ``e`` (undirected ties counted in both directions); 1 when all
    ties are internal, 0 when mixing is random, negative when groups avoid themselves. Equals
    ``networkx.attribute_assortativity_coefficient`` and igraph's ``assortativity_nominal`` on the nodes having
    the attribute. ``None`` when undefined (no tie, or a single group with all ties: 0/0).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (3, 4), (1, 3)])
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "y"}, "sector")
    >>> round(assortativity(G), 12)  # e = [[2, 1], [1, 2]] / 6 -> (4/6 - 1/2) / (1 - 1/2) = 1/3
    0.333333333333
    """
    H = _simple(G)
    g = _groups(H, group)
    pairs: Counter[tuple[Hashable, Hashable]] = Counter()
    for u, v in H.edges():
        if u in g and v in g:
            pairs[(g[u], g[v])] += 1
            if not H.is_directed():
                pairs[(g[v], g[u])] += 1
    total = sum(pairs.values())
    if total == 0:
        return None
    a, b = Counter[Hashable](), Counter[Hashable]()
    trace = 0
    for (x, y), c in pairs.items():
        a[x] += c
        b[y] += c
        if x == y:
            trace += c
    ab = sum(a[k] * b[k] for k in a) / total**2
    return _ratio(trace / total - ab, 1 - ab) if not math.isclose(ab, 1.0) else None


def reciprocity(G: nx.Graph) -> float | None:
    """Share of arcs whose reverse arc also exists (``networkx.overall_reciprocity``, ``sna::grecip(measure=
    "edgewise")``), self-loops excluded; ``None`` for undirected graphs or without arcs.

    Examples
    --------
    >>> import networkx as nx
    >>> reciprocity(nx.DiGraph([(1, 2), (2, 1), (2, 3)]))  # 2 of 3 arcs reciprocated
    0.6666666666666666
    """
    H = _simple(G)
    if not H.is_directed() or H.number_of_edges() == 0:
        return None
    return float(nx.overall_reciprocity(H))


#: The seed of the territory's community partition: structure, suggestions and the map's layout all use it.
COMMUNITY_SEED = 0


def communities(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
    seed: int | None = COMMUNITY_SEED,
    membership: Mapping[Hashable, Hashable] | None = None,
) -> dict[str, Any]:
    """Louvain communities (``networkx.community.louvain_communities``, seeded: deterministic) [5]_ and their
    modularity (same ``weight`` and ``resolution``; directed modularity for directed graphs).

    Returns ``{"count", "sizes", "modularity", "membership": {node: community index}, "communities": [sorted
    node lists]}``; communities ordered by decreasing size. Edgeless graphs: one community per node,
    modularity ``None``. This is the one community detection of catalyse: the suggestions' "would join two
    communities" and the map's clusters take the ``membership`` computed here (once per loaded graph, see
    `catalyse.workspace`); pass ``membership`` ({node: label}) to describe a partition computed before.

    Examples
    --------
    Two triangles joined by one tie:

    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> r = communities(G)
    >>> r["communities"], round(r["modularity"], 6)   # 2 * (3/7 - (7/14)^2)
    ([[1, 2, 3], [4, 5, 6]], 0.357143)
    """
    H = _simple(G, weight)
    if membership is not None:
        by_label: dict = {}
        for u in H:
            by_label.setdefault(membership[u], set()).add(u)
        comms = list(by_label.values())
    elif H.number_of_edges() == 0:
        comms = [{u} for u in H]
    elif H.number_of_edges() > LARGE_GRAPH_TIES and not H.is_directed():
        comms = _igraph_louvain(H, weight, resolution, seed)
    else:
        comms = nx.community.louvain_communities(H, weight=weight, resolution=resolution, seed=seed)
    if not H.number_of_edges():
        mod = None
    elif H.number_of_edges() > LARGE_GRAPH_TIES and not H.is_directed():  # igraph: the same formula, in C
        g, weights = _igraph(H, weight)
        label = {u: i for i, c in enumerate(comms) for u in c}
        mod = float(g.modularity([label[u] for u in H], weights=weights, resolution=resolution))
    else:
        mod = float(nx.community.modularity(H, comms, weight=weight, resolution=resolution))
    lists = [_sorted(c) for c in comms]
    order = {id(c): i for i, c in enumerate(_sorted_lists(lists))}
    lists.sort(key=lambda c: (-len(c), order[id(c)]))
    membership = {u: i for i, c in enumerate(lists) for u in c}
    return {
        "count": len(lists),
        "sizes": [len(c) for c in lists],
        "modularity": mod,
        "membership": membership,
        "communities": lists,
    }


# --------------------------------------------------------------------------------------------------------------
# per group, summary, yearly snapshots
# --------------------------------------------------------------------------------------------------------------
def by_group(G: nx.Graph, group: str = "sector") -> dict[Hashable, dict[str, Any]]:
    """Per-group breakdown ``{group value: {...}}`` (nodes having ``group`` only, groups sorted):

    ``members``; ``internal_ties`` (both ends in the group); ``external_ties`` (one end in another group);
    ``density`` (internal ties / possible ties among members: ``k(k-1)`` directed, ``k(k-1)/2`` undirected,
    ``None`` for ``k < 2``); ``ei_index`` (``(E - I)/(E + I)``, ``None`` without ties); ``mean_degree`` (mean
    number of ties to other attributed nodes, internal + external, per member); ``isolated_members`` (members
    with no tie at all in ``G``). Directed graphs count arcs in both directions.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)]); G.add_node(5)
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "y", 5: "y"}, "sector")
    >>> by_group(G)["y"]
    {'members': 3, 'internal_ties': 1, 'external_ties': 1, 'density': 0.3333333333333333, 'ei_index': 0.0, 'mean_degree': 1.0, 'isolated_members': 1}
    """
    H = _simple(G)
    g = _groups(H, group)
    members = Counter(g.values())
    internal, external = Counter[Hashable](), Counter[Hashable]()
    for u, v in H.edges():
        if u in g and v in g:
            if g[u] == g[v]:
                internal[g[u]] += 1
            else:
                external[g[u]] += 1
                external[g[v]] += 1
    isolated = Counter(g[u] for u in nx.isolates(H) if u in g)
    out = {}
    for k in _sorted(members):
        size = members[k]
        possible = size * (size - 1) if H.is_directed() else size * (size - 1) / 2
        i, e = internal[k], external[k]
        out[k] = {
            "members": size,
            "internal_ties": i,
            "external_ties": e,
            "density": _ratio(i, possible),
            "ei_index": _ratio(e - i, e + i),
            "mean_degree": (2 * i + e) / size,
            "isolated_members": isolated[k],
        }
    return out


def summary(
    G: nx.Graph,
    group: str = "sector",
    *,
    weight: str | None = "weight",
    seed: int | None = COMMUNITY_SEED,
    centralization: bool = True,
    membership: Mapping[Hashable, Hashable] | None = None,
    precomputed: Mapping[str, Any] | None = None,
    exact: bool = False,
    pivots: int = BETWEENNESS_PIVOTS,
) -> dict[str, Any]:
    """All whole-network measures in one plain dict (``None`` where undefined).

    Keys: ``nodes``, ``ties`` (pairs, or arcs if directed), ``directed``, ``mean_degree`` (mean number of
    ties per node, ``2m/n`` or ``m/n`` out-degree if directed), ``density``, ``components``, ``giant_share``,
    ``isolates``, ``average_clustering``, ``transitivity``, ``degree_centralization``,
    ``betweenness_centralization`` (sna, exact unless :func:`betweenness_is_large` or with ``exact=True``; else
    estimated from ``pivots`` sampled pivots by :func:`betweenness_centralization_sampled`, with the keys
    ``betweenness_centralization_pivots``, ``betweenness_centralization_se`` (standard error) and
    ``betweenness_centralization_bound`` (worst-case bound, 95%); ``centralization=False`` skips them, ``None``), ``reciprocity``, ``group`` (the attribute), ``groups`` (number of values), ``unassigned`` (nodes
    without the attribute), ``ei_index``, ``cross_group_share``, ``assortativity``, ``mixing`` (counts, see
    :func:`mixing_matrix`), ``communities`` and ``modularity`` (Louvain, seeded; or of the partition
    ``membership`` computed before, see :func:`communities`). ``precomputed`` ({key: value}) gives measures
    computed elsewhere on the same graph (``average_clustering`` and ``transitivity`` together,
    ``betweenness_centralization``, ``modularity``; e.g. inside Neo4j by `queries.gds`): they are not recomputed.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2), (2, 3), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "y"}, "sector")
    >>> s = summary(G)
    >>> s["nodes"], s["ties"], s["density"], s["ei_index"], s["components"]
    (4, 3, 0.5, -0.3333333333333333, 1)
    """
    H = _simple(G, weight)
    n, m = len(H), H.number_of_edges()
    comp = components(H)
    pre = dict(precomputed or {})
    clus = pre if {"average_clustering", "transitivity"} <= pre.keys() else clustering(H)
    mix = mixing_matrix(H, group)
    internal, external = _ei_counts(H, group)
    com = communities(H, weight=weight, seed=seed, membership=membership)
    if "modularity" in pre:
        com["modularity"] = pre["modularity"]
    g = _groups(H, group)
    bc = None
    if "betweenness_centralization" in pre:
        bc = {"value": pre["betweenness_centralization"]}
    elif centralization:
        if exact or not betweenness_is_large(H):
            bc = {"value": betweenness_centralization(H)}
        else:
            bc = betweenness_centralization_sampled(H, k=pivots, seed=seed)
    sampled = {}
    if bc and "k" in bc:
        sampled = {
            "betweenness_centralization_pivots": bc["k"],
            "betweenness_centralization_se": bc["standard_error"],
            "betweenness_centralization_bound": bc["error_bound"],
        }
    return {
        "nodes": n,
        "ties": m,
        "directed": H.is_directed(),
        "mean_degree": (m if H.is_directed() else 2 * m) / n if n else 0.0,
        "density": density(H),
        "components": comp["count"],
        "giant_share": comp["giant_share"],
        "isolates": comp["isolates"],
        "average_clustering": clus["average_clustering"],
        "transitivity": clus["transitivity"],
        "degree_centralization": degree_centralization(H) if centralization else None,
        "betweenness_centralization": bc["value"] if bc else None,
        "reciprocity": reciprocity(H),
        "group": group,
        "groups": len(mix["groups"]),
        "unassigned": n - len(g),
        "ei_index": _ratio(external - internal, external + internal),
        "cross_group_share": _ratio(external, external + internal),
        "assortativity": assortativity(H, group),
        "mixing": mix["counts"],
        "communities": com["count"],
        "modularity": com["modularity"],
        **sampled,
    }


def _igraph_louvain(H, weight, resolution, seed):
    """Louvain (igraph's ``community_multilevel``, C) for graphs above :data:`LARGE_GRAPH_TIES` ties, seeded
    through Python's `random` (igraph's default generator): deterministic, but not networkx's partition. The
    graph's ties go to :func:`louvain_pairs` (the code path of the partitions computed on a store's arrays)."""
    g, weights = _igraph(H, weight)
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    clusters = louvain_pairs(len(H), edges[:, 0], edges[:, 1], w, resolution=resolution, seed=seed)
    nodes = list(H)
    return [{nodes[i] for i in c} for c in clusters]


def louvain_pairs(
    n: int,
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray | None,
    *,
    resolution: float = 1.0,
    seed: int | None = COMMUNITY_SEED,
) -> list[list[int]]:
    """Louvain communities (igraph's ``community_multilevel``, seeded) of the simple undirected graph on nodes
    ``0 … n-1`` whose ties are the pairs ``(u[i], v[i])`` (each once, no self-loop) weighing ``w[i]`` (None:
    unweighted), as sorted lists of nodes, ordered as :func:`communities` orders them (largest first, then by
    their members). The pairs are taken in ``(min, max)`` order, so the partition depends on the ties only, not
    on the order they come in: the graph path (:func:`communities` above :data:`LARGE_GRAPH_TIES` ties) and the
    store's arrays (`catalyse.workspace.Network.partition`) give the same partition.

    Examples
    --------
    Two triangles joined by one tie (the same partition whatever the order of the pairs):

    >>> u, v = np.array([0, 1, 0, 3, 4, 3, 2]), np.array([1, 2, 2, 4, 5, 5, 3])
    >>> louvain_pairs(6, u, v, None), louvain_pairs(6, v[::-1], u[::-1], None)
    ([[0, 1, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 5]])
    """
    import random

    import igraph

    lo, hi = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((hi, lo))
    g = igraph.Graph(n=n)
    g.add_edges(np.column_stack((lo[order], hi[order])))
    weights = None if w is None else np.asarray(w, dtype=np.float64)[order].tolist()
    state = random.getstate()
    random.seed(seed)
    try:
        clusters = g.community_multilevel(weights=weights, resolution=resolution)
    finally:
        random.setstate(state)
    lists = [sorted(c) for c in clusters]
    order_of = {id(c): i for i, c in enumerate(sorted(lists))}
    lists.sort(key=lambda c: (-len(c), order_of[id(c)]))
    return lists


def _sorted_lists(lists):
    try:
        return sorted(lists)
    except TypeError:
        return sorted(lists, key=lambda c: [(type(x).__name__, str(x)) for x in c])


def _year(iso):
    return int(str(iso)[:4])


def snapshot(G: nx.Graph, year: int) -> nx.Graph:
    """The ties active in calendar year ``year``, as a simple graph over *all* nodes of ``G`` (like
    ``tie_graph(as_of=...)``, organisations without ties that year stay as isolates).

    A tie counts in year Y if it started on or before 31 Dec Y and had not ended before 1 Jan Y; a tie without
    ``start`` counts from the beginning, one without ``end`` is still active. Dates are ISO strings
    (``YYYY-MM-DD``; a bare ``YYYY`` or ``YYYY-MM`` compares by its prefix). On the simple tie graph ``start``
    is the earliest start of the pair and there is no ``end`` (a pair counts from its first tie on); use the
    multigraph view (``multigraph=True``) to honour each tie's own start and end. Parallel ties active the
    same year are merged, weights summed.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiGraph()
    >>> G.add_edge("a", "b", start="2019-05-01", end="2020-06-30")
    0
    >>> G.add_edge("b", "c", start="2021-01-01")
    0
    >>> G.add_edge("a", "c")   # no dates: always there
    0
    >>> [sorted(map(sorted, snapshot(G, y).edges())) for y in (2018, 2020, 2021)]
    [[['a', 'c']], [['a', 'b'], ['a', 'c']], [['a', 'c'], ['b', 'c']]]
    """
    lo, hi = f"{int(year):04d}-01-01", f"{int(year):04d}-12-31"
    if G.is_multigraph():
        H = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    else:
        H = nx.DiGraph() if G.is_directed() else nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    H.graph.update(G.graph)
    for u, v, d in G.edges(data=True):
        start, end = d.get("start"), d.get("end")
        if start is not None and str(start)[:10] > hi:
            continue
        if end is not None and str(end)[:10] < lo[: len(str(end)[:10])]:
            continue
        H.add_edge(u, v, **d)
    return _simple(H)


def by_year(
    G: nx.Graph, years: Iterable[int] | None = None, group: str = "sector", **kwargs: Any
) -> dict[int, dict[str, Any]]:
    """:func:`summary` of each yearly :func:`snapshot`, ``{year: summary}``, to follow how a territory's ties
    grow and cross sectors ("collective maturity").

    ``years`` defaults to every year from the earliest to the latest ``start``/``end`` year found on the ties
    (empty dict when no tie is dated). ``kwargs`` go to :func:`summary`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_nodes_from([(1, {"sector": "x"}), (2, {"sector": "x"}), (3, {"sector": "y"})])
    >>> G.add_edge(1, 2, start="2019-03-01")
    >>> G.add_edge(2, 3, start="2021-09-15")
    >>> r = by_year(G)
    >>> [(y, s["ties"], s["cross_group_share"]) for y, s in r.items()]
    [(2019, 1, 0.0), (2020, 1, 0.0), (2021, 2, 0.5)]
    """
    if years is None:
        found = [_year(d[k]) for _, _, d in G.edges(data=True) for k in ("start", "end") if d.get(k)]
        years = range(min(found), max(found) + 1) if found else []
    return {int(y): summary(snapshot(G, y), group, **kwargs) for y in years}


# --------------------------------------------------------------------------------------------------------------
# table rows for the CLI
# --------------------------------------------------------------------------------------------------------------
_YES = {"fr": ("oui", "non"), "en": ("yes", "no")}


def _lab(key, lang):
    return measure_label(key, lang)


def _fmt(x, lang, digits):
    if x is None:
        return "–"
    if isinstance(x, bool):
        return _YES[lang][0] if x else _YES[lang][1]
    if isinstance(x, float):
        return round(x, digits)
    return x


def _group_label(group, value, lang):
    if group == "sector":
        try:
            from catalyse.graphcore.vocab import label

            return label("sector", value, lang=lang)
        except Exception:  # unknown code: show it verbatim
            return str(value)
    return str(value)


#: The keys of :func:`summary` shown by :func:`summary_rows`, in order.
_SUMMARY_KEYS = (
    "nodes", "ties", "directed", "mean_degree", "density", "components", "giant_share", "isolates",
    "average_clustering", "transitivity", "degree_centralization", "betweenness_centralization",
    "betweenness_centralization_pivots", "betweenness_centralization_se", "betweenness_centralization_bound",
    "reciprocity", "group", "groups", "unassigned", "ei_index", "cross_group_share", "assortativity", "communities", "modularity",
)  # fmt: skip


def summary_rows(summary: Mapping[str, Any], lang: str = "fr", *, digits: int = 4) -> list[list[Any]]:
    """``[[measure, value], ...]`` rows (header first) from :func:`summary`, French labels by default,
    ``lang="en"`` for English; undefined values shown as ``–``. The mixing matrix is left out (see
    :func:`by_group_rows`).

    Examples
    --------
    >>> import networkx as nx
    >>> rows = summary_rows(summary(nx.path_graph(3)), lang="fr")
    >>> rows[0], rows[1], rows[5]
    (['Mesure', 'Valeur'], ['Organisations', 3], ['Densité', 0.6667])
    >>> summary_rows(summary(nx.path_graph(3)), lang="en")[5]
    ['Density', 0.6667]
    """
    rows = [[_lab("measure", lang), _lab("value", lang)]]
    for k in _SUMMARY_KEYS:
        if k in summary:
            rows.append([_lab(k, lang), _fmt(summary[k], lang, digits)])
    return rows


#: The columns of :func:`by_group_rows` and the default columns of :func:`by_year_rows`.
BY_GROUP_KEYS = ("members", "internal_ties", "external_ties", "density", "ei_index", "mean_degree", "isolated_members")
BY_YEAR_KEYS = (
    "ties",
    "density",
    "components",
    "giant_share",
    "ei_index",
    "cross_group_share",
    "assortativity",
    "modularity",
)


def by_group_rows(
    groups: Mapping[Hashable, Mapping[str, Any]], lang: str = "fr", *, group: str = "sector", digits: int = 4
) -> list[list[Any]]:
    """Rows (header first) from :func:`by_group`; sector codes shown with their French/English labels.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([(1, 2)]); nx.set_node_attributes(G, "association", "sector")
    >>> by_group_rows(by_group(G), lang="en")[1]
    ['Association', 2, 1, 0, 1.0, -1.0, 1.0, 0]
    """
    keys = BY_GROUP_KEYS
    rows = [[_lab("group_value", lang)] + [_lab(k, lang) for k in keys]]
    for value, rec in groups.items():
        rows.append([_group_label(group, value, lang)] + [_fmt(rec[k], lang, digits) for k in keys])
    return rows


def by_year_rows(
    years: Mapping[int, Mapping[str, Any]],
    lang: str = "fr",
    *,
    keys: Sequence[str] = BY_YEAR_KEYS,
    digits: int = 4,
) -> list[list[Any]]:
    """Rows (header first, one row per year) from :func:`by_year`, French labels by default.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph(); G.add_edge(1, 2, start="2020-01-01")
    >>> by_year_rows(by_year(G), lang="en", keys=("ties", "density"))
    [['Year', 'Ties', 'Density'], [2020, 1, 1.0]]
    """
    rows = [[_lab("year", lang)] + [_lab(k, lang) for k in keys]]
    for y, s in years.items():
        rows.append([y] + [_fmt(s[k], lang, digits) for k in keys])
    return rows

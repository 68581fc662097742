"""Burt's structural-hole measures: constraint, effective size, efficiency and hierarchy (weighted).

An organisation spanning *structural holes* is tied to partners that are not tied to each other: it can broker
between them. Burt measures this from each organisation's ego network [1]_ [2]_:

* **constraint** ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2`` over the contacts ``j`` of ``i`` (high: all
  partners know each other; low: ``i`` spans holes);
* **effective size** ``e_i = sum_j (1 - sum_q p_iq m_jq)`` (number of contacts minus their redundancy);
* **efficiency** ``e_i / N_i`` with ``N_i`` the number of contacts;
* **hierarchy** ``h_i = sum_j (r_ij ln r_ij) / (N_i ln N_i)`` with ``r_ij = c_ij / (c_i / N_i)``: how much of
  the constraint is concentrated on a single contact (0: spread evenly, 1: all on one) [1]_.

Conventions (the graphs are those of ``docs/graphs.md``):

* ``p_ij = (a_ij + a_ji) / sum_k (a_ik + a_ki)`` is the *proportional tie strength* built from the mutual
  weight of the ties joining ``i`` and ``j`` in either direction (``a`` = edge attribute ``weight``, 1 when
  absent or when ``weight=None``); ``m_jq = (a_jq + a_qj) / max_k (a_jk + a_kj)``. Contacts are the in- and
  out-neighbours. This is networkx's definition (:func:`networkx.constraint`, :func:`networkx.local_constraint`,
  :func:`networkx.effective_size`) and igraph's ``Graph.constraint(weights=...)``: on graphs without
  self-loops all three agree to rounding, for directed and undirected, weighted and unweighted graphs
  (checked in ``tests/queries/test_structural_holes.py``). Multigraphs: parallel ties are summed.
* **Self-loops are ignored.** networkx counts a self-loop in ``p`` (its weight enters the denominator and
  ``p_ii`` enters the sums) and igraph does too, differently; a tie to oneself is not a contact in Burt's
  sense, so we drop it. Our values equal networkx's on ``G`` with its self-loops removed.
* **Isolates** (no contact other than itself): networkx and igraph return NaN. We return NaN-free values by
  explicit choice: effective size ``0`` (no contact), and ``isolate_value`` (default ``0.0``, the empty sum
  over no contacts) for constraint, efficiency and hierarchy. Pass ``isolate_value=float("nan")`` to get
  networkx's behaviour. A 0 constraint on an isolate is *not* brokerage: filter isolates (``contacts == 0``,
  reported by :func:`burt_measures`) before ranking brokers.
* Hierarchy with a single contact is ``1`` (``0/0`` in the formula; all the constraint comes from one contact,
  which is the limit of the index when the constraint concentrates on one contact; same convention as the
  sketch in networkx PR #8905).
* **Effective size follows Burt and networkx's per-node code path** (``nx.effective_size(G, nodes=list(G))``),
  ``m_jq`` normalised by ``j``'s own maximum. networkx 3.6's default all-nodes sparse path divides by the
  maximum of ``q`` instead (a broadcasting bug; one-line fix proposed in networkx PR #8906, open when this was written), so on weighted or directed graphs
  ``nx.effective_size(G)`` differs from ours and from ``nx.effective_size(G, nodes=list(G))``; unweighted
  undirected graphs are unaffected. Constraint is unaffected (both networkx paths agree with igraph).
* Efficiency divides by the number of distinct contacts ``N_i`` (Burt), not by ``G.degree`` (which counts a
  reciprocated pair of arcs twice).
* Weights must be positive finite numbers (``ValueError`` otherwise): a zero weight would make a contact with
  ``p_ij = 0``, which networkx's two code paths treat differently.

Implementation: the graph is read once into numpy arrays of unordered ties ``(i, j, w_ij)`` with mutual
weights ``w`` (C-level iterators over networkx's adjacency; :func:`mutual_weight_matrix` gives the same data as a
symmetric scipy sparse matrix ``W``). With strengths ``s_i = sum_j w_ij``, ``p_ij = w_ij / s_i`` and the local
constraint is ``c_ij = ((w_ij + T1_ij) / s_i)^2``; the redundancy of ``j`` for ``i`` is ``T2_ij / (s_i max_j)``,
where ``T1_ij = sum_q w_iq w_qj / s_q`` and ``T2_ij = sum_q w_iq w_qj`` are the entries of the sparse products
``W diag(1/s) W`` and ``W W`` restricted to existing ties, i.e. sums over the triangles containing the tie.
Triangles are listed once each with a degree-ordered orientation (Chiba and Nishizeki [3]_), vectorised with
numpy and processed in chunks of bounded size, so time and memory grow with the ties and forward wedges, never
with ``n^2`` (networkx's ``effective_size`` builds a dense ``n x n`` matrix: 75 GB at 100,000 nodes). No
per-node Python loop on the hot path. ``bench/bench_structural_holes.py`` compares with networkx and igraph.

References
----------
.. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition.* Harvard University Press.
.. [2] Burt, R. S. (2004). Structural holes and good ideas. *American Journal of Sociology* 110(2): 349-399.
.. [3] Chiba, N. and Nishizeki, T. (1985). Arboricity and subgraph listing algorithms. *SIAM Journal on
       Computing* 14(1): 210-223.

Examples
--------
A star: the centre spans holes between its three partners, who each depend entirely on it.

>>> import networkx as nx
>>> G = nx.star_graph(3)
>>> constraint(G)
{0: 0.3333333333333333, 1: 1.0, 2: 1.0, 3: 1.0}
>>> effective_size(G)
{0: 3.0, 1: 1.0, 2: 1.0, 3: 1.0}
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from itertools import chain, compress
from operator import itemgetter, methodcaller
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from catalyse.i18n import measure_label
from catalyse.queries._triangles import WEDGE_CHUNK, forward_triangles

__all__ = [
    "constraint",
    "local_constraint",
    "effective_size",
    "efficiency",
    "hierarchy",
    "burt_measures",
    "burt_arrays",
    "mutual_weight_matrix",
    "holes_rows",
]

# Upper bound on the number of candidate wedges materialised at once when listing triangles (memory ~ 40 bytes per
# wedge, see queries._triangles); a module attribute so that tests can force tiny chunks.
_CHUNK = WEDGE_CHUNK


# --------------------------------------------------------------------------------------------------------------
# graph -> symmetric mutual-weight matrix
# --------------------------------------------------------------------------------------------------------------
def _ties(G, weight="weight"):
    """``(nodes, u, v, w)``: one entry per unordered pair ``u < v`` (node positions in ``nodes = list(G)``) with
    its mutual weight (both directions and parallel ties summed); self-loops dropped; weights validated.

    Reads the adjacency with C-level iterators (``map``/``chain``/``np.fromiter``); for simple undirected graphs
    each tie's data is read once (``itertools.compress`` on the ``u < v`` half).
    """
    nodes = list(G)
    n = len(nodes)
    index = {u: i for i, u in enumerate(nodes)}
    adj = G._adj if not G.is_directed() else G._succ  # dict-of-dicts (or filtered views) of the graph
    nbr_maps = list(adj.values())
    lengths = np.fromiter(map(len, nbr_maps), dtype=np.int64, count=n)
    total = int(lengths.sum())
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    cols = np.fromiter(map(index.__getitem__, chain.from_iterable(nbr_maps)), dtype=np.int64, count=total)
    if G.is_directed():
        sel = rows != cols  # every arc, self-loops dropped
    else:
        sel = rows < cols  # each undirected tie appears twice in the adjacency: keep one copy (drops loops too)
    count = int(sel.sum())

    def datas():
        return compress(chain.from_iterable(map(methodcaller("values"), nbr_maps)), sel.tolist())

    if G.is_multigraph():
        if weight is None:
            vals = np.fromiter(map(len, datas()), dtype=float, count=count)
        else:
            getw = methodcaller("get", weight, 1)
            vals = np.fromiter((sum(map(getw, keyd.values())) for keyd in datas()), dtype=float, count=count)
    elif weight is None:
        vals = np.ones(count)
    else:
        try:  # fast path: every edge carries the attribute
            vals = np.fromiter(map(itemgetter(weight), datas()), dtype=float, count=count)
        except KeyError:
            vals = np.fromiter(map(methodcaller("get", weight, 1), datas()), dtype=float, count=count)
    if count and not (np.all(np.isfinite(vals)) and vals.min() > 0):
        raise ValueError(f"edge weights {weight!r} must be positive finite numbers")
    u, v = rows[sel], cols[sel]
    if G.is_directed():  # a->b and b->a are one pair: canonical order, then sum duplicates
        u, v = np.minimum(u, v), np.maximum(u, v)
        keys, inverse = np.unique(u * n + v, return_inverse=True)
        vals = np.bincount(inverse, vals, minlength=len(keys))
        u, v = keys // n, keys % n
    return nodes, u, v, vals


def mutual_weight_matrix(G: nx.Graph, weight: str | None = "weight") -> tuple[list[Hashable], sp.csr_array]:
    """Return ``(nodes, W)``: the node list and the symmetric CSR matrix of mutual tie weights.

    ``W[i, j] = a_ij + a_ji`` for directed graphs and ``a_ij`` for undirected ones (a factor 2 would cancel in
    every Burt measure), parallel edges summed, self-loops dropped. Row ``i`` is ``nodes[i]`` (``list(G)``).

    Examples
    --------
    >>> import networkx as nx
    >>> D = nx.DiGraph([("a", "b", {"weight": 2.0}), ("b", "a", {"weight": 1.0}), ("b", "b", {})])
    >>> nodes, W = mutual_weight_matrix(D)
    >>> nodes, W.toarray().tolist()
    (['a', 'b'], [[0.0, 3.0], [3.0, 0.0]])
    """
    nodes, u, v, w = _ties(G, weight)
    n = len(nodes)
    W = sp.csr_array((np.concatenate((w, w)), (np.concatenate((u, v)), np.concatenate((v, u)))), shape=(n, n))
    W.sum_duplicates()
    W.sort_indices()
    return nodes, W


# --------------------------------------------------------------------------------------------------------------
# core: triangle sums on the mutual-weight matrix
# --------------------------------------------------------------------------------------------------------------
def _triangle_sums(u, v, w, s, n):
    """For every tie ``e = (u[e], v[e])`` return ``T1[e] = sum_q w_uq w_qv / s_q`` and ``T2[e] = sum_q w_uq w_qv``.

    Each triangle is listed once by :func:`queries._triangles.forward_triangles` (degree-ordered forward
    algorithm, at most ``O(m^1.5)`` candidate wedges, in chunks of at most ``_CHUNK``) and adds, to each of its
    three ties, the product of the two other ties' weights (divided by the strength of the third vertex for
    ``T1``). The sums are accumulated chunk by chunk in the helper's deterministic order.
    """
    m = len(u)
    T1 = np.zeros(m)
    T2 = np.zeros(m)
    for a, b, c, e_ab, e_bc, e_ac in forward_triangles(u, v, n, chunk=_CHUNK):
        w_ab, w_bc, w_ac = w[e_ab], w[e_bc], w[e_ac]
        # for each tie of the triangle, the product of the two other ties (through the third vertex)
        idx = np.concatenate((e_ab, e_ac, e_bc))
        prod = np.concatenate((w_bc * w_ac, w_ab * w_bc, w_ab * w_ac))
        third = np.concatenate((c, b, a))
        T2 += np.bincount(idx, prod, minlength=m)
        T1 += np.bincount(idx, prod / s[third], minlength=m)
    return T1, T2


def burt_arrays(W: sp.sparray | sp.spmatrix, *, isolate_value: float = 0.0) -> dict[str, np.ndarray]:
    """Burt's measures from a symmetric sparse mutual-weight matrix (see :func:`mutual_weight_matrix`).

    Returns a dict of numpy arrays indexed like ``W``'s rows: ``constraint``, ``effective_size``,
    ``efficiency``, ``hierarchy``, ``contacts`` (number of contacts ``N_i``) and ``strength`` (``s_i``).
    The diagonal of ``W`` is ignored; ``W`` must be symmetric with positive entries.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> W = sp.csr_array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])  # a triangle
    >>> r = burt_arrays(W)
    >>> r["constraint"].tolist(), r["effective_size"].tolist()
    ([1.125, 1.125, 1.125], [1.0, 1.0, 1.0])
    """
    W = sp.triu(sp.coo_array(W), k=1).tocoo()
    W.sum_duplicates()
    return _burt(W.shape[0], W.row.astype(np.int64), W.col.astype(np.int64), W.data.astype(float), isolate_value)


def _burt(n, u, v, w, isolate_value=0.0):
    """Burt's measures from the unordered ties ``u < v`` with mutual weights ``w`` over ``n`` nodes."""
    s = np.bincount(u, w, minlength=n) + np.bincount(v, w, minlength=n)
    deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    mx = np.zeros(n)
    np.maximum.at(mx, u, w)
    np.maximum.at(mx, v, w)
    T1, T2 = _triangle_sums(u, v, w, s, n)
    iso = deg == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        # local constraints c_uv = ((w + T1) / s_u)^2 and c_vu = ((w + T1) / s_v)^2
        lc_u = ((w + T1) / s[u]) ** 2
        lc_v = ((w + T1) / s[v]) ** 2
        con = np.bincount(u, lc_u, minlength=n) + np.bincount(v, lc_v, minlength=n)
        # redundancy of v for u: sum_q p_uq m_vq = T2 / (s_u mx_v)
        red = np.bincount(u, T2 / (s[u] * mx[v]), minlength=n) + np.bincount(v, T2 / (s[v] * mx[u]), minlength=n)
        esize = deg - red
        eff = esize / deg
        # hierarchy: r_uv = c_uv N_u / C_u
        r_u = lc_u * deg[u] / con[u]
        r_v = lc_v * deg[v] / con[v]
        hsum = np.bincount(u, r_u * np.log(r_u), minlength=n) + np.bincount(v, r_v * np.log(r_v), minlength=n)
        nlogn = deg * np.log(np.where(deg > 0, deg, 1))
        hier = np.where(nlogn > 0, hsum / np.where(nlogn > 0, nlogn, 1), 1.0)  # one contact: 1
    con[iso] = isolate_value
    esize[iso] = 0.0
    eff[iso] = isolate_value
    hier[iso] = isolate_value
    return {
        "constraint": con,
        "effective_size": esize,
        "efficiency": eff,
        "hierarchy": hier,
        "contacts": deg,
        "strength": s,
    }


# --------------------------------------------------------------------------------------------------------------
# public API over networkx graphs
# --------------------------------------------------------------------------------------------------------------
def burt_measures(
    G: nx.Graph, *, weight: str | None = "weight", nodes: Iterable[Hashable] | None = None, isolate_value: float = 0.0
) -> dict[str, dict[Hashable, float]]:
    """All of Burt's measures at once (one pass), as ``{measure: {node: value}}``.

    Parameters
    ----------
    G : networkx graph
        Directed or undirected, simple or multi; see the module notes for the conventions.
    weight : str or None, optional
        Edge attribute holding the tie strength (1 when absent). ``None``: every tie counts 1.
    nodes : iterable, optional
        Restrict the returned dicts to these nodes (the computation is global anyway).
    isolate_value : float, optional
        Constraint, efficiency and hierarchy of an isolate (default ``0.0``; ``float("nan")`` as networkx).

    Returns
    -------
    dict
        ``constraint``, ``effective_size``, ``efficiency``, ``hierarchy`` (floats) and ``contacts`` (int:
        distinct neighbours other than itself), each ``{node: value}``.

    Examples
    --------
    Ego ``e`` with partners ``a``, ``b``, ``c`` where only ``a``-``b`` are tied (unweighted)::

        p_e* = 1/3; p_a* = p_b* = 1/2; p_ce = 1
        c_ea = (1/3 + p_eb p_ba = 1/3 * 1/2)^2 = 1/4 = c_eb ; c_ec = (1/3)^2 = 1/9 -> C_e = 11/18
        effective size e = 3 - 2t/n = 3 - 2/3 = 7/3 (Borgatti), efficiency 7/9

    >>> import networkx as nx
    >>> G = nx.Graph([("e", "a"), ("e", "b"), ("e", "c"), ("a", "b")])
    >>> r = burt_measures(G, nodes=["e"])
    >>> round(r["constraint"]["e"], 12), round(r["effective_size"]["e"], 12), round(r["efficiency"]["e"], 12)
    (0.611111111111, 2.333333333333, 0.777777777778)
    """
    return _measures(G, weight, nodes, isolate_value, _NAMES)


_NAMES = ("constraint", "effective_size", "efficiency", "hierarchy", "contacts")


def _measures(G, weight, nodes, isolate_value, names):
    node_list, u, v, w = _ties(G, weight)
    arrs = _burt(len(node_list), u, v, w, isolate_value)
    if nodes is None:
        idx = None
        keys = node_list
    else:
        pos = {u: i for i, u in enumerate(node_list)}
        keys = list(nodes)
        idx = np.fromiter((pos[u] for u in keys), dtype=np.int64, count=len(keys))
    out = {}
    for name in names:
        a = arrs[name] if idx is None else arrs[name][idx]
        out[name] = dict(zip(keys, a.tolist()))
    return out


def constraint(
    G: nx.Graph, *, weight: str | None = "weight", nodes: Iterable[Hashable] | None = None, isolate_value: float = 0.0
) -> dict[Hashable, float]:
    """Burt's constraint ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2`` over the contacts ``j`` of each node [1]_.

    Equal to :func:`networkx.constraint` and igraph's ``Graph.constraint`` on graphs without self-loops (see the
    module notes: self-loops ignored, isolates get ``isolate_value``).

    Parameters
    ----------
    G : networkx graph
    weight : str or None, optional
        Tie-strength attribute (default ``"weight"``, 1 when absent); ``None`` for unweighted.
    nodes : iterable, optional
        Nodes to return (default all).
    isolate_value : float, optional
        Value for isolates (default ``0.0``).

    Returns
    -------
    dict
        ``{node: constraint}``; between ``1/N`` (N unconnected contacts) and about ``1.125`` (dense triads).

    References
    ----------
    .. [1] Burt, R. S. (2004). Structural holes and good ideas. *American Journal of Sociology* 110: 349-399.

    Examples
    --------
    Path ``a - b - c``: ``p_ab = 1``, ``p_ba = p_bc = 1/2``, no triangles, so ``c_a = 1`` and
    ``c_b = 1/4 + 1/4``. A heavier tie concentrates constraint: with ``w_bc = 3``, ``p_bc = 3/4``,
    ``c_b = (1/4)^2 + (3/4)^2 = 0.625``.

    >>> import networkx as nx
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> constraint(G)
    {'a': 1.0, 'b': 0.5, 'c': 1.0}
    >>> G["b"]["c"]["weight"] = 3
    >>> constraint(G)["b"]
    0.625
    """
    return _measures(G, weight, nodes, isolate_value, ("constraint",))["constraint"]


def effective_size(
    G: nx.Graph, *, weight: str | None = "weight", nodes: Iterable[Hashable] | None = None
) -> dict[Hashable, float]:
    """Burt's effective size ``e_i = sum_j (1 - sum_q p_iq m_jq)`` (non-redundant contacts) [1]_.

    Equal to :func:`networkx.effective_size` on graphs without self-loops; isolates get ``0`` (no contact)
    where networkx gives NaN. Unweighted undirected graphs reduce to Borgatti's ``n - 2t/n`` [2]_.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes.* Harvard University Press, ch. 1.
    .. [2] Borgatti, S. P. (1997). Structural holes: unpacking Burt's redundancy measures. *Connections*
           20(1): 35-38.

    Examples
    --------
    Triangle plus a pendant ``d`` on ``a``: ``a`` has 3 contacts and one tie among them (b-c), so
    ``e_a = 3 - 2*1/3``; ``b`` has 2 contacts tied together: ``2 - 2*1/2 = 1``.

    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "d")])
    >>> G.add_node("z")
    >>> {k: round(x, 12) for k, x in effective_size(G).items()}
    {'a': 2.333333333333, 'b': 1.0, 'c': 1.0, 'd': 1.0, 'z': 0.0}
    """
    return _measures(G, weight, nodes, 0.0, ("effective_size",))["effective_size"]


def efficiency(
    G: nx.Graph, *, weight: str | None = "weight", nodes: Iterable[Hashable] | None = None, isolate_value: float = 0.0
) -> dict[Hashable, float]:
    """Burt's efficiency: effective size divided by the number of distinct contacts [1]_.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes.* Harvard University Press, p. 53.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "d")])
    >>> round(efficiency(G)["a"], 12)  # (3 - 2/3) / 3
    0.777777777778
    """
    return _measures(G, weight, nodes, isolate_value, ("efficiency",))["efficiency"]


def hierarchy(
    G: nx.Graph, *, weight: str | None = "weight", nodes: Iterable[Hashable] | None = None, isolate_value: float = 0.0
) -> dict[Hashable, float]:
    """Burt's hierarchy: concentration of a node's constraint on its contacts [1]_.

    ``h_i = sum_j r_ij ln r_ij / (N_i ln N_i)`` with ``r_ij = c_ij / (C_i / N_i)`` (Coleman–Theil disorder
    index of the local constraints ``c_ij``); ``0`` when constraint is spread evenly, close to 1 when it all
    comes from one contact (``1`` by convention for a single contact, where the formula is ``0/0``). Neither networkx nor igraph implement it; tests
    check hand-computed values.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes.* Harvard University Press, pp. 70-71.

    Examples
    --------
    Path ``a - b - c`` with ``w_bc = 3``: ``c_ba = 1/16``, ``c_bc = 9/16``, ``C_b = 10/16``, ``N_b = 2``, so
    ``r = (0.2, 1.8)`` and ``h_b = (0.2 ln 0.2 + 1.8 ln 1.8) / (2 ln 2)``.

    >>> import math, networkx as nx
    >>> G = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 3})])
    >>> h = hierarchy(G)
    >>> abs(h["b"] - (0.2 * math.log(0.2) + 1.8 * math.log(1.8)) / (2 * math.log(2))) < 1e-12, h["a"]
    (True, 1.0)
    """
    return _measures(G, weight, nodes, isolate_value, ("hierarchy",))["hierarchy"]


def local_constraint(G: nx.Graph, u: Hashable, v: Hashable, *, weight: str | None = "weight") -> float:
    """Local constraint ``c_uv = (p_uv + sum_q p_uq p_qv)^2`` of ``v`` on ``u`` (networkx's definition, self-loops
    ignored). Computed on the two ego networks only: suitable for single pairs, not for whole graphs.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("e", "a"), ("e", "b"), ("e", "c"), ("a", "b")])
    >>> local_constraint(G, "e", "a")  # (1/3 + 1/3 * 1/2)^2
    0.25
    """

    def mutual(x, y):
        if x == y:
            return 0.0
        tot = 0.0
        for src, dst in ((x, y), (y, x)) if G.is_directed() else ((x, y),):
            if G.has_edge(src, dst):
                if G.is_multigraph():
                    tot += sum(1 if weight is None else d.get(weight, 1) for d in G[src][dst].values())
                else:
                    tot += 1 if weight is None else G[src][dst].get(weight, 1)
        return float(tot)

    def contacts(x):
        return set(nx.all_neighbors(G, x)) - {x}

    def p(x, y):
        s = sum(mutual(x, z) for z in contacts(x))
        return 0.0 if s == 0 else mutual(x, y) / s

    indirect = sum(p(u, q) * p(q, v) for q in contacts(u) if q != v)
    return (p(u, v) + indirect) ** 2


# --------------------------------------------------------------------------------------------------------------
# table rows for the CLI
# --------------------------------------------------------------------------------------------------------------


def holes_rows(
    measures: Mapping[str, Mapping[Hashable, float]],
    lang: str = "fr",
    *,
    sort_by: str = "constraint",
    names: Mapping[Hashable, str] | None = None,
    digits: int = 4,
) -> list[list[Any]]:
    """Table rows (header first) from :func:`burt_measures`, French labels by default (``lang="en"``).

    Rows are sorted by increasing ``sort_by`` (lowest constraint = strongest broker first); isolates last.
    ``names`` optionally maps node ids to display names.

    Examples
    --------
    >>> import networkx as nx
    >>> rows = holes_rows(burt_measures(nx.star_graph(2)), lang="en", digits=3)
    >>> rows[0]
    ['Organisation', 'Constraint', 'Effective size', 'Efficiency', 'Hierarchy', 'Contacts']
    >>> rows[1]
    ['0', 0.5, 2.0, 1.0, 0.0, 2]
    """
    cols = ["constraint", "effective_size", "efficiency", "hierarchy", "contacts"]
    rows = [[measure_label("node", lang)] + [measure_label(c, lang) for c in cols]]
    con = measures["contacts"]
    key_vals = measures[sort_by]

    def key(n):
        x = key_vals[n]
        return (con[n] == 0, math.inf if x != x else x, str(n))

    for n in sorted(con, key=key):
        label = names.get(n, str(n)) if names else str(n)
        row: list[Any] = [label]
        for c in cols:
            x = measures[c][n]
            row.append(x if c == "contacts" else round(float(x), digits))
        rows.append(row)
    return rows

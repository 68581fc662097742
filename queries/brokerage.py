"""Gould–Fernandez brokerage roles, counted exactly with sparse matrices.

A node ``b`` *brokers* an open two-path ``a → b → c`` when ``a``, ``b`` and ``c`` are distinct and there is no
arc ``a → c``. Gould and Fernandez [1]_ classify every such path by the groups of its three nodes (here, by
default, the organisation's ``sector``, see ``docs/graphs.md``):

================== ========= =================================== ==============================
role (key)         sna name  groups of ``a → b → c``             French label
================== ========= =================================== ==============================
``coordinator``    ``w_I``   all three in the same group          coordinateur
``itinerant``      ``w_O``   ``a``, ``c`` together, ``b`` apart   itinérant (consultant)
``representative`` ``b_IO``  ``b`` in ``a``'s group, ``c`` apart  représentant
``gatekeeper``     ``b_OI``  ``b`` in ``c``'s group, ``a`` apart  portier (gatekeeper)
``liaison``        ``b_O``   three different groups              agent de liaison
``total``          ``t``     all open two-paths through ``b``
================== ========= =================================== ==============================

The representative sends its own group's ties *out*, the gatekeeper lets outside ties *in*. This is the naming of
[1]_ and of the code and comments of R's ``sna::brokerage`` [2]_ (whose help page swaps the two descriptions).

Counts, expectations, standard deviations and z-scores are those of ``sna::brokerage`` (version 2.7-1): the same
raw counts, and the same null model — a Bernoulli digraph with the observed density
``d = m / (N (N - 1))`` and the observed group sizes — with sna's closed-form expectations and (approximate)
variances, per node, per group and for the whole graph. Where sna divides by a zero standard deviation (a group of
size 1 or 2, an empty or complete graph) the z-score is ``nan`` (0/0) or ``±inf``, exactly as in R.

Conventions
-----------
* Ties are binary: weights, multiple edges and edge attributes are ignored (a multigraph counts one arc per
  ordered pair). **Self-loops are ignored**, both for the paths and for the density ``m``; give sna a loop-free
  graph to compare (sna counts loops in ``m``).
* Directed graphs are used as they are. In catalyse's directed tie graph an undirected tie is two arcs, so a
  two-path may run through reciprocated ties.
* **Undirected graphs**: each open path ``a – b – c`` (``a`` and ``c`` not adjacent) is counted **once per
  unordered pair of endpoints** ``{a, c}``. The two orientations of a path with exactly one endpoint in ``b``'s
  group are one representative and one gatekeeper path of the symmetric digraph; undirected, they are a single
  role, reported under ``representative`` (and there is no ``gatekeeper`` key): "``b`` links its group to one
  outsider". Every undirected count is exactly half the count sna gives for the symmetric digraph
  (``G.to_directed()``), and ``representative = (b_IO + b_OI) / 2 = b_IO = b_OI`` of that digraph.
  Expectations and standard deviations are sna's for the symmetric digraph, halved the same way (``d`` is then
  the undirected density ``2|E| / (N (N - 1))``). The expectations are exact for an undirected Bernoulli graph
  with edge probability ``d``; the standard deviations keep sna's independent-arc approximation, so z-scores are
  identical to those sna reports for the symmetric digraph.

Computation
-----------
No two-path is enumerated. With ``A`` the CSR adjacency, the in- and out-degrees of each broker, split by
"own group / other groups", give every ordered pair ``(a, c)`` of an in- and an out-neighbour per role; the pairs
whose endpoints share a group are ``Σ_h in_b(h) out_b(h)`` (a row-wise product of two node × group count
tables). From these are subtracted the ``a = c`` pairs (reciprocated arcs, ``A ∘ Aᵀ``) and the closed pairs
(``a → c`` exists). A closed pair lies on a triangle of the underlying undirected graph: triangles are listed by
the vectorised degree-ordered "forward" algorithm of ``queries._triangles`` (``Σ_(a,b) d⁺(b)`` candidate
wedges over the forward edges ``(a, b)``, far fewer than the two-paths), then the six orderings of each triangle
are checked against the arc directions and tallied per middle vertex and role. An alternative exact path (``_CLOSED_METHOD = "products"``, cross-checked in the tests)
counts them by ONE masked sparse product ``(X @ Y) ∘ A`` whose integer entries pack the four "does ``a`` share
``b``'s / ``c``'s group" counts as base-``K`` digits (``K`` = max in-degree + 1; three products
``(A_xᵀ A_y) ∘ A_z`` when ``K⁴`` would overflow int64). Both work in blocks of bounded memory. The group-level
expectation and variance formulas are evaluated as exact integer polynomial sums (power sums), so that the cost
does not grow with the cube of the number of groups and the zero/non-zero pattern (hence sna's NaN z-scores) is
exact.

The compiled engine (``engine="numba"``, module ``queries._brokerage_numba``, optional ``fast`` extra) runs the
same algorithm as scalar loops: out- and in-lists by counting sorts, one pass per broker for the degree products
by group and the reciprocated arcs (which also builds the degree-ordered forward lists), then the triangle
listing with a stamp per vertex, each triangle's closed orderings read from a table keyed by its arc directions
and group equalities. :func:`brokerage_arrays` exposes the numeric core on integer arrays (the input of
``sna::brokerage(el, cl)``); :func:`brokerage` reads the networkx graph into it and builds the per-node dicts.

References
----------
.. [1] Gould, R. V. and Fernandez, R. M. (1989). "Structures of Mediation: A Formal Approach to Brokerage in
   Transaction Networks." *Sociological Methodology* 19: 89–126. https://doi.org/10.2307/270949
.. [2] Butts, C. T. (2008). "Social Network Analysis with sna." *Journal of Statistical Software* 24(6).
   https://doi.org/10.18637/jss.v024.i06 — ``brokerage`` in R package ``sna`` (``R/gli.R``, ``src/gli.c``).
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import itertools
import math
import operator
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from catalyse.i18n import ROLE_LABELS
from catalyse.queries._triangles import WEDGE_CHUNK, forward_triangles

__all__ = [
    "brokerage",
    "brokerage_arrays",
    "brokerage_table",
    "numba_available",
    "ROLES",
    "UNDIRECTED_ROLES",
    "SNA_NAMES",
    "ROLE_LABELS",
]

#: Role keys of a directed result, in sna's column order.
ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")
#: Role keys of an undirected result (``representative`` holds the merged representative/gatekeeper role).
UNDIRECTED_ROLES = ("coordinator", "itinerant", "representative", "liaison", "total")
#: Role key → column name in ``sna::brokerage``.
SNA_NAMES = {
    "coordinator": "w_I",
    "itinerant": "w_O",
    "representative": "b_IO",
    "gatekeeper": "b_OI",
    "liaison": "b_O",
    "total": "t",
}

#: Column labels for :func:`brokerage_table` (the role names live with every other word, in `catalyse.i18n`).
_OTHER_LABELS = {
    "fr": {"node": "organisation", "name": "nom", "group": "groupe", "z": "z {}"},
    "en": {"node": "organisation", "name": "name", "group": "group", "z": "z {}"},
}

#: Upper bound on the entries of one block of the masked sparse products (memory ≈ 12 bytes per entry).
_BLOCK_ENTRIES = 20_000_000
#: The one-product count packs four counts below K = max in-degree + 1 into an int64: needs K⁴ below this.
_ENCODE_LIMIT = 2**63
#: Candidate wedges checked per block when listing triangles (memory ≈ 40 bytes per wedge for the listing, see
#: ``queries._triangles``, plus the tally of the block's triangles).
_WEDGE_BLOCK = WEDGE_CHUNK
#: How closed pairs are counted: "triangles" (default, fastest), or "products" (masked sparse products: the
#: one-product packed count when in-degrees allow, else three products). Both are exact; tests run both.
_CLOSED_METHOD = "triangles"


def brokerage(
    G: nx.Graph,
    group: str | Mapping[Hashable, Hashable] = "sector",
    *,
    default: Hashable | None = None,
    nodes: Iterable[Hashable] | None = None,
    expected: bool = True,
    engine: str = "auto",
) -> dict[str, Any]:
    """Gould–Fernandez brokerage role counts of every node, with sna's expectations and z-scores.

    Parameters
    ----------
    G : networkx graph
        Directed or undirected, simple or multi; weights are ignored, self-loops are ignored.
    group : str or mapping, default ``"sector"``
        The node attribute holding each node's group, or a mapping ``node -> group``. Groups are any hashable
        values; they are numbered in order of first appearance along ``G``'s node order (sna's ``unique(cl)``).
    default : hashable, optional
        The group of nodes lacking the attribute (or missing from the mapping). When ``None`` such nodes raise
        :class:`ValueError`.
    nodes : iterable, optional
        Only report these nodes, in this order (counts and expectations are still those of the whole graph).
    expected : bool, default True
        Also compute expectations, standard deviations and z-scores (per node, per group and for the graph).
    engine : {"auto", "numpy", "numba"}
        How the open two-paths are counted; the result is the same (see :func:`brokerage_arrays`).

    Returns
    -------
    dict
        ``directed`` (bool); ``roles`` (:data:`ROLES`, or :data:`UNDIRECTED_ROLES` for an undirected graph);
        ``n`` (nodes), ``m`` (arcs of the loop-free digraph; twice the edges when undirected), ``density``;
        ``group`` (node → group); ``raw`` (node → role → int); ``graph`` with ``raw`` (role → int, the column
        sums); and when `expected`: ``expected``, ``sd``, ``z`` (node → role → float), ``graph["expected"]``,
        ``graph["sd"]``, ``graph["z"]``, and ``groups`` (group → ``size``, ``expected``, ``sd``: role → float,
        sna's ``exp.grp``/``sd.grp``).

    Raises
    ------
    ValueError
        When a node has no group and `default` is ``None``.
    networkx.NodeNotFound
        When a node of `nodes` is not in `G`.

    Notes
    -----
    Counts are those of ``sna::brokerage`` (R package ``sna`` 2.7-1), whose ``raw.nli``, ``exp.nli``,
    ``sd.nli``, ``z.nli``, ``raw.gli``, ``exp.gli``, ``sd.gli`` and ``z.gli`` map to ``raw``, ``expected``,
    ``sd``, ``z`` and ``graph[...]``; column names through :data:`SNA_NAMES`. For undirected graphs each open path
    counts once per unordered pair of endpoints and ``representative`` merges the representative and gatekeeper
    roles (see the module documentation). No two-path is enumerated: degree products per group, minus reciprocated
    arcs, minus closed pairs counted on the listed triangles (about ``Σ_u d⁺(u)² / 2`` vectorised wedge checks
    with a degree ordering), in bounded memory. ``None`` is not a valid group (it means "no group").

    Examples
    --------
    A group ``x`` member passes a tie from its colleague to an outsider (representative) and from the
    outsider back to a colleague (gatekeeper); ``b`` is the broker of both paths:

    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("b", "a")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y"}, "sector")
    >>> r = brokerage(G)
    >>> r["raw"]["b"]
    {'coordinator': 0, 'itinerant': 0, 'representative': 1, 'gatekeeper': 1, 'liaison': 0, 'total': 2}
    >>> round(r["expected"]["b"]["total"], 6), round(r["density"], 6)
    (0.296296, 0.666667)

    Undirected, the path ``a – b – c`` counts once, as ``representative``:

    >>> H = nx.Graph([("a", "b"), ("b", "c")])
    >>> brokerage(H, {"a": "x", "b": "x", "c": "y"}, expected=False)["raw"]["b"]
    {'coordinator': 0, 'itinerant': 0, 'representative': 1, 'liaison': 0, 'total': 1}
    """
    with _gc_paused():
        return _brokerage(G, group, default, nodes, expected, engine)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while millions of acyclic objects (ints, floats, small dicts) are
    created: on a large graph each automatic full collection would walk the whole graph again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _brokerage(G, group, default, nodes, expected, engine):
    directed = G.is_directed()
    order = list(G)
    codes, labels = _group_codes(G, order, group, default)
    A = _adjacency(G, order)
    arr = _compute(len(order), codes, len(labels), directed, expected, engine, A=A)
    roles = arr["roles"]
    result = {k: arr[k] for k in ("directed", "roles", "n", "m", "density")}

    if nodes is None:
        keep = None
        kept = order
    else:
        pos = {v: i for i, v in enumerate(order)}
        missing = [v for v in nodes if v not in pos]
        if missing:
            raise nx.NodeNotFound(f"node {missing[0]!r} is not in the graph")
        keep = np.array([pos[v] for v in nodes], dtype=np.int64)
        kept = [order[i] for i in keep]

    def rows(mat):
        mat = mat if keep is None else mat[keep]
        return {v: dict(zip(roles, row)) for v, row in zip(kept, mat.tolist())}

    def per_role(vec, cast):
        return {r: cast(x) for r, x in zip(roles, vec.tolist())}

    kept_codes = (codes if keep is None else codes[keep]).tolist()
    result["group"] = dict(zip(kept, (labels[c] for c in kept_codes)))
    result["raw"] = rows(arr["raw"])
    graph = arr["graph"]
    result["graph"] = {"raw": per_role(graph["raw"], int)}
    if expected:
        # expectations and sd depend on the group only: copy (C-level) each group's dict for its nodes
        for key in ("expected", "sd"):
            per_group = [dict(zip(roles, row)) for row in arr["group_" + key].tolist()]
            result[key] = {v: per_group[c].copy() for v, c in zip(kept, kept_codes)}
        result["z"] = rows(arr["z"])
        result["graph"].update({key: per_role(graph[key], float) for key in ("expected", "sd", "z")})
        sizes = arr["group_sizes"].tolist()
        result["groups"] = {
            lab: {
                "size": sizes[g],
                "expected": per_role(arr["group_expected"][g], float),
                "sd": per_role(arr["group_sd"][g], float),
            }
            for g, lab in enumerate(labels)
        }
    return result


def brokerage_arrays(
    n: int,
    src: npt.ArrayLike,
    dst: npt.ArrayLike,
    codes: npt.ArrayLike,
    *,
    directed: bool = True,
    expected: bool = True,
    engine: str = "auto",
) -> dict[str, Any]:
    """Brokerage of a graph given as integer arrays: the numeric core of :func:`brokerage`.

    The input is that of R's ``sna::brokerage(el, cl)``: ``n`` nodes numbered ``0 .. n-1``, an arc list and one
    group code per node. Same counts, expectations, standard deviations and z-scores as :func:`brokerage`, as
    arrays (rows in node order, columns in the order of ``result["roles"]``), with no per-node Python object.

    Parameters
    ----------
    n : int
        Number of nodes.
    src, dst : array_like of int
        Arcs ``src[i] -> dst[i]`` (edges when not `directed`), endpoints in ``[0, n)``. Self-loops and repeated
        arcs are ignored.
    codes : array_like of int
        Group code of each node, in ``[0, k)`` with ``k = max(codes) + 1``; every code below ``k`` is a group
        (an unused code is a group of size 0).
    directed : bool, default True
        When false, each pair is an undirected edge (the convention of :func:`brokerage` for undirected graphs).
    expected : bool, default True
        Also compute expectations, standard deviations and z-scores.
    engine : {"auto", "numpy", "numba"}
        How the open two-paths are counted (same result): sparse numpy/scipy arithmetic, or one compiled pass
        (needs the optional ``numba`` package, ``pip install catalyse[fast]``; its first call on a machine
        compiles, later calls load the compiled code from numba's cache). ``"auto"`` takes numba when installed
        and the graph has at least ``_NUMBA_MIN_ARCS`` arcs, where the compiled pass outweighs numba's load time.

    Returns
    -------
    dict
        ``directed``, ``roles``, ``n``, ``m``, ``density`` as in :func:`brokerage`; ``raw`` (``n × r`` int64);
        ``graph`` with ``raw`` (``r``); and when `expected`: ``expected``, ``sd``, ``z`` (``n × r``),
        ``group_sizes`` (``k``), ``group_expected``, ``group_sd`` (``k × r``) and ``graph["expected"]``,
        ``graph["sd"]``, ``graph["z"]``.

    Raises
    ------
    ValueError
        On arrays of different lengths, an endpoint outside ``[0, n)``, a negative code, or an unknown engine.
    ImportError
        When ``engine="numba"`` and numba is not installed.

    Examples
    --------
    The graph of :func:`brokerage`'s example, nodes ``a, b, c`` numbered 0, 1, 2, groups ``x, x, y``:

    >>> r = brokerage_arrays(3, [0, 1, 2, 1], [1, 2, 1, 0], [0, 0, 1], engine="numpy")
    >>> r["roles"][2:4], r["raw"][1, 2:4].tolist()
    (('representative', 'gatekeeper'), [1, 1])
    >>> round(float(r["expected"][1, 5]), 6)
    0.296296
    """
    src = np.asarray(src)
    dst = np.asarray(dst)
    codes = np.asarray(codes)
    n = operator.index(n)
    if src.ndim != 1 or src.shape != dst.shape:
        raise ValueError("src and dst must be one-dimensional arrays of the same length")
    if codes.shape != (n,):
        raise ValueError(f"codes must hold one group code per node ({n}), not shape {codes.shape}")
    for name, a in (("src", src), ("dst", dst), ("codes", codes)):
        if a.size and not np.issubdtype(a.dtype, np.integer):
            raise ValueError(f"{name} must hold integers, not {a.dtype}")
    src = src.astype(np.int64, copy=False)
    dst = dst.astype(np.int64, copy=False)
    codes = codes.astype(np.int64, copy=False)
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
        raise ValueError(f"arc endpoints must lie in [0, {n})")
    if n and codes.min() < 0:
        raise ValueError("group codes must be non-negative")
    k = int(codes.max()) + 1 if n else 0
    if not directed:
        src, dst = np.concatenate((src, dst)), np.concatenate((dst, src))
    return _compute(n, codes, k, bool(directed), expected, engine, src=src, dst=dst)


#: ``engine="auto"`` compiles (numba) from this many arcs: below, the numpy path is faster than numba's import
#: and cache load (0.8–1.3 s for a first call on the project's machine, numba's import alone 0.45 s; the numpy
#: path counts a W1 graph in 0.03–0.05 s and 663,323 arcs in 1.5 s).
_NUMBA_MIN_ARCS = 200_000
_ENGINES = ("auto", "numpy", "numba")


def _numba_kernels():
    from catalyse.queries import _brokerage_numba

    return _brokerage_numba


#: The compiled kernels index nodes and arcs with int32.
_NUMBA_MAX = 2**31 - 1


def numba_available() -> bool:
    """True when the compiled engine can run (numba is installed: the ``fast`` extra)."""
    return importlib.util.find_spec("numba") is not None


def _use_numba(engine, arcs, n):
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {', '.join(_ENGINES)}, not {engine!r}")
    fits = arcs < _NUMBA_MAX and n < _NUMBA_MAX
    if engine == "auto":
        return fits and arcs >= _NUMBA_MIN_ARCS and numba_available()
    if engine == "numba" and not fits:
        raise ValueError(f"engine='numba' counts up to {_NUMBA_MAX:,} nodes and arcs; use engine='numpy'")
    return engine == "numba"


def _compute(n, codes, k, directed, expected, engine, *, A=None, src=None, dst=None):
    """Counts and null model as arrays, from a CSR adjacency `A` (binary, loop-free; the symmetric digraph of an
    undirected graph) or from arcs `src`, `dst` (any, both directions given for an undirected graph)."""
    arcs = A.nnz if A is not None else len(src)
    if _use_numba(engine, arcs, n):
        kern = _numba_kernels()
        if src is None:  # the CSR rows as arcs, already in source order
            src = np.repeat(np.arange(n, dtype=np.int32), np.diff(A.indptr))
            dst = A.indices
        raw, m = kern.role_counts(
            n,
            src.astype(np.int32, copy=False),
            dst.astype(np.int32, copy=False),
            codes.astype(np.int32),
            max(k, 1),
            kern.CLOSED_COUNTS,
            kern.CLOSED_ENTRIES,
        )
    else:
        if A is None:
            A = _csr_from_arcs(n, src, dst)
        raw = _role_counts(A, codes)  # (N, 6) int64, sna's column order
        m = int(A.nnz)

    result = {"directed": directed, "roles": ROLES if directed else UNDIRECTED_ROLES, "n": n, "m": int(m)}
    with np.errstate(divide="ignore", invalid="ignore"):
        density = float(np.float64(m) / (np.float64(n) * (n - 1))) if n else math.nan
    result["density"] = density

    graw = raw.sum(axis=0)
    if expected:
        sizes = np.bincount(codes, minlength=k) if n else np.zeros(0, np.int64)
        egrp, vgrp = _group_moments(sizes, n, density)  # (k, 6) each
        egli, vgli = _graph_moments(sizes, n, density)  # (6,) each
        with np.errstate(invalid="ignore"):
            sdgrp, sdgli = np.sqrt(vgrp), np.sqrt(vgli)  # nan where sna's variance is negative, as in R
    if not directed:
        # Symmetric digraph: w_I, w_O, b_O, t are even and b_IO == b_OI. Column 2 becomes (b_IO + b_OI) / 2 and
        # every column is halved (see the module notes). Halving is exact in floating point, so z-scores are
        # bit-for-bit those of the symmetric digraph.
        keep = [0, 1, 2, 4, 5]
        raw = (_merge(raw) // 2)[:, keep]
        graw = (_merge(graw) // 2)[keep]
        if expected:
            egrp, sdgrp, egli, sdgli = ((_merge(x) / 2)[..., keep] for x in (egrp, sdgrp, egli, sdgli))
    result["raw"] = raw
    result["graph"] = {"raw": graw}
    if expected:
        e_n, sd_n = egrp[codes], sdgrp[codes]
        with np.errstate(divide="ignore", invalid="ignore"):
            result["z"] = (raw - e_n) / sd_n
            zgli = (graw - egli) / sdgli
        result.update(expected=e_n, sd=sd_n, group_sizes=sizes, group_expected=egrp, group_sd=sdgrp)
        result["graph"].update(expected=egli, sd=sdgli, z=zgli)
    return result


def _csr_from_arcs(n, src, dst):
    """Binary, loop-free CSR adjacency of an arc list (repeats counted once)."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    A = sp.csr_array((np.ones(len(src), dtype=np.int64), (src, dst)), shape=(n, n))
    A.sum_duplicates()
    A.data[:] = 1
    A.sort_indices()
    return A


def _merge(x):
    """Copy of `x` with its role axis' column 2 replaced by columns 2 + 3 (b_IO + b_OI)."""
    x = np.array(x, copy=True)
    x[..., 2] = x[..., 2] + x[..., 3]
    return x


def brokerage_table(
    result: Mapping[str, Any],
    G: nx.Graph | None = None,
    *,
    lang: str = "fr",
    z: bool = True,
    sort: bool = True,
    top: int | None = None,
) -> list[dict[str, Any]]:
    """Table rows (list of dicts) of a :func:`brokerage` result, with French column labels by default.

    Parameters
    ----------
    result : dict
        The output of :func:`brokerage`.
    G : networkx graph, optional
        When given, a name column is added from the nodes' ``name`` attribute.
    lang : {"fr", "en"}
        Column labels.
    z : bool, default True
        Add the z-score columns (when the result has them), rounded to 3 decimals.
    sort : bool, default True
        Sort by decreasing total, then by node; otherwise keep the result's order.
    top : int, optional
        Keep only the first `top` rows.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": "x", "b": "x", "c": "y"}, "sector")
    >>> rows = brokerage_table(brokerage(G), top=1, z=False)
    >>> rows[0]["organisation"], rows[0]["représentant"], rows[0]["portier"]
    ('b', 1, 0)
    >>> list(brokerage_table(brokerage(G), lang="en", top=1)[0])[:4]
    ['organisation', 'group', 'coordinator', 'itinerant']
    """
    if lang not in ROLE_LABELS:
        raise ValueError(f"lang must be one of {sorted(ROLE_LABELS)}, not {lang!r}")
    labels = ROLE_LABELS[lang][result["directed"]]
    other = _OTHER_LABELS[lang]
    roles = result["roles"]
    raw = result["raw"]
    order = list(raw)
    if sort:
        order.sort(key=lambda v: (-raw[v]["total"], str(v)))
    if top is not None:
        order = order[:top]
    with_z = z and "z" in result
    out = []
    for v in order:
        row = {other["node"]: v}
        if G is not None:
            row[other["name"]] = G.nodes[v].get("name", str(v))
        row[other["group"]] = result["group"][v]
        for r in roles:
            row[labels[r]] = raw[v][r]
        if with_z:
            for r in roles:
                zv = result["z"][v][r]
                row[other["z"].format(labels[r])] = round(zv, 3) if math.isfinite(zv) else zv
        out.append(row)
    return out


# --------------------------------------------------------------------------------------------------------------
# Counting


def _group_codes(G, order, group, default):
    if isinstance(group, Mapping):
        getter = group.get
    else:
        nd = G.nodes

        def getter(v, _default=None):
            return nd[v].get(group, _default)

    codes = np.empty(len(order), dtype=np.int64)
    index = {}
    labels = []
    for i, v in enumerate(order):
        g = getter(v, default)
        if g is None:
            raise ValueError(f"node {v!r} has no group ({group!r}); pass default= to group such nodes together")
        c = index.get(g)
        if c is None:
            c = index[g] = len(labels)
            labels.append(g)
        codes[i] = c
    return codes, labels


def _adjacency(G, order):
    """Binary loop-free CSR adjacency (int64) in node order; undirected graphs give the symmetric digraph."""
    n = len(order)
    if n == 0:
        return sp.csr_array((0, 0), dtype=np.int64)
    idx = {v: i for i, v in enumerate(order)}
    adj = G._adj  # successors for digraphs; both directions for undirected graphs; distinct neighbours
    deg = np.fromiter((len(adj[v]) for v in order), dtype=np.int64, count=n)
    dst = np.fromiter((idx[w] for v in order for w in adj[v]), dtype=np.int64, count=int(deg.sum()))
    src = np.repeat(np.arange(n, dtype=np.int64), deg)
    loops = src == dst
    if loops.any():
        dst = dst[~loops]
        deg = deg - np.bincount(src[loops], minlength=n)
    indptr = np.concatenate(([0], np.cumsum(deg)))
    A = sp.csr_array((np.ones(len(dst), dtype=np.int64), dst, indptr), shape=(n, n))
    A.sort_indices()
    return A


def _row_blocks(Xt, Y):
    """Row ranges of ``Xt @ Y`` holding at most about ``_BLOCK_ENTRIES`` intermediate products each."""
    n = Xt.shape[0]
    # Entries of row i of Xt @ Y are at most the sum, over k in row i of Xt, of len(row k of Y).
    ylen = np.diff(Y.indptr)
    c = np.concatenate(([0], np.cumsum(ylen[Xt.indices], dtype=np.int64)))
    cum = c[Xt.indptr[1:]]  # cumulative work up to and including each row
    start = 0
    while start < n:
        base = cum[start - 1] if start else 0
        stop = max(int(np.searchsorted(cum, base + _BLOCK_ENTRIES, side="right")), start + 1)
        yield start, stop
        start = stop


def _segment_sums(values, indptr):
    """Sums of `values` over the CSR row segments given by `indptr` (exact for integers)."""
    c = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    return c[indptr[1:]] - c[indptr[:-1]]


def _masked_rowsum(Xt, Y, masks):
    """``[rowsum((Xt @ Y) ∘ M) for M in masks]`` computed in row blocks of bounded size."""
    n = Xt.shape[0]
    out = [np.zeros(n, dtype=np.int64) for _ in masks]
    if n == 0 or Xt.nnz == 0 or Y.nnz == 0:
        return out
    for start, stop in _row_blocks(Xt, Y):
        P = (Xt[start:stop] @ Y).tocsr()
        for o, M in zip(out, masks):
            E = P.multiply(M[start:stop]).tocsr()
            o[start:stop] = _segment_sums(E.data, E.indptr)
    return out


def _closed_encoded(A, same, codes, K):
    """Closed pairs per broker and role from ONE masked product, the roles packed as base-`K` digits.

    With ``X[b, a] = 1`` (``a`` in ``b``'s group) or ``K²`` (not) over arcs ``a -> b``, and ``Y[a, c] = 1``
    (``a``, ``c`` same group) or ``K`` (not) over arcs ``a -> c``, the entry ``(X @ Y)[b, c]`` at an arc
    ``b -> c`` is ``n11 + n10 K + n01 K² + n00 K³`` where ``n_xy`` counts the ``a`` closing ``a -> b -> c`` with
    ``s(a, b) = x`` and ``s(a, c) = y``. Each count is below ``K`` (at most the in-degree of ``b``).
    """
    n = A.shape[0]
    KK = K * K
    X = sp.csr_array(
        (np.where(same, 1, KK).astype(np.int64), A.indices.copy(), A.indptr.copy()), shape=A.shape
    ).T.tocsr()
    Y = sp.csr_array((np.where(same, 1, K).astype(np.int64), A.indices.copy(), A.indptr.copy()), shape=A.shape)
    c_wI, c_bIO, c_wO, c_bO, c_bOI = (np.zeros(n, dtype=np.int64) for _ in range(5))
    for start, stop in _row_blocks(X, Y):
        E = (X[start:stop] @ Y).multiply(A[start:stop]).tocsr()
        E.sort_indices()
        if E.nnz == 0:
            continue
        rows = np.repeat(np.arange(start, stop), np.diff(E.indptr))
        s_bc = codes[rows] == codes[E.indices]
        v = E.data
        d0, v = v % K, v // K
        d1, v = v % K, v // K
        d2, d3 = v % K, v // K
        ip = E.indptr
        c_wI[start:stop] = _segment_sums(np.where(s_bc, d0, 0), ip)
        c_bOI[start:stop] = _segment_sums(np.where(s_bc, d3, 0), ip)
        c_bIO[start:stop] = _segment_sums(np.where(s_bc, 0, d1), ip)
        c_wO[start:stop] = _segment_sums(np.where(s_bc, 0, d2), ip)
        c_bO[start:stop] = _segment_sums(np.where(s_bc, 0, d3), ip)
    return c_wI, c_bIO, c_bOI, c_wO, c_bO


def _closed_triangles(A, rows, cols, codes):
    """Closed pairs per broker and role from the triangles of the underlying undirected graph.

    A closed pair ``a -> b -> c`` with ``a -> c`` lies on a triangle ``{a, b, c}``. The arcs are merged into
    undirected edges with direction bits, the triangles listed once each, in chunks of at most ``_WEDGE_BLOCK``
    candidate wedges, by :func:`queries._triangles.forward_triangles` (degree-ordered "forward" algorithm); then
    each of the six orderings of every triangle is tested against the arc directions and tallied for its middle
    vertex.
    """
    n = A.shape[0]
    out = np.zeros((n, 5), dtype=np.int64)  # w_I, w_O, b_IO, b_OI, b_O
    # Undirected edges {lo, hi} with direction bits: 1 = lo -> hi, 2 = hi -> lo.
    lo = np.minimum(rows, cols)
    hi = np.maximum(rows, cols)
    key = lo * n + hi
    srt = np.argsort(key, kind="stable")
    key = key[srt]
    bit = np.where(rows < cols, 1, 2)[srt]
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    ukey = key[first]
    flags = np.bitwise_or.reduceat(bit, first)
    eu, ev = ukey // n, ukey % n
    for x, y, z, e_xy, e_yz, e_xz in forward_triangles(eu, ev, n, chunk=_WEDGE_BLOCK):
        _tally_triangles(out, x, y, z, e_xy, e_xz, e_yz, eu, flags, codes)
    return out


def _tally_triangles(out, x, y, z, e_xy, e_xz, e_yz, eu, flags, codes):
    """Add the closed orderings ``a -> b -> c`` (with ``a -> c``) of triangles ``(x, y, z)`` to ``out[b]``."""
    verts = (x, y, z)
    edges = {(0, 1): e_xy, (0, 2): e_xz, (1, 2): e_yz}

    def arc(i, j):  # arc verts[i] -> verts[j] exists
        e = edges[(min(i, j), max(i, j))]
        want = np.where(verts[i] == eu[e], 1, 2)
        return (flags[e] & want) != 0

    arcs = {(i, j): arc(i, j) for i in range(3) for j in range(3) if i != j}
    g = [codes[t] for t in verts]
    n = out.shape[0]
    for a, b, c in itertools.permutations(range(3)):
        closed = arcs[(a, b)] & arcs[(b, c)] & arcs[(a, c)]
        if not closed.any():
            continue
        ga, gb, gc = g[a][closed], g[b][closed], g[c][closed]
        role = np.where(
            (ga == gb) & (gb == gc), 0, np.where(ga == gc, 1, np.where(ga == gb, 2, np.where(gb == gc, 3, 4)))
        )
        out += np.bincount(verts[b][closed] * 5 + role, minlength=n * 5).reshape(n, 5)


def _role_counts(A, codes):
    """Open two-path counts per broker, columns ``w_I, w_O, b_IO, b_OI, b_O, t`` (sna's order)."""
    n = A.shape[0]
    raw = np.zeros((n, 6), dtype=np.int64)
    if n == 0 or A.nnz == 0:
        return raw
    A = A.tocsr()
    A.sort_indices()
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(A.indptr))
    cols = A.indices.astype(np.int64)
    same = codes[rows] == codes[cols]

    outdeg = np.diff(A.indptr).astype(np.int64)
    indeg = np.bincount(cols, minlength=n)
    out_s = np.bincount(rows[same], minlength=n)
    in_s = np.bincount(cols[same], minlength=n)
    in_o = indeg - in_s
    out_o = outdeg - out_s

    # Σ_h in_b(h) · out_b(h): ordered (in-neighbour, out-neighbour) pairs whose endpoints share a group.
    k = int(codes.max()) + 1
    if n * k <= 50_000_000:
        In = np.bincount(cols * k + codes[rows], minlength=n * k).reshape(n, k)
        Out = np.bincount(rows * k + codes[cols], minlength=n * k).reshape(n, k)
        dot = np.einsum("ij,ij->i", In, Out)
    else:
        ones = np.ones(len(rows), dtype=np.int64)
        Out = sp.csr_array((ones, (rows, codes[cols])), shape=(n, k))
        In = sp.csr_array((ones, (cols, codes[rows])), shape=(n, k))
        dot = np.asarray(In.multiply(Out).sum(axis=1)).ravel().astype(np.int64)

    # a == c: reciprocated arcs b <-> a, split by a's group (values 1: same group, 2: other group).
    tagged = sp.csr_array((np.where(same, 1, 2).astype(np.int64), A.indices.copy(), A.indptr.copy()), shape=A.shape)
    R = tagged.multiply(A.T.tocsr()).tocsr()
    rec_s = _segment_sums(R.data == 1, R.indptr)
    rec_d = _segment_sums(R.data == 2, R.indptr)

    # Closed pairs (a -> c exists), per role.
    if _CLOSED_METHOD == "triangles":
        closed = _closed_triangles(A, rows, cols, codes)
        c_wI, c_wO, c_bIO, c_bOI, c_bO = closed.T
    elif int(indeg.max() + 1) ** 4 < _ENCODE_LIMIT:
        c_wI, c_bIO, c_bOI, c_wO, c_bO = _closed_encoded(A, same, codes, int(indeg.max()) + 1)
    else:  # three products (A_x^T A_y) ∘ A_z (see module notes)
        As = sp.csr_array((same.astype(np.int64), A.indices.copy(), A.indptr.copy()), shape=A.shape)
        Ad = sp.csr_array(((~same).astype(np.int64), A.indices.copy(), A.indptr.copy()), shape=A.shape)
        As.eliminate_zeros()
        Ad.eliminate_zeros()
        c_wI, c_bIO = _masked_rowsum(As.T.tocsr(), A, [As, Ad])
        c_bOI, c_dd = _masked_rowsum(Ad.T.tocsr(), A, [As, Ad])  # c_dd = closed w_O + closed b_O
        (c_wO,) = _masked_rowsum(Ad.T.tocsr(), As, [Ad])
        c_bO = c_dd - c_wO

    same_pairs = in_s * out_s
    raw[:, 0] = same_pairs - rec_s - c_wI
    raw[:, 1] = (dot - same_pairs) - rec_d - c_wO
    raw[:, 2] = in_s * out_o - c_bIO
    raw[:, 3] = in_o * out_s - c_bOI
    raw[:, 4] = (in_o * out_o - (dot - same_pairs)) - c_bO
    raw[:, 5] = raw[:, :5].sum(axis=1)
    return raw


# --------------------------------------------------------------------------------------------------------------
# sna's null model (R/gli.R, ``brokerage``), with integer parts summed exactly


def _psums(sizes, upto):
    s = [int(x) for x in sizes]
    return [sum(x**p for x in s) for p in range(upto + 1)]


def _group_moments(sizes, N, d):
    """sna's ``ebr``/``vbr``: expectation and variance per group (rows) and role (columns)."""
    k = len(sizes)
    E = np.zeros((k, 6))
    V = np.zeros((k, 6))
    if k == 0:
        return E, V
    p = d**2 * (1 - d)
    q = 1 - p
    a3 = d**3 * (1 - d) ** 3
    ns = [int(x) for x in sizes]
    S = _psums(ns, 4)
    # Σ over all groups of n(n-1) and n(n-1)(n-2), to subtract the own group from.
    T2 = sum(x * (x - 1) for x in ns)
    T3 = sum(x * (x - 1) * (x - 2) for x in ns)
    for i, n in enumerate(ns):
        M = N - n
        # Σ_{j≠i} n_j (M - n_j)(M - n_j - 1) / 2 = Σ_{j≠i} n_j · choose(N - n_j - n_i, 2)
        s1, s2, s3 = S[1] - n, S[2] - n**2, S[3] - n**3
        cho = ((M * M - M) * s1 - (2 * M - 1) * s2 + s3) // 2
        ints = [
            ((n - 1) * (n - 2), 2 * (n - 1) * (n - 2) * (n - 3)),
            (T2 - n * (n - 1), 2 * (T3 - n * (n - 1) * (n - 2))),
            (M * (n - 1), 2 * ((n - 1) * (M * (M - 1) // 2) + M * ((n - 1) * (n - 2) // 2))),
            None,
            (M * M - s2, 4 * cho),
            ((N - 1) * (N - 2), 2 * (N - 1) * (N - 2) * (N - 3)),
        ]
        ints[3] = ints[2]
        for j, (e_int, v_int) in enumerate(ints):
            e = p * float(e_int)
            E[i, j] = e
            V[i, j] = e * q + float(v_int) * a3
    return E, V


def _offdiag(f, g):
    """Σ_{x≠y} f(x) g(y) over groups (exact integers)."""
    return sum(f) * sum(g) - sum(a * b for a, b in zip(f, g))


def _graph_moments(sizes, N, d):
    """sna's ``egbr``/``vgbr``: graph-level expectation and variance per role."""
    E = np.zeros(6)
    V = np.zeros(6)
    ns = [int(x) for x in sizes]
    p = d**2 * (1 - d)
    q = 1 - p
    a3 = d**3 * (1 - d) ** 3
    b4 = d**4 * (1 - d) ** 2
    c5 = d**5 * (1 - d)

    # 1: coordinator
    e1 = sum(x * (x - 1) * (x - 2) for x in ns)
    v1a = sum(x * (x - 1) * (x - 2) * (4 * x - 10) for x in ns)
    v1b = sum(x * (x - 1) * (x - 2) * (x - 3) for x in ns)
    E[0] = p * float(e1)
    V[0] = E[0] * q + (float(v1a) * a3 - 4 * float(v1b) * b4 + float(v1b) * c5)
    # 2: itinerant — Σ_{x≠y} x y (x-1) ((2x+2y-6) a3 + (N-x-1) c5)
    e2 = sum(x * (N - x) * (x - 1) for x in ns)
    ys = ns
    y2 = [y * y for y in ns]
    v2a = _offdiag([x * (x - 1) * (2 * x - 6) for x in ns], ys) + _offdiag([2 * x * (x - 1) for x in ns], y2)
    v2c = _offdiag([x * (x - 1) * (N - x - 1) for x in ns], ys)
    E[1] = p * float(e2)
    V[1] = E[1] * q + (float(v2a) * a3 + float(v2c) * c5)
    # 3, 4: representative, gatekeeper
    v3a = sum(x * (N - x) * (x - 1) * (N - 3) for x in ns)
    v3c = sum(x * (N - x) * (x - 1) * (x - 2) for x in ns)
    E[2] = E[3] = p * float(e2)
    V[2] = V[3] = E[2] * q + (float(v3a) * a3 + float(v3c) * c5)
    # 5: liaison — E: Σ_{x≠y} x y (N-x-y); V adds the sum over ordered triples of distinct groups (i, j, k) of
    # n_i n_j n_k [(4(N-n_j) - 2(n_i+n_k+1)) a3 - (4(N-n_k) - 2(n_i+n_j+1)) b4 + (N-(n_i+n_k+1)) c5],
    # which by symmetry is ((4N-2) T0 - 8 T1)(a3 - b4) + ((N-1) T0 - 2 T1) c5 with T0 = Σ n_i n_j n_k and
    # T1 = Σ n_i² n_j n_k over distinct (i, j, k).
    e5 = _offdiag([x * (N - x) for x in ns], ys) - _offdiag(ns, y2)
    S1, S2, S3, S4 = (sum(x**p_ for x in ns) for p_ in (1, 2, 3, 4))
    T0 = S1**3 - 3 * S1 * S2 + 2 * S3
    T1 = S2 * S1**2 - 2 * S3 * S1 - S2 * S2 + 2 * S4
    ca = (4 * N - 2) * T0 - 8 * T1
    cc = (N - 1) * T0 - 2 * T1
    E[4] = p * float(e5)
    V[4] = E[4] * q + (float(ca) * a3 - float(ca) * b4 + float(cc) * c5)
    # 6: total
    e6 = N * (N - 1) * (N - 2)
    E[5] = p * float(e6)
    V[5] = E[5] * q + (float(e6 * (4 * N - 10)) * a3 - 4 * float(e6 * (N - 3)) * b4 + float(e6 * (N - 3)) * c5)
    return E, V

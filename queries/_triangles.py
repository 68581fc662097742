"""Vectorised triangle listing of an undirected graph, in chunks of bounded size (shared by several analyses).

:func:`forward_triangles` lists every triangle of a simple undirected graph exactly once with the degree-ordered
"forward" algorithm (Chiba and Nishizeki [1]_): each edge is oriented from its lower- to its higher-ranked end,
ranked by (degree, index), so each triangle ``{a, b, c}`` with ``rank a < rank b < rank c`` is found once, from
its forward edge ``(a, b)`` followed by a forward edge ``(b, c)``, and closed when the edge ``(a, c)`` is found by
a binary search in the sorted forward keys. The candidate wedges number ``sum over forward edges (a, b) of
d+(b)`` (``d+`` the forward out-degree, at most ``sqrt(2 m)``), so at most about ``m^1.5``; they are built with
numpy in chunks of at most ``chunk`` candidates, so memory stays bounded (about 40 bytes per candidate, plus
what the caller does with each chunk's triangles) whatever the graph.

Used by :mod:`queries.brokerage` (closed two-paths, per broker and role) and :mod:`queries.structural_holes`
(sums over the triangles of each tie); each keeps its own tally over the chunks.

References
----------
.. [1] Chiba, N. and Nishizeki, T. (1985). Arboricity and subgraph listing algorithms. *SIAM Journal on
       Computing* 14(1): 210-223.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["WEDGE_CHUNK", "forward_triangles"]

#: Default upper bound on the candidate wedges materialised at once (memory ≈ 40 bytes per wedge).
WEDGE_CHUNK = 4_000_000


def forward_triangles(
    u: np.ndarray, v: np.ndarray, n: int, *, chunk: int = WEDGE_CHUNK
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Yield the triangles of a simple undirected graph, in chunks, as vertices and edge ids.

    Parameters
    ----------
    u, v : array of int
        The edges ``e = {u[e], v[e]}`` over vertices ``0 .. n - 1``: each undirected edge once, no self-loop, no
        duplicate (in either orientation); not checked. The edge ids below are positions in these arrays.
    n : int
        Number of vertices (``n² < 2⁶³``: edge keys are ``a n + b`` in int64).
    chunk : int, optional
        Upper bound on the candidate wedges checked at once. A single forward edge is never split, so a chunk
        may reach its ``d+(b)`` candidates (at most ``sqrt(2 m)``) when ``chunk`` is smaller.

    Yields
    ------
    a, b, c, e_ab, e_bc, e_ac : ndarray of int64
        Arrays of equal, non-zero length, one entry per triangle: its vertices ordered by rank (degree, then
        index; not by index) and the ids of its three edges. Each triangle of the graph appears in exactly
        one chunk, once. The order (by forward edge ``(a, b)`` in ``(a, b)`` order, then by ``c``) and the chunk
        boundaries are deterministic, so sums accumulated chunk by chunk are reproducible.

    Examples
    --------
    >>> import numpy as np
    >>> u, v = np.array([0, 0, 1, 1, 2]), np.array([1, 2, 2, 3, 3])  # two triangles sharing edge {1, 2}
    >>> for a, b, c, e_ab, e_bc, e_ac in forward_triangles(u, v, 4):
    ...     print(np.c_[a, b, c].tolist(), np.c_[e_ab, e_bc, e_ac].tolist())
    [[0, 1, 2], [3, 1, 2]] [[0, 2, 1], [3, 2, 4]]
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    m = len(u)
    if m < 3:
        return
    deg = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    swap = rank[u] > rank[v]
    a = np.where(swap, v, u)  # forward edge a -> b: rank a < rank b
    b = np.where(swap, u, v)
    keys = a * n + b
    fid = np.argsort(keys, kind="stable")  # forward edges in CSR order (by a, then b); fid[k]: id of the k-th
    keys = keys[fid]  # strictly increasing
    fa, fb = a[fid], b[fid]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(fa, minlength=n), out=indptr[1:])
    outlen = indptr[fb + 1] - indptr[fb]  # candidates of forward edge k: the forward edges (b, c) of b = fb[k]
    cum = np.cumsum(outlen)
    start = 0
    while start < m:
        base = cum[start - 1] if start else 0
        stop = max(int(np.searchsorted(cum, base + chunk, side="right")), start + 1)
        L = outlen[start:stop]
        tot = int(cum[stop - 1] - base)
        if tot:
            k = np.repeat(np.arange(start, stop), L)  # forward edge (a, b)
            t = np.repeat(indptr[fb[start:stop]] - (np.cumsum(L) - L), L) + np.arange(tot)  # forward edge (b, c)
            cand = fa[k] * n + fb[t]  # key of (a, c)
            pos = np.searchsorted(keys, cand)
            pos[pos == m] = 0
            hit = keys[pos] == cand
            if hit.any():
                k, t, pos = k[hit], t[hit], pos[hit]
                yield fa[k], fb[k], fb[t], fid[k], fid[t], fid[pos]
        start = stop

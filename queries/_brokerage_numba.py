"""Compiled (numba) kernels of :mod:`queries.brokerage`: the same counts as its numpy path, in one pass.

Imported lazily, only when numba is installed and the compiled engine is chosen (see
``queries.brokerage.brokerage``'s ``engine``). Compiled functions are cached on disk (``cache=True``), so only
the first call on a machine pays the compilation; later processes pay numba's import and the cache load.
The algorithm is the numpy path's (see the module notes of :mod:`queries.brokerage`): degree products per
group, minus reciprocated arcs, minus the closed pairs found on the triangles of the underlying undirected graph,
listed by the degree-ordered forward algorithm; no two-path is visited.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def _closed_table():
    """What a triangle contributes, by its arcs and groups: ``(counts, entries)``.

    For a triangle ``(u, v, w)`` the key is ``(uv | uw << 2 | vw << 4) << 3 | eq`` where the direction bits of an
    edge ``{x, y}`` (``x`` first) are 1 for ``x -> y`` and 2 for ``y -> x``, and
    ``eq = [g(u) = g(v)] | [g(v) = g(w)] << 1 | [g(u) = g(w)] << 2``. ``entries[key, :counts[key]]`` are the
    closed orderings ``a -> b -> c`` (with ``a -> c``) of that triangle, each as ``position of b * 5 + role``
    (position 0, 1, 2 = ``u``, ``v``, ``w``; role column ``w_I, w_O, b_IO, b_OI, b_O``).
    """
    counts = np.zeros(64 * 8, np.int64)
    entries = np.zeros((64 * 8, 6), np.int64)
    for uv in range(4):
        for uw in range(4):
            for vw in range(4):
                arc = {(0, 1): uv & 1, (1, 0): uv & 2, (0, 2): uw & 1, (2, 0): uw & 2, (1, 2): vw & 1, (2, 1): vw & 2}
                for eq in range(8):
                    same = {(0, 1): eq & 1, (1, 2): eq & 2, (0, 2): eq & 4}
                    if sum(1 for x in same.values() if x) == 2:
                        continue  # impossible: two equalities imply the third
                    key = (uv | uw << 2 | vw << 4) << 3 | eq
                    for a, b, c in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
                        if not (arc[(a, b)] and arc[(b, c)] and arc[(a, c)]):
                            continue
                        s_ab = bool(same[(min(a, b), max(a, b))])
                        s_bc = bool(same[(min(b, c), max(b, c))])
                        s_ac = bool(same[(min(a, c), max(a, c))])
                        role = 0 if s_ab and s_bc else 1 if s_ac else 2 if s_ab else 3 if s_bc else 4
                        entries[key, counts[key]] = b * 5 + role
                        counts[key] += 1
    return counts, entries


CLOSED_COUNTS, CLOSED_ENTRIES = _closed_table()


@njit(cache=True, nogil=True)
def _counting_sort(n, keys, values):  # pragma: no cover - compiled
    """`values` grouped by their key in ``[0, n)``, stably: ``(ptr, out)``, ``out[ptr[k]:ptr[k + 1]]`` for key k."""
    ptr = np.zeros(n + 1, np.int64)
    for e in range(keys.shape[0]):
        ptr[keys[e] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:n].copy()
    out = np.empty(keys.shape[0], np.int32)
    for e in range(keys.shape[0]):
        k = keys[e]
        out[fill[k]] = values[e]
        fill[k] += 1
    return ptr, out


@njit(cache=True, nogil=True)
def _out_lists(n, src, dst):  # pragma: no cover - compiled
    """CSR out-lists of the arcs, loops and repeated arcs dropped; row order is the arcs' order.

    Rows are found by binary search when the arcs already come by source, else by a counting sort on the source;
    then one pass drops loops and repeats with a stamp (row ``u`` stamps ``u`` itself first).
    """
    m_in = src.shape[0]
    by_source = True
    for e in range(1, m_in):
        by_source &= src[e] >= src[e - 1]
    if by_source:
        ptr = np.searchsorted(src, np.arange(n + 1))
        tmp = dst.astype(np.int32)
    else:
        ptr, tmp = _counting_sort(n, src, dst)
    stamp = np.full(n, -1, np.int32)
    indptr = np.zeros(n + 1, np.int32)
    w = 0
    for u in range(n):
        stamp[u] = u
        for j in range(ptr[u], ptr[u + 1]):
            c = tmp[j]
            tmp[w] = c
            w += stamp[c] != u
            stamp[c] = u
        indptr[u + 1] = w
    return indptr, tmp[:w]


@njit(cache=True, nogil=True)
def _in_lists(indptr, indices):  # pragma: no cover - compiled
    """CSR in-lists (the transpose) of CSR out-lists; each in-list comes out sorted by source."""
    n = indptr.shape[0] - 1
    sources = np.empty(indices.shape[0], np.int32)
    for u in range(n):
        sources[indptr[u] : indptr[u + 1]] = u
    return _counting_sort(n, indices, sources)


@njit(cache=True, nogil=True)
def _ranks(indptr, tptr):  # pragma: no cover - compiled
    """Rank of each node by (in- plus out-degree, index): a stable counting sort."""
    n = indptr.shape[0] - 1
    deg = (indptr[1:] - indptr[:-1]) + (tptr[1:] - tptr[:-1])
    cnt = np.zeros(deg.max() + 2 if n else 1, np.int32)
    for u in range(n):
        cnt[deg[u] + 1] += 1
    for d in range(cnt.shape[0] - 1):
        cnt[d + 1] += cnt[d]
    rank = np.empty(n, np.int32)
    for u in range(n):
        rank[u] = cnt[deg[u]]
        cnt[deg[u]] += 1
    return rank


@njit(cache=True, nogil=True)
def _pairs_and_forward(indptr, indices, tptr, tind, codes, k, rank):  # pragma: no cover - compiled
    """Per broker ``b``: the ordered (in-neighbour, out-neighbour) pairs by role, minus the reciprocated arcs
    (``a = c``), before the closed pairs are subtracted; and the forward lists of the underlying undirected graph
    with direction bits (1 = ``b -> w``, 2 = ``w -> b``), each edge kept at its lower-ranked end.

    Written without data-dependent branches (a slot past the end takes the writes that do not count).
    """
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    raw = np.zeros((n, 6), np.int64)
    out_group = np.zeros(k, np.int64)
    stamp = np.full(n, -1, np.int32)
    where = np.empty(n, np.int32)  # slot of a stamped out-neighbour in b's forward list (m: not forward)
    fptr = np.zeros(n + 1, np.int32)
    fadj = np.empty(m + 1, np.int32)
    fbit = np.empty(m + 1, np.int8)
    f = 0
    for b in range(n):
        gb = codes[b]
        rb = rank[b]
        o0, o1, i0, i1 = indptr[b], indptr[b + 1], tptr[b], tptr[b + 1]
        out_s = 0
        for j in range(o0, o1):
            c = indices[j]
            g = codes[c]
            out_group[g] += 1
            out_s += g == gb
            stamp[c] = b
            fw = rank[c] > rb
            fadj[f] = c
            fbit[f] = 1
            where[c] = f if fw else m
            f += fw
        in_s = 0
        dot = 0
        rec_s = 0
        rec_d = 0
        for j in range(i0, i1):
            a = tind[j]
            g = codes[a]
            same = g == gb
            in_s += same
            dot += out_group[g]
            rec = stamp[a] == b  # b -> a -> b: reciprocated
            rec_s += rec & same
            rec_d += rec & (not same)
            fbit[where[a] if rec else m] = 3
            fadj[f] = a
            fbit[f] = 2
            f += (not rec) & (rank[a] > rb)
        for j in range(o0, o1):
            out_group[codes[indices[j]]] = 0
        fptr[b + 1] = f
        in_o = (i1 - i0) - in_s
        out_o = (o1 - o0) - out_s
        same_pairs = in_s * out_s
        raw[b, 0] = same_pairs - rec_s
        raw[b, 1] = (dot - same_pairs) - rec_d
        raw[b, 2] = in_s * out_o
        raw[b, 3] = in_o * out_s
        raw[b, 4] = in_o * out_o - (dot - same_pairs)
    return raw, fptr, fadj[:f], fbit[:f]


@njit(cache=True, nogil=True)
def _subtract_closed(raw, fptr, fadj, fbit, codes, counts, entries):  # pragma: no cover - compiled
    """Subtract the closed pairs (``a -> b -> c`` with ``a -> c``) from their broker's role, and fill the totals.

    Each triangle is found once from its lowest-ranked vertex ``u`` by a stamp of ``u``'s forward list (hits
    gathered without a branch); what it contributes is read from the tables of :func:`_closed_table`.
    """
    n = fptr.shape[0] - 1
    longest = 0
    for u in range(n):
        longest = max(longest, fptr[u + 1] - fptr[u])
    stamp = np.full(n, -1, np.int32)
    sbit = np.zeros(n, np.int8)
    hits = np.empty(longest + 1, np.int32)
    for u in range(n):
        gu = codes[u]
        for e in range(fptr[u], fptr[u + 1]):
            stamp[fadj[e]] = u
            sbit[fadj[e]] = fbit[e]
        for e in range(fptr[u], fptr[u + 1]):
            v = fadj[e]
            gv = codes[v]
            uv = fbit[e]
            h = 0
            for e2 in range(fptr[v], fptr[v + 1]):
                hits[h] = e2
                h += stamp[fadj[e2]] == u
            for i in range(h):
                e2 = hits[i]
                w = fadj[e2]
                gw = codes[w]
                key = (uv | sbit[w] << 2 | fbit[e2] << 4) << 3 | (gu == gv) | (gv == gw) << 1 | (gu == gw) << 2
                for t in range(counts[key]):
                    x = entries[key, t]
                    p = x // 5
                    raw[u if p == 0 else v if p == 1 else w, x - 5 * p] -= 1
    for b in range(n):
        raw[b, 5] = raw[b, 0] + raw[b, 1] + raw[b, 2] + raw[b, 3] + raw[b, 4]


@njit(cache=True, nogil=True)
def role_counts(  # pragma: no cover - compiled
    n: int, src: np.ndarray, dst: np.ndarray, codes: np.ndarray, k: int, counts: np.ndarray, entries: np.ndarray
) -> tuple[np.ndarray, int]:
    """Open two-path counts per broker of the arcs ``src[i] -> dst[i]`` (loops and repeats ignored).

    Returns ``(raw, m)``: ``raw`` has columns ``w_I, w_O, b_IO, b_OI, b_O, t`` (sna's order), ``m`` is the number
    of distinct loop-free arcs. Endpoints must lie in ``[0, n)`` and codes in ``[0, k)`` (checked by the caller).
    Every pass is linear in the arcs except the triangle listing (about ``Σ_u d⁺(u)²`` steps over the forward
    lists of the degree ordering).
    """
    indptr, indices = _out_lists(n, src, dst)
    tptr, tind = _in_lists(indptr, indices)
    rank = _ranks(indptr, tptr)
    raw, fptr, fadj, fbit = _pairs_and_forward(indptr, indices, tptr, tind, codes, k, rank)
    _subtract_closed(raw, fptr, fadj, fbit, codes, counts, entries)
    return raw, indices.shape[0]

"""Candidate pairs of organisations worth scoring, found without looking at all n² pairs.

A territory with 100,000 organisations has 5·10⁹ pairs; almost none of them is a sensible introduction. The
candidates come from four **sources**, each computed with sparse matrix products by blocks of rows:

``two_step``
    Organisations two steps apart (a partner in common): the non-zeros of ``A·D⁻¹·A`` — the value is the
    resource-allocation index, used to keep the best ones.
``alliances``
    Co-members of an alliance who have no tie yet (needs the co-membership graph); ranked by shared alliances.
``themes``
    Organisations sharing a theme in the same territory (``territory="epci"`` by default, or ``"commune"``,
    ``"departement"``): non-zeros of ``M·Mᵀ`` where ``M`` is the organisation × (territory, theme) incidence;
    ranked by the number of shared themes.
``sectors``
    Organisations of **complementary sectors** (configurable pairs, :data:`COMPLEMENTARY_SECTORS`) in the same
    territory; ranked by shared themes then same commune.

Each source keeps at most ``cap`` candidates **per organisation** (ties broken by a fixed pseudo-random order, not
by id, so that no organisation is favoured by its name), so an organisation has at most ``4·cap`` candidates.
Pairs already tied (in either direction) and pairs of ``exclude`` (introductions already made or declined) are
removed. Directed graphs are handled through their **undirected skeleton**: two organisations with an arc either
way already know each other, and closure looks at partners regardless of direction.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
>>> nx.set_node_attributes(G, "association", "sector")
>>> candidate_pairs(G, sources=("two_step",))
{('a', 'c'): ('two_step',), ('b', 'd'): ('two_step',)}
>>> candidate_pairs(G, sources=("two_step",), exclude=[("c", "a")])
{('b', 'd'): ('two_step',)}
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from catalyse.queries.link_prediction import GraphIndex, _index_for

__all__ = ["SOURCES", "COMPLEMENTARY_SECTORS", "TERRITORY_LEVELS", "candidate_pairs", "candidate_counts"]

#: Candidate sources, in the order of their bit in the internal mask.
SOURCES = ("two_step", "alliances", "themes", "sectors")
#: Territory levels for the ``themes`` and ``sectors`` sources, from the finest.
TERRITORY_LEVELS = ("commune", "epci", "departement")

#: Default complementary sector pairs: the cross-world matches catalysers look for (order inside a pair is
#: irrelevant). Pass ``complementary=`` to change them.
COMPLEMENTARY_SECTORS = frozenset(
    frozenset(p)
    for p in (
        ("association", "company"),
        ("association", "local_authority"),
        ("association", "foundation"),
        ("association", "state_service"),
        ("company", "local_authority"),
        ("company", "academic"),
        ("company", "social_economy"),
        ("company", "institution"),
        ("social_economy", "local_authority"),
        ("social_economy", "foundation"),
        ("social_economy", "institution"),
        ("academic", "local_authority"),
    )
)

#: Upper bound of the intermediate non-zeros held at once (row blocks are cut to stay below it).
BLOCK_BUDGET = 4_000_000


def _normalise_pairs(pairs):
    return frozenset(frozenset(p) for p in pairs)


class _Prepared:
    """Matrices of the candidate sources, built once per (index, territory, complementary)."""

    def __init__(self, index: GraphIndex, territory: str, complementary):
        if territory not in TERRITORY_LEVELS:
            raise ValueError(f"territory must be one of {TERRITORY_LEVELS}, not {territory!r}")
        n = index.n
        self.n = n
        deg = index.degree.astype(np.float64)
        inv = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
        self.A_ra = sp.csr_array(sp.diags_array(inv) @ index.A)
        self.two_step_est = index.A @ deg
        terr = getattr(index, territory)
        self.terr = terr
        # (territory, theme) incidence
        T = index.T.tocoo()
        ok = terr[T.row] >= 0
        nth = max(len(index.theme_codes), 1)
        gid = terr[T.row[ok]] * nth + T.col[ok]
        ug, ginv = np.unique(gid, return_inverse=True)
        self.TT = sp.csr_array((np.ones(len(ginv)), (T.row[ok], ginv)), shape=(n, len(ug)))
        self.TTt = sp.csr_array(self.TT.T)
        sizes = np.asarray(self.TT.sum(axis=0)).ravel()
        self.themes_est = self.TT @ sizes
        # (territory, sector) groups and complementary targets
        codes = index.sector_codes
        nsec = max(len(codes), 1)
        comp = [[j for j, b in enumerate(codes) if frozenset((a, b)) in complementary and a != b] for a in codes]
        has = (terr >= 0) & (index.sector >= 0)
        mem_r = np.flatnonzero(has)
        mem_g = terr[mem_r] * nsec + index.sector[mem_r]
        n_groups = (int(terr.max()) + 1 if n and terr.max() >= 0 else 1) * nsec
        self.Mt = sp.csr_array(sp.csr_array((np.ones(len(mem_r)), (mem_r, mem_g)), shape=(n, n_groups)).T)
        gsize = np.bincount(mem_g, minlength=n_groups).astype(np.float64)
        qr, qg = [], []
        for i in mem_r:
            for j in comp[index.sector[i]]:
                qr.append(i)
                qg.append(terr[i] * nsec + j)
        self.Q = sp.csr_array(
            (np.ones(len(qr)), (np.asarray(qr, dtype=np.int64), np.asarray(qg, dtype=np.int64))), shape=(n, n_groups)
        )
        self.sectors_est = self.Q @ gsize
        # (territory, sector, theme) groups: shared themes among complementary organisations of the territory
        Tc = index.T
        nth = max(len(index.theme_codes), 1)
        qr2 = np.asarray(qr, dtype=np.int64)
        qg2 = np.asarray(qg, dtype=np.int64)
        reps = index.n_themes[qr2]
        rr = np.repeat(qr2, reps)
        gg = np.repeat(qg2, reps)
        starts = np.repeat(Tc.indptr[qr2], reps)
        offs = np.arange(len(rr)) - np.repeat(np.cumsum(reps) - reps, reps)
        tt = Tc.indices[starts + offs].astype(np.int64)
        tco = Tc.tocoo()
        okm = has[tco.row]
        m2r = tco.row[okm].astype(np.int64)
        m2g = (terr[m2r] * nsec + index.sector[m2r]) * nth + tco.col[okm]
        q2g = gg * nth + tt
        used = np.unique(np.concatenate([q2g, m2g]))  # compress the (territory, sector, theme) group ids
        ng2 = len(used)
        self.Q2 = sp.csr_array((np.ones(len(rr)), (rr, np.searchsorted(used, q2g))), shape=(n, ng2))
        self.M2t = sp.csr_array(sp.csr_array((np.ones(len(m2r)), (m2r, np.searchsorted(used, m2g))), shape=(n, ng2)).T)


def _prepared(index, territory, complementary):
    cache = index.__dict__.setdefault("_candidate_cache", {})
    key = (territory, complementary)
    if key not in cache:
        cache[key] = _Prepared(index, territory, complementary)
    return cache[key]


def _tiebreak(c):
    """A fixed pseudo-random 15-bit order of candidates (so that ties are not broken by node order)."""
    return ((c * 2654435761 + 12345) >> 9) & 0x7FFF


def _score_bits(val):
    """Scores as int64 keys ordered like their single-precision values (negative scores count as 0: the bits of a
    non-negative float are ordered like the float)."""
    return np.maximum(val, 0).astype(np.float32).view(np.int32).astype(np.int64)


def _top_per_row(r, c, val, cap):
    """Indices of the (at most) ``cap`` largest values of each row ``r`` (rows spanning fewer than 2**17 ids).

    Values are compared in single precision (relative resolution 6e-8) and ties broken by :func:`_tiebreak`;
    rows with at most ``cap`` entries are kept whole without sorting. One integer sort of the entries of the
    longer rows, on the key ``row | ~float32 bits of the value | tiebreak`` (the bits of a positive float are
    ordered like the float).
    """
    m = len(r)
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    rmin = int(r.min())
    rl = r - rmin
    if int(rl.max()) >= 1 << 17:  # rows far apart: renumber them
        rl = np.unique(r, return_inverse=True)[1].astype(np.int64)
    counts = np.bincount(rl)
    long_rows = counts > cap
    if not long_rows.any():
        return np.arange(m, dtype=np.int64)
    in_long = long_rows[rl]
    short = np.flatnonzero(~in_long)
    idx = np.flatnonzero(in_long)
    bits = _score_bits(val[idx])
    key = (rl[idx] << 46) | ((0x7FFFFFFF - bits) << 15) | _tiebreak(c[idx])
    order = np.argsort(key, kind="stable")
    srl = rl[idx][order]
    first = np.r_[0, np.flatnonzero(srl[1:] != srl[:-1]) + 1]
    starts = np.repeat(first, np.diff(np.r_[first, len(srl)]))
    keep = idx[order[(np.arange(len(srl)) - starts) < cap]]
    return np.concatenate([short, keep])


def _candidate_blocks(
    index,
    rows,
    *,
    sources=SOURCES,
    territory="epci",
    complementary=COMPLEMENTARY_SECTORS,
    cap=10,
    exclude_keys=None,
    pair_filter=None,
    budget=BLOCK_BUDGET,
):
    """Yield ``(r, c, mask)`` int arrays per block of ``rows``: candidate ``c`` of organisation ``r``, with the bit
    ``1 << SOURCES.index(source)`` set for each source that proposed it. Pairs are oriented (r is the row)."""
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown candidate source(s) {sorted(unknown)}; expected among {SOURCES}")
    prep = _prepared(index, territory, complementary)
    n = index.n
    rows = np.asarray(rows, dtype=np.int64)
    Cm = index.comembership if "alliances" in sources else None
    est = np.ones(len(rows))
    if "two_step" in sources:
        est += prep.two_step_est[rows]
    if "themes" in sources:
        est += prep.themes_est[rows]
    if "sectors" in sources:
        est += 2 * prep.sectors_est[rows]
    if Cm is not None:
        est += np.diff(Cm.indptr)[rows]
    cum = np.cumsum(est)
    start = 0
    while start < len(rows):
        base = cum[start - 1] if start else 0.0
        stop = max(int(np.searchsorted(cum, base + budget, side="right")), start + 1)
        stop = min(stop, start + (1 << 16))  # _top_per_row packs block-local rows in 17 bits
        block = rows[start:stop]
        start = stop
        parts = []
        Ablk = index.A[block]
        for bit, source in enumerate(SOURCES):
            if source not in sources:
                continue
            if source == "two_step":
                S = Ablk @ prep.A_ra
            elif source == "alliances":
                if Cm is None:
                    continue
                S = Cm[block]
            elif source == "themes":
                S = prep.TT[block] @ prep.TTt
            else:  # sectors: 1 for a complementary organisation of the territory, + 1 per shared theme
                S = prep.Q[block] @ prep.Mt + prep.Q2[block] @ prep.M2t
            S = sp.csr_array(S - S.multiply(Ablk))  # existing ties out (values are > 0 elsewhere)
            S.eliminate_zeros()
            S = S.tocoo()
            r, c, val = block[S.row], S.col.astype(np.int64), S.data.astype(np.float64)
            if source in ("themes", "sectors"):
                val = val + 0.5 * ((index.commune[r] >= 0) & (index.commune[r] == index.commune[c]))
            keep = r != c
            if exclude_keys is not None and len(exclude_keys):
                ukeys = np.minimum(r, c) * n + np.maximum(r, c)
                p2 = np.minimum(np.searchsorted(exclude_keys, ukeys), len(exclude_keys) - 1)
                keep &= exclude_keys[p2] != ukeys
            if pair_filter is not None:
                keep &= pair_filter(r, c)
            r, c, val = r[keep], c[keep], val[keep]
            sel = _top_per_row(r, c, val, cap)
            parts.append((r[sel], c[sel], np.full(len(sel), 1 << bit, dtype=np.int64)))
        if not parts:
            yield np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
            continue
        r = np.concatenate([p[0] for p in parts])
        c = np.concatenate([p[1] for p in parts])
        mask = np.concatenate([p[2] for p in parts])
        keys = r * n + c
        order = np.argsort(keys, kind="stable")
        keys, mask = keys[order], mask[order]
        first = np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1] if len(keys) else np.zeros(0, np.int64)
        merged = np.bitwise_or.reduceat(mask, first) if len(keys) else mask
        ukeys = keys[first]
        yield ukeys // n, ukeys % n, merged


def _exclude_keys(index, exclude):
    n = index.n
    keys = []
    for pair in exclude:
        u, v = tuple(pair)[0], tuple(pair)[-1]
        if u in index.pos and v in index.pos:
            a, b = index.pos[u], index.pos[v]
            keys.append(min(a, b) * n + max(a, b))
    return np.unique(np.asarray(keys, dtype=np.int64))


def _source_names(mask):
    return tuple(s for bit, s in enumerate(SOURCES) if mask >> bit & 1)


def candidate_pairs(
    G: nx.Graph,
    orgs: Iterable[Hashable] | None = None,
    *,
    sources: Iterable[str] = SOURCES,
    comembership: nx.Graph | None = None,
    territory: str = "epci",
    complementary: Iterable[Iterable[str]] = COMPLEMENTARY_SECTORS,
    cap: int = 10,
    exclude: Iterable[tuple[Hashable, Hashable]] = (),
    index: GraphIndex | None = None,
) -> dict[tuple[Hashable, Hashable], tuple[str, ...]]:
    """Candidate pairs for introductions, with the sources that proposed them.

    Parameters
    ----------
    G : networkx graph
        Tie graph; a ``DiGraph`` is read through its undirected skeleton.
    orgs : iterable of nodes, optional
        Only the candidates of these organisations (default: every organisation).
    sources : iterable of str
        Among :data:`SOURCES` (default all four; ``alliances`` needs ``comembership``).
    comembership : networkx.Graph, optional
        Co-membership graph (``weight`` = number of shared alliances).
    territory : {"commune", "epci", "departement"}
        Level at which ``themes`` and ``sectors`` look for candidates (default ``"epci"``). Organisations
        without that attribute get no candidate from these two sources.
    complementary : collection of 2-element collections of sector codes
        Sector pairs of the ``sectors`` source (default :data:`COMPLEMENTARY_SECTORS`).
    cap : int
        At most ``cap`` candidates per organisation **from each source** (default 10).
    exclude : iterable of (u, v)
        Pairs never proposed, in either order (introductions already made, declined…).
    index : GraphIndex, optional
        Prebuilt matrices of ``G`` (see :class:`queries.link_prediction.GraphIndex`).

    Returns
    -------
    dict
        ``(u, v) -> tuple of source names``; each unordered pair appears once, oriented from the organisation
        whose candidate list it came from (``u`` in ``orgs`` when given), in the order of ``G``'s nodes.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("m", sector="local_authority", epci="1", themes=("mobilité",))
    >>> G.add_node("x", sector="company", epci="1", themes=("mobilité",))
    >>> G.add_node("y", sector="company", epci="2", themes=("mobilité",))
    >>> candidate_pairs(G, ["m"])
    {('m', 'x'): ('themes', 'sectors')}
    """
    index = _index_for(G, index, comembership)
    if orgs is None:
        rows = np.arange(index.n, dtype=np.int64)
    else:
        rows = np.array([index.pos[o] for o in orgs], dtype=np.int64)
    complementary = _normalise_pairs(complementary)
    out: dict[tuple[Hashable, Hashable], tuple[str, ...]] = {}
    seen = set()
    ex = _exclude_keys(index, exclude)
    n = index.n
    for r, c, mask in _candidate_blocks(
        index, rows, sources=tuple(sources), territory=territory, complementary=complementary, cap=cap, exclude_keys=ex
    ):
        for a, b, m in zip(r.tolist(), c.tolist(), mask.tolist()):
            key = min(a, b) * n + max(a, b)
            if key in seen:
                prev = (index.nodes[b], index.nodes[a])
                out[prev] = tuple(s for s in SOURCES if s in out[prev] or s in _source_names(m))
                continue
            seen.add(key)
            out[(index.nodes[a], index.nodes[b])] = _source_names(m)
    return out


def candidate_counts(G: nx.Graph, *, index: GraphIndex | None = None, **kwargs: Any) -> dict[str, int]:
    """How many candidate pairs each source proposes (a pair proposed by two sources counts in both).

    Examples
    --------
    >>> import networkx as nx
    >>> candidate_counts(nx.path_graph(4), sources=("two_step",))
    {'two_step': 2, 'total': 2}
    """
    pairs = candidate_pairs(G, index=index, **kwargs)
    counts = {s: 0 for s in kwargs.get("sources", SOURCES)}
    for srcs in pairs.values():
        for s in srcs:
            counts[s] += 1
    counts["total"] = len(pairs)
    return counts

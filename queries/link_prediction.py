"""Link-prediction scores for given pairs of organisations, vectorised over sparse matrices.

The classic neighbourhood indices (common neighbours, Jaccard, Adamic–Adar, resource allocation, preferential
attachment) give exactly the values of :mod:`networkx.algorithms.link_prediction` on the same pairs, but are
computed for all pairs at once from a CSR adjacency matrix instead of one Python set operation per pair.
Two path-based indices are computed as truncated series (Katz, local path), and :func:`alliance_score`
combines structural closure with the activity of the two organisations and what a territorial catalyser looks
for (shared themes, proximity, shared alliances, recent and strong ties to the mutual partners; bridging sectors
is computed and explained but weighs 0 by default, see :class:`AllianceWeights`).

Conventions
-----------
* Scores are computed on the **undirected skeleton** of the graph: in a ``DiGraph`` an arc either way makes two
  organisations neighbours (networkx's own link-prediction functions refuse directed graphs; on an undirected
  graph the values are identical). A multigraph is reduced to its simple skeleton.
* Self-loops are ignored (an organisation is never its own partner); the degree used everywhere is the number of
  distinct partners. On a graph without self-loops this is networkx's ``G.degree``.
* ``pairs`` is any iterable of ``(u, v)`` node pairs; a node not in ``G`` raises :class:`networkx.NodeNotFound`.
* Every function takes an optional ``index=`` — a :class:`GraphIndex` built once with ``GraphIndex(G)`` — so
  that repeated calls on a large graph do not rebuild the matrices.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e")])
>>> sorted(resource_allocation_index(G, [("a", "d"), ("b", "c")]))
[('a', 'd', 1.0), ('b', 'c', 0.8333333333333333)]
>>> s = score_pairs(G, [("a", "d"), ("a", "e")], methods=("common_neighbors", "katz"))
>>> s["common_neighbors"].tolist(), s["katz"].round(6).tolist()
([2.0, 0.0], [0.005, 0.00025])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from catalyse.graphcore.projection import TieArrays

__all__ = [
    "GraphIndex",
    "CLASSIC_METHODS",
    "METHODS",
    "score_pairs",
    "common_neighbor_count",
    "jaccard_coefficient",
    "adamic_adar_index",
    "resource_allocation_index",
    "preferential_attachment",
    "katz_index",
    "local_path_index",
    "AllianceWeights",
    "alliance_components",
    "alliance_score",
]

#: The indices that have a networkx counterpart (and must equal it).
CLASSIC_METHODS = ("common_neighbors", "jaccard", "adamic_adar", "resource_allocation", "preferential_attachment")
#: Every index :func:`score_pairs` knows.
METHODS = CLASSIC_METHODS + ("katz", "local_path")

#: Default Katz damping β: a path of length l counts β**l.
KATZ_BETA = 0.05
#: Default truncation of the Katz series (paths of length 1 … KATZ_MAX_LENGTH).
KATZ_MAX_LENGTH = 3
#: Default weight ε of the paths of length 3 in the local path index A² + εA³ (Lü, Jin & Zhou 2009).
LOCAL_PATH_EPSILON = 0.01

#: Rows of pairs processed at once (bounds the memory of the gathered sparse rows).
PAIR_BLOCK = 20_000


def _rows(M, us):
    """The rows ``us`` of CSR ``M`` as a CSR array (fancy row indexing)."""
    return M[us]


class GraphIndex:
    """Sparse-matrix view of an organisation graph, built once and reused by every scoring function.

    Attributes
    ----------
    nodes : list
        The nodes of ``G`` in ``G``'s order; row ``i`` of every matrix is ``nodes[i]``.
    pos : dict
        ``node -> row``.
    A : scipy.sparse.csr_array
        Binary symmetric adjacency of the undirected skeleton, without self-loops (float64).
    W : scipy.sparse.csr_array
        Symmetric tie strength on the same pattern: ``weight`` of the edge (for a ``DiGraph`` the larger of the two
        arcs; missing weight = 1).
    Wm : scipy.sparse.csr_array
        Mutual weight ``w(u,v) + w(v,u)`` (Burt's convention, as in :func:`networkx.constraint`).
    degree : numpy.ndarray
        Number of distinct partners.
    start_days : scipy.sparse.csr_array
        Same pattern as ``A``; the earliest ``start`` of the tie as days since 1970-01-01, **plus one** (0 = no date).
    sector, commune, epci, departement : numpy.ndarray
        Integer codes (``-1`` when absent); the code tables are ``sector_codes`` etc.
    T : scipy.sparse.csr_array
        Organisation × theme incidence (themes in ``theme_codes``).
    catalyser : numpy.ndarray of bool
    names : list of str
    latest_start : numpy.datetime64 or None
        The latest tie start in the graph (the default "today" of the recency weighting).
    """

    # set per attribute in __init__ (setattr), and graph_as_of by the functions that build an index for a graph
    sector: np.ndarray
    commune: np.ndarray
    epci: np.ndarray
    departement: np.ndarray
    sector_codes: list
    commune_codes: list
    epci_codes: list
    departement_codes: list
    graph_as_of: str | date | None
    #: The node attributes an index reads (what `from_arrays` needs of each node).
    NODE_KEYS = ("name", "catalyser", "sector", "commune", "epci", "departement", "themes")

    def __init__(self, G: nx.Graph, *, weight: str | None = "weight", comembership: nx.Graph | None = None) -> None:
        self.directed = G.is_directed()
        nodes = list(G)
        self._set_positions(nodes)
        n = self.n
        pos = self.pos

        # ---- edges of the skeleton --------------------------------------------------------------------------
        rows, cols, wts, starts = [], [], [], []
        for u, v, d in G.edges(data=True):
            if u == v:
                continue
            rows.append(pos[u])
            cols.append(pos[v])
            w = d.get(weight, 1.0) if weight is not None else 1.0
            wts.append(1.0 if w is None else float(w))
            starts.append(d.get("start") or "")
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        w = np.asarray(wts, dtype=np.float64)
        if len(starts):
            days = np.array([s[:10] if s else "NaT" for s in starts], dtype="datetime64[D]")
            sd = np.where(np.isnat(days), 0, days.astype(np.int64) + 1).astype(np.float64)
        else:
            sd = np.zeros(0)

        # Directed or multigraph: arcs/parallel edges of one pair are merged (mutual weight = sum over both arcs
        # and parallel edges, strength = max arc, start = earliest).
        key = np.minimum(r, c) * n + np.maximum(r, c)
        ukey, inv = np.unique(key, return_inverse=True)
        wm: np.ndarray = np.bincount(inv, weights=w, minlength=len(ukey))
        if self.directed or G.is_multigraph():
            # strength: the sum of parallel ties per arc, then the larger arc
            akey = r * n + c
            uak, ainv = np.unique(akey, return_inverse=True)
            aw = np.bincount(ainv, weights=w, minlength=len(uak))
            ar, ac = uak // max(n, 1), uak % max(n, 1)
            apair = np.searchsorted(ukey, np.minimum(ar, ac) * n + np.maximum(ar, ac))
            ws = np.zeros(len(ukey))
            np.maximum.at(ws, apair, aw)
            if not self.directed:  # undirected multigraph: one arc per pair, mutual weight is 2w like networkx
                wm = 2 * ws
            sdm = np.full(len(ukey), np.inf)
            has = sd > 0
            np.minimum.at(sdm, inv[has], sd[has])
            sdm[np.isinf(sdm)] = 0
        else:
            ws = wm.copy()
            wm = 2 * ws  # undirected: networkx's mutual weight is w(u,v) + w(v,u) = 2w
            sdm = np.zeros(len(ukey))
            sdm[inv] = sd
        self._set_edges(ukey, ws, wm, sdm, sd)
        nd = G.nodes
        self._set_nodes([nd[x] for x in self.nodes])
        self._finish(comembership)

    @classmethod
    def from_arrays(
        cls,
        arrays: TieArrays,
        nodes: Sequence[tuple[Hashable, dict]],
        *,
        weight: str | None = "weight",
        comembership: nx.Graph | None = None,
        **kwargs: Any,
    ):
        """The index of the undirected tie graph built straight from a store's arrays, without a networkx graph:
        the same index as ``cls(tie_graph_columns(columns))`` (same nodes, matrices, attributes and dates).

        Parameters
        ----------
        arrays : TieArrays
            With their start days (``Store.tie_arrays(start=True)`` or ``TieArrays.from_columns``): a pair's weight
            is the sum of its ties' weights in tie-key order, as `tie_graph` sums them.
        nodes : list of (id, attributes)
            The node attributes (``Store.node_columns()`` or ``TieColumns.nodes``), in the order of
            ``arrays.ids``.
        weight : "weight" or None
            None: every tie weighs 1, as ``cls(G, weight=None)``.
        kwargs
            Passed to the subclass's own set-up (:class:`~catalyse.queries.suggestions.SuggestionIndex`:
            ``communities``, ``seed``).

        Examples
        --------
        >>> from catalyse.graphcore.model import Dataset, Organisation, Tie
        >>> from catalyse.graphcore.projection import TieColumns, tie_graph_columns
        >>> data = Dataset([Organisation(x, x.upper(), "association") for x in "abc"],
        ...                ties=[Tie("a", "b", "partnership", weight=2.0), Tie("b", "a", "exchange"),
        ...                      Tie("b", "c", "funding", directed=True)])
        >>> cols = TieColumns.from_dataset(data)
        >>> idx = GraphIndex.from_arrays(TieArrays.from_columns(cols), cols.nodes)
        >>> idx.W.toarray().tolist() == GraphIndex(tie_graph_columns(cols)).W.toarray().tolist()
        True
        >>> idx.W.toarray().tolist()
        [[0.0, 3.0, 0.0], [3.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
        """
        if weight not in ("weight", None):
            raise ValueError(f"the arrays weigh ties by 'weight' (or None), not {weight!r}")
        if arrays.start is None:
            raise ValueError("the arrays need their start days: Store.tie_arrays(start=True)")
        if [x for x, _ in nodes] != list(arrays.ids):
            raise ValueError("the node attributes must be those of the arrays' organisations, in their order")
        self = cls.__new__(cls)
        self.directed = False
        self._set_positions(list(arrays.ids))
        n = self.n
        r, c = arrays.src, arrays.dst
        keep = r != c
        r, c = r[keep], c[keep]
        w = arrays.weight[keep] if weight is not None else np.ones(int(keep.sum()))
        days = arrays.start[keep]
        sd = np.where(np.isnat(days), 0, days.astype(np.int64) + 1).astype(np.float64)
        ukey, inv = np.unique(np.minimum(r, c) * n + np.maximum(r, c), return_inverse=True)
        ws: np.ndarray = np.bincount(inv, weights=w, minlength=len(ukey))  # the arrays' order: tie_graph's sum
        if weight is None:
            ws = np.ones(len(ukey))
        sdm = np.full(len(ukey), np.inf)
        has = sd > 0
        np.minimum.at(sdm, inv[has], sd[has])
        sdm[np.isinf(sdm)] = 0
        self._set_edges(ukey, ws, 2 * ws, sdm, sdm)  # a pair's start is its earliest tie's, as in tie_graph
        self._set_nodes([a for _, a in nodes])
        self._finish(comembership)
        self.graph_as_of = arrays.as_of.isoformat() if arrays.as_of else None
        self._set_up(**kwargs)
        return self

    def _set_up(self, **kwargs: Any) -> None:
        """What a subclass sets up after the matrices (nothing here)."""
        if kwargs:
            raise TypeError(f"unexpected arguments: {', '.join(kwargs)}")

    def _set_positions(self, nodes: list) -> None:
        self.nodes = nodes
        self.pos = {node: i for i, node in enumerate(nodes)}
        self.n = len(nodes)

    def _set_edges(self, ukey: np.ndarray, ws: np.ndarray, wm: np.ndarray, sdm: np.ndarray, sd: np.ndarray) -> None:
        """The matrices from the sorted pair keys ``lo * n + hi`` and, per pair, strength, mutual weight and
        earliest start (days since 1970-01-01 plus one, 0 when undated); `sd`: the starts the latest is taken of."""
        n = self.n
        lo, hi = ukey // max(n, 1), ukey % max(n, 1)
        self.latest_start = np.datetime64(int(sd.max()) - 1, "D") if sd.size and sd.max() > 0 else None
        self.n_edges = len(ukey)
        R = np.concatenate([lo, hi])
        C = np.concatenate([hi, lo])

        def sym(vals):
            M = sp.csr_array((np.concatenate([vals, vals]), (R, C)), shape=(n, n))
            M.sort_indices()
            return M

        self.A = sym(np.ones(len(ukey)))
        self.W = sym(ws)
        self.Wm = sym(wm)
        self.start_days = sym(sdm)
        self.degree = np.diff(self.A.indptr).astype(np.int64)
        self.edge_lo, self.edge_hi = lo, hi

    def _set_nodes(self, attrs: list[dict]) -> None:
        """The attribute arrays from each node's attributes (in node order)."""
        n = self.n
        self.names = [str(d.get("name", x)) for x, d in zip(self.nodes, attrs)]
        self.catalyser = np.array([bool(d.get("catalyser", False)) for d in attrs], dtype=bool)
        for attr in ("sector", "commune", "epci", "departement"):
            table: dict = {}
            arr = np.array(
                [table.setdefault(d[attr], len(table)) if d.get(attr) not in (None, "") else -1 for d in attrs],
                dtype=np.int64,
            )
            setattr(self, attr, arr)
            setattr(self, attr + "_codes", list(table))
        ttable: dict = {}
        tr, tc = [], []
        for i, d in enumerate(attrs):
            for t in d.get("themes", ()) or ():
                tr.append(i)
                tc.append(ttable.setdefault(t, len(ttable)))
        self.theme_codes = list(ttable)
        T = sp.csr_array(
            (np.ones(len(tr)), (np.asarray(tr, dtype=np.int64), np.asarray(tc, dtype=np.int64))), shape=(n, len(ttable))
        )
        T.sum_duplicates()
        T.data[:] = 1.0
        self.T = T
        self.n_themes = np.diff(T.indptr)

    def _finish(self, comembership) -> None:
        self._comembership = None
        self._vitality_cache: dict = {}
        self._nbr_sector: np.ndarray | None = None
        if comembership is not None:
            self.set_comembership(comembership)

    # ------------------------------------------------------------------------------------------------------------
    def set_comembership(self, C: nx.Graph) -> sp.csr_array:
        """Attach a co-membership graph (edge ``weight`` = number of shared alliances) on the same organisations."""
        rows, cols, vals = [], [], []
        for u, v, d in C.edges(data=True):
            if u in self.pos and v in self.pos and u != v:
                rows.append(self.pos[u])
                cols.append(self.pos[v])
                vals.append(float(d.get("weight", 1)))
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        v = np.asarray(vals, dtype=np.float64)
        M = sp.csr_array(
            (np.concatenate([v, v]), (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(self.n, self.n)
        )
        M.sum_duplicates()
        if C.is_directed():  # an alliance shared is symmetric: keep one count per pair, not the sum of both arcs
            M.data = M.data / 2
        self._comembership = M
        return M

    def set_comembership_matrix(self, M):
        """Attach shared-alliance counts given as a symmetric sparse matrix in this index's node order (what
        :meth:`set_comembership` makes from a co-membership graph)."""
        M = sp.csr_array(M, dtype=np.float64)
        if M.shape != (self.n, self.n):
            raise ValueError(f"the co-membership matrix must be {self.n} x {self.n}, not {M.shape}")
        self._comembership = M
        return M

    @property
    def comembership(self) -> sp.csr_array | None:
        """CSR of shared-alliance counts, or None."""
        return self._comembership

    def neighbour_sectors(self) -> np.ndarray:
        """Dense ``n × n_sectors`` matrix: how many partners of each organisation are in each sector."""
        if self._nbr_sector is None:
            k = max(len(self.sector_codes), 1)
            known = self.sector >= 0
            onehot = sp.csr_array(
                (np.ones(known.sum()), (np.flatnonzero(known), self.sector[known])), shape=(self.n, k)
            )
            self._nbr_sector = np.asarray((self.A @ onehot).toarray(), dtype=np.int64)
        return self._nbr_sector

    def pair_positions(self, pairs: Iterable[tuple[Hashable, Hashable]]) -> tuple[np.ndarray, np.ndarray]:
        """Two int arrays of rows for ``pairs``; raises :class:`networkx.NodeNotFound` for an unknown node."""
        pos = self.pos
        us, vs = [], []
        for u, v in pairs:
            if u not in pos:
                raise nx.NodeNotFound(f"Node {u} not in G.")
            if v not in pos:
                raise nx.NodeNotFound(f"Node {v} not in G.")
            us.append(pos[u])
            vs.append(pos[v])
        return np.asarray(us, dtype=np.int64), np.asarray(vs, dtype=np.int64)

    def vitality(self, weights: AllianceWeights, as_of: str | date | None = None) -> sp.csr_array:
        """CSR on the tie pattern: strength × recency of each tie, in (0, 1].

        ``strength = 1 - exp(-weight / weights.weight_scale)`` and
        ``recency = 0.5 ** (age_in_years / weights.half_life_years)`` where the age runs from the tie's ``start`` to
        ``as_of`` (default: ``G.graph["as_of"]``, else the latest start in the graph); an undated tie gets
        ``weights.undated_recency``; a tie starting after ``as_of`` counts as new (age 0).
        """
        ref = _reference_day(as_of, self)
        key = (weights.weight_scale, weights.half_life_years, weights.undated_recency, ref)
        if key not in self._vitality_cache:
            strength = 1.0 - np.exp(-np.maximum(self.W.data, 1e-9) / weights.weight_scale)
            sd = self.start_days.data
            if ref is None:
                recency = np.where(sd > 0, 1.0, weights.undated_recency)
            else:
                age = np.maximum(ref - (sd - 1), 0) / 365.25
                recency = np.where(sd > 0, 0.5 ** (age / weights.half_life_years), weights.undated_recency)
            E = self.A.copy()
            E.data = np.maximum(strength * recency, 1e-12)
            self._vitality_cache[key] = E
        return self._vitality_cache[key]


def _reference_day(as_of, index):
    """``as_of`` (date, ISO str) as days since epoch; default the graph's ``as_of`` then the latest start."""
    if as_of is None:
        as_of = getattr(index, "graph_as_of", None)
    if as_of is None:
        return None if index.latest_start is None else int(index.latest_start.astype(np.int64))
    if isinstance(as_of, date):
        as_of = as_of.isoformat()
    return int(np.datetime64(str(as_of)[:10], "D").astype(np.int64))


def _index_for(G, index, comembership=None):
    if index is None:
        index = GraphIndex(G, comembership=comembership)
        index.graph_as_of = G.graph.get("as_of")
    elif comembership is not None and index.comembership is None:
        index.set_comembership(comembership)
    if not hasattr(index, "graph_as_of"):
        index.graph_as_of = G.graph.get("as_of")
    return index


def _dense(x):
    """A 1-D numpy array from a sparse or dense reduction result."""
    return np.asarray(x.toarray() if sp.issparse(x) else x, dtype=np.float64).ravel()


def _blocks(n, size=PAIR_BLOCK):
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def _walks(index, us, vs, max_length):
    """``counts[l-1]`` = number of walks of length l between us[i] and vs[i], l = 1 … max_length."""
    A = index.A
    out = np.zeros((max_length, len(us)))
    if max_length >= 1 and len(us):
        out[0] = np.asarray(A[us, vs]).ravel()
    left = {1: _rows(A, us)}
    right = {1: _rows(A, vs)}
    for length in range(2, max_length + 1):
        a, b = (length + 1) // 2, length // 2
        while a not in left:
            k = max(left)
            left[k + 1] = left[k] @ A
        while b not in right:
            k = max(right)
            right[k + 1] = right[k] @ A
        out[length - 1] = np.asarray(left[a].multiply(right[b]).sum(axis=1)).ravel()
    return out


def score_pairs(
    G: nx.Graph,
    pairs: Iterable[tuple[Hashable, Hashable]],
    *,
    methods: Iterable[str] = METHODS,
    beta: float = KATZ_BETA,
    max_length: int = KATZ_MAX_LENGTH,
    epsilon: float = LOCAL_PATH_EPSILON,
    index: GraphIndex | None = None,
) -> dict[str, np.ndarray]:
    """Score pairs with several link-prediction indices at once.

    Parameters
    ----------
    G : networkx graph
        Directed graphs and multigraphs are scored on their undirected simple skeleton.
    pairs : iterable of (u, v)
    methods : iterable of str
        Among :data:`METHODS`: ``common_neighbors`` ``|Γ(u) ∩ Γ(v)|``; ``jaccard``
        ``|Γ(u) ∩ Γ(v)| / |Γ(u) ∪ Γ(v)|`` (0 when both are isolated); ``adamic_adar``
        ``Σ_{w ∈ Γ(u) ∩ Γ(v)} 1 / log k_w``; ``resource_allocation`` ``Σ 1 / k_w``; ``preferential_attachment``
        ``k_u k_v``; ``katz`` ``Σ_{l=1}^{max_length} β^l (A^l)_{uv}`` (walks, truncated series; with
        ``β < 1/λ_max`` it approximates the full Katz index from below); ``local_path`` ``(A²)_{uv} + ε (A³)_{uv}``.
    beta : float
        Katz damping (default 0.05).
    max_length : int
        Longest walk counted by Katz (default 3; each extra length multiplies the cost by about the mean degree).
    epsilon : float
        Weight of length-3 walks in the local path index (default 0.01).
    index : GraphIndex, optional
        Prebuilt matrices of ``G``.

    Returns
    -------
    dict
        ``method -> numpy.ndarray`` of floats aligned with ``pairs``.

    Examples
    --------
    >>> G = nx.path_graph(4)  # 0-1-2-3
    >>> s = score_pairs(G, [(0, 2), (0, 3)], methods=("jaccard", "local_path"))
    >>> s["jaccard"].tolist(), s["local_path"].tolist()
    ([0.5, 0.0], [1.0, 0.01])
    """
    methods = tuple(methods)
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown link-prediction method(s): {sorted(unknown)}; expected among {METHODS}")
    index = _index_for(G, index)
    us, vs = index.pair_positions(pairs)
    return _score_positions(index, us, vs, methods, beta=beta, max_length=max_length, epsilon=epsilon)


def _score_positions(index, us, vs, methods, *, beta=KATZ_BETA, max_length=KATZ_MAX_LENGTH, epsilon=LOCAL_PATH_EPSILON):
    m = len(us)
    out = {name: np.zeros(m) for name in methods}
    deg = index.degree.astype(np.float64)
    with np.errstate(divide="ignore"):
        inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
        inv_deg = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
    need_cn = {"common_neighbors", "jaccard", "adamic_adar", "resource_allocation"} & set(methods)
    A = index.A
    for blk in _blocks(m):
        u, v = us[blk], vs[blk]
        if need_cn:
            X = _rows(A, u).multiply(_rows(A, v)).tocsr()
            cn = np.asarray(X.sum(axis=1)).ravel()
            if "common_neighbors" in out:
                out["common_neighbors"][blk] = cn
            if "jaccard" in out:
                union = deg[u] + deg[v] - cn
                out["jaccard"][blk] = np.divide(cn, union, out=np.zeros_like(cn), where=union > 0)
            if "adamic_adar" in out:
                out["adamic_adar"][blk] = X @ inv_log
            if "resource_allocation" in out:
                out["resource_allocation"][blk] = X @ inv_deg
        if "preferential_attachment" in out:
            out["preferential_attachment"][blk] = deg[u] * deg[v]
        if "katz" in out or "local_path" in out:
            L = max(max_length if "katz" in out else 0, 3 if "local_path" in out else 0)
            walks = _walks(index, u, v, L)
            if "katz" in out:
                out["katz"][blk] = sum(beta ** (k + 1) * walks[k] for k in range(max_length))
            if "local_path" in out:
                out["local_path"][blk] = walks[1] + epsilon * walks[2]
    return out


def _iter(G, pairs, method, index=None, **kw):
    pairs = list(pairs)
    vals = score_pairs(G, pairs, methods=(method,), index=index, **kw)[method]
    return ((u, v, float(p)) for (u, v), p in zip(pairs, vals))


def common_neighbor_count(
    G: nx.Graph, ebunch: Iterable[tuple[Hashable, Hashable]], *, index: GraphIndex | None = None
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, |Γ(u) ∩ Γ(v)|)`` for each pair: ``len(networkx.common_neighbors(G, u, v))``.

    Examples
    --------
    >>> G = nx.complete_graph(4)
    >>> list(common_neighbor_count(G, [(0, 1)]))
    [(0, 1, 2.0)]
    """
    return _iter(G, ebunch, "common_neighbors", index)


def jaccard_coefficient(
    G: nx.Graph, ebunch: Iterable[tuple[Hashable, Hashable]], *, index: GraphIndex | None = None
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, p)``, the Jaccard coefficient; equals :func:`networkx.jaccard_coefficient`.

    Examples
    --------
    >>> G = nx.complete_graph(5)
    >>> [(u, v, round(p, 6)) for u, v, p in jaccard_coefficient(G, [(0, 1), (2, 3)])]
    [(0, 1, 0.6), (2, 3, 0.6)]
    """
    return _iter(G, ebunch, "jaccard", index)


def adamic_adar_index(
    G: nx.Graph, ebunch: Iterable[tuple[Hashable, Hashable]], *, index: GraphIndex | None = None
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, Σ 1/log k_w)`` over common neighbours w; equals :func:`networkx.adamic_adar_index`.

    Examples
    --------
    >>> G = nx.complete_graph(5)
    >>> [(u, v, round(p, 6)) for u, v, p in adamic_adar_index(G, [(0, 1)])]
    [(0, 1, 2.164043)]
    """
    return _iter(G, ebunch, "adamic_adar", index)


def resource_allocation_index(
    G: nx.Graph, ebunch: Iterable[tuple[Hashable, Hashable]], *, index: GraphIndex | None = None
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, Σ 1/k_w)`` over common neighbours w; equals :func:`networkx.resource_allocation_index`.

    Examples
    --------
    >>> G = nx.complete_graph(5)
    >>> [(u, v, round(p, 6)) for u, v, p in resource_allocation_index(G, [(0, 1)])]
    [(0, 1, 0.75)]
    """
    return _iter(G, ebunch, "resource_allocation", index)


def preferential_attachment(
    G: nx.Graph, ebunch: Iterable[tuple[Hashable, Hashable]], *, index: GraphIndex | None = None
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, k_u k_v)``; equals :func:`networkx.preferential_attachment`.

    Examples
    --------
    >>> G = nx.star_graph(3)
    >>> list(preferential_attachment(G, [(0, 1), (1, 2)]))
    [(0, 1, 3.0), (1, 2, 1.0)]
    """
    return _iter(G, ebunch, "preferential_attachment", index)


def katz_index(
    G: nx.Graph,
    ebunch: Iterable[tuple[Hashable, Hashable]],
    *,
    beta: float = KATZ_BETA,
    max_length: int = KATZ_MAX_LENGTH,
    index: GraphIndex | None = None,
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, Σ_{l=1}^{L} β^l (A^l)_{uv})``, the Katz index truncated at walks of length ``max_length``.

    Examples
    --------
    >>> G = nx.path_graph(3)  # 0-1-2: one walk of length 2 between 0 and 2, none of length 1 or 3
    >>> list(katz_index(G, [(0, 2)], beta=0.1))
    [(0, 2, 0.010000000000000002)]
    """
    return _iter(G, ebunch, "katz", index, beta=beta, max_length=max_length)


def local_path_index(
    G: nx.Graph,
    ebunch: Iterable[tuple[Hashable, Hashable]],
    *,
    epsilon: float = LOCAL_PATH_EPSILON,
    index: GraphIndex | None = None,
) -> Iterator[tuple[Hashable, Hashable, float]]:
    """Yield ``(u, v, (A²)_{uv} + ε (A³)_{uv})``, the local path index of Lü, Jin & Zhou (2009).

    Examples
    --------
    >>> G = nx.cycle_graph(4)  # 0-1-2-3-0: two walks of length 2 from 0 to 2; four of length 3 from 0 to 1
    >>> list(local_path_index(G, [(0, 2), (0, 1)], epsilon=0.5))
    [(0, 2, 2.0), (0, 1, 2.0)]
    """
    return _iter(G, ebunch, "local_path", index, epsilon=epsilon)


# ---------------------------------------------------------------------------------------------------------------
# Alliance score
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllianceWeights:
    """Weights and scales of :func:`alliance_score`. Every component is in [0, 1]; the score is their weighted sum
    divided by the sum of the weights, so it is in [0, 1] too.

    Why these components and these default weights
    ----------------------------------------------
    The score estimates **how likely a tie between the two organisations is to form** (and so how likely an
    introduction is to take), from what makes ties form in a territory: organisations meet through a partner they
    share (closure), active organisations make more ties (activity), neighbours meet (geography), organisations
    working on the same issues meet (themes), co-members of an alliance already work together (alliances), and a
    fresh, strong shared partner is a better go-between than an old, weak one (ties). The defaults weigh closure,
    activity and geography most (0.35, 0.25, 0.20), since those are the strongest regularities of tie formation
    (on the demo territory each of them alone already has an AUC of 0.62–0.74; themes, alliances and ties add
    less). :func:`queries.evaluation.calibrate_weights` fits the weights on a territory's own history instead.

    **Bridging sectors** is computed and shown (it is what a catalyser wants: new cross-world relations, see the
    reasons and the what-if gain of :func:`queries.suggestions.suggest`), but it has **weight 0 by default**:
    ties form *less* often across sectors than within (on the demo its AUC is 0.33–0.39, i.e. it points away from
    the ties that actually form), so rewarding it made the score a worse predictor. To favour cross-world
    introductions, filter them (``suggest(..., between=(a, b))``) or give ``bridging`` a weight knowingly.

    Attributes
    ----------
    closure : float
        Weight of structural closure ``1 - exp(-RA / ra_scale)`` where RA is the resource-allocation index
        (default 0.35). Monotone in RA: ranking by closure alone is ranking by RA.
    activity : float
        Weight of the activity of the pair ``1 - exp(-sqrt(k_u k_v) / activity_scale)`` with ``k`` the number of
        partners (default 0.25). Monotone in ``k_u k_v``: ranking by activity alone is preferential attachment.
    themes : float
        Weight of theme overlap: Jaccard of the two theme sets (default 0.10).
    geography : float
        Weight of proximity: ``geo_levels`` for same commune, same EPCI, same département (default 0.20).
    bridging : float
        Weight of bridging sectors (default 0, see above): 0 for the same sector, else
        ``0.5 + 0.25·[v's sector is new among u's partners] + 0.25·[u's sector is new among v's partners]``.
    alliances : float
        Weight of shared alliances ``1 - 0.5**k`` for k alliances in common (default 0.05; 0 without
        co-membership graph).
    ties : float
        Weight of the strength and recency of the ties to mutual partners (default 0.05):
        ``max over mutual partners w of min(vitality(u,w), vitality(v,w))`` — the strongest two-step path,
        the same rule that picks the introducer.
    ra_scale : float
        RA at which closure reaches ``1 - 1/e`` (default 0.25: e.g. one mutual partner with 4 partners).
    activity_scale : float or None
        ``sqrt(k_u k_v)`` at which activity reaches ``1 - 1/e`` (default None: the mean number of partners of
        the graph's organisations, so that the component means the same on a small and a large territory).
    geo_levels : tuple of 3 floats
        Proximity for same commune, same EPCI, same département (default ``(1.0, 0.6, 0.3)``).
    weight_scale : float
        Tie strength is ``1 - exp(-weight / weight_scale)`` (default 1.0).
    half_life_years : float
        A tie's recency halves every ``half_life_years`` since its start (default 3).
    undated_recency : float
        Recency of a tie without start date (default 0.5).
    """

    closure: float = 0.35
    activity: float = 0.25
    themes: float = 0.10
    geography: float = 0.20
    bridging: float = 0.0
    alliances: float = 0.05
    ties: float = 0.05
    ra_scale: float = 0.25
    activity_scale: float | None = None
    geo_levels: tuple = (1.0, 0.6, 0.3)
    weight_scale: float = 1.0
    half_life_years: float = 3.0
    undated_recency: float = 0.5

    def components(self) -> dict[str, float]:
        """``{component: weight}`` of the seven components."""
        return {name: getattr(self, name) for name in COMPONENTS}


#: Names of the alliance-score components, in order.
COMPONENTS = ("closure", "activity", "themes", "geography", "bridging", "alliances", "ties")


def alliance_components(
    G: nx.Graph,
    pairs: Iterable[tuple[Hashable, Hashable]],
    *,
    weights: AllianceWeights = AllianceWeights(),
    comembership: nx.Graph | None = None,
    as_of: str | date | None = None,
    index: GraphIndex | None = None,
) -> dict[str, np.ndarray]:
    """Every component of the alliance score, and the score, for each pair.

    See :class:`AllianceWeights` for the definition of each component.

    Returns
    -------
    dict
        ``{"score", "closure", "activity", "themes", "geography", "bridging", "alliances", "ties", "resource_allocation",
        "common_neighbors"}`` → ``numpy.ndarray`` aligned with ``pairs``.

    Examples
    --------
    >>> G = nx.Graph([("a", "w"), ("b", "w")])
    >>> G.add_nodes_from(["a", "b"], sector="association", themes=("SDG11",), epci="200000001")
    >>> G.nodes["w"].update(sector="company", themes=())
    >>> c = alliance_components(G, [("a", "b")])
    >>> {k: round(float(v[0]), 3) for k, v in c.items() if k in ("closure", "activity", "themes", "geography")}
    {'closure': 0.865, 'activity': 0.528, 'themes': 1.0, 'geography': 0.6}
    """
    index = _index_for(G, index, comembership)
    us, vs = index.pair_positions(pairs)
    return _alliance_positions(index, us, vs, weights, as_of)


def _alliance_positions(index, us, vs, weights, as_of=None):
    m = len(us)
    deg = index.degree.astype(np.float64)
    inv_deg = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0)
    E = index.vitality(weights, as_of)
    out = {k: np.zeros(m) for k in ("score",) + COMPONENTS + ("resource_allocation", "common_neighbors")}
    T = index.T
    nbr_sec = index.neighbour_sectors() if m else None
    Cm = index.comembership
    g1, g2, g3 = weights.geo_levels
    act_scale = weights.activity_scale or (float(deg.mean()) if index.n and deg.mean() > 0 else 1.0)
    for blk in _blocks(m):
        u, v = us[blk], vs[blk]
        # One gather: E is positive exactly on the ties, so min(E[u], E[v]) is stored exactly on the mutual
        # partners (sparse minimum drops zeros) and gives common neighbours, RA and the ties bottleneck at once.
        Y = sp.csr_array(_rows(E, u).minimum(_rows(E, v)))
        nnz_row = np.diff(Y.indptr)
        yrows = np.repeat(np.arange(len(u)), nnz_row)
        ra = np.bincount(yrows, weights=inv_deg[Y.indices], minlength=len(u))
        out["resource_allocation"][blk] = ra
        out["common_neighbors"][blk] = nnz_row
        out["closure"][blk] = 1.0 - np.exp(-ra / weights.ra_scale)
        ties = np.zeros(len(u))
        has = nnz_row > 0
        if has.any():
            ties[has] = np.maximum.reduceat(Y.data, Y.indptr[:-1][has])
        out["ties"][blk] = ties
        out["activity"][blk] = 1.0 - np.exp(-np.sqrt(deg[u] * deg[v]) / act_scale)
        shared = np.asarray(_rows(T, u).multiply(_rows(T, v)).sum(axis=1)).ravel()
        union = index.n_themes[u] + index.n_themes[v] - shared
        out["themes"][blk] = np.divide(shared, union, out=np.zeros(len(u)), where=union > 0)
        geo = np.zeros(len(u))
        for arr, level in ((index.departement, g3), (index.epci, g2), (index.commune, g1)):
            same = (arr[u] >= 0) & (arr[u] == arr[v])
            geo = np.where(same, np.maximum(geo, level), geo)
        out["geography"][blk] = geo
        su, sv = index.sector[u], index.sector[v]
        differ = (su != sv) & (su >= 0) & (sv >= 0)
        new_v = nbr_sec[u, np.maximum(sv, 0)] == 0
        new_u = nbr_sec[v, np.maximum(su, 0)] == 0
        out["bridging"][blk] = np.where(differ, 0.5 + 0.25 * new_v + 0.25 * new_u, 0.0)
        if Cm is not None:
            k = np.asarray(Cm[u, v]).ravel()
            out["alliances"][blk] = 1.0 - 0.5**k
    total = sum(weights.components().values()) or 1.0
    out["score"] = sum(w * out[name] for name, w in weights.components().items()) / total
    return out


def alliance_score(
    G: nx.Graph,
    pairs: Iterable[tuple[Hashable, Hashable]],
    *,
    weights: AllianceWeights = AllianceWeights(),
    comembership: nx.Graph | None = None,
    as_of: str | date | None = None,
    index: GraphIndex | None = None,
) -> dict[tuple[Hashable, Hashable], float]:
    """Alliance score of each pair: structural closure plus what catalysers look for, in [0, 1].

    Parameters
    ----------
    G : networkx graph
        A tie graph (see ``docs/graphs.md``); missing attributes simply score 0 on their component.
    pairs : iterable of (u, v)
    weights : AllianceWeights
        Component weights and scales (defaults: closure 0.35, activity 0.25, geography 0.20, themes 0.10,
        alliances 0.05, ties 0.05, bridging 0; see :class:`AllianceWeights` for why), or weights fitted on the
        territory's history with :func:`queries.evaluation.calibrate_weights`.
    comembership : networkx.Graph, optional
        The co-membership graph (``weight`` = shared alliances); without it the alliances component is 0.
    as_of : date or ISO str, optional
        Reference date of the recency weighting (default: ``G.graph["as_of"]``, else the latest tie start).

    Returns
    -------
    dict
        ``(u, v) -> score``.

    Examples
    --------
    >>> G = nx.Graph([("a", "w"), ("b", "w"), ("c", "w"), ("c", "x")])
    >>> nx.set_node_attributes(G, "association", "sector")
    >>> s = alliance_score(G, [("a", "b"), ("a", "x")])  # a, x: no partner in common, only their activity
    >>> s[("a", "b")] > s[("a", "x")] > 0.0
    True
    """
    pairs = list(pairs)
    comp = alliance_components(G, pairs, weights=weights, comembership=comembership, as_of=as_of, index=index)
    return {pair: float(s) for pair, s in zip(pairs, comp["score"])}

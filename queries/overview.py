"""A first look at a territory's network: what `catalyse stats` prints.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_nodes_from([("a", {"sector": "association"}), ("b", {"sector": "company"}),
...                   ("c", {"sector": "association"}), ("d", {"sector": "company"})])
>>> G.add_edges_from([("a", "b", {"types": ("partnership",)}), ("b", "c", {"types": ("funding", "exchange")})])
>>> o = overview(G)
>>> o["density"], o["components"], o["largest_component"], o["isolates"]
(0.3333333333333333, 2, 3, 1)
>>> o["by_sector"]
{'association': 2, 'company': 2}
>>> o["cross_sector_share"]
1.0
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


def overview(G: nx.Graph, *, group: str = "sector") -> dict:
    """Counts by group and by tie type, density, components, isolates and the share of cross-group edges.

    Parameters
    ----------
    G : networkx.Graph or DiGraph
        A tie graph as `graphcore.projection.tie_graph` builds it (edge attribute ``types``).
    group : str
        The node attribute that defines groups (default ``sector``).

    Returns
    -------
    dict
        ``organisations``, ``edges``, ``density`` (networkx's, directed or not), ``components`` (weakly
        connected for a DiGraph), ``largest_component``, ``isolates``, ``by_sector`` (group → count, most first),
        ``by_tie_type`` (type → number of edges carrying it, most first, then by code), ``cross_sector_share`` (edges whose ends are in
        different groups, over edges with both ends grouped; None without edges).
    """
    comps = list(nx.weakly_connected_components(G) if G.is_directed() else nx.connected_components(G))
    groups = Counter(d.get(group) for _, d in G.nodes(data=True))
    types = Counter(t for *_, d in G.edges(data=True) for t in d.get("types", ()))
    grouped = [(G.nodes[u].get(group), G.nodes[v].get(group)) for u, v in G.edges()]
    grouped = [(a, b) for a, b in grouped if a is not None and b is not None]
    return {
        "organisations": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "density": nx.density(G) if G.number_of_nodes() > 1 else 0.0,
        "components": len(comps),
        "largest_component": max((len(c) for c in comps), default=0),
        "isolates": sum(1 for c in comps if len(c) == 1),
        "by_sector": dict(groups.most_common()),
        "by_tie_type": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "cross_sector_share": (sum(a != b for a, b in grouped) / len(grouped)) if grouped else None,
    }


def overview_arrays(arrays) -> dict:
    """:func:`overview` of the undirected tie graph computed from a store's arrays (`Store.tie_arrays`), without
    building it: the same dict as ``overview(tie_graph(store.dataset(as_of=...)))`` (groups are sectors).

    Examples
    --------
    >>> from catalyse.graphcore.model import Dataset, Organisation, Tie
    >>> from catalyse.graphcore.projection import TieArrays, TieColumns
    >>> data = Dataset([Organisation(x, x, s) for x, s in zip("abcd", ["association", "company"] * 2)],
    ...                ties=[Tie("a", "b", "partnership"), Tie("b", "c", "funding"), Tie("b", "c", "exchange")])
    >>> o = overview_arrays(TieArrays.from_columns(TieColumns.from_dataset(data)))
    >>> o["edges"], o["density"], o["components"], o["isolates"], o["by_tie_type"], o["cross_sector_share"]
    (2, 0.3333333333333333, 2, 1, {'exchange': 1, 'funding': 1, 'partnership': 1}, 1.0)
    """
    n = arrays.n
    u, v, _ = arrays.pairs()
    m = len(u)
    if n:
        A = sp.coo_array((np.ones(m), (u, v)), shape=(n, n))
        count, labels = connected_components(A, directed=False)
        sizes = np.bincount(labels)
    else:
        count, sizes = 0, np.zeros(0, dtype=np.int64)
    density = 0.0
    if m and n > 1:
        density = m / (n * (n - 1))
        density *= 2
    # a pair carries a type when one of its ties has it: distinct (pair, type) combinations
    lo, hi = np.minimum(arrays.src, arrays.dst), np.maximum(arrays.src, arrays.dst)
    k = max(len(arrays.type_codes), 1)
    combos = np.unique((lo * max(n, 1) + hi) * k + arrays.type)
    per_type = np.bincount(combos % k, minlength=len(arrays.type_codes))
    types = {arrays.type_codes[t]: int(c) for t, c in enumerate(per_type.tolist()) if c}
    _, sector = np.unique(np.array(arrays.sectors, dtype=object), return_inverse=True) if n else (None, [])
    sector = np.asarray(sector).ravel()
    return {
        "organisations": n,
        "edges": m,
        "density": density,
        "components": int(count),
        "largest_component": int(sizes.max()) if n else 0,
        "isolates": int((sizes == 1).sum()),
        "by_sector": dict(Counter(arrays.sectors).most_common()),
        "by_tie_type": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "cross_sector_share": float((sector[u] != sector[v]).sum() / m) if m else None,
    }

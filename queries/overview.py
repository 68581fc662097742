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
        ``by_tie_type`` (type → number of edges carrying it), ``cross_sector_share`` (edges whose ends are in
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
        "by_tie_type": dict(types.most_common()),
        "cross_sector_share": (sum(a != b for a, b in grouped) / len(grouped)) if grouped else None,
    }

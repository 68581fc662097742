"""What catalysers' introductions came to: the relational work made visible.

Examples
--------
>>> import datetime as dt, networkx as nx
>>> from graphcore.model import Introduction
>>> G = nx.Graph()
>>> G.add_nodes_from([("c", {"sector": "association"}), ("a", {"sector": "company"}),
...                   ("b", {"sector": "local_authority"}), ("d", {"sector": "company"})])
>>> G.add_edge("a", "b")
>>> intros = [Introduction("c", "a", "b", dt.date(2024, 3, 1), outcome="alliance_formed"),
...           Introduction("c", "a", "d", dt.date(2025, 1, 9), outcome="declined")]
>>> row = catalyser_activity(G, intros)["c"]
>>> row["introductions"], row["alliance_formed"], row["conversion"], row["cross_sector_share"], row["now_tied"]
(2, 1, 0.5, 0.5, 1)
>>> row["by_year"]
{2024: {'introductions': 1, 'alliance_formed': 1}, 2025: {'introductions': 1, 'alliance_formed': 0}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import networkx as nx

from catalyse.graphcore.vocab import codes

OUTCOMES = codes("outcome")


def catalyser_activity(G: nx.Graph, introductions: Iterable, *, liaison: dict | None = None) -> dict:
    """Per catalyser: introductions made, their outcomes, conversion into alliances, cross-sector share, years.

    Parameters
    ----------
    G : networkx graph
        The tie graph now (node attribute ``sector``), to tell which introduced pairs are tied today.
    introductions : iterable of `graphcore.model.Introduction`
    liaison : dict, optional
        node → liaison brokerage count (e.g. from `queries.brokerage.brokerage`), reported for each catalyser.

    Returns
    -------
    dict
        catalyser id → ``{"introductions", <one count per outcome>, "conversion"`` (alliances formed ÷
        introductions), ``"met_or_better"`` (met or alliance formed ÷ introductions), ``"cross_sector_share"``
        (introductions between two different sectors ÷ introductions), ``"now_tied"`` (introduced pairs tied in
        `G`), ``"by_year"`` (year → introductions and alliances formed), ``"liaison"`` (when given)}``,
        catalysers in id order.
    """
    by_cat: dict = {}
    for i in introductions:
        by_cat.setdefault(i.catalyser, []).append(i)
    out = {}
    for cat in sorted(by_cat):
        intros = by_cat[cat]
        n = len(intros)
        outcomes = Counter(i.outcome for i in intros)
        sectors = [
            (G.nodes[i.a].get("sector"), G.nodes[i.b].get("sector")) if i.a in G and i.b in G else (None, None)
            for i in intros
        ]
        years: dict[int, dict] = {}
        for i in sorted(intros, key=lambda i: i.date):
            y = years.setdefault(i.date.year, {"introductions": 0, "alliance_formed": 0})
            y["introductions"] += 1
            y["alliance_formed"] += i.outcome == "alliance_formed"
        row = {
            "introductions": n,
            **{o: outcomes.get(o, 0) for o in OUTCOMES},
            "conversion": outcomes.get("alliance_formed", 0) / n,
            "met_or_better": (outcomes.get("met", 0) + outcomes.get("alliance_formed", 0)) / n,
            "cross_sector_share": sum(1 for a, b in sectors if a is not None and b is not None and a != b) / n,
            "now_tied": sum(1 for i in intros if G.has_edge(i.a, i.b) or (G.is_directed() and G.has_edge(i.b, i.a))),
            "by_year": years,
        }
        if liaison is not None:
            row["liaison"] = liaison.get(cat, 0)
        out[cat] = row
    return out

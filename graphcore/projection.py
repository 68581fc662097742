"""Project a `Dataset` to the networkx graphs that analyses and views take (see docs/graphs.md).

The stores never build graphs themselves: they return a `Dataset` and these pure functions do the rest, so the
same data in either store gives identical graphs (nodes and edges are inserted in sorted order).

Examples
--------
>>> from graphcore.model import Dataset, Organisation, Tie
>>> data = Dataset([Organisation("a", "Asso Él", "association"), Organisation("b", "Mairie", "local_authority"),
...                 Organisation("c", "SCOP", "social_economy")],
...                ties=[Tie("a", "b", "partnership", weight=2.0), Tie("a", "b", "exchange"),
...                      Tie("b", "c", "funding", directed=True)])
>>> G = tie_graph(data)
>>> G.edges["a", "b"]
{'weight': 3.0, 'types': ('exchange', 'partnership'), 'ties': 2}
>>> D = tie_graph(data, directed=True)
>>> sorted(D.edges())
[('a', 'b'), ('b', 'a'), ('b', 'c')]
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

import networkx as nx
import numpy as np

from .model import Dataset, Organisation, Tie
from .territory import Territory

ALLIANCE_PREFIX = "alliance:"


def org_attributes(org: Organisation, metiers: tuple[str, ...] | None) -> dict:
    """Node attributes of an organisation: optional ones absent when unknown (never None)."""
    attrs = {"name": org.name, "sector": org.sector, "catalyser": metiers is not None}
    if metiers is not None:
        attrs["metiers"] = tuple(metiers)
    for key in ("commune", "epci", "departement", "region", "lat", "lon"):
        value = getattr(org, key)
        if value is not None:
            attrs[key] = value
    attrs["themes"] = tuple(org.themes)
    attrs["tags"] = tuple(org.tags)
    for key in ("siren", "siret", "rna", "website"):
        value = getattr(org, key)
        if value is not None:
            attrs[key] = value
    for key, value in sorted(org.extra.items()):
        attrs.setdefault(key, value)
    return attrs


def _add_organisations(G: nx.Graph, data: Dataset, **extra) -> None:
    metiers = {c.org: c.metiers for c in data.catalysers}
    for org in sorted(data.organisations, key=lambda o: o.id):
        G.add_node(org.id, **org_attributes(org, metiers.get(org.id)), **extra)


def _select(ties: Iterable[Tie], as_of: _dt.date | None, types) -> list[Tie]:
    wanted = set(types) if types else None
    return sorted(
        (t for t in ties if (as_of is None or t.active_on(as_of)) and (wanted is None or t.type in wanted)),
        key=lambda t: t.key,
    )


def tie_graph(
    data: Dataset, *, directed: bool = False, as_of: _dt.date | None = None, types=None, multigraph: bool = False
) -> nx.Graph:
    """The organisation–organisation tie graph.

    Parameters
    ----------
    data : Dataset
    directed : bool
        DiGraph view: a directed tie gives one arc, an undirected tie two.
    as_of : date, optional
        Only ties active on that date (unknown start or end counts as open).
    types : iterable of str, optional
        Keep only these tie types.
    multigraph : bool
        One edge per tie (keyed by `Tie.key`) instead of one aggregated edge per pair.
    """
    if multigraph:
        G = nx.MultiDiGraph() if directed else nx.MultiGraph()
    else:
        G = nx.DiGraph() if directed else nx.Graph()
    G.graph.update(kind="ties", as_of=as_of.isoformat() if as_of else None, directed=directed)
    _add_organisations(G, data)
    for t in _select(data.ties, as_of, types):
        arcs = [(t.source, t.target)]
        if directed and not t.directed:
            arcs.append((t.target, t.source))
        for u, v in arcs:
            if multigraph:
                attrs = {"type": t.type, "directed": t.directed, "weight": t.weight}
                for k in ("start", "end"):
                    if getattr(t, k):
                        attrs[k] = getattr(t, k).isoformat()
                if t.provenance is not None:
                    attrs["provenance"] = t.provenance
                if t.confidence is not None:
                    attrs["confidence"] = t.confidence
                G.add_edge(u, v, key=t.key, **attrs)
            elif G.has_edge(u, v):
                e = G.edges[u, v]
                e["weight"] += t.weight
                e["types"] = tuple(sorted(set(e["types"]) | {t.type}))
                e["ties"] += 1
                if t.start and ("start" not in e or t.start.isoformat() < e["start"]):
                    e["start"] = t.start.isoformat()
            else:
                attrs = {"weight": t.weight, "types": (t.type,), "ties": 1}
                if t.start:
                    attrs["start"] = t.start.isoformat()
                G.add_edge(u, v, **attrs)
    return G


def alliance_graph(data: Dataset, *, as_of: _dt.date | None = None) -> nx.Graph:
    """The bipartite organisation–alliance graph; alliance nodes are keyed ``"alliance:<id>"``."""
    B = nx.Graph()
    B.graph.update(kind="alliances", as_of=as_of.isoformat() if as_of else None)
    _add_organisations(B, data, kind="organisation", bipartite=0)
    for a in sorted(data.alliances, key=lambda a: a.id):
        if as_of is not None and not a.active_on(as_of):
            continue
        attrs = {"kind": "alliance", "bipartite": 1, "name": a.name, "themes": tuple(a.themes), "status": a.status}
        for key in ("start", "end"):
            if getattr(a, key):
                attrs[key] = getattr(a, key).isoformat()
        for key in ("commune", "epci", "departement", "region"):
            if getattr(a, key):
                attrs[key] = getattr(a, key)
        node = ALLIANCE_PREFIX + a.id
        B.add_node(node, **attrs)
        for m in a.members:
            B.add_edge(m.org, node, role=m.role)
    return B


def comembership_graph(
    data: Dataset, *, as_of: _dt.date | None = None, formed_before: _dt.date | None = None
) -> nx.Graph:
    """Organisations sharing alliances: ``weight`` = number shared, ``alliances`` = their ids.

    `formed_before` keeps only the alliances that started before that date (undated ones too): the training view
    of a temporal evaluation, in which alliances formed during the test period must not leak.

    >>> from catalyse.graphcore.model import Alliance, Membership, Organisation
    >>> orgs = [Organisation(x, x, "association") for x in "abc"]
    >>> late = Alliance("A1", "late", start=_dt.date(2024, 3, 1), members=(Membership("a"), Membership("b")))
    >>> C = comembership_graph(Dataset(orgs, alliances=[late]), formed_before=_dt.date(2024, 1, 1))
    >>> C.number_of_edges(), comembership_graph(Dataset(orgs, alliances=[late])).number_of_edges()
    (0, 1)
    """
    G = nx.Graph()
    G.graph.update(kind="comembership", as_of=as_of.isoformat() if as_of else None)
    _add_organisations(G, data)
    shared: dict[tuple[str, str], list[str]] = {}
    for a in sorted(data.alliances, key=lambda a: a.id):
        if as_of is not None and not a.active_on(as_of):
            continue
        if formed_before is not None and a.start is not None and a.start >= formed_before:
            continue
        members = sorted({m.org for m in a.members})
        for i, u in enumerate(members):
            for v in members[i + 1 :]:
                shared.setdefault((u, v), []).append(a.id)
    for (u, v), ids in sorted(shared.items()):
        G.add_edge(u, v, weight=len(ids), alliances=tuple(ids))
    return G


def restrict(G: nx.Graph, *, territory: str | Territory | None = None, sectors: Iterable[str] = ()) -> nx.Graph:
    """The subgraph of organisations in `territory` (a :class:`~catalyse.graphcore.territory.Territory` or its
    text) and in one of `sectors` (all when empty); graph attributes kept.

    >>> G = nx.Graph([("a", "b")]); G.nodes["a"].update(sector="company", commune="26362")
    >>> list(restrict(G, territory="26").nodes)
    ['a']
    """
    sectors = tuple(sectors)
    if not territory and not sectors:
        return G
    keep = list(G.nodes)
    if territory:
        where = Territory.parse(territory)
        keep = [n for n in keep if where.contains(G.nodes[n])]
    if sectors:
        wanted = set(sectors)
        keep = [n for n in keep if G.nodes[n].get("sector") in wanted]
    H = G.subgraph(keep).copy()
    H.graph.update(G.graph)
    return H


def graphs_identical(G: nx.Graph, H: nx.Graph) -> bool:
    """Same type, graph attributes, nodes and edges with the same attributes, in the same order."""
    if type(G) is not type(H) or G.graph != H.graph:
        return False
    if list(G.nodes(data=True)) != list(H.nodes(data=True)):
        return False
    if G.is_multigraph():
        return list(G.edges(keys=True, data=True)) == list(H.edges(keys=True, data=True))
    return list(G.edges(data=True)) == list(H.edges(data=True))


@dataclass
class TieColumns:
    """The tie graph's input in columns, as a store reads it without a model object per row (`Store.tie_columns`).

    `nodes`: ``(id, attributes)`` sorted by id, the attributes of `org_attributes`; the tie columns are parallel
    lists in tie-key order: `source`, `target`, `type`, `directed`, `weight` and `start` (ISO text or None).
    `as_of`: the date the ties were selected on (None: all).
    """

    nodes: list[tuple[str, dict]] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    directed: list[bool] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    start: list[str | None] = field(default_factory=list)
    as_of: _dt.date | None = None

    @classmethod
    def from_dataset(cls, data: Dataset, *, as_of: _dt.date | None = None) -> TieColumns:
        """The columns of `data` (the object path; the stores read them directly)."""
        metiers = {c.org: c.metiers for c in data.catalysers}
        cols = cls(
            nodes=[
                (o.id, org_attributes(o, metiers.get(o.id))) for o in sorted(data.organisations, key=lambda o: o.id)
            ],
            as_of=as_of,
        )
        for t in _select(data.ties, as_of, None):
            cols.source.append(t.source)
            cols.target.append(t.target)
            cols.type.append(t.type)
            cols.directed.append(t.directed)
            cols.weight.append(t.weight)
            cols.start.append(t.start.isoformat() if t.start else None)
        return cols


def tie_graph_columns(columns: TieColumns, *, directed: bool = False, types=None) -> nx.Graph:
    """`tie_graph` built in bulk from columns: the same graph (nodes, edges, their attributes and order) as
    ``tie_graph(data, directed=, as_of=columns.as_of, types=)``; one aggregated edge per pair (no multigraph).

    >>> from graphcore.model import Dataset, Organisation, Tie
    >>> data = Dataset([Organisation("a", "Asso", "association"), Organisation("b", "Mairie", "local_authority")],
    ...                ties=[Tie("a", "b", "partnership", weight=2.0), Tie("b", "a", "exchange")])
    >>> tie_graph_columns(TieColumns.from_dataset(data)).edges["a", "b"]
    {'weight': 3.0, 'types': ('exchange', 'partnership'), 'ties': 2}
    """
    G = nx.DiGraph() if directed else nx.Graph()
    as_of = columns.as_of
    G.graph.update(kind="ties", as_of=as_of.isoformat() if as_of else None, directed=directed)
    G.add_nodes_from(columns.nodes)
    known = G._node
    unknown = (set(columns.source) | set(columns.target)) - known.keys()
    if unknown:
        raise ValueError(f"ties refer to organisations that are not among the nodes: {sorted(unknown)[:3]}")
    wanted = set(types) if types else None
    # first arc of each pair, in tie-key order -> [weight, types, ties, start]; an undirected graph's pair is keyed
    # in sorted order (the orientation of an undirected edge changes nothing in the graph, not even its order)
    edges: dict[tuple[str, str], list] = {}
    get = edges.get
    for u, v, kind, one_way, weight, start in zip(
        columns.source, columns.target, columns.type, columns.directed, columns.weight, columns.start
    ):
        if wanted is not None and kind not in wanted:
            continue
        if directed:
            arcs: tuple = ((u, v), (v, u)) if not one_way else ((u, v),)
        else:
            arcs = ((u, v) if u < v else (v, u),)
        for arc in arcs:
            e = get(arc)
            if e is None:
                edges[arc] = [weight, kind, 1, start]
            else:
                e[0] += weight
                e[1] = (e[1] | {kind}) if isinstance(e[1], set) else {e[1], kind}
                e[2] += 1
                if start is not None and (e[3] is None or start < e[3]):
                    e[3] = start
    # filled straight into networkx's adjacency dicts, in the order add_edges_from would insert them (the same
    # graph, ~5x faster on a million edges: add_edges_from checks and copies every attribute dict)
    succ = G._adj
    pred = G._pred if directed else succ
    for (u, v), (w, ks, n, s) in edges.items():
        attrs = {"weight": w, "types": tuple(sorted(ks)) if isinstance(ks, set) else (ks,), "ties": n}
        if s is not None:
            attrs["start"] = s
        succ[u][v] = attrs
        pred[v][u] = attrs
    return G


def start_days(starts: Iterable[str | None]) -> np.ndarray:
    """Tie starts (ISO text or None) as days (``datetime64[D]``, NaT when undated), read as `GraphIndex` reads a
    tie graph's ``start`` (its first ten characters).

    >>> start_days(["2021-03-04", None, "2019"]).tolist()
    [datetime.date(2021, 3, 4), None, datetime.date(2019, 1, 1)]
    """
    return np.array([s[:10] if s else "NaT" for s in starts], dtype="datetime64[D]")


@dataclass
class TieArrays:
    """The tie network as numpy arrays, for the analyses that take arrays (`catalyse stats`, `brokers`): no
    networkx graph and no Python object per tie. `Store.tie_arrays` reads it.

    `ids` (sorted), `names` and `sectors` are parallel lists, one entry per organisation; node ``i`` is ``ids[i]``.
    The tie arrays are parallel, one entry per tie active on `as_of` (in no particular order): `src`, `dst` (node
    positions, int64), `type` (codes into `type_codes`), `directed` (bool) and `weight` (float64); `start`, when
    the arrays were read with their dates (``Store.tie_arrays(start=True)``, `from_columns`), each tie's start day
    (``datetime64[D]``, NaT when undated), and the ties are then in tie-key order (the order `tie_graph` sums them in).

    >>> from graphcore.model import Dataset, Organisation, Tie
    >>> data = Dataset([Organisation("b", "Mairie", "local_authority"), Organisation("a", "Asso", "association")],
    ...                ties=[Tie("a", "b", "partnership", weight=2.0), Tie("b", "a", "funding", directed=True)])
    >>> arr = TieArrays.from_columns(TieColumns.from_dataset(data))
    >>> arr.ids, arr.src.tolist(), arr.dst.tolist(), [arr.type_codes[t] for t in arr.type]
    (['a', 'b'], [0, 1], [1, 0], ['partnership', 'funding'])
    >>> u, v, w = arr.pairs(); u.tolist(), v.tolist(), w.tolist()     # one undirected pair, weights summed
    ([0], [1], [3.0])
    >>> u, v, w = arr.pairs(directed=True); u.tolist(), v.tolist(), w.tolist()   # arcs of the directed view
    ([0, 1], [1, 0], [2.0, 3.0])
    """

    ids: list[str]
    names: list[str]
    sectors: list[str]
    src: np.ndarray
    dst: np.ndarray
    type: np.ndarray
    type_codes: list[str]
    directed: np.ndarray
    weight: np.ndarray
    as_of: _dt.date | None = None
    start: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def from_rows(
        cls,
        orgs: Iterable[tuple[str, str, str]],
        ties: Iterable[tuple[str, str, str, bool, float]],
        *,
        as_of: _dt.date | None = None,
        start: bool = False,
    ) -> TieArrays:
        """From ``(id, name, sector)`` rows (any order) and ``(source, target, type, directed, weight)`` rows;
        with `start`, the tie rows have a sixth field, the tie's start (ISO text or None)."""
        orgs = sorted(orgs)
        ids = [o[0] for o in orgs]
        pos = {x: i for i, x in enumerate(ids)}
        rows = ties if isinstance(ties, list) else list(ties)
        m = len(rows)
        codes: dict[str, int] = {}
        kind = np.fromiter((codes.setdefault(k, len(codes)) for k in map(itemgetter(2), rows)), dtype=np.int64, count=m)
        # type codes in sorted order (stable across stores and row orders)
        names = sorted(codes)
        remap = np.array([names.index(k) for k in codes], dtype=np.int64)
        return cls(
            ids=ids,
            names=[o[1] for o in orgs],
            sectors=[o[2] for o in orgs],
            src=np.fromiter(map(pos.__getitem__, map(itemgetter(0), rows)), dtype=np.int64, count=m),
            dst=np.fromiter(map(pos.__getitem__, map(itemgetter(1), rows)), dtype=np.int64, count=m),
            type=remap[kind] if m else kind,
            type_codes=names,
            directed=np.fromiter(map(bool, map(itemgetter(3), rows)), dtype=bool, count=m),
            weight=np.fromiter(map(itemgetter(4), rows), dtype=np.float64, count=m),
            as_of=as_of,
            start=start_days(map(itemgetter(5), rows)) if start else None,
        )

    @classmethod
    def from_columns(cls, columns: TieColumns) -> TieArrays:
        """The arrays of `columns` (the path of a store without a direct array read, e.g. Neo4j)."""
        return cls.from_rows(
            ((i, a["name"], a["sector"]) for i, a in columns.nodes),
            list(zip(columns.source, columns.target, columns.type, columns.directed, columns.weight, columns.start)),
            as_of=columns.as_of,
            start=True,
        )

    def subset(self, sel: np.ndarray | slice) -> TieArrays:
        """The same organisations with the ties `sel` only (an index into the tie arrays, e.g. `select`'s)."""
        return dataclasses.replace(
            self,
            src=self.src[sel],
            dst=self.dst[sel],
            type=self.type[sel],
            directed=self.directed[sel],
            weight=self.weight[sel],
            start=None if self.start is None else self.start[sel],
        )

    def select(self, types: Iterable[str] | None) -> np.ndarray | slice:
        """The ties of these types (all when None), as an index into the tie arrays."""
        if not types:
            return slice(None)
        wanted = [i for i, t in enumerate(self.type_codes) if t in set(types)]
        return np.flatnonzero(np.isin(self.type, wanted))

    def pairs(self, *, directed: bool = False, types: Iterable[str] | None = None):
        """``(u, v, weight)`` of the tie graph: undirected, one entry per tied pair ``u < v`` (weights of its ties
        summed), as `tie_graph`; `directed`, one entry per arc (an undirected tie is two arcs, a directed tie
        one, weights summed per arc), as ``tie_graph(directed=True)``; sorted by ``(u, v)``."""
        sel = self.select(types)
        s, t, w = self.src[sel], self.dst[sel], self.weight[sel]
        if directed:
            both = ~self.directed[sel]
            s, t, w = np.concatenate((s, t[both])), np.concatenate((t, s[both])), np.concatenate((w, w[both]))
        else:
            s, t = np.minimum(s, t), np.maximum(s, t)
        n = max(self.n, 1)
        keys, inverse = np.unique(s * n + t, return_inverse=True)
        return keys // n, keys % n, np.bincount(inverse.ravel(), weights=w, minlength=len(keys))

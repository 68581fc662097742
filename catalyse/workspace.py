"""The application layer: every user-level operation of catalyse, once, over one store.

The CLI (`catalyse.cli`), the web workspace and Python users call the same :class:`Workspace` methods; they only
parse their input and render what comes back. Results are plain data — dicts and lists with stable English keys
and codes, floats at full precision, model objects — and `catalyse.i18n` turns them into French or English.

A workspace loads each territory's graph once (:meth:`Workspace.network`) and computes on it, once, what several
operations share — above all the community partition that the metrics, the suggestions' reasons and the map's
layout all show. Every write through the workspace drops what was loaded, so the next read sees it.

Examples
--------
>>> from catalyse.graphcore.demo import generate_territory
>>> from catalyse.graphcore.stores import SqliteStore
>>> ws = Workspace(SqliteStore(":memory:", create=True))
>>> summary = ws.store.write(generate_territory(60, seed=3))
>>> ws.stats()["counts"]["organisations"]
60
>>> pairs = ws.territory_suggestions(limit=3)
>>> len(pairs), len({frozenset(s.pair) for s in pairs})   # each pair once
(3, 3)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import difflib
import gc
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx

from catalyse.graphcore import fields as F
from catalyse.graphcore import vocab
from catalyse.graphcore.model import Dataset, Introduction, Organisation, Tie
from catalyse.graphcore.projection import (
    TieArrays,
    TieColumns,
    alliance_graph,
    comembership_graph,
    restrict,
    tie_graph_columns,
)
from catalyse.graphcore.stores.base import Store, WriteSummary
from catalyse.graphcore.territory import Territory
from catalyse.graphcore.vocab import _fold

__all__ = ["Workspace", "Filters", "Network", "CatalyseError", "NotFound", "WEIGHT_DEFAULT"]

#: The tie attribute that weights Burt's measures, centralities and communities unless ``weight=None``
#: (researchers comparing with sna or UCINET's binary measures use ``None``).
WEIGHT_DEFAULT = "weight"
#: The measures a map can size its organisations by.
MEASURES = ("degree", "betweenness", "brokerage", "constraint")
#: The suggested pairs a report lists (the first of `suggest --all`'s list).
REPORT_PAIRS = 15
#: Where communities, clustering and betweenness are computed: in Python (networkx, any store) or inside Neo4j
#: with the Graph Data Science plugin (`catalyse.queries.gds`, a Neo4j store whose server has GDS).
ENGINES = ("networkx", "gds")


@contextlib.contextmanager
def _gc_paused():
    """No cyclic garbage collection while a graph's millions of acyclic objects are made (each automatic full
    collection would walk them all again)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class CatalyseError(Exception):
    """A user-facing error of an operation: one line, meant for a person (the CLI prints it, the web shows it)."""


class NotFound(CatalyseError):
    """An organisation, introduction or catalyser that is not in the store (the message suggests the nearest)."""


@dataclass(frozen=True)
class Filters:
    """Which part of the network an analysis looks at: a date, a territory, sectors, tie types.

    >>> Filters.parse(territory="region:84", sectors=["ESS"], types=["partenariat"])
    Filters(as_of=None, territory=Territory(level='region', code='84'), sectors=('social_economy',), \
types=('partnership',))
    """

    as_of: _dt.date | None = None
    territory: Territory | None = None
    sectors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls,
        *,
        as_of: _dt.date | str | None = None,
        territory: str | Territory | None = None,
        sectors: Iterable[str] = (),
        types: Iterable[str] = (),
    ) -> Filters:
        """Filters from what a person typed (labels or codes, any case); raises `CatalyseError` on a bad value."""
        try:
            day = F.parse_date(as_of) if isinstance(as_of, str) else as_of
            return cls(
                as_of=day,
                territory=Territory.parse(territory) if territory else None,
                sectors=tuple(vocab.parse("sector", s) for s in sectors),
                types=tuple(vocab.parse("tie_type", t) for t in types),
            )
        except (F.FieldError, vocab.VocabularyError) as exc:
            raise CatalyseError(str(exc)) from None


class Network:
    """One loaded graph of the territory: the dataset and the tie graph with the filters applied, plus what is
    computed once from them (the directed view, the co-membership graph, the community partition).

    Everything is loaded lazily, once: `arrays` (the store's `TieArrays`, what `stats` and `brokers` compute on),
    `graph` and `directed` (networkx, built in bulk from the store's columns), `data` (the whole `Dataset`, for
    the co-membership graph, introductions and names). `data` may be given already loaded."""

    def __init__(
        self,
        data: Dataset | Callable[[], Dataset],
        filters: Filters,
        store: Store | None = None,
        status: Callable[[str], None] | None = None,
        *,
        partitioner: Callable | None = None,
    ):
        if isinstance(data, Dataset):
            self.__dict__["data"] = data
        else:
            self._load_data = data
        self.filters = filters
        self.store = store
        self.status = status or (lambda message: None)
        self._partitions: dict[str | None, dict] = {}
        self._partitioner = partitioner  # (network, weight) -> membership: the gds engine's Louvain

    @cached_property
    def data(self) -> Dataset:
        """The whole dataset as of the filters' date (loaded on first use)."""
        self.status("loading the territory…")
        return self._load_data()

    @cached_property
    def relations(self) -> Dataset:
        """The dataset without its ties (organisations, catalysers, alliances and introductions as of the filters'
        date): what the co-membership graph, the introductions and the names need, without a `Tie` per row."""
        if "data" in self.__dict__ or self.store is None:
            return dataclasses.replace(self.data, ties=[])
        self.status("loading the alliances…")
        as_of = self.filters.as_of
        intros = self.store.introductions()
        if as_of is not None:
            intros = [i for i in intros if i.date <= as_of]
        return Dataset(
            self.store.organisations(), self.store.catalysers(), self.store.alliances(as_of=as_of), [], intros
        )

    def _part(self, name: str) -> list:
        if "data" in self.__dict__ or "relations" in self.__dict__ or self.store is None:
            return list(getattr(self.relations, name))
        as_of = self.filters.as_of
        if name == "alliances":
            return self.store.alliances(as_of=as_of)
        return [i for i in self.store.introductions() if as_of is None or i.date <= as_of]

    @cached_property
    def introductions(self) -> list[Introduction]:
        """The introductions recorded up to the filters' date (read alone when nothing else is loaded)."""
        return self._part("introductions")

    @cached_property
    def alliances(self) -> list:
        """The alliances active on the filters' date, with their members (read alone when nothing else is)."""
        return self._part("alliances")

    def comembership_matrix(self, pos: dict[str, int]):
        """Shared-alliance counts as a symmetric CSR matrix over the positions `pos` (the co-membership graph's
        weights, as `GraphIndex.set_comembership` makes them, from the alliance × organisation incidence)."""
        import numpy as np
        import scipy.sparse as sp

        if self.store is not None and not ({"data", "relations", "alliances"} & self.__dict__.keys()):
            pairs = self.store.memberships(as_of=self.filters.as_of)  # no `Alliance` per row
        else:
            pairs = [(a.id, m.org) for a in self.alliances for m in a.members]
        column: dict[str, int] = {}
        rows, cols = [], []
        for alliance, org in set(pairs):
            if org in pos:
                rows.append(pos[org])
                cols.append(column.setdefault(alliance, len(column)))
        n = len(pos)
        B = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(column), 1)))
        M = sp.csr_array(B @ B.T)
        M.setdiag(0)
        M.eliminate_zeros()
        M.sort_indices()
        return M

    @property
    def plain(self) -> bool:
        """No territory or sector restriction: the arrays describe the whole graph."""
        return not self.filters.territory and not self.filters.sectors

    @cached_property
    def columns(self) -> TieColumns:
        if self.store is not None and "data" not in self.__dict__:
            self.status("loading the network…")
            with _gc_paused():
                return self.store.tie_columns(as_of=self.filters.as_of)
        return TieColumns.from_dataset(self.data, as_of=self.filters.as_of)

    @cached_property
    def arrays(self) -> TieArrays:
        """The store's organisations and ties as arrays (`Store.tie_arrays`), ties of the filters' types only
        when they name some."""
        if self.store is not None and "data" not in self.__dict__:
            self.status("loading the network…")
            arr = self.store.tie_arrays(as_of=self.filters.as_of)
        else:
            arr = TieArrays.from_columns(self.columns)
        return self._typed(arr)

    def _typed(self, arr: TieArrays) -> TieArrays:
        return arr.subset(arr.select(self.filters.types)) if self.filters.types else arr

    @cached_property
    def dated_arrays(self) -> TieArrays:
        """`arrays` with the ties' start days, in tie-key order (`Store.tie_arrays` with ``start=True``): what the
        suggestion index and the partition of a large network are computed on, without a networkx graph."""
        if "arrays" in self.__dict__ and self.arrays.start is not None:
            return self.arrays
        if self._direct_arrays():
            assert self.store is not None  # _direct_arrays() says so
            self.status("loading the network…")
            with _gc_paused():
                return self._typed(self.store.tie_arrays(as_of=self.filters.as_of, start=True))
        return self._typed(TieArrays.from_columns(self.columns))

    def _direct_arrays(self) -> bool:
        """Read the arrays from the store itself: it has its own array read (else its `tie_arrays` goes through
        `tie_columns`, which the columns keep for the graph too) and nothing is loaded that has them."""
        return (
            self.store is not None
            and "data" not in self.__dict__
            and "columns" not in self.__dict__
            and type(self.store).tie_arrays is not Store.tie_arrays
        )

    @cached_property
    def node_columns(self) -> list[tuple[str, dict]]:
        """Every organisation with the node attributes the suggestion index reads (`GraphIndex.NODE_KEYS`; all
        of them when the columns are loaded), sorted by id (`Store.node_columns`)."""
        if self._direct_arrays():
            from catalyse.queries.link_prediction import GraphIndex

            assert self.store is not None  # _direct_arrays() says so
            with _gc_paused():
                return self.store.node_columns(keys=GraphIndex.NODE_KEYS)
        return self.columns.nodes

    def _restricted(self, G: nx.Graph) -> nx.Graph:
        f = self.filters
        return restrict(G, territory=f.territory, sectors=f.sectors)

    def _build(self, directed: bool) -> nx.Graph:
        columns = self.columns
        self.status("building the graph…")
        with _gc_paused():
            G = tie_graph_columns(columns, directed=directed, types=self.filters.types or None)
            return self._restricted(G)

    @cached_property
    def graph(self) -> nx.Graph:
        """The undirected tie graph (one edge per tied pair)."""
        return self._build(False)

    @cached_property
    def directed(self) -> nx.DiGraph:
        """The directed tie graph (funding and other directed ties keep their direction; reciprocated arcs keep
        their own weights)."""
        return self._build(True)

    def __len__(self) -> int:
        """The number of organisations selected (without building a graph when nothing restricts them)."""
        if self.plain and "graph" not in self.__dict__:
            if "arrays" in self.__dict__ or self.store is None:
                return self.arrays.n
            return self.store.counts()["organisations"]
        return self.graph.number_of_nodes()

    def view(self, directed: bool) -> nx.Graph:
        return self.directed if directed else self.graph

    @cached_property
    def comembership(self) -> nx.Graph:
        return comembership_graph(self.relations, as_of=self.filters.as_of)

    @cached_property
    def introduced_pairs(self) -> set[tuple[str, str]]:
        """Pairs already introduced (whatever the outcome): never suggested again."""
        return {(i.a, i.b) for i in self.introductions}

    def partition(self, weight: str | None = WEIGHT_DEFAULT) -> dict:
        """The community partition {organisation: community} of the undirected graph (Louvain, seeded), computed
        once: the metrics, the suggestions' "would join two communities" and the map's clusters all use it.

        Above `structure.LARGE_GRAPH_TIES` tied pairs a network without territory or sector restriction computes
        it on its `dated_arrays` (`structure.louvain_pairs`, igraph's Louvain: the code path `communities` takes
        on such a graph), with or without the networkx graph built (weighted by ``weight`` or unweighted; another
        tie attribute needs the graph)."""
        if weight not in self._partitions:
            from catalyse.queries.structure import COMMUNITY_SEED, LARGE_GRAPH_TIES, communities, louvain_pairs

            self.status("computing the communities…")
            arrays = self.plain and self._partitioner is None and weight in (WEIGHT_DEFAULT, None)
            pairs = self._pairs() if arrays and self._ties() > LARGE_GRAPH_TIES else None
            if pairs is not None and len(pairs[0]) > LARGE_GRAPH_TIES:
                u, v, w = pairs
                ids = self.dated_arrays.ids
                lists = louvain_pairs(len(ids), u, v, w if weight is not None else None, seed=COMMUNITY_SEED)
                self._partitions[weight] = {ids[i]: k for k, c in enumerate(lists) for i in c}
            elif not len(self):
                self._partitions[weight] = {}
            elif self._partitioner is not None:
                self._partitions[weight] = self._partitioner(self, weight)
            else:
                self._partitions[weight] = communities(self.graph, weight=weight)["membership"]
        return self._partitions[weight]

    def _ties(self) -> int:
        """The number of ties in all (at least the number of tied pairs of any view), without reading them."""
        if "data" in self.__dict__ or self.store is None:
            return len(self.data.ties)
        if "arrays" in self.__dict__:
            return len(self.arrays.src)
        return self.store.counts()["ties"]

    def _pairs(self):
        """``(u, v, weight)`` of the undirected tie graph's pairs without self-loops, weights summed in tie-key
        order (the graph's own sums)."""
        arr = self.dated_arrays
        u, v, w = arr.pairs()
        keep = u != v
        return u[keep], v[keep], w[keep]

    def labels(self, weight: str | None = WEIGHT_DEFAULT):
        """`partition` as an array of community labels by position in `dated_arrays` (-1: none)."""
        import numpy as np

        part = self.partition(weight)
        return np.fromiter((part.get(x, -1) for x in self.dated_arrays.ids), dtype=np.int64, count=len(self))

    @cached_property
    def names(self) -> dict[str, str]:
        return {o.id: o.name for o in self.relations.organisations}


@dataclass
class Introduced:
    """What :meth:`Workspace.introduce` did."""

    introduction: Introduction
    new: bool
    warnings: list[str] = field(default_factory=list)


class PerOrgRows(list):
    """The rows of `Workspace.metrics_per_org`; `estimate` is None when betweenness and closeness are exact, else
    ``{"k": pivots, "delta": δ, "error_bound": ε}``: with probability at least 1 - δ every betweenness is within ε
    of the exact value (`queries.centrality.sampled_centralities`)."""

    def __init__(self, rows: Iterable[dict[str, Any]] = (), *, estimate: dict[str, Any] | None = None):
        super().__init__(rows)
        self.estimate = estimate


class Workspace:
    """Every user-level operation over one store, with the graphs loaded once (see the module docstring).

    Parameters
    ----------
    store : Store
        The embedded (SQLite) or Neo4j store.
    lang : {"fr", "en"}
        The language of the words the results carry (suggestions' reasons, views, report).
    engine : {"networkx", "gds"}
        Where the community partition, the clustering and the betweenness are computed: networkx (any store), or
        inside Neo4j with Graph Data Science (`catalyse.queries.gds`; a Neo4j store whose server has the plugin).
        Burt's measures and brokerage are always computed by catalyse.
    """

    def __init__(
        self,
        store: Store,
        *,
        lang: str = "fr",
        engine: str = "networkx",
        status: Callable[[str], None] | None = None,
    ):
        if lang not in ("fr", "en"):
            raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.store = store
        self.lang = lang
        self.engine = engine
        self._gds = None
        self._datasets: dict[_dt.date | None, Dataset] = {}
        self._networks: dict[Filters, Network] = {}
        self._status = status or (lambda message: None)

    # -- loading ---------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Forget what was loaded (called after every write through the workspace)."""
        self._datasets.clear()
        self._networks.clear()

    def dataset(self, as_of: _dt.date | None = None) -> Dataset:
        if as_of not in self._datasets:
            self._datasets[as_of] = self.store.dataset(as_of=as_of)
        return self._datasets[as_of]

    def network(self, filters: Filters | None = None, *, require: bool = True) -> Network:
        """The territory's graph with `filters` applied (loaded once per filters until the next write)."""
        filters = filters or Filters()
        if filters not in self._networks:
            as_of = filters.as_of
            loaded = self._datasets.get(as_of)
            partitioner = self._gds_partition if self.engine == "gds" else None
            self._networks[filters] = Network(
                loaded if loaded is not None else (lambda: self.dataset(as_of)),
                filters,
                self.store,
                self._status,
                partitioner=partitioner,
            )
        net = self._networks[filters]
        if require and len(net) == 0:
            raise CatalyseError("no organisation matches these filters")
        return net

    def write(
        self, data: Dataset, *, progress: Callable[[int], None] | None = None, bulk: bool = False
    ) -> WriteSummary:
        """Write `data` to the store and forget what was loaded: one transaction (all or nothing, up to the
        store's `atomic_limit` rows), or with `bulk` the store's `bulk_write` (any size; batches on Neo4j,
        reported exactly if it fails part-way)."""
        try:
            if bulk:
                return self.store.bulk_write(data, progress=progress)
            return self.store.write(data, progress=progress)
        finally:
            self.refresh()

    # -- the gds engine ---------------------------------------------------------------------------------------
    def gds(self):
        """The `catalyse.queries.gds.GdsEngine` of this store (`CatalyseError` if the store or server lacks it)."""
        if self._gds is None:
            from catalyse.queries.gds import GdsEngine, GdsUnavailable

            try:
                engine = GdsEngine(self.store)
                engine.version()
            except GdsUnavailable as exc:
                raise CatalyseError(str(exc)) from None
            self._gds = engine
        return self._gds

    def gds_projection(self, net: Network):
        """The network's tie graph projected into GDS (a `GdsGraph`: use it in a ``with`` block)."""
        f = net.filters
        ids = list(net.graph) if (f.territory or f.sectors) else None
        return self.gds().project(as_of=f.as_of, types=f.types or None, ids=ids)

    def _gds_partition(self, net: Network, weight: str | None) -> dict:
        with self.gds_projection(net) as g:
            return g.louvain(weight=weight)["membership"]

    # -- organisations ----------------------------------------------------------------------------------------
    def organisation(self, ref: str) -> Organisation:
        """The organisation whose id is `ref`, or whose name is `ref` (case and accents ignored).

        Raises `NotFound` (with the nearest ids or names) or `CatalyseError` (a name shared by several).
        """
        found = self.store.get_organisation(ref)
        if found is not None:
            return found
        key = _fold(ref)
        orgs = self._datasets[None].organisations if None in self._datasets else self.store.organisations()
        same = [o for o in orgs if _fold(o.name) == key]
        if len(same) == 1:
            return same[0]
        if len(same) > 1:
            ids = ", ".join(o.id for o in same[:5])
            raise CatalyseError(f"{len(same)} organisations are named {ref!r}: {ids}; give the id")
        hits = self.store.organisations(search=ref)[:3]
        if not hits:
            by_name = {_fold(o.name): o.id for o in orgs}
            close = difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.75)
            hits = [o for o in orgs if o.id in {by_name[c] for c in close}]
        hint = f"; did you mean {', '.join(h.id for h in hits)}?" if hits else ""
        raise NotFound(f"no organisation {ref!r} in {self.store.describe()}{hint}")

    def organisations(
        self,
        *,
        sector: str | None = None,
        territory: str | None = None,
        theme: str | None = None,
        search: str | None = None,
    ) -> list[Organisation]:
        """Organisations sorted by id, filtered (the same territory selector as every analysis)."""
        try:
            return self.store.organisations(
                sector=vocab.parse("sector", sector) if sector else None,
                territory=Territory.parse(territory) if territory else None,
                theme=F.parse_theme(theme) if theme else None,
                search=search,
            )
        except (F.FieldError, vocab.VocabularyError) as exc:
            raise CatalyseError(str(exc)) from None

    def profile(self, ref: str) -> dict[str, Any]:
        """Everything known about one organisation: its fields, catalyser métiers, ties and alliances (codes)."""
        o = self.organisation(ref)
        org = o.id
        ties = self.store.ties(org=org)
        roles = {c.org: c.metiers for c in self.store.catalysers()}
        record = o.to_record()
        record["catalyser_metiers"] = list(roles.get(org, ())) or None
        record["ties"] = [
            {
                "with": t.target if t.source == org else t.source,
                "type": t.type,
                "direction": "out" if t.directed and t.source == org else "in" if t.directed else "both",
                "weight": t.weight,
                "start": t.start,
                "end": t.end,
            }
            for t in ties
        ]
        record["alliances"] = [
            {"id": a.id, "name": a.name, "role": next(m.role for m in a.members if m.org == org)}
            for a in self.store.alliances(org=org)
        ]
        return record

    # -- statistics --------------------------------------------------------------------------------------------
    def stats(self, as_of: _dt.date | None = None) -> dict[str, Any]:
        """Counts of the store and the overview of the tie network (`queries.overview`)."""
        from catalyse.queries.overview import overview, overview_arrays

        net = self.network(Filters(as_of=as_of), require=False)
        if as_of is None:
            counts = self.store.counts()
        else:  # what `Dataset.counts` gives for `dataset(as_of)`, without a `Tie` per row
            counts = {**dataclasses.replace(net.relations, ties=[]).counts(), "ties": len(net.arrays.src)}
        try:
            if "graph" in net.__dict__:  # already built: no second read
                return {"counts": counts, **overview(net.graph)}
            return {"counts": counts, **overview_arrays(net.arrays)}
        finally:
            self._status("")

    def brokers(
        self,
        filters: Filters | None = None,
        *,
        group: str = "sector",
        directed: bool = True,
        weight: str | None = WEIGHT_DEFAULT,
        top: int | None = 20,
    ) -> dict[str, Any]:
        """Gould–Fernandez brokerage (as `sna::brokerage`) and Burt's measures, computed on the same graph.

        Returns ``{"directed", "roles", "group", "missing_group", "rows"}``; each row has ``organisation``,
        ``name``, ``group``, the role counts, ``z_<role>`` (``None`` where sna gives NA) and ``constraint``,
        ``effective_size``, ``efficiency``, ``hierarchy`` (weighted by `weight`, directed when the graph is).
        """
        net = self.network(filters)
        if net.plain and group == "sector" and not ({"graph", "directed"} & net.__dict__.keys()):
            try:
                return self._brokers_arrays(net, directed=directed, weight=weight, top=top)
            finally:
                self._status("")
        from catalyse.queries.brokerage import brokerage
        from catalyse.queries.structural_holes import burt_measures

        G = net.view(directed)
        missing = sum(1 for _, d in G.nodes(data=True) if group not in d)
        result = brokerage(G, group, default="(none)" if missing else None)
        holes = burt_measures(G, weight=weight)
        raw, z = result["raw"], result["z"]
        order = sorted(raw, key=lambda v: (-raw[v]["total"], str(v)))[:top]
        rows = []
        for v in order:
            row: dict[str, Any] = {
                "organisation": v,
                "name": G.nodes[v].get("name", str(v)),
                "group": result["group"][v],
            }
            row.update({r: raw[v][r] for r in result["roles"]})
            row.update({f"z_{r}": _finite(z[v][r]) for r in result["roles"]})
            row.update({k: holes[k].get(v) for k in ("constraint", "effective_size", "efficiency", "hierarchy")})
            rows.append(row)
        return {
            "directed": result["directed"],
            "roles": list(result["roles"]),
            "group": group,
            "weight": weight,
            "missing_group": missing,
            "rows": rows,
        }

    def _brokers_arrays(self, net: Network, *, directed: bool, weight: str | None, top: int | None) -> dict:
        """`brokers` by sector computed on the store's arrays (`brokerage_arrays`, Burt's measures from the
        mutual-weight pairs): the same rows as on the networkx graph, without building it."""
        import numpy as np

        from catalyse.queries.brokerage import brokerage_arrays
        from catalyse.queries.structural_holes import _burt

        arr = net.arrays
        n = arr.n
        labels: dict[str, int] = {}
        codes = np.fromiter((labels.setdefault(x, len(labels)) for x in arr.sectors), dtype=np.int64, count=n)
        names = list(labels)
        u, v, w = arr.pairs(directed=directed)
        result = brokerage_arrays(n, u, v, codes, directed=directed)
        # Burt: mutual weight of each unordered pair, both arcs of the directed view summed
        if weight is None:
            w = np.ones(len(u))
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        keys, inverse = np.unique(lo * max(n, 1) + hi, return_inverse=True)
        wm = np.bincount(inverse.ravel(), weights=w, minlength=len(keys))
        holes = _burt(n, keys // max(n, 1), keys % max(n, 1), wm)
        raw, z, roles = result["raw"], result["z"], result["roles"]
        total = raw[:, list(roles).index("total")]
        order = np.lexsort((np.arange(n), -total))[:top]  # ids are sorted: position order is id order
        rows = []
        for i in order.tolist():
            row: dict[str, Any] = {"organisation": arr.ids[i], "name": arr.names[i], "group": names[codes[i]]}
            row.update({r: int(raw[i, j]) for j, r in enumerate(roles)})
            row.update({f"z_{r}": _finite(float(z[i, j])) for j, r in enumerate(roles)})
            row.update({k: float(holes[k][i]) for k in ("constraint", "effective_size", "efficiency", "hierarchy")})
            rows.append(row)
        return {
            "directed": result["directed"],
            "roles": list(roles),
            "group": "sector",
            "weight": weight,
            "missing_group": 0,
            "rows": rows,
        }

    def metrics(
        self,
        filters: Filters | None = None,
        *,
        group: str = "sector",
        directed: bool = False,
        weight: str | None = WEIGHT_DEFAULT,
        betweenness: bool = True,
        exact: bool = False,
    ) -> dict[str, Any]:
        """Whole-network structure (`queries.structure.summary`), communities from the network's partition.

        Above `structure.LARGE_GRAPH_TIES` ties the betweenness centralisation is estimated from sampled pivots
        (with its standard error and error bound) unless `exact`; ``betweenness=False`` leaves it out (None).
        With the gds engine (undirected view), the partition, the clustering and the (exact) betweenness
        centralisation are computed inside Neo4j; the directed view is computed by networkx.
        """
        from catalyse.queries import structure

        net = self.network(filters)
        G, membership = net.view(directed), net.partition(weight)
        pre = None
        if self.engine == "gds" and not directed:
            from catalyse.queries.gds import betweenness_centralization

            with self.gds_projection(net) as g:
                pre = g.clustering()
                if betweenness:
                    pre["betweenness_centralization"] = betweenness_centralization(list(g.betweenness().values()))
        self._status("computing the measures…")
        try:
            out = structure.summary(
                G,
                group=group,
                weight=weight,
                membership=membership,
                precomputed=pre,
                centralization=betweenness,
                exact=exact,
            )
        finally:
            self._status("")
        if not betweenness:
            out["degree_centralization"] = structure.degree_centralization(G)
        return out

    def metrics_by_year(self, filters: Filters | None = None, *, group: str = "sector", directed: bool = False):
        """One summary per yearly snapshot (ties active during the year)."""
        from catalyse.queries import structure

        return structure.by_year(self.network(filters).view(directed), group=group)

    def metrics_by_group(self, filters: Filters | None = None, *, group: str = "sector", directed: bool = False):
        """Per group: size, internal density, E–I index."""
        from catalyse.queries import structure

        return structure.by_group(self.network(filters).view(directed), group=group)

    def metrics_per_org(
        self,
        filters: Filters | None = None,
        *,
        directed: bool = False,
        weight: str | None = WEIGHT_DEFAULT,
        sample: int | None = None,
        top: int | None = None,
        exact: bool = False,
    ) -> PerOrgRows:
        """One row per organisation, by decreasing betweenness: centralities and Burt's measures (full precision).

        Betweenness and closeness are estimated from `sample` pivots when it is given, and from
        `structure.BETWEENNESS_PIVOTS` pivots above `structure.LARGE_GRAPH_TIES` ties unless `exact`
        (`queries.centrality.sampled_centralities`; exact, both are O(n m): hours at 100,000 organisations and a
        million ties); the rows' `estimate` then says so, with the betweenness error bound. With the gds engine
        (undirected view), the betweenness is computed inside Neo4j (exact, or estimated from `sample` sources by
        GDS).
        """
        from catalyse.queries.centrality import centrality_table, sampled_centralities
        from catalyse.queries.structural_holes import burt_measures
        from catalyse.queries.structure import BETWEENNESS_PIVOTS, betweenness_is_large

        net = self.network(filters)
        G = net.view(directed)
        btw = clo = estimate = None
        if self.engine == "gds" and not directed:
            with self.gds_projection(net) as g:
                btw = g.betweenness(sample=sample, weight=weight, normalized=True)
        k = sample
        if k is None and not exact and betweenness_is_large(G):
            k = BETWEENNESS_PIVOTS
        self._status("computing the measures…")
        try:
            if btw is None and k is not None and 2 <= k < len(G):
                est = sampled_centralities(G, k, weight=weight)
                btw, clo = est["betweenness"], est["closeness"]
                estimate = {key: est[key] for key in ("k", "delta", "error_bound")}
            table = centrality_table(G, weight=weight, given_betweenness=btw, given_closeness=clo)
            holes = burt_measures(G, weight=weight)
        finally:
            self._status("")
        for key in ("constraint", "effective_size", "efficiency", "hierarchy"):
            table[key] = holes[key]
        order = sorted(G.nodes, key=lambda n: (-table["betweenness"][n], str(n)))[:top]
        return PerOrgRows(
            [
                {"organisation": n, "name": G.nodes[n].get("name"), **{k: _finite(v[n]) for k, v in table.items()}}
                for n in order
            ],
            estimate=estimate,
        )

    # -- suggestions -------------------------------------------------------------------------------------------
    def _suggest(self, net: Network, org: str | None, **kw):
        from catalyse.queries.suggestions import suggest

        index = self._index(net)
        return suggest(
            net.graph if kw.get("territory") is not None or "graph" in net.__dict__ else None,
            org,
            exclude=net.introduced_pairs,
            communities=True,
            lang=self.lang,
            as_of=net.filters.as_of,
            index=index,
            **kw,
        )

    def _index(self, net: Network):
        """The network's suggestion index, built once: straight from the store's arrays when no territory or
        sector restricts the network (no networkx graph), else from its graph; the same index either way."""
        idx = net.__dict__.get("_suggestion_index")
        if idx is None:
            from catalyse.queries.suggestions import SuggestionIndex

            if net.plain:
                arrays, nodes = net.dated_arrays, net.node_columns
                self._status("indexing the network…")
                idx = SuggestionIndex.from_arrays(arrays, nodes, communities=net.labels())
            else:
                idx = SuggestionIndex(net.graph, communities=net.partition())
            idx.set_comembership_matrix(net.comembership_matrix(idx.pos))
            net.__dict__["_suggestion_index"] = idx
        return idx

    def suggestions(self, org: str, *, top: int = 10, theme: str | None = None, as_of: _dt.date | None = None):
        """Whom to introduce `org` (an id or a name) to, and why (`queries.suggestions.Suggestion` list)."""
        o = self.organisation(org)
        net = self.network(Filters(as_of=as_of))
        try:
            return self._suggest(net, o.id, top=top, theme=_theme(theme))
        finally:
            self._status("")

    def territory_suggestions(
        self,
        *,
        top: int = 5,
        between: Sequence[str] | None = None,
        theme: str | None = None,
        territory: str | Territory | None = None,
        limit: int | None = None,
        max_per_partner: int | None = None,
        as_of: _dt.date | None = None,
    ):
        """The territory's list: each organisation's `top` best, each pair once, best first (`pair_list`)."""
        from catalyse.queries.suggestions import pair_list

        try:
            pair = tuple(vocab.parse("sector", x) for x in between) if between else None
            where = Territory.parse(territory) if territory else None
        except (F.FieldError, vocab.VocabularyError) as exc:
            raise CatalyseError(str(exc)) from None
        net = self.network(Filters(as_of=as_of))
        found = self._suggest(
            net, None, top=top, between=pair, territory=where, theme=_theme(theme), max_per_partner=max_per_partner
        )
        return pair_list(found, max_per_org=max_per_partner, limit=limit)

    # -- introductions -----------------------------------------------------------------------------------------
    def register_catalyser(
        self, ref: str, *, metiers: Sequence[str] = (), sector: str | None = None
    ) -> tuple[Organisation, bool]:
        """Make the organisation `ref` (an id or a name) a catalyser; when no organisation has that id or name, it
        is created (id from the name, sector from `sector`, else from the start of the name, else ``other``).

        Returns the organisation and whether it was created. Métiers given are added to the ones it has
        (``dialogue`` when it had none).
        """
        from catalyse.graphcore.model import Catalyser
        from catalyse.graphcore.sectors import sector_from_name
        from catalyse.importers.sheet import slug

        try:
            org: Organisation | None = self.organisation(ref)
        except NotFound:
            org = None
        created = org is None
        if org is None:
            if not ref.strip():
                raise CatalyseError("a catalyser needs a name")
            try:
                code = vocab.parse("sector", sector) if sector else None
            except vocab.VocabularyError as exc:
                raise CatalyseError(str(exc)) from None
            code = code or (sector_from_name(ref) or ("other", ""))[0]
            org = Organisation(slug(ref), ref.strip(), code)
            if self.store.get_organisation(org.id) is not None:
                raise CatalyseError(f"the id {org.id!r} is already another organisation's; give that id or a name")
        try:
            wanted = tuple(vocab.parse("metier", m) for m in metiers)
        except vocab.VocabularyError as exc:
            raise CatalyseError(str(exc)) from None
        had = {c.org: c.metiers for c in self.store.catalysers()}.get(org.id, ())
        role = Catalyser(org.id, tuple(had) + wanted or ("dialogue",))
        self.write(Dataset(organisations=[org] if created else [], catalysers=[role]))
        return org, created

    def introduce(
        self,
        a: str,
        b: str,
        *,
        by: str,
        note: str | None = None,
        day: _dt.date | None = None,
        person: str | None = None,
    ) -> Introduced:
        """Record that catalyser `by` introduced `a` and `b` (ids or names); `person` is who, in the catalyser's
        structure, made it. Warns when they are already tied."""
        oa, ob, oc = self.organisation(a), self.organisation(b), self.organisation(by)
        if oa.id == ob.id:
            raise CatalyseError("an organisation cannot be introduced to itself")
        intro = Introduction(oc.id, oa.id, ob.id, day or _dt.date.today(), note=note, person=person or None)
        warnings = []
        if oc.id not in {c.org for c in self.store.catalysers()}:
            warnings.append(f"{oc.id!r} is not registered as a catalyser (give it a métiers column)")
        if self._tied(oa.id, ob.id):
            warnings.append(f"{oa.id!r} and {ob.id!r} are already tied")
        summary = self.write(Dataset(introductions=[intro]))
        return Introduced(intro, bool(summary.new["introductions"]), warnings)

    def _tied(self, a: str, b: str, type_: str | None = None) -> bool:
        return any({t.source, t.target} == {a, b} for t in self.store.ties(org=a, type=type_))

    def introduction(self, intro_id: str) -> Introduction:
        found = self.store.get_introduction(intro_id)
        if found is None:
            raise NotFound(f"no introduction {intro_id!r}; see `catalyse introductions`")
        return found

    def set_outcome(
        self, intro_id: str, result: str, *, note: str | None = None, day: _dt.date | None = None
    ) -> tuple[Introduction, bool]:
        """Record what came of an introduction; a meeting or an alliance adds an ``introduced`` tie.

        Returns the updated introduction and whether a tie was added.
        """
        intro = self.introduction(intro_id)
        try:
            result = vocab.parse("outcome", result)
        except vocab.VocabularyError as exc:
            raise CatalyseError(str(exc)) from None
        day = day or _dt.date.today()
        updated = dataclasses.replace(intro, outcome=result, note=note if note is not None else intro.note)
        ties = []
        if result in ("met", "alliance_formed") and not self._tied(intro.a, intro.b, "introduced"):
            ties.append(
                Tie(
                    intro.a,
                    intro.b,
                    "introduced",
                    start=max(day, intro.date),
                    provenance=f"introduction {intro.id}",
                    confidence=1.0,
                )
            )
        self.write(Dataset(introductions=[updated], ties=ties))
        return updated, bool(ties)

    def introductions(
        self, *, catalyser: str | None = None, org: str | None = None, outcome: str | None = None
    ) -> list[Introduction]:
        """Introductions, most recent first."""
        by = self.organisation(catalyser).id if catalyser else None
        of = self.organisation(org).id if org else None
        wanted = vocab.parse("outcome", outcome) if outcome else None
        found = [i for i in self.store.introductions(catalyser=by, org=of) if wanted is None or i.outcome == wanted]
        return sorted(found, key=lambda i: (i.date, i.id), reverse=True)

    def activity(self, catalyser: str | None = None) -> dict[str, dict]:
        """Per catalyser: introductions, outcomes, alliance rate, cross-sector share, liaison role, by year."""
        from catalyse.queries.activity import catalyser_activity
        from catalyse.queries.brokerage import brokerage

        net = self.network(require=False)
        by = self.organisation(catalyser).id if catalyser else None
        intros = [i for i in net.relations.introductions if by is None or i.catalyser == by]
        if not intros:
            raise CatalyseError("no introduction recorded" + (f" by {by!r}" if by else ""))
        br = brokerage(net.directed, "sector", default="(none)", expected=False)
        liaison = {n: r["liaison"] for n, r in br["raw"].items()}
        return catalyser_activity(net.directed, intros, liaison=liaison)

    # -- evaluation --------------------------------------------------------------------------------------------
    def evaluate(
        self, *, split: str = "both", year: int | None = None, repeats: int = 3, seed: int = 0
    ) -> list[dict[str, Any]]:
        """How well each link-prediction index finds ties hidden from it (AUC, precision@k).

        The temporal split trains on the alliances formed before its test period only (no leakage).
        """
        from catalyse.queries.evaluation import evaluate

        net = self.network(require=False)
        G = net.graph
        rows: list[dict[str, Any]] = []
        if split in ("random", "both"):
            rows += evaluate(G, split="random", repeats=repeats, seed=seed, comembership=net.comembership)
        if split in ("temporal", "both"):
            years = sorted(int(str(d["start"])[:4]) for *_, d in G.edges(data=True) if d.get("start"))
            if not years:
                raise CatalyseError("no dated tie: the temporal split needs tie start dates")
            year = year or years[-1] - 1
            training = comembership_graph(net.relations, formed_before=_dt.date(year, 1, 1))
            rows += evaluate(G, split="temporal", year=year, seed=seed, comembership=training)
        return rows

    # -- views and report --------------------------------------------------------------------------------------
    def measure(self, net: Network, name: str) -> dict:
        """A measure per organisation to size a map by (one of :data:`MEASURES`)."""
        from catalyse.queries.brokerage import brokerage
        from catalyse.queries.centrality import betweenness
        from catalyse.queries.structural_holes import constraint

        G = net.graph
        if name == "degree":
            return dict(G.degree())
        if name == "betweenness":
            return betweenness(G)
        if name == "brokerage":
            br = brokerage(G, "sector", default="(none)", expected=False)
            return {n: r["total"] for n, r in br["raw"].items()}
        if name == "constraint":
            return constraint(G)
        raise CatalyseError(f"unknown measure {name!r}: one of {', '.join(MEASURES)}")

    def map_view(self, filters: Filters | None = None, *, size_by: str = "degree", geo: bool = False) -> str:
        """The interactive map of the territory (one offline HTML page)."""
        from catalyse.visualisations.ecosystem import ecosystem_map

        net = self.network(filters)
        return ecosystem_map(
            net.graph,
            size_by=self.measure(net, size_by),
            size_label=size_by,
            lang=self.lang,
            geo=geo,
            communities=net.partition(),
        )

    def ego_view(self, org: str, filters: Filters | None = None) -> str:
        """An organisation's neighbourhood and its suggested introductions."""
        from catalyse.visualisations.ecosystem import ego_view

        net = self.network(filters)
        o = self.organisation(org)
        if o.id not in net.graph:
            raise CatalyseError(f"organisation {o.id!r} is not among those selected")
        return ego_view(net.graph, o.id, self._suggest(net, o.id, top=8), lang=self.lang)

    def alliance_view(self, filters: Filters | None = None) -> str:
        from catalyse.visualisations.ecosystem import alliance_view

        data = self.dataset((filters or Filters()).as_of)
        return alliance_view(alliance_graph(data, as_of=(filters or Filters()).as_of), lang=self.lang)

    def catalyser_view(self, catalyser: str, filters: Filters | None = None) -> str:
        from catalyse.visualisations.ecosystem import catalyser_view

        net = self.network(filters)
        c = self.organisation(catalyser)
        if c.id not in net.graph:
            raise CatalyseError(f"organisation {c.id!r} is not among those selected")
        intros = [i for i in net.relations.introductions if i.catalyser == c.id]
        return catalyser_view(net.graph, c.id, intros, lang=self.lang)

    def report_inputs(self, as_of: _dt.date | None = None) -> dict[str, Any]:
        """What the territory report shows, as data: measures, yearly evolution, brokers per role, the suggested
        pairs (the first :data:`REPORT_PAIRS` of :meth:`territory_suggestions`, each pair once), activity, mixing."""
        from catalyse.queries import structure
        from catalyse.queries.activity import catalyser_activity
        from catalyse.queries.brokerage import brokerage

        net = self.network(Filters(as_of=as_of))
        G = net.graph
        summary = structure.summary(G, membership=net.partition())
        br = brokerage(net.directed, "sector", default="(none)", expected=False)
        brokers = {
            role: sorted(((n, r[role]) for n, r in br["raw"].items()), key=lambda x: (-x[1], x[0]))[:10]
            for role in br["roles"]
            if role != "total"
        }
        acts = catalyser_activity(G, net.relations.introductions)
        return {
            "summary": summary,
            "by_year": structure.by_year(G),
            "brokers": brokers,
            "brokerage_total": {n: r["total"] for n, r in br["raw"].items()},
            "suggestions": self.territory_suggestions(limit=REPORT_PAIRS, as_of=as_of),
            "activity": {c: {o: r[o] for o in vocab.codes("outcome")} for c, r in acts.items()},
        }

    def report(self, directory: str, *, as_of: _dt.date | None = None) -> list[str]:
        """Write the territory report and its map into `directory`; returns the files written."""
        written = []
        for name, content in self.report_files(as_of=as_of).items():
            path = os.path.join(directory, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if isinstance(content, bytes):
                with open(path, "wb") as fh:
                    fh.write(content)
            else:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(content)
            written.append(path)
        return written

    def report_files(self, *, as_of: _dt.date | None = None) -> dict[str, str | bytes]:
        """The territory report's files: ``{"report.html": …, "map.html": …, "img/<chart>.png": …}`` (the page
        needs none of the others: its charts and map are inlined)."""
        from catalyse.queries import structure
        from catalyse.visualisations.ecosystem import ecosystem_map
        from catalyse.visualisations.report import territory_report

        net = self.network(Filters(as_of=as_of))
        G, lang = net.graph, self.lang
        inputs = self.report_inputs(as_of)
        summ = inputs["summary"]
        map_html = ecosystem_map(
            G, size_by=inputs["brokerage_total"], size_label="brokerage", lang=lang, communities=net.partition()
        )
        keep = (
            "nodes",
            "ties",
            "density",
            "components",
            "giant_share",
            "average_clustering",
            "transitivity",
            "degree_centralization",
            "betweenness_centralization",
            "ei_index",
            "cross_group_share",
            "assortativity",
            "communities",
            "modularity",
        )
        from catalyse.i18n import explain

        shown = [k for k in keep if k in summ]
        rows = [structure.summary_rows({k: summ[k]}, lang=lang)[1] for k in shown]
        measures = {row[0]: row[1] for row in rows}
        notes = {row[0]: explain(k, lang) for k, row in zip(shown, rows)}
        year_keys = (
            "ties",
            "density",
            "giant_share",
            "average_clustering",
            "cross_group_share",
            "ei_index",
            "modularity",
        )
        header, *year_rows = structure.by_year_rows(inputs["by_year"], lang=lang, keys=year_keys)
        notes.update({name: explain(k, lang) for k, name in zip(year_keys, header[1:])})
        evolution = {row[0]: dict(zip(header[1:], row[1:])) for row in year_rows}
        files = territory_report(
            G,
            summary=measures,
            by_year=evolution,
            brokers=inputs["brokers"],
            suggestions=inputs["suggestions"],
            catalyser_activity=inputs["activity"],
            mixing=summ.get("mixing"),
            map_html=map_html,
            lang=lang,
            top=REPORT_PAIRS,
            notes=notes,
        )
        return files

    def absent_actors(self, as_of: _dt.date | None = None) -> list[Organisation]:
        """Organisations with no tie and never introduced (sorted by id): the actors the network does not reach
        yet, for a catalyser to go and meet."""
        net = self.network(Filters(as_of=as_of), require=False)
        arrays = net.arrays
        tied = set(arrays.src.tolist()) | set(arrays.dst.tolist())
        introduced = {x for i in net.introductions for x in (i.a, i.b)}
        absent = [x for k, x in enumerate(arrays.ids) if k not in tied and x not in introduced]
        return self.store.organisations(ids=absent) if absent else []

    # -- import, export, demo ----------------------------------------------------------------------------------
    def validate_files(
        self,
        paths: Sequence[str],
        *,
        kind: str | None = None,
        create_missing: bool = False,
        sector_map: str | dict | None = None,
    ):
        """Read and validate files: every problem with file, row and column (`ImportFailed` lists them), else a
        `catalyse.importers.load.Validation` — the data, warnings, what each column became (`understood`) and the
        rows placed at an approximate position. Nothing is written."""
        from catalyse.importers.load import validate

        return validate(list(paths), self.store, kind=kind, create_missing=create_missing, sector_map=sector_map)

    def export(self, target: str, fmt: str, *, as_of: _dt.date | None = None) -> list[str]:
        """Export the store: CSV or JSON (re-importable), GraphML or GEXF (Gephi); returns the files written."""
        from catalyse.importers.export import export

        return export(self.dataset(as_of), target, fmt)


def first_load(
    paths: Sequence[str],
    home: str,
    *,
    database: str = "neo4j",
    kind: str | None = None,
    progress: Callable[[int], None] | None = None,
    log: Callable[[str], None] | None = None,
):
    """Validate files as `catalyse import` does, then write them into a new Neo4j database of the stopped server
    home `home` with Neo4j's offline importer (`catalyse.graphcore.stores.neo4j_load.first_load`): the same graph as
    an online import, in seconds. Refuses a running server or an existing database; all or nothing.

    Returns ``(validation, FirstLoad)``.
    """
    from catalyse.graphcore.stores.neo4j_load import first_load as load
    from catalyse.importers.load import validate

    found = validate(list(paths), None, kind=kind)
    return found, load(found.data, home, database=database, progress=progress, log=log)


def first_load_cache(
    *, orgs: int | None = None, ties: int | None = None, force: bool = False, log: Callable[[str], None] | None = None
):
    """Train the JVM's ahead-of-time cache that later first loads start on (Java 25 or later, from
    ``CATALYSE_NEO4J_JAVA``; `catalyse.graphcore.stores.neo4j_load.train_aot_cache`), on a generated territory of
    `orgs` organisations and `ties` ties (default `AOT_TRAINING`). Keeps an existing cache unless `force`.

    Returns ``(path, seconds)``; `seconds` is None when the cache was already there.
    """
    import time

    from catalyse.graphcore.stores.neo4j_load import AOT_TRAINING, AdminTool, train_aot_cache

    tool = AdminTool.default()
    path = tool.aot_cache()
    if path is not None and path.exists() and not force:
        return path, None
    t = time.perf_counter()
    path = train_aot_cache(tool, size=(orgs or AOT_TRAINING[0], ties or AOT_TRAINING[1]), log=log)
    return path, time.perf_counter() - t


def _finite(value):
    """Strict machine output: NaN and infinities (sna's NA, an undefined ratio) become None."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def _theme(theme: str | None) -> str | None:
    if not theme:
        return None
    try:
        return F.parse_theme(theme)
    except F.FieldError as exc:
        raise CatalyseError(str(exc)) from None

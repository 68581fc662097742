"""Analytics inside a shared Neo4j, with the Graph Data Science plugin (GDS 2.13, GPLv3).

For a network of territories or a national observatory sharing one Neo4j, the heavy measures run inside the
database instead of loading the whole graph into Python: :class:`GdsEngine` projects the **tie graph** into GDS's
in-memory catalogue (``gds.graph.project``, the Cypher aggregation: undirected, one relationship per tied pair
whose ``weight`` is the sum of the pair's tie weights, self-loops dropped — the graph of
`catalyse.graphcore.projection.tie_graph`) and runs on it:

* Louvain communities (``gds.louvain``; GDS has no random seed for Louvain: it runs with ``concurrency`` 1, which
  makes it repeatable, and its partition is described by the same modularity as networkx's);
* betweenness (``gds.betweenness``), exact, or sampled with ``samplingSize`` / ``samplingSeed`` (scaled by
  ``n / k`` as networkx's ``betweenness_centrality(k=)``);
* triangle counts (``gds.triangleCount``) and local clustering coefficients (``gds.localClusteringCoefficient``),
  exact: equal to networkx's ``triangles`` and ``clustering``; the mean and the transitivity follow.

Candidate pairs (common neighbours and Adamic–Adar, exactly networkx's ``common_neighbors`` and
``adamic_adar_index`` on the same graph) are computed by one Cypher query over the stored ties with the same
filters (:meth:`GdsEngine.candidate_pairs`): GDS's ``gds.alpha.linkprediction.*`` functions count parallel ties
in the degree and cannot apply a date or a tie type, so they would not give networkx's values.

Every statement is a fixed string with parameters; the projected graph has a random name and is dropped after use.
Burt's measures and brokerage stay in catalyse (`queries.structural_holes`, `queries.brokerage`).

Examples
--------
The engine needs a Neo4j store whose server has GDS (``python tools/neo4j/server.py start --gds``)::

    engine = GdsEngine(Neo4jStore("bolt://127.0.0.1:17687"))
    with engine.project(as_of=date(2024, 1, 1)) as g:
        g.louvain()["modularity"], g.clustering()["average_clustering"]
"""

from __future__ import annotations

import datetime as _dt
import math
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["GdsEngine", "GdsGraph", "GdsUnavailable", "LOUVAIN_TOLERANCE"]

#: Louvain's convergence threshold (GDS's default): the modularity gain under which a level stops.
LOUVAIN_TOLERANCE = 0.0001

# The tie graph as a Cypher projection. One row per (s, t) pair with s.id < t.id, the pair's weights summed; an
# organisation without any selected tie still gets one row (t null), so that it is a node of the projection.
# `$ids` null: every organisation; else those ids only. `$day` null: every tie; `$types` null: every type.
_NODE = "($ids IS NULL OR {v}.id IN $ids)"
_TIE = (
    "($types IS NULL OR r.type IN $types) AND ($day IS NULL OR ((r.start IS NULL OR r.start <= $day) "
    "AND (r.end IS NULL OR r.end >= $day)))"
)
PROJECT = (
    "MATCH (s:Organisation) WHERE " + _NODE.format(v="s") + " "
    "OPTIONAL MATCH (s)-[r:TIE]-(t:Organisation) WHERE s.id < t.id AND " + _TIE + " AND " + _NODE.format(v="t") + " "
    "WITH s, t, sum(r.weight) AS w "
    "WITH gds.graph.project($name, s, t, {relationshipProperties: {weight: toFloat(w), "
    "length: CASE WHEN w > 0 THEN 1.0 / w ELSE 0.0 END}}, "
    "{undirectedRelationshipTypes: ['*']}) AS g "
    "RETURN g.graphName AS name, g.nodeCount AS nodes, g.relationshipCount AS relationships"
)
DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"
VERSION = "RETURN gds.version() AS version"

# Louvain runs once: `mutate` adds the community to the projection (and gives the modularity), then it is streamed.
LOUVAIN = "CALL gds.louvain.mutate($name, $config) YIELD modularity, communityCount RETURN modularity, communityCount"
LOUVAIN_MEMBERSHIP = (
    "CALL gds.graph.nodeProperty.stream($name, $property) YIELD nodeId, propertyValue "
    "RETURN gds.util.asNode(nodeId).id AS id, propertyValue AS community"
)
BETWEENNESS = (
    "CALL gds.betweenness.stream($name, $config) YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score"
)
TRIANGLES = (
    "CALL gds.triangleCount.stream($name, {concurrency: $concurrency}) YIELD nodeId, triangleCount "
    "RETURN gds.util.asNode(nodeId).id AS id, triangleCount AS value"
)
LOCAL_CLUSTERING = (
    "CALL gds.localClusteringCoefficient.stream($name, {concurrency: $concurrency}) "
    "YIELD nodeId, localClusteringCoefficient RETURN gds.util.asNode(nodeId).id AS id, localClusteringCoefficient AS value"
)
DEGREE = (
    "CALL gds.degree.stream($name, {concurrency: $concurrency}) YIELD nodeId, score "
    "RETURN gds.util.asNode(nodeId).id AS id, score AS value"
)

# Pairs at distance 2 that are not tied: for each organisation z, its distinct partners (the selected ties, z
# excluded) of degree d >= 2 give every pair of them one common neighbour and 1 / ln d of Adamic-Adar.
CANDIDATES = (
    "MATCH (z:Organisation) WHERE " + _NODE.format(v="z") + " "
    "CALL (z) { MATCH (z)-[r:TIE]-(n:Organisation) WHERE n <> z AND " + _TIE + " AND " + _NODE.format(v="n") + " "
    "RETURN collect(DISTINCT n) AS partners } "
    "WITH partners, size(partners) AS d WHERE d >= 2 "
    "UNWIND partners AS a UNWIND partners AS b WITH a, b, d WHERE a.id < b.id AND ($org IS NULL OR $org IN [a.id, b.id]) "
    "WITH a, b, count(*) AS cn, sum(1.0 / log(d)) AS aa "
    "WHERE NOT EXISTS { MATCH (a)-[r:TIE]-(b) WHERE " + _TIE + " } "
    "RETURN a.id AS a, b.id AS b, cn, aa ORDER BY aa DESC, cn DESC, a, b LIMIT $limit"
)


class GdsUnavailable(RuntimeError):
    """The store is not a Neo4j store, or its server has no Graph Data Science plugin (one line, for a person)."""


class GdsEngine:
    """Runs catalyse's heavy measures inside the Neo4j of a `Neo4jStore`, with Graph Data Science.

    Parameters
    ----------
    store : Neo4jStore
        A store on a server with the GDS plugin (``gds.*`` procedures allowed).
    concurrency : int
        Threads GDS may use per algorithm. Louvain always runs with 1 (repeatable partitions).
    """

    def __init__(self, store: Any, *, concurrency: int = 1):
        if not hasattr(store, "driver") or not hasattr(store, "_read"):
            raise GdsUnavailable(f"the gds engine needs a Neo4j store, not {store.describe()}")
        self.store = store
        self.concurrency = int(concurrency)
        self._version: str | None = None

    def _run(self, query: str, **params) -> list:
        exc = self.store._exc
        try:
            return self.store._read(query, **params)
        except exc.ClientError as e:
            if "gds." in (e.message or "") and ("Unknown function" in e.message or "no procedure" in e.message):
                raise GdsUnavailable(
                    f"{self.store.describe()} has no Graph Data Science plugin (gds.* procedures): "
                    "start the server with it (tools/neo4j: server.py start --gds) or use --engine networkx"
                ) from None
            raise

    def version(self) -> str:
        """The GDS version of the server (raises `GdsUnavailable` without the plugin)."""
        if self._version is None:
            self._version = self._run(VERSION)[0]["version"]
        return self._version

    def project(
        self,
        *,
        as_of: _dt.date | None = None,
        types: Iterable[str] | None = None,
        ids: Iterable[str] | None = None,
    ) -> GdsGraph:
        """Project the tie graph (ties active on `as_of`, of `types`, between the organisations `ids`; None: all).

        Returns a `GdsGraph`, to use in a ``with`` block (the projection is dropped at its end) or to `drop`.
        """
        self.version()
        name = f"catalyse-{uuid.uuid4().hex}"
        params = _filters(as_of, types, ids)
        row = self._run(PROJECT, name=name, **params)[0]
        return GdsGraph(self, name, row["nodes"], row["relationships"] // 2)

    def candidate_pairs(
        self,
        *,
        as_of: _dt.date | None = None,
        types: Iterable[str] | None = None,
        ids: Iterable[str] | None = None,
        org: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """The untied pairs with common neighbours, best Adamic–Adar first (then common neighbours, then ids).

        Each row: ``{"a", "b", "common_neighbors", "adamic_adar"}`` with ``a < b``; with `org`, only its pairs.
        The values are networkx's ``common_neighbors`` count and ``adamic_adar_index`` on the tie graph.
        """
        params = _filters(as_of, types, ids)
        rows = self._run(CANDIDATES, org=org, limit=int(limit), **params)
        return [{"a": r["a"], "b": r["b"], "common_neighbors": r["cn"], "adamic_adar": r["aa"]} for r in rows]


class GdsGraph:
    """One projected tie graph in GDS's catalogue (``name``), with its node and tie (pair) counts."""

    def __init__(self, engine: GdsEngine, name: str, nodes: int, ties: int):
        self.engine = engine
        self.name = name
        self.nodes = nodes
        self.ties = ties

    def __repr__(self) -> str:
        return f"GdsGraph(nodes={self.nodes}, ties={self.ties})"

    def __enter__(self) -> GdsGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.drop()

    def drop(self) -> None:
        """Remove the projection from the catalogue (no error if it is gone already)."""
        self.engine._run(DROP, name=self.name)

    def _per_node(self, query: str) -> dict[str, Any]:
        return {
            r["id"]: r["value"] for r in self.engine._run(query, name=self.name, concurrency=self.engine.concurrency)
        }

    def louvain(
        self,
        *,
        weight: str | None = "weight",
        tolerance: float = LOUVAIN_TOLERANCE,
        max_levels: int = 10,
        max_iterations: int = 10,
    ) -> dict[str, Any]:
        """Louvain communities: ``{"count", "sizes", "modularity", "membership", "communities"}`` as
        `queries.structure.communities` returns them (communities by decreasing size, then first member).

        `weight` None: unweighted. GDS's Louvain takes no random seed; it runs on one thread, so it is repeatable.
        ``modularity`` is GDS's, of the final partition (equal to networkx's ``modularity`` of that partition).
        """
        prop = f"community_{uuid.uuid4().hex[:12]}"
        config: dict[str, Any] = {
            "mutateProperty": prop,
            "concurrency": 1,
            "tolerance": float(tolerance),
            "maxLevels": int(max_levels),
            "maxIterations": int(max_iterations),
        }
        if weight is not None:
            config["relationshipWeightProperty"] = "weight"
        stats = self.engine._run(LOUVAIN, name=self.name, config=config)[0]
        rows = self.engine._run(LOUVAIN_MEMBERSHIP, name=self.name, property=prop)
        groups: dict[int, list[str]] = {}
        for r in rows:
            groups.setdefault(r["community"], []).append(r["id"])
        lists = sorted((sorted(c) for c in groups.values()), key=lambda c: (-len(c), c))
        return {
            "count": len(lists),
            "sizes": [len(c) for c in lists],
            "modularity": float(stats["modularity"]) if self.ties else None,
            "membership": {u: i for i, c in enumerate(lists) for u in c},
            "communities": lists,
        }

    def betweenness(
        self, *, sample: int | None = None, seed: int = 0, weight: str | None = None, normalized: bool = False
    ) -> dict[str, float]:
        """Shortest-path betweenness (unordered pairs), exact or from `sample` source nodes.

        Exact: networkx's ``betweenness_centrality(G, normalized=normalized)``; with `weight`, paths are weighted
        by the length ``1 / weight`` of each tie (the convention of `queries.centrality`). Sampled (``sample <
        n``): GDS's ``samplingSize`` / ``samplingSeed`` (sources drawn by GDS, favouring high degrees), scaled by
        ``n / sample`` as networkx scales its ``k`` pivots: an estimate, not exact.
        """
        config: dict[str, Any] = {"concurrency": self.engine.concurrency}
        if weight is not None:
            config["relationshipWeightProperty"] = "length"
        scale = 1.0
        if sample is not None and sample < self.nodes:
            config.update(samplingSize=int(sample), samplingSeed=int(seed))
            scale = self.nodes / sample
        if normalized and self.nodes > 2:
            scale /= (self.nodes - 1) * (self.nodes - 2) / 2
        rows = self.engine._run(BETWEENNESS, name=self.name, config=config)
        return {r["id"]: r["score"] * scale for r in rows}

    def triangles(self) -> dict[str, int]:
        """Triangles through each organisation (networkx's ``triangles``)."""
        return self._per_node(TRIANGLES)

    def local_clustering(self) -> dict[str, float]:
        """Local clustering coefficient of each organisation (networkx's ``clustering``: 0 below degree 2)."""
        return self._per_node(LOCAL_CLUSTERING)

    def degrees(self) -> dict[str, int]:
        """Number of distinct partners of each organisation."""
        return {k: int(v) for k, v in self._per_node(DEGREE).items()}

    def clustering(self) -> dict[str, float]:
        """``average_clustering`` (mean local coefficient, degree < 2 counting 0) and ``transitivity`` (3 x
        triangles / connected triples), as `queries.structure.clustering`."""
        if not self.nodes:
            return {"average_clustering": 0.0, "transitivity": 0.0}
        local = self.local_clustering()
        tri = self.triangles()
        deg = self.degrees()
        triples = sum(d * (d - 1) for d in deg.values()) / 2
        closed = sum(tri.values())  # each triangle counted at its 3 corners = 3 x triangles
        return {
            "average_clustering": math.fsum(local.values()) / len(local),
            "transitivity": closed / triples if closed else 0.0,
        }


def _filters(as_of, types, ids) -> dict[str, Any]:
    return {
        "day": as_of,
        "types": sorted(set(types)) if types else None,
        "ids": sorted(set(ids)) if ids is not None else None,
    }


def betweenness_centralization(raw: Sequence[float]) -> float | None:
    """Freeman betweenness centralisation of an undirected graph from its raw (unordered-pair) betweenness, as
    `queries.structure.betweenness_centralization` (sna, ``mode="graph"``): ``sum(max - b) / ((n-1)^2 (n-2)/2)``;
    None when ``n < 3``.

    >>> betweenness_centralization([3.0, 0.0, 0.0, 0.0])   # a star of 4: the centre is on all 3 pairs
    1.0
    """
    from .structure import freeman_betweenness_max

    n = len(raw)
    if n < 3:
        return None
    top = max(raw)
    return sum(top - b for b in raw) / freeman_betweenness_max(n, "graph")

"""The Neo4j store, through the official `neo4j` driver.

Graph model::

    (:Organisation {id, name, sector, commune, …, themes, tags, `extra.<column>`…})   label :Catalyser + metiers
    (:Organisation)-[:TIE {key, type, directed, weight, start, end, provenance, confidence}]->(:Organisation)
    (:Organisation)-[:MEMBER_OF {role}]->(:Alliance {id, name, themes, …, start, end, status})
    (:Introduction {id, catalyser, a, b, date, note, outcome, person})-[:BY]->(catalyser), -[:BETWEEN]->(a), (b)

Uniqueness constraints on organisation, alliance and introduction ids and on the tie key, and two indexes, created
by `Neo4jStore.ensure_schema` (``catalyse init``, ``create=True``, `bulk_write`), never on opening: a store whose
schema is missing raises `SchemaMissing` on its first query. `write` is ONE managed transaction
(`session.execute_write`, retried by the driver on transient errors) of `UNWIND $rows` batches with idempotent
`MERGE`s, of at most `ATOMIC_LIMIT` rows: all of it is committed, or none. `bulk_write` commits batches of
`COMMIT_EVERY` rows and reports exactly what it committed (`PartialWrite`). Every query takes parameters; no user text is ever
formatted into Cypher. Connection settings come from the environment (`NEO4J_URI`, `NEO4J_USER`,
`NEO4J_PASSWORD`, `NEO4J_DATABASE`; `CATALYSE_NEO4J_WORKERS` for the batch transactions in flight of a large
import); the password is never printed.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import os
import zlib
from collections.abc import Iterable

from .. import fields as F
from ..model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from ..projection import TieColumns
from ..vocab import _fold
from .base import (
    ATOMIC_LIMIT,
    IntegrityError,
    PartialWrite,
    Progress,
    SchemaMissing,
    Store,
    StoreError,
    StoreUnavailable,
    WriteSummary,
    check_unique_keys,
    missing_references,
    summarise,
)
from .filters import parse_territory
from .sqlite_store import search_key

EXTRA = "extra."  # prefix of the properties that hold an organisation's extra columns
BATCH = 10_000  # rows per UNWIND statement (measured: see bench/bench_neo4j_bulk.py)
COMMIT_EVERY = 100_000  # rows per transaction of `bulk_write` (the batch-commit protocol, see `_write_batches`)
# Batch-commit transactions in flight at once. One by default: on the 2-core machine two writers gained 1.6x on
# 10,000-tie batches into a small store but nothing at W2 (162.7 s against 177.9 s and 139.3 s for one, same runs
# repeated): they contend for the shared organisations' locks and a deadlock re-runs a whole batch.
WORKERS = 1
CONFLICT_RETRIES = 5  # runs of a write whose CREATE met a row a concurrent writer created first

SCHEMA = {  # name -> the statement that creates it (a uniqueness constraint comes with its index, of its name)
    "catalyse_org_id": "CREATE CONSTRAINT catalyse_org_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.id IS UNIQUE",
    "catalyse_alliance_id": "CREATE CONSTRAINT catalyse_alliance_id IF NOT EXISTS "
    "FOR (a:Alliance) REQUIRE a.id IS UNIQUE",
    "catalyse_intro_id": "CREATE CONSTRAINT catalyse_intro_id IF NOT EXISTS "
    "FOR (i:Introduction) REQUIRE i.id IS UNIQUE",
    "catalyse_tie_key": "CREATE CONSTRAINT catalyse_tie_key IF NOT EXISTS FOR ()-[t:TIE]-() REQUIRE t.key IS UNIQUE",
    "catalyse_org_sector": "CREATE INDEX catalyse_org_sector IF NOT EXISTS FOR (o:Organisation) ON (o.sector)",
    "catalyse_org_commune": "CREATE INDEX catalyse_org_commune IF NOT EXISTS FOR (o:Organisation) ON (o.commune)",
}
SCHEMA_NAMES = "SHOW INDEXES YIELD name RETURN collect(name) AS names"

# Point look-ups, each starting from a uniqueness index (tests/test_store_contract.py reads their plans)
INTRODUCTION_BY_ID = "MATCH (i:Introduction {id: $id}) USING INDEX SEEK i:Introduction(id) RETURN properties(i) AS i"
ALLIANCES_OF_ORG = (
    "MATCH (x:Organisation {id: $org}) USING INDEX SEEK x:Organisation(id) MATCH (x)-[:MEMBER_OF]->(a:Alliance)"
)
TIES_OF_ORG = "MATCH (x:Organisation {id: $org}) USING INDEX SEEK x:Organisation(id) MATCH (x)-[t:TIE]-()"
INTRODUCTIONS_BY = (
    "MATCH (c:Organisation {id: $catalyser}) USING INDEX SEEK c:Organisation(id) MATCH (i:Introduction)-[:BY]->(c)"
)
INTRODUCTIONS_OF = (
    "MATCH (x:Organisation {id: $org}) USING INDEX SEEK x:Organisation(id) MATCH (i:Introduction)-[:BETWEEN]->(x)"
)

# Every look-up by key names its index (`USING INDEX SEEK`): on a freshly started server the index statistics still
# say "empty" after the first large write, and a plan made then scanned the whole index for every row (W2: 1,667
# catalysers took 59 s instead of 1 s; the tie-key scan, found earlier, made a W2 import take 841 s).
# Server-side comparison of what is written with what is stored: 0 new, 1 changed, 2 unchanged.
# An organisation's `metiers` (its catalyser role) is not part of the organisation record.
# Only the positions of the new and changed rows come back (two short lists of integers, one record): shipping a
# key and a state per row back to Python cost more than the writes themselves.
ORG_STATE = (
    "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS r OPTIONAL MATCH (o:Organisation {id: r.id}) "
    "USING INDEX SEEK o:Organisation(id) "
    "WITH i, CASE WHEN o IS NULL THEN 0 WHEN all(k IN keys(r) WHERE o[k] = r[k]) "
    "AND size([k IN keys(o) WHERE k <> 'metiers']) = size(keys(r)) THEN 2 ELSE 1 END AS state "
    "RETURN collect(CASE state WHEN 0 THEN i END) AS new, collect(CASE state WHEN 1 THEN i END) AS changed"
)
# New rows are CREATEd (no MERGE look-up); if another writer created the same key since the classification, the
# uniqueness constraint fails the transaction and `_write_tx` runs it again, when those rows classify as existing.
ORG_CREATE = "UNWIND $rows AS r CREATE (o:Organisation) SET o = r"
# Changed rows: lock the node first (SET o.id), THEN read its `metiers`, so that a catalyser role committed by a
# concurrent writer is read after its commit and kept, never overwritten by a stale read (no lost update).
ORG_UPDATE = (
    "UNWIND $rows AS r MERGE (o:Organisation {id: r.id}) SET o.id = r.id "
    "WITH o, r, o.metiers AS metiers SET o = r SET o.metiers = metiers"
)
# A tie row is a flat list (packs and unpacks faster than a map): source, target, key, type, directed, weight,
# start, end, provenance, confidence (see `_tie_row`), then the element ids of the source and target nodes, read
# once per write (NODE_IDS): a node found by element id costs less than a look-up in the id index (200,000 ties of
# a first load: 17,300 ties/s vs 15,300). A node deleted since, or an element id reused, would match the wrong node
# or none: the statement counts the endpoints whose label and id are the row's (`ok`), and the write reads the
# batch again finding the endpoints by their ids when a count falls short (see `_ties_step`). Writes of one batch
# (a catalyser's single tie) find them by id: reading element ids first would cost a round trip more.
NODE_IDS = (
    "UNWIND $ids AS id MATCH (o:Organisation {id: id}) USING INDEX SEEK o:Organisation(id) "
    "RETURN collect(o.id) AS ids, collect(elementId(o)) AS nodes"
)
_ENDPOINTS = {  # by element id (True) or by id (False)
    True: "MATCH (s) WHERE elementId(s) = r[10] MATCH (t) WHERE elementId(t) = r[11] ",
    False: "MATCH (s:Organisation {id: r[0]}) USING INDEX SEEK s:Organisation(id) "
    "MATCH (t:Organisation {id: r[1]}) USING INDEX SEEK t:Organisation(id) ",
}
_CREATE_TIE = (
    "CREATE (s)-[:TIE {key: r[2], type: r[3], directed: r[4], weight: r[5], start: r[6], end: r[7], "
    "provenance: r[8], confidence: r[9]}]->(t) RETURN count(*) AS created, "
    "sum(CASE WHEN s:Organisation AND s.id = r[0] AND t:Organisation AND t.id = r[1] THEN 1 ELSE 0 END) AS ok"
)
# One statement per batch finds each key by the uniqueness index (a seek, forced: a plan cached on an empty store
# scanned the index for every row), CREATEs the new ties with their properties spelled out (faster than
# `SET e = map`) and returns the positions of the new and changed rows; the changed ones are then updated by key.
# Measured on 100,000 ties (2 cores): the former pair of statements (classify, then `CREATE … SET e = r.p`) ran at
# 8,900 ties/s, this one at 11,500.
TIE_WRITE = {
    by_node: (
        "UNWIND range(0, size($rows) - 1) AS i WITH i, $rows[i] AS r "
        "OPTIONAL MATCH ()-[e:TIE {key: r[2]}]->() USING INDEX SEEK e:TIE(key) "
        "WITH i, r, CASE WHEN e IS NULL THEN 0 "
        "WHEN e.type = r[3] AND e.directed = r[4] AND e.weight = r[5] "  # never null
        "AND coalesce(e.start = r[6], e.start IS NULL AND r[6] IS NULL) "  # null = null is null, not true
        "AND coalesce(e.end = r[7], e.end IS NULL AND r[7] IS NULL) "
        "AND coalesce(e.provenance = r[8], e.provenance IS NULL AND r[8] IS NULL) "
        "AND coalesce(e.confidence = r[9], e.confidence IS NULL AND r[9] IS NULL) THEN 2 ELSE 1 END AS state "
        # an aggregating subquery yields one row (0 or 1) for every row, so that no row is dropped
        "CALL { WITH r, state WITH r WHERE state = 0 " + _ENDPOINTS[by_node] + _CREATE_TIE + " } "
        "RETURN collect(CASE state WHEN 0 THEN i END) AS new, collect(CASE state WHEN 1 THEN i END) AS changed, "
        "sum(created) AS created, sum(ok) AS ok"
    )
    for by_node in (False, True)
}
# First load: when the store held no tie as the write began, the look-up by key finds nothing and is skipped (on
# its first attempt; a concurrent writer's tie with the same key fails the uniqueness constraint, and the retry
# classifies). Organisations likewise (ORG_CREATE alone). Measured on 200,000 ties: 15,300 ties/s vs 12,200.
TIE_CREATE = {by_node: "UNWIND $rows AS r " + _ENDPOINTS[by_node] + _CREATE_TIE for by_node in (False, True)}
EMPTINESS = (
    "CALL { MATCH (o:Organisation) RETURN count(o) AS orgs } "  # both read from the count store
    "CALL { MATCH ()-[e:TIE]->() RETURN count(e) AS ties } RETURN orgs = 0 AS orgs, ties = 0 AS ties"
)
TIE_UPDATE = (
    "UNWIND $rows AS r MATCH ()-[e:TIE {key: r[2]}]->() USING INDEX SEEK e:TIE(key) "
    "SET e.type = r[3], e.directed = r[4], e.weight = r[5], e.start = r[6], e.end = r[7], "
    "e.provenance = r[8], e.confidence = r[9] RETURN count(*) AS n"
)

#: Every write transaction ends by counting itself on the store's version node (never cleared), so that a
#: long-running reader notices writes of other processes with one cheap read (`Neo4jStore.version`). Should two
#: first writers both create the node, each later write increments both: their sum still grows at every commit.
BUMP_VERSION = "MERGE (v:CatalyseVersion {id: 'store'}) ON CREATE SET v.n = 1 ON MATCH SET v.n = v.n + 1"
READ_VERSION = "MATCH (v:CatalyseVersion) RETURN sum(v.n) AS n"

CLEAR_QUERIES = (  # one fixed query per label
    "MATCH (n:Introduction) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n",
    "MATCH (n:Alliance) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n",
    "MATCH (n:Organisation) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS n",
)

AS_OF_TIE = "(t.start IS NULL OR t.start <= $day) AND (t.end IS NULL OR t.end >= $day)"

TERRITORY_QUERIES = {  # one fixed query fragment per level: the level selects a constant, never formats Cypher
    "commune": "o.commune = $territory",
    "epci": "o.epci = $territory",
    "departement": "o.departement = $territory",
    "region": "o.region = $territory",
}


def _native(value):
    """neo4j.time.Date → datetime.date; lists → tuples."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return tuple(value)
    return value


def _org_props(o: Organisation) -> dict:
    props = {
        "id": o.id,
        "name": o.name,
        "sector": o.sector,
        "commune": o.commune,
        "epci": o.epci,
        "departement": o.departement,
        "region": o.region,
        "lat": o.lat,
        "lon": o.lon,
        "themes": list(o.themes),
        "tags": list(o.tags),
        "siren": o.siren,
        "siret": o.siret,
        "rna": o.rna,
        "website": o.website,
        "search_key": search_key(o),
    }
    props.update({EXTRA + k: v for k, v in o.extra.items()})
    return {k: v for k, v in props.items() if v is not None}


def _org_from(props: dict) -> Organisation:
    get = props.get
    return Organisation(
        id=props["id"],
        name=props["name"],
        sector=props["sector"],
        commune=get("commune"),
        epci=get("epci"),
        departement=get("departement"),
        region=get("region"),
        lat=get("lat"),
        lon=get("lon"),
        themes=tuple(get("themes") or ()),
        tags=tuple(get("tags") or ()),
        siren=get("siren"),
        siret=get("siret"),
        rna=get("rna"),
        website=get("website"),
        extra={k[len(EXTRA) :]: v for k, v in props.items() if k.startswith(EXTRA)},
    )


try:  # a Bolt Date is the structure 'D' of its epoch day: packed natively, 2× faster than the driver's date hook
    from neo4j._codec.packstream import Structure as _Structure
except ImportError:  # pragma: no cover - another driver version: plain dates (same result, slower)
    _Structure = None
_EPOCH = _dt.date(1970, 1, 1).toordinal()


_DATES: dict = {}  # one structure per distinct day (a million ties have a few thousand): 2x faster rows


def _bolt_date(day: _dt.date | None):
    if day is None or _Structure is None:
        return day
    s = _DATES.get(day)
    if s is None:
        s = _DATES[day] = _Structure(b"D", day.toordinal() - _EPOCH)
    return s


def _tie_row(t: Tie) -> list:
    """The flat row TIE_WRITE reads (None for a missing property: Cypher does not store null)."""
    return [
        t.source,
        t.target,
        t.key,
        t.type,
        t.directed,
        t.weight,
        _bolt_date(t.start),
        _bolt_date(t.end),
        t.provenance,
        t.confidence,
    ]


def _tie_from(source: str, target: str, p: dict) -> Tie:
    return Tie(
        source=source,
        target=target,
        type=p["type"],
        directed=p["directed"],
        weight=p["weight"],
        start=_native(p.get("start")),
        end=_native(p.get("end")),
        provenance=p.get("provenance"),
        confidence=p.get("confidence"),
    )


def _alliance_props(a: Alliance) -> dict:
    props = {
        "id": a.id,
        "name": a.name,
        "themes": list(a.themes),
        "commune": a.commune,
        "epci": a.epci,
        "departement": a.departement,
        "region": a.region,
        "start": a.start,
        "end": a.end,
        "status": a.status,
    }
    return {k: v for k, v in props.items() if v is not None}


def _alliance_from(p: dict, members) -> Alliance:
    return Alliance(
        id=p["id"],
        name=p["name"],
        themes=tuple(p.get("themes") or ()),
        commune=p.get("commune"),
        epci=p.get("epci"),
        departement=p.get("departement"),
        region=p.get("region"),
        start=_native(p.get("start")),
        end=_native(p.get("end")),
        status=p["status"],
        members=tuple(
            sorted((Membership(m["org"], m["role"]) for m in members if m["org"] is not None), key=lambda m: m.org)
        ),
    )


def _intro_props(i: Introduction) -> dict:
    props = {
        "id": i.id,
        "catalyser": i.catalyser,
        "a": i.a,
        "b": i.b,
        "date": i.date,
        "note": i.note,
        "outcome": i.outcome,
        "person": i.person,
    }
    return {k: v for k, v in props.items() if v is not None}


def _intro_from(p: dict) -> Introduction:
    return Introduction(
        catalyser=p["catalyser"],
        a=p["a"],
        b=p["b"],
        date=_native(p["date"]),
        note=p.get("note"),
        outcome=p["outcome"],
        id=p["id"],
        person=p.get("person"),
    )


class _Rows(list):
    """A batch of query parameter rows whose repr is its length.

    The driver formats every RUN's parameters with ``repr`` for its debug log even when debug logging is off
    (neo4j 5/6 ``Bolt5x*.run``: ``" ".join(map(repr, fields))``): 30 ms per 10,000 ties, seconds per million, and
    with debug logging on, the logs would hold every organisation's data. Packed exactly like a list.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _batches(rows: list, size: int = BATCH):
    for i in range(0, len(rows), size):
        yield _Rows(rows[i : i + size])


def _run_bounded(fn, tasks, workers: int, stop=lambda: False):
    """Yield ``(task, fn(task) or the StoreError it raised)`` as tasks finish, at most `workers` running at once
    (threads: each call opens its own session). After the first failure, or once `stop()` is true, no new task
    starts; the running ones are waited for and reported."""
    if workers <= 1:
        for task in tasks:
            if stop():
                return
            try:
                yield task, fn(task)
            except StoreError as exc:
                yield task, exc
                return
        return
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    todo = iter(tasks)
    failed = False
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="catalyse-neo4j-batch") as pool:
        running = {}
        for task in itertools.islice(todo, workers):
            running[pool.submit(fn, task)] = task
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    yield task, future.result()
                except StoreError as exc:
                    failed = True
                    yield task, exc
            if not failed and not stop():
                for task in itertools.islice(todo, workers - len(running)):
                    running[pool.submit(fn, task)] = task


def _merged(ranges) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges sorted, adjacent ones joined."""
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and out[-1][1] == lo:
            out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _ranges(positions) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges covering `positions` (a ``range``, or integers)."""
    if isinstance(positions, range):
        return [(positions.start, positions.stop)] if len(positions) else []
    return _merged((p, p + 1) for p in positions)


def _contiguous_tasks(entity: str, rows: list, size: int) -> list[tuple]:
    """``(entity, positions, rows)`` per transaction of `size` rows, in order."""
    return [
        (entity, range(i, i + len(chunk)), chunk) for i, chunk in zip(range(0, len(rows), size), _batches(rows, size))
    ]


def _disjoint_schedule(tie_rows: list[list], workers: int, size: int) -> list[list[list[int]]]:
    """Rounds of tie batches (lists of positions in `tie_rows`, at most `size` each) where the batches of different
    blocks of a round touch disjoint sets of organisations, so that batches in flight together do not wait for
    each other's locks.

    Creating a relationship locks both of its nodes until commit: batches of random ties in parallel queue behind
    each other and deadlock. Here the organisations fall in ``K = 2 * workers`` parts (CRC-32 of the id), each tie in
    the block of its pair of parts, and the blocks are taken in rounds of `workers` blocks without a common part:
    the blocks inside one part, then the pairs of parts of a round-robin tournament (circle method: ``K - 1``
    rounds of ``K / 2`` pairs). Within a round, batches alternate between its blocks (run the rounds in order, each
    round's batches in the order given). Scheduling only: any order writes the same data.
    """
    k = 2 * workers
    part: dict[str, int] = {}

    def part_of(org: str) -> int:
        p = part.get(org)
        if p is None:
            p = part[org] = zlib.crc32(org.encode("utf-8")) % k
        return p

    blocks: dict[tuple[int, int], list[int]] = {}
    for i, r in enumerate(tie_rows):
        a, b = part_of(r[0]), part_of(r[1])
        blocks.setdefault((a, b) if a <= b else (b, a), []).append(i)
    inside = [(p, p) for p in range(k)]
    rounds = [inside[i : i + workers] for i in range(0, k, workers)]
    for turn in range(k - 1):  # circle method: part k - 1 stays, the others turn
        pairs = [(turn, k - 1)] + [((turn + i) % (k - 1), (turn - i) % (k - 1)) for i in range(1, k // 2)]
        rounds.append([(min(a, b), max(a, b)) for a, b in pairs])
    schedule = []
    for blocks_of_round in rounds:
        split = [
            [rows[j : j + size] for j in range(0, len(rows), size)]
            for rows in (blocks.get(b, []) for b in blocks_of_round)
        ]
        schedule.append([batch for batch_row in itertools.zip_longest(*split) for batch in batch_row if batch])
    return schedule


def _counted(tx, fn):
    """Run `fn` in the write transaction `tx`, then count the transaction on the version node."""
    out = fn(tx)
    tx.run(BUMP_VERSION).consume()
    return out


def _tx_reader(tx):
    """`run(query, **params)` → records, in transaction `tx` (the transaction's counterpart of `_read`)."""
    return lambda query, **params: list(tx.run(query, **params))


def _endpoints(tie_rows: list[list]) -> set[str]:
    return {r[0] for r in tie_rows} | {r[1] for r in tie_rows}


class _StaleNodes(Exception):
    """Element ids read before a transaction no longer name the organisations (deleted or re-created since)."""


class _RolledBack(Exception):
    """Raised inside a transaction function to abort it (the driver rolls back and does not retry)."""

    def __init__(self, error: StoreError):
        self.error = error


class Neo4jStore(Store):
    """A store on a Neo4j 5 server. Settings default to the `NEO4J_*` environment variables."""

    kind = "neo4j"

    def __init__(
        self,
        uri: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = BATCH,
        atomic_limit: int = ATOMIC_LIMIT,
        commit_every: int = COMMIT_EVERY,
        retry_time: float = 60.0,
        workers: int | None = None,
        create: bool = False,
    ):
        """Connect (no DDL: the schema is checked on the first query). `create`: `ensure_schema` now."""
        import neo4j
        from neo4j import exceptions as nx_exc

        self.uri = uri or os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
        self.user = user or os.environ.get("NEO4J_USER", "neo4j")
        secret = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        if secret is None:
            secret = _password_from_file()
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        self.atomic_limit = atomic_limit
        self.commit_every = commit_every
        self.workers = _workers_setting(workers)
        self._exc = nx_exc
        self._schema_ok = False
        try:
            self.driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, secret or ""),
                connection_timeout=10,
                max_transaction_retry_time=retry_time,
                notifications_min_severity="OFF",
            )
            self.driver.verify_connectivity()
        except nx_exc.AuthError:
            raise StoreUnavailable(
                f"Neo4j at {self.uri} refused the credentials of user {self.user!r} (set NEO4J_USER / NEO4J_PASSWORD)"
            ) from None
        except (nx_exc.ServiceUnavailable, OSError) as exc:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {_first_line(exc)}") from None
        except (nx_exc.ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"bad Neo4j settings for {self.uri}: {_first_line(exc)}") from None
        except nx_exc.Neo4jError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the connection: {_first_line(exc)}") from None
        if create:
            self.ensure_schema()

    def _schema_missing(self) -> list[str]:
        """Names of the catalyse constraints and indexes the database lacks (one read; no DDL)."""
        try:
            records, _, _ = self.driver.execute_query(SCHEMA_NAMES, database_=self.database, routing_=_routing("r"))
        except self._exc.ServiceUnavailable as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_first_line(exc)}") from None
        have = set(records[0]["names"])
        return [name for name in SCHEMA if name not in have]

    def ensure_schema(self) -> bool:
        """Create the missing constraints and indexes and wait until they are online; True if any was missing."""
        missing = self._schema_missing()
        try:
            for name in missing:
                self.driver.execute_query(SCHEMA[name], database_=self.database)
            if missing:
                self.driver.execute_query("CALL db.awaitIndexes(300)", database_=self.database)
        except self._exc.ServiceUnavailable as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_first_line(exc)}") from None
        except self._exc.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.uri} refused to create catalyse's schema: {_first_line(exc)}") from None
        self._schema_ok = True
        return bool(missing)

    def _require_schema(self) -> None:
        """Once per store: `SchemaMissing` if the constraints and indexes its queries rely on are not there."""
        if self._schema_ok:
            return
        missing = self._schema_missing()
        if missing:
            raise SchemaMissing(
                f"Neo4j at {self.uri} has no catalyse schema (missing {', '.join(missing)}): run `catalyse init`"
            )
        self._schema_ok = True

    def describe(self) -> str:
        return f"Neo4j store {self.uri}" + (f" (database {self.database})" if self.database else "")

    def close(self) -> None:
        self.driver.close()

    def _read(self, query: str, **params) -> list:
        self._require_schema()
        try:
            records, _, _ = self.driver.execute_query(query, params, database_=self.database, routing_=_routing("r"))
        except self._exc.ServiceUnavailable as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_first_line(exc)}") from None
        return records

    def _write_tx(self, fn):
        """Run `fn` in one managed write transaction. The driver retries it on transient errors (deadlocks, lost
        leader, connection drops before commit) for `retry_time` seconds; a uniqueness conflict with a concurrent
        writer's CREATE is retried here (the function re-classifies, so the rows then count as existing)."""
        self._require_schema()
        in_doubt = False
        for attempt in range(CONFLICT_RETRIES):
            try:
                return self._write_tx_once(fn)
            except self._exc.ConstraintError as exc:
                if attempt == CONFLICT_RETRIES - 1:
                    raise StoreError(f"Neo4j refused the write; nothing was committed: {_first_line(exc)}") from None
            except self._exc.IncompleteCommit:
                in_doubt = True  # the commit may or may not have happened: the function is idempotent, run it again
            except StoreUnavailable as exc:
                if in_doubt:
                    raise StoreUnavailable(
                        f"lost Neo4j at {self.uri} while committing; the commit may or may not "
                        "have happened: re-run the same write to make sure (it is idempotent)"
                    ) from None
                raise exc from None
        raise StoreUnavailable(f"Neo4j at {self.uri} kept failing to confirm a commit; re-run the same write")

    def _write_tx_once(self, fn):
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(_counted, fn)
        except (self._exc.ConstraintError, self._exc.IncompleteCommit):
            raise
        except _RolledBack as rb:
            raise rb.error from None
        except (self._exc.ServiceUnavailable, self._exc.SessionExpired) as exc:
            raise StoreUnavailable(
                f"lost Neo4j at {self.uri} during a write; nothing was committed: {_first_line(exc)}"
            ) from None
        except (self._exc.DriverError, OSError) as exc:
            raise StoreUnavailable(
                f"lost Neo4j at {self.uri} during a write; nothing was committed: {_first_line(exc)}"
            ) from None
        except self._exc.Neo4jError as exc:
            raise StoreError(f"Neo4j refused the write; nothing was committed: {_first_line(exc)}") from None

    # -- writing ------------------------------------------------------------------------------------------------
    def existing_org_ids(self, ids: set[str]) -> set[str]:
        return set(self._node_ids(self._read, ids))

    @staticmethod
    def _existing_small(tx, data: Dataset) -> Dataset:
        """Catalysers, alliances and introductions of the store under the keys `data` writes (few: read back)."""
        cats, alls, intros = [], [], []
        for chunk in _batches([c.org for c in data.catalysers]):
            cats += [
                Catalyser(r["id"], tuple(r["metiers"] or ()))
                for r in tx.run(
                    "UNWIND $ids AS id MATCH (o:Organisation:Catalyser {id: id}) USING INDEX SEEK o:Organisation(id) "
                    "RETURN o.id AS id, o.metiers AS metiers",
                    ids=chunk,
                )
            ]
        for chunk in _batches([a.id for a in data.alliances]):
            alls += [
                _alliance_from(dict(r["a"]), r["members"])
                for r in tx.run(
                    "UNWIND $ids AS id MATCH (a:Alliance {id: id}) USING INDEX SEEK a:Alliance(id) "
                    "OPTIONAL MATCH (o:Organisation)-[m:MEMBER_OF]->(a) "
                    "RETURN properties(a) AS a, collect({org: o.id, role: m.role}) AS members",
                    ids=chunk,
                )
            ]
        for chunk in _batches([i.id for i in data.introductions]):
            intros += [
                _intro_from(dict(r["i"]))
                for r in tx.run(
                    "UNWIND $ids AS id MATCH (i:Introduction {id: id}) USING INDEX SEEK i:Introduction(id) "
                    "RETURN properties(i) AS i",
                    ids=chunk,
                )
            ]
        return Dataset([], cats, alls, [], intros)

    @staticmethod
    def _states(tx, query: str, rows: list, entity: str, summary: WriteSummary):
        """Run `query`, which classifies `rows` (and may write the new ones) and returns the positions of the new
        and the changed rows; count them in `summary`. Returns the record, the new rows and the changed rows."""
        r = tx.run(query, rows=rows).single()
        new, changed = _Rows(rows[i] for i in r["new"]), _Rows(rows[i] for i in r["changed"])
        summary.new[entity] += len(new)
        summary.changed[entity] += len(changed)
        summary.unchanged[entity] += len(rows) - len(new) - len(changed)
        return r, new, changed

    # Each step writes one batch of rows. The same steps serve the atomic write (all batches in one transaction)
    # and the batch-commit write (one transaction per batch).
    def _orgs_step(self, tx, rows: list[dict], summary: WriteSummary, fresh: bool = False) -> None:
        if fresh:  # the store held no organisation: every row is new (see TIE_CREATE)
            summary.new["organisations"] += len(rows)
            tx.run(ORG_CREATE, rows=rows).consume()
            return
        _, new, changed = self._states(tx, ORG_STATE, rows, "organisations", summary)
        if new:  # CREATE: a concurrent creator of the same id makes the uniqueness constraint fail → whole retry
            tx.run(ORG_CREATE, rows=new).consume()
        if changed:
            tx.run(ORG_UPDATE, rows=changed).consume()

    @staticmethod
    def _node_ids(run, ids: Iterable[str]) -> dict[str, str]:
        """Element id of each stored organisation of `ids` (`run(query, **params)` → records: `_read`, or
        `_tx_reader(tx)` inside a transaction). Its keys are the ids that exist."""
        out: dict[str, str] = {}
        for chunk in _batches(sorted(set(ids))):
            rec = run(NODE_IDS, ids=chunk)[0]
            out.update(zip(rec["ids"], rec["nodes"]))
        return out

    @classmethod
    def _check_references(cls, run, data: Dataset) -> tuple[list, dict[str, str]]:
        """`missing_references` of `data`, and the element ids of the stored organisations it refers to (read
        with `run`, as in `_node_ids`)."""
        read: dict[str, str] = {}

        def known(ids: set[str]) -> set[str]:
            read.update(cls._node_ids(run, ids))
            return set(read)

        return missing_references(data, known), read

    @classmethod
    def _endpoint_ids(cls, run, read: dict[str, str], org_rows: list, tie_rows: list) -> dict[str, str]:
        """Element ids of the ties' endpoints, once the write's organisations are stored. A write that brings no
        organisation creates none: the reference check's `read` holds every endpoint (a concurrent delete is
        caught by the stale check of the tie batches)."""
        return read if not org_rows else cls._node_ids(run, _endpoints(tie_rows))

    def _ties_step(
        self,
        tx,
        rows: list[list],
        summary: WriteSummary,
        fresh: bool = False,
        nodes: dict[str, str] | None = None,
        stale_raises: bool = False,
    ) -> None:
        """`nodes`: the endpoints' element ids (None: find them by id). When a created tie's endpoint is not the
        row's organisation: `_StaleNodes` if `stale_raises` (the element ids were read before the transaction: run
        it again by id), else an organisation was deleted during the write."""
        by_node = nodes is not None
        if nodes is not None:
            rows = _Rows(r + [nodes.get(r[0]), nodes.get(r[1])] for r in rows)
        if fresh:  # the store held no tie: every row is new
            summary.new["ties"] += len(rows)
            r, new, changed = tx.run(TIE_CREATE[by_node], rows=rows).single(), rows, []
        else:  # TIE_WRITE creates the new ones
            r, new, changed = self._states(tx, TIE_WRITE[by_node], rows, "ties", summary)
        if (r["created"] or 0) != len(new) or (r["ok"] or 0) != len(new):
            if stale_raises:
                raise _StaleNodes()
            raise _RolledBack(
                StoreError("a tie's organisation vanished during the write; nothing of this transaction was committed")
            )
        if changed and tx.run(TIE_UPDATE, rows=changed).single()["n"] != len(changed):
            raise _RolledBack(StoreError("a tie vanished during the write; nothing of this transaction was committed"))

    def _small_step(self, tx, data: Dataset, summary: WriteSummary, tick) -> None:
        """Catalysers, alliances (with their members) and introductions: few, compared with what is stored."""
        size = self.batch_size
        old = self._existing_small(tx, data)
        summary.add(summarise(Dataset([], data.catalysers, data.alliances, [], data.introductions), old))
        keep_c = {c.org: c for c in old.catalysers}
        rows = [{"id": c.org, "metiers": list(c.metiers)} for c in data.catalysers if keep_c.get(c.org) != c]
        for chunk in _batches(rows, size):
            n = tx.run(
                "UNWIND $rows AS r MATCH (o:Organisation {id: r.id}) USING INDEX SEEK o:Organisation(id) "
                "SET o:Catalyser, o.metiers = r.metiers "
                "RETURN count(*) AS n",
                rows=chunk,
            ).single()["n"]
            if n != len(chunk):
                raise _RolledBack(StoreError("a catalyser's organisation vanished during the write"))
        tick(len(data.catalysers))
        keep_a = {a.id: a for a in old.alliances}
        alliance_rows = [
            {"props": _alliance_props(a), "members": [{"org": m.org, "role": m.role} for m in a.members]}
            for a in data.alliances
            if keep_a.get(a.id) != a
        ]
        for chunk in _batches(alliance_rows, max(1, size // 10)):
            tx.run(
                "UNWIND $rows AS r MERGE (a:Alliance {id: r.props.id}) SET a = r.props "
                "WITH a, r OPTIONAL MATCH (:Organisation)-[m:MEMBER_OF]->(a) DELETE m",
                rows=chunk,
            ).consume()
            created = tx.run(
                "UNWIND $rows AS r MATCH (a:Alliance {id: r.props.id}) USING INDEX SEEK a:Alliance(id) "
                "UNWIND r.members AS m "
                "MATCH (o:Organisation {id: m.org}) USING INDEX SEEK o:Organisation(id) "
                "CREATE (o)-[:MEMBER_OF {role: m.role}]->(a) "
                "RETURN count(*) AS n",
                rows=chunk,
            ).single()["n"]
            if created != sum(len(r["members"]) for r in chunk):
                raise _RolledBack(StoreError("an alliance member vanished during the write"))
        tick(len(data.alliances))
        keep_i = {i.id: i for i in old.introductions}
        rows = [_intro_props(i) for i in data.introductions if keep_i.get(i.id) != i]
        for chunk in _batches(rows, size):
            n = tx.run(
                "UNWIND $rows AS r MERGE (i:Introduction {id: r.id}) SET i = r WITH i, r "
                "OPTIONAL MATCH (i)-[old:BY|BETWEEN]->() DELETE old WITH DISTINCT i, r "
                "MATCH (c:Organisation {id: r.catalyser}) USING INDEX SEEK c:Organisation(id) "
                "MATCH (a:Organisation {id: r.a}) USING INDEX SEEK a:Organisation(id) "
                "MATCH (b:Organisation {id: r.b}) USING INDEX SEEK b:Organisation(id) "
                "CREATE (i)-[:BY]->(c), (i)-[:BETWEEN]->(a), (i)-[:BETWEEN]->(b) RETURN count(*) AS n",
                rows=chunk,
            ).single()["n"]
            if n != len(chunk):
                raise _RolledBack(StoreError("an introduced organisation vanished during the write"))
        tick(len(data.introductions))

    def bulk_write(
        self, data: Dataset, *, progress: Progress | None = None, commit_every: int | None = None
    ) -> WriteSummary:
        """The batch-commit protocol (`_write_batches`): one transaction per batch of `commit_every` rows (default
        `self.commit_every`), `PartialWrite` on a failure after a commit."""
        self.ensure_schema()
        data = check_unique_keys(data)
        org_rows = [_org_props(o) for o in data.organisations]
        tie_rows = [_tie_row(t) for t in data.ties]
        every = max(1, int(commit_every or self.commit_every))
        return self._write_batches(data, org_rows, tie_rows, progress or (lambda n: None), every)

    def _write(self, data: Dataset, *, progress: Progress | None = None) -> WriteSummary:
        """ONE transaction (all or nothing); `write` has checked its size against `atomic_limit`."""
        data = check_unique_keys(data)
        tick = progress or (lambda n: None)
        org_rows = [_org_props(o) for o in data.organisations]
        tie_rows = [_tie_row(t) for t in data.ties]
        size = self.batch_size
        attempts = itertools.count()

        def work(tx):
            run = _tx_reader(tx)
            missing, read = self._check_references(run, data)
            if missing:
                raise _RolledBack(IntegrityError(missing))
            # A write of more than one batch, on its first attempt, may take the first-load path; a retry
            # (concurrent writer, lost connection) classifies every row.
            bulk = next(attempts) == 0 and len(org_rows) + len(tie_rows) > size
            fresh = tx.run(EMPTINESS).single() if bulk else {"orgs": False, "ties": False}
            summary = WriteSummary()
            for chunk in _batches(org_rows, size):
                self._orgs_step(tx, chunk, summary, fresh["orgs"])
                tick(len(chunk))
            self._small_step(tx, data, summary, tick)
            nodes = self._endpoint_ids(run, read, org_rows, tie_rows) if len(tie_rows) > size else None
            for chunk in _batches(tie_rows, size):
                self._ties_step(tx, chunk, summary, fresh["ties"], nodes)
                tick(len(chunk))
            return summary

        return self._write_tx(work)

    def _write_batches(self, data: Dataset, org_rows, tie_rows, tick, commit_every: int) -> WriteSummary:
        """The batch-commit protocol (writes too big for one transaction of the server's memory).

        References are checked first (nothing written if one is missing); then organisations, then catalysers,
        alliances and introductions, then ties, are committed `commit_every` rows per transaction. Organisation
        batches, and then tie batches, run `workers` at a time (each in its own session and transaction; the
        server serialises what they share, and the driver retries a deadlock); with several workers the tie batches
        are ordered so that those in flight together touch disjoint organisations (`_disjoint_schedule`), and the
        row ranges below are then unions of ranges. Each batch is idempotent (classified, then created or
        updated), so the driver may retry it and a re-run of a failed write completes it without duplicates. On
        failure no new batch starts, the ones in flight are waited for, and `PartialWrite` says exactly which rows
        were committed (acknowledged batches, `committed_rows`) and which are in doubt (batches whose commit the
        server could not confirm, `in_doubt_rows`).
        """
        missing, read = self._check_references(self._read, data)
        if missing:
            raise IntegrityError(missing)
        empty = self._read(EMPTINESS)[0]
        summary = WriteSummary()
        committed_rows: dict[str, list] = {}  # entity -> [start, stop) ranges of acknowledged batches
        doubt_rows: dict[str, list] = {}  # entity -> ranges of batches whose commit the server could not confirm
        total = {
            "organisations": len(org_rows),
            "catalysers": len(data.catalysers),
            "alliances": len(data.alliances),
            "ties": len(tie_rows),
            "introductions": len(data.introductions),
        }
        small = Dataset([], data.catalysers, data.alliances, [], data.introductions)
        small_entities = ("catalysers", "alliances", "introductions")
        phases = [
            _contiguous_tasks("organisations", org_rows, commit_every),
            [("small", 0, small)] if small else [],
            self._tie_tasks(tie_rows, commit_every),
        ]

        def run(task):
            entity, _, chunk = task
            part = WriteSummary()
            attempts = itertools.count()

            def work(tx):
                # a retried transaction function starts again from a clean summary, classifies every row (a batch
                # of a first load may have been committed unacknowledged, or met a concurrent writer) and finds
                # the endpoints by id
                for d in (part.new, part.changed, part.unchanged):
                    d.update(dict.fromkeys(d, 0))
                first = next(attempts) == 0
                if entity == "organisations":
                    for rows in _batches(chunk, self.batch_size):
                        self._orgs_step(tx, rows, part, first and empty["orgs"])
                elif entity == "ties":
                    for rows in _batches(chunk, self.batch_size):
                        self._ties_step(tx, rows, part, first and empty["ties"], nodes if first else None, first)
                else:
                    self._small_step(tx, chunk, part, lambda n: None)
                return part

            try:
                return self._write_tx(work)
            except _StaleNodes:  # rolled back: run again, finding the endpoints by id
                return self._write_tx(work)

        def spans(task):
            entity, positions, _ = task
            if entity == "small":
                return [(e, 0, total[e]) for e in small_entities if total[e]]
            return [(entity, lo, hi) for lo, hi in _ranges(positions)]

        def rows_in(ranges: dict[str, list]) -> dict[str, int]:
            return {e: sum(hi - lo for lo, hi in r) for e, r in ranges.items()}

        batches, nodes = 0, {}
        failure: Exception | None = None
        for phase in phases:
            if phase and phase[0][0] == "ties":
                try:
                    nodes = self._endpoint_ids(self._read, read, org_rows, tie_rows)
                except StoreError as exc:  # after the organisations' commits: report them
                    failure = exc
            # after a failure (a batch's, or the caller's `progress` raising) no new batch starts, and the batches
            # in flight are still waited for and counted, so that `PartialWrite` stays exact
            stop = lambda: failure is not None  # noqa: E731, B023 - read late on purpose: set by this loop
            for task, outcome in _run_bounded(run, phase if failure is None else [], self.workers, stop):
                if isinstance(outcome, StoreError):
                    if isinstance(outcome, StoreUnavailable):  # lost the server: the commit may have happened
                        for e, lo, hi in spans(task):
                            doubt_rows.setdefault(e, []).append((lo, hi))
                    failure = failure or outcome
                    continue
                batches += 1
                summary.add(outcome)
                done = spans(task)
                for e, lo, hi in done:
                    committed_rows.setdefault(e, []).append((lo, hi))
                try:
                    tick(sum(hi - lo for _, lo, hi in done))
                except Exception as exc:  # noqa: BLE001 - the caller's callback: reported as the cause
                    failure = failure or exc
            if failure:
                committed = dict.fromkeys(total, 0) | rows_in(committed_rows)
                raise PartialWrite(
                    committed,
                    rows_in(doubt_rows),
                    batches,
                    total,
                    str(failure) or type(failure).__name__,
                    committed_rows={e: _merged(r) for e, r in committed_rows.items()},
                    in_doubt_rows={e: _merged(r) for e, r in doubt_rows.items()},
                )
        summary.transactions = batches
        return summary

    def _tie_tasks(self, tie_rows: list[list], commit_every: int) -> list[tuple]:
        """``("ties", positions, rows)`` per transaction: in order with one writer; with several, in the order of
        `_disjoint_schedule` (batches in flight together share no organisation)."""
        if self.workers <= 1 or len(tie_rows) <= commit_every:
            return _contiguous_tasks("ties", tie_rows, commit_every)
        return [
            ("ties", positions, _Rows(tie_rows[i] for i in positions))
            for batches in _disjoint_schedule(tie_rows, self.workers, commit_every)
            for positions in batches
        ]

    def delete(
        self,
        *,
        organisations: Iterable[str] = (),
        alliances: Iterable[str] = (),
        ties: Iterable[str] = (),
        introductions: Iterable[str] = (),
    ) -> dict[str, int]:
        orgs, alls, keys, intros = list(organisations), list(alliances), list(ties), list(introductions)

        def work(tx):
            done = {}
            done["introductions"] = tx.run(
                "UNWIND $ids AS id MATCH (i:Introduction {id: id}) "
                "USING INDEX SEEK i:Introduction(id) DETACH DELETE i "
                "RETURN count(*) AS n",
                ids=intros,
            ).single()["n"]
            done["ties"] = tx.run(
                "UNWIND $keys AS k MATCH ()-[t:TIE {key: k}]->() USING INDEX SEEK t:TIE(key) "
                "DELETE t RETURN count(*) AS n",
                keys=keys,
            ).single()["n"]
            done["alliances"] = tx.run(
                "UNWIND $ids AS id MATCH (a:Alliance {id: id}) "
                "USING INDEX SEEK a:Alliance(id) DETACH DELETE a "
                "RETURN count(*) AS n",
                ids=alls,
            ).single()["n"]
            tx.run(
                "UNWIND $ids AS id MATCH (i:Introduction) WHERE i.catalyser = id OR i.a = id OR i.b = id "
                "DETACH DELETE i",
                ids=orgs,
            ).consume()
            done["organisations"] = tx.run(
                "UNWIND $ids AS id MATCH (o:Organisation {id: id}) "
                "USING INDEX SEEK o:Organisation(id) DETACH DELETE o "
                "RETURN count(*) AS n",
                ids=orgs,
            ).single()["n"]
            return done

        return self._write_tx(work)

    def clear(self) -> None:
        """Delete everything catalyse stored, in transactions of at most 10,000 nodes (with their relationships):
        one transaction for a million ties would exhaust the server's heap. Not atomic: a failure leaves part of
        the data, and running it again finishes the job."""
        for query in CLEAR_QUERIES:
            while self._write_tx(lambda tx, q=query: tx.run(q).single()["n"]):
                pass

    # -- reading ------------------------------------------------------------------------------------------------
    def organisations(self, *, sector=None, territory=None, theme=None, search=None, ids=None) -> list[Organisation]:
        where, params = [], {}
        if sector:
            where.append("o.sector = $sector")
            params["sector"] = sector
        if territory:
            level, code = parse_territory(territory)
            where.append(TERRITORY_QUERIES[level])
            params["territory"] = code
        if theme:
            where.append("$theme IN o.themes")
            params["theme"] = F.parse_theme(theme)
        if search:
            where.append("o.search_key CONTAINS $search")
            params["search"] = _fold(search)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        if ids is not None:
            params["ids"] = sorted(set(ids))
            query = (
                "UNWIND $ids AS id MATCH (o:Organisation {id: id}) USING INDEX SEEK o:Organisation(id)"
                + clause
                + " RETURN properties(o) AS o ORDER BY o.id"
            )
        else:
            query = "MATCH (o:Organisation)" + clause + " RETURN properties(o) AS o ORDER BY o.id"
        return [_org_from(dict(r["o"])) for r in self._read(query, **params)]

    @staticmethod
    def _tie_where(type=None, as_of=None) -> tuple[list[str], dict]:
        """Conditions (with their parameters) shared by `ties` and `iter_ties`."""
        where, params = [], {}
        if type:
            where.append("t.type = $type")
            params["type"] = type
        if as_of:
            where.append(AS_OF_TIE)
            params["day"] = as_of
        return where, params

    def ties(self, *, type=None, as_of=None, org=None) -> list[Tie]:
        if org is None:
            return list(self.iter_ties(type=type, as_of=as_of))
        where, params = self._tie_where(type, as_of)
        query = (
            TIES_OF_ORG
            + (" WHERE " + " AND ".join(where) if where else "")
            + " RETURN startNode(t).id AS s, endNode(t).id AS d, properties(t) AS t ORDER BY t.key"
        )
        return [_tie_from(r["s"], r["d"], dict(r["t"])) for r in self._read(query, org=org, **params)]

    def iter_ties(self, *, type=None, as_of=None, batch: int = 50_000):
        """Keyset pagination on the tie-key index: each page is one short read of `batch` ties in key order, so
        neither the server (no global sort) nor the client (no list of records) holds all ties at once. A page is
        ONE record holding a list of flat lists, dates as ISO text: hydrating a record, a map and a date object
        per tie made the driver 8x slower (measured: 6.7 s against 0.8 s for 50,000 ties)."""
        where, params = self._tie_where(type, as_of)
        where.insert(0, "t.key > $after")
        query = (
            "MATCH (s:Organisation)-[t:TIE]->(d:Organisation) WHERE "
            + " AND ".join(where)
            + " WITH s, d, t ORDER BY t.key LIMIT $n RETURN collect([s.id, d.id, t.key, t.type, t.directed, "
            "t.weight, toString(t.start), toString(t.end), t.provenance, t.confidence]) AS rows"
        )
        after = ""
        day = _dt.date.fromisoformat
        while True:
            rows = self._read(query, after=after, n=batch, **params)[0]["rows"]
            for r in rows:
                yield Tie(
                    source=r[0],
                    target=r[1],
                    type=r[3],
                    directed=r[4],
                    weight=r[5],
                    start=day(r[6]) if r[6] else None,
                    end=day(r[7]) if r[7] else None,
                    provenance=r[8],
                    confidence=r[9],
                )
            if len(rows) < batch:
                return
            after = rows[-1][2]

    def alliances(self, *, as_of=None, theme=None, org=None) -> list[Alliance]:
        where: list[str] = []
        params: dict = {}
        if as_of:
            where.append("(a.start IS NULL OR a.start <= $day) AND (a.end IS NULL OR a.end >= $day)")
            params["day"] = as_of
        if theme:
            where.append("$theme IN a.themes")
            params["theme"] = F.parse_theme(theme)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        start = "MATCH (a:Alliance)"
        if org is not None:
            start = ALLIANCES_OF_ORG
            params["org"] = org
        query = (
            start + clause + " OPTIONAL MATCH (o:Organisation)-[m:MEMBER_OF]->(a) "
            "RETURN properties(a) AS a, collect({org: o.id, role: m.role}) AS members ORDER BY a.id"
        )
        return [_alliance_from(dict(r["a"]), r["members"]) for r in self._read(query, **params)]

    def catalysers(self) -> list[Catalyser]:
        return [
            Catalyser(r["id"], tuple(r["metiers"] or ()))
            for r in self._read(
                "MATCH (o:Organisation:Catalyser) RETURN o.id AS id, o.metiers AS metiers ORDER BY o.id"
            )
        ]

    def introductions(self, *, catalyser=None, org=None) -> list[Introduction]:
        """From the catalyser's or the organisation's node (index seeks) when either is given."""
        matches: list[str] = []
        params: dict = {}
        if catalyser:
            matches.append(INTRODUCTIONS_BY)
            params["catalyser"] = catalyser
        if org:
            matches.append(INTRODUCTIONS_OF)
            params["org"] = org
        query = " ".join(matches or ["MATCH (i:Introduction)"]) + " RETURN DISTINCT properties(i) AS i ORDER BY i.id"
        return [_intro_from(dict(r["i"])) for r in self._read(query, **params)]

    def tie_columns(self, *, as_of=None, batch: int = 100_000) -> TieColumns:
        """Organisations as property maps straight into node attributes; ties in pages of `batch` flat lists in
        key order (as `iter_ties`), straight into columns: no `Organisation` or `Tie` per row."""
        nodes = []
        for r in self._read(
            "MATCH (o:Organisation) RETURN o.id AS id, properties(o) AS p, o:Catalyser AS cat ORDER BY o.id"
        ):
            p = r["p"]
            attrs = {"name": p["name"], "sector": p["sector"], "catalyser": bool(r["cat"])}
            if r["cat"]:
                attrs["metiers"] = tuple(p.get("metiers") or ())
            for key in ("commune", "epci", "departement", "region", "lat", "lon"):
                if key in p:
                    attrs[key] = p[key]
            attrs["themes"] = tuple(p.get("themes") or ())
            attrs["tags"] = tuple(p.get("tags") or ())
            for key in ("siren", "siret", "rna", "website"):
                if key in p:
                    attrs[key] = p[key]
            for key in sorted(k for k in p if k.startswith(EXTRA)):
                attrs.setdefault(key[len(EXTRA) :], p[key])
            nodes.append((r["id"], attrs))
        cols = TieColumns(nodes=nodes, as_of=as_of)
        where, params = self._tie_where(None, as_of)
        where.insert(0, "t.key > $after")
        query = (
            "MATCH (s:Organisation)-[t:TIE]->(d:Organisation) WHERE "
            + " AND ".join(where)
            + " WITH s, d, t ORDER BY t.key LIMIT $n "
            "RETURN collect([s.id, d.id, t.type, t.directed, t.weight, toString(t.start), t.key]) AS rows"
        )
        after = ""
        while True:
            rows = self._read(query, after=after, n=batch, **params)[0]["rows"]
            if rows:
                source, target, kind, directed, weight, start, keys = zip(*rows)
                cols.source += source
                cols.target += target
                cols.type += kind
                cols.directed += directed
                cols.weight += weight
                cols.start += start
            if len(rows) < batch:
                return cols
            after = keys[-1]

    def get_introduction(self, intro_id: str) -> Introduction | None:
        found = self._read(INTRODUCTION_BY_ID, id=intro_id)
        return _intro_from(dict(found[0]["i"])) if found else None

    def version(self) -> int:
        """How many write transactions were committed (the version node's counter; 0 before the first)."""
        return self._read(READ_VERSION)[0]["n"] or 0

    def counts(self) -> dict[str, int]:
        r = self._read(
            "CALL () { MATCH (o:Organisation) RETURN count(o) AS organisations } "
            "CALL () { MATCH (c:Organisation:Catalyser) RETURN count(c) AS catalysers } "
            "CALL () { MATCH (a:Alliance) RETURN count(a) AS alliances } "
            "CALL () { MATCH ()-[m:MEMBER_OF]->() RETURN count(m) AS memberships } "
            "CALL () { MATCH ()-[t:TIE]->() RETURN count(t) AS ties } "
            "CALL () { MATCH (i:Introduction) RETURN count(i) AS introductions } "
            "RETURN organisations, catalysers, alliances, memberships, ties, introductions"
        )[0]
        return {k: r[k] for k in ("organisations", "catalysers", "alliances", "memberships", "ties", "introductions")}


def _routing(mode: str):
    from neo4j import RoutingControl

    return RoutingControl.READ if mode == "r" else RoutingControl.WRITE


def _first_line(exc: BaseException) -> str:
    """A one-line reason: the driver's "reason [Errno 111] Connection refused" if it gives one."""
    import re

    text = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    reason = re.search(r"reason (\[Errno \d+\] [^)\n]+)", text)
    if reason:
        return reason.group(1)
    return " ".join(text.split())[:300]


def _workers_setting(workers: int | None) -> int:
    """Batch transactions in flight: `workers`, else `CATALYSE_NEO4J_WORKERS`, else `WORKERS`."""
    if workers is None:
        text = os.environ.get("CATALYSE_NEO4J_WORKERS", "").strip()
        if not text:
            return WORKERS
        if not text.isdigit() or not 1 <= int(text) <= 64:
            raise StoreError(f"CATALYSE_NEO4J_WORKERS must be a whole number from 1 to 64, not {text!r}")
        return int(text)
    return max(1, int(workers))


def _password_from_file() -> str | None:
    """`NEO4J_PASSWORD_FILE`: a file readable by its owner only (mode 0600), holding the password."""
    path = os.environ.get("NEO4J_PASSWORD_FILE")
    if not path:
        return None
    mode = os.stat(path).st_mode & 0o777
    if mode & 0o077:
        raise StoreUnavailable(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
    with open(path, encoding="utf-8") as fh:
        return fh.read().strip()

"""The Neo4j store, through the official `neo4j` driver.

Graph model::

    (:Organisation {id, name, sector, commune, …, themes, tags, `extra.<column>`…})   label :Catalyser + metiers
    (:Organisation)-[:TIE {key, type, directed, weight, start, end, provenance, confidence}]->(:Organisation)
    (:Organisation)-[:MEMBER_OF {role}]->(:Alliance {id, name, themes, …, start, end, status})
    (:Introduction {id, catalyser, a, b, date, note, outcome})-[:BY]->(catalyser), -[:BETWEEN]->(a), (b)

Uniqueness constraints on organisation, alliance and introduction ids and on the tie key. A write is ONE managed
transaction (`session.execute_write`, retried by the driver on transient errors) of `UNWIND $rows` batches with
idempotent `MERGE`s: all of it is committed, or none. Every query takes parameters; no user text is ever
formatted into Cypher. Connection settings come from the environment (`NEO4J_URI`, `NEO4J_USER`,
`NEO4J_PASSWORD`, `NEO4J_DATABASE`); the password is never printed.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Iterable

from .. import fields as F
from ..model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from ..vocab import _fold
from .base import (IntegrityError, Progress, Store, StoreError, StoreUnavailable, WriteSummary,
                   missing_references, summarise)
from .filters import parse_territory
from .sqlite_store import search_key

EXTRA = "extra."  # prefix of the properties that hold an organisation's extra columns
BATCH = 10_000

CONSTRAINTS = (
    "CREATE CONSTRAINT catalyse_org_id IF NOT EXISTS FOR (o:Organisation) REQUIRE o.id IS UNIQUE",
    "CREATE CONSTRAINT catalyse_alliance_id IF NOT EXISTS FOR (a:Alliance) REQUIRE a.id IS UNIQUE",
    "CREATE CONSTRAINT catalyse_intro_id IF NOT EXISTS FOR (i:Introduction) REQUIRE i.id IS UNIQUE",
    "CREATE CONSTRAINT catalyse_tie_key IF NOT EXISTS FOR ()-[t:TIE]-() REQUIRE t.key IS UNIQUE",
    "CREATE INDEX catalyse_org_sector IF NOT EXISTS FOR (o:Organisation) ON (o.sector)",
    "CREATE INDEX catalyse_org_commune IF NOT EXISTS FOR (o:Organisation) ON (o.commune)",
)

# Server-side comparison of what is written with what is stored: 0 new, 1 changed, 2 unchanged.
# An organisation's `metiers` (its catalyser role) is not part of the organisation record.
ORG_STATE = ("UNWIND $rows AS r OPTIONAL MATCH (o:Organisation {id: r.id}) "
             "RETURN r.id AS key, CASE WHEN o IS NULL THEN 0 "
             "WHEN all(k IN keys(r) WHERE o[k] = r[k]) AND size([k IN keys(o) WHERE k <> 'metiers']) = size(keys(r)) "
             "THEN 2 ELSE 1 END AS state")
TIE_STATE = ("UNWIND $rows AS r OPTIONAL MATCH (:Organisation {id: r.s})-[e:TIE {key: r.p.key}]->() "
             "RETURN r.p.key AS key, CASE WHEN e IS NULL THEN 0 WHEN properties(e) = r.p THEN 2 ELSE 1 END AS state")

TERRITORY_QUERIES = {  # one fixed query fragment per level: the level selects a constant, never formats Cypher
    "commune": "o.commune = $territory", "epci": "o.epci = $territory",
    "departement": "o.departement = $territory", "region": "o.region = $territory",
}


def _native(value):
    """neo4j.time.Date → datetime.date; lists → tuples."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return tuple(value)
    return value


def _org_props(o: Organisation) -> dict:
    props = {"id": o.id, "name": o.name, "sector": o.sector, "commune": o.commune, "epci": o.epci,
             "departement": o.departement, "region": o.region, "lat": o.lat, "lon": o.lon,
             "themes": list(o.themes), "tags": list(o.tags), "siren": o.siren, "siret": o.siret, "rna": o.rna,
             "website": o.website, "search_key": search_key(o)}
    props.update({EXTRA + k: v for k, v in o.extra.items()})
    return {k: v for k, v in props.items() if v is not None}


def _org_from(props: dict) -> Organisation:
    get = props.get
    return Organisation(id=props["id"], name=props["name"], sector=props["sector"], commune=get("commune"),
                        epci=get("epci"), departement=get("departement"), region=get("region"), lat=get("lat"),
                        lon=get("lon"), themes=tuple(get("themes") or ()), tags=tuple(get("tags") or ()),
                        siren=get("siren"), siret=get("siret"), rna=get("rna"), website=get("website"),
                        extra={k[len(EXTRA):]: v for k, v in props.items() if k.startswith(EXTRA)})


def _tie_props(t: Tie) -> dict:
    props = {"key": t.key, "type": t.type, "directed": t.directed, "weight": t.weight, "start": t.start,
             "end": t.end, "provenance": t.provenance, "confidence": t.confidence}
    return {k: v for k, v in props.items() if v is not None}


def _tie_from(source: str, target: str, p: dict) -> Tie:
    return Tie(source=source, target=target, type=p["type"], directed=p["directed"], weight=p["weight"],
               start=_native(p.get("start")), end=_native(p.get("end")), provenance=p.get("provenance"),
               confidence=p.get("confidence"))


def _alliance_props(a: Alliance) -> dict:
    props = {"id": a.id, "name": a.name, "themes": list(a.themes), "commune": a.commune, "epci": a.epci,
             "departement": a.departement, "region": a.region, "start": a.start, "end": a.end, "status": a.status}
    return {k: v for k, v in props.items() if v is not None}


def _alliance_from(p: dict, members) -> Alliance:
    return Alliance(id=p["id"], name=p["name"], themes=tuple(p.get("themes") or ()), commune=p.get("commune"),
                    epci=p.get("epci"), departement=p.get("departement"), region=p.get("region"),
                    start=_native(p.get("start")), end=_native(p.get("end")), status=p["status"],
                    members=tuple(sorted((Membership(m["org"], m["role"]) for m in members if m["org"] is not None),
                                         key=lambda m: m.org)))


def _intro_props(i: Introduction) -> dict:
    props = {"id": i.id, "catalyser": i.catalyser, "a": i.a, "b": i.b, "date": i.date, "note": i.note,
             "outcome": i.outcome}
    return {k: v for k, v in props.items() if v is not None}


def _intro_from(p: dict) -> Introduction:
    return Introduction(catalyser=p["catalyser"], a=p["a"], b=p["b"], date=_native(p["date"]), note=p.get("note"),
                        outcome=p["outcome"], id=p["id"])


def _batches(rows: list, size: int = BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


class _RolledBack(Exception):
    """Raised inside a transaction function to abort it (the driver rolls back and does not retry)."""

    def __init__(self, error: StoreError):
        self.error = error


class Neo4jStore(Store):
    """A store on a Neo4j 5 server. Settings default to the `NEO4J_*` environment variables."""

    kind = "neo4j"

    def __init__(self, uri: str | None = None, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = BATCH):
        import neo4j
        from neo4j import exceptions as nx_exc

        self.uri = uri or os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
        self.user = user or os.environ.get("NEO4J_USER", "neo4j")
        secret = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        if secret is None:
            secret = _password_from_file()
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = batch_size
        self._exc = nx_exc
        try:
            self.driver = neo4j.GraphDatabase.driver(self.uri, auth=(self.user, secret or ""),
                                                     connection_timeout=10, max_transaction_retry_time=30,
                                                     notifications_min_severity="OFF")
            self.driver.verify_connectivity()
            for statement in CONSTRAINTS:
                self.driver.execute_query(statement, database_=self.database)
        except nx_exc.AuthError:
            raise StoreUnavailable(f"Neo4j at {self.uri} refused the credentials of user {self.user!r} "
                                   "(set NEO4J_USER / NEO4J_PASSWORD)") from None
        except (nx_exc.ServiceUnavailable, OSError) as exc:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {_first_line(exc)}") from None
        except (nx_exc.ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(f"bad Neo4j settings for {self.uri}: {_first_line(exc)}") from None
        except nx_exc.Neo4jError as exc:
            raise StoreUnavailable(f"Neo4j at {self.uri} failed to set up catalyse's constraints: "
                                   f"{_first_line(exc)}") from None

    def describe(self) -> str:
        return f"Neo4j store {self.uri}" + (f" (database {self.database})" if self.database else "")

    def close(self) -> None:
        self.driver.close()

    def _read(self, query: str, **params) -> list:
        try:
            records, _, _ = self.driver.execute_query(query, params, database_=self.database,
                                                      routing_=_routing("r"))
        except self._exc.ServiceUnavailable as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {_first_line(exc)}") from None
        return records

    def _write_tx(self, fn):
        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(fn)
        except _RolledBack as rb:
            raise rb.error from None
        except (self._exc.ServiceUnavailable, self._exc.SessionExpired) as exc:
            raise StoreUnavailable(f"lost Neo4j at {self.uri} during a write; nothing was committed: "
                                   f"{_first_line(exc)}") from None
        except self._exc.Neo4jError as exc:
            raise StoreError(f"Neo4j refused the write; nothing was committed: {_first_line(exc)}") from None

    # -- writing ------------------------------------------------------------------------------------------------
    def existing_org_ids(self, ids: set[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _batches(sorted(ids)):
            found.update(r["id"] for r in self._read(
                "UNWIND $ids AS id MATCH (o:Organisation {id: id}) RETURN o.id AS id", ids=chunk))
        return found

    @staticmethod
    def _existing_small(tx, data: Dataset) -> Dataset:
        """Catalysers, alliances and introductions of the store under the keys `data` writes (few: read back)."""
        cats, alls, intros = [], [], []
        for chunk in _batches([c.org for c in data.catalysers]):
            cats += [Catalyser(r["id"], tuple(r["metiers"] or ())) for r in tx.run(
                "UNWIND $ids AS id MATCH (o:Organisation:Catalyser {id: id}) RETURN o.id AS id, o.metiers AS metiers",
                ids=chunk)]
        for chunk in _batches([a.id for a in data.alliances]):
            alls += [_alliance_from(dict(r["a"]), r["members"]) for r in tx.run(
                "UNWIND $ids AS id MATCH (a:Alliance {id: id}) OPTIONAL MATCH (o:Organisation)-[m:MEMBER_OF]->(a) "
                "RETURN properties(a) AS a, collect({org: o.id, role: m.role}) AS members", ids=chunk)]
        for chunk in _batches([i.id for i in data.introductions]):
            intros += [_intro_from(dict(r["i"])) for r in tx.run(
                "UNWIND $ids AS id MATCH (i:Introduction {id: id}) RETURN properties(i) AS i", ids=chunk)]
        return Dataset([], cats, alls, [], intros)

    @staticmethod
    def _states(tx, query: str, rows: list[dict], size: int) -> dict[str, int]:
        """key → 0 (new), 1 (changed) or 2 (unchanged), decided by the server: only small integers come back."""
        states: dict[str, int] = {}
        for chunk in _batches(rows, size):
            states.update((r["key"], r["state"]) for r in tx.run(query, rows=chunk))
        return states

    def write(self, data: Dataset, *, progress: Progress | None = None) -> WriteSummary:
        tick = progress or (lambda n: None)
        size = self.batch_size

        def work(tx):
            missing = missing_references(data, lambda ids: self._tx_existing_ids(tx, ids))
            if missing:
                raise _RolledBack(IntegrityError(missing))
            old = self._existing_small(tx, data)
            summary = summarise(Dataset([], data.catalysers, data.alliances, [], data.introductions), old)
            org_rows = [_org_props(o) for o in data.organisations]
            org_state = self._states(tx, ORG_STATE, org_rows, size)
            tie_rows = [{"s": t.source, "t": t.target, "p": _tie_props(t)} for t in data.ties]
            tie_state = self._states(tx, TIE_STATE, tie_rows, size)
            for entity, states in (("organisations", org_state), ("ties", tie_state)):
                for state in states.values():
                    (summary.new, summary.changed, summary.unchanged)[state][entity] += 1
            rows = [r for r in org_rows if org_state[r["id"]] != 2]
            for chunk in _batches(rows, size):
                tx.run("UNWIND $rows AS r MERGE (o:Organisation {id: r.id}) "
                       "WITH o, r, o.metiers AS metiers SET o = r SET o.metiers = metiers", rows=chunk).consume()
                tick(len(chunk))
            tick(len(data.organisations) - len(rows))
            keep_c = {c.org: c for c in old.catalysers}
            rows = [{"id": c.org, "metiers": list(c.metiers)} for c in data.catalysers if keep_c.get(c.org) != c]
            for chunk in _batches(rows, size):
                tx.run("UNWIND $rows AS r MATCH (o:Organisation {id: r.id}) SET o:Catalyser, o.metiers = r.metiers",
                       rows=chunk).consume()
            tick(len(data.catalysers))
            keep_a = {a.id: a for a in old.alliances}
            rows = [{"props": _alliance_props(a), "members": [{"org": m.org, "role": m.role} for m in a.members]}
                    for a in data.alliances if keep_a.get(a.id) != a]
            for chunk in _batches(rows, max(1, size // 10)):
                tx.run("UNWIND $rows AS r MERGE (a:Alliance {id: r.props.id}) SET a = r.props "
                       "WITH a, r OPTIONAL MATCH (:Organisation)-[m:MEMBER_OF]->(a) DELETE m", rows=chunk).consume()
                created = tx.run("UNWIND $rows AS r MATCH (a:Alliance {id: r.props.id}) UNWIND r.members AS m "
                                 "MATCH (o:Organisation {id: m.org}) CREATE (o)-[:MEMBER_OF {role: m.role}]->(a) "
                                 "RETURN count(*) AS n", rows=chunk).single()["n"]
                if created != sum(len(r["members"]) for r in chunk):
                    raise _RolledBack(StoreError("an alliance member vanished during the write; nothing was committed"))
            tick(len(data.alliances))
            rows = [r for r in tie_rows if tie_state[r["p"]["key"]] != 2]
            for chunk in _batches(rows, size):
                n = tx.run("UNWIND $rows AS r MATCH (s:Organisation {id: r.s}) MATCH (t:Organisation {id: r.t}) "
                           "MERGE (s)-[e:TIE {key: r.p.key}]->(t) SET e = r.p RETURN count(*) AS n",
                           rows=chunk).single()["n"]
                if n != len(chunk):
                    raise _RolledBack(StoreError("a tie's organisation vanished during the write; nothing was committed"))
                tick(len(chunk))
            tick(len(data.ties) - len(rows))
            keep_i = {i.id: i for i in old.introductions}
            rows = [_intro_props(i) for i in data.introductions if keep_i.get(i.id) != i]
            for chunk in _batches(rows, size):
                n = tx.run("UNWIND $rows AS r MERGE (i:Introduction {id: r.id}) SET i = r WITH i, r "
                           "OPTIONAL MATCH (i)-[old:BY|BETWEEN]->() DELETE old WITH DISTINCT i, r "
                           "MATCH (c:Organisation {id: r.catalyser}) MATCH (a:Organisation {id: r.a}) "
                           "MATCH (b:Organisation {id: r.b}) "
                           "CREATE (i)-[:BY]->(c), (i)-[:BETWEEN]->(a), (i)-[:BETWEEN]->(b) RETURN count(*) AS n",
                           rows=chunk).single()["n"]
                if n != len(chunk):
                    raise _RolledBack(StoreError("an introduced organisation vanished during the write"))
            tick(len(data.introductions))
            return summary

        return self._write_tx(work)

    @staticmethod
    def _tx_existing_ids(tx, ids: set[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _batches(sorted(ids)):
            found.update(r["id"] for r in tx.run(
                "UNWIND $ids AS id MATCH (o:Organisation {id: id}) RETURN o.id AS id", ids=chunk))
        return found

    def delete(self, *, organisations: Iterable[str] = (), alliances: Iterable[str] = (), ties: Iterable[str] = (),
               introductions: Iterable[str] = ()) -> dict[str, int]:
        orgs, alls, keys, intros = list(organisations), list(alliances), list(ties), list(introductions)

        def work(tx):
            done = {}
            done["introductions"] = tx.run("UNWIND $ids AS id MATCH (i:Introduction {id: id}) DETACH DELETE i "
                                           "RETURN count(*) AS n", ids=intros).single()["n"]
            done["ties"] = tx.run("UNWIND $keys AS k MATCH ()-[t:TIE {key: k}]->() DELETE t RETURN count(*) AS n",
                                  keys=keys).single()["n"]
            done["alliances"] = tx.run("UNWIND $ids AS id MATCH (a:Alliance {id: id}) DETACH DELETE a "
                                       "RETURN count(*) AS n", ids=alls).single()["n"]
            tx.run("UNWIND $ids AS id MATCH (i:Introduction) WHERE i.catalyser = id OR i.a = id OR i.b = id "
                   "DETACH DELETE i", ids=orgs).consume()
            done["organisations"] = tx.run("UNWIND $ids AS id MATCH (o:Organisation {id: id}) DETACH DELETE o "
                                           "RETURN count(*) AS n", ids=orgs).single()["n"]
            return done

        return self._write_tx(work)

    def clear(self) -> None:
        def work(tx):
            for label in ("Introduction", "Alliance", "Organisation"):
                while tx.run("MATCH (n) WHERE $label IN labels(n) WITH n LIMIT 50000 DETACH DELETE n "
                             "RETURN count(*) AS n", label=label).single()["n"]:
                    pass
        self._write_tx(work)

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
            query = "UNWIND $ids AS id MATCH (o:Organisation {id: id})" + clause + " RETURN properties(o) AS o ORDER BY o.id"
        else:
            query = "MATCH (o:Organisation)" + clause + " RETURN properties(o) AS o ORDER BY o.id"
        return [_org_from(dict(r["o"])) for r in self._read(query, **params)]

    def ties(self, *, type=None, as_of=None, org=None) -> list[Tie]:
        where, params = [], {}
        if type:
            where.append("t.type = $type")
            params["type"] = type
        if as_of:
            where.append("(t.start IS NULL OR t.start <= $day) AND (t.end IS NULL OR t.end >= $day)")
            params["day"] = as_of
        if org:
            where.append("(s.id = $org OR d.id = $org)")
            params["org"] = org
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        query = ("MATCH (s:Organisation)-[t:TIE]->(d:Organisation)" + clause +
                 " RETURN s.id AS s, d.id AS d, properties(t) AS t ORDER BY t.key")
        return [_tie_from(r["s"], r["d"], dict(r["t"])) for r in self._read(query, **params)]

    def alliances(self, *, as_of=None, theme=None) -> list[Alliance]:
        where, params = [], {}
        if as_of:
            where.append("(a.start IS NULL OR a.start <= $day) AND (a.end IS NULL OR a.end >= $day)")
            params["day"] = as_of
        if theme:
            where.append("$theme IN a.themes")
            params["theme"] = F.parse_theme(theme)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        query = ("MATCH (a:Alliance)" + clause + " OPTIONAL MATCH (o:Organisation)-[m:MEMBER_OF]->(a) "
                 "RETURN properties(a) AS a, collect({org: o.id, role: m.role}) AS members ORDER BY a.id")
        return [_alliance_from(dict(r["a"]), r["members"]) for r in self._read(query, **params)]

    def catalysers(self) -> list[Catalyser]:
        return [Catalyser(r["id"], tuple(r["metiers"] or ())) for r in self._read(
            "MATCH (o:Organisation:Catalyser) RETURN o.id AS id, o.metiers AS metiers ORDER BY o.id")]

    def introductions(self, *, catalyser=None, org=None) -> list[Introduction]:
        where, params = [], {}
        if catalyser:
            where.append("i.catalyser = $catalyser")
            params["catalyser"] = catalyser
        if org:
            where.append("(i.a = $org OR i.b = $org)")
            params["org"] = org
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return [_intro_from(dict(r["i"])) for r in self._read(
            "MATCH (i:Introduction)" + clause + " RETURN properties(i) AS i ORDER BY i.id", **params)]

    def counts(self) -> dict[str, int]:
        r = self._read(
            "CALL () { MATCH (o:Organisation) RETURN count(o) AS organisations } "
            "CALL () { MATCH (c:Organisation:Catalyser) RETURN count(c) AS catalysers } "
            "CALL () { MATCH (a:Alliance) RETURN count(a) AS alliances } "
            "CALL () { MATCH ()-[m:MEMBER_OF]->() RETURN count(m) AS memberships } "
            "CALL () { MATCH ()-[t:TIE]->() RETURN count(t) AS ties } "
            "CALL () { MATCH (i:Introduction) RETURN count(i) AS introductions } "
            "RETURN organisations, catalysers, alliances, memberships, ties, introductions")[0]
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

"""The embedded default store: one SQLite file, no server.

Every write — `write` up to `SQLITE_ATOMIC_LIMIT` rows, and `bulk_write` of any size — is one ``BEGIN IMMEDIATE``
transaction (WAL journal, foreign keys on, a busy timeout so that two processes writing at once wait for each other
instead of failing), so a failed or interrupted import leaves the file as it was. Lists are stored as JSON text,
dates as ISO text. The tables are created by `SqliteStore.ensure_schema` (``create=True`` on a new file, ``catalyse
init``); opening an existing file only reads its schema version.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import contextmanager

from .. import fields as F
from ..model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from ..projection import TieArrays, TieColumns
from ..vocab import _fold
from .base import (
    SQLITE_ATOMIC_LIMIT,
    IntegrityError,
    Progress,
    SchemaMissing,
    Store,
    StoreUnavailable,
    WriteSummary,
    _keyed,
    check_unique_keys,
    missing_references,
    summarise,
)
from .filters import parse_territory

SCHEMA_VERSION = "2"  # 2: introductions.person

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, sector TEXT NOT NULL,
    commune TEXT, epci TEXT, departement TEXT, region TEXT, lat REAL, lon REAL,
    themes TEXT NOT NULL, tags TEXT NOT NULL, siren TEXT, siret TEXT, rna TEXT, website TEXT,
    extra TEXT NOT NULL, search TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS organisations_sector ON organisations(sector);
CREATE INDEX IF NOT EXISTS organisations_commune ON organisations(commune);
CREATE TABLE IF NOT EXISTS catalysers (
    org TEXT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE, metiers TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alliances (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, themes TEXT NOT NULL,
    commune TEXT, epci TEXT, departement TEXT, region TEXT,
    start_date TEXT, end_date TEXT, status TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memberships (
    alliance TEXT NOT NULL REFERENCES alliances(id) ON DELETE CASCADE,
    org TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    role TEXT NOT NULL, PRIMARY KEY (alliance, org));
CREATE INDEX IF NOT EXISTS memberships_org ON memberships(org);
CREATE TABLE IF NOT EXISTS ties (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    target TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    type TEXT NOT NULL, directed INTEGER NOT NULL, weight REAL NOT NULL,
    start_date TEXT, end_date TEXT, provenance TEXT, confidence REAL);
CREATE INDEX IF NOT EXISTS ties_source ON ties(source);
CREATE INDEX IF NOT EXISTS ties_target ON ties(target);
CREATE TABLE IF NOT EXISTS introductions (
    id TEXT PRIMARY KEY,
    catalyser TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    a TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    b TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    date TEXT NOT NULL, note TEXT, outcome TEXT NOT NULL, person TEXT);
"""
#: What each older schema version needs to become the current one (run by `ensure_schema`, i.e. `catalyse init`).
UPGRADES = {"1": ("ALTER TABLE introductions ADD COLUMN person TEXT",)}

# Point look-ups (index-backed: tests/test_store_contract.py reads their query plans)
INTRODUCTION_BY_ID = "SELECT * FROM introductions WHERE id = ?"
ALLIANCES_OF_ORG = "id IN (SELECT alliance FROM memberships WHERE org = ?)"

_PLACE = ("commune", "epci", "departement", "region", "lat", "lon")  # organisations' columns 3-8
_IDENTIFIERS = ("siren", "siret", "rna", "website")  # columns 11-14
#: The node attributes `SqliteStore.node_columns(keys=)` reads from their own columns alone.
_LIGHT_NODE_KEYS = frozenset(("name", "sector", "catalyser", "commune", "epci", "departement", "themes"))

CHUNK = 500  # keys per IN (...) query: well under SQLite's bound on host parameters


def _json(values) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _date(value: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(value) if value else None


def _iso(value: _dt.date | None) -> str | None:
    return value.isoformat() if value else None


def search_key(org: Organisation) -> str:
    """What `search` matches: the folded name and id (case and accents ignored)."""
    return f"{_fold(org.name)} {_fold(org.id)}"


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


class SqliteStore(Store):
    """The embedded store in one SQLite file (created by `create=True`, e.g. ``catalyse init``)."""

    kind = "embedded"
    atomic_limit = SQLITE_ATOMIC_LIMIT

    def __init__(self, path: str | os.PathLike = "catalyse.db", *, create: bool = False, timeout: float = 60.0):
        """Open the store in `path`. `create`: make the file and its schema if they are missing (else a missing
        file is `StoreUnavailable` and a file without the schema `SchemaMissing`). No DDL runs on a store that
        has its schema."""
        self.path = os.fspath(path)
        if not create and not os.path.exists(self.path):
            raise StoreUnavailable(
                f"no catalyse store at {self.path}: run `catalyse init` or `catalyse demo` first, "
                "or point --db / CATALYSE_DB at one"
            )
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            version = self._schema_version()
            if create and version != SCHEMA_VERSION:
                self.ensure_schema()
                version = self._schema_version()
        except sqlite3.DatabaseError as exc:
            raise StoreUnavailable(f"cannot open {self.path} as a catalyse store: {exc}") from None
        if version is None:
            self.conn.close()
            raise SchemaMissing(f"{self.path} has no catalyse schema: run `catalyse init --db {self.path}`")
        if version != SCHEMA_VERSION:
            self.conn.close()
            hint = (
                f"run `catalyse init --db {self.path}` to upgrade it (nothing is lost)" if version in UPGRADES else ""
            )
            raise StoreUnavailable(
                f"{self.path} has schema version {version}; this catalyse reads {SCHEMA_VERSION}"
                + (f": {hint}" if hint else "")
            )

    def _schema_version(self) -> str | None:
        """The schema version recorded in the file, or None when it has no catalyse schema (a read, no DDL)."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return row[0] if row else None

    def ensure_schema(self) -> bool:
        """Create the tables and indexes that are missing (WAL journal mode set with them), in one transaction."""
        version = self._schema_version()
        if version == SCHEMA_VERSION:
            return False
        if version in UPGRADES:  # an older file: upgraded in place, in one transaction
            with self._tx():
                for statement in UPGRADES[version]:
                    self.conn.execute(statement)
                self.conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
            return True
        if version is not None:
            raise StoreUnavailable(f"{self.path} has schema version {version}, which this catalyse cannot upgrade")
        self.conn.execute("PRAGMA journal_mode=WAL")  # recorded in the file: every later connection uses it
        with self._tx():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        return True

    def describe(self) -> str:
        return f"embedded store {self.path}"

    @contextmanager
    def _tx(self):
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def version(self) -> int:
        """SQLite's ``PRAGMA data_version``: changes when another connection commits (not on this one's)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    # -- writing ------------------------------------------------------------------------------------------------
    def existing_org_ids(self, ids: set[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(f"SELECT id FROM organisations WHERE id IN ({marks})", chunk))
        return found

    def _existing(self, data: Dataset) -> Dataset:
        """What the store holds under the keys `data` writes (to tell new, changed and unchanged apart)."""
        return Dataset(
            self.organisations(ids=[o.id for o in data.organisations]),
            self._by_keys("SELECT * FROM catalysers WHERE org IN", [c.org for c in data.catalysers], self._catalyser),
            self._alliances_where("id", [a.id for a in data.alliances]),
            self._by_keys("SELECT * FROM ties WHERE key IN", [t.key for t in data.ties], self._tie),
            self._by_keys(
                "SELECT * FROM introductions WHERE id IN", [i.id for i in data.introductions], self._introduction
            ),
        )

    def _by_keys(self, sql: str, keys: list[str], make) -> list:
        out: list = []
        for chunk in _chunks(keys):
            out.extend(make(r) for r in self.conn.execute(f"{sql} ({','.join('?' * len(chunk))})", chunk))
        return out

    def bulk_write(
        self, data: Dataset, *, progress: Progress | None = None, commit_every: int | None = None
    ) -> WriteSummary:
        """ONE transaction, whatever the size (`commit_every` ignored): SQLite holds W2 — 1M ties — in one
        transaction, in its WAL, and a killed process leaves the file as it was before the write. Never raises
        `PartialWrite`."""
        self.ensure_schema()
        return self._write(data, progress=progress)

    def _write(self, data: Dataset, *, progress: Progress | None = None) -> WriteSummary:
        data = check_unique_keys(data)
        tick = progress or (lambda n: None)
        with self._tx() as db:
            missing = missing_references(data, self.existing_org_ids)
            if missing:
                raise IntegrityError(missing)
            old = self._existing(data)
            summary = summarise(data, old)
            keep = _keyed(old)
            orgs = [o for o in data.organisations if keep["organisations"].get(o.id) != o]
            for chunk in _chunks(orgs, 5000):
                db.executemany(
                    "INSERT INTO organisations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                    "name=excluded.name, sector=excluded.sector, commune=excluded.commune, epci=excluded.epci, "
                    "departement=excluded.departement, region=excluded.region, lat=excluded.lat, lon=excluded.lon, "
                    "themes=excluded.themes, tags=excluded.tags, siren=excluded.siren, siret=excluded.siret, "
                    "rna=excluded.rna, website=excluded.website, extra=excluded.extra, search=excluded.search",
                    [
                        (
                            o.id,
                            o.name,
                            o.sector,
                            o.commune,
                            o.epci,
                            o.departement,
                            o.region,
                            o.lat,
                            o.lon,
                            _json(o.themes),
                            _json(o.tags),
                            o.siren,
                            o.siret,
                            o.rna,
                            o.website,
                            json.dumps(o.extra, ensure_ascii=False, sort_keys=True),
                            search_key(o),
                        )
                        for o in chunk
                    ],
                )
                tick(len(chunk))
            tick(len(data.organisations) - len(orgs))
            cats = [c for c in data.catalysers if keep["catalysers"].get(c.org) != c]
            db.executemany(
                "INSERT INTO catalysers VALUES (?,?) ON CONFLICT(org) DO UPDATE SET metiers=excluded.metiers",
                [(c.org, _json(c.metiers)) for c in cats],
            )
            tick(len(data.catalysers))
            alls = [a for a in data.alliances if keep["alliances"].get(a.id) != a]
            db.executemany(
                "INSERT INTO alliances VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, "
                "themes=excluded.themes, commune=excluded.commune, epci=excluded.epci, "
                "departement=excluded.departement, region=excluded.region, start_date=excluded.start_date, "
                "end_date=excluded.end_date, status=excluded.status",
                [
                    (
                        a.id,
                        a.name,
                        _json(a.themes),
                        a.commune,
                        a.epci,
                        a.departement,
                        a.region,
                        _iso(a.start),
                        _iso(a.end),
                        a.status,
                    )
                    for a in alls
                ],
            )
            db.executemany("DELETE FROM memberships WHERE alliance=?", [(a.id,) for a in alls])
            db.executemany(
                "INSERT INTO memberships VALUES (?,?,?)", [(a.id, m.org, m.role) for a in alls for m in a.members]
            )
            tick(len(data.alliances))
            ties = [t for t in data.ties if keep["ties"].get(t.key) != t]
            for chunk in _chunks(ties, 20000):
                db.executemany(
                    "INSERT INTO ties VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                    "directed=excluded.directed, weight=excluded.weight, end_date=excluded.end_date, "
                    "provenance=excluded.provenance, confidence=excluded.confidence",
                    [
                        (
                            t.key,
                            t.source,
                            t.target,
                            t.type,
                            int(t.directed),
                            t.weight,
                            _iso(t.start),
                            _iso(t.end),
                            t.provenance,
                            t.confidence,
                        )
                        for t in chunk
                    ],
                )
                tick(len(chunk))
            tick(len(data.ties) - len(ties))
            intros = [i for i in data.introductions if keep["introductions"].get(i.id) != i]
            db.executemany(
                "INSERT INTO introductions (id, catalyser, a, b, date, note, outcome, person) "
                "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "catalyser=excluded.catalyser, a=excluded.a, b=excluded.b, date=excluded.date, note=excluded.note, "
                "person=excluded.person, "
                "outcome=excluded.outcome",
                [(i.id, i.catalyser, i.a, i.b, i.date.isoformat(), i.note, i.outcome, i.person) for i in intros],
            )
            tick(len(data.introductions))
        return summary

    def delete(
        self,
        *,
        organisations: Iterable[str] = (),
        alliances: Iterable[str] = (),
        ties: Iterable[str] = (),
        introductions: Iterable[str] = (),
    ) -> dict[str, int]:
        done = {}
        with self._tx() as db:
            for table, column, keys in (
                ("introductions", "id", introductions),
                ("ties", "key", ties),
                ("alliances", "id", alliances),
                ("organisations", "id", organisations),
            ):
                done[table] = sum(db.execute(f"DELETE FROM {table} WHERE {column}=?", (k,)).rowcount for k in keys)
        return done

    def clear(self) -> None:
        with self._tx() as db:
            for table in ("introductions", "ties", "memberships", "alliances", "catalysers", "organisations"):
                db.execute(f"DELETE FROM {table}")

    # -- reading ------------------------------------------------------------------------------------------------
    @staticmethod
    def _organisation(r) -> Organisation:
        return Organisation(
            id=r[0],
            name=r[1],
            sector=r[2],
            commune=r[3],
            epci=r[4],
            departement=r[5],
            region=r[6],
            lat=r[7],
            lon=r[8],
            themes=tuple(json.loads(r[9])),
            tags=tuple(json.loads(r[10])),
            siren=r[11],
            siret=r[12],
            rna=r[13],
            website=r[14],
            extra=json.loads(r[15]),
        )

    @staticmethod
    def _catalyser(r) -> Catalyser:
        return Catalyser(r[0], tuple(json.loads(r[1])))

    @staticmethod
    def _tie(r) -> Tie:
        return Tie(
            source=r[1],
            target=r[2],
            type=r[3],
            directed=bool(r[4]),
            weight=r[5],
            start=_date(r[6]),
            end=_date(r[7]),
            provenance=r[8],
            confidence=r[9],
        )

    @staticmethod
    def _introduction(r) -> Introduction:
        day = _dt.date.fromisoformat(r[4])  # NOT NULL
        return Introduction(catalyser=r[1], a=r[2], b=r[3], date=day, note=r[5], outcome=r[6], id=r[0], person=r[7])

    def organisations(self, *, sector=None, territory=None, theme=None, search=None, ids=None) -> list[Organisation]:
        where, args = [], []
        if sector:
            where.append("sector = ?")
            args.append(sector)
        if territory:
            level, code = parse_territory(territory)
            where.append(f"{level} = ?")  # level is one of four fixed column names, never user text
            args.append(code)
        if theme:
            where.append("EXISTS (SELECT 1 FROM json_each(organisations.themes) WHERE value = ?)")
            args.append(F.parse_theme(theme))
        if search:
            where.append("instr(search, ?) > 0")
            args.append(_fold(search))
        sql = "SELECT * FROM organisations" + (" WHERE " + " AND ".join(where) if where else "")
        if ids is not None:
            out: list[Organisation] = []
            for chunk in _chunks(sorted(set(ids))):
                clause = (" AND " if where else " WHERE ") + f"id IN ({','.join('?' * len(chunk))})"
                out.extend(self._organisation(r) for r in self.conn.execute(sql + clause, args + chunk))
            return sorted(out, key=lambda o: o.id)
        return [self._organisation(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    @staticmethod
    def _tie_where(type=None, as_of=None, org=None) -> tuple[str, list]:
        """The WHERE clause (with its arguments) shared by `ties` and `iter_ties`."""
        where, args = [], []
        if type:
            where.append("type = ?")
            args.append(type)
        if as_of:
            where.append("(start_date IS NULL OR start_date <= ?) AND (end_date IS NULL OR end_date >= ?)")
            args += [as_of.isoformat(), as_of.isoformat()]
        if org:
            where.append("(source = ? OR target = ?)")
            args += [org, org]
        return (" WHERE " + " AND ".join(where) if where else ""), args

    def ties(self, *, type=None, as_of=None, org=None) -> list[Tie]:
        where, args = self._tie_where(type, as_of, org)
        return [self._tie(r) for r in self.conn.execute("SELECT * FROM ties" + where + " ORDER BY key", args)]

    def _alliances_where(
        self, column: str | None, keys: list[str] | None, sql_where: str = "", args=()
    ) -> list[Alliance]:
        rows: list = []
        if column is None:
            rows = list(self.conn.execute("SELECT * FROM alliances" + sql_where + " ORDER BY id", list(args)))
        else:
            for chunk in _chunks(keys or []):
                rows.extend(
                    self.conn.execute(f"SELECT * FROM alliances WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                )
        members: dict[str, list[Membership]] = {}
        ids = [r[0] for r in rows]
        for chunk in _chunks(ids):
            for alliance, org, role in self.conn.execute(
                f"SELECT alliance, org, role FROM memberships WHERE alliance IN ({','.join('?' * len(chunk))})", chunk
            ):
                members.setdefault(alliance, []).append(Membership(org, role))
        out = [
            Alliance(
                id=r[0],
                name=r[1],
                themes=tuple(json.loads(r[2])),
                commune=r[3],
                epci=r[4],
                departement=r[5],
                region=r[6],
                start=_date(r[7]),
                end=_date(r[8]),
                status=r[9],
                members=tuple(sorted(members.get(r[0], []), key=lambda m: m.org)),
            )
            for r in rows
        ]
        return sorted(out, key=lambda a: a.id)

    def iter_ties(self, *, type=None, as_of=None, batch: int = 50_000):
        """Streams from the cursor, `batch` rows per fetch (bounded memory)."""
        where, args = self._tie_where(type, as_of)
        cur = self.conn.execute("SELECT * FROM ties" + where + " ORDER BY key", args)
        while rows := cur.fetchmany(batch):
            yield from (self._tie(r) for r in rows)

    def alliances(self, *, as_of=None, theme=None, org=None) -> list[Alliance]:
        where, args = [], []
        if org is not None:
            where.append(ALLIANCES_OF_ORG)
            args.append(org)
        if as_of:
            where.append("(start_date IS NULL OR start_date <= ?) AND (end_date IS NULL OR end_date >= ?)")
            args += [as_of.isoformat(), as_of.isoformat()]
        if theme:
            where.append("EXISTS (SELECT 1 FROM json_each(alliances.themes) WHERE value = ?)")
            args.append(F.parse_theme(theme))
        return self._alliances_where(None, None, (" WHERE " + " AND ".join(where)) if where else "", args)

    def memberships(self, *, as_of=None) -> list[tuple[str, str]]:
        sql = "SELECT m.alliance, m.org FROM memberships m JOIN alliances a ON a.id = m.alliance"
        if not as_of:
            return self.conn.execute(sql + " ORDER BY m.alliance, m.org").fetchall()
        day = as_of.isoformat()
        where = " WHERE (a.start_date IS NULL OR a.start_date <= ?) AND (a.end_date IS NULL OR a.end_date >= ?)"
        return self.conn.execute(sql + where + " ORDER BY m.alliance, m.org", (day, day)).fetchall()

    def catalysers(self) -> list[Catalyser]:
        return [self._catalyser(r) for r in self.conn.execute("SELECT * FROM catalysers ORDER BY org")]

    def introductions(self, *, catalyser=None, org=None) -> list[Introduction]:
        where, args = [], []
        if catalyser:
            where.append("catalyser = ?")
            args.append(catalyser)
        if org:
            where.append("(a = ? OR b = ?)")
            args += [org, org]
        sql = "SELECT * FROM introductions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        return [self._introduction(r) for r in self.conn.execute(sql, args)]

    def tie_columns(self, *, as_of=None) -> TieColumns:
        """Rows straight into node attributes and tie columns (no `Organisation` or `Tie` per row)."""
        nodes = self.node_columns()
        where, args = self._tie_where(None, as_of)
        rows = self.conn.execute(
            "SELECT source, target, type, directed, weight, start_date FROM ties" + where + " ORDER BY key", args
        ).fetchall()
        cols = TieColumns(nodes=nodes, as_of=as_of)
        if rows:
            source, target, kind, directed, weight, start = map(list, zip(*rows))
            cols.source, cols.target, cols.type, cols.weight, cols.start = source, target, kind, weight, start
            cols.directed = [d == 1 for d in directed]
        return cols

    def node_columns(self, keys: Iterable[str] | None = None) -> list[tuple[str, dict]]:
        """Organisation rows straight into node attributes (no `Organisation` per row), sorted by id; only the
        columns `keys` need are read."""
        metiers = dict(self.conn.execute("SELECT org, metiers FROM catalysers"))
        lists: dict[str, tuple] = {}  # the same theme and tag lists recur: parse each text once

        def tuple_of(text: str) -> tuple:
            found = lists.get(text)
            if found is None:
                found = lists[text] = tuple(json.loads(text))
            return found

        wanted = None if keys is None else frozenset(keys)
        if wanted is not None and wanted <= _LIGHT_NODE_KEYS:
            return self._light_node_columns(wanted, metiers, tuple_of)

        loads = json.loads
        nodes = []
        for r in self.conn.execute("SELECT * FROM organisations ORDER BY id"):
            m = metiers.get(r[0])
            attrs = {"name": r[1], "sector": r[2], "catalyser": m is not None}
            if m is not None:
                attrs["metiers"] = tuple_of(m)
            for key, value in zip(_PLACE, r[3:9]):
                if value is not None:
                    attrs[key] = value
            attrs["themes"] = tuple_of(r[9])
            attrs["tags"] = tuple_of(r[10])
            for key, value in zip(_IDENTIFIERS, r[11:15]):
                if value is not None:
                    attrs[key] = value
            if r[15] != "{}":
                for key, value in sorted(loads(r[15]).items()):
                    attrs.setdefault(key, value)
            nodes.append((r[0], attrs))
        if wanted is not None:
            nodes = [(x, {k: v for k, v in a.items() if k in wanted}) for x, a in nodes]
        return nodes

    def _light_node_columns(self, wanted, metiers, tuple_of) -> list[tuple[str, dict]]:
        """`node_columns` restricted to `wanted` (within the name, sector, catalyser, place and themes keys): the
        same values, an organisation's ``extra`` filling a key only where its own column is empty."""
        extras: dict[str, dict] = {}
        places = [k for k in ("commune", "epci", "departement") if k in wanted]
        themes = "themes" in wanted
        nodes = []
        sql = "SELECT id, name, sector, commune, epci, departement, themes, extra FROM organisations ORDER BY id"
        for r in self.conn.execute(sql):
            attrs = {"name": r[1], "sector": r[2], "catalyser": r[0] in metiers}
            for key, value in zip(_PLACE, r[3:6]):
                if value is not None and key in wanted:
                    attrs[key] = value
            if themes:
                attrs["themes"] = tuple_of(r[6])
            if r[7] != "{}" and places:
                extra = extras.get(r[7])
                if extra is None:
                    extra = extras[r[7]] = json.loads(r[7])
                for key in places:
                    if key in extra:
                        attrs.setdefault(key, extra[key])
            nodes.append((r[0], {k: v for k, v in attrs.items() if k in wanted}))
        return nodes

    def tie_arrays(self, *, as_of=None, start: bool = False) -> TieArrays:
        """Straight from the rows to arrays: only the columns the array analyses read, no ordering (with `start`,
        the start dates too, in tie-key order)."""
        where, args = self._tie_where(None, as_of)
        sql = "SELECT source, target, type, directed, weight" + (", start_date" if start else "") + " FROM ties"
        return TieArrays.from_rows(
            self.conn.execute("SELECT id, name, sector FROM organisations"),
            self.conn.execute(sql + where + (" ORDER BY key" if start else ""), args).fetchall(),
            as_of=as_of,
            start=start,
        )

    def get_introduction(self, intro_id: str) -> Introduction | None:
        row = self.conn.execute(INTRODUCTION_BY_ID, (intro_id,)).fetchone()
        return self._introduction(row) if row else None

    def counts(self) -> dict[str, int]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "organisations": one("SELECT count(*) FROM organisations"),
            "catalysers": one("SELECT count(*) FROM catalysers"),
            "alliances": one("SELECT count(*) FROM alliances"),
            "memberships": one("SELECT count(*) FROM memberships"),
            "ties": one("SELECT count(*) FROM ties"),
            "introductions": one("SELECT count(*) FROM introductions"),
        }

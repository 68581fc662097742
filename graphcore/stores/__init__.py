"""Stores: where a territory's ecosystem lives. `open_store` picks one from arguments or the environment.

- ``embedded`` (default): one SQLite file, ``./catalyse.db`` or ``CATALYSE_DB``;
- ``neo4j``: a Neo4j 5 server from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` (or ``NEO4J_PASSWORD_FILE``,
  mode 0600) and ``NEO4J_DATABASE``.
"""

from __future__ import annotations

import os

from .base import (
    ATOMIC_LIMIT,
    SQLITE_ATOMIC_LIMIT,
    IntegrityError,
    PartialWrite,
    SchemaMissing,
    Store,
    StoreError,
    StoreUnavailable,
    TooBigForOneTransaction,
    WriteSummary,
    write_rows,
)
from .sqlite_store import SqliteStore

__all__ = [
    "open_store",
    "Store",
    "SqliteStore",
    "Neo4jStore",
    "StoreError",
    "StoreUnavailable",
    "IntegrityError",
    "PartialWrite",
    "SchemaMissing",
    "TooBigForOneTransaction",
    "WriteSummary",
    "write_rows",
    "ATOMIC_LIMIT",
    "SQLITE_ATOMIC_LIMIT",
]

KINDS = ("embedded", "neo4j")


def open_store(kind: str | None = None, *, db: str | None = None, create: bool = False) -> Store:
    """Open the store named by `kind` (else ``CATALYSE_STORE``, else ``embedded``).

    `create`: make its schema where it is missing (`Store.ensure_schema`: ``catalyse init``, an import into a new
    file); without it, opening runs no DDL and a store without its schema raises `SchemaMissing`."""
    kind = (kind or os.environ.get("CATALYSE_STORE") or "embedded").lower()
    if kind in ("embedded", "sqlite"):
        return SqliteStore(db or os.environ.get("CATALYSE_DB") or "catalyse.db", create=create)
    if kind == "neo4j":
        from .neo4j_store import Neo4jStore

        return Neo4jStore(create=create)
    raise StoreError(f"unknown store {kind!r}: use embedded or neo4j")


def __getattr__(name):
    if name == "Neo4jStore":
        from .neo4j_store import Neo4jStore

        return Neo4jStore
    raise AttributeError(name)

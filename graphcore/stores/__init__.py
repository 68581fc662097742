"""Stores: where a territory's ecosystem lives. `open_store` picks one from arguments or the environment.

- ``embedded`` (default): one SQLite file, ``./catalyse.db`` or ``CATALYSE_DB``;
- ``neo4j``: a Neo4j 5 server from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` (or ``NEO4J_PASSWORD_FILE``,
  mode 0600) and ``NEO4J_DATABASE``.
"""

from __future__ import annotations

import os

from .base import IntegrityError, Store, StoreError, StoreUnavailable, WriteSummary
from .sqlite_store import SqliteStore

__all__ = [
    "open_store",
    "Store",
    "SqliteStore",
    "Neo4jStore",
    "StoreError",
    "StoreUnavailable",
    "IntegrityError",
    "WriteSummary",
]

KINDS = ("embedded", "neo4j")


def open_store(kind: str | None = None, *, db: str | None = None, create: bool = False) -> Store:
    """Open the store named by `kind` (else ``CATALYSE_STORE``, else ``embedded``)."""
    kind = (kind or os.environ.get("CATALYSE_STORE") or "embedded").lower()
    if kind in ("embedded", "sqlite"):
        return SqliteStore(db or os.environ.get("CATALYSE_DB") or "catalyse.db", create=create)
    if kind == "neo4j":
        from .neo4j_store import Neo4jStore

        return Neo4jStore()
    raise StoreError(f"unknown store {kind!r}: use embedded or neo4j")


def __getattr__(name):
    if name == "Neo4jStore":
        from .neo4j_store import Neo4jStore

        return Neo4jStore
    raise AttributeError(name)

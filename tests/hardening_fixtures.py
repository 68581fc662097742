"""Fixtures and helpers of the hardening tests (catalogue, concurrency, faults, security).

`own_neo4j` starts a private Neo4j server (its own free port and data directory) that a test may kill and restart;
the session's shared `neo4j_server` must never be killed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "neo4j"))
from server import free_port  # noqa: E402,F401  (tools/neo4j/server.py; also used by test_faults)


def write_bytes(path: Path, data: bytes | str, encoding: str = "utf-8") -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return str(path)


def snapshot(store):
    """Everything a store holds, to compare before and after a refused import."""
    return store.dataset(), store.counts()


@pytest.fixture
def own_neo4j(tmp_path):
    """A private Neo4j server for fault tests: ``server`` (a `Neo4jServer`, killable) and its password."""
    if not (shutil.which("java") and shutil.which("mvn")):
        pytest.skip("fault tests need Java 17 and Maven to start tools/neo4j")
    from server import Neo4jServer  # tools/neo4j/server.py

    password = secrets.token_urlsafe(18)
    server = Neo4jServer(
        port=free_port(),
        data_dir=tmp_path / "neo4j-own",
        password=password,
        heap=os.environ.get("CATALYSE_FAULT_NEO4J_HEAP", "1g"),
    )
    server.start(timeout=300)
    try:
        yield server, password
    finally:
        server.stop()

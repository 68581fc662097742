"""Shared fixtures: one `store` fixture parametrised over both stores, and a real Neo4j 5 server.

The Neo4j server is the one `tools/neo4j/server.py` builds from Maven Central and starts on 127.0.0.1 (a free
port, a fresh data directory, a random password passed through the environment). To use a server you already run,
set ``CATALYSE_TEST_NEO4J_URI`` (and ``NEO4J_USER`` / ``NEO4J_PASSWORD``): the tests CLEAR it.

With ``CI=true`` any skipped test fails the run: CI must execute the Neo4j and browser tests, not skip them.
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


def pytest_ignore_collect(collection_path, config):
    """Under tests/, only test_*.py are test modules: other scripts (run as subprocesses by the tests, or
    shared fixtures) must not be imported by --doctest-modules."""
    if (
        collection_path.suffix == ".py"
        and ROOT / "tests" in collection_path.parents
        and not collection_path.name.startswith(("test_", "conftest"))
    ):
        return True
    return None


@pytest.fixture(scope="session")
def playwright_sync():
    """One started Playwright (sync API) for every browser test of the session: a thread can run only one, so
    the views' and the web's browser tests share it."""
    from catalyse.visualisations.browser import unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(f"browser tests need headless Chromium: {reason}")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


def _real_server(tmp_path_factory, env_var: str, what: str, **options):
    """``(uri, user, password)`` of the server named by `env_var`, else of a real Neo4j 5 started from tools/neo4j
    with `options` (`Neo4jServer`'s) on a free 127.0.0.1 port and a fresh data directory, stopped afterwards."""
    uri = os.environ.get(env_var)
    if uri:
        yield uri, os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "")
        return
    if not (shutil.which("java") and shutil.which("mvn")):
        pytest.skip(f"{what} tests need Java 17 and Maven to start tools/neo4j (or {env_var})")
    from server import Neo4jServer, Neo4jServerError, free_port  # tools/neo4j/server.py

    password = secrets.token_urlsafe(18)
    data_dir = tmp_path_factory.mktemp("neo4j-gds-data" if options.get("gds") else "neo4j-data")
    server = Neo4jServer(port=free_port(), data_dir=data_dir, password=password, **options)
    try:
        server.start(timeout=300)
    except Neo4jServerError as exc:
        pytest.skip(f"could not start {'Neo4j with GDS' if options.get('gds') else 'Neo4j'}: {exc}")
    try:
        yield server.uri, "neo4j", password
    finally:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """Connection settings ``(uri, user, password)`` of a real, running Neo4j 5 server."""
    yield from _real_server(tmp_path_factory, "CATALYSE_TEST_NEO4J_URI", "Neo4j")


@pytest.fixture(scope="session")
def neo4j_gds_server(tmp_path_factory):
    """``(uri, user, password)`` of a real Neo4j 5 server with the Graph Data Science plugin (tools/neo4j, built
    with Maven's ``gds`` profile from Maven Central), or ``CATALYSE_TEST_NEO4J_GDS_URI`` (the tests CLEAR it)."""
    yield from _real_server(tmp_path_factory, "CATALYSE_TEST_NEO4J_GDS_URI", "GDS", heap="1g", gds=True)


@pytest.fixture
def neo4j_store(neo4j_server):
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    uri, user, password = neo4j_server
    store = Neo4jStore(uri, user=user, password=password, create=True)  # as `catalyse init` does
    store.clear()
    yield store
    store.close()


@pytest.fixture
def embedded_store(tmp_path):
    from catalyse.graphcore.stores import SqliteStore

    store = SqliteStore(tmp_path / "catalyse.db", create=True)
    yield store
    store.close()


@pytest.fixture(params=["embedded", "neo4j"])
def store(request):
    """Each contract test runs once per store."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture(scope="session")
def demo_data():
    from catalyse.graphcore.demo import generate_territory

    return generate_territory(300, seed=2025)


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = reporter.stats.get("skipped", []) if reporter else []
        if skipped:
            reporter.write_line(f"CI=true: {len(skipped)} test(s) were skipped; in CI a skip is a failure:", red=True)
            for rep in skipped[:20]:
                reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
                reporter.write_line(f"  {rep.nodeid}: {reason}", red=True)
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

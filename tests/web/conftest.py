"""Fixtures of the web tests: the demo territory (plus organisations with hostile names) in an embedded store,
a fresh copy of it per test, and a starlette TestClient on the app bound to 127.0.0.1:8765."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from catalyse.graphcore.stores import SqliteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_helpers import client, demo_dataset  # noqa: E402


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("web-demo") / "demo.db"
    with SqliteStore(path, create=True) as store:
        store.write(demo_dataset())
    return path


@pytest.fixture
def db(demo_file, tmp_path):
    """A fresh copy of the demo store for one test: its path."""
    path = tmp_path / "territory.db"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def web(db):
    """(app, WebData, Accounts) over a fresh copy of the demo store, no account yet."""
    from catalyse.web.accounts import Accounts
    from catalyse.web.app import create_app
    from catalyse.web.data import WebData

    data = WebData(SqliteStore(db))
    accounts = Accounts(f"{db}.accounts.db")
    app = create_app(data, accounts, host="127.0.0.1", port=8765)
    yield app, data, accounts
    data.close()
    accounts.close()


@pytest.fixture
def http(web):
    with client(web[0]) as c:
        yield c

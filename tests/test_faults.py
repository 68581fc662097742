"""Faults: Neo4j killed in the middle of an import (both write protocols), transient errors, a killed SQLite writer.

Protocol (see graphcore/stores/neo4j_store.py):
- `write` (up to `atomic_limit` rows) is ONE transaction: killed mid-way, the store holds exactly the state before
  the import, and the import reports failure (`StoreUnavailable`);
- `bulk_write` uses the batch-commit protocol: killed mid-way, it raises `PartialWrite`, whose `committed` counts
  are exactly the rows in the store (the batches in flight may be in doubt: `in_doubt`); re-running the same write
  completes it without a duplicate.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.model import Dataset
from catalyse.graphcore.stores import SqliteStore, StoreUnavailable
from catalyse.graphcore.stores.base import PartialWrite

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hardening_fixtures import own_neo4j  # noqa: E402,F401  (fixture)

HERE = Path(__file__).resolve().parent


def _store(server, password, **kw):
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    return Neo4jStore(server.uri, password=password, retry_time=3, create=True, **kw)


def _kill_during(server, write, when):
    """Run `write(progress)` in a thread; SIGKILL the server once `when(total rows ticked)` holds."""
    reached = threading.Event()
    ticked = [0]
    outcome = {}

    def progress(n):
        ticked[0] += n
        if when(ticked[0]):
            reached.set()

    def run():
        try:
            outcome["result"] = write(progress)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc
        finally:
            reached.set()

    t = threading.Thread(target=run)
    t.start()
    assert reached.wait(600)
    server.kill()
    t.join(300)
    assert not t.is_alive()
    return outcome


def test_neo4j_killed_mid_import_atomic_then_batched(own_neo4j):  # noqa: F811  (the fixture)
    server, password = own_neo4j
    seed = generate_territory(200, n_ties=800, seed=1)
    big = generate_territory(3000, n_ties=40_000, seed=2)
    store = _store(server, password)
    store.write(seed)
    before = store.dataset()

    # 1. one transaction, killed after the organisations and part of the ties were written in it
    out = _kill_during(server, lambda p: store.write(big, progress=p), lambda n: n > len(big.organisations) + 10_000)
    assert isinstance(out.get("error"), StoreUnavailable), out
    assert "nothing was committed" in str(out["error"]) or "may or may not" in str(out["error"])
    store.close()
    server.start(timeout=300)
    store = _store(server, password)
    assert store.dataset() == before  # exactly the state before the import

    # 2. batch commits of 5,000 rows, killed after some batches
    every = 5_000
    out = _kill_during(
        server,
        lambda p: store.bulk_write(big, progress=p, commit_every=every),
        lambda n: n > len(big.organisations) + 3 * every,
    )
    err = out.get("error")
    assert isinstance(err, PartialWrite), out
    assert "re-run the same import" in str(err)
    store.close()
    server.start(timeout=300)
    store = _store(server, password)
    seed_ids, big_ids = {o.id for o in seed.organisations}, [o.id for o in big.organisations]
    assert err.committed["organisations"] == len(big_ids)  # the organisation batches came first and all committed
    assert {o.id for o in store.organisations()} == seed_ids | set(big_ids)
    # the committed ties are exactly the acknowledged batches (`committed_rows`, ranges of positions in big.ties;
    # with two writers not necessarily a prefix), plus each batch in doubt either whole or not at all
    seed_keys, stored = {t.key for t in seed.ties}, {t.key for t in store.ties()}
    done, doubt = err.committed["ties"], err.in_doubt.get("ties", 0)
    ranges, doubtful = err.committed_rows.get("ties", []), err.in_doubt_rows.get("ties", [])
    assert done >= every and done % every == 0
    assert sum(hi - lo for lo, hi in ranges) == done and sum(hi - lo for lo, hi in doubtful) == doubt
    acked = {t.key for lo, hi in ranges for t in big.ties[lo:hi]}
    assert acked <= stored
    extra = stored - acked - seed_keys
    for lo, hi in doubtful:
        keys = {t.key for t in big.ties[lo:hi]}
        assert keys <= extra or not keys & extra  # a transaction commits whole or not at all
        extra -= keys
    assert extra == set()  # nothing outside the acknowledged and in-doubt batches
    # 3. re-run: completes, nothing duplicated
    summary = store.write(big)
    assert summary.new["ties"] == len({t.key for t in big.ties} - stored)
    keys = [t.key for t in store.ties()]
    assert len(keys) == len(set(keys)) and set(keys) == seed_keys | {t.key for t in big.ties}
    assert store.counts()["organisations"] == len(seed_ids | set(big_ids))
    store.close()


def test_transient_errors_are_retried(neo4j_store):
    from neo4j.exceptions import TransientError

    calls = []

    def flaky(tx):
        calls.append(1)
        if len(calls) < 3:
            raise TransientError("Neo.TransientError.Transaction.DeadlockDetected")
        return tx.run("RETURN 1 AS one").single()["one"]

    assert neo4j_store._write_tx(flaky) == 1
    assert len(calls) == 3


def test_neo4j_down_is_a_clear_error():
    from hardening_fixtures import free_port

    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", password="x")


def test_sqlite_survives_a_killed_writer(tmp_path):
    db = tmp_path / "kill.db"
    with SqliteStore(db, create=True) as store:
        store.write(generate_territory(100, seed=5))
        before = store.dataset()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "sqlite_killed_writer.py"), str(db)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "STARTED"
    proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    with SqliteStore(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.dataset() == before
        store.write(Dataset(organisations=[before.organisations[0]]))  # and it is writable again

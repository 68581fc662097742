"""Several writers at once, as real processes, on the same SQLite file and on the same Neo4j server.

Each writer upserts the same shared organisations (every id is created by whichever writer comes first: the
others must see it, not duplicate it), gives one of them its catalyser role while the others rewrite that
organisation (the role must survive: no lost update), and records its own ties and introductions.
Deadlocks and uniqueness conflicts are retried inside the store; no writer may fail.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from catalyse.graphcore.stores import SqliteStore

HERE = Path(__file__).resolve().parent
WORKERS, ORGS, TIES, ROUNDS = 4, 300, 400, 3


def run_workers(kind: str, where: str, env: dict | None = None) -> list[dict]:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(HERE / "concurrent_worker.py"),
                kind,
                where,
                str(w),
                str(ORGS),
                str(TIES),
                str(ROUNDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, **(env or {})),
        )
        for w in range(WORKERS)
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=900)
        assert p.returncode == 0, stderr[-3000:]
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def expected_counts(store, results: list[dict]) -> None:
    sys.path.insert(0, str(HERE))
    from concurrent_worker import shared_orgs  # noqa: F401

    counts = store.counts()
    assert counts["organisations"] == ORGS  # no duplicate organisation
    # ... and each was reported new by exactly one writer: the losers of a race (on Neo4j, a first load's CREATE
    # without look-up that met the winner's row) re-ran their write and counted it as existing
    assert sum(r["new_organisations"] for r in results) == ORGS
    assert counts["catalysers"] == WORKERS  # every catalyser role survived the others' rewrites of its org
    ties = store.ties()
    assert len({t.key for t in ties}) == len(ties)
    # every writer's ties are all there (worker w's ties start in years 2000 + 3w .. 2002 + 3w)
    per_worker = {}
    for t in ties:
        w = (t.start.year - 2000) // 3
        per_worker[w] = per_worker.get(w, 0) + 1
    assert sorted(per_worker) == list(range(WORKERS))
    assert all(n >= TIES - 2 for n in per_worker.values()), per_worker
    intros = store.introductions()
    assert len(intros) == WORKERS * 5 * ROUNDS  # all recorded, each once
    assert {i.catalyser for i in intros} == {f"o{w:05d}" for w in range(WORKERS)}


def test_parallel_writers_embedded(tmp_path):
    db = tmp_path / "shared.db"
    SqliteStore(db, create=True).close()
    results = run_workers("embedded", str(db))
    assert len(results) == WORKERS
    with SqliteStore(db) as store:
        expected_counts(store, results)
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_parallel_writers_neo4j(neo4j_store, neo4j_server):
    uri, _, password = neo4j_server
    results = run_workers("neo4j", uri, {"NEO4J_PASSWORD": password})
    assert len(results) == WORKERS
    expected_counts(neo4j_store, results)


def test_streamed_ties_equal_ties(store, demo_data):
    store.write(demo_data)
    assert list(store.iter_ties(batch=97)) == store.ties()
    day = dt.date(2020, 6, 1)
    assert list(store.iter_ties(as_of=day, batch=50)) == store.ties(as_of=day)


def test_batch_commit_with_two_workers_writes_the_same_store(neo4j_store, demo_data):
    """The batch-commit protocol with two transactions in flight (`workers=2`) stores exactly what one
    transaction stores, counts what it did, and a re-run changes nothing."""
    neo4j_store.workers = 2
    try:
        summary = neo4j_store.bulk_write(demo_data, commit_every=97)
    finally:
        neo4j_store.workers = 1
    assert summary.new["ties"] == len(demo_data.ties) and summary.new["organisations"] == len(demo_data.organisations)
    stored = neo4j_store.dataset()
    assert {t.key: t for t in stored.ties} == {t.key: t for t in demo_data.ties}
    assert {o.id: o for o in stored.organisations} == {o.id: o for o in demo_data.organisations}
    assert {a.id: a for a in stored.alliances} == {a.id: a for a in demo_data.alliances}
    assert {c.org: c for c in stored.catalysers} == {c.org: c for c in demo_data.catalysers}
    assert {i.id: i for i in stored.introductions} == {i.id: i for i in demo_data.introductions}
    assert not neo4j_store.bulk_write(demo_data, commit_every=97).modified


def test_disjoint_schedule_keeps_the_batches_of_a_round_apart(demo_data):
    """Pure check of the tie schedule of several writers: every tie once, batches of at most `size`, each batch in
    one block (pair of parts), and within a round, batches of different blocks share no organisation (what keeps
    two writers off each other's locks)."""
    from catalyse.graphcore.stores.neo4j_store import _disjoint_schedule, _tie_row

    rows = [_tie_row(t) for t in demo_data.ties]
    for workers, size in ((2, 37), (3, 50), (2, 10**6)):
        rounds = _disjoint_schedule(rows, workers, size)
        assert len(rounds) == 2 + (2 * workers - 1)  # inside-part rounds, then the tournament's rounds
        flat = [p for batches in rounds for batch in batches for p in batch]
        assert sorted(flat) == list(range(len(rows)))
        for batches in rounds:
            orgs = [{rows[p][0] for p in b} | {rows[p][1] for p in b} for b in batches]
            assert all(0 < len(b) <= size for b in batches)
            groups = []  # batches of the same block share organisations; batches of different blocks must not
            for i, b in enumerate(orgs):
                same = [g for g in groups if g[0] & b]
                assert len(same) <= 1, "a batch touches the organisations of two blocks of its round"
                if same:
                    same[0][0].update(b)
                    same[0][1].append(i)
                else:
                    groups.append([set(b), [i]])
            assert len(groups) <= workers


def test_two_workers_partial_write_reports_the_committed_ties_exactly(neo4j_store, demo_data, monkeypatch):
    """With two writers the tie batches are reordered; when one fails, `PartialWrite.committed_rows` still names
    exactly the ties in the store (positions in the written list, merged into ranges)."""
    from catalyse.graphcore.model import Dataset
    from catalyse.graphcore.stores.base import PartialWrite, StoreError
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    neo4j_store.write(replace(demo_data, ties=[]))
    real = Neo4jStore._ties_step
    calls = []

    def failing(self, tx, rows, *args, **kwargs):
        calls.append(len(rows))
        if len(calls) == 6:
            raise StoreError("injected failure of one tie batch")
        return real(self, tx, rows, *args, **kwargs)

    monkeypatch.setattr(Neo4jStore, "_ties_step", failing)
    neo4j_store.workers = 2
    try:
        with pytest.raises(PartialWrite) as info:
            neo4j_store.bulk_write(Dataset(ties=demo_data.ties), commit_every=41)
    finally:
        neo4j_store.workers = 1
    err = info.value
    ranges = err.committed_rows["ties"]
    committed = {demo_data.ties[p].key for lo, hi in ranges for p in range(lo, hi)}
    assert ranges == sorted(ranges) and all(a[1] < b[0] for a, b in zip(ranges, ranges[1:]))  # merged
    assert 0 < len(committed) == err.committed["ties"] < len(demo_data.ties)
    assert {t.key for t in neo4j_store.dataset().ties} == committed
    monkeypatch.setattr(Neo4jStore, "_ties_step", real)
    summary = neo4j_store.bulk_write(Dataset(ties=demo_data.ties), commit_every=41)  # the re-run completes it
    assert summary.unchanged["ties"] == len(committed)
    _same_store(neo4j_store, demo_data)


def test_workers_setting_from_the_environment(monkeypatch):
    from catalyse.graphcore.stores.base import StoreError
    from catalyse.graphcore.stores.neo4j_store import WORKERS, _workers_setting

    monkeypatch.delenv("CATALYSE_NEO4J_WORKERS", raising=False)
    assert _workers_setting(None) == WORKERS == 1
    monkeypatch.setenv("CATALYSE_NEO4J_WORKERS", " 2 ")
    assert _workers_setting(None) == 2
    assert _workers_setting(3) == 3  # an explicit argument wins
    for bad in ("two", "0", "-1", "1.5", "65"):
        monkeypatch.setenv("CATALYSE_NEO4J_WORKERS", bad)
        with pytest.raises(StoreError, match="CATALYSE_NEO4J_WORKERS must be a whole number from 1 to 64"):
            _workers_setting(None)


def _same_store(store, data):
    stored = store.dataset()
    assert {t.key: t for t in stored.ties} == {t.key: t for t in data.ties}
    assert {o.id: o for o in stored.organisations} == {o.id: o for o in data.organisations}
    assert store.counts()["ties"] == len(data.ties)


def test_bulk_write_in_one_transaction_takes_the_first_load_path(neo4j_store, demo_data):
    """Batches of 97 rows in one transaction: the first-load statements (no look-up by key, endpoints by element
    id read in the transaction) store exactly the data and count every row new; a re-run classifies everything
    as unchanged."""
    neo4j_store.batch_size = 97
    try:
        summary = neo4j_store.write(demo_data)
        assert summary.new["ties"] == len(demo_data.ties)
        assert summary.new["organisations"] == len(demo_data.organisations)
        _same_store(neo4j_store, demo_data)
        again = neo4j_store.write(demo_data)
    finally:
        neo4j_store.batch_size = 10_000
    assert not again.modified and again.unchanged["ties"] == len(demo_data.ties)


def test_stale_element_ids_are_caught_and_the_batch_rerun_by_id(neo4j_store, demo_data, monkeypatch):
    """Element ids read before the tie batches that no longer name the organisations (here: every one shifted to
    another organisation's node, as after a delete and re-create) must not attach a tie to the wrong node: each
    batch notices, rolls back and runs again finding the endpoints by id."""
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    real = Neo4jStore._node_ids

    def shifted(run, org_ids):
        ids = real(run, org_ids)
        keys = sorted(ids)
        return dict(zip(keys, [ids[k] for k in keys[1:] + keys[:1]]))

    monkeypatch.setattr(Neo4jStore, "_node_ids", staticmethod(shifted))
    summary = neo4j_store.bulk_write(demo_data, commit_every=500)
    assert summary.new["ties"] == len(demo_data.ties)
    _same_store(neo4j_store, demo_data)


def test_stale_element_ids_of_a_ties_only_write_are_caught(neo4j_store, demo_data, monkeypatch):
    """A write that brings only ties reuses the element ids its reference check read: shifted ones are caught
    by each batch as well (the organisations were written before, by an unpatched write)."""
    from catalyse.graphcore.model import Dataset
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    neo4j_store.write(replace(demo_data, ties=[]))
    real = Neo4jStore._node_ids
    reads = []

    def shifted(run, org_ids):
        ids = real(run, org_ids)
        reads.append(len(ids))
        keys = sorted(ids)
        return dict(zip(keys, [ids[k] for k in keys[1:] + keys[:1]]))

    monkeypatch.setattr(Neo4jStore, "_node_ids", staticmethod(shifted))
    summary = neo4j_store.bulk_write(Dataset(ties=demo_data.ties), commit_every=500)
    assert summary.new["ties"] == len(demo_data.ties)
    assert len(reads) == 1  # the reference check's read served the batches
    _same_store(neo4j_store, demo_data)

#!/usr/bin/env python3
"""How fast can this machine's Neo4j take ties at all? The store's tie write next to stripped-down statements,
and where the server's worker thread spends its time.

Issue 6 asks for 30,000 ties/s batched. This benchmark measures, in one run on one fresh server, the same random
ties (between `--orgs` organisations already stored) written
1. by `Neo4jStore.bulk_write` (the whole client path: checks, element ids, batches, the first-load statement);
2. by the same Cypher statement on rows prepared beforehand (the server's share alone, one writer);
3. the same, with the tie key's uniqueness constraint dropped (no index to maintain, no uniqueness check);
4. a bare `CREATE` of relationships by element id, no property at all: the floor of any Cypher tie write.
Then it records run 2 again under Java Flight Recorder (method sampling only, every 10 ms) and splits the Bolt
worker's samples between running the statement (the Cypher runtime proper vs the kernel writes it calls: transaction
state, locks, index state) and committing (index updates, command creation and record store, transaction log).
The share of the Cypher runtime bounds what any non-Cypher write path (a server-side procedure) could gain.

    python bench/bench_neo4j_ceiling.py                      # 30,000 organisations, 300,000 ties
    python bench/bench_neo4j_ceiling.py --orgs 100000 --ties 1000000 --no-profile

Needs Java 17 (with `jcmd` and `jfr`) and Maven, like the tests' server (tools/neo4j); the server is started on a
free port with a 1 GiB page cache and deleted afterwards.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "neo4j"))

from catalyse.graphcore.model import Dataset, Organisation, Tie  # noqa: E402
from catalyse.graphcore.stores.neo4j_store import BATCH, NODE_IDS, SCHEMA, TIE_CREATE, Neo4jStore, _Rows, _tie_row  # noqa: E402

BARE = (
    "UNWIND $rows AS r MATCH (s) WHERE elementId(s) = r[10] MATCH (t) WHERE elementId(t) = r[11] CREATE (s)-[:TIE]->(t)"
)
WIPE = "MATCH ()-[e:TIE]->() CALL { WITH e DELETE e } IN TRANSACTIONS OF 50000 ROWS"
# Method sampling only (JFR's "default" settings also record allocations, locks and I/O with their stacks, which
# slowed this write 4×): one Java sample every 10 ms per running thread.
SAMPLING_ONLY = """<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">10 ms</setting></event>
</configuration>
"""
KEY_CONSTRAINT = SCHEMA["catalyse_tie_key"]

# Where a Bolt worker's sample is: the first rule that matches any frame gives the phase, then the first rule that
# matches gives the component. JFR keeps 64 frames per sample (its default; 1,024 slowed the profiled write 3.4×
# instead of 1.9× and gave the same split within 7 points): the commit's and the runtime's own frames lie within
# them, a sample that reaches neither counts as "other".
PHASES = (("commit", ("KernelTransactionImplementation.commit",)), ("statement", ("org.neo4j.cypher.internal",)))
COMPONENTS = {
    "statement": (
        (
            "kernel writes (tx state, locks, index state)",
            (
                "org.neo4j.kernel.impl.newapi",
                "org.neo4j.kernel.impl.api.state",
                "org.neo4j.kernel.impl.locking",
                "org.neo4j.lock",
                "org.neo4j.kernel.impl.api.index",
                "org.neo4j.internal.recordstorage",
                "org.neo4j.io.pagecache",
            ),
        ),
        ("Cypher runtime", ("",)),
    ),
    "commit": (
        (
            "schema index updates",
            (
                "org.neo4j.index.internal.gbptree",
                "org.neo4j.kernel.impl.index.schema",
                "org.neo4j.kernel.impl.api.index",
                "IndexUpdates",
                "IndexTransactionApplier",
            ),
        ),
        ("transaction log", ("org.neo4j.kernel.impl.transaction.log",)),
        (
            "commands and record stores",
            (
                "org.neo4j.internal.recordstorage",
                "org.neo4j.kernel.impl.store",
                "org.neo4j.io.pagecache",
                "TimSort",
                "org.neo4j.kernel.impl.api.state",
                "org.neo4j.storageengine",
            ),
        ),
        ("other", ("",)),
    ),
    "other": (("Bolt: reading requests, other", ("",)),),
}


def random_ties(n_orgs: int, n_ties: int, tag: str, rng: random.Random) -> list[Tie]:
    """`n_ties` distinct undirected ties of type `tag` (each pair once, whichever way it was drawn)."""
    out, seen = [], set()
    while len(out) < n_ties:
        a, b = rng.randrange(n_orgs), rng.randrange(n_orgs)
        if a != b and (min(a, b), max(a, b)) not in seen:
            seen.add((min(a, b), max(a, b)))
            out.append(
                Tie(
                    source=f"o{a}",
                    target=f"o{b}",
                    type=tag,
                    start=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(1500)),
                )
            )
    return out


def classify(frames: list[str]) -> tuple[str, str]:
    """frames: innermost first, as `jfr print` lists them."""
    phase = "other"
    for name, marks in PHASES:
        if any(m in f for f in frames for m in marks):
            phase = name
            break
    for component, marks in COMPONENTS[phase]:
        if any(m in f for f in frames for m in marks):
            return phase, component
    return phase, "other"


def worker_samples(jfr_file: Path) -> list[list[str]]:
    out = subprocess.run(
        ["jfr", "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample", str(jfr_file)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    samples = []
    for event in out.split("jdk.ExecutionSample")[1:]:
        if "BoltWorker" in event:
            samples.append(re.findall(r"^\s+([\w.$<>]+)\(", event, re.M))
    return samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orgs", type=int, default=30_000)
    ap.add_argument("--ties", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-profile", action="store_true", help="skip the Java Flight Recorder run")
    a = ap.parse_args(argv)
    from server import Neo4jServer, free_port

    password = secrets.token_urlsafe(18)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-ceiling-"))
    server = Neo4jServer(port=free_port(), data_dir=data_dir, password=password, pagecache="1g").start(timeout=300)
    store = Neo4jStore(server.uri, password=password, create=True)
    drv = store.driver
    rng = random.Random(a.seed)
    results = []
    try:
        orgs = [Organisation(id=f"o{i}", name=f"Organisation {i}", sector="association") for i in range(a.orgs)]
        store.write(Dataset(organisations=orgs))
        nodes = {}
        for i in range(0, a.orgs, BATCH):
            rec = drv.execute_query(NODE_IDS, ids=[o.id for o in orgs[i : i + BATCH]]).records[0]
            nodes.update(zip(rec["ids"], rec["nodes"]))

        def prepared(tag):
            return [_tie_row(t) + [nodes[t.source], nodes[t.target]] for t in random_ties(a.orgs, a.ties, tag, rng)]

        def wipe():
            with drv.session() as s:
                s.run(WIPE).consume()

        def run_rows(query, rows):
            t0 = time.perf_counter()
            with drv.session() as s:
                for i in range(0, len(rows), BATCH):
                    s.execute_write(lambda tx, i=i: tx.run(query, rows=_Rows(rows[i : i + BATCH])).consume())
            return time.perf_counter() - t0

        # warm-up: the server's JIT compiles the write path (a new server runs it 2× slower at first)
        run_rows(TIE_CREATE[True], prepared("funding")[:100_000])
        wipe()

        ties = random_ties(a.orgs, a.ties, "partnership", rng)
        t0 = time.perf_counter()
        store.bulk_write(Dataset(ties=ties))  # above the atomic limit: batches of COMMIT_EVERY
        results.append(("`Neo4jStore.bulk_write` (client and server)", time.perf_counter() - t0))
        wipe()
        results.append(
            ("its statement on prepared rows (server only)", run_rows(TIE_CREATE[True], prepared("co_project")))
        )
        wipe()
        drv.execute_query("DROP CONSTRAINT catalyse_tie_key IF EXISTS")
        results.append(("the same, tie key constraint dropped", run_rows(TIE_CREATE[True], prepared("membership"))))
        wipe()
        results.append(("bare `CREATE` by element id, no property", run_rows(BARE, prepared("exchange"))))
        wipe()
        drv.execute_query(KEY_CONSTRAINT)

        breakdown = None
        if not a.no_profile:
            jfr_file, settings = data_dir / "write.jfr", data_dir / "sampling.jfc"
            settings.write_text(SAMPLING_ONLY, encoding="utf-8")
            pid = str(server.pid())
            subprocess.run(
                ["jcmd", pid, "JFR.start", "name=ties", f"settings={settings}", f"filename={jfr_file}"],
                check=True,
                capture_output=True,
            )
            wall = run_rows(TIE_CREATE[True], prepared("partnership"))
            subprocess.run(["jcmd", pid, "JFR.stop", "name=ties"], check=True, capture_output=True)
            results.append(("its statement on prepared rows, under JFR", wall))
            breakdown = collections.Counter(classify(f) for f in worker_samples(jfr_file))
    finally:
        store.close()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)

    print(
        f"# {a.ties:,} random ties between {a.orgs:,} organisations, batches of {BATCH:,}, one writer; "
        f"machine: {os.cpu_count()} cores"
    )
    print("\n| write | time | ties/s |\n|---|---:|---:|")
    for name, wall in results:
        print(f"| {name} | {wall:.1f} s | {a.ties / wall:,.0f} |")
    if breakdown:
        n_samples = sum(breakdown.values())
        print(f"\nWhere the Bolt worker spent the profiled write ({n_samples:,} samples):\n")
        print("| phase | component | share |\n|---|---|---:|")
        for (phase, component), n in sorted(breakdown.items(), key=lambda kv: (kv[0][0], -kv[1])):
            print(f"| {phase} | {component} | {100 * n / n_samples:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

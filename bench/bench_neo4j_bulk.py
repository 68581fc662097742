#!/usr/bin/env python3
"""Neo4j bulk path benchmark: batched vs one write per row (same run), projection time and peak memory, and the
throughput of concurrent writer processes.

    NEO4J_URI=bolt://127.0.0.1:PORT NEO4J_PASSWORD=... python bench/bench_neo4j_bulk.py --workload W2
    python bench/bench_neo4j_bulk.py --orgs 5000 --ties 60000 --writers 2

Batched: `Store.write` (one transaction up to the store's atomic limit, the batch-commit protocol above it).
One write per row: `--per-row` ties written one `Store.write` each. Projection: `iter_ties` (paginated) into a
networkx graph, peak RSS measured around it (VmHWM reset through /proc/self/clear_refs). Concurrent: `--writers`
processes (tests/concurrent_worker.py) writing disjoint ties on shared organisations.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalyse.graphcore.demo import generate_territory, workload  # noqa: E402
from catalyse.graphcore.model import Dataset  # noqa: E402
from catalyse.graphcore.stores import write_rows  # noqa: E402


def hwm_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_hwm() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=["W0", "W1", "W2"])
    ap.add_argument("--orgs", type=int, default=5000)
    ap.add_argument("--ties", type=int, default=60000)
    ap.add_argument("--per-row", type=int, default=300)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--batch", type=int, default=None, help="rows per UNWIND statement")
    a = ap.parse_args(argv)
    import networkx as nx

    from catalyse.graphcore.stores.neo4j_store import BATCH, Neo4jStore

    data = (
        workload(a.workload)
        if a.workload
        else generate_territory(a.orgs, n_ties=a.ties, seed=7, n_introductions=a.orgs // 20)
    )
    n = len(data.ties)
    store = Neo4jStore(batch_size=a.batch or BATCH, create=True)
    load = os.getloadavg()
    store.clear()
    t = time.perf_counter()
    (store.write if write_rows(data) <= store.atomic_limit else store.bulk_write)(data)
    batched = time.perf_counter() - t
    sample = random.Random(7).sample(data.ties, min(a.per_row, n))
    store.delete(ties=[x.key for x in sample])
    t = time.perf_counter()
    for tie in sample:
        store.write(Dataset(ties=[tie]))
    per_row = time.perf_counter() - t
    reset_hwm()
    base = hwm_mb()
    t = time.perf_counter()
    G = nx.Graph()
    G.add_nodes_from(o.id for o in store.organisations())
    for tie in store.iter_ties(batch=50_000):
        G.add_edge(tie.source, tie.target)
    project = time.perf_counter() - t
    peak = hwm_mb() - base
    store.close()
    env = dict(os.environ)
    t = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tests" / "concurrent_worker.py"),
                "neo4j",
                os.environ["NEO4J_URI"],
                str(w),
                "2000",
                "5000",
                "1",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(a.writers)
    ]
    written = sum(json.loads(p.communicate()[0].strip().splitlines()[-1])["ties"] for p in procs)
    conc = time.perf_counter() - t
    print(f"load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {os.cpu_count()} cores")
    print(
        "| ties | batched | batched ties/s | per-row sample | per-row ties/s | batched ÷ per-row | projection "
        "| projection peak RSS | concurrent writers | concurrent ties/s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {n:,} | {batched:.1f} s | {n / batched:,.0f} | {len(sample)} | {len(sample) / per_row:,.1f} | "
        f"{(n / batched) / (len(sample) / per_row):,.0f}× | {project:.1f} s | +{peak:,.0f} MB | {a.writers} | "
        f"{written / conc:,.0f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

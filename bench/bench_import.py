#!/usr/bin/env python3
"""Import benchmark: a generated territory into each store, batched vs one write per row, in one run.

Workloads (graphcore.demo.workload): W1 = 2,000 organisations / 15,000 ties; W2 = 100,000 / 1,000,000.

For each store it measures
- the batched import of the whole workload, as a territory would load it: one `Store.write` of the
  organisations, catalysers, alliances and introductions, then one `Store.write` of the ties (each one
  transaction, or the batch-commit protocol above the store's atomic limit); its total time gives the rows of
  the whole import per second counted as ties (total ties ÷ total time), and the second write alone the
  batched tie rate, which is what "one write per row" below is compared with (both write ties into a store that
  holds their organisations);
- the re-import of the same data (idempotent: nothing changes) → ties/s;
- one write per row: the same ties written one `Store.write` (one transaction) each, on a sample of
  `--per-row` ties (writing 1,000,000 ties one by one would take hours), → ties/s and the speed-up;
- the projection back to networkx (`dataset()` + `tie_graph`) and the peak resident memory of the process.

Neo4j: the server of NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD if NEO4J_URI is set, else one started from
tools/neo4j on a free port (its data deleted afterwards).

    python bench/bench_import.py --workload W2            # both stores
    python bench/bench_import.py --workload W1 --stores embedded
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "neo4j"))

from catalyse.graphcore.demo import workload  # noqa: E402
from catalyse.graphcore.model import Dataset  # noqa: E402
from catalyse.graphcore.projection import tie_graph  # noqa: E402
from catalyse.graphcore.stores import write_rows  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def bench_store(name: str, store, data: Dataset, per_row: int, seed: int) -> dict:
    n_ties = len(data.ties)
    store.clear()
    rest = Dataset(
        organisations=data.organisations,
        catalysers=data.catalysers,
        alliances=data.alliances,
        introductions=data.introductions,
    )

    # up to the store's atomic limit a write is one transaction; above it (W2's ties on Neo4j) the bulk load
    def write(d: Dataset):
        return (store.write if write_rows(d) <= store.atomic_limit else store.bulk_write)(d)

    _, first = timed(lambda: write(rest))
    _, tie_step = timed(lambda: write(Dataset(ties=data.ties)))
    batched = first + tie_step
    summary, rerun = timed(lambda: write(data))
    assert not summary.modified, "re-import changed something"
    G, project = timed(lambda: tie_graph(store.dataset()))
    assert G.number_of_nodes() == len(data.organisations)
    # one write per row: delete a random sample of ties, then write them back one transaction each
    sample = random.Random(seed).sample(data.ties, min(per_row, n_ties))
    store.delete(ties=[t.key for t in sample])
    _, single = timed(lambda: [store.write(Dataset(ties=[t])) for t in sample])
    assert store.counts()["ties"] == n_ties
    per_row = len(sample) / single
    return {
        "store": name,
        "ties": n_ties,
        "batched_s": batched,
        "batched_ties_per_s": n_ties / batched,
        "tie_step_s": tie_step,
        "tie_step_per_s": n_ties / tie_step,
        "rerun_s": rerun,
        "per_row_sample": len(sample),
        "per_row_ties_per_s": per_row,
        "speedup": (n_ties / tie_step) / per_row,
        "speedup_whole": (n_ties / batched) / per_row,
        "projection_s": project,
        "peak_rss_mb": peak_mb(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", default="W2", choices=["W0", "W1", "W2"])
    ap.add_argument("--stores", default="embedded,neo4j")
    ap.add_argument("--per-row", type=int, default=2000, help="ties written one per transaction (sample)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--neo4j-workers",
        type=int,
        default=1,
        help="batch transactions in flight in the Neo4j store (Neo4jStore(workers=N))",
    )
    args = ap.parse_args(argv)

    data, gen = timed(lambda: workload(args.workload, seed=args.seed))
    print(
        f"# {args.workload}: {len(data.organisations):,} organisations, {len(data.ties):,} ties, "
        f"{len(data.alliances):,} alliances (generated in {gen:.1f} s); machine: {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}",
        flush=True,
    )
    rows = []
    for name in args.stores.split(","):
        if name == "embedded":
            from catalyse.graphcore.stores import SqliteStore

            with tempfile.TemporaryDirectory() as tmp:
                store = SqliteStore(Path(tmp) / "bench.db", create=True)
                rows.append(bench_store(name, store, data, args.per_row, args.seed))
                store.close()
        elif name == "neo4j":
            from catalyse.graphcore.stores.neo4j_store import Neo4jStore

            server = None
            if os.environ.get("NEO4J_URI"):
                store = Neo4jStore(workers=args.neo4j_workers, create=True)
            else:
                from server import Neo4jServer, free_port

                password = secrets.token_urlsafe(18)
                # sized for W2: its store and indexes fit in a 2 GB page cache (in the tests' 256 MB they do
                # not, and a W2 import then waits on the disk)
                server = Neo4jServer(
                    port=free_port(),
                    data_dir=tempfile.mkdtemp(prefix="bench-neo4j-"),
                    password=password,
                    pagecache=os.environ.get("CATALYSE_NEO4J_PAGECACHE", "2g"),
                ).start(timeout=300)
                store = Neo4jStore(server.uri, password=password, workers=args.neo4j_workers, create=True)
            try:
                rows.append(bench_store(name, store, data, min(args.per_row, 500), args.seed))
            finally:
                store.close()
                if server:
                    server.stop()
                    shutil.rmtree(server.data_dir, ignore_errors=True)  # ≈ 700 MB at W2
        if name == "neo4j" and args.neo4j_workers > 1:
            rows[-1]["store"] = f"neo4j, {args.neo4j_workers} writers"
        print(f"  done: {rows[-1]['store']}", flush=True)

    print()
    print(
        "| store | ties | whole import | ties ÷ whole import time | tie write | batched ties/s (tie write) "
        "| re-import (no change) | one write per row (sample) | per-row ties/s | batched ÷ per-row "
        "(tie write / whole import) | projection to networkx | peak RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['store']} | {r['ties']:,} | {r['batched_s']:.1f} s | {r['batched_ties_per_s']:,.0f} | "
            f"{r['tie_step_s']:.1f} s | {r['tie_step_per_s']:,.0f} | "
            f"{r['rerun_s']:.1f} s | {r['per_row_sample']:,} | {r['per_row_ties_per_s']:,.1f} | "
            f"{r['speedup']:,.0f}× / {r['speedup_whole']:,.0f}× | {r['projection_s']:.1f} s | "
            f"{r['peak_rss_mb']:,.0f} MB |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""First load of a national network into Neo4j: the offline importer (`neo4j_load.first_load`) against the online
batched write (`Neo4jStore.write`), in the same run, on the same data.

    python bench/bench_neo4j_first_load.py                       # W2: 100,000 organisations, 1,000,000 ties
    python bench/bench_neo4j_first_load.py --online-ties 200000  # the online write on a slice only (faster)
    python bench/bench_neo4j_first_load.py --workload W1 --verify

Offline: the CSV files (Neo4j's importer warming up on a 10,000-tie sample meanwhile, for 200,000 ties or more),
Neo4j's importer, then the constraints and indexes created on the stopped home (the store's DDL, indexes awaited
online). "Offline load" is the CSV files and the importer; "with constraints" adds the validation and the schema
step. Online: a fresh server (tools/neo4j, 2 GiB page cache) and `Neo4jStore.bulk_write` of the organisations,
catalysers, alliances and introductions, then of the first `--online-ties` ties (default: all), timed apart.
Needs Java 17 and Maven (tools/neo4j); every home is a temporary directory, deleted afterwards. With Java 25 or
later (``CATALYSE_NEO4J_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64``), the first load starts on the JVM's AOT cache,
trained first if missing (`neo4j_load.train_aot_cache`, timed apart).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "neo4j"))

from catalyse.graphcore.demo import workload  # noqa: E402
from catalyse.graphcore.model import Dataset  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=["W0", "W1", "W2"], default="W2")
    ap.add_argument("--online-ties", type=int, default=None, help="ties of the online write (default: all)")
    ap.add_argument("--no-online", action="store_true", help="skip the online write")
    ap.add_argument("--verify", action="store_true", help="start a server on the loaded home and compare counts")
    a = ap.parse_args(argv)
    from server import Neo4jServer, build, free_port

    from catalyse.graphcore.stores.neo4j_load import WARMUP_TIES, AdminTool, first_load, java_version, train_aot_cache
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    build()
    tool = AdminTool.default()
    java = tool.java_binary()
    print(f"# Java: {java} ({java_version(java)[1].splitlines()[0]})")
    cache = tool.aot_cache()
    if cache is not None and not cache.exists():
        t = time.perf_counter()
        train_aot_cache(tool)
        print(f"# AOT cache trained in {time.perf_counter() - t:.1f} s (once per Java and launcher): {cache}")
    elif cache is not None:
        print(f"# AOT cache: {cache}")
    t = time.perf_counter()
    data = workload(a.workload)
    generated = time.perf_counter() - t
    n = len(data.ties)
    load = os.getloadavg()
    print(
        f"# {a.workload}: {len(data.organisations):,} organisations, {n:,} ties, {len(data.alliances):,} alliances, "
        f"{len(data.introductions):,} introductions (generated in {generated:.1f} s); "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    homes = []
    try:
        home = Path(tempfile.mkdtemp(prefix="bench-first-load-"))
        homes.append(home)
        t = time.perf_counter()
        result = first_load(data, home / "home", tool=tool, log=lambda s: print(f"  … {s}", flush=True))
        total = time.perf_counter() - t
        s = result.seconds
        for line in (home / "home" / "logs" / "first-load.log").read_text(errors="replace").splitlines():
            if line.startswith(("IMPORT", "Peak memory", "dbms started", "ran after", "SCHEMA ONLINE", "stopped")):
                print(f"  log: {line.strip()[:100]}")
        offline = s["csv"] + s["import"]
        rows = [
            (
                "offline: CSV files" + (" (the importer warming up meanwhile)" if n >= WARMUP_TIES else ""),
                s["csv"],
                None,
            ),
            ("offline: Neo4j importer", s["import"], None),
            ("**offline load** (CSV + importer)", offline, n / offline),
            ("schema step (constraints, indexes online, empty lists)", s["schema"], None),
            ("**offline load with constraints**", total, n / total),
        ]
        if a.verify:
            pw = secrets.token_urlsafe(18)
            with Neo4jServer(port=free_port(), data_dir=home / "home", password=pw, heap="2g") as srv:
                store = Neo4jStore(srv.uri, password=pw)
                got = store.counts()
                store.close()
            assert got == data.counts(), (got, data.counts())
            print(f"  verified: the started server counts {got}")
        if not a.no_online:
            k = n if a.online_ties is None else min(n, a.online_ties)
            part = Dataset(data.organisations, data.catalysers, data.alliances, data.ties[:k], data.introductions)
            online_home = Path(tempfile.mkdtemp(prefix="bench-online-"))
            homes.append(online_home)
            pw = secrets.token_urlsafe(18)
            with Neo4jServer(port=free_port(), data_dir=online_home, password=pw, pagecache="2g") as srv:
                store = Neo4jStore(srv.uri, password=pw)
                print(f"  … online write of the organisations, then of {k:,} ties, on a fresh server", flush=True)
                t = time.perf_counter()
                store.bulk_write(Dataset(part.organisations, part.catalysers, part.alliances, [], part.introductions))
                t_ties = time.perf_counter()
                store.bulk_write(Dataset(ties=part.ties))  # batched: one transaction would exceed atomic_limit
                end = time.perf_counter()
                store.close()
            label = "all" if k == n else f"{k:,} of {n:,}"
            rows.append(("online `Neo4jStore.bulk_write`: the organisations and the rest", t_ties - t, None))
            rows.append((f"online `Neo4jStore.bulk_write`: {label} ties", end - t_ties, k / (end - t_ties)))
            rows.append(("**online write**, both", end - t, k / (end - t)))
    finally:
        for h in homes:
            shutil.rmtree(h, ignore_errors=True)
    print("\n| step | time | ties/s |\n|---|---:|---:|")
    for name, secs, rate in rows:
        print(f"| {name} | {secs:.1f} s | {'' if rate is None else f'{rate:,.0f}'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The gds engine (inside Neo4j, Graph Data Science) against the networkx path, on the same tie graph.

    python bench/bench_gds.py --workload W1                     # starts its own Neo4j with GDS on a free port
    python bench/bench_gds.py --orgs 20000 --ties 150000        # larger
    NEO4J_URI=bolt://127.0.0.1:PORT NEO4J_PASSWORD=... python bench/bench_gds.py --workload W1   # a running server

For each measure, wall-clock seconds of one run: networkx on the tie graph loaded in Python (load time apart),
GDS on a projection (projection time apart; GDS on 1 thread for Louvain, `--concurrency` for the others). Then the
whole `catalyse metrics` summary through the Workspace with each engine. The store is CLEARED and rewritten.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools" / "neo4j"))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=["W0", "W1", "W2"])
    ap.add_argument("--orgs", type=int, default=2_000)
    ap.add_argument("--ties", type=int, default=15_000)
    ap.add_argument("--sample", type=int, default=200, help="sampled betweenness: source nodes")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--heap", default="2g")
    a = ap.parse_args(argv)

    import networkx as nx

    from catalyse.graphcore.demo import generate_territory, workload
    from catalyse.graphcore.projection import tie_graph
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore
    from catalyse.queries.gds import GdsEngine
    from catalyse.workspace import Workspace

    data = (
        workload(a.workload)
        if a.workload
        else generate_territory(a.orgs, n_ties=a.ties, seed=7, n_introductions=a.orgs // 20)
    )
    server = None
    if os.environ.get("NEO4J_URI"):
        store = Neo4jStore(create=True)
    else:
        import secrets
        import tempfile

        from server import Neo4jServer, free_port

        pw = secrets.token_urlsafe(18)
        scratch = tempfile.mkdtemp(prefix="bench-gds-")
        server = Neo4jServer(port=free_port(), data_dir=scratch, password=pw, heap=a.heap, gds=True)
        (_, t_start) = timed(lambda: server.start(timeout=300))
        print(f"server with GDS ready in {t_start:.1f} s ({server.uri})")
        store = Neo4jStore(server.uri, password=pw, create=True)
    try:
        store.clear()
        _, t_write = timed(lambda: store.bulk_write(data))
        G, t_load = timed(lambda: tie_graph(store.dataset()))
        print(f"graph: {len(G)} organisations, {G.number_of_edges()} tied pairs (write {t_write:.1f} s)")
        rows = [("load the tie graph into Python / project it into GDS", t_load)]
        engine = GdsEngine(store, concurrency=a.concurrency)
        g, t_proj = timed(lambda: engine.project())
        rows[0] += (t_proj,)
        with g:
            pairs = {tuple(sorted((u, v))) for w in G for u in G[w] for v in G[w] if u < v and not G.has_edge(u, v)}
            k = min(a.sample, len(G))
            measures = [
                (
                    "Louvain (weighted)",
                    lambda: nx.community.louvain_communities(G, weight="weight", seed=0),
                    lambda: g.louvain(),
                ),
                (
                    "triangles + local clustering + transitivity",
                    lambda: (nx.triangles(G), nx.clustering(G), nx.transitivity(G)),
                    lambda: g.clustering(),
                ),
                (
                    "betweenness, exact",
                    lambda: nx.betweenness_centrality(G, normalized=False),
                    lambda: g.betweenness(),
                ),
                (
                    f"betweenness, {k} sources",
                    lambda: nx.betweenness_centrality(G, k=k, normalized=False, seed=0),
                    lambda: g.betweenness(sample=k, seed=0),
                ),
                (
                    "candidate pairs: Adamic-Adar of all pairs at distance 2, top 100",
                    lambda: sorted(nx.adamic_adar_index(G, pairs), key=lambda r: -r[2])[:100],
                    lambda: engine.candidate_pairs(limit=100),
                ),
            ]
            for name, ref, gds in measures:
                _, t_nx = timed(ref)
                _, t_gds = timed(gds)
                rows.append((name, t_nx, t_gds))
        _, t_ws_nx = timed(lambda: Workspace(store).metrics())
        _, t_ws_gds = timed(lambda: Workspace(store, engine="gds").metrics())
        rows.append(("Workspace.metrics() (catalyse metrics), all included", t_ws_nx, t_ws_gds))
        print(f"\n{'measure':<66} {'networkx s':>10} {'gds s':>8}")
        for name, t_nx, t_gds in rows:
            print(f"{name:<66} {t_nx:>10.2f} {t_gds:>8.2f}")
    finally:
        store.close()
        if server is not None:
            import shutil

            server.stop()
            shutil.rmtree(server.data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

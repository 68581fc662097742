"""Store -> tie graph: the object path (`store.dataset()` + `projection.tie_graph`) against the columnar path
(`store.tie_columns()` + `projection.tie_graph_columns`), on one store, same run; the two graphs must be identical.

    python bench/bench_columns.py --workload W1                 # a new embedded store of the workload
    python bench/bench_columns.py --db catalyse.db              # an existing store (`catalyse demo --orgs 100000`)
    python bench/bench_columns.py --workload W2 --store neo4j   # NEO4J_* settings; the store is CLEARED

Prints the time of each step, best of `--repeat`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalyse.graphcore.demo import workload  # noqa: E402
from catalyse.graphcore.projection import graphs_identical, tie_graph, tie_graph_columns  # noqa: E402
from catalyse.graphcore.stores import SqliteStore, open_store  # noqa: E402


def best(fn, repeat: int):
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, min(times)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workload", choices=("W1", "W2"), default="W1")
    ap.add_argument("--db", help="an existing embedded store to read (nothing is written)")
    ap.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory()
    if a.db:
        store = SqliteStore(a.db)
    else:
        store = open_store(a.store, db=str(Path(tmp.name) / "bench.db"), create=True)
        store.clear()
        t = time.perf_counter()
        store.bulk_write(workload(a.workload))
        print(f"loaded {a.workload} into {store.describe()} in {time.perf_counter() - t:.1f} s")
    counts = store.counts()
    print(f"{counts['organisations']:,} organisations, {counts['ties']:,} ties; best of {a.repeat}")
    data, t_dataset = best(store.dataset, a.repeat)
    G, t_graph = best(lambda: tie_graph(data), a.repeat)
    columns, t_columns = best(store.tie_columns, a.repeat)
    H, t_bulk = best(lambda: tie_graph_columns(columns), a.repeat)
    assert graphs_identical(G, H), "the columnar graph differs from the object path's"
    before, after = t_dataset + t_graph, t_columns + t_bulk
    print("| path | read | build graph | total |")
    print("|---|---:|---:|---:|")
    print(f"| objects: `store.dataset()` + `tie_graph` | {t_dataset:.2f} s | {t_graph:.2f} s | {before:.2f} s |")
    print(
        f"| columns: `store.tie_columns()` + `tie_graph_columns` | {t_columns:.2f} s | {t_bulk:.2f} s | {after:.2f} s |"
    )
    print(f"identical graphs ({G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges); {before / after:.1f}x")
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()

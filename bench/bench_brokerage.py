"""Benchmark queries.brokerage against R's sna::brokerage and a plain-Python two-path loop.

Usage::

    python bench/bench_brokerage.py --workload W1
    python bench/bench_brokerage.py --workload W2 --r-sizes 5000,10000,20000 --loop-sizes 5000

For the main workload (W1: 2,000 organisations / 15,000 ties; W2: 100,000 / 1,000,000) and for each extra
``--r-sizes`` / ``--loop-sizes`` size (``n`` organisations, ``7.5 n`` ties as in W1), the directed tie graph of
``graphcore.demo.workload_graph(n, ties, seed=7, directed=True)`` is built (not timed; cached in ``bench/out/``),
grouped by ``sector``, and

* ``ours``: ``queries.brokerage.brokerage(G)`` for all nodes, best of ``--repeat`` runs (expectations and z
  included, dict results built), once per counting engine (``numpy``; ``numba`` when installed, its first call,
  which imports numba and loads or compiles the kernels, timed apart); peak traced memory of one more numpy run
  under ``tracemalloc``;
* ``ours, arrays``: ``queries.brokerage.brokerage_arrays(n, src, dst, codes, engine="numba")``, the input R's
  ``brokerage(el, cl)`` call gets (an arc list of node numbers and one group per node), best of ``--repeat``
  runs (counts, expectations, sd and z as arrays); its values are checked equal to the graph function's;
* ``R``: the same graph written to CSV, ``Rscript tests/queries/data/make_brokerage_reference.R ONE ...``; the
  time of the ``brokerage()`` call measured inside R, and the wall time of the whole Rscript process (start,
  CSV reading, writing every value at %.17g); skipped past ``--r-timeout`` seconds (default 300). When R
  finishes, every count is compared exactly and every real within 1e-9 (relative above 1);
* ``loop``: a plain-Python two-path loop (each a -> b -> c visited), stopped at ``--loop-timeout`` seconds
  (default 300); when it finishes its counts are compared exactly.

Prints a markdown table. Machine facts (cores, CPU) are printed above it.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from catalyse.queries.brokerage import ROLES, SNA_NAMES, brokerage, brokerage_arrays, numba_available  # noqa: E402

R_SCRIPT = ROOT / "tests" / "queries" / "data" / "make_brokerage_reference.R"
OUT = ROOT / "bench" / "out"
WORKLOADS = {"W1": (2_000, 15_000), "W2": (100_000, 1_000_000)}


def workload(n_orgs, n_ties, seed):
    """The directed workload graph, cached (pickle) in bench/out/."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"brokerage_graph_{n_orgs}_{n_ties}_{seed}.pickle"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    try:
        from catalyse.graphcore.demo import workload_graph
    except ImportError:  # pragma: no cover - fallback when the generator is absent
        workload_graph = None
    if workload_graph is not None:
        G = workload_graph(n_orgs, n_ties, seed=seed, directed=True)
    else:
        G = _local_workload(n_orgs, n_ties, seed)
    with open(path, "wb") as f:
        pickle.dump(G, f, protocol=pickle.HIGHEST_PROTOCOL)
    return G


def _local_workload(n_orgs, n_ties, seed):
    """Seeded fallback: sectors with unequal shares, ties mostly within sector, half reciprocated."""
    import random

    import networkx as nx

    rng = random.Random(seed)
    sectors = (
        ["association"] * 31
        + ["company"] * 25
        + ["social_economy"] * 12
        + ["local_authority"] * 8
        + ["academic"] * 6
        + ["other"] * 6
        + ["institution"] * 5
        + ["state_service"] * 4
        + ["foundation"] * 4
    )
    G = nx.DiGraph()
    by_sector = {}
    for i in range(n_orgs):
        s = rng.choice(sectors)
        G.add_node(f"org{i}", sector=s)
        by_sector.setdefault(s, []).append(f"org{i}")
    nodes = list(G)
    while G.number_of_edges() < n_ties:
        a = rng.choice(nodes)
        b = rng.choice(by_sector[G.nodes[a]["sector"]]) if rng.random() < 0.6 else rng.choice(nodes)
        if a != b:
            G.add_edge(a, b)
            if rng.random() < 0.5:
                G.add_edge(b, a)
    return G


# ------------------------------------------------------------------------------------------------------------


def best_of(repeat, fn):
    best = math.inf
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def time_ours(G, repeat):
    best, result = best_of(repeat, lambda: brokerage(G, engine="numpy"))
    tracemalloc.start()
    brokerage(G, engine="numpy")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, result


def time_numba(G, repeat, reference):
    """(first call s, best graph-function s, best arrays s, arrays-equal-to-reference) with the numba engine."""
    t0 = time.perf_counter()
    first = brokerage(G, engine="numba")
    cold = time.perf_counter() - t0
    if first["raw"] != reference["raw"]:
        raise AssertionError("numba engine: counts differ from the numpy engine")
    warm, _ = best_of(repeat, lambda: brokerage(G, engine="numba"))
    order = list(G)
    index = {v: i for i, v in enumerate(order)}
    labels = {}
    codes = np.array([labels.setdefault(d["sector"], len(labels)) for _, d in G.nodes(data=True)], dtype=np.int64)
    arcs = [(index[u], index[v]) for u, v in G.edges() if u != v]  # the arc list written for R
    src = np.array([a for a, _ in arcs], dtype=np.int64)
    dst = np.array([b for _, b in arcs], dtype=np.int64)
    arrays, r = best_of(max(repeat, 10), lambda: brokerage_arrays(len(order), src, dst, codes, engine="numba"))
    same = all(
        r["raw"][i].tolist() == [reference["raw"][v][x] for x in ROLES]
        and np.array_equal(r["z"][i], [reference["z"][v][x] for x in ROLES], equal_nan=True)
        for i, v in enumerate(order)
    )
    return cold, warm, arrays, same


def python_loop(G, deadline):
    """Plain two-path loop; returns (counts, None) or (None, brokers done) when the deadline passes."""
    group = {v: d["sector"] for v, d in G.nodes(data=True)}
    succ, pred = G._succ, G._pred
    out = {}
    for i, b in enumerate(G):
        if time.perf_counter() > deadline:
            return None, i
        c = dict.fromkeys(ROLES, 0)
        gb = group[b]
        for a in pred[b]:
            if a == b:
                continue
            ga = group[a]
            sa = succ[a]
            for x in succ[b]:
                if x == a or x == b or x in sa:
                    continue
                gx = group[x]
                if ga == gb == gx:
                    c["coordinator"] += 1
                elif ga == gx:
                    c["itinerant"] += 1
                elif ga == gb:
                    c["representative"] += 1
                elif gb == gx:
                    c["gatekeeper"] += 1
                else:
                    c["liaison"] += 1
                c["total"] += 1
        out[b] = c
    return out, None


def run_r(G, timeout):
    """Run sna::brokerage; returns (r_seconds, wall_seconds, ref_rows) or (None, wall, None) on timeout."""
    exe = shutil.which("Rscript")
    if exe is None:
        return None, None, None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nodes, edges, out, timing = (tmp / x for x in ("nodes.csv", "edges.csv", "ref.csv", "timing.txt"))
        with open(nodes, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["node", "group"])
            w.writerows((v, d["sector"]) for v, d in G.nodes(data=True))
        with open(edges, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["from", "to"])
            w.writerows((u, v) for u, v in G.edges() if u != v)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [exe, str(R_SCRIPT), "ONE", str(nodes), str(edges), str(out), str(timing)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None, time.perf_counter() - t0, None
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(err.decode(errors="replace"))
        r_seconds = float(timing.read_text().strip())
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        return r_seconds, wall, rows


def compare(result, rows):
    """Number of mismatches between our result and sna's rows (counts exact, reals 1e-9)."""
    from_sna = {v: k for k, v in SNA_NAMES.items()}
    measure = {"raw": "raw", "exp": "expected", "sd": "sd", "z": "z"}
    bad = 0
    for row in rows:
        level = row["level"]
        if level == "meta":
            continue
        key, meas = from_sna[row["role"]], measure[row["measure"]]
        if level == "node":
            got = result[meas][row["id"]][key]
        elif level == "group":
            got = result["groups"][row["id"]][meas][key]
        else:
            got = result["graph"][meas][key]
        ref = float(row["value"])
        if meas == "raw":
            ok = got == ref
        elif math.isnan(ref):
            ok = math.isnan(got)
        elif math.isinf(ref):
            ok = got == ref
        else:
            ok = abs(got - ref) <= 1e-9 * max(1.0, abs(ref))
        bad += not ok
    return bad


def fmt_s(x):
    if x is None:
        return "—"
    return f"{x:.4f}" if x < 0.1 else f"{x:.3f}" if x < 10 else f"{x:.1f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workload", choices=sorted(WORKLOADS), default="W1")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--r-sizes", default="", help="extra sizes (organisations) to run R and ours at, e.g. 5000,10000")
    ap.add_argument("--loop-sizes", default="", help="extra sizes to run the Python loop at")
    ap.add_argument("--no-r-main", action="store_true", help="do not run R on the main workload")
    ap.add_argument("--no-loop-main", action="store_true", help="do not run the Python loop on the main workload")
    ap.add_argument("--r-timeout", type=float, default=300)
    ap.add_argument("--loop-timeout", type=float, default=300)
    args = ap.parse_args(argv)

    main_n, main_t = WORKLOADS[args.workload]
    r_sizes = {int(x) for x in args.r_sizes.split(",") if x}
    loop_sizes = {int(x) for x in args.loop_sizes.split(",") if x}
    plan = {}
    for n in sorted(r_sizes | loop_sizes):
        plan[(n, round(7.5 * n))] = (n in r_sizes, n in loop_sizes, f"{n:,}")
    plan[(main_n, main_t)] = (not args.no_r_main, not args.no_loop_main, args.workload)

    print(
        f"machine: {platform.machine()} {platform.processor() or ''} | {os.cpu_count()} cores "
        f"(sched: {len(os.sched_getaffinity(0))}) | Python {platform.python_version()} | "
        f"{_cpu_name()}",
        flush=True,
    )
    numba = numba_available()
    lines = [
        "| workload | organisations | arcs | ours, graph, numpy (s) | ours, graph, numba (s) | "
        "ours, arrays, numba (s) | first numba call (s) | ours peak traced MB | R brokerage() (s) | "
        "R wall (s) | R call ÷ ours (graph numpy / graph numba / arrays) | Python loop (s) | "
        "speed-up vs loop | identical |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for (n, t), (with_r, with_loop, label) in sorted(plan.items()):
        t0 = time.perf_counter()
        G = workload(n, t, args.seed)
        print(
            f"[{label}] graph {G.number_of_nodes():,} nodes {G.number_of_edges():,} arcs "
            f"({time.perf_counter() - t0:.1f} s to build/load)",
            flush=True,
        )
        ours, peak, result = time_ours(G, args.repeat)
        print(f"[{label}] ours {ours:.3f} s, peak traced {peak / 2**20:.0f} MB", flush=True)
        checks = []
        cold = warm = arrays = None
        if numba:
            cold, warm, arrays, same = time_numba(G, args.repeat, result)
            checks.append(f"arrays: {'identical' if same else 'DIFFER'}")
            print(
                f"[{label}] numba: first call {cold:.3f} s, graph {warm:.4f} s, arrays {arrays:.4f} s; {checks[-1]}",
                flush=True,
            )
        r_call = r_wall = None
        if with_r:
            r_call, r_wall, rows = run_r(G, args.r_timeout)
            if rows is not None:
                bad = compare(result, rows)
                checks.append(f"sna: {len(rows) - 4:,} values, {bad} differ")
            elif r_wall is not None:
                checks.append(f"sna: stopped after {r_wall:.0f} s")
            print(f"[{label}] R call {r_call} s, wall {r_wall} s; {checks[-1] if checks else ''}", flush=True)
        loop_s = None
        if with_loop:
            t1 = time.perf_counter()
            counts, stopped_at = python_loop(G, t1 + args.loop_timeout)
            elapsed = time.perf_counter() - t1
            if counts is not None:
                loop_s = elapsed
                same = counts == result["raw"]
                checks.append(f"loop: counts {'identical' if same else 'DIFFER'}")
            else:
                checks.append(f"loop: stopped at {args.loop_timeout:.0f} s after {stopped_at:,}/{n:,} brokers")
            print(f"[{label}] loop {elapsed:.1f} s; {checks[-1]}", flush=True)
        sp_r = " / ".join(f"{r_call / x:.0f}×" if x else "—" for x in (ours, warm, arrays)) if r_call else "—"
        sp_l = f"{loop_s / ours:.0f}×" if loop_s is not None else "—"
        r_wall_cell = (
            fmt_s(r_wall)
            if r_call is not None
            else (f"> {args.r_timeout:.0f} (stopped)" if r_wall is not None else "—")
        )
        lines.append(
            f"| {label} | {G.number_of_nodes():,} | {G.number_of_edges():,} | {fmt_s(ours)} | "
            f"{fmt_s(warm)} | {fmt_s(arrays)} | {fmt_s(cold)} | "
            f"{peak / 2**20:.0f} | {fmt_s(r_call)} | {r_wall_cell} | {sp_r} | "
            f"{fmt_s(loop_s) if loop_s is not None else (f'> {args.loop_timeout:.0f} (stopped)' if with_loop else '—')} | "
            f"{sp_l} | {'; '.join(checks) or '—'} |"
        )
        del G, result
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("\n".join(lines))
    print(f"\npeak RSS of this Python process (graphs included): {rss:.0f} MB")


def _cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


if __name__ == "__main__":
    main()

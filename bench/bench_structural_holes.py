"""Benchmark: Burt's constraint and effective size, queries.structural_holes vs networkx vs igraph.

    python bench/bench_structural_holes.py                 # W1 and W2
    python bench/bench_structural_holes.py --sizes W1      # W1 only
    python bench/bench_structural_holes.py --nx-timeout 300 --mem-limit-gb 8

Workloads: ``graphcore.demo.workload_graph(n_orgs, n_ties, seed=7, directed=False)`` -- W1 (2,000 organisations,
15,000 ties) and W2 (100,000, 1,000,000); a seeded generator local to this file is used if graphcore.demo is
missing. The tie graph is built once per size, saved as arrays (node index, tie ``weight``), and every method
runs in a fresh worker process that rebuilds a plain ``nx.Graph`` with the same nodes, ties and weights, so
peak memory is measured per method: ``peak`` is the process high-water mark (VmHWM) and ``extra`` is that minus
the resident size just before the call (the graph itself excluded). Workers run under an address-space limit
(``--mem-limit-gb``) and a time limit (``--nx-timeout`` for networkx): a method that hits either is reported as
stopped, not silently dropped.

Methods (all weighted by ``weight``):
* ``catalyse``: ``queries.structural_holes.burt_measures`` (constraint, effective size, efficiency and hierarchy
  in one pass, returned as dicts), end to end from the networkx graph; the split ``extract`` (graph -> tie
  arrays, ``_ties``) / ``compute`` (``_burt``) is timed separately;
* ``igraph``: ``Graph.constraint(weights=...)``; ``convert`` is building the igraph graph from the networkx
  graph, ``compute`` the constraint call (igraph has no effective size);
* ``networkx``: ``nx.constraint`` and ``nx.effective_size`` (default vectorised paths).

Agreement: constraint compared with igraph (and networkx when it finished) over all nodes; effective size with
networkx's per-node path (``nx.effective_size(G, nodes=sample)``, 60 sampled nodes: that path is slow) -- networkx 3.6's default
path mis-normalises weighted graphs (see queries/structural_holes.py), its difference is shown too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

SIZES = {"W1": (2_000, 15_000), "W2": (100_000, 1_000_000)}


# ----------------------------------------------------------------------------------------------------------------
# workload
# ----------------------------------------------------------------------------------------------------------------
def local_workload(n_orgs, n_ties, seed):
    """Fallback generator: communities of ~50 organisations, 80 % of ties inside, integer weights 1-5."""
    import networkx as nx

    rng = np.random.default_rng(seed)
    comm = rng.integers(0, max(1, n_orgs // 50), n_orgs)
    members = {c: np.flatnonzero(comm == c) for c in np.unique(comm)}
    u = rng.integers(0, n_orgs, n_ties)
    inside = rng.random(n_ties) < 0.8
    v = rng.integers(0, n_orgs, n_ties)
    for i in np.flatnonzero(inside):
        m = members[comm[u[i]]]
        v[i] = m[rng.integers(0, len(m))]
    G = nx.Graph()
    G.add_nodes_from(range(n_orgs))
    for a, b, w in zip(u.tolist(), v.tolist(), rng.integers(1, 6, n_ties).tolist()):
        if a != b:
            G.add_edge(a, b, weight=G[a][b]["weight"] + w if G.has_edge(a, b) else float(w))
    return G


def build(size, seed, path):
    n_orgs, n_ties = SIZES[size]
    t = time.perf_counter()
    try:
        from catalyse.graphcore.demo import workload_graph

        G = workload_graph(n_orgs, n_ties, seed=seed, directed=False)
        source = f"catalyse.graphcore.demo.workload_graph({n_orgs}, {n_ties}, seed={seed}, directed=False)"
    except ImportError:
        G = local_workload(n_orgs, n_ties, seed)
        source = f"local_workload({n_orgs}, {n_ties}, seed={seed})"
    gen = time.perf_counter() - t
    index = {u: i for i, u in enumerate(G)}
    e = np.array([(index[u], index[v]) for u, v in G.edges()], dtype=np.int64).reshape(-1, 2)
    w = np.array([d.get("weight", 1.0) for _, _, d in G.edges(data=True)], dtype=float)
    np.savez(path, n=len(G), edges=e, weight=w)
    deg = np.bincount(e.ravel(), minlength=len(G))
    return {
        "source": source,
        "nodes": len(G),
        "edges": len(e),
        "generate_s": gen,
        "max_degree": int(deg.max()),
        "sum_deg2": int((deg.astype(np.int64) ** 2).sum()),
    }


# ----------------------------------------------------------------------------------------------------------------
# worker (one method, fresh process)
# ----------------------------------------------------------------------------------------------------------------
def _status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


def worker(method, graph_path, out_path, mem_limit_gb, sample, repeat):
    import resource

    import igraph as ig  # every import before the baseline, so timings and memory exclude imports
    import networkx as nx
    import scipy.sparse  # noqa: F401  (networkx imports it lazily inside constraint/effective_size)

    from catalyse.queries import structural_holes as sh

    if mem_limit_gb:
        lim = int(mem_limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    z = np.load(graph_path)
    n = int(z["n"])
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_weighted_edges_from(zip(z["edges"][:, 0].tolist(), z["edges"][:, 1].tolist(), z["weight"].tolist()))
    sample_nodes = np.random.default_rng(0).choice(n, size=min(sample, n), replace=False).tolist()
    base = _status("VmRSS")
    res = {"method": method, "repeat": repeat}
    out = {}

    def timed(fn):
        """Run ``fn`` ``repeat`` times; best wall and CPU seconds (CPU: this process only, so the figures stay
        meaningful when other jobs share the cores) and the last result."""
        best_w = best_c = float("inf")
        for _ in range(repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            value = fn()
            best_w = min(best_w, time.perf_counter() - w0)
            best_c = min(best_c, time.process_time() - c0)
        return value, best_w, best_c

    if method == "catalyse":
        # burt_measures = _ties (graph -> tie arrays) + _burt (vectorised measures) + building the result dicts
        _, tw, tc = timed(lambda: sh.burt_measures(G))
        (nodes, u, v, w), ew, ec = timed(lambda: sh._ties(G, "weight"))
        r, cw, cc = timed(lambda: sh._burt(n, u, v, w))
        res.update(extract_s=ew, compute_s=cw, total_s=tw, compute_cpu_s=cc, total_cpu_s=tc)
        out["constraint"], out["effective_size"] = r["constraint"], r["effective_size"]
    elif method == "igraph":
        (g, wts), vw, vc = timed(
            lambda: (ig.Graph(n=n, edges=list(G.edges())), [d["weight"] for _, _, d in G.edges(data=True)])
        )
        c, cw, cc = timed(lambda: g.constraint(weights=wts))
        res.update(convert_s=vw, compute_s=cw, total_s=vw + cw, compute_cpu_s=cc, total_cpu_s=vc + cc)
        out["constraint"] = np.array(c)
    elif method == "nx_constraint":
        c, tw, tc = timed(lambda: nx.constraint(G, weight="weight"))
        res.update(total_s=tw, total_cpu_s=tc)
        out["constraint"] = np.array([c[i] for i in range(n)])
    elif method == "nx_effective_size":
        e, tw, tc = timed(lambda: nx.effective_size(G, weight="weight"))
        res.update(total_s=tw, total_cpu_s=tc)
        out["effective_size"] = np.array([e[i] for i in range(n)])
    elif method == "nx_effective_size_sample":  # reference values only (per-node path), not timed in the table
        t0 = time.perf_counter()
        e = nx.effective_size(G, nodes=sample_nodes, weight="weight")
        res["total_s"] = time.perf_counter() - t0
        out["effective_size_sample"] = np.array([e[i] for i in sample_nodes])
        out["sample"] = np.array(sample_nodes)
    res["extra_bytes"] = _status("VmHWM") - base
    res["peak_bytes"] = _status("VmHWM")
    np.savez(out_path, **out)
    print(json.dumps(res))


def run_worker(method, graph_path, tmp, timeout, mem_limit_gb, sample, repeat):
    out_path = os.path.join(tmp, f"{method}.npz")
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--worker",
        method,
        "--graph",
        graph_path,
        "--out",
        out_path,
        "--mem-limit-gb",
        str(mem_limit_gb),
        "--sample",
        str(sample),
        "--repeat",
        str(repeat),
    ]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"method": method, "stopped": f"time limit {timeout:.0f} s"}, None
    if p.returncode != 0:
        err = (p.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in p.stderr or "Unable to allocate" in p.stderr or "bad_alloc" in p.stderr:
            err = f"out of memory under the {mem_limit_gb:g} GB limit ({err[:80]})"
        return {"method": method, "stopped": err, "wall_s": time.perf_counter() - t}, None
    res = json.loads(p.stdout.strip().splitlines()[-1])
    return res, dict(np.load(out_path))


# ----------------------------------------------------------------------------------------------------------------
# driver
# ----------------------------------------------------------------------------------------------------------------
def gb(x):
    return f"{x / 2**30:.2f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["W1", "W2"], choices=sorted(SIZES))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--nx-timeout", type=float, default=300.0, help="seconds allowed to each networkx call")
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed to catalyse / igraph")
    ap.add_argument("--mem-limit-gb", type=float, default=8.0, help="address-space limit of each worker")
    ap.add_argument("--sample", type=int, default=60, help="nodes checked against networkx's per-node path")
    ap.add_argument(
        "--repeat",
        default="W1=5,W2=1",
        help="timed repetitions per size (best kept), e.g. W1=5,W2=1; an int in worker mode",
    )
    ap.add_argument("--cache", help="directory keeping the generated graphs (as arrays) between runs")
    ap.add_argument("--worker")
    ap.add_argument("--graph")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    if a.worker:
        a.repeat = int(a.repeat)
        return worker(a.worker, a.graph, a.out, a.mem_limit_gb, a.sample, a.repeat)

    import igraph
    import networkx
    import scipy

    a.repeat = {k: int(v) for k, v in (item.split("=") for item in a.repeat.split(","))}
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores, "
        f"load average at start {os.getloadavg()[0]:.2f}; Python {platform.python_version()}, "
        f"networkx {networkx.__version__}, igraph {igraph.__version__}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}"
    )
    rows = []
    checks = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in a.sizes:
            if a.cache:
                os.makedirs(a.cache, exist_ok=True)
                gpath = os.path.join(a.cache, f"{size}_seed{a.seed}.npz")
            else:
                gpath = os.path.join(tmp, f"{size}.npz")
            if a.cache and os.path.exists(gpath + ".json"):
                info = json.load(open(gpath + ".json"))
                info["generate_s"] = float("nan")  # reused
            else:
                info = build(size, a.seed, gpath)
                if a.cache:
                    json.dump(info, open(gpath + ".json", "w"))
            print(
                f"{size}: {info['source']} -> {info['nodes']} nodes, {info['edges']} edges (pairs), "
                f"max degree {info['max_degree']}, sum deg^2 {info['sum_deg2']}, generated in "
                f"{info['generate_s']:.1f} s",
                flush=True,
            )
            results = {}
            for method in ("catalyse", "igraph", "nx_constraint", "nx_effective_size", "nx_effective_size_sample"):
                to = a.nx_timeout if method.startswith("nx") else a.timeout
                rep = 1 if method == "nx_effective_size_sample" else a.repeat.get(size, 1)
                res, out = run_worker(method, gpath, tmp, to * rep, a.mem_limit_gb, a.sample, rep)
                results[method] = (res, out)
                print(f"  {method}: {json.dumps(res)}", flush=True)
            ours = results["catalyse"][1]
            ig_t = results["igraph"][0].get("compute_s")
            ig_tot = results["igraph"][0].get("total_s")
            for method, label, what in (
                ("catalyse", "catalyse burt_measures", "constraint + eff. size (+eff., hier.)"),
                ("igraph", "igraph Graph.constraint", "constraint"),
                ("nx_constraint", "networkx constraint", "constraint"),
                ("nx_effective_size", "networkx effective_size", "effective size"),
            ):
                res, out = results[method]
                if "stopped" in res:
                    rows.append([size, label, what, "stopped: " + res["stopped"], "", "", "", "", ""])
                    continue
                split = ""
                if method == "catalyse":
                    split = (
                        f"extract {res['extract_s']:.3f} + compute {res['compute_s']:.3f} "
                        f"(CPU {res['compute_cpu_s']:.3f}) + dicts"
                    )
                elif method == "igraph":
                    split = (
                        f"convert {res['convert_s']:.3f} + compute {res['compute_s']:.3f} "
                        f"(CPU {res['compute_cpu_s']:.3f})"
                    )
                vs = ""
                if method != "igraph" and ig_t:
                    ig_cpu = results["igraph"][0]["total_cpu_s"]
                    vs = f"{res['total_s'] / ig_tot:.2f}× e2e, {res['total_cpu_s'] / ig_cpu:.2f}× e2e CPU" + (
                        f", {res['compute_cpu_s'] / results['igraph'][0]['compute_cpu_s']:.2f}× compute CPU"
                        if method == "catalyse"
                        else ""
                    )
                rows.append(
                    [
                        size,
                        label,
                        what,
                        f"{res['total_s']:.3f}",
                        f"{res['total_cpu_s']:.3f}",
                        split,
                        vs,
                        gb(res["extra_bytes"]),
                        gb(res["peak_bytes"]),
                    ]
                )
            nxc, nxe, cat = results["nx_constraint"][0], results["nx_effective_size"][0], results["catalyse"][0]
            if "total_s" in cat:
                if "total_s" in nxc and "total_s" in nxe:
                    checks.append(
                        f"{size}: speed-up vs networkx constraint + effective_size = "
                        f"{(nxc['total_s'] + nxe['total_s']) / cat['total_s']:.1f}× wall, "
                        f"{(nxc['total_cpu_s'] + nxe['total_cpu_s']) / cat['total_cpu_s']:.1f}× CPU"
                        f" (constraint alone: {nxc['total_s'] / cat['total_s']:.1f}× wall)"
                    )
                elif "total_s" in nxc:
                    checks.append(
                        f"{size}: speed-up vs networkx constraint alone = "
                        f"{nxc['total_s'] / cat['total_s']:.1f}× wall, "
                        f"{nxc['total_cpu_s'] / cat['total_cpu_s']:.1f}× CPU (networkx effective_size "
                        f"stopped: {nxe.get('stopped')})"
                    )
            # agreement
            if ours is not None:
                if results["igraph"][1] is not None:
                    d = np.nanmax(np.abs(ours["constraint"] - results["igraph"][1]["constraint"]))
                    checks.append(f"{size}: constraint, max |catalyse - igraph| = {d:.2e} (all nodes)")
                if results["nx_constraint"][1] is not None:
                    d = np.nanmax(np.abs(ours["constraint"] - results["nx_constraint"][1]["constraint"]))
                    checks.append(f"{size}: constraint, max |catalyse - networkx| = {d:.2e} (all nodes)")
                if results["nx_effective_size_sample"][1] is not None:
                    s = results["nx_effective_size_sample"][1]
                    d = np.nanmax(np.abs(ours["effective_size"][s["sample"]] - s["effective_size_sample"]))
                    checks.append(
                        f"{size}: effective size, max |catalyse - networkx per-node path| = {d:.2e} "
                        f"({len(s['sample'])} sampled nodes)"
                    )
                if results["nx_effective_size"][1] is not None:
                    d = np.nanmax(np.abs(ours["effective_size"] - results["nx_effective_size"][1]["effective_size"]))
                    checks.append(
                        f"{size}: effective size, max |catalyse - networkx default path| = {d:.2e} "
                        "(networkx 3.6 bug on weighted graphs, PR #8906)"
                    )
    print()
    print(
        "| size | method | measures | wall (s) | CPU (s) | split, wall s | vs igraph (e2e = from the nx graph) "
        "| extra mem (GB) | peak RSS (GB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    for c in checks:
        print("- " + c)


if __name__ == "__main__":
    main()

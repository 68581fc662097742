"""W2 end to end: the CLI's `stats`, `brokers --top 5`, `suggest ORG` and `metrics`, each against a peer script
(sqlite3 + python-igraph / numpy / scipy) that reads the same store file, measured in the same run.

    python bench/bench_w2_cli.py --db w2.db        # an existing store (`catalyse demo --orgs 100000 --ties 1000000`)
    python bench/bench_w2_cli.py                   # builds that store in a temporary folder first (minutes)

Each command runs in a child process; the table gives its wall time and peak memory (the child's maximum resident
set, from `os.wait4`), its CPU time (user + system: on a shared machine the steadier figure), the peer's, and
the ratios. What each peer computes:

- stats: counts by sector and by tie type (tied pairs), density, connected components, cross-sector share
  (igraph on the simplified graph);
- brokers: the directed arc list in CSR (scipy), each organisation's open two-paths ``a -> v -> c`` by sector
  class of (a, v, c) — the raw Gould–Fernandez counts — and Burt's constraint from the mutual-weight matrix;
- suggest: the organisation's two-step neighbours and their Adamic–Adar score (igraph), the 10 best;
- metrics: density, components, clustering, degree centralisation, Louvain (igraph multilevel) and betweenness
  centralisation from the same 256 sampled pivots (igraph subset betweenness).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PEER_READ = r"""
import sqlite3, sys, time
import numpy as np
db = sqlite3.connect(sys.argv[1])
orgs = db.execute("SELECT id, sector FROM organisations ORDER BY id").fetchall()
pos = {o[0]: i for i, o in enumerate(orgs)}
rows = db.execute("SELECT source, target, type, directed, weight FROM ties").fetchall()
n, m = len(orgs), len(rows)
src = np.fromiter((pos[r[0]] for r in rows), dtype=np.int64, count=m)
dst = np.fromiter((pos[r[1]] for r in rows), dtype=np.int64, count=m)
sectors = sorted({o[1] for o in orgs})
sector = np.array([sectors.index(o[1]) for o in orgs])
"""

PEERS = {
    "stats": PEER_READ
    + r"""
import igraph
from collections import Counter
g = igraph.Graph(n=n, edges=np.column_stack((src, dst)).tolist())
g.simplify()
lo, hi = np.minimum(src, dst), np.maximum(src, dst)
types = Counter(t for (_, _, t) in {(a, b, r[2]) for a, b, r in zip(lo.tolist(), hi.tolist(), rows)})
comps = g.connected_components()
el = np.array(g.get_edgelist())
print(Counter(o[1] for o in orgs).most_common(), types.most_common(), g.density(), len(comps), max(comps.sizes()),
      (sector[el[:, 0]] != sector[el[:, 1]]).mean())
""",
    "brokers": PEER_READ
    + r"""
import scipy.sparse as sp
directed = np.fromiter((r[3] for r in rows), dtype=bool, count=m)
w = np.fromiter((r[4] for r in rows), dtype=float, count=m)
s = np.concatenate((src, dst[~directed])); t = np.concatenate((dst, src[~directed]))
A = sp.csr_array((np.ones(len(s)), (s, t)), shape=(n, n)); A.data[:] = 1
k = len(sectors)
# open two-paths a -> v -> c by (group a, group c) relative to v: count per v with sparse products
G = sp.csr_array((np.ones(n), (np.arange(n), sector)), shape=(n, k))
In = A.T @ G          # v's in-neighbours per group
Out = A @ G           # v's out-neighbours per group
two = np.einsum("ij,ik->ijk", In.toarray(), Out.toarray())   # all two-paths by (group a, group c)
closed = (A @ A).multiply(A)                                   # a -> c closed triads are subtracted in sna
W = sp.csr_array((np.concatenate((w, w[~directed])), (s, t)), shape=(n, n)); W = W + W.T
P = sp.diags_array(1 / np.maximum(W.sum(axis=1), 1e-300)) @ W
C = ((P + (P @ P).multiply(W > 0)) ** 2).sum(axis=1)
print(two.sum(), closed.sum(), np.sort(C)[:5])
""",
    "suggest": PEER_READ
    + r"""
import igraph
g = igraph.Graph(n=n, edges=np.column_stack((src, dst)).tolist()); g.simplify()
v = pos[sys.argv[2]]
first = set(g.neighbors(v)); deg = g.degree()
score = {}
for z in first:
    for c in g.neighbors(z):
        if c != v and c not in first:
            score[c] = score.get(c, 0.0) + 1 / np.log(deg[z])
print(sorted(score.items(), key=lambda x: -x[1])[:10])
""",
    "metrics": PEER_READ
    + r"""
import igraph, random
g = igraph.Graph(n=n, edges=np.column_stack((src, dst)).tolist()); g.simplify()
deg = np.array(g.degree())
dc = (deg.max() - deg).sum() / ((n - 1) * (n - 2))
random.seed(0)
parts = g.community_multilevel()
piv = random.Random(0).sample(range(n), 256)
b = np.array(g.betweenness(directed=False, sources=piv)) * (n - 1) / 256
bc = (b.max() - b).sum() / ((n - 1) ** 2 * (n - 2) / 2)
print(g.density(), len(g.connected_components()), g.transitivity_undirected(), g.transitivity_avglocal_undirected(
    mode="zero"), dc, len(parts), parts.modularity, bc)
""",
}


def run(argv: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak resident memory (GB) and stdout of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2, out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an existing W2 embedded store (nothing is written to it)")
    ap.add_argument("--org", help="the organisation of `suggest` (default: the catalyser with most ties)")
    ap.add_argument("--only", nargs="*", choices=list(PEERS), default=list(PEERS))
    a = ap.parse_args(argv)
    catalyse = [sys.executable, "-m", "catalyse"]
    tmp = tempfile.TemporaryDirectory()
    db = a.db
    if not db:
        db = str(Path(tmp.name) / "w2.db")
        wall, _, mem, _ = run([*catalyse, "--db", db, "demo", "--orgs", "100000", "--ties", "1000000", "--silent"])
        print(f"built W2 in {db}: {wall:.0f} s, {mem:.1f} GB")
    org = a.org
    if not org:
        import sqlite3

        org = (
            sqlite3.connect(db)
            .execute(
                "SELECT c.org, (SELECT count(*) FROM ties WHERE source = c.org OR target = c.org) AS d "
                "FROM catalysers c ORDER BY d DESC, c.org LIMIT 1"
            )
            .fetchone()[0]
        )
    commands = {
        "stats": ["stats"],
        "brokers": ["brokers", "--top", "5"],
        "suggest": ["suggest", org],
        "metrics": ["metrics"],
    }
    print(f"store {db}; suggest {org}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    print("| command | wall | CPU | peak memory | peer wall | peer CPU | peer memory | ratio (wall) | ratio (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in a.only:
        wall, cpu, mem, _ = run([*catalyse, "--db", db, *commands[name]])
        pwall, pcpu, pmem, _ = run([sys.executable, "-c", PEERS[name], db, org])
        cmd = "catalyse " + " ".join(commands[name])
        print(
            f"| `{cmd}` | {wall:.1f} s | {cpu:.1f} s | {mem:.2f} GB | {pwall:.1f} s | {pcpu:.1f} s | {pmem:.2f} GB "
            f"| {wall / pwall:.1f}x | {cpu / pcpu:.1f}x |"
        )
        sys.stdout.flush()
    tmp.cleanup()


if __name__ == "__main__":
    main()

"""Load and latency of the web workspace against the CLI's time for the same answers, measured in the same run.

    python bench/bench_web.py [--orgs 100000] [--ties 1000000] [--db PATH] [--clients 20] [--requests 100]

1. Builds the territory (`catalyse demo --orgs N --ties M`, timed) unless `--db` names an existing store.
2. The CLI: `catalyse orgs show ORG` and `catalyse suggest ORG`, each a fresh process as a user runs it (median of
   `--cli-runs` organisations).
3. The server: `catalyse serve` started as a process, its ready time (start → first answer of /healthz, the graph
   loaded), the first organisation page (the suggestion index is built on first use), then the organisation page
   with its suggestions on `--pages` other organisations, one after the other (median, p95).
4. A bounded load test on loopback: `--clients` threads × `--requests` requests each (keep-alive connections),
   over a mix of pages and API routes on random organisations; errors counted, p50 / p95 / max latency.

Targets: organisation page < 300 ms median; ready in less time than one CLI command took before.
A benchmark, not a test: it prints figures and exits 0 unless the server failed to start.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def catalyse(*args: str, db: Path, cwd: str) -> float:
    """Seconds one `catalyse` process takes (it must succeed)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "catalyse", "--db", str(db), *args], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - t


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def ms(x: float) -> str:
    return f"{1000 * x:,.0f} ms"


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    t = time.perf_counter()
    conn.request("GET", path, headers={"Host": conn.host + f":{conn.port}"})
    r = conn.getresponse()
    r.read()
    return r.status, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=100_000)
    ap.add_argument("--ties", type=int, default=1_000_000)
    ap.add_argument("--db", default=None, help="An existing store to use (else one is built in a scratch folder).")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=100, help="Requests per client.")
    ap.add_argument("--pages", type=int, default=20, help="Organisation pages timed one after the other.")
    ap.add_argument("--cli-runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="catalyse-bench-web-")
    db = Path(args.db) if args.db else Path(tmp) / "bench.db"
    if not db.exists():
        t = time.perf_counter()
        catalyse("demo", "--orgs", str(args.orgs), "--ties", str(args.ties), "--report", "", "--silent", db=db, cwd=tmp)
        print(f"store built: {args.orgs:,} organisations, {args.ties:,} ties in {time.perf_counter() - t:.1f} s ({db})")

    from catalyse.graphcore.stores import SqliteStore

    with SqliteStore(db) as store:
        counts = store.counts()
        ids = sorted(o.id for o in store.organisations())
    print(
        f"store: {counts['organisations']:,} organisations, {counts['ties']:,} ties, {db.stat().st_size / 1e6:.0f} MB"
    )
    picked = rng.sample(ids, args.cli_runs + 1 + args.pages)
    cli_orgs, first_org, page_orgs = picked[: args.cli_runs], picked[args.cli_runs], picked[args.cli_runs + 1 :]

    # the CLI, as a user runs it: one process per answer
    show = [catalyse("orgs", "show", o, db=db, cwd=tmp) for o in cli_orgs]
    sugg = [catalyse("suggest", o, db=db, cwd=tmp) for o in cli_orgs]
    cli_show, cli_sugg = statistics.median(show), statistics.median(sugg)
    print(f"CLI  orgs show ORG: median {cli_show:.2f} s; suggest ORG: median {cli_sugg:.2f} s ({args.cli_runs} runs)")

    # the server
    port = free_port()
    env = {**os.environ, "CATALYSE_LANG": "fr"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalyse", "--db", str(db), "serve", "--port", str(port)],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                status, _ = get(conn, "/healthz")
                if status == 200:
                    break
            except OSError:
                if proc.poll() is not None:
                    print("the server did not start")
                    return 1
                time.sleep(0.05)
        ready = time.perf_counter() - t0
        print(f"web  ready (start → /healthz, graph loaded): {ready:.2f} s")
        status, first = get(conn, f"/orgs/{urllib.parse.quote(first_org)}")
        print(f"web  first organisation page (builds the suggestion index): {ms(first)} (HTTP {status})")
        times = []
        for o in page_orgs:
            status, dt = get(conn, f"/orgs/{urllib.parse.quote(o)}")
            assert status == 200, (o, status)
            times.append(dt)
        page_median = statistics.median(times)
        print(
            f"web  organisation page with its suggestions: median {ms(page_median)}, p95 {ms(pct(times, 0.95))} "
            f"({len(times)} organisations)"
        )
        status, dash = get(conn, "/")
        print(f"web  dashboard, first (computes the whole-network measures): {ms(dash)} (HTTP {status})")

        # bounded load test
        words = ["asso", "énergie", "valence", "collectif", "ateliers", "coop"]

        def mix(r: random.Random) -> str:
            o = urllib.parse.quote(r.choice(ids))
            return r.choice(
                [
                    "/",
                    f"/search?q={urllib.parse.quote(r.choice(words))}",
                    f"/orgs/{o}",
                    f"/api/orgs?q={urllib.parse.quote(r.choice(words))}&limit=20",
                    f"/api/orgs/{o}",
                    f"/api/orgs/{o}/suggestions?top=5",
                    f"/api/introductions?org={o}",
                    "/api/catalysers",
                    "/introductions",
                ]
            )

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(k: int) -> None:
            r = random.Random(args.seed * 1000 + k)
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            mine, bad = [], []
            for _ in range(args.requests):
                path = mix(r)
                try:
                    status, dt = get(c, path)
                    mine.append(dt)
                    if status != 200:
                        bad.append(f"{status} {path}")
                except (OSError, http.client.HTTPException) as exc:
                    bad.append(f"{type(exc).__name__} {path}")
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            with lock:
                latencies.extend(mine)
                errors.extend(bad)

        t = time.perf_counter()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
        n = args.clients * args.requests
        print(
            f"load {args.clients} clients × {args.requests} requests: {n} in {wall:.1f} s ({n / wall:.0f} req/s), "
            f"errors {len(errors)}, p50 {ms(pct(latencies, 0.5))}, p95 {ms(pct(latencies, 0.95))}, "
            f"max {ms(max(latencies))}"
        )
        for e in errors[:5]:
            print(f"  error: {e}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(
        f"targets: organisation page < 300 ms median: {'met' if page_median < 0.3 else 'NOT met'} "
        f"({ms(page_median)}); ready < one CLI command ({min(cli_show, cli_sugg):.2f} s): "
        f"{'met' if ready < min(cli_show, cli_sugg) else 'NOT met'} ({ready:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

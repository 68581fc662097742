"""Time until a 5,000-organisation map is interactive in headless Chromium (offline).

    python bench/bench_views.py [--orgs 5000] [--ties 15000] [--runs 3] [--flat]

Prints the Python build time of the HTML and, in the page, `performance.now()` at vis-network's first
`afterDrawing` (the `catalyse:ready` event): navigation start → first drawing with every node placed, physics
off, handlers attached. `--flat` also measures the ungrouped view (all 5,000 nodes drawn at once), and the time to
expand the largest super-node.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalyse.visualisations import ecosystem_map  # noqa: E402
from catalyse.visualisations.browser import OfflineChromium, unavailable_reason  # noqa: E402


def graph(n_orgs: int, n_ties: int):
    from catalyse.graphcore.demo import workload_graph

    return workload_graph(n_orgs, n_ties, seed=7, directed=False)


def measure(path: Path, runs: int, expand: bool = False) -> dict:
    ready, expand_ms = [], []
    with OfflineChromium() as browser:
        for _ in range(runs):
            visit = browser.open(path)
            ready.append(visit.wait_ready(120000)["at"])
            counts = visit.page.evaluate("window.catalyseView.counts()")
            if expand:
                expand_ms.append(
                    visit.page.evaluate("""() => {
                    const v = window.catalyseView;
                    const s = v.nodes.get().filter(n => n._super).sort((a, b) => b.size - a.size)[0];
                    const t = performance.now(); v.expand(s.id); v.network.redraw();
                    return performance.now() - t; }""")
                )
            assert not visit.console_errors and not visit.foreign_requests, (
                visit.console_errors,
                visit.foreign_requests,
            )
            visit.page.close()
    out = {"ready_ms_median": statistics.median(ready), "ready_ms": ready, "drawn": counts}
    if expand_ms:
        out["expand_largest_ms_median"] = statistics.median(expand_ms)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orgs", type=int, default=5000)
    ap.add_argument("--ties", type=int, default=15000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--flat", action="store_true", help="also measure the ungrouped view")
    args = ap.parse_args()
    reason = unavailable_reason()
    if reason:
        sys.exit(reason)
    G = graph(args.orgs, args.ties)
    print(f"graph: {G.number_of_nodes()} organisations, {G.number_of_edges()} edges")
    variants = [("grouped (default)", {})] + ([("flat", {"max_nodes": 10**9})] if args.flat else [])
    with tempfile.TemporaryDirectory() as tmp:
        for name, kw in variants:
            t = time.perf_counter()
            html = ecosystem_map(G, **kw)
            build = time.perf_counter() - t
            path = Path(tmp) / "map.html"
            path.write_text(html, encoding="utf-8")
            res = measure(path, args.runs, expand=not kw)
            print(
                f"{name}: build {build:.1f} s, {len(html.encode()) / 1e6:.1f} MB, "
                f"interactive after {res['ready_ms_median']:.0f} ms (runs {[round(x) for x in res['ready_ms']]}), "
                f"drawn {res['drawn']['nodes']} nodes / {res['drawn']['edges']} edges"
                + (
                    f", expanding the largest group {res['expand_largest_ms_median']:.0f} ms"
                    if "expand_largest_ms_median" in res
                    else ""
                )
            )


if __name__ == "__main__":
    main()

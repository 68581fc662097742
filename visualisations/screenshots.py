"""Screenshots of the views and the report on the demo territory, for the docs (`docs/img/*.png`).

    python -m visualisations.screenshots [--out docs/img] [--orgs 300]

Needs Chromium and playwright (see `visualisations.browser`); works offline.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from . import alliance_view, catalyser_view, ecosystem_map, ego_view, territory_report
from .browser import OfflineChromium, unavailable_reason, wait_until


def _demo(n_orgs: int):
    from catalyse.graphcore.demo import generate_territory
    from catalyse.graphcore.projection import alliance_graph, tie_graph

    data = generate_territory(n_orgs, seed=2025)
    return data, tie_graph(data), alliance_graph(data)


def _suggestions(G, org, top=8):
    try:
        from catalyse.queries.suggestions import suggest

        return suggest(G, org, top=top)
    except Exception:  # another module's API may change; fall back to common neighbours
        out = []
        for other in G:
            if other == org or G.has_edge(org, other):
                continue
            common = set(G[org]) & set(G[other])
            if common:
                out.append(
                    {
                        "a": org,
                        "b": other,
                        "score": len(common) / 5,
                        "reasons": [f"{len(common)} partenaire(s) en commun"],
                        "introducer": sorted(common)[0],
                    }
                )
        return sorted(out, key=lambda s: -s["score"])[:top]


def _shrink(path: Path, colors: int = 256) -> None:
    """Palette PNG (the docs keep each image under 300 KB)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/img")
    ap.add_argument("--orgs", type=int, default=300)
    args = ap.parse_args(argv)
    reason = unavailable_reason()
    if reason:
        raise SystemExit(reason)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data, G, B = _demo(args.orgs)
    import networkx as nx

    betweenness = nx.betweenness_centrality(G, k=min(200, len(G)), seed=7)
    org = max(G, key=lambda n: (G.degree(n) if not G.nodes[n].get("catalyser") else 0, str(n)))
    catalyser = Counter(i.catalyser for i in data.introductions).most_common(1)[0][0]
    pages = {
        "map": ecosystem_map(
            G,
            size_by=betweenness,
            size_label="intermédiarité",
            measures={"intermédiarité": betweenness, "degré": dict(G.degree())},
        ),
        "map-geo": ecosystem_map(G, geo=True),
        "ego": ego_view(G, org, _suggestions(G, org)),
        "alliances": alliance_view(B),
        "catalyser": catalyser_view(G, catalyser, data.introductions),
    }
    years = {}
    for y in range(2019, 2026):
        import datetime as dt

        from catalyse.graphcore.projection import tie_graph

        H = tie_graph(data, as_of=dt.date(y, 12, 31))
        years[y] = {
            "densité": nx.density(H),
            "liens": H.number_of_edges(),
            "organisations reliées": sum(1 for n in H if H.degree(n)),
        }
    sectors = sorted({G.nodes[n]["sector"] for n in G})
    mixing = {a: {b: 0 for b in sectors} for a in sectors}
    for u, v in G.edges():
        mixing[G.nodes[u]["sector"]][G.nodes[v]["sector"]] += 1
        mixing[G.nodes[v]["sector"]][G.nodes[u]["sector"]] += 1
    top = sorted(betweenness, key=betweenness.get, reverse=True)
    files = territory_report(
        G,
        summary={"organisations": G.number_of_nodes(), "liens": G.number_of_edges(), "densité": nx.density(G)},
        by_year=years,
        brokers={
            "coordinator": [{"org": o, "score": betweenness[o]} for o in top[:8]],
            "liaison": [{"org": o, "score": G.degree(o)} for o in top[8:16]],
        },
        suggestions=_suggestions(G, org),
        catalyser_activity=data.introductions,
        mixing=mixing,
        map_html=pages["map"],
    )
    pages["report"] = files["report.html"]
    with tempfile.TemporaryDirectory() as tmp, OfflineChromium(width=1200, height=760) as browser:
        for name, html in pages.items():
            path = Path(tmp) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            visit = browser.open(path, wait=name != "report")
            if name == "report":
                visit.page.wait_for_timeout(500)
            elif name == "ego":
                wait_until(visit.page, "window.catalyseReady")
            assert not visit.console_errors and not visit.foreign_requests, (
                visit.console_errors,
                visit.foreign_requests,
            )
            target = out / f"{name}.png"
            visit.page.screenshot(path=str(target), full_page=False)
            _shrink(target)
            print(target, target.stat().st_size // 1024, "KB")
            visit.page.close()


if __name__ == "__main__":
    main()

"""The dashboard's evolution, bridges and absent actors, and the report page, against independent computations."""

from __future__ import annotations

import html
import re

import networkx as nx

from catalyse.graphcore.projection import tie_graph
from catalyse.graphcore.stores import SqliteStore


def test_dashboard_evolution_bridges_and_absent_actors(http, db):
    page = http.get("/")
    assert page.status_code == 200
    text = page.text
    with SqliteStore(db) as store:
        data = store.dataset()
    G = tie_graph(data)
    # evolution: the pairs tied by the end of each year, a pair counting from its first tie on (as the help says),
    # counted here from the ties' dates
    years = sorted({t.start.year for t in data.ties if t.start})
    table = re.search(r'<table class="data" id="evolution">(.*?)</table>', text, re.S).group(1)
    shown = dict(re.findall(r"<tr><td>(\d{4})</td><td class=\"num\">([\d\u202f ]+)</td>", table))
    assert set(map(int, shown)) == set(years)
    for y in years:
        active = {
            frozenset((t.source, t.target))
            for t in data.ties
            if (t.start is None or t.start.year <= y) and t.source != t.target
        }
        assert int(re.sub(r"\D", "", shown[str(y)])) == len(active), y
    # absent actors: no tie and never introduced, computed from the dataset
    introduced = {x for i in data.introductions for x in (i.a, i.b)}
    absent = sorted(n for n in G if G.degree(n) == 0 and n not in introduced)
    if absent:
        listed = re.findall(r'<li><a href="/orgs/([^"]+)">', re.search(r'<ul id="absent">(.*?)</ul>', text, re.S)[1])
        assert listed == absent[:20]
    else:
        assert 'id="absent-none"' in text
    # bridges: the organisation shown first as liaison has the largest liaison count (networkx: open two-paths
    # u → v → w, u and w in two other groups than v's, u and w not tied)
    D = tie_graph(data, directed=True)
    sector = nx.get_node_attributes(D, "sector")

    def liaison(v):
        return sum(
            1
            for u in D.predecessors(v)
            for w in D.successors(v)
            if u != w and not D.has_edge(u, w) and len({sector[u], sector[v], sector[w]}) == 3
        )

    row = re.search(r'<tr id="bridge-liaison">(.*?)</tr>', text, re.S).group(1)
    first = re.search(r'<a href="/orgs/([^"]+)">[^<]*</a> \((\d+)\)', row)
    assert int(first.group(2)) == liaison(first.group(1)) == max(liaison(v) for v in D)


def test_the_report_page_embeds_the_report(http):
    page = http.get("/report")
    assert page.status_code == 200 and 'src="/views/report"' in page.text
    view = http.get("/views/report")
    assert view.status_code == 200 and "frame-ancestors 'self'" in view.headers["content-security-policy"]
    assert "<h1>" in view.text and html.escape("Rapport") in view.text

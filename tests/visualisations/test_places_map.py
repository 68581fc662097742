"""The geographic map of organisations known only by their town, in headless Chromium: every one drawn on the map
at (around) its commune, none on top of another, the tooltip saying the position is approximate."""

from __future__ import annotations

import math

import networkx as nx

from catalyse.visualisations import ecosystem_map


def _towns_only() -> nx.Graph:
    """Four organisations in Crest (26108), two in Valence (26362), one in Die (26113): no coordinates at all."""
    G = nx.Graph(kind="ties", as_of=None, directed=False)
    for i in range(4):
        G.add_node(f"crest-{i}", name=f"Crest {i}", sector="association", commune="26108", departement="26")
    for i in range(2):
        G.add_node(f"valence-{i}", name=f"Valence {i}", sector="company", commune="26362", departement="26")
    G.add_node("die", name="Die", sector="local_authority", commune="26113", departement="26")
    G.add_edge("crest-0", "valence-0", type="partnership")
    G.add_edge("crest-1", "die", type="partnership")
    return G


def _dom_positions(page) -> dict:
    return page.evaluate(
        """() => {
            const v = window.catalyseView;
            const r = document.getElementById('cv-network').getBoundingClientRect();
            const out = {};
            for (const n of v.nodes.get()) {
                const p = v.network.getPositions([n.id])[n.id];
                const d = v.network.canvasToDOM(p);
                out[n.label] = {x: d.x + r.left, y: d.y + r.top};
            }
            out.__box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
            return out;
        }"""
    )


def test_towns_only_drawn_around_their_communes(open_html):
    G = _towns_only()
    page = open_html(ecosystem_map(G, geo=True)).page
    pos = _dom_positions(page)
    box = pos.pop("__box")
    assert len(pos) == G.number_of_nodes()
    for p in pos.values():  # all on the visible map, none parked below it
        assert box["left"] <= p["x"] <= box["right"] and box["top"] <= p["y"] <= box["bottom"]
    crest = [pos[f"Crest {i}"] for i in range(4)]
    valence = [pos[f"Valence {i}"] for i in range(2)]
    spread = max(math.dist((a["x"], a["y"]), (b["x"], b["y"])) for a in crest for b in crest)
    gap = min(math.dist((a["x"], a["y"]), (b["x"], b["y"])) for i, a in enumerate(crest) for b in crest[i + 1 :])
    assert gap > 3  # distinct pixels: none hides another
    centre = (sum(p["x"] for p in crest) / 4, sum(p["y"] for p in crest) / 4)
    vcentre = (sum(p["x"] for p in valence) / 2, sum(p["y"] for p in valence) / 2)
    assert math.dist(centre, vcentre) > spread  # Crest's group stands apart from Valence's
    assert vcentre[1] < centre[1]  # Valence is north of Crest
    assert pos["Die"]["x"] > centre[0]  # Die is east of Crest
    page.mouse.move(pos["Die"]["x"], pos["Die"]["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tip = page.inner_text("div.vis-tooltip")
    assert tip.startswith("Die") and "position approximative : centre de la commune" in tip


def test_english_tooltip(open_html):
    page = open_html(ecosystem_map(_towns_only(), geo=True, lang="en")).page
    pos = _dom_positions(page)
    page.mouse.move(pos["Die"]["x"], pos["Die"]["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    assert "approximate position: centre of the commune" in page.inner_text("div.vis-tooltip")

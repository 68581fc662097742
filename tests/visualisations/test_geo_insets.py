"""Overseas insets ("encarts") of the geographic map: layout positions computed by hand, and the page's frames."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from catalyse.visualisations import ecosystem_map, layout


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="catalyse-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def _graph() -> nx.Graph:
    """Two mainland organisations on one meridian, two in La Réunion on one parallel.

    By hand (width 1600, `INSET_SIZE` 0.18, `INSET_GAP` 0.025, `INSET_PAD` 0.12, `INSET_PAD_TOP` 0.22):
    - mainland: A (44° N, 4° E), B (46° N, 4° E): same x, so x = 0; the y span (2°) is the larger one and is
      scaled to 1600 px, centred on 45° N: A at y = +800 (south is down), B at y = −800.
    - the inset box: side 0.18·1600 = 288, right edge 0.025·1600 = 40 px left of the leftmost mainland x (0),
      top at the topmost mainland y: (−328, −800, −40, −512).
    - inside it the Réunion pair, both at 21° S, 55.3° E and 55.7° E: the x span is the larger one, scaled to the
      inner side 288·(1 − 0.12 − 0.22) = 190.08, centred across (x = −184) and 0.22·288 = 63.36 below the top
      plus half the inner side (y = −800 + 63.36 + 95.04 = −641.6): R-west at x = −184 − 95.04 = −279.04,
      R-east at x = −184 + 95.04 = −88.96.
    R-west carries its département (974); R-east only its coordinates.
    """
    G = nx.Graph()
    G.add_node("A", name="A", sector="association", departement="26", lat=44.0, lon=4.0)
    G.add_node("B", name="B", sector="company", lat=46.0, lon=4.0)
    G.add_node("R-west", name="Saint-Paul", sector="association", departement="974", lat=-21.0, lon=55.3)
    G.add_node("R-east", name="Saint-Denis", sector="company", lat=-21.0, lon=55.7)
    G.add_edge("A", "R-west")
    G.add_edge("R-west", "R-east")
    return G


def test_positions_by_hand():
    pos, missing, insets = layout.geographic_insets(_graph())
    assert missing == []
    assert pos["A"] == pytest.approx((0.0, 800.0)) and pos["B"] == pytest.approx((0.0, -800.0))
    assert pos["R-west"] == pytest.approx((-279.04, -641.6))
    assert pos["R-east"] == pytest.approx((-88.96, -641.6))
    [inset] = insets
    assert inset.code == "974" and set(inset.nodes) == {"R-west", "R-east"}
    assert inset.box == pytest.approx((-328.0, -800.0, -40.0, -512.0))
    x0, y0, x1, y1 = inset.box
    for n in inset.nodes:
        assert x0 < pos[n][0] < x1 and y0 < pos[n][1] < y1
    assert pos["R-east"][0] > pos["R-west"][0]  # east stays east
    assert layout.geographic(_graph()) == (pos, [])


def test_mainland_unchanged_by_overseas_organisations():
    G = _graph()
    mainland = G.subgraph(["A", "B"]).copy()
    pos, _, _ = layout.geographic_insets(G)
    alone, _, none = layout.geographic_insets(mainland)
    assert none == [] and {n: pos[n] for n in alone} == alone
    # with insets off, everything shares one projection (the former behaviour): the mainland shrinks
    flat, _, no_frames = layout.geographic_insets(G, insets=False)
    assert no_frames == [] and abs(flat["A"][1] - flat["B"][1]) < 100


def test_identified_by_code_or_coordinates_and_boxes_stacked():
    G = _graph()
    G.add_node("pap", name="Pointe-à-Pitre", lat=16.24, lon=-61.53)  # coordinates only: Guadeloupe
    G.add_node("fdf", name="Fort-de-France", commune="97209", lat=14.6, lon=-61.07)  # commune only: Martinique
    G.add_node("cayenne", name="Cayenne", region="03", lat=4.93, lon=-52.33)  # region only: Guyane
    G.add_node("mamoudzou", name="Mamoudzou", departement="976")  # no coordinates: under the map
    G.add_node("paris-reunion", name="Antenne", departement="75", lat=-20.9, lon=55.45)  # the code wins
    pos, missing, insets = layout.geographic_insets(G)
    assert missing == ["mamoudzou"]
    assert [i.code for i in insets] == ["971", "972", "973", "974"]  # INSEE order, only territories present
    assert [set(i.nodes) for i in insets] == [{"pap"}, {"fdf"}, {"cayenne"}, {"R-west", "R-east"}]
    tops = [i.box[1] for i in insets]
    assert all(b - a == pytest.approx(288 + 40) for a, b in zip(tops, tops[1:]))
    assert all(i.box[2] < min(pos[n][0] for n in ("A", "B", "paris-reunion")) for i in insets)
    for i in insets:
        x0, y0, x1, y1 = i.box
        assert all(x0 < pos[n][0] < x1 and y0 < pos[n][1] < y1 for n in i.nodes)
    # a lone organisation sits at the centre of its inner square
    pap = insets[0]
    assert pos["pap"][0] == pytest.approx((pap.box[0] + pap.box[2]) / 2)


def test_labels_french_and_english():
    _, _, [inset] = layout.geographic_insets(_graph())
    assert inset.label() == "La Réunion" and inset.label("en") == "Réunion"
    names = {c: (t.name_fr, t.name_en) for c, t in layout.OVERSEAS.items()}
    assert [fr for fr, _ in names.values()] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    assert names["973"][1] == "French Guiana"


def test_page_carries_the_frames():
    G = _graph()
    fr, en = _data(ecosystem_map(G, geo=True)), _data(ecosystem_map(G, geo=True, lang="en"))
    assert [(f["code"], f["label"]) for f in fr["frames"]] == [("974", "La Réunion")]
    assert [f["label"] for f in en["frames"]] == ["Réunion"]
    f = fr["frames"][0]
    assert (f["x0"], f["y0"], f["x1"], f["y1"]) == (-328.0, -800.0, -40.0, -512.0)
    at = {n["key"]: (n["x"], n["y"]) for n in fr["nodes"]}
    assert at["R-west"] == (-279.0, -641.6) and at["R-east"] == (-89.0, -641.6) and at["A"] == (0.0, 800.0)
    assert "frames" not in _data(ecosystem_map(G)) and "frames" not in _data(ecosystem_map(G.subgraph("AB"), geo=True))

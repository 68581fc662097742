"""The views in a real headless Chromium, offline: nothing fails, nothing leaves the page, nothing hostile runs.

Every visit is checked by the `open_html` fixture for console errors, page errors, dialogs and requests other than
the file itself (the browser aborts them all anyway). Skipped with a reason when Chromium/playwright is absent.
"""

from __future__ import annotations

import pytest

from catalyse.visualisations import alliance_view, catalyser_view, ecosystem_map, ego_view, territory_report
from catalyse.visualisations.browser import wait_until

COUNTS = "window.catalyseView.counts()"


def _dom_position(page, label):
    return page.evaluate(
        """(label) => {
            const v = window.catalyseView;
            const node = v.nodes.get().find(n => n.label === label);
            const p = v.network.getPositions([node.id])[node.id];
            const d = v.network.canvasToDOM(p);
            const r = document.getElementById('cv-network').getBoundingClientRect();
            return {x: d.x + r.left, y: d.y + r.top, id: node.id};
        }""",
        label,
    )


def _assert_not_run(page):
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__pwned2") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0


def test_map_draws_every_node_and_nothing_runs(ties, open_html, xss):
    visit = open_html(ecosystem_map(ties))
    counts = visit.page.evaluate(COUNTS)
    assert counts["nodes"] == ties.number_of_nodes() and counts["edges"] == ties.number_of_edges()
    labels = visit.page.evaluate("window.catalyseView.nodes.get().map(n => n.label)")
    assert xss["script"] in labels and xss["img"] in labels and xss["close"] in labels
    _assert_not_run(visit.page)
    assert visit.page.evaluate("document.title") == "Carte de l'écosystème"


def test_search_and_filters_change_what_is_shown(ties, open_html, xss):
    page = open_html(ecosystem_map(ties)).page
    page.fill("#cv-search", "ALERT(1")
    wait_until(page, "window.catalyseView.counts().hits === 1")
    c = page.evaluate(COUNTS)
    assert c["hits"] == 1 and c["faded"] == ties.number_of_nodes() - 1
    # the hostile name shows as text in the result list
    assert page.inner_text("#cv-results") == xss["script"]
    assert page.evaluate("document.querySelectorAll('#cv-results script').length") == 0
    page.fill("#cv-search", "ecole")  # accent-insensitive would still find nothing here
    page.fill("#cv-search", "")
    wait_until(page, "window.catalyseView.counts().faded === 0")

    page.select_option("#cv-filter-sector", "association")
    c = page.evaluate(COUNTS)
    assert c["nodes"] == 2 and c["edges"] == 0
    page.select_option("#cv-filter-sector", "")
    page.select_option("#cv-filter-commune", "26108")
    assert page.evaluate(COUNTS)["nodes"] == 3
    page.click("#cv-reset")
    page.select_option("#cv-filter-tie_type", "funding")
    c = page.evaluate(COUNTS)
    assert c["edges"] == 2 and c["nodes"] == 3  # orgs with no funding tie are hidden
    page.select_option("#cv-filter-tie_type", "")
    page.select_option("#cv-filter-theme", "SDG7")
    assert page.evaluate(COUNTS)["nodes"] == 5
    page.click("#cv-reset")
    assert page.evaluate(COUNTS)["nodes"] == ties.number_of_nodes()
    _assert_not_run(page)


def test_click_highlights_neighbourhood_and_tooltip_is_text(ties, open_html, xss):
    page = open_html(ecosystem_map(ties)).page
    pos = _dom_position(page, xss["img"])
    page.mouse.move(pos["x"], pos["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tip = page.eval_on_selector(
        "div.vis-tooltip", "e => ({text: e.innerText, html: e.querySelectorAll('*:not(br)').length})"
    )
    assert tip["text"].startswith(xss["img"]) and "Secteur : Entreprise" in tip["text"]
    assert tip["html"] == 0
    page.mouse.click(pos["x"], pos["y"])
    wait_until(page, "window.catalyseView.counts().faded > 0")
    c = page.evaluate(COUNTS)
    assert c["faded"] == ties.number_of_nodes() - 2  # the company and the mairie stay lit
    page.keyboard.press("Escape")
    wait_until(page, "window.catalyseView.counts().faded === 0")
    _assert_not_run(page)


def test_geo_map(ties, open_html):
    page = open_html(ecosystem_map(ties, geo=True)).page
    assert page.evaluate(COUNTS)["nodes"] == ties.number_of_nodes()
    assert page.evaluate("window.catalyseView.frames.length") == 0


def test_geo_map_overseas_inset_is_drawn_and_fitted(ties, open_html):
    ties.add_node(
        "cress-reunion",
        name="CRESS La Réunion",
        sector="social_economy",
        departement="974",
        lat=-20.88,
        lon=55.45,
        themes=(),
        tags=(),
        catalyser=False,
    )
    ties.add_edge("cress-reunion", "mairie-crest", types=("exchange",), weight=1.0, ties=1)
    page = open_html(ecosystem_map(ties, geo=True, lang="en")).page
    assert page.evaluate(COUNTS)["nodes"] == ties.number_of_nodes()
    frame = page.evaluate("""() => {
        const v = window.catalyseView, f = v.frames[0];
        const r = document.getElementById('cv-network').getBoundingClientRect();
        const a = v.network.canvasToDOM({x: f.x0, y: f.y0}), b = v.network.canvasToDOM({x: f.x1, y: f.y1});
        const canvas = document.querySelector('#cv-network canvas'), k = canvas.width / r.width;
        const px = canvas.getContext('2d').getImageData(Math.round((a.x + 3) * k), Math.round((b.y - 3) * k), 1, 1).data;
        return {label: f.label, a: a, b: b, w: r.width, h: r.height, pixel: Array.from(px)};
    }""")
    assert frame["label"] == "Réunion"
    assert 0 <= frame["a"]["x"] < frame["b"]["x"] <= frame["w"]  # the whole frame is in view
    assert 0 <= frame["a"]["y"] < frame["b"]["y"] <= frame["h"]
    assert frame["pixel"][3] > 0 and frame["pixel"][:3] != [255, 255, 255]  # the frame's fill is painted


def test_english(ties, open_html):
    page = open_html(ecosystem_map(ties, lang="en")).page
    text = page.text_content("#cv-panel")
    assert "Search an organisation" in text and "Local authority" in text and "Tie types" in text
    assert "Rechercher" not in text


def test_french_by_default(ties, open_html):
    text = open_html(ecosystem_map(ties)).page.text_content("#cv-panel")
    assert "Rechercher une organisation" in text and "Collectivité territoriale" in text
    assert "Types de liens" in text


def test_ego_view(ties, suggestions, open_html):
    page = open_html(ego_view(ties, "mairie-crest", suggestions)).page
    c = page.evaluate(COUNTS)
    # mairie + 4 neighbours + uga (suggested) + fondation (suggested) + scop (introducer)
    assert c["nodes"] == 8
    dashed = page.evaluate(
        "window.catalyseView.edges.get().filter(e => e.title.includes('Mise en relation suggérée')).length"
    )
    assert dashed == 2
    page.select_option("#cv-filter-tie_type", "suggestion")
    assert page.evaluate(COUNTS)["edges"] == 2
    _assert_not_run(page)


def test_alliance_view(alliances, open_html):
    page = open_html(alliance_view(alliances)).page
    assert page.evaluate(COUNTS)["nodes"] == alliances.number_of_nodes()
    page.select_option("#cv-filter-sector", "association")
    # the two associations, and the alliance they belong to
    assert page.evaluate(COUNTS)["nodes"] == 3
    page.click("#cv-reset")
    page.select_option("#cv-filter-role", "funder")
    assert page.evaluate(COUNTS)["edges"] == 1
    _assert_not_run(page)


def test_catalyser_view(ties, introductions, open_html):
    page = open_html(catalyser_view(ties, "tiers-lieu", introductions)).page
    c = page.evaluate(COUNTS)
    assert c["nodes"] == 8  # the catalyser and the 7 organisations it introduced
    page.select_option("#cv-filter-outcome", "alliance_formed")
    c = page.evaluate(COUNTS)
    assert c["nodes"] == 3 and c["edges"] == 3
    _assert_not_run(page)


def test_large_graph_is_grouped_and_expands(open_html):
    demo = pytest.importorskip("catalyse.graphcore.demo")
    G = demo.workload_graph(1200, 3000, seed=3)
    page = open_html(ecosystem_map(G, max_nodes=1000)).page
    c = page.evaluate(COUNTS)
    assert c["supers"] == c["nodes"] and 2 <= c["nodes"] < 200
    first = page.evaluate("window.catalyseView.nodes.get().sort((a, b) => b.size - a.size)[0]")
    page.evaluate(f"window.catalyseView.expand({first['id']})")
    after = page.evaluate(COUNTS)
    assert after["nodes"] > c["nodes"] and after["supers"] == c["supers"] - 1
    # searching an organisation inside a collapsed group opens that group and focuses it
    page.evaluate("window.catalyseView.collapseAll()")
    some = sorted(G.nodes)[0]
    assert page.evaluate(f"window.catalyseView.focusKey({some!r})")
    assert page.evaluate("window.catalyseView.network.getSelectedNodes().length") == 1


def test_report_in_browser(ties, suggestions, introductions, open_html):
    files = territory_report(
        ties,
        summary={"organisations": 8, "densité": 0.25},
        by_year={2022: {"densité": 0.2}, 2023: {"densité": 0.25}},
        brokers={"coordinator": [{"org": "asso-xss", "score": 3}]},
        suggestions=suggestions,
        catalyser_activity=introductions,
        mixing={"association": {"company": 1, "association": 2}},
        map_html=ecosystem_map(ties),
    )
    visit = open_html(files["report.html"], "report.html", wait=False)
    page = visit.page
    frame = next(f for f in page.frames if f != page.main_frame)
    page.locator("iframe").scroll_into_view_if_needed()  # Chromium does not paint off-screen frames
    wait_until(frame, "window.catalyseReady !== undefined", 30000)
    assert frame.evaluate(COUNTS)["nodes"] == ties.number_of_nodes()
    assert page.evaluate("document.querySelectorAll('img').length") >= 4  # data: charts only
    assert page.evaluate("[...document.images].every(i => i.src.startsWith('data:image/png') && i.naturalWidth > 0)")
    assert "<script>alert(1)</script>" in page.inner_text("body")
    assert page.evaluate("window.__pwned") is None and frame.evaluate("window.__pwned") is None

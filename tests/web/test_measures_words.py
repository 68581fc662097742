"""Measures in plain words: every measure the CLI, the report, the maps and the web show has a line in French and in
English in `catalyse.i18n.MEASURES`, a section in docs/measures.md, and the outputs carry those lines; the what-if
lines of a suggestion say better or worse, checked on hand-computed Burt constraints."""

from __future__ import annotations

import html
import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from catalyse.cli import cli
from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.stores import SqliteStore
from catalyse.i18n import MEASURES, explain, legend, reason_text, verdict
from catalyse.queries import structure
from catalyse.queries.brokerage import ROLES
from catalyse.queries.suggestions import suggest
from catalyse.web import pages
from catalyse.workspace import MEASURES as MAP_MEASURES
from catalyse.workspace import Workspace

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "measures.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("words") / "demo.db"
    with SqliteStore(path, create=True) as store:
        store.write(generate_territory(120, seed=3))
    return path


def shown_keys(db) -> set[str]:
    """Every measure key a table, the report, a map or the dashboard shows."""
    with SqliteStore(db) as store:
        per_org = Workspace(store).metrics_per_org(top=3)
    keys = set(structure._SUMMARY_KEYS) | set(structure.BY_YEAR_KEYS) | set(structure.BY_GROUP_KEYS)
    keys |= set(ROLES) | {"constraint", "density", "components", "isolates", "cross_sector_share"}  # brokers, stats
    keys |= {k for k in per_org[0] if k not in ("organisation", "name", "sector", "group", "rank")}
    keys |= {k for k, *_ in pages.FIGURES} | {k for k, _ in pages.STRUCTURE} | set(MAP_MEASURES)
    return keys


def test_every_shown_measure_is_explained_in_both_languages_and_documented(demo_db):
    keys = shown_keys(demo_db)
    assert {"constraint", "ei_index", "liaison", "gatekeeper", "modularity", "betweenness"} <= keys
    missing = sorted(keys - set(MEASURES))
    assert not missing, f"measures shown without an explanation: {missing}"
    refs = DOCS[DOCS.index("## References") :]
    for k in keys:
        m = MEASURES[k]
        fr, en = m["what"]
        assert fr and en and fr != en, k
        assert m["better"] in ("up", "down", "none"), k
        assert f"`{k}`" in DOCS, f"docs/measures.md does not define {k}"
        if m["ref"] != "catalyse":  # each reference cited is listed in full
            author, year = m["ref"].split(" ")[0].rstrip(","), m["ref"].split(" ")[-1]
            assert re.search(rf"{re.escape(author)}.*\({year}\)", refs), m["ref"]
    # the brief's references, and the stage of development where it matters
    for ref, key in [
        ("Burt 1992", "constraint"),
        ("Gould & Fernandez 1989", "liaison"),
        ("Freeman 1979", "degree_centralization"),
        ("Krackhardt & Stern 1988", "ei_index"),
        ("Newman 2003", "assortativity"),
        ("Newman 2006", "modularity"),
        ("Blondel et al. 2008", "communities"),
    ]:
        assert MEASURES[key]["ref"] == ref
    assert "réseau jeune" in explain("density") and "young network" in explain("density", "en")


def test_directions_are_the_literature_s():
    # Burt 1992: less constraint, more structural holes; Krackhardt & Stern: E-I +1 all ties external
    assert verdict("constraint", 0.33, 0.36) == "moins bien" and verdict("constraint", 0.36, 0.33, "en") == "better"
    assert verdict("ei_index", -0.2, 0.1, "en") == "better" and verdict("assortativity", 0.1, 0.3, "en") == "worse"
    assert verdict("average_clustering", 0.1, 0.3) is None  # neither direction: no verdict


def test_what_if_lines_say_better_or_worse_on_a_hand_computed_case():
    # X tied to A and B, A–B tied; C tied to A only. Burt constraint c_i = Σ_j (p_ij + Σ_q p_iq p_qj)², weights 1.
    # X before: p = 1/2; c_XA = (1/2 + p_XB·p_BA)² = (1/2 + 1/2·1/2)² = 9/16, c_XB = (1/2 + 1/2·1/3)² = 4/9
    #   → 1.0069; after X–C: p = 1/3; c_XA = (1/3 + 1/3·1/2 + 1/3·1/2)² = 4/9, c_XB = c_XC = (1/3 + 1/3·1/3)² = 16/81
    #   → 68/81 = 0.84: better. C before: 1 (one partner); after: c_CA = c_CX = (1/2 + 1/2·1/3)² = 4/9 → 0.89: better.
    G = nx.Graph()
    for n, sector in (("X", "association"), ("A", "association"), ("B", "company"), ("C", "company")):
        G.add_node(n, name=n, sector=sector)
    G.add_edges_from([("X", "A"), ("X", "B"), ("A", "B"), ("C", "A")])
    s = next(s for s in suggest(G, "X", top=5) if s.partner == "C")
    line = next(r for r in s.reasons if r.startswith("Contrainte de Burt"))
    assert line == "Contrainte de Burt : X 1,01 → 0,84 (mieux) ; C 1 → 0,89 (mieux)"
    # cross-sector share: X 1/2 → 2/3 (B and C are companies); C (a company) 1/1 → 2/2 (A and X are associations)
    cross = next(r for r in s.reasons_in("en") if r.startswith("Share of cross-sector ties"))
    assert cross == "Share of cross-sector ties: X 50% → 67% (better); C 100% → 100% (unchanged)"
    # worse: P and Q each tied only to K; after P–Q, c_P = (1/2 + 1/2·1/2)² + (1/2 + 1/2·1/2)² = 9/8: 1 → 1.12
    H = nx.Graph()
    for n in "PQK":
        H.add_node(n, name=n, sector="association")
    H.add_edges_from([("P", "K"), ("Q", "K")])
    s = next(s for s in suggest(H, "P", top=5) if s.partner == "Q")
    line = next(r for r in s.reasons_in("en") if r.startswith("Burt constraint"))
    assert line == "Burt constraint: P 1 → 1.12 (worse); Q 1 → 1.12 (worse)"


def test_a_change_too_small_to_print_is_stable():
    reason = {"code": "constraint_change", "names": ["A", "B"], "before": [0.0912, 0.33], "after": [0.0914, 0.36]}
    assert reason_text(reason) == "Contrainte de Burt : A 0,09 → 0,09 (stable) ; B 0,33 → 0,36 (moins bien)"
    assert reason_text(reason, "en") == "Burt constraint: A 0.09 → 0.09 (unchanged); B 0.33 → 0.36 (worse)"


def test_cli_tables_end_with_the_lines_of_their_measures(demo_db):
    runner = CliRunner()
    for lang in ("fr", "en"):
        for args, keys in [
            (["metrics"], ("density", "ei_index", "modularity", "assortativity")),
            (["brokers", "--top", "3"], (*ROLES, "constraint")),
            (["stats"], ("density", "components", "cross_sector_share")),
            (["metrics", "--by-year"], structure.BY_YEAR_KEYS),
        ]:
            out = runner.invoke(cli, ["--db", str(demo_db), "--lang", lang, *args]).output
            for line in legend(keys, lang):
                assert line in out, (args, lang, line)


def test_report_and_map_carry_the_explanations(demo_db, tmp_path):
    with SqliteStore(demo_db) as store:
        ws = Workspace(store, lang="fr")
        ws.report(str(tmp_path))
        map_html = Workspace(store, lang="en").map_view(size_by="constraint")
    page = html.unescape((tmp_path / "report.html").read_text(encoding="utf-8"))
    for key in ("density", "modularity", "ei_index", "liaison", "gatekeeper", "coordinator"):
        assert explain(key, "fr") in page, key
    assert "Portier" in page and "Agent de liaison" in page
    assert explain("constraint", "en").replace("'", "\\u0027") in map_html or explain("constraint", "en") in map_html


def test_dashboard_explains_its_figures_and_structure(http):
    for lang in ("fr", "en"):
        page = html.unescape(http.get("/", params={"lang": lang}).text)
        for key, *_ in pages.FIGURES:
            assert explain(key, lang, reference=False, direction=False) in page, key
        for key, _ in pages.STRUCTURE:
            assert explain(key, lang) in page, key
        assert ("Une dynamique naissante" if lang == "fr" else "An emerging dynamic") in page


def test_org_page_what_if_lines_carry_a_verdict(http, web):
    data = web[1]
    hub = next(iter(data.catalyser_roles))
    page = html.unescape(http.get(f"/orgs/{hub}").text)
    lines = re.findall(r"<li>(Contrainte de Burt[^<]*)</li>", page)
    assert lines and all(
        re.search(r"\((mieux|moins bien|stable)\) ; .*\((mieux|moins bien|stable)\)$", x) for x in lines
    )

"""Tests of queries.suggestions on a hand-built territory (12 organisations of the Drôme, one catalyser):
the explanation names the right shared partners, introducer, sectors and place; the what-if gain equals networkx
recomputed on the graph with the new tie; filters, languages, the all-organisations list."""

import math

import networkx as nx
import numpy as np
import pytest

from queries.suggestions import SuggestionIndex, suggest

AS_OF = "2025-01-01"
CREST = dict(commune="26108", epci="242600252", departement="26")
VAL = dict(commune="26220", epci="200040624", departement="26")


def drome():
    G = nx.Graph()
    orgs = [
        ("mairie", "Mairie de Crest", "local_authority", CREST, ("SDG11", "mobilité")),
        ("velo", "Vélo-École du Diois", "association", CREST, ("mobilité",)),
        ("garage", "Garage Solidaire Côté Drôme", "social_economy", CREST, ("SDG8", "mobilité")),
        ("transp", "Transports Géraud & Fils", "company", dict(CREST, commune="26113"), ("SDG11", "mobilité")),
        ("ccas", "CCAS de Crest", "local_authority", CREST, ()),
        ("fab", "La Fabrique à Projets", "association", CREST, ("SDG11",)),
        ("lycee", "Lycée François-Jean Armorin", "academic", CREST, ()),
        ("banque", "Banque des Territoires", "institution", {"departement": "26"}, ()),
        ("epicerie", "Épicerie Sociale L'Âge d'Or", "association", CREST, ()),
        ("ferme", "Ferme des Éléphants", "company", VAL, ("SDG2",)),
        ("amap", "AMAP « Les Pieds dans l'Herbe »", "association", VAL, ("SDG2",)),
        ("ccval", "Communauté de communes du Val de Drôme", "local_authority", VAL, ()),
    ]
    for key, name, sector, place, themes in orgs:
        G.add_node(key, name=name, sector=sector, catalyser=(key == "fab"), themes=themes, tags=(), **place)
    ties = [
        ("velo", "mairie", 2, "2022-01-01"), ("velo", "garage", 1, "2024-01-01"), ("velo", "fab", 1, "2024-06-01"),
        ("transp", "mairie", 1, "2019-01-01"), ("transp", "garage", 3, "2024-01-01"), ("transp", "fab", 1, "2023-01-01"),
        ("mairie", "ccas", 2, "2018-03-01"), ("mairie", "fab", 1, "2020-09-01"), ("mairie", "lycee", 1, None),
        ("garage", "ccas", 1, "2022-05-01"), ("epicerie", "ccas", 1, "2023-02-01"), ("lycee", "fab", 1, "2021-01-01"),
        ("banque", "mairie", 1, "2017-01-01"), ("ferme", "amap", 2, "2021-04-01"), ("ccval", "mairie", 1, "2020-01-01"),
    ]
    for u, v, w, start in ties:
        attrs = {"weight": float(w), "types": ("partnership",), "ties": 1}
        if start:
            attrs["start"] = start
        G.add_edge(u, v, **attrs)
    return G


def test_top_suggestion_explained_in_french():
    G = drome()
    res = suggest(G, "velo", as_of=AS_OF)
    top = res[0]
    # Vélo-École and Transports Géraud share three partners: mairie (7 partners), garage (3), fab (4):
    # RA = 1/7 + 1/3 + 1/4 = 0.726190
    assert top.pair == ("velo", "transp") and top.rank == 1
    assert set(top.shared_partners) == {"mairie", "garage", "fab"}
    # ordered by the weaker of the two ties (strength × recency, as of 2025-01-01, half-life 3 years):
    #   garage: min((1-e^-1)·0.5^(1.0007/3), (1-e^-3)·0.5^(1.0007/3)) = min(0.5016, 0.7540) = 0.5016
    #   fab:    min((1-e^-1)·0.5^(0.5859/3), (1-e^-1)·0.5^(2.0014/3)) = min(0.5521, 0.3982) = 0.3982
    #   mairie: min((1-e^-2)·0.5^(3.0007/3), (1-e^-1)·0.5^(6.0014/3)) = min(0.4323, 0.1580) = 0.1580
    assert top.shared_partners == ["garage", "fab", "mairie"]
    # introducer: the catalyser counts double: fab 2 × 0.3982 = 0.7964 > garage 0.5016
    assert top.introducer == "fab" and top.introducer_role == "catalyser_mutual"
    assert top.sectors == ("association", "company")
    assert top.place == ("epci", "242600252")
    assert top.shared_themes == ["mobilité"]
    text = "\n".join(top.reasons)
    assert "3 partenaires en commun : Garage Solidaire Côté Drôme, La Fabrique à Projets et Mairie de Crest" in text
    assert "Thème partagé : mobilité" in text
    assert "Relie deux mondes : Association ↔ Entreprise" in text
    assert "Vélo-École du Diois n'a encore aucun partenaire « Entreprise »" in text
    assert "Même intercommunalité (EPCI 242600252)" in text
    assert "Qui peut les présenter : La Fabrique à Projets (catalyseur), partenaire des deux" in text
    assert top.components["closure"] == pytest.approx(1 - math.exp(-(1 / 7 + 1 / 3 + 1 / 4) / 0.25))


def test_introducer_without_catalyser_preference():
    G = drome()
    top = suggest(G, "velo", as_of=AS_OF, catalyser_factor=1.0)[0]
    assert top.partner == "transp"
    assert top.introducer == "garage" and top.introducer_role == "mutual"  # 0.5016 > 0.3982 > 0.1580
    assert "Qui peut les présenter : Garage Solidaire Côté Drôme, partenaire des deux" in top.reasons


def test_english_reasons():
    G = drome()
    top = suggest(G, "velo", as_of=AS_OF, lang="en")[0]
    text = "\n".join(top.reasons)
    assert "3 partners in common: Garage Solidaire Côté Drôme, La Fabrique à Projets and Mairie de Crest" in text
    assert "Bridges two worlds: Association ↔ Company" in text
    assert "Same intercommunal body (EPCI 242600252)" in text
    assert "Who can introduce them: La Fabrique à Projets (catalyser), a partner of both" in text
    with pytest.raises(ValueError):
        suggest(G, "velo", lang="de")


def test_what_if_equals_networkx_on_graph_with_new_tie():
    G = drome()
    for rec in suggest(G, top=3, as_of=AS_OF):
        H = G.copy()
        H.add_edge(rec.org, rec.partner, weight=1.0)
        c0 = nx.constraint(G, nodes=[rec.org, rec.partner], weight="weight")
        c1 = nx.constraint(H, nodes=[rec.org, rec.partner], weight="weight")
        w = rec.what_if
        assert w["constraint_org_before"] == pytest.approx(c0[rec.org])
        assert w["constraint_org_after"] == pytest.approx(c1[rec.org])
        assert w["constraint_partner_before"] == pytest.approx(c0[rec.partner])
        assert w["constraint_partner_after"] == pytest.approx(c1[rec.partner])
        assert w["bridges_components"] == (not nx.has_path(G, rec.org, rec.partner))
        cross = sum(G.nodes[a]["sector"] != G.nodes[b]["sector"] for a, b in G.edges())
        cross1 = sum(H.nodes[a]["sector"] != H.nodes[b]["sector"] for a, b in H.edges())
        assert w["cross_share_graph_before"] == pytest.approx(cross / G.number_of_edges())
        assert w["cross_share_graph_after"] == pytest.approx(cross1 / H.number_of_edges())
        d = G.degree(rec.org)
        own = sum(G.nodes[x]["sector"] != G.nodes[rec.org]["sector"] for x in G[rec.org])
        assert w["cross_share_org_before"] == pytest.approx(own / d)
        own1 = sum(H.nodes[x]["sector"] != H.nodes[rec.org]["sector"] for x in H[rec.org])
        assert w["cross_share_org_after"] == pytest.approx(own1 / (d + 1))


def test_velo_transp_constraint_drop_by_hand():
    # velo's contacts mairie (2), garage (1), fab (1): p = 1/2, 1/4, 1/4. Adding transp (1) gives 2/5, 1/5, 1/5, 1/5.
    # The networkx value is the reference; the what-if must show velo's constraint changing as networkx says.
    G = drome()
    rec = suggest(G, "velo", as_of=AS_OF)[0]
    H = G.copy()
    H.add_edge("velo", "transp", weight=1.0)
    assert rec.what_if["constraint_org_after"] == pytest.approx(nx.constraint(H, weight="weight")["velo"])
    assert rec.what_if["constraint_org_after"] != pytest.approx(rec.what_if["constraint_org_before"])


def test_bridging_components_and_fallback_introducer():
    G = drome()
    recs = suggest(G, "amap", as_of=AS_OF)
    # amap (association, Val de Drôme) and ccval (local authority, same commune) are complementary; no path joins them
    assert [r.partner for r in recs] == ["ccval"]
    r = recs[0]
    assert r.sources == ("sectors",)
    assert r.shared_partners == []
    assert r.what_if["bridges_components"] is True
    # no mutual partner, no catalyser tied to either, none in their EPCI -> the catalyser of the département
    assert r.introducer == "fab" and r.introducer_role == "catalyser_departement"
    text = "\n".join(r.reasons)
    assert "Relierait deux parties du réseau jusque-là déconnectées" in text
    assert "Même commune (26220)" in text
    assert "La Fabrique à Projets (catalyseur du département)" in text
    # a catalyser tied to one side comes first
    G.add_edge("fab", "ccval", weight=1.0, start="2024-01-01")
    r = suggest(G, "amap", as_of=AS_OF)[0]
    assert r.introducer == "fab" and r.introducer_role == "catalyser_tied"
    assert ("Qui peut les présenter : La Fabrique à Projets (catalyseur), partenaire de Communauté de communes du "
            "Val de Drôme") in r.reasons


def test_between_territory_theme_exclude():
    G = drome()
    res = suggest(G, between=("association", "company"), as_of=AS_OF)
    assert res
    for r in res:
        assert {G.nodes[r.org]["sector"], G.nodes[r.partner]["sector"]} == {"association", "company"}
    assert ("velo", "transp") in {r.pair for r in res}
    res = suggest(G, territory=("epci", "200040624"))
    # Val de Drôme: amap (association) and ferme (company) are tied; both complement the local authority ccval
    assert {frozenset(r.pair) for r in res} == {frozenset(("amap", "ccval")), frozenset(("ferme", "ccval"))}
    assert all(G.nodes[r.org]["commune"] == "26220" for r in suggest(G, territory="26220"))
    assert suggest(G, theme="SDG11") == []  # mairie, transp and fab all know each other already
    res = suggest(G, theme="mobilité", as_of=AS_OF)
    assert {frozenset(r.pair) for r in res} == {frozenset(("velo", "transp")), frozenset(("garage", "mairie"))}
    res = suggest(G, "velo", exclude=[("transp", "velo")])
    assert "transp" not in [r.partner for r in res]


def test_all_organisations_ranked_lists():
    G = drome()
    res = suggest(G, top=2, as_of=AS_OF)
    per = {}
    for r in res:
        per.setdefault(r.org, []).append(r)
    assert set(per) <= set(G)
    for org, recs in per.items():
        assert [r.rank for r in recs] == list(range(1, len(recs) + 1))
        assert len(recs) <= 2
        assert all(a.score >= b.score for a, b in zip(recs, recs[1:]))
        assert all(not G.has_edge(org, r.partner) for r in recs)
    # each organisation's list equals its own single-organisation query
    one = suggest(G, "velo", top=2, as_of=AS_OF)
    assert [(r.partner, r.score) for r in one] == [(r.partner, r.score) for r in per["velo"]]
    d = res[0].as_dict()
    assert d["pair"] == (res[0].org, res[0].partner) and isinstance(d["reasons"], list)


def test_index_reuse_communities_and_directed():
    G = drome()
    communities = [{"mairie", "velo", "garage", "ccas", "epicerie", "banque", "ccval"},
                   {"transp", "fab", "lycee"}, {"ferme", "amap"}]
    idx = SuggestionIndex(G, communities=communities)
    top = idx.suggest("velo", as_of=AS_OF)[0]
    assert top.partner == "transp" and top.what_if["bridges_communities"] is True
    # Louvain computed by the index: the flag agrees with the index's own labels
    idx2 = SuggestionIndex(G).warm()
    assert idx2._communities is not None and idx2._burt is not None and idx2.__dict__.get("_candidate_cache")
    lab = idx2.communities()
    r = idx2.suggest("velo", as_of=AS_OF)[0]
    assert r.what_if["bridges_communities"] == (lab[idx2.pos["velo"]] != lab[idx2.pos["transp"]])
    # a directed view with both arcs per tie gives the same suggestions
    D = nx.DiGraph(G)
    a = [(r.pair, round(r.score, 12)) for r in suggest(G, top=3, as_of=AS_OF, what_if=False)]
    b = [(r.pair, round(r.score, 12)) for r in suggest(D, top=3, as_of=AS_OF, what_if=False)]
    assert a == b


def test_unknown_org():
    with pytest.raises(nx.NodeNotFound):
        suggest(drome(), "nobody")


def test_iter_suggest_streams_the_same_suggestions_with_lazy_reasons():
    from queries.suggestions import iter_suggest

    G = drome()
    listed = suggest(G, top=3, as_of=AS_OF)
    it = iter_suggest(G, top=3, as_of=AS_OF)
    assert not isinstance(it, list)
    streamed = list(it)
    assert [r.as_dict() for r in streamed] == [r.as_dict() for r in listed]
    # the reasons are written on first access only, then kept
    rec = iter_suggest(G, "velo", as_of=AS_OF).__next__()
    assert rec._reasons is None
    first = rec.reasons
    assert first and rec.reasons is first and rec._why is None
    assert suggest(G, "velo", as_of=AS_OF, explain=False)[0].reasons == []
    with pytest.raises(ValueError):  # arguments are checked when called, not when iterated
        iter_suggest(G, "velo", lang="de")
    with pytest.raises(nx.NodeNotFound):
        iter_suggest(G, "nobody")


def test_communities_left_out_without_igraph_on_large_graphs(monkeypatch):
    import sys

    from queries import suggestions as sg

    monkeypatch.setitem(sys.modules, "igraph", None)  # import igraph -> ImportError
    monkeypatch.setattr(sg, "NX_LOUVAIN_MAX_TIES", 5)
    idx = SuggestionIndex(drome())
    assert idx.communities() is None
    r = idx.suggest("velo", as_of=AS_OF)[0]
    assert "bridges_communities" not in r.what_if and "constraint_org_after" in r.what_if
    monkeypatch.setattr(sg, "NX_LOUVAIN_MAX_TIES", 1000)  # small graph: networkx's Louvain
    idx = SuggestionIndex(drome())
    assert idx.communities() is not None
    assert "bridges_communities" in idx.suggest("velo", as_of=AS_OF)[0].what_if

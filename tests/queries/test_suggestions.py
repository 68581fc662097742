"""Tests of queries.suggestions on a hand-built territory (12 organisations of the Drôme, one catalyser):
the explanation names the right shared partners, introducer, sectors and place; the what-if gain equals networkx
recomputed on the graph with the new tie; filters, languages, the all-organisations list."""

import math

import networkx as nx
import pytest

from catalyse.queries.link_prediction import AllianceWeights
from catalyse.queries.suggestions import SuggestionIndex, pair_list, suggest

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
        ("velo", "mairie", 2, "2022-01-01"),
        ("velo", "garage", 1, "2024-01-01"),
        ("velo", "fab", 1, "2024-06-01"),
        ("transp", "mairie", 1, "2019-01-01"),
        ("transp", "garage", 3, "2024-01-01"),
        ("transp", "fab", 1, "2023-01-01"),
        ("mairie", "ccas", 2, "2018-03-01"),
        ("mairie", "fab", 1, "2020-09-01"),
        ("mairie", "lycee", 1, None),
        ("garage", "ccas", 1, "2022-05-01"),
        ("epicerie", "ccas", 1, "2023-02-01"),
        ("lycee", "fab", 1, "2021-01-01"),
        ("banque", "mairie", 1, "2017-01-01"),
        ("ferme", "amap", 2, "2021-04-01"),
        ("ccval", "mairie", 1, "2020-01-01"),
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
    assert "Même commune (Nyons, 26220)" in text  # 26220 is Nyons in the official geographic code
    assert "La Fabrique à Projets (catalyseur du département)" in text
    # a catalyser tied to one side comes first
    G.add_edge("fab", "ccval", weight=1.0, start="2024-01-01")
    r = suggest(G, "amap", as_of=AS_OF)[0]
    assert r.introducer == "fab" and r.introducer_role == "catalyser_tied"
    assert (
        "Qui peut les présenter : La Fabrique à Projets (catalyseur), partenaire de Communauté de communes du "
        "Val de Drôme"
    ) in r.reasons


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
    communities = [
        {"mairie", "velo", "garage", "ccas", "epicerie", "banque", "ccval"},
        {"transp", "fab", "lycee"},
        {"ferme", "amap"},
    ]
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
    from catalyse.queries.suggestions import iter_suggest

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


def test_communities_left_out_on_large_graphs_without_a_partition(monkeypatch):
    from catalyse.queries import suggestions as sg

    monkeypatch.setattr(sg, "NX_LOUVAIN_MAX_TIES", 5)
    idx = SuggestionIndex(drome())
    assert idx.communities() is None
    r = idx.suggest("velo", as_of=AS_OF)[0]
    assert "bridges_communities" not in r.what_if and "constraint_org_after" in r.what_if
    monkeypatch.setattr(sg, "NX_LOUVAIN_MAX_TIES", 1000)  # small graph: the partition of structure.communities
    G = drome()
    idx = SuggestionIndex(G)
    assert idx.communities() is not None
    assert "bridges_communities" in idx.suggest("velo", as_of=AS_OF)[0].what_if
    # a partition given as {node: label} is used as it is (here: everyone in one community but 'velo')
    one = {n: 0 for n in G}
    one["velo"] = 1
    idx = SuggestionIndex(G, communities=one)
    r = idx.suggest("velo", as_of=AS_OF)[0]
    assert r.what_if["bridges_communities"] is True


# -- the diversity rule (max_per_partner) ---------------------------------------------------------------------------


def hubs():
    """Associations a, b, c and companies H, M, L, two steps apart through the institutions p, q, r, t.

    Partners: a 3 (p, q, r), b 2 (p, q), c 1 (r); H 4 (p, q, r, t), M 3 (p, q, t), L 2 (r, t).
    """
    G = nx.Graph()
    for x in "abc":
        G.add_node(x, sector="association")
    for x in "HML":
        G.add_node(x, sector="company")
    for x in "pqrt":
        G.add_node(x, sector="institution")
    G.add_edges_from(
        [
            ("a", "p"),
            ("a", "q"),
            ("a", "r"),
            ("b", "p"),
            ("b", "q"),
            ("c", "r"),
            ("H", "p"),
            ("H", "q"),
            ("H", "r"),
            ("H", "t"),
            ("M", "p"),
            ("M", "q"),
            ("M", "t"),
            ("L", "r"),
            ("L", "t"),
        ]
    )
    return G


# Activity alone: the score 1 - exp(-sqrt(k_u k_v) / mean degree) increases with the product of the numbers of
# partners, so the order can be read off by hand. The association–company pairs two steps apart and their products:
#   a–H 3·4 = 12, a–M 3·3 = 9, b–H 2·4 = 8, a–L 3·2 = 6, b–M 2·3 = 6, c–H 1·4 = 4, c–L 1·2 = 2
# (b–L and c–M share no partner: not candidates).
ACTIVITY = AllianceWeights(closure=0, activity=1, themes=0, geography=0, bridging=0, alliances=0, ties=0)
HUBS = dict(top=2, between=("association", "company"), sources=("two_step",), what_if=False, weights=ACTIVITY)


def lists(res):
    return {x: [s.partner for s in res if s.org == x] for x in "abcHML"}


def test_max_per_partner_lists_by_hand():
    G = hubs()
    # by score, each organisation's two best: H heads every association's list, a every company's
    plain = suggest(G, **HUBS)
    assert lists(plain) == {
        "a": ["H", "M"],
        "b": ["H", "M"],
        "c": ["H", "L"],
        "H": ["a", "b"],
        "M": ["a", "b"],
        "L": ["a", "c"],
    }
    assert suggest(G, **HUBS, max_per_partner=None) == plain
    # cap 1, pairs taken best first (equal scores: the organisation first in node order, a b c H M L):
    #   12 a–H kept (H used), H–a kept (a used); 9 a–M kept (M used; a's list is full), M–a: a used, skipped;
    #    8 b–H: H used, skipped; H–b kept (b used; H full); 6 b–M: M used, skipped (b has nothing left);
    #      M–b: b used, skipped (M has nothing left); L–a: a used, skipped (a–L: a is full);
    #    4 c–H: H used, skipped; 2 c–L kept, L–c kept.
    res = suggest(G, **HUBS, max_per_partner=1)
    assert lists(res) == {"a": ["H", "M"], "b": [], "c": ["L"], "H": ["a", "b"], "M": [], "L": ["c"]}
    got = {s.pair: (s.rank, s.score_rank, s.skipped_partners) for s in res}
    assert got == {
        ("a", "H"): (1, 1, []),
        ("a", "M"): (2, 2, []),
        ("c", "L"): (1, 2, ["H"]),
        ("H", "a"): (1, 1, []),
        ("H", "b"): (2, 2, []),
        ("L", "c"): (1, 2, ["a"]),
    }
    # cap 2: a and b both get H and M (H, M used twice), c–H is then skipped (H used twice) and c gets L;
    # L–a is skipped (a is in H's and M's lists), L gets c
    res = suggest(G, **HUBS, max_per_partner=2)
    assert lists(res) == {"a": ["H", "M"], "b": ["H", "M"], "c": ["L"], "H": ["a", "b"], "M": ["a", "b"], "L": ["c"]}
    # scores are those of the plain run, only the lists change
    scores = {s.pair: s.score for s in plain}
    assert all(s.score == scores[s.pair] for s in res)
    # a cap no partner reaches changes nothing (the rank by score is the rank)
    big = suggest(G, **HUBS, max_per_partner=3)
    assert [(s.pair, s.rank, s.score) for s in big] == [(s.pair, s.rank, s.score) for s in plain]
    assert all(s.score_rank == s.rank and s.skipped_partners == [] for s in big)


def test_pair_list_each_pair_once_and_capped_on_both_sides():
    """The territory's list from the plain lists of `hubs` (scores ∝ product of partner counts, by hand):
    {a,H} 12, {a,M} 9, {b,H} 8, {b,M} 6 and {a,L} 6 (only in L's list, as L→a), {c,H} 4, {c,L} 2; equal scores by
    organisation then partner ('L' sorts before 'b'). Cap 2, best first: a–H, a–M, b–H kept; L–a left out (a in 2
    pairs); b–M kept; c–H left out (H in 2); c–L kept."""
    plain = suggest(hubs(), **HUBS)
    assert [s.pair for s in pair_list(plain)] == [
        ("a", "H"),
        ("a", "M"),
        ("b", "H"),
        ("L", "a"),
        ("b", "M"),
        ("c", "H"),
        ("c", "L"),
    ]
    assert [s.pair for s in pair_list(plain, max_per_org=2)] == [
        ("a", "H"),
        ("a", "M"),
        ("b", "H"),
        ("b", "M"),
        ("c", "L"),
    ]
    assert [s.pair for s in pair_list(plain, max_per_org=2, limit=3)] == [("a", "H"), ("a", "M"), ("b", "H")]


def test_max_per_partner_reasons_say_what_was_set_aside():
    G = hubs()
    for n, name in (("H", "Hub"), ("a", "Asso A")):
        G.nodes[n]["name"] = name
    kw = dict(HUBS, what_if=True, max_per_partner=1)
    c = next(s for s in suggest(G, **kw) if s.org == "c")
    assert c.reasons[-1] == (
        "Règle de diversité : 1 partenaire mieux noté écarté, déjà proposé 1 fois ailleurs (Hub) ; rang au score 2"
    )
    c = next(s for s in suggest(G, **dict(kw, max_per_partner=2), lang="en") if s.org == "c")
    assert c.reasons[-1] == (
        "Diversity rule: 1 better-scored partner set aside, already suggested 2 times elsewhere (Hub); score rank 2"
    )
    d = c.as_dict()
    assert d["rank"] == 1 and d["score_rank"] == 2 and d["skipped_partners"] == ["H"]
    # a suggestion the rule did not move claims nothing, and the default dict has no new key
    a = next(s for s in suggest(G, **kw) if s.org == "a")
    assert not any("diversit" in r.lower() for r in a.reasons)
    assert "score_rank" not in suggest(G, **HUBS)[0].as_dict()
    # two partners set aside (French plural): a company W tied to q only gives b a third candidate, b–W 2·1 = 2;
    # with cap 1, H and M are taken before it (above), so b gets W at rank 1, third by score
    G.add_node("W", sector="company")
    G.add_edge("W", "q")
    b = [s for s in suggest(G, **kw) if s.org == "b"]
    assert [(s.partner, s.rank, s.score_rank, s.skipped_partners) for s in b] == [("W", 1, 3, ["H", "M"])]
    assert b[0].reasons[-1] == (
        "Règle de diversité : 2 partenaires mieux notés écartés, déjà proposés 1 fois "
        "ailleurs (Hub et M) ; rang au score 3"
    )


def test_max_per_partner_rule_holds_on_the_drome_territory():
    G = drome()
    full = suggest(G, top=100, as_of=AS_OF, what_if=False)  # every candidate of every organisation, by score
    score = {s.pair: s.score for s in full}
    order = {}
    for s in full:
        order.setdefault(s.org, []).append(s.partner)
    for k in (1, 2, 3):
        res = suggest(G, top=2, as_of=AS_OF, what_if=False, max_per_partner=k)
        count = {}
        for s in res:
            count[s.partner] = count.get(s.partner, 0) + 1
        assert max(count.values()) <= k
        assert k > 1 or any(s.skipped_partners for s in res)  # the cap does move suggestions here
        by_org = {}
        for s in res:
            by_org.setdefault(s.org, []).append(s)
        for org, recs in by_org.items():
            assert [s.rank for s in recs] == list(range(1, len(recs) + 1))
            for s in recs:
                # what lies above it in its list by score is either kept above it or set aside because that
                # partner reached the cap; its rank by score alone counts both (equal scores, e.g. ccval's ferme
                # and amap, may come in either order)
                kept = [x.partner for x in recs[: s.rank - 1]]
                above = set(kept) | set(s.skipped_partners)
                assert s.score_rank == len(kept) + len(s.skipped_partners) + 1
                assert {p for p in order[org] if score[org, p] > s.score} <= above
                assert all(score[org, p] >= s.score for p in above) and s.partner not in above
                assert score[org, order[org][s.score_rank - 1]] == s.score
                assert all(count[p] == k for p in s.skipped_partners)
                assert [x.score for x in recs] == sorted((x.score for x in recs), reverse=True)
    # streamed and listed agree
    from catalyse.queries.suggestions import iter_suggest

    a = [r.as_dict() for r in suggest(G, top=2, as_of=AS_OF, max_per_partner=1)]
    b = [r.as_dict() for r in iter_suggest(G, top=2, as_of=AS_OF, max_per_partner=1)]
    assert a == b
    # one organisation: a partner appears once in a list anyway, nothing changes
    one = suggest(G, "velo", as_of=AS_OF, max_per_partner=1)
    assert [(s.partner, s.rank, s.score) for s in one] == [
        (s.partner, s.rank, s.score) for s in suggest(G, "velo", as_of=AS_OF)
    ]
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError):
            suggest(G, max_per_partner=bad)


def test_max_per_partner_spreads_the_demo_territory_suggestions():
    """Every organisation's top 5 on the demo territory (`catalyse demo`), as `catalyse suggest --all` computes it
    (introductions excluded, co-membership). Expected values follow from the rule, not from a run: with a cap of k
    no partner is suggested more than k times, so the 10 most-suggested hold at most 10·k suggestions; a cap at
    least the highest count without the rule never skips anyone, so it gives the default lists exactly."""
    from collections import Counter

    from catalyse.graphcore.demo import generate_territory
    from catalyse.graphcore.projection import comembership_graph, tie_graph

    data = generate_territory(300)
    G = tie_graph(data)
    kw = dict(
        top=5,
        exclude={(i.a, i.b) for i in data.introductions},
        comembership=comembership_graph(data),
        what_if=False,
        explain=False,
        index=SuggestionIndex(G, comembership=comembership_graph(data)),
    )
    lists = lambda res: [(s.org, s.partner, s.rank) for s in res]  # noqa: E731

    base = suggest(G, **kw)
    count = Counter(s.partner for s in base)
    highest = max(count.values())
    assert highest > 10  # the hubs the rule is for
    for k in (5, 10):
        capped = Counter(s.partner for s in suggest(G, **kw, max_per_partner=k))
        assert max(capped.values()) == k  # reached (some partner had more), never passed
        assert sum(c for _, c in capped.most_common(10)) <= 10 * k < sum(c for _, c in count.most_common(10))
    assert lists(suggest(G, **kw, max_per_partner=highest)) == lists(base)
    assert lists(suggest(G, **kw, max_per_partner=highest - 1)) != lists(base)

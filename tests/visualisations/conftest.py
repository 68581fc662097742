"""Fixtures of the view tests: small graphs following docs/graphs.md (accents, hostile names) and an offline
headless Chromium (skipped, with the reason, when Chromium or playwright is absent)."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from catalyse.visualisations.browser import OfflineChromium

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror="window.__pwned=1;alert(2)">'
XSS_CLOSE = "Fondation l'Élan </script><script>window.__pwned2=1</script>"


def make_ties() -> nx.Graph:
    G = nx.Graph(kind="ties", as_of=None, directed=False)
    orgs = [
        (
            "mairie-crest",
            "Mairie de Crest",
            "local_authority",
            {"commune": "26108", "departement": "26", "lat": 44.728, "lon": 5.022},
        ),
        ("asso-xss", XSS_SCRIPT, "association", {"commune": "26108", "departement": "26", "lat": 44.70, "lon": 5.05}),
        ("sarl-img", XSS_IMG, "company", {"commune": "26362", "departement": "26", "lat": 44.93, "lon": 4.89}),
        (
            "scop-energie",
            "Société coopérative « Énergie » d'Ardèche",
            "social_economy",
            {"departement": "07", "lat": 44.73, "lon": 4.60},
        ),
        ("uga", "Université Grenoble Alpes", "academic", {"commune": "38185", "departement": "38"}),
        ("fondation-elan", XSS_CLOSE, "foundation", {"commune": "26362", "departement": "26"}),
        (
            "tiers-lieu",
            "Tiers-lieu « La Cordée »",
            "association",
            {"commune": "26108", "departement": "26", "lat": 44.75, "lon": 5.0},
        ),
        ("dreal", "DREAL Auvergne-Rhône-Alpes", "state_service", {"departement": "69", "lat": 45.76, "lon": 4.83}),
    ]
    for key, name, sector, extra in orgs:
        G.add_node(
            key,
            name=name,
            sector=sector,
            catalyser=key == "tiers-lieu",
            themes=("SDG11", "mobilité") if sector in ("association", "local_authority") else ("SDG7",),
            tags=(),
            **extra,
        )
    G.nodes["tiers-lieu"]["metiers"] = ("dialogue", "third_place")
    G.add_edge("mairie-crest", "asso-xss", weight=2.0, types=("funding", "partnership"), ties=2, start="2019-01-01")
    G.add_edge("mairie-crest", "sarl-img", weight=1.0, types=("exchange",), ties=1)
    G.add_edge("asso-xss", "scop-energie", weight=1.0, types=("membership",), ties=1)
    G.add_edge("scop-energie", "uga", weight=1.0, types=("co_project",), ties=1, start="2021-05-03")
    G.add_edge("tiers-lieu", "mairie-crest", weight=1.0, types=("partnership",), ties=1)
    G.add_edge("tiers-lieu", "scop-energie", weight=1.0, types=("introduced",), ties=1)
    G.add_edge("dreal", "mairie-crest", weight=1.0, types=("funding",), ties=1)
    return G


def make_alliances(G: nx.Graph) -> nx.Graph:
    B = nx.Graph(kind="alliances")
    for n, d in G.nodes(data=True):
        B.add_node(n, **d, kind="organisation", bipartite=0)
    B.add_node(
        "alliance:mob",
        kind="alliance",
        bipartite=1,
        name="Mobilités solidaires <b>Drôme</b>",
        themes=("SDG11",),
        status="active",
        start="2020-01-01",
        commune="26108",
    )
    B.add_node(
        "alliance:nrj", kind="alliance", bipartite=1, name="Énergie citoyenne", themes=("SDG7",), status="emerging"
    )
    B.add_edge("mairie-crest", "alliance:mob", role="lead")
    B.add_edge("asso-xss", "alliance:mob", role="partner")
    B.add_edge("tiers-lieu", "alliance:mob", role="catalyser")
    B.add_edge("scop-energie", "alliance:nrj", role="lead")
    B.add_edge("dreal", "alliance:nrj", role="funder")
    B.add_edge("uga", "alliance:nrj", role="partner")
    return B


SUGGESTIONS = [
    {
        "a": "mairie-crest",
        "b": "uga",
        "score": 0.82,
        "reasons": ["Thème commun : ODD 11", XSS_SCRIPT],
        "introducer": "scop-energie",
    },
    {"a": "fondation-elan", "b": "mairie-crest", "score": 0.5, "reasons": ["Même commune"], "introducer": None},
    {"a": "uga", "b": "dreal", "score": 0.9, "reasons": ["not about mairie-crest"], "introducer": None},
]

INTRODUCTIONS = [
    {
        "catalyser": "tiers-lieu",
        "a": "asso-xss",
        "b": "scop-energie",
        "date": dt.date(2023, 3, 2),
        "note": "Réunion au tiers-lieu " + XSS_IMG,
        "outcome": "alliance_formed",
    },
    {
        "catalyser": "tiers-lieu",
        "a": "mairie-crest",
        "b": "uga",
        "date": dt.date(2024, 1, 15),
        "note": None,
        "outcome": "met",
    },
    {
        "catalyser": "tiers-lieu",
        "a": "dreal",
        "b": "fondation-elan",
        "date": "2024-06-01",
        "note": "",
        "outcome": "pending",
    },
    {
        "catalyser": "tiers-lieu",
        "a": "sarl-img",
        "b": "uga",
        "date": "2024-09-01",
        "note": "pas le moment",
        "outcome": "declined",
    },
    {"catalyser": "mairie-crest", "a": "uga", "b": "dreal", "date": "2024-09-01", "note": "", "outcome": "met"},
]


@pytest.fixture
def ties():
    return make_ties()


@pytest.fixture
def alliances(ties):
    return make_alliances(ties)


@pytest.fixture(scope="session")
def chromium(playwright_sync):
    with OfflineChromium(playwright=playwright_sync) as browser:
        yield browser


@pytest.fixture
def open_html(chromium, tmp_path):
    """Write an HTML string to a file and open it offline; asserts nothing left the page afterwards."""
    visits = []

    def _open(text: str, name: str = "view.html", wait: bool = True):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        visit = chromium.open(path, wait=wait)
        visits.append(visit)
        return visit

    yield _open
    for v in visits:
        assert v.foreign_requests == [], f"requests left the page: {v.foreign_requests}"
        assert v.console_errors == [] and v.page_errors == [], (v.console_errors, v.page_errors)
        assert v.dialogs == [], f"a dialog opened: {v.dialogs}"
        v.page.close()


@pytest.fixture
def suggestions():
    return [dict(s) for s in SUGGESTIONS]


@pytest.fixture
def introductions():
    return [dict(i) for i in INTRODUCTIONS]


@pytest.fixture
def xss():
    return {"script": XSS_SCRIPT, "img": XSS_IMG, "close": XSS_CLOSE}

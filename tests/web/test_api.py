"""The JSON API on the demo territory: every route, strict JSON, roles, tokens, CSRF and the Host check.

Expected values come from the dataset the store was written from (`conftest.demo_dataset`, counted here in plain
Python) and from networkx on the projection, never from the web module under test.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from web_helpers import XSS_IMG, XSS_QUOTES, XSS_SCRIPT, client, csrf_of, demo_dataset

from catalyse.graphcore.projection import tie_graph
from catalyse.graphcore.stores import SqliteStore

DATA = demo_dataset()


def strict(text: str):
    """Parse JSON refusing NaN and infinities (which Python's json would otherwise accept)."""

    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def test_healthz(http):
    r = http.get("/healthz")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert strict(r.text) == {"status": "ok", "organisations": len(DATA.organisations)}


def test_orgs_search_matches_names_ignoring_case_and_accents(http):
    r = http.get("/api/orgs", params={"q": "ÉNERGIE", "limit": 1000})
    expected = sorted(o.id for o in DATA.organisations if "energie" in fold(o.name) or "energie" in fold(o.id))
    assert expected, "the demo territory has organisations named after énergie"
    rows = strict(r.text)
    assert [row["id"] for row in rows] == expected
    assert set(rows[0]) == {"id", "name", "sector", "commune", "themes"}
    assert len(strict(http.get("/api/orgs", params={"limit": 5}).text)) == 5
    assert http.get("/api/orgs", params={"limit": "x"}).status_code == 400


def test_org_has_its_ties_and_alliances(http):
    org = DATA.catalysers[0].org
    r = http.get(f"/api/orgs/{org}")
    body = strict(r.text)
    ties = [t for t in DATA.ties if org in (t.source, t.target)]
    alliances = {a.id for a in DATA.alliances if any(m.org == org for m in a.members)}
    assert body["id"] == org and len(body["ties"]) == len(ties)
    assert {a["id"] for a in body["alliances"]} == alliances
    assert sorted(body["catalyser_metiers"]) == sorted(DATA.catalysers[0].metiers)
    assert http.get("/api/orgs/no-such-org").status_code == 404
    assert strict(http.get("/api/orgs/no-such-org").text)["error"]["code"] == "not_found"


def test_suggestions_are_untied_pairs_not_yet_introduced(http):
    org = DATA.catalysers[0].org
    G = tie_graph(DATA)
    introduced = {(i.a, i.b) for i in DATA.introductions}
    rows = strict(http.get(f"/api/orgs/{org}/suggestions", params={"top": 4}).text)
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    assert all(r["org"] == org for r in rows)
    for r in rows:
        assert not G.has_edge(org, r["partner"]), "a suggestion is never an existing tie"
        assert tuple(sorted((org, r["partner"]))) not in introduced
        assert r["reasons"] and isinstance(r["what_if"], dict)
        assert len(r["reason_codes"]) == len(r["reasons"]) and all("code" in c for c in r["reason_codes"])
        assert set(r) >= {"score", "introducer", "shared_partners", "shared_themes", "sectors"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert http.get("/api/orgs/nope/suggestions").status_code == 404
    assert http.get(f"/api/orgs/{org}/suggestions", params={"top": 0}).status_code == 400


def test_catalysers_and_introductions(http):
    cats = strict(http.get("/api/catalysers").text)
    assert [c["org"] for c in cats] == sorted(c.org for c in DATA.catalysers)
    intros = strict(http.get("/api/introductions").text)
    assert len(intros) == len(DATA.introductions)
    assert [(i["date"], i["id"]) for i in intros] == sorted(
        ((i.date.isoformat(), i.id) for i in DATA.introductions), reverse=True
    )
    cat = DATA.catalysers[0].org
    mine = strict(http.get("/api/introductions", params={"catalyser": cat}).text)
    assert len(mine) == sum(i.catalyser == cat for i in DATA.introductions) and mine
    met = strict(http.get("/api/introductions", params={"outcome": "met"}).text)
    assert len(met) == sum(i.outcome == "met" for i in DATA.introductions)
    assert http.get("/api/introductions", params={"outcome": "bof"}).status_code == 400


def test_hostile_names_travel_as_exact_json_strings(http):
    rows = strict(http.get("/api/orgs", params={"q": "alert"}).text)
    assert [r["name"] for r in rows] == [XSS_SCRIPT]
    assert strict(http.get("/api/orgs/sarl-img").text)["name"] == XSS_IMG
    assert strict(http.get("/api/orgs/atelier-quotes").text)["name"] == XSS_QUOTES
    r = http.get("/api/orgs/asso-xss")
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_the_routes(http):
    schema = strict(http.get("/api/openapi.json").text)
    assert {"/api/orgs", "/api/orgs/{org}/suggestions", "/api/introductions"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/introductions"]


def _pair(data):
    """Two organisations neither tied nor introduced, and a catalyser."""
    G = tie_graph(data)
    introduced = {(i.a, i.b) for i in data.introductions}
    ids = sorted(G)
    for a in ids:
        for b in ids:
            if a < b and not G.has_edge(a, b) and (a, b) not in introduced:
                return a, b, data.catalysers[0].org
    raise AssertionError("no free pair")


def test_local_user_writes_without_login_on_loopback(web, db):
    app, _, accounts = web
    a, b, cat = _pair(DATA)
    with client(app) as c:  # no cookie: a JSON write of the local user
        r = c.post("/api/introductions", json={"a": a, "b": b, "catalyser": cat, "note": "café"})
    assert r.status_code == 201, r.text
    body = strict(r.text)
    assert body["new"] is True and body["outcome"] == "pending"
    with SqliteStore(db) as store:
        held = [i for i in store.introductions() if i.id == body["id"]]
    assert held and (held[0].a, held[0].b, held[0].catalyser, held[0].note) == (a, b, cat, "café")
    assert accounts.audit()[0]["user"] == "local" and accounts.audit()[0]["action"] == "introduce"


def test_accounts_exist_anonymous_is_refused_viewer_forbidden_catalyser_writes(web, db):
    app, data, accounts = web
    accounts.add("vera", "viewer", "viewer-password")
    accounts.add("cato", "catalyser", "catalyser-password")
    viewer, catalyser = accounts.new_token("vera"), accounts.new_token("cato")
    a, b, cat = _pair(DATA)
    body = {"a": a, "b": b, "catalyser": cat, "date": "2025-01-10"}
    with client(app) as c:
        assert c.get("/api/orgs").status_code == 401
        r = c.post("/api/introductions", json=body)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/orgs", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
        ok = c.get("/api/orgs", headers={"Authorization": f"Bearer {viewer}"})
        assert ok.status_code == 200
        r = c.post("/api/introductions", json=body, headers={"Authorization": f"Bearer {viewer}"})
        assert r.status_code == 403
        with SqliteStore(db) as store:
            assert len(store.introductions()) == len(DATA.introductions)
        r = c.post("/api/introductions", json=body, headers={"Authorization": f"Bearer {catalyser}"})
        assert r.status_code == 201, r.text
        iid = strict(r.text)["id"]
        with SqliteStore(db) as store:
            assert iid in {i.id for i in store.introductions()}
        assert any(x["id"] == iid for x in data.introductions()), "the graph in memory was refreshed"
        # the outcome: a meeting adds an 'introduced' tie
        r = c.post(
            f"/api/introductions/{iid}/outcome",
            json={"outcome": "met", "date": "2025-06-01"},
            headers={"Authorization": f"Bearer {catalyser}"},
        )
        assert r.status_code == 200 and strict(r.text)["tie_added"] is True
        with SqliteStore(db) as store:
            assert [i.outcome for i in store.introductions() if i.id == iid] == ["met"]
            ties = [t for t in store.ties(org=a, type="introduced") if {t.source, t.target} == {a, b}]
        assert len(ties) == 1 and ties[0].start.isoformat() == "2025-06-01"  # the meeting's date, after 01-10
        again = c.post(
            f"/api/introductions/{iid}/outcome",
            json={"outcome": "alliance_formed"},
            headers={"Authorization": f"Bearer {catalyser}"},
        )
        assert strict(again.text)["tie_added"] is False  # one 'introduced' tie, not two
    log = accounts.audit()
    assert [(x["user"], x["action"]) for x in log[:3]] == [
        ("cato", "outcome"),
        ("cato", "outcome"),
        ("cato", "introduce"),
    ]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"a": "nope", "b": "asso-xss", "catalyser": "asso-xss"}, "a"),
        ({"a": "asso-xss", "b": "asso-xss", "catalyser": "sarl-img"}, "b"),
        ({"a": "asso-xss", "b": "sarl-img"}, "catalyser"),
        ({"a": "asso-xss", "b": "sarl-img", "catalyser": "asso-xss", "date": "2024-13-01"}, "date"),
    ],
)
def test_bad_introduction_is_refused_naming_the_field_and_nothing_is_written(web, db, body, field):
    with client(web[0]) as c:
        r = c.post("/api/introductions", json=body)
    assert r.status_code == 400 and strict(r.text)["error"]["field"] == field
    with SqliteStore(db) as store:
        assert len(store.introductions()) == len(DATA.introductions)


def test_outcome_errors(http):
    iid = DATA.introductions[0].id
    assert http.post("/api/introductions/I000/outcome", json={"outcome": "met"}).status_code == 404
    r = http.post(f"/api/introductions/{iid}/outcome", json={"outcome": "maybe"})
    assert r.status_code == 400 and strict(r.text)["error"]["field"] == "outcome"
    assert http.post(f"/api/introductions/{iid}/outcome", content=b"outcome=met").status_code == 415


def test_json_write_with_a_session_cookie_needs_the_csrf_header(http, db):
    a, b, cat = _pair(DATA)
    page = http.get(f"/orgs/{cat}")  # a browser session: the cookie is set
    assert "catalyse_session" in http.cookies
    r = http.post("/api/introductions", json={"a": a, "b": b, "catalyser": cat})
    assert r.status_code == 403 and strict(r.text)["error"]["code"] == "csrf"
    r = http.post(
        "/api/introductions", json={"a": a, "b": b, "catalyser": cat}, headers={"X-CSRF-Token": csrf_of(page.text)}
    )
    assert r.status_code == 201


def test_host_header_is_checked(http):
    assert http.get("/healthz", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert http.get("/healthz", headers={"Host": "localhost:8765"}).status_code == 200
    assert http.get("/healthz", headers={"Host": "evil.example:8765"}).status_code == 400
    assert http.get("/api/orgs", headers={"Host": "rebound.attacker.example"}).status_code == 400
    assert http.get("/healthz", headers={"Host": "127.0.0.1:9999"}).status_code == 400


def test_cross_origin_write_is_refused(http, db):
    a, b, cat = _pair(DATA)
    r = http.post(
        "/api/introductions", json={"a": a, "b": b, "catalyser": cat}, headers={"Origin": "http://evil.example"}
    )
    assert r.status_code == 403
    with SqliteStore(db) as store:
        assert len(store.introductions()) == len(DATA.introductions)


def test_api_json_is_the_cli_json(http, db):
    """The API returns what `catalyse ... --format json` prints for the same store (the suggestions add the
    display names of the partner and the introducer)."""
    from click.testing import CliRunner

    from catalyse.cli import cli

    def cli_json(*args):
        r = CliRunner().invoke(cli, ["--db", str(db), *args, "--format", "json"])
        assert r.exit_code == 0, r.output
        return strict(r.output)

    hub = DATA.catalysers[0].org
    assert strict(http.get("/api/orgs", params={"q": "valence", "limit": 20}).text) == cli_json(
        "orgs", "search", "valence", "--limit", "20"
    )
    assert [strict(http.get(f"/api/orgs/{hub}").text)] == cli_json("orgs", "show", hub)
    assert strict(http.get("/api/introductions").text) == cli_json("introductions")
    api = strict(http.get(f"/api/orgs/{hub}/suggestions", params={"top": 5}).text)
    shown = cli_json("suggest", hub, "--top", "5")
    assert [{k: v for k, v in row.items() if k not in ("partner_name", "introducer_name")} for row in api] == shown

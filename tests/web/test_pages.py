"""The HTML pages: escaping of hostile names, CSRF on forms, login sessions and roles, languages, headers, the
dashboard's figures (checked against networkx on the same data) and the embedded views' own policy."""

from __future__ import annotations

import re

import networkx as nx
from markupsafe import escape
from web_helpers import XSS_IMG, XSS_QUOTES, XSS_SCRIPT, client, csrf_of, demo_dataset

from catalyse.graphcore.projection import tie_graph
from catalyse.graphcore.stores import SqliteStore

DATA = demo_dataset()
HOSTILE = (XSS_SCRIPT, XSS_IMG, XSS_QUOTES)


def assert_escaped(text: str):
    """No hostile string appears raw; each appears escaped (as Jinja2's autoescape writes it)."""
    for raw in HOSTILE:
        assert raw not in text
    assert "<script" not in text.lower(), "the app's pages carry no script at all"
    assert "<img" not in text.lower()


def test_hostile_names_are_escaped_in_every_page(http):
    hub = DATA.catalysers[0].org
    pages = [
        http.get("/search", params={"q": "alert"}),
        http.get("/search", params={"q": "lien"}),
        http.get("/orgs/asso-xss"),
        http.get("/orgs/sarl-img"),
        http.get("/orgs/atelier-quotes"),
        http.get(f"/orgs/{hub}"),
        http.get("/introductions"),
        http.get("/activity"),
        http.get("/search", params={"q": XSS_SCRIPT}),  # the query itself is echoed in the search box
    ]
    for r in pages:
        assert r.status_code == 200, r.url
        assert_escaped(r.text)
    assert str(escape(XSS_SCRIPT)) in pages[0].text
    assert str(escape(XSS_IMG)) in pages[3].text  # its own page: the title, quotes escaped too
    assert str(escape(XSS_QUOTES)) in pages[4].text
    assert str(escape(XSS_IMG)) in pages[6].text  # the note of the hostile introduction


def test_org_page_shows_ties_alliances_and_suggestions_with_introduce_forms(http):
    hub = DATA.catalysers[0].org
    text = http.get(f"/orgs/{hub}").text
    n_ties = sum(hub in (t.source, t.target) for t in DATA.ties)
    assert f"Liens ({n_ties})" in text
    n_all = sum(any(m.org == hub for m in a.members) for a in DATA.alliances)
    assert f"Alliances ({n_all})" in text
    assert text.count('class="introduce"') == len(re.findall(r'<li class="suggestion"', text)) > 0
    assert 'name="csrf"' in text


def test_form_post_without_csrf_is_refused_and_writes_nothing(http, db):
    hub = DATA.catalysers[0].org
    page = http.get(f"/orgs/{hub}")
    partner = re.search(r'name="b" value="([^"]+)"', page.text).group(1)
    form = {"a": hub, "b": partner, "catalyser": hub}
    r = http.post("/introductions", data=form)
    assert r.status_code == 403 and "expiré" in r.text
    r = http.post("/introductions", data={**form, "csrf": "forged"})
    assert r.status_code == 403
    with SqliteStore(db) as store:
        assert len(store.introductions()) == len(DATA.introductions)
    # the same form with the page's token: recorded, then the outcome in one more click
    r = http.post("/introductions", data={**form, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    target = r.headers["location"]
    page = http.get(target)
    assert "Mise en relation enregistrée" in page.text
    iid = re.search(r"/introductions/(I[0-9a-f]+)", target).group(1)
    r = http.post(f"/introductions/{iid}/outcome", data={"outcome": "alliance_formed", "csrf": csrf_of(page.text)})
    assert r.status_code == 200 and "Suite enregistrée" in r.text
    with SqliteStore(db) as store:
        assert [i.outcome for i in store.introductions() if i.id == iid] == ["alliance_formed"]
        assert any({t.source, t.target} == {hub, partner} for t in store.ties(org=hub, type="introduced"))
    r = http.post(f"/introductions/{iid}/outcome", data={"outcome": "met"})  # no token
    assert r.status_code == 403


def test_login_sessions_and_roles(web, db):
    app, _, accounts = web
    accounts.add("vera", "viewer", "viewer-password")
    accounts.add("ada", "admin", "admin-password")
    with client(app) as c:
        r = c.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        login = c.get("/login")
        before = c.cookies["catalyse_session"]
        r = c.post("/login", data={"name": "vera", "password": "wrong", "csrf": csrf_of(login.text)})
        assert r.status_code == 400 and "incorrect" in r.text
        r = c.post(
            "/login",
            data={"name": "vera", "password": "viewer-password", "csrf": csrf_of(login.text), "next": "/search"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/search"
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert c.cookies["catalyse_session"] != before, "a new session id at login"
        page = c.get("/orgs/asso-xss")
        assert page.status_code == 200 and "vera (viewer)" in page.text
        assert 'class="introduce"' not in page.text  # a viewer gets no write form
        r = c.post("/introductions", data={"a": "asso-xss", "b": "sarl-img", "catalyser": "asso-xss", "csrf": "x"})
        assert r.status_code == 403
        assert c.get("/admin/audit").status_code == 403
        c.post("/logout", data={"csrf": csrf_of(page.text)})
        assert c.get("/", follow_redirects=False).status_code == 303
        # an admin reads the audit log, where the failed and successful logins are
        login = c.get("/login")
        c.post("/login", data={"name": "ada", "password": "admin-password", "csrf": csrf_of(login.text)})
        audit = c.get("/admin/audit")
        assert audit.status_code == 200
        assert "login.failed" in audit.text and "users.add" in audit.text


def test_redirect_after_login_stays_on_the_site(web):
    app, _, accounts = web
    accounts.add("vera", "viewer", "viewer-password")
    with client(app) as c:
        login = c.get("/login")
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            r = c.post(
                "/login",
                data={"name": "vera", "password": "viewer-password", "csrf": csrf_of(login.text), "next": target},
                follow_redirects=False,
            )
            assert r.headers["location"] == "/"
            login = c.get("/login")


def test_french_by_default_english_on_request(http):
    assert "Le territoire en chiffres" in http.get("/").text
    r = http.get("/", params={"lang": "en"})
    assert "The territory in figures" in r.text and 'lang="en"' in r.text
    assert "The territory in figures" in http.get("/").text, "the language cookie keeps English"
    assert "Le territoire en chiffres" in http.get("/", params={"lang": "fr"}).text


def test_dashboard_figures_match_networkx(http):
    G = tie_graph(DATA)
    text = http.get("/", params={"lang": "en"}).text

    def figure(key):
        return re.search(rf'id="fig-{key}">\s*<span class="value">([^<]*)<', text).group(1)

    assert figure("organisations") == f"{G.number_of_nodes():,}"
    assert figure("ties") == f"{G.number_of_edges():,}"
    assert figure("density") == f"{nx.density(G):.3f}"
    assert figure("isolates") == str(nx.number_of_isolates(G))
    giant = max(len(c) for c in nx.connected_components(G)) / G.number_of_nodes()
    assert figure("giant_share") == f"{giant:.0%}"
    formed = sum(i.outcome == "alliance_formed" for i in DATA.introductions) / len(DATA.introductions)
    assert figure("conversion") == f"{formed:.0%}"
    assert "higher is better" in text and "lower is better" in text


def test_security_headers_on_pages_and_views(http):
    r = http.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    script = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script == "'self'"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    view = http.get("/views/map")
    vcsp = view.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in vcsp and "'sha256-" in vcsp and "'unsafe-eval'" not in vcsp
    assert re.search(r"script-src ([^;]*)", vcsp).group(1).count("'sha256-") == 2  # vis-network and the app
    assert view.headers["x-frame-options"] == "SAMEORIGIN"
    assert 'src="/views/map"' in http.get("/map").text
    assert http.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert http.get("/views/ego/asso-xss").status_code == 200
    assert http.get("/views/ego/nope").status_code == 404


def test_logins_are_throttled_after_repeated_failures(web):
    from catalyse.web.accounts import LOGIN_FAILURES

    app, _, accounts = web
    accounts.add("vera", "viewer", "viewer-password")
    with client(app) as c:
        token = csrf_of(c.get("/login").text)
        for _ in range(LOGIN_FAILURES):
            assert c.post("/login", data={"name": "vera", "password": "guess", "csrf": token}).status_code == 400
        r = c.post("/login", data={"name": "vera", "password": "viewer-password", "csrf": token})
        assert r.status_code == 429 and "Trop d&#39;essais" in r.text
        assert c.get("/", follow_redirects=False).status_code == 303  # still not logged in
    assert accounts.recent_failures("vera") == LOGIN_FAILURES

"""A catalyser's journey in headless Chromium against the real server (`serve` in a subprocess on 127.0.0.1):
search → open an organisation → record an introduction from a suggestion → set its outcome; then the map.

Every request that does not go to the loopback server is aborted and recorded; the test fails on any such request,
on any console error (a Content-Security-Policy violation is one) and on any page error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from catalyse.graphcore.stores import SqliteStore
from catalyse.visualisations.browser import CHROMIUM_FLAGS, find_chromium, wait_until

sys.path.insert(0, os.path.dirname(__file__))
from web_helpers import demo_dataset  # noqa: E402

DATA = demo_dataset()


@pytest.fixture
def server(db):
    from server import free_port  # tools/neo4j/server.py, on sys.path through tests/conftest.py

    port = free_port()
    code = "import sys; from catalyse.web.commands import serve; serve(sys.argv[1:])"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "CATALYSE_LANG": "fr"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read() if proc.poll() is not None else ""
                proc.kill()
                raise AssertionError(f"the server did not start: {out}") from None
            time.sleep(0.2)
    yield base, proc, db
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


@pytest.fixture
def browser(playwright_sync):
    profile = tempfile.mkdtemp(prefix="catalyse-web-chromium-")
    context = playwright_sync.chromium.launch_persistent_context(
        profile,
        executable_path=find_chromium(),
        headless=True,
        args=CHROMIUM_FLAGS,
        viewport={"width": 1300, "height": 900},
        service_workers="block",
        accept_downloads=False,
    )
    try:
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def watched_page(browser, base: str):
    """A new page that may only reach the loopback server at `base`: ``(page, foreign requests (aborted),
    console errors, page errors, dialogs)``, the lists filled as the page runs."""
    foreign: list[str] = []
    console: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []

    def route(r):
        if r.request.url.startswith(base + "/"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    browser.route("**/*", route)
    page = browser.new_page()
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page, foreign, console, errors, dialogs


def test_journey_search_org_introduce_outcome_map(server, browser):
    base, proc, db = server
    page, foreign, console, errors, dialogs = watched_page(browser, base)

    page.goto(f"{base}/search", wait_until="load")
    hub = next(o for o in DATA.organisations if o.id == DATA.catalysers[0].org)
    page.fill("#q", hub.name.upper())  # case ignored
    page.click("#search-go")
    page.wait_for_selector("#results a")
    page.click(f"#results a[href='/orgs/{hub.id}']")
    name = hub.name
    page.wait_for_selector("#org-name")
    assert page.inner_text("#org-name") == name
    partner = page.inner_text("#sugg-1 a.partner")
    page.click("#sugg-1 .introduce-button")  # first click: the introduction is recorded
    page.wait_for_selector("#notice")
    assert "Mise en relation enregistrée" in page.inner_text("#notice")
    assert partner in page.inner_text("dl.pairs")
    page.click("#set-met")  # second click: its outcome
    page.wait_for_selector("#notice")
    assert "Suite enregistrée" in page.inner_text("#notice")
    assert page.inner_text("#outcome") == "Rencontre faite"

    with SqliteStore(db) as store:
        intros = [
            i for i in store.introductions() if i.outcome == "met" and i.date.isoformat() == time.strftime("%Y-%m-%d")
        ]
        names = {o.id: o.name for o in store.organisations()}
    assert any({names[i.a], names[i.b]} == {name, partner} for i in intros)

    page.goto(f"{base}/map", wait_until="load")
    frame = page.frame_locator("#view")
    frame.locator("#cv-network").wait_for()
    view = next(f for f in page.frames if f.url.endswith("/views/map"))
    wait_until(view, "window.catalyseReady !== undefined", 60000)
    assert view.evaluate("window.catalyseView.counts().nodes") > 0

    assert foreign == [], f"requests left the loopback server: {foreign}"
    assert console == [] and errors == [], (console, errors)
    assert dialogs == []
    page.close()


def test_journey_import_with_an_error_then_corrected(server, browser, tmp_path):
    # the README's example files, the ties file first with its three mistakes, then the right one
    base, proc, db = server
    root = Path(__file__).resolve().parents[2] / "examples"
    page, foreign, console, errors, _ = watched_page(browser, base)
    with SqliteStore(db) as store:
        before = store.counts()

    page.goto(f"{base}/import", wait_until="load")
    page.set_input_files("input[name=files]", [str(root / "organisations.csv"), str(root / "liens-avec-erreurs.csv")])
    page.click("#import-go")
    page.wait_for_selector("#problems")
    problems = page.inner_text("#problems")
    # the three problems of the file, each with its row and column (as `catalyse import` prints them)
    assert "liens-avec-erreurs.csv: row 2, column 'vers'" in problems
    assert "row 3, column 'type de lien'" in problems and "row 3, column 'date de début'" in problems
    with SqliteStore(db) as store:
        assert store.counts() == before  # all or nothing: not even the valid organisations

    page.goto(f"{base}/import", wait_until="load")
    page.set_input_files("input[name=files]", [str(root / "organisations.csv"), str(root / "liens.csv")])
    page.click("#import-go")
    page.wait_for_selector("#notice")
    assert page.query_selector("#problems") is None
    with SqliteStore(db) as store:
        after = store.counts()
    assert after["organisations"] == before["organisations"] + 4 and after["ties"] == before["ties"] + 3
    assert foreign == [], f"requests left the loopback server: {foreign}"
    assert console == [] and errors == [], (console, errors)
    page.close()


def test_serve_says_the_local_user_works_without_login(server):
    base, proc, _ = server
    with urllib.request.urlopen(f"{base}/api/orgs?limit=1", timeout=5) as r:
        assert r.status == 200
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert f"on {base}/" in out and "No account yet" in out and "without logging in" in out

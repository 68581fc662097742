"""Imports through the web: the README's example files (a French cp1252 ';' spreadsheet and a UTF-8 tie list),
all-or-nothing with every problem located by file, row and column, re-running changes nothing, and the roles."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from web_helpers import client, csrf_of, demo_dataset

from catalyse.graphcore.stores import SqliteStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DATA = demo_dataset()


def _rows(name: str, encoding: str) -> int:
    """Data rows of an example file, read with the csv module (the independent count)."""
    text = (EXAMPLES / name).read_bytes().decode(encoding)
    return sum(1 for _ in csv.DictReader(io.StringIO(text), delimiter=";"))


def _files(*names):
    return [("files", (n, (EXAMPLES / n).read_bytes(), "text/csv")) for n in names]


def test_import_with_a_token_is_all_or_nothing_and_idempotent(web, db):
    app, data, accounts = web
    accounts.add("cato", "catalyser", "catalyser-password")
    accounts.add("vera", "viewer", "viewer-password")
    auth = {"Authorization": f"Bearer {accounts.new_token('cato')}"}
    with client(app) as c:
        assert c.post("/api/import", files=_files("organisations.csv")).status_code == 401
        viewer = {"Authorization": f"Bearer {accounts.new_token('vera')}"}
        assert c.post("/api/import", files=_files("organisations.csv"), headers=viewer).status_code == 403

        r = c.post("/api/import", files=_files("liens-avec-erreurs.csv", "organisations.csv"), headers=auth)
        assert r.status_code == 422
        problems = json.loads(r.text)["error"]["problems"]
        assert len(problems) == 3
        assert problems[0].startswith("liens-avec-erreurs.csv: row 2, column 'vers': unknown organisation")
        assert any("row 3, column 'type de lien'" in p for p in problems)
        assert all("catalyse-upload" not in p for p in problems), "no server path in the messages"
        with SqliteStore(db) as store:
            assert store.counts()["organisations"] == len(DATA.organisations)

        r = c.post("/api/import", files=_files("organisations.csv", "liens.csv"), headers=auth)
        assert r.status_code == 200, r.text
        body = json.loads(r.text)
        n_orgs = _rows("organisations.csv", "cp1252")
        n_ties = _rows("liens.csv", "utf-8")
        assert body["counts"]["organisations"] == n_orgs and body["counts"]["ties"] == n_ties
        rows = {x["entity"]: x for x in body["rows"]}
        assert rows["organisations"]["new"] == n_orgs and rows["ties"]["new"] == n_ties
        with SqliteStore(db) as store:
            assert store.counts()["organisations"] == len(DATA.organisations) + n_orgs
            crest = store.get_organisation("mairie-crest")
        assert crest is not None and crest.name == "Mairie de Crest" and crest.sector == "local_authority"
        assert "mairie-crest" in data.orgs, "the graph in memory was refreshed"
        again = json.loads(c.post("/api/import", files=_files("organisations.csv", "liens.csv"), headers=auth).text)
        assert again["modified"] is False
    assert [x["action"] for x in accounts.audit()[:2]] == ["import", "import"]


def test_import_page_needs_csrf_and_shows_problems(http, db):
    page = http.get("/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    r = http.post("/import", files=_files("organisations.csv"))
    assert r.status_code == 403
    r = http.post("/import", files=_files("liens-avec-erreurs.csv"), data={"csrf": csrf_of(page.text)})
    assert r.status_code == 200 and "rien n&#39;a été importé" in r.text  # the form again, with the problems
    assert "liens-avec-erreurs.csv: row 3, column &#39;date de début&#39;" in r.text
    r = http.post("/import", files=_files("organisations.csv"), data={"csrf": csrf_of(page.text), "dry_run": "1"})
    assert r.status_code == 200 and "rien n&#39;a été écrit" in r.text
    with SqliteStore(db) as store:
        assert store.get_organisation("mairie-crest") is None
    r = http.post("/import", files=_files("organisations.csv"), data={"csrf": csrf_of(page.text)})
    assert r.status_code == 200 and "Import terminé" in r.text
    with SqliteStore(db) as store:
        assert store.get_organisation("mairie-crest") is not None

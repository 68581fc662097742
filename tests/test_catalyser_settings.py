"""`catalyse init --catalyser NAME`: your own structure as the default introducer, and who made an introduction."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest
from click.testing import CliRunner

from catalyse.cli import cli
from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.stores import SqliteStore, StoreError


@pytest.fixture
def env(tmp_path, monkeypatch):
    cfg = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("CATALYSE_CONFIG", str(cfg))
    db = tmp_path / "t.db"
    with SqliteStore(db, create=True) as store:
        store.write(generate_territory(60, seed=4))
    return db, cfg


def run(db, *args, ok=True):
    r = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert (r.exit_code == 0) == ok, r.output
    return r.output


def test_init_catalyser_creates_the_structure_and_makes_it_the_default_introducer(env):
    db, cfg = env
    out = run(db, "init", "--catalyser", "Mairie de Saoû", "--person", "Zoé", "--metier", "Tiers-lieu")
    assert "Mairie de Saoû [mairie-de-saou] created and made a catalyser" in out
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    with SqliteStore(db) as store:
        org = store.get_organisation("mairie-de-saou")
        assert (org.name, org.sector) == ("Mairie de Saoû", "local_authority")  # "Mairie de …" names its sector
        role = {c.org: c.metiers for c in store.catalysers()}["mairie-de-saou"]
        assert role == ("third_place",)  # 'Tiers-lieu' is the French label of the third_place métier
        a, b = [o.id for o in store.organisations()[:2]]
        assert len(store.organisations()) == 61  # nothing else changed: the demo's 60 and the new one
    # introduce without --by: the recorded structure, and the person with it
    out = run(db, "introduce", a, b, "--date", "2026-03-04")
    assert " by mairie-de-saou on 2026-03-04" in out
    (row,) = [r for r in json.loads(run(db, "introductions", "--format", "json")) if r["date"] == "2026-03-04"]
    assert (row["catalyser"], row["person"]) == ("mairie-de-saou", "Zoé")
    # an existing organisation, named by its name, is made a catalyser (not created again)
    with SqliteStore(db) as store:
        other = store.organisations()[5]
    out = run(db, "init", "--catalyser", other.name.upper())
    assert f"[{other.id}] made a catalyser" in out


def test_introduce_without_by_or_settings_says_how(env):
    db, _ = env
    with SqliteStore(db) as store:
        a, b = [o.id for o in store.organisations()[:2]]
    out = run(db, "introduce", a, b, ok=False)
    assert "give --by CATALYSER, or record your own structure once with `catalyse init --catalyser NAME`" in out


def test_an_older_store_is_upgraded_by_init_and_loses_nothing(tmp_path):
    db = tmp_path / "old.db"
    data = generate_territory(40, seed=5)
    with SqliteStore(db, create=True) as store:
        store.write(data)
    conn = sqlite3.connect(db)  # make it a schema-1 file, as catalyse wrote them before introductions.person
    conn.execute("ALTER TABLE introductions DROP COLUMN person")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="to upgrade it"):
        SqliteStore(db)
    out = run(db, "init", ok=False)  # upgrades, then refuses to empty a store that holds data
    assert "already holds 40 organisations" in out
    with SqliteStore(db) as store:
        assert store.dataset().sorted() == data.sorted()


def test_the_readme_spreadsheet_imports_unchanged_and_suggests_by_name(tmp_path, monkeypatch):
    # examples/structures-crestois.csv: as Excel saves a catalyser's sheet (cp1252, ';'), no id, own type words,
    # partners in one cell, towns and postal codes. Expected values written from the file and the INSEE code.
    monkeypatch.setenv("CATALYSE_CONFIG", str(tmp_path / "settings.json"))
    from pathlib import Path

    sheet = Path(__file__).resolve().parent.parent / "examples" / "structures-crestois.csv"
    raw = sheet.read_bytes()
    assert b";" in raw and "é".encode("cp1252") in raw and "é".encode() not in raw
    db = tmp_path / "c.db"
    run(db, "init")
    run(db, "import", str(sheet))
    with SqliteStore(db) as store:
        orgs = {o.id: o for o in store.organisations()}
        ties = store.ties()
    assert len(orgs) == 12
    cc = orgs["communaute-de-communes-du-crestois-et-du-pays-de-saillans"]
    assert (cc.sector, cc.extra.get("type"), cc.commune, cc.epci, cc.region) == (
        "local_authority", "Intercommunalité", "26108", "200040509", "84",
    )  # fmt: skip
    assert (
        orgs["tiers-lieu-la-trame"].commune == "26011"
    )  # Aouste-sur-Sye (COG 26011): postal code 26400 shared with Crest
    assert orgs["atelier-bois-vallee-de-la-drome"].sector == "social_economy"  # SCOP
    pairs = {frozenset((t.source, t.target)) for t in ties}
    assert len(pairs) == len(ties) == 12  # a pair cited from both sides is one tie
    assert frozenset(("mairie-de-crest", "lycee-francois-jean-armorin")) in pairs
    table = run(db, "orgs", "list")
    assert "Collectivité territoriale (Intercommunalité)" in table  # the person's word beside the sector
    found = json.loads(run(db, "suggest", "MAIRIE DE CREST", "--top", "2", "--format", "json"))
    assert [r["org"] for r in found] == ["mairie-de-crest"] * 2 and found[0]["reasons"]

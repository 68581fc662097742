"""The `catalyse` command line, through click's runner and once as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from catalyse.cli import cli
from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.projection import tie_graph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args, env=None):
        base = {"CATALYSE_DB": str(tmp_path / "c.db"), "CATALYSE_STORE": "embedded", "CATALYSE_LANG": "fr"}
        return runner.invoke(cli, list(args), env={**base, **(env or {})}, catch_exceptions=False)

    return invoke


def test_demo_then_stats_match_networkx(run):
    r = run("demo", "--orgs", "120", "--seed", "3", "--report", "")
    assert r.exit_code == 0, r.output
    assert "120 organisations" in r.output and "catalyse stats" in r.output
    r = run("stats", "--format", "json")
    stats = json.loads(r.output)[0]
    G = tie_graph(generate_territory(120, seed=3))  # the same seed gives the same territory
    assert stats["organisations"] == 120
    assert stats["edges"] == G.number_of_edges()
    assert stats["density"] == pytest.approx(nx.density(G), abs=1e-12)
    assert stats["components"] == nx.number_connected_components(G)
    assert run("demo", "--orgs", "120", "--report", "").exit_code == 1  # refuses to overwrite without --force


def test_demo_writes_its_default_report_only_up_to_the_size_where_it_is_quick(run, tmp_path, monkeypatch):
    from catalyse.cli import data as cli_data

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_data, "DEMO_REPORT_ORGS", 50)
    r = run("demo", "--orgs", "60")
    assert r.exit_code == 0, r.output
    assert "No report at this size by default" in r.output and "catalyse report -o demo-report" in r.output
    assert not (tmp_path / "demo-report").exists()
    r = run("demo", "--orgs", "60", "--force", "--report", str(tmp_path / "asked"))  # asked for: written
    assert r.exit_code == 0, r.output
    assert (tmp_path / "asked" / "report.html").is_file()
    r = run("demo", "--orgs", "40", "--force")  # at or below the size: the default report as before
    assert (tmp_path / "demo-report" / "report.html").is_file()


def test_stats_table_is_french_by_default_english_on_request(run):
    run("demo", "--orgs", "60", "--report", "")
    assert "densité" in run("stats").output
    out = run("--lang", "en", "stats").output
    assert "density" in out and "densité" not in out


def test_import_errors_are_listed_then_one_line(run, tmp_path):
    run("init")
    bad = tmp_path / "o.csv"
    bad.write_text("id;nom;secteur;siret\na;A;asociation;\nb;B;association;123\n", encoding="cp1252")
    r = run("import", str(bad))
    assert r.exit_code == 1
    lines = r.output.strip().splitlines()
    assert f"{bad}: row 2, column 'secteur': unknown sector 'asociation' (did you mean 'association'?)" in lines[0]
    assert "row 3, column 'siret'" in lines[1]
    assert lines[-1] == "Error: 2 problems; nothing was imported"
    assert "Traceback" not in r.output
    assert json.loads(run("stats", "--format", "json").output)[0]["organisations"] == 0


def test_import_dry_run_and_rerun(run, tmp_path):
    f = tmp_path / "o.csv"
    f.write_text("id,nom,secteur\na,Crèche,association\nb,Béton SA,entreprise\n", encoding="utf-8-sig")
    r = run("import", "--dry-run", str(f))
    assert "2 organisations are valid; nothing was written" in r.output
    assert "2 new" in run("import", str(f)).output.replace("       ", " ").replace("  ", " ")
    assert "Nothing changed" in run("import", str(f)).output


def test_orgs_list_search_show_formats(run):
    run("demo", "--orgs", "80", "--report", "")
    rows = json.loads(run("orgs", "list", "--sector", "ESS", "--format", "json", "--limit", "500").output)
    data = generate_territory(80)
    assert sorted(r["id"] for r in rows) == sorted(o.id for o in data.organisations if o.sector == "social_economy")
    csv_out = run("orgs", "list", "--format", "csv", "--limit", "3").output.splitlines()
    assert csv_out[0] == "id,name,sector,commune,themes" and len(csv_out) == 4
    some = data.organisations[0]
    shown = run("orgs", "show", some.id).output
    assert some.name in shown
    missing = run("orgs", "show", "nope-xyz")
    assert missing.exit_code == 1 and missing.output.startswith("Error: no organisation 'nope-xyz'")


def test_orgs_show_table_is_french_by_default_english_on_request_csv_json_keys_unchanged(run):
    run("demo", "--orgs", "80", "--report", "")
    data = generate_territory(80)
    tied = {t.target for t in data.ties if t.directed} & {m.org for a in data.alliances for m in a.members}
    org = sorted(tied & {c.org for c in data.catalysers})[0]  # shows ties, a directed one, alliances and métiers
    fr = run("orgs", "show", org, "--ties", "1000").output
    for heading in (
        "identifiant ",
        "nom ",
        "secteur ",
        "métiers de catalyseur ",
        "\nliens (",
        "\nalliances (",
        "avec ",
        " sens ",
        " poids ",
        " début ",
        " rôle",
        " entrant ",
    ):
        assert heading in fr, heading
    assert not re.search(r"^(name|sector|catalyser_metiers) |\nties \(|\bdirection\b|\bweight\b", fr, re.M)
    en = run("--lang", "en", "orgs", "show", org, "--ties", "1000").output
    for heading in (
        "\nname ",
        "\nsector ",
        "\ncatalyser_metiers ",
        "\nties (",
        "\nalliances (",
        "with ",
        " direction ",
        " weight ",
        " start ",
        " role",
        " in ",
    ):
        assert heading in en, heading
    assert not re.search(r"\b(liens|sens|poids|rôle|réciproque|entrant)\b", en)
    for lang in ("fr", "en"):
        record = json.loads(run("--lang", lang, "orgs", "show", org, "--format", "json").output)[0]
        assert list(record)[:3] == ["id", "name", "sector"]
        assert {"catalyser_metiers", "ties", "alliances"} <= set(record)
        assert list(record["ties"][0]) == ["with", "type", "direction", "weight", "start", "end"]
        assert {t["direction"] for t in record["ties"]} <= {"out", "in", "both"}
        assert list(record["alliances"][0]) == ["id", "name", "role"]
        header = run("--lang", lang, "orgs", "show", org, "--format", "csv").output.splitlines()[0].split(",")
        assert header == list(record)


def test_orgs_show_says_how_many_ties_it_shows_in_singular_and_plural(run):
    run("demo", "--orgs", "80", "--report", "")
    data = generate_territory(80)
    degree = {}
    for t in data.ties:
        for end in (t.source, t.target):
            degree[end] = degree.get(end, 0) + 1
    org = max(degree, key=degree.get)
    n = degree[org]
    assert n > 3
    assert (
        f"\nliens ({n}, le plus récent affiché (--ties N pour plus)):" in run("orgs", "show", org, "--ties", "1").output
    )
    assert f"\nliens ({n}, les 3 plus récents affichés" in run("orgs", "show", org, "--ties", "3").output
    en = run("--lang", "en", "orgs", "show", org, "--ties", "1").output
    assert f"\nties ({n}, the most recent shown (--ties N for more)):" in en
    assert f"\nliens ({n}):" in run("orgs", "show", org, "--ties", str(n)).output


def test_orgs_list_and_search_tables_are_french_by_default(run):
    run("demo", "--orgs", "80", "--report", "")
    for args in (("orgs", "list"), ("orgs", "search", "a")):
        fr = run(*args).output.splitlines()[0].split()
        assert fr[:3] == ["identifiant", "nom", "secteur"] and fr[-1] == "thèmes", fr
        en = run("--lang", "en", *args).output.splitlines()[0].split()
        assert en == ["id", "name", "sector", "commune", "themes"], en
        assert run(*args, "--format", "csv").output.splitlines()[0] == "id,name,sector,commune,themes"


def test_neo4j_unreachable_one_line_and_no_password(run):
    secret = "S3cr3t-do-not-print"
    r = run("--store", "neo4j", "stats", env={"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": secret})
    assert r.exit_code == 1
    assert r.output.strip() == "Error: cannot reach Neo4j at bolt://127.0.0.1:9: [Errno 111] Connection refused"
    assert secret not in r.output


def test_neo4j_wrong_password_is_not_echoed(run, neo4j_server):
    uri, user, _ = neo4j_server
    secret = "wrong-Pa55word"
    r = run("--store", "neo4j", "stats", env={"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": secret})
    assert r.exit_code == 1 and "refused the credentials" in r.output and secret not in r.output


def test_cli_on_neo4j_matches_embedded(run, neo4j_server):
    uri, user, password = neo4j_server
    env = {"NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password, "CATALYSE_STORE": "neo4j"}
    assert run("init", "--force", env=env).exit_code == 0
    run("demo", "--orgs", "90", "--force", "--report", "", env=env)
    run("demo", "--orgs", "90", "--report", "")
    for args in (
        ("stats",),
        ("brokers", "--top", "15"),
        ("metrics",),
        ("metrics", "--by-year"),
        ("suggest", "--all", "--limit", "10"),
    ):
        on_neo4j = run(*args, "--format", "json", env=env).output
        assert on_neo4j == run(*args, "--format", "json").output, args
        assert json.loads(on_neo4j)


def test_no_traceback_from_a_real_process(tmp_path):
    env = {**os.environ, "CATALYSE_DB": str(tmp_path / "none.db")}
    p = subprocess.run(
        [sys.executable, "-m", "catalyse", "stats"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert p.returncode == 1
    assert p.stderr.strip() == (
        f"Error: no catalyse store at {tmp_path / 'none.db'}: run `catalyse init` or "
        "`catalyse demo` first, or point --db / CATALYSE_DB at one"
    )


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = []
    for name, cmd in cli.commands.items():
        subs = getattr(cmd, "commands", None)
        names += [f"{name} {sub}" for sub in subs] if subs else [name]
    missing = [n for n in names if not re.search(rf"catalyse (\S+ )*{re.escape(n)}\b", readme)]
    assert not missing, f"commands not shown in README.md: {missing}"


def test_catalyser_session_suggest_introduce_outcome_activity(run, tmp_path):
    """suggest → introduce → outcome → activity, checked against the store and the suggestion rule."""
    from catalyse.graphcore.stores import SqliteStore

    run("demo", "--orgs", "150", "--seed", "5", "--report", "")
    data = generate_territory(150, seed=5)
    cat = data.catalysers[0].org
    org = data.organisations[0].id
    first = json.loads(run("suggest", org, "--top", "3", "--format", "json").output)
    assert first and all(row["org"] == org for row in first)
    partner = first[0]["partner"]
    G = tie_graph(data)
    assert not G.has_edge(org, partner)  # never suggests an existing tie
    r = run("introduce", org, partner, "--by", cat, "--note", "Besoin commun", "--date", "2026-01-12")
    assert r.exit_code == 0, r.output
    intro_id = re.search(r"introduction (I[0-9a-f]+)", r.output).group(1)
    again = json.loads(run("suggest", org, "--top", "3", "--format", "json").output)
    assert partner not in [row["partner"] for row in again]  # an introduced pair is not suggested again
    assert run("outcome", intro_id, "rencontre faite", "--date", "2026-02-03").exit_code == 0
    listed = json.loads(run("introductions", "--by", cat, "--format", "json").output)
    mine = [row for row in listed if row["id"] == intro_id]
    assert mine and mine[0]["outcome"] == "met"
    store = SqliteStore(tmp_path / "c.db")
    ties = [t for t in store.ties(type="introduced") if {t.source, t.target} == {org, partner}]
    assert len(ties) == 1 and str(ties[0].start) == "2026-02-03"
    activity = {row["catalyser"]: row for row in json.loads(run("activity", "--format", "json").output)}
    expected = [i for i in data.introductions if i.catalyser == cat]
    assert activity[cat]["introductions"] == len(expected) + 1
    assert activity[cat]["met"] == sum(i.outcome == "met" for i in expected) + 1
    assert run("outcome", "Inope", "met").exit_code == 1


def test_suggest_max_per_partner(run):
    """--max-per-partner wires the diversity rule: the territory's list is taken from the API's capped lists, each
    pair once, and no organisation is in more than N of its pairs (on either side: a pair is a suggestion for
    both); a pair of those lists is left out only when one of its organisations already has N better pairs."""
    from collections import Counter

    from catalyse.graphcore.projection import comembership_graph
    from catalyse.queries.suggestions import suggest

    def ends(rows):
        return Counter(x for r in rows for x in (r["org"], r["partner"]))

    run("demo", "--orgs", "150", "--seed", "5", "--report", "")
    data = generate_territory(150, seed=5)
    plain = json.loads(run("suggest", "--all", "--format", "json").output)
    assert plain and "score_rank" not in plain[0]  # the default output is unchanged
    rows = json.loads(run("suggest", "--all", "--max-per-partner", "2", "--format", "json").output)
    assert max(ends(rows).values()) == 2 < max(ends(plain).values())
    api = suggest(
        tie_graph(data),
        top=5,
        exclude={(i.a, i.b) for i in data.introductions},
        comembership=comembership_graph(data),
        what_if=False,
        max_per_partner=2,
    )
    best = {}
    for x in api:
        best[frozenset(x.pair)] = max(best.get(frozenset(x.pair), 0.0), round(x.score, 6))
    listed = {frozenset((r["org"], r["partner"])) for r in rows}
    assert listed <= set(best) and len(listed) == len(rows)
    for pair in set(best) - listed:  # left out: an end already in 2 pairs scored at least as well
        assert any(
            sum(1 for r in rows if x in (r["org"], r["partner"]) and r["score"] >= best[pair]) >= 2 for x in pair
        ), pair
    moved = [r for r in rows if r["skipped_partners"]]
    assert moved and all(r["score_rank"] == r["rank"] + len(r["skipped_partners"]) for r in rows)
    assert all(r["reasons"][-1].startswith("Diversity rule: ") for r in moved)
    out = run("suggest", "--all", "--limit", "3", "--max-per-partner", "2").output
    assert "Règle de diversité : chaque organisation figure dans au plus 2 paires de la liste ;" in out
    out = run("--lang", "en", "suggest", "--all", "--limit", "3", "--max-per-partner", "2").output
    assert "Diversity rule: each organisation is in at most 2 pairs of the list;" in out
    r = run("suggest", data.organisations[0].id, "--max-per-partner", "2")
    assert r.exit_code == 1 and "Error: --max-per-partner applies to the lists of several organisations" in r.output
    assert run("suggest", "--all", "--max-per-partner", "0").exit_code == 2


def test_brokers_and_metrics_wire_the_queries(run):
    from catalyse.queries.brokerage import brokerage
    from catalyse.queries.structure import summary

    run("demo", "--orgs", "100", "--seed", "9", "--report", "")
    data = generate_territory(100, seed=9)
    rows = json.loads(run("brokers", "--top", "3", "--format", "json").output)
    raw = brokerage(tie_graph(data, directed=True), "sector")["raw"]
    best = sorted(raw, key=lambda n: (-raw[n]["total"], n))[:3]
    assert [r["organisation"] for r in rows] == best
    assert rows[0]["total"] == raw[best[0]]["total"]
    m = json.loads(run("metrics", "--format", "json").output)[0]
    expected = summary(tie_graph(data))
    assert m["density"] == pytest.approx(expected["density"]) and m["components"] == expected["components"]
    years = json.loads(run("metrics", "--by-year", "--format", "json").output)
    assert [y["year"] for y in years] == sorted(y["year"] for y in years) and years[-1]["ties"] == expected["ties"]
    bad = run("brokers", "--territory", "75056")
    assert bad.exit_code == 1 and "no organisation matches" in bad.output


def test_view_and_report_files(run, tmp_path):
    run("demo", "--orgs", "60", "--seed", "4", "--report", str(tmp_path / "r"))
    assert (tmp_path / "r" / "report.html").stat().st_size > 10_000
    out = tmp_path / "carte.html"
    r = run("view", "--size-by", "brokerage", "-o", str(out))
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html.lower().replace("'", '"')
    assert not re.search(r"""(src|href)=["']https?://""", html)  # nothing loaded from the network
    assert run("view", "--ego", "nope", "-o", str(out)).exit_code == 1

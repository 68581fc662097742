"""Security: every Cypher query parameterised (a static check that can fail), credentials from the environment or
a 0600 file and never echoed, and the hostile names of the catalogue escaped in the HTML views."""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_hardening import HOSTILE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("graphcore", "importers", "queries", "catalyse")
# A string is Cypher if it holds one of its clauses (upper case, as the code writes them). SQL shares none of these.
CYPHER = re.compile(r"\b(MATCH|MERGE|UNWIND|DETACH|RETURN|OPTIONAL MATCH|CALL \(|FOREACH)\b")


def formatted_cypher(source: str, filename: str = "<code>") -> list[str]:
    """Places where Cypher text is built by f-string, ``%`` or ``.format`` (values must go in as $parameters)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        text = None
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
        ):
            text = node.left.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("format", "format_map")
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            text = node.func.value.value
        if text is not None and CYPHER.search(text):
            found.append(f"{filename}:{node.lineno}: {text[:80]!r}")
    return found


def test_the_check_catches_formatted_cypher():
    bad = [
        "q = f\"MATCH (o:Organisation {{id: '{org}'}}) RETURN o\"",
        "q = \"MATCH (o) WHERE o.name = '%s' RETURN o\" % name",
        'q = "UNWIND {} AS x MERGE (n {{id: x}})".format(ids)',
        'tx.run(f"MATCH (n) WHERE n.id = {x} DETACH DELETE n")',
    ]
    for snippet in bad:
        assert formatted_cypher(snippet), snippet
    good = [
        'q = "MATCH (o:Organisation {id: $id}) RETURN o"',
        'msg = f"lost Neo4j at {uri}"',
        'sql = f"SELECT * FROM t WHERE id IN ({marks})"',
        'q = "MATCH (o)" + clause + " RETURN o"',
    ]
    for snippet in good:
        assert not formatted_cypher(snippet), snippet


def test_no_formatted_cypher_in_the_code():
    found = []
    for package in CHECKED:
        for path in sorted((ROOT / package).rglob("*.py")):
            found += formatted_cypher(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "Cypher built with formatting (use $parameters):\n" + "\n".join(found)


def test_password_file_must_be_0600(tmp_path, monkeypatch, neo4j_server):
    from catalyse.graphcore.stores import StoreUnavailable
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    uri, user, password = neo4j_server
    secret = tmp_path / "pw"
    secret.write_text(password + "\n")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("NEO4J_PASSWORD_FILE", str(secret))
    os.chmod(secret, 0o644)
    with pytest.raises(StoreUnavailable, match="readable by others") as err:
        Neo4jStore(uri, user=user)
    assert password not in str(err.value)
    os.chmod(secret, 0o600)
    with Neo4jStore(uri, user=user, create=True) as store:
        assert password not in store.describe() and password not in repr(store)
        assert isinstance(store.counts(), dict)


def test_password_never_echoed(neo4j_server, tmp_path):
    from catalyse.cli import cli

    uri, user, password = neo4j_server
    runner = CliRunner()
    wrong = "Wr0ng-" + password[::-1]
    for pw in (wrong, password):
        env = {
            "CATALYSE_STORE": "neo4j",
            "NEO4J_URI": uri,
            "NEO4J_USER": user,
            "NEO4J_PASSWORD": pw,
            "CATALYSE_DB": str(tmp_path / "unused.db"),
        }
        for args in (["stats"], ["init"], ["--help"]):
            r = runner.invoke(cli, args, env=env)
            out = r.output + (str(r.exception) if r.exception else "")
            assert pw not in out and password not in out, args
    port = uri.rsplit(":", 1)[1]
    log = ROOT / "tools" / "neo4j" / "run" / f"neo4j-{port}.log"
    if log.exists():
        assert password not in log.read_text(errors="replace")


def test_driver_debug_log_holds_row_counts_not_organisation_data(neo4j_store, caplog):
    # The neo4j driver logs every RUN's parameters at DEBUG level (and formats them even when that level is off):
    # the store passes its batches as rows whose repr is their count, so a debug log of a write names no
    # organisation, and the write itself is unchanged (the data reads back).
    import logging

    from catalyse.graphcore.model import Dataset, Organisation, Tie

    secret = "Fondation Très-Discrète"
    orgs = [Organisation(id=f"discrete-{i}", name=f"{secret} {i}", sector="foundation") for i in range(3)]
    ties = [
        Tie(source="discrete-0", target="discrete-1", type="partnership"),
        Tie(source="discrete-1", target="discrete-2", type="partnership"),
    ]
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        neo4j_store.write(Dataset(organisations=orgs, ties=ties))
    runs = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert runs, "the driver logged no RUN message at DEBUG level"
    assert any("<3 rows>" in m for m in runs) and any("<2 rows>" in m for m in runs)
    assert not any(secret in m or "discrete-1" in m for m in runs)
    got = neo4j_store.dataset()
    assert {o.name for o in got.organisations} == {o.name for o in orgs}
    assert {(t.source, t.target) for t in got.ties} == {(t.source, t.target) for t in ties}


def test_hostile_names_are_escaped_in_the_map():
    from catalyse.graphcore.model import Dataset, Organisation, Tie
    from catalyse.graphcore.projection import tie_graph
    from catalyse.visualisations.ecosystem import ecosystem_map

    orgs = [Organisation(key, name, "association", extra={"note": name}) for key, name in HOSTILE]
    ties = [Tie(orgs[i].id, orgs[i + 1].id, "partnership") for i in range(len(orgs) - 1)]
    html = ecosystem_map(tie_graph(Dataset(orgs, ties=ties)), title="<script>alert('t')</script>")
    for _, name in HOSTILE:
        if "<" in name:
            assert name not in html, name
    assert "<script>alert" not in html and "<img src=x" not in html
    data = re.search(r'<script type="application/json" id="catalyse-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data and ">" not in data  # no name can close the data element or open another
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    assert "\\u003cscript\\u003ealert(" in html  # the name is there, escaped

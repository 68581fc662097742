"""Writes through the web and the CLI at the same time lose nothing, on both stores.

A real `catalyse serve` (a subprocess) receives introductions over its JSON API from two client threads while
`catalyse introduce` runs in other processes on the same store. Afterwards every introduction is in the store, and
the server — which keeps the territory in memory — shows all of them in its API and on its pages: it noticed the
CLI's writes through the store's version (SQLite's ``PRAGMA data_version``, Neo4j's version node).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from web_helpers import demo_dataset

from catalyse.graphcore.stores import SqliteStore

DATA = demo_dataset()
CLI_WORKERS, CLI_EACH = 3, 3  # 9 `catalyse introduce` processes, 3 at a time
API_WORKERS, API_EACH = 2, 8  # 16 introductions over the API


def fresh_pairs(n: int) -> list[tuple[str, str]]:
    """`n` pairs of organisations never tied nor introduced, each organisation in one pair at most."""
    tied = {frozenset((t.source, t.target)) for t in DATA.ties}
    tied |= {frozenset((i.a, i.b)) for i in DATA.introductions}
    ids = sorted(o.id for o in DATA.organisations if o.id.isascii() and o.id.replace("-", "").isalnum())
    used: set[str] = set()
    pairs = []
    for a, b in itertools.combinations(ids, 2):
        if a in used or b in used or frozenset((a, b)) in tied:
            continue
        pairs.append((a, b))
        used |= {a, b}
        if len(pairs) == n:
            return pairs
    raise AssertionError("not enough fresh pairs in the demo territory")


def start_server(args: list[str], env: dict, cwd) -> tuple[str, subprocess.Popen]:
    from server import free_port  # tools/neo4j/server.py, on sys.path through tests/conftest.py

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalyse", *args, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=cwd,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return base, proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"the server did not start: {proc.stdout.read()}") from None
            time.sleep(0.2)


def get(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return r.read().decode("utf-8")


def post_json(base: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=120) as r:
        assert r.status == 201, r.status
        return json.loads(r.read())


def write_at_once(base: str, store_args: list[str], env: dict, cwd) -> list[tuple[str, str]]:
    """Introductions over the API and through the CLI at the same time; the pairs introduced."""
    by = DATA.catalysers[0].org
    pairs = fresh_pairs(CLI_WORKERS * CLI_EACH + API_WORKERS * API_EACH)
    cli_pairs, api_pairs = pairs[: CLI_WORKERS * CLI_EACH], pairs[CLI_WORKERS * CLI_EACH :]
    errors: list[str] = []

    def cli_worker(mine):
        for a, b in mine:
            cmd = [sys.executable, "-m", "catalyse", *store_args, "introduce", a, b, "--by", by, "--note", "cli"]
            p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
            if p.returncode:
                errors.append(p.stdout + p.stderr)

    def api_worker(mine):
        for a, b in mine:
            try:
                post_json(base, "/api/introductions", {"a": a, "b": b, "catalyser": by, "note": "web"})
            except Exception as exc:  # noqa: BLE001 - collected, the test fails below
                errors.append(repr(exc))

    threads = [threading.Thread(target=cli_worker, args=(cli_pairs[i::CLI_WORKERS],)) for i in range(CLI_WORKERS)] + [
        threading.Thread(target=api_worker, args=(api_pairs[i::API_WORKERS],)) for i in range(API_WORKERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    assert not errors, errors[:3]
    last = pairs[0]  # the server's own writes reload the store: make sure the CLI writes last
    cmd = [sys.executable, "-m", "catalyse", *store_args, "introduce", *last, "--by", by, "--note", "again"]
    subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=cwd, timeout=300)
    return pairs


def check_everything_is_there(base: str, store, pairs) -> None:
    stored = {frozenset((i.a, i.b)) for i in store.introductions()}
    assert {frozenset(p) for p in pairs} <= stored  # none lost
    assert len(store.introductions()) == len(DATA.introductions) + len(pairs)  # none doubled
    served = {(r["a"], r["b"], r["note"]) for r in json.loads(get(base, "/api/introductions"))}
    assert served == {(i.a, i.b, i.note) for i in store.introductions()}  # the server's graph was refreshed
    assert (*sorted(pairs[0]), "again") in served  # the last write, made by the CLI
    # what the server keeps in memory: the dashboard's figures and the catalysers' activity
    dash = get(base, "/")
    shown = re.search(r'id="fig-introductions">\s*<span class="value">(\d+)</span>', dash)
    assert shown and int(shown.group(1)) == len(stored)
    by = DATA.catalysers[0].org
    assert len([i for i in store.introductions() if i.catalyser == by]) == activity_count(base, by)
    page = html.unescape(get(base, "/introductions"))
    names = {o.id: o.name for o in DATA.organisations}
    for a, b in pairs:
        assert names[a] in page and names[b] in page
    a, b = pairs[0]  # a CLI write, shown on the organisation's page
    assert names[b] in html.unescape(get(base, f"/orgs/{a}").split('id="org-intros"')[1])


def activity_count(base: str, catalyser: str) -> int:
    """The number of introductions the server's activity page counts for `catalyser`."""
    page = get(base, f"/activity?catalyser={catalyser}&lang=en")
    row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    return int(re.findall(r'<td class="num">(\d+)</td>', row)[0])


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_web_and_cli_writes_on_the_embedded_store(tmp_path):
    db = tmp_path / "territory.db"
    with SqliteStore(db, create=True) as store:
        store.write(DATA)
    env = {**os.environ, "CATALYSE_LANG": "fr"}
    env.pop("CATALYSE_STORE", None)
    args = ["--db", str(db)]
    base, proc = start_server(args, env, tmp_path)
    try:
        pairs = write_at_once(base, args, env, tmp_path)
        with SqliteStore(db) as store:
            check_everything_is_there(base, store, pairs)
    finally:
        stop(proc)


@pytest.mark.neo4j
def test_web_and_cli_writes_on_neo4j(neo4j_store, neo4j_server, tmp_path):
    uri, user, password = neo4j_server
    neo4j_store.write(DATA)
    env = {**os.environ, "CATALYSE_LANG": "fr", "NEO4J_URI": uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
    args = ["--store", "neo4j"]
    base, proc = start_server(args, env, tmp_path)
    try:
        pairs = write_at_once(base, args, env, tmp_path)
        check_everything_is_there(base, neo4j_store, pairs)
    finally:
        stop(proc)


def test_the_version_changes_only_when_another_connection_writes(tmp_path):
    from dataclasses import replace

    db = tmp_path / "v.db"
    with SqliteStore(db, create=True) as one, SqliteStore(db) as two:
        one.write(DATA)
        v = two.version()
        assert two.version() == v  # nobody wrote
        org = DATA.organisations[0]
        one.write(type(DATA)(organisations=[replace(org, name=org.name + " (bis)")]))
        assert two.version() != v

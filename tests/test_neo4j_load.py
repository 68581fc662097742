"""The first load through Neo4j's offline importer (`catalyse.graphcore.stores.neo4j_load.first_load`).

The reference is `Neo4jStore.write` of the same data on another fresh server (the session's, `neo4j_store`): the
offline load must give the same `Dataset` back and the same graph, node for node and relationship for relationship,
with every property of the same value and the same Cypher type (`valueType`). Runs the real importer (Java 17 +
Maven build of tools/neo4j), never a stand-in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from catalyse.graphcore.stores.base import IntegrityError

pytestmark = pytest.mark.neo4j

# Values a spreadsheet gives: quotes, the CSV delimiters, newlines (LF and CRLF), accents, a formula's leading `=`,
# backslashes (the importer must not read them as escapes), a list item with a comma and quotes.
NASTY = '=SOMME(A1) "Café" ; l\'Œuvre, \\n\n2e ligne\r\n3e — ĉ 🌿 \\'
NASTY_COLUMN = 'Code:postal "x", y;z'


def nasty_data() -> Dataset:
    base = generate_territory(200, seed=1)
    org = Organisation(
        id='org-"guillemets";=1',
        name=NASTY,
        sector="association",
        commune="26362",
        departement="26",
        themes=(),
        tags=('a "b", c', "é;è", NASTY),
        website='https://exemple.fr/a?b=1&c="2"',
        extra={NASTY_COLUMN: NASTY, "Notes": "\\"},
    )
    other = base.organisations[0]
    # built in code, not read from a file: integer coordinates, weight and confidence, which Cypher stores as
    # integers (the offline load must too: a second file per type)
    coded = Organisation(id="org-entiers", name="Entiers", sector="company", lat=45, lon=5)
    coded_tie = Tie(source=coded.id, target=other.id, type="funding", directed=True, weight=3, confidence=1)
    tie = Tie(
        source=org.id, target=other.id, type="partnership", weight=2.5, provenance=NASTY, start=dt.date(2001, 2, 3)
    )
    alliance = Alliance(id="alliance-vide", name=NASTY, members=(Membership(org.id, "lead"),))
    intro = Introduction(catalyser=base.catalysers[0].org, a=org.id, b=other.id, date=dt.date(2024, 5, 6), note=NASTY)
    return Dataset(
        [*base.organisations, org, coded],
        [*base.catalysers, Catalyser(org.id, ())],
        [*base.alliances, alliance],
        [*base.ties, tie, coded_tie],
        [*base.introductions, intro],
    )


def graph_dump(driver) -> tuple[list, list]:
    """Every node (labels, properties with their Cypher types) and relationship, in a canonical order."""
    nodes = driver.execute_query(  # the store's write counter (CatalyseVersion) is bookkeeping, not the graph
        "MATCH (n) WHERE NOT n:CatalyseVersion "
        "RETURN labels(n) AS labels, [k IN keys(n) | [k, valueType(n[k]), n[k]]] AS props"
    ).records
    rels = driver.execute_query(
        "MATCH (s)-[r]->(t) RETURN type(r) AS type, labels(s) AS sl, s.id AS s, labels(t) AS tl, t.id AS t, "
        "[k IN keys(r) | [k, valueType(r[k]), r[k]]] AS props"
    ).records
    canon = repr
    return (
        sorted(canon((sorted(r["labels"]), sorted(map(tuple, r["props"])))) for r in nodes),
        sorted(canon((r["type"], r["sl"], r["s"], r["tl"], r["t"], sorted(map(tuple, r["props"])))) for r in rels),
    )


def schema_dump(driver) -> tuple[list, list]:
    cons = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties, ownedIndex "
        "RETURN name, type, entityType, labelsOrTypes, properties"
    ).records
    idx = driver.execute_query(
        "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint, state "
        "RETURN name, type, entityType, labelsOrTypes, properties, owningConstraint, state"
    ).records
    return sorted(map(repr, map(dict, cons))), sorted(map(repr, map(dict, idx)))


@pytest.fixture(scope="module")
def tool():
    if not (shutil.which("java") and shutil.which("mvn")):
        pytest.skip("the first load needs Java 17 and Maven to build tools/neo4j")
    from server import build  # tools/neo4j/server.py (conftest puts it on sys.path)

    build()
    from catalyse.graphcore.stores.neo4j_load import AdminTool

    # never an AOT cache a developer's environment may hold: the reference loads start as a plain JVM does
    return dataclasses.replace(AdminTool.default(), aot_dir=None)


@pytest.fixture(scope="module")
def loaded(tool, tmp_path_factory):
    """The nasty demo territory loaded offline into a fresh home, then a server started on it."""
    from server import Neo4jServer, free_port

    from catalyse.graphcore.stores.neo4j_load import first_load
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    data = nasty_data()
    home = tmp_path_factory.mktemp("first-load") / "home"  # missing: first_load creates it
    ticks = []
    # with the warm-up (a sample imported into a throwaway home first) that loads of 200,000 ties or more take
    result = first_load(data, home, tool=tool, progress=ticks.append, warmup=True)
    password = secrets.token_urlsafe(18)
    server = Neo4jServer(port=free_port(), data_dir=home, password=password, heap="1g").start(timeout=300)
    store = Neo4jStore(server.uri, password=password)
    try:
        yield data, result, ticks, home, server, store
    finally:
        store.close()
        server.stop()


def test_offline_load_reads_back_as_the_dataset_written(loaded):
    data, result, ticks, _, _, store = loaded
    assert store.dataset() == data.sorted()
    # the counts are the dataset's own (hand-checkable: 202 organisations, the generator's 200 and two)
    assert result.counts == data.counts() == store.counts()
    assert result.counts["organisations"] == 202
    assert sum(ticks) == sum(
        result.counts[e] for e in ("organisations", "catalysers", "alliances", "introductions", "ties")
    )
    assert result.summary.new["ties"] == len(data.ties) and not any(result.summary.changed.values())
    assert result.database_dir.is_dir() and set(result.seconds) == {"csv", "import", "schema"}


def test_the_warm_up_ran_first_and_left_nothing(loaded):
    # the fixture's load warmed the importer up on a sample; the data read back above is the full dataset, so the
    # sample went to its own home; that home was in the load's temporary directory, removed with it
    _, _, _, home, _, _ = loaded
    log = (home / "logs" / "first-load.log").read_text(encoding="utf-8")
    assert log.index("WARMUP EXIT 0") < log.index("IMPORT EXIT 0")
    assert sorted(p.name for p in (home / "data" / "databases").iterdir() if p.is_dir()) == ["neo4j", "system"]


def test_offline_load_is_the_graph_the_online_write_makes(loaded, neo4j_store):
    data, _, _, _, _, offline = loaded
    neo4j_store.write(data)
    assert neo4j_store.dataset() == offline.dataset()
    online_nodes, online_rels = graph_dump(neo4j_store.driver)
    offline_nodes, offline_rels = graph_dump(offline.driver)
    assert len(offline_nodes) == 202 + len(data.alliances) + len(data.introductions)
    assert len(offline_rels) == len(data.ties) + sum(len(a.members) for a in data.alliances) + 3 * len(
        data.introductions
    )
    assert offline_nodes == online_nodes
    assert offline_rels == online_rels
    assert schema_dump(offline.driver) == schema_dump(neo4j_store.driver)


def test_a_bad_value_survives_exactly(loaded):
    _, _, _, _, _, store = loaded
    org = store.get_organisation('org-"guillemets";=1')
    assert org.name == NASTY
    assert org.extra == {NASTY_COLUMN: NASTY, "Notes": "\\"}
    assert org.tags == ('a "b", c', "é;è", NASTY)  # as given
    assert org.themes == ()
    assert {t.provenance for t in store.ties(org=org.id)} == {NASTY}
    assert [i.note for i in store.introductions(org=org.id)] == [NASTY]
    assert [c.metiers for c in store.catalysers() if c.org == org.id] == [()]
    raw = store._read("MATCH (o:Organisation {id: $id}) RETURN o.themes AS t, o.metiers AS m", id=org.id)[0]
    assert raw["t"] == [] and raw["m"] == []  # empty lists, as the online write stores them


def test_integer_values_keep_their_type(loaded):
    _, _, _, _, _, store = loaded
    raw = store._read(
        "MATCH (o:Organisation {id: 'org-entiers'})-[t:TIE]->() RETURN valueType(o.lat) AS lat, "
        "valueType(t.weight) AS w, valueType(t.confidence) AS c, valueType(o.name) AS name"
    )[0]
    assert (raw["lat"], raw["w"], raw["c"], raw["name"]) == (
        "INTEGER NOT NULL",
        "INTEGER NOT NULL",
        "INTEGER NOT NULL",
        "STRING NOT NULL",
    )
    other = store._read("MATCH (o:Organisation) WHERE o.id <> 'org-entiers' AND o.lat IS NOT NULL "
                        "RETURN DISTINCT valueType(o.lat) AS t")  # fmt: skip
    assert [r["t"] for r in other] == ["FLOAT NOT NULL"]


def test_constraints_refuse_a_duplicate_after_the_load(loaded):
    import neo4j

    data, _, _, _, _, store = loaded
    existing = data.organisations[0].id
    with pytest.raises(neo4j.exceptions.ConstraintError):
        store.driver.execute_query("CREATE (:Organisation {id: $id, name: 'copie'})", id=existing)
    key = data.ties[0].key
    with pytest.raises(neo4j.exceptions.ConstraintError):
        store.driver.execute_query(
            "MATCH (a:Organisation {id: $a}), (b:Organisation {id: $b}) CREATE (a)-[:TIE {key: $k}]->(b)",
            a=data.ties[0].source,
            b=data.ties[0].target,
            k=key,
        )
    # and the store's own write of the same data changes nothing
    summary = store.write(data)
    assert not summary.modified and summary.unchanged["ties"] == len(data.ties)


def test_refuses_a_running_server(loaded, tool):
    from catalyse.graphcore.stores.neo4j_load import FirstLoadError, first_load

    _, _, _, home, server, _ = loaded
    assert server.is_running()
    with pytest.raises(FirstLoadError, match="running"):
        first_load(Dataset([Organisation("x", "X", "association")]), home, tool=tool, database="other")


def test_refuses_an_existing_database_and_leaves_it_as_it_was(tool, tmp_path):
    from catalyse.graphcore.stores.neo4j_load import FirstLoadError, first_load

    small = generate_territory(20, seed=3)
    first_load(small, tmp_path, tool=tool)
    before = sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in (tmp_path / "data").rglob("*"))
    with pytest.raises(FirstLoadError, match="already holds the Neo4j database 'neo4j'"):
        first_load(small, tmp_path, tool=tool)
    after = sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in (tmp_path / "data").rglob("*"))
    assert after == before


def test_refuses_an_unknown_reference_before_writing(tool, tmp_path):
    from catalyse.graphcore.stores.neo4j_load import first_load

    data = Dataset([Organisation("a", "A", "association")], ties=[Tie("a", "inconnue", "partnership")])
    with pytest.raises(IntegrityError, match="inconnue"):
        first_load(data, tmp_path, tool=tool)
    assert not (tmp_path / "data").exists()


def test_a_bad_value_found_while_the_importer_warms_up_stops_it_and_writes_nothing(tool, tmp_path):
    # an organisation outside the warm-up's sample (no tie) carries a tag the CSV cannot hold: the error comes
    # from writing the real files, with the JVM already running; it is stopped and no database is left
    from catalyse.graphcore.stores.neo4j_load import ARRAY_DELIMITER, FirstLoadError, database_dir, first_load

    base = generate_territory(30, seed=4)
    lonely = Organisation("isolee", "Isolée", "association", tags=("a" + ARRAY_DELIMITER + "b",))
    data = Dataset([*base.organisations, lonely], base.catalysers, base.alliances, base.ties, base.introductions)
    home = tmp_path / "home"
    with pytest.raises(FirstLoadError, match="control characters"):
        first_load(data, home, tool=tool, warmup=True, workdir=tmp_path)
    assert not database_dir(home).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["home"]  # the files and the warm-up's home removed
    left = []  # no JVM left behind: no process whose command line names this load's home
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(home.resolve()).encode() in cmdline.read_bytes():
                left.append(cmdline.parent.name)
        except OSError:  # ended meanwhile
            pass
    assert left == []


def test_a_failed_import_leaves_no_database(tmp_path):
    from catalyse.graphcore.stores.neo4j_load import AdminTool, FirstLoadError, database_dir, first_load

    if not shutil.which("java"):
        pytest.skip("needs Java 17")
    broken = AdminTool(classpath=os.fspath(tmp_path / "no-such.jar"))
    with pytest.raises(FirstLoadError, match="importer failed"):
        first_load(generate_territory(20, seed=3), tmp_path / "home", tool=broken)
    assert not database_dir(tmp_path / "home").exists()


def test_the_command_loads_the_readme_files_as_an_import_does(tool, tmp_path):
    # `catalyse neo4j load` on the README's example files gives the store `catalyse import` gives (embedded)
    from click.testing import CliRunner
    from server import Neo4jServer, free_port

    from catalyse.cli import cli
    from catalyse.graphcore.stores import SqliteStore
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    root = Path(__file__).resolve().parent.parent
    files = [str(root / "examples" / "organisations.csv"), str(root / "examples" / "liens.csv")]
    home = tmp_path / "home"
    r = CliRunner().invoke(cli, ["neo4j", "load", *files, "--home", str(home), "--silent"])
    assert r.exit_code == 0, r.output
    assert "Loaded 4 organisations" in r.output and f"start Neo4j on {home}" in r.output
    again = CliRunner().invoke(cli, ["neo4j", "load", *files, "--home", str(home), "--silent"])
    assert again.exit_code == 1 and "Error:" in again.output  # an existing database is refused
    db = tmp_path / "ref.db"
    r = CliRunner().invoke(cli, ["--db", str(db), "import", "--quiet", *files])
    assert r.exit_code == 0, r.output
    password = secrets.token_urlsafe(18)
    server = Neo4jServer(port=free_port(), data_dir=home, password=password, heap="1g").start(timeout=300)
    try:
        with Neo4jStore(server.uri, password=password) as store, SqliteStore(db) as ref:
            assert store.dataset().sorted() == ref.dataset().sorted()
    finally:
        server.stop()


# -- Java 25's ahead-of-time cache ----------------------------------------------------------------------------------
def _javas() -> list[Path]:
    """Every ``java`` of this machine: the JDKs under /usr/lib/jvm (Debian's and the Temurin one), JAVA_HOME, PATH."""
    found = [*Path("/usr/lib/jvm").glob("*/bin/java")]
    if os.environ.get("JAVA_HOME"):
        found.append(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    if shutil.which("java"):
        found.append(Path(shutil.which("java") or ""))
    return sorted({p.resolve() for p in found if p.is_file()})


def _release_major(java: Path) -> int | None:
    """The major version the JDK's own ``release`` file states (JAVA_VERSION="17.0.15"), next to its bin/."""
    release = java.parent.parent / "release"
    if not release.is_file():
        return None
    for line in release.read_text(encoding="utf-8").splitlines():
        if line.startswith("JAVA_VERSION="):
            return int(line.split("=", 1)[1].strip('"').split(".")[0])
    return None


def _java_from(at_least: int) -> Path:
    from catalyse.graphcore.stores.neo4j_load import java_version

    for java in _javas():
        if java_version(str(java))[0] >= at_least:
            return java
    pytest.skip(f"no Java {at_least} or later on this machine (/usr/lib/jvm, JAVA_HOME, PATH)")


def test_java_versions_are_those_the_jdks_state():
    # `java -version` parsed, against each JDK's release file: both the machine's Java 17 and its Temurin JDK
    from catalyse.graphcore.stores.neo4j_load import java_version

    checked = {java: _release_major(java) for java in _javas()}
    checked = {java: major for java, major in checked.items() if major is not None}
    assert 17 in checked.values()
    for java, major in checked.items():
        assert java_version(str(java))[0] == major, java


def test_the_cache_command_refuses_a_java_older_than_25(tool, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from catalyse.cli import cli
    from catalyse.graphcore.stores.neo4j_load import java_version

    java17 = next((j for j in _javas() if java_version(str(j))[0] == 17), None)
    assert java17 is not None  # tools/test.sh installs it
    monkeypatch.setenv("CATALYSE_NEO4J_JAVA", str(java17))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    r = CliRunner().invoke(cli, ["neo4j", "cache", "--silent"])
    assert r.exit_code == 1
    assert f"{java17} is Java 17: an AOT cache needs Java 25 or later" in r.output
    assert not any(tmp_path.rglob("*.aot"))


def test_a_trained_cache_is_used_and_loads_the_same_graph(loaded, tool, monkeypatch, tmp_path):
    """`catalyse neo4j cache` on Java 25 trains a cache that the JVM accepts for this launcher; a first load started
    on it writes exactly the graph of the module's fixture load (no cache, PATH's Java: 17 in CI), read by a server
    on Java 17."""
    from click.testing import CliRunner
    from server import Neo4jServer, free_port

    from catalyse.cli import cli
    from catalyse.graphcore.stores.neo4j_load import AdminTool, first_load
    from catalyse.graphcore.stores.neo4j_store import Neo4jStore

    java25 = _java_from(25)
    monkeypatch.setenv("CATALYSE_NEO4J_JAVA", str(java25))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    r = CliRunner().invoke(cli, ["neo4j", "cache", "--orgs", "300", "--ties", "2000", "--silent"])
    assert r.exit_code == 0, r.output
    aot = AdminTool.default()
    cache = aot.aot_cache()
    assert cache is not None and cache.parent == tmp_path / "cache" / "catalyse" / "neo4j-first-load"
    assert "Trained the AOT cache in " in r.output and str(cache) in r.output
    assert cache.stat().st_size > 10_000_000  # the classes of Neo4j's importer and database, not an empty file
    again = CliRunner().invoke(cli, ["neo4j", "cache", "--silent"])
    assert again.exit_code == 0 and "already there" in again.output

    # the JVM itself accepts it: with -XX:AOTMode=on a cache it cannot use is an error (checked on another classpath)
    def opens(classpath: str) -> int:
        options = aot.command("catalyse.neo4j.FirstLoad")
        options = options[: options.index("-cp")]  # the load's own JVM options, with -XX:AOTCache
        cmd = [*options, "-XX:AOTMode=on", "-cp", classpath, "-version"]
        return subprocess.run(cmd, capture_output=True, timeout=120).returncode

    assert opens(aot.classpath) == 0
    assert opens(str(tmp_path)) != 0
    assert f"-XX:AOTCache={cache}" in aot.command("catalyse.neo4j.FirstLoad")
    assert dataclasses.replace(aot, heap="2g").aot_cache() != cache  # another heap, another cache

    data, _, _, fixture_home, _, reference = loaded
    home = tmp_path / "home"
    first_load(data, home, tool=aot, warmup=True)
    log = (home / "logs" / "first-load.log").read_text(encoding="utf-8")
    assert f"-XX:AOTCache={cache}" in log and "IMPORT EXIT 0" in log and "SCHEMA ONLINE" in log
    assert "[error]" not in log and "WARNING: A restricted method" not in log
    password = secrets.token_urlsafe(18)
    server = Neo4jServer(port=free_port(), data_dir=home, password=password, heap="1g").start(timeout=300)
    try:
        with Neo4jStore(server.uri, password=password) as store:
            assert store.dataset() == data.sorted()
            assert graph_dump(store.driver) == graph_dump(reference.driver)
            assert schema_dump(store.driver) == schema_dump(reference.driver)
    finally:
        server.stop()

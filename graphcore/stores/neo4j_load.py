"""A first load of a new Neo4j database through Neo4j's offline importer (``neo4j-admin database import full``).

`first_load` writes a validated `Dataset` into a Neo4j home whose database does not exist yet, with the server
stopped: it writes de-duplicated CSV files with typed headers (every property exactly as `Neo4jStore.write` stores
it: strings, floats, booleans, dates, lists of strings, no property for a missing value), runs Neo4j's importer on
them, then opens the database once, without any network connector, to run the store's schema statements
(`neo4j_store.SCHEMA`, and the empty lists the importer cannot write) and wait for the indexes to be online.
The result is the graph `Neo4jStore.write` makes on an empty database, several times faster for a national
network (figures: bench/bench_neo4j_first_load.py).

All or nothing: a reference to an unknown organisation, two different records with one key, a running server or
an existing database are refused before anything is written; if the importer or the schema step fails, the
database it was creating is removed again.

The importer is Neo4j's own ``org.neo4j.cli.AdminTool`` run by ``java`` on a classpath that holds the
``neo4j-import-tool`` artifact and catalyse's ``catalyse.neo4j.FirstLoad`` entry point (the importer, then the
schema step, in one JVM): the launcher of ``tools/neo4j`` (``python tools/neo4j/server.py build``) is one, found
by `AdminTool.default`. For a large load the JVM starts first and imports a small sample into a throwaway home
while the files are written, so that the real import runs on compiled code (`WARMUP_SAMPLE`). With Java 25 or later
the JVM also starts on an ahead-of-time cache of the importer's classes and method profiles, once it is trained
(`train_aot_cache`, ``catalyse neo4j cache``).

Examples
--------
>>> cells = [_cell(v) for v in ("A \\"b\\", c", 2.5, True, None, _dt.date(2020, 1, 2), ("SDG7", "SDG11"))]
>>> cells[:5]
['"A ""b"", c"', '2.5', 'true', '', '2020-01-02']
>>> cells[5] == '"SDG7' + ARRAY_DELIMITER + 'SDG11"'
True
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import fcntl
import functools
import gc
import hashlib
import operator
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Dataset, Organisation
from .base import ENTITIES, IntegrityError, Progress, StoreError, WriteSummary, check_unique_keys, missing_references
from .neo4j_store import EXTRA, SCHEMA, _alliance_props, _intro_props, _org_props
from .sqlite_store import search_key

#: Separates the items of a list property in a CSV cell: a control character that validated text does not hold
#: (a value holding it is refused, see `_cell`).
ARRAY_DELIMITER = "\x1e"
DEFAULT_DATABASE = "neo4j"
LOG_NAME = "first-load.log"  # under HOME/logs: the importer's and the schema step's output, appended per load

# Neo4jStore.write stores an empty list as an empty list property; the importer writes no property for an empty
# cell. These fixed statements give the nodes of a fresh load their empty lists (every organisation has `themes`
# and `tags`, every catalyser `metiers`, every alliance `themes`: `_org_props` and friends always set them).
EMPTY_LISTS = {
    ("organisations", "themes"): "MATCH (n:Organisation) WHERE n.themes IS NULL SET n.themes = []",
    ("organisations", "tags"): "MATCH (n:Organisation) WHERE n.tags IS NULL SET n.tags = []",
    ("catalysers", "metiers"): "MATCH (n:Catalyser) WHERE n.metiers IS NULL SET n.metiers = []",
    ("alliances", "themes"): "MATCH (n:Alliance) WHERE n.themes IS NULL SET n.themes = []",
}

_NEO4J_TYPES = {str: "string", bool: "boolean", int: "long", float: "double", _dt.date: "date"}
_DATABASE_NAME = re.compile(r"^[a-z][a-z0-9.\-]{2,62}$")


class FirstLoadError(StoreError):
    """A first load refused (running server, existing database, bad data) or failed; nothing was written."""


#: The first Java whose JVM keeps an ahead-of-time cache of the classes it loaded and linked and of its method
#: profiles (JEP 483 and 515, Java 24–25): a first load started on such a cache skips most of the class loading
#: and compiles the importer's hot code sooner (`train_aot_cache`).
AOT_JAVA = 25
#: The generated territory (organisations, ties) an AOT cache is trained on: about 30 s on the 2-core machine.
AOT_TRAINING = (10_000, 100_000)


@dataclass(frozen=True)
class AdminTool:
    """How to run Neo4j's importer and catalyse's schema step: ``java -cp CLASSPATH``.

    `classpath` must hold Neo4j 5's jars with ``neo4j-import-tool`` and ``catalyse.neo4j.FirstLoad``
    (tools/neo4j: ``target/launcher.jar:target/lib/*``); `heap` is the Java heap of each step. With Java 25 or
    later, the JVM starts on the AOT cache of `aot_dir` made for this Java and classpath (`train_aot_cache`), if
    there is one; `aot_output`, when set, is where the JVM records a new cache as it exits (the training run).
    """

    classpath: str
    java: str | None = None
    heap: str = "1g"
    aot_dir: Path | None = None
    aot_output: Path | None = None

    @classmethod
    def default(cls) -> AdminTool:
        """``CATALYSE_NEO4J_CLASSPATH`` if set, else the launcher built in this checkout's tools/neo4j; Java from
        ``CATALYSE_NEO4J_JAVA`` (a ``java`` or the Java home holding it), else ``JAVA_HOME``, else ``PATH``; the AOT
        caches under ``$XDG_CACHE_HOME/catalyse`` (default ``~/.cache/catalyse``)."""
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "catalyse" / "neo4j-first-load"
        cp = os.environ.get("CATALYSE_NEO4J_CLASSPATH")
        if cp:
            return cls(cp, aot_dir=cache)
        target = Path(__file__).resolve().parents[2] / "tools" / "neo4j" / "target"
        if not (target / "launcher.jar").exists() or not any((target / "lib").glob("neo4j-import-tool-*.jar")):
            raise FirstLoadError(
                f"Neo4j's importer is not built in {target}: run `python tools/neo4j/server.py build` "
                "(Java 17 and Maven) or set CATALYSE_NEO4J_CLASSPATH"
            )
        return cls(f"{target / 'launcher.jar'}{os.pathsep}{target / 'lib'}/*", aot_dir=cache)

    def java_binary(self) -> str:
        return self.java or _java()

    def aot_cache(self) -> Path | None:
        """The AOT cache file of this Java, classpath and heap (which need not exist yet); None before Java 25 or
        without an `aot_dir`. Its name is a digest of the Java build and of every jar's path, size and time, as
        the JVM itself checks them: a rebuilt launcher or another Java gets a cache of its own."""
        if self.aot_dir is None:
            return None
        java = self.java_binary()
        major, version = java_version(java)
        if major < AOT_JAVA:
            return None
        digest = hashlib.sha256("\n".join([java, version, self.heap, *_jars(self.classpath)]).encode())
        return Path(self.aot_dir) / f"first-load-{digest.hexdigest()[:16]}.aot"

    def command(self, main_class: str, *args: str) -> list[str]:
        java = self.java_binary()
        cmd = [java, f"-Xmx{self.heap}", "-XX:+UseG1GC"]
        if java_version(java)[0] >= 24:  # Neo4j 5's off-heap memory and JNA: allowed, without a warning per run
            cmd += ["--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"]
        if self.aot_output is not None:
            cmd.append(f"-XX:AOTCacheOutput={self.aot_output}")
        else:
            cache = self.aot_cache()
            if cache is not None and cache.exists():
                cmd += [f"-XX:AOTCache={cache}", "-Xlog:aot*=error"]  # adapters it cannot reuse: not worth a line
        return [*cmd, "-cp", self.classpath, main_class, *args]


def _jars(classpath: str) -> list[str]:
    """``path size mtime`` of each file of `classpath` (a ``dir/*`` entry: its jars, in order)."""
    found = []
    for entry in classpath.split(os.pathsep):
        paths = sorted(Path(entry[:-1]).glob("*.jar")) if entry.endswith("*") else [Path(entry)]
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                found.append(f"{path} -")
            else:
                found.append(f"{path} {st.st_size} {st.st_mtime_ns}")
    return found


def java_major(version_text: str) -> int:
    """The major version in the output of ``java -version``.

    >>> java_major('openjdk version "17.0.15" 2025-04-15'), java_major('java version "1.8.0_381"')
    (17, 8)
    """
    m = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if not m:
        raise FirstLoadError(f"not a Java runtime: `java -version` printed {version_text.strip()[:200]!r}")
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


@functools.lru_cache(maxsize=8)
def java_version(java: str) -> tuple[int, str]:
    """(major version, the whole output of ``java -version``) of the `java` binary."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise FirstLoadError(f"cannot run {java}: {exc}") from None
    text = (out.stderr or out.stdout).strip()
    return java_major(text), text


@dataclass
class FirstLoad:
    """What `first_load` did: the database directory it created, what it holds, and how long each step took."""

    database_dir: Path
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)  # "csv", "import", "schema"
    summary: WriteSummary = field(default_factory=WriteSummary)  # everything new


def _java() -> str:
    given = os.environ.get("CATALYSE_NEO4J_JAVA")
    if given:
        path = Path(given)
        if path.is_dir():
            path = path / "bin" / "java"
        if not path.is_file():
            raise FirstLoadError(f"CATALYSE_NEO4J_JAVA={given}: no such java (give a java or the Java home holding it)")
        return str(path)
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise FirstLoadError("'java' not found on PATH: Neo4j's importer needs Java 17")
    return found


def database_dir(home: str | os.PathLike, database: str = DEFAULT_DATABASE) -> Path:
    """Where Neo4j keeps the store files of `database` in the DBMS home `home` (its default layout)."""
    return Path(home).resolve() / "data" / "databases" / database


def _locked(path: Path) -> bool:
    """True if another process holds a lock on `path` (Neo4j locks its store with fcntl, like `lockf`)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _holds_files(directory: Path, ignore: Iterable[str] = ()) -> bool:
    try:
        return any(p.name not in set(ignore) for p in directory.iterdir())
    except FileNotFoundError:
        return False


def check_loadable(home: str | os.PathLike, database: str = DEFAULT_DATABASE) -> None:
    """Raise `FirstLoadError` unless `database` of the Neo4j home `home` can be created by a first load: no Neo4j
    running on the home, and no such database there yet."""
    if not _DATABASE_NAME.match(database):
        raise FirstLoadError(f"invalid Neo4j database name {database!r} (3 to 63 of a-z, 0-9, '.', '-')")
    root = Path(home).resolve()
    db_dir = database_dir(root, database)
    if _locked(root / "data" / "databases" / "store_lock") or _locked(db_dir / "database_lock"):
        raise FirstLoadError(
            f"a Neo4j server is running on {root}: stop it first (a first load writes the database offline)"
        )
    if _holds_files(db_dir, ignore=("database_lock",)) or _holds_files(root / "data" / "transactions" / database):
        raise FirstLoadError(
            f"{root} already holds the Neo4j database {database!r}: a first load only creates a new database "
            "(add to an existing one with Neo4jStore.write, or remove it first); nothing was written"
        )


# -- CSV ------------------------------------------------------------------------------------------------------------
def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _cell(value) -> str:
    """One CSV cell as Neo4j's importer reads it (quotes doubled, nothing escaped by a backslash): None is an
    empty cell (no property); every string is quoted (an empty string stays one); a list joins its items with
    `ARRAY_DELIMITER`."""
    if value is None:
        return ""
    t = type(value)
    if t is str:
        return _q(value)
    if t is bool:
        return "true" if value else "false"
    if t is float:
        return repr(value)
    if t is int or t is _dt.date:
        return str(value)
    if t is list or t is tuple:
        if not value:
            return ""
        if any(type(v) is not str for v in value) or any(ARRAY_DELIMITER in v for v in value):
            raise FirstLoadError(f"list {list(value)!r}: a first load writes lists of text without control characters")
        return _q(ARRAY_DELIMITER.join(value))
    raise FirstLoadError(f"value {value!r} of type {t.__name__}: not a property type a first load writes")


def _line(row: list) -> str:
    """A CSV line of `_cell`s (text, the common case, formatted inline)."""
    return (
        ",".join(["" if v is None else '"' + v.replace('"', '""') + '"' if type(v) is str else _cell(v) for v in row])
        + "\n"
    )


def _neo4j_type(t: type) -> str:
    if t in (list, tuple):
        return "string[]"
    return _NEO4J_TYPES[t]


@dataclass
class ImportFiles:
    """The CSV files of one load: the importer's ``--nodes=…`` / ``--relationships=…`` arguments, the files that
    hold a line break inside a value (read as multi-line, slower), and the statements to run after the import."""

    args: list[str] = field(default_factory=list)
    multiline: list[Path] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


class _Files:
    """Writes the CSV files of one load into `directory`, naming them in `files`."""

    def __init__(self, directory: Path):
        self.dir, self.files, self.n = directory, ImportFiles(), 0

    def write(self, option: str, what: str, keys: list[str], names: list[str], rows: list[list]) -> None:
        """Write `rows` (the structural cells first, one per name of `keys`, then one Python value per property of
        `names`) as one file per combination of property types (a column holding floats in some rows and integers
        in others goes to two files, so that each value keeps its own type, as Cypher keeps it)."""
        if not rows:
            return
        k = len(keys)
        types = [{type(r[j]) for r in rows} - {type(None)} for j in range(k, k + len(names))]
        mixed = [j for j, ts in enumerate(types) if len(ts) > 1]
        groups: dict[tuple, list[list]] = {}
        if mixed:
            for r in rows:
                groups.setdefault(tuple(type(r[k + j]) for j in mixed), []).append(r)
        else:
            groups[()] = rows
        for signature, group in groups.items():
            chosen = dict(zip(mixed, signature))
            header = list(keys)
            for j, name in enumerate(names):
                t = chosen.get(j) or next(iter(types[j]), str)
                if t is type(None):  # no row of this group has it: any type will do
                    t = str
                header.append(f"{name}:{_neo4j_type(t)}")
            lines = list(map(_line, group))
            self.save(option, what, header, lines, any(ln.count("\n") > 1 or "\r" in ln for ln in lines))

    def save(self, option: str, what: str, header: list[str], lines: list[str], multiline: bool) -> None:
        """One file of formatted `lines` under `header`; `multiline`: a value holds a line break."""
        if not lines:
            return
        self.n += 1
        path = self.dir / f"{self.n:02d}-{option.lower().replace(':', '-')}.csv"
        head = ",".join(map(_q, header)) + "\n"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(head)
            fh.writelines(lines)
        self.files.args.append(f"--{what}={option}={path}")
        if multiline or head.count("\n") > 1 or "\r" in head:
            self.files.multiline.append(path)


_TIE_FIELDS = ("source", "target", "key", "type", "directed", "weight", "start", "end", "provenance", "confidence")


class _Formatted(dict):
    """Value → its CSV cell, each distinct value formatted once (`fmt` raises `_SlowPath` for a value of another
    type than the fast path's)."""

    def __init__(self, fmt):
        super().__init__({None: ""})
        self.fmt = fmt

    def __missing__(self, value):
        cell = self[value] = self.fmt(value)
        return cell


class _SlowPath(Exception):
    pass


def _typed(t: type, fmt):
    def check(value):
        if type(value) is not t:
            raise _SlowPath()
        return fmt(value)

    return check


def _tie_lines(ties: list) -> tuple[list[str], bool] | None:
    """Lines of the TIE file, and whether a value holds a line break, when every tie has the types of a validated
    one (text, a boolean, a float weight, a float or no confidence, dates or none, text or no provenance); else
    None.

    Each distinct value is formatted once (a million ties hold a few thousand dates, weights, types and
    provenances, and 100,000 organisation ids): a line is then ten dictionary look-ups. Weights, confidences and
    flags are type-checked first: ``1 == 1.0 == True`` would share one formatted cell.
    """
    rows = list(map(operator.attrgetter(*_TIE_FIELDS), ties))
    for j, ok in ((4, {bool}), (5, {float}), (9, {float, type(None)})):
        if not set(map(type, map(operator.itemgetter(j), rows))) <= ok:
            return None
    text = _Formatted(_typed(str, _q))
    number = _Formatted(repr)
    day = _Formatted(_typed(_dt.date, _dt.date.isoformat))
    flag, dq = {True: "true", False: "false"}, '"'
    try:
        lines = [
            f"{text[s]},{text[t]},{_q(k) if dq in k else dq + k + dq},{text[ty]},{flag[d]},{number[w]},"
            f"{day[st]},{day[en]},{text[p]},{number[c]}\n"
            for s, t, k, ty, d, w, st, en, p, c in rows
        ]
    except _SlowPath:
        return None
    return lines, any("\n" in v or "\r" in v for v in text if v)  # ids, keys and types hold no line break


#: The properties of an organisation node besides `id` (`_org_props`), then its ``extra.<column>``s.
ORG_PROPERTIES = ("name", "sector", "commune", "epci", "departement", "region", "lat", "lon", "themes", "tags",
                  "siren", "siret", "rna", "website", "search_key")  # fmt: skip
TIE_PROPERTIES = ("key", "type", "directed", "weight", "start", "end", "provenance", "confidence")


def _known(keys: Iterable[str], columns: Iterable[str], what: str) -> None:
    """Every property the online write stores has its column here (a property added to the store and not to the
    first load would otherwise be dropped without a word)."""
    unknown = set(keys) - set(columns)
    if unknown:
        raise FirstLoadError(f"{what} properties {sorted(unknown)} have no column in the first load's files")


_ORG_FIELDS = ("id", *ORG_PROPERTIES[:-1])  # the attributes behind the columns before search_key
# every field set: its properties in the online write are the columns `_org_files` writes (checked at each load)
_FULL_ORG = Organisation(
    "id", "n", "association", "c", "e", "d", "r", 1.0, 2.0, ("t",), ("g",), "s", "s", "w", "w", extra={"x": "y"}
)


def _org_files(files: _Files, orgs: list, cats: dict, fixes: set) -> bool:
    """Write the organisation files straight from the records when every value has a validated record's type
    (text or none, float coordinates or none, tuples of text, text extras); else write nothing and return False.

    The same files as `_org_files_generic` (a test compares them byte for byte), without a property dict per
    organisation: a line is formatted from the record's attributes.
    """
    _known(_org_props(_FULL_ORG), ("id", *ORG_PROPERTIES, *(EXTRA + k for k in _FULL_ORG.extra)), "organisation")
    rows = list(map(operator.attrgetter(*_ORG_FIELDS), orgs))
    for j, name in enumerate(_ORG_FIELDS):
        allowed = {float, type(None)} if name in ("lat", "lon") else {tuple} if name in ("themes", "tags") else None
        found = set(map(type, map(operator.itemgetter(j), rows)))
        if not found <= (allowed or {str, type(None)}):
            return False
    extra_names = sorted({k for o in orgs for k in o.extra})
    if any(type(v) is not str for o in orgs for v in o.extra.values()):
        return False
    lists = [v for r in rows for v in (r[9], r[10])] + [c.metiers for c in cats.values()]
    if any(type(x) is not str or ARRAY_DELIMITER in x for v in lists for x in v):
        return False
    # a column of empty cells is typed string, as the generic path types it
    coords = {name: any(r[j] is not None for r in rows) for j, name in ((7, "lat"), (8, "lon"))}
    header = ["id:ID(Organisation)"]
    for name in ORG_PROPERTIES:
        t = "string[]" if name in ("themes", "tags") else "double" if coords.get(name) else "string"
        header.append(f"{name}:{t}")
    header += [f"{EXTRA}{k}:string" for k in extra_names]

    def q(v: str | None) -> str:
        return "" if v is None else '"' + v.replace('"', '""') + '"'

    def items(v: tuple) -> str:
        return '"' + ARRAY_DELIMITER.join(v).replace('"', '""') + '"' if v else ""

    plain, catalysing = [], []
    empty = {"themes": False, "tags": False, "metiers": False}
    for o, r in zip(orgs, rows):
        i, name, sector, commune, epci, dep, reg, lat, lon, themes, tags, siren, siret, rna, web = r
        if not themes:
            empty["themes"] = True
        if not tags:
            empty["tags"] = True
        extra = o.extra
        line = ",".join(
            [
                q(i), q(name), q(sector), q(commune), q(epci), q(dep), q(reg),
                "" if lat is None else repr(lat), "" if lon is None else repr(lon),
                items(themes), items(tags), q(siren), q(siret), q(rna), q(web), q(search_key(o)),
                *(q(extra.get(k)) for k in extra_names),
            ]
        )  # fmt: skip
        c = cats.get(i)
        if c is None:
            plain.append(line + "\n")
        else:
            if not c.metiers:
                empty["metiers"] = True
            catalysing.append(f"{line},{items(tuple(c.metiers))}\n")
    fixes.update(("catalysers" if k == "metiers" else "organisations", k) for k, v in empty.items() if v)
    for option, head, lines in (
        ("Organisation", header, plain),
        ("Organisation:Catalyser", [*header, "metiers:string[]"], catalysing),
    ):
        files.save(option, "nodes", head, lines, any(ln.count("\n") > 1 or "\r" in ln for ln in lines))
    return True


def _org_files_generic(files: _Files, orgs: list, cats: dict, fixes: set) -> None:
    """The organisation files from `_org_props`, the online write's own properties, value by value."""
    org_props = [_org_props(o) for o in orgs]
    keys = {k for p in org_props for k in p}
    extra = sorted(k for k in keys if k.startswith("extra."))
    _known(keys - set(extra), ("id", *ORG_PROPERTIES), "organisation")
    names = list(ORG_PROPERTIES)
    names += extra
    plain, catalysing = [], []
    for p in org_props:
        row = [p["id"], *(p.get(n) for n in names)]
        for n in ("themes", "tags"):
            if not p[n]:
                fixes.add(("organisations", n))
        c = cats.get(p["id"])
        if c is None:
            plain.append(row)
        else:
            if not c.metiers:
                fixes.add(("catalysers", "metiers"))
            catalysing.append([*row, list(c.metiers)])
    id_org = ["id:ID(Organisation)"]
    files.write("Organisation", "nodes", id_org, names, plain)
    files.write("Organisation:Catalyser", "nodes", id_org, [*names, "metiers"], catalysing)


def write_import_files(data: Dataset, directory: str | os.PathLike, *, progress: Progress | None = None) -> ImportFiles:
    """Write `data` (checked: unique keys, known references) as the importer's CSV files into `directory`.

    Nodes: ``Organisation`` (``Organisation:Catalyser`` for catalysers, with ``metiers``), ``Alliance``,
    ``Introduction``, each keyed by its ``id`` in its own id space; relationships ``TIE``, ``MEMBER_OF`` {role},
    ``BY`` and ``BETWEEN``, as `Neo4jStore.write` creates them.
    """
    tick = progress or (lambda n: None)
    files = _Files(Path(directory))
    fixes: set[tuple[str, str]] = set()
    cats = {c.org: c for c in data.catalysers}
    if not _org_files(files, data.organisations, cats, fixes):
        _org_files_generic(files, data.organisations, cats, fixes)
    tick(len(data.organisations))
    tick(len(data.catalysers))

    alliance_names = ["name", "themes", "commune", "epci", "departement", "region", "start", "end", "status"]
    rows, members = [], []
    for a in data.alliances:
        p = _alliance_props(a)
        _known(p, ("id", *alliance_names), "alliance")
        if not p["themes"]:
            fixes.add(("alliances", "themes"))
        rows.append([p["id"], *(p.get(n) for n in alliance_names)])
        members += [[m.org, a.id, m.role] for m in a.members]
    files.write("Alliance", "nodes", ["id:ID(Alliance)"], alliance_names, rows)
    files.write("MEMBER_OF", "relationships", [":START_ID(Organisation)", ":END_ID(Alliance)"], ["role"], members)
    tick(len(data.alliances))

    intro_names = ["catalyser", "a", "b", "date", "note", "outcome"]
    rows, by, between = [], [], []
    for i in data.introductions:
        p = _intro_props(i)
        _known(p, ("id", *intro_names), "introduction")
        rows.append([p["id"], *(p.get(n) for n in intro_names)])
        by.append([i.id, i.catalyser])
        between += [[i.id, i.a], [i.id, i.b]]
    files.write("Introduction", "nodes", ["id:ID(Introduction)"], intro_names, rows)
    ends = [":START_ID(Introduction)", ":END_ID(Organisation)"]
    files.write("BY", "relationships", ends, [], by)
    files.write("BETWEEN", "relationships", ends, [], between)
    tick(len(data.introductions))

    tie_ends = [":START_ID(Organisation)", ":END_ID(Organisation)"]
    # In the order they sit in memory (CPython's id): validated records are sorted by key, far from the order they
    # were made in, and a million ties read in key order miss the processor's caches at every one (W2: 4.3 s of
    # lines in list order, 3.2 s + 0.6 s of sorting in memory order). The importer takes relationships in any order.
    ties = sorted(data.ties, key=id)
    fast = _tie_lines(ties)
    if fast is not None:
        header = [*tie_ends, "key:string", "type:string", "directed:boolean", "weight:double", "start:date",
                  "end:date", "provenance:string", "confidence:double"]  # fmt: skip
        files.save("TIE", "relationships", header, *fast)
    else:
        rows = [
            [t.source, t.target, t.key, t.type, t.directed, t.weight, t.start, t.end, t.provenance, t.confidence]
            for t in ties
        ]
        files.write("TIE", "relationships", tie_ends, list(TIE_PROPERTIES), rows)
    tick(len(data.ties))
    files.files.statements = [EMPTY_LISTS[f] for f in sorted(fixes)]
    return files.files


# -- the load -------------------------------------------------------------------------------------------------------
_IMPORTED = re.compile(r"Imported:\s+(\d+) nodes\s+(\d+) relationships", re.S)


class _Java:
    """The JVM of one load, started before its input is ready: its output goes to `log_path` and, line by line, to
    `on_line`, read by a thread from the start (a warm-up prints while the caller is still writing the files);
    `finish` gives it its standard input and waits for it."""

    def __init__(self, cmd: list[str], log_path: Path, env: dict, on_line: Callable[[str], None]):
        self.lines: list[str] = []
        self.on_line = on_line
        self.log = open(log_path, "a", encoding="utf-8")
        shown = cmd[: cmd.index("-cp")] if "-cp" in cmd else cmd[:6]  # the JVM's options, not its long classpath
        self.log.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(shown)} …\n")
        self.log.flush()
        try:
            self.proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=env,
            )
        except BaseException:
            self.log.close()
            raise
        self.reader = threading.Thread(target=self._read, name="catalyse-first-load-output", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None  # a pipe (PIPE above)
        for line in stdout:
            self.log.write(line)
            self.lines.append(line)
            self.on_line(line)

    def finish(self, stdin_text: str) -> tuple[int, str]:
        """Write `stdin_text` to the JVM's input, close it, wait for the JVM: its exit status and its output."""
        stdin = self.proc.stdin
        assert stdin is not None  # a pipe (PIPE above)
        try:
            try:
                stdin.write(stdin_text)
                stdin.close()
            except BrokenPipeError:  # the JVM ended early: its output says why
                pass
            self.reader.join()
            rc = self.proc.wait()
        except BaseException:  # interrupted: stop the JVM before the caller removes what it was writing
            self.kill()
            raise
        self.log.close()
        return rc, "".join(self.lines)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.reader.join()
        self.log.close()


def _reason(output: str) -> str:
    """The importer's or schema step's own words for a failure: its last meaningful lines, on one line."""
    lines = [
        ln.strip()
        for ln in output.splitlines()
        if ln.strip() and not ln.lstrip().startswith(("at ", "...", "-", ".")) and "%" not in ln
    ]
    errors = [ln for ln in lines if "ERROR" in ln or "rror" in ln or "xception" in ln]
    return " ".join((errors or lines)[-3:])[:500] or "no output"


def _references_known(data: Dataset) -> bool:
    """True if every organisation `data` refers to is one of its own (sets of ids: `missing_references` builds
    a row per reference, 2 s for a million ties; it runs only to name the missing ones)."""
    own = data.org_ids()
    get = operator.attrgetter
    return (
        own.issuperset(map(get("source"), data.ties))
        and own.issuperset(map(get("target"), data.ties))
        and own.issuperset(map(get("org"), data.catalysers))
        and all(own.issuperset(m.org for m in a.members) for a in data.alliances)
        and all(i.catalyser in own and i.a in own and i.b in own for i in data.introductions)
    )


#: A load of this many ties or more warms the importer up on a sample while its files are written (below it, the
#: files are written faster than the sample is imported, and a cold import is short anyway).
WARMUP_TIES = 200_000
#: Ties of that sample, imported with one importer thread so that the JVM leaves a core to the files being written.
#: Measured at W2 (`first_load` in pairs of runs, with and without): 5,000 leaves the import half cold, 20,000 slows
#: the files more than it speeds the import; 10,000 took the offline load from 53,000–60,000 to 62,000–68,000
#: ties/s on a fast phase of the 2-core machine (bench/bench_neo4j_first_load.py: 48,000–56,000 on slower ones).
WARMUP_SAMPLE = 10_000


def _sample(data: Dataset) -> Dataset:
    """The first `WARMUP_SAMPLE` ties of `data` and the organisations (and catalysers) at their ends: the same
    columns and types as the real files, for the warm-up."""
    ties = data.ties[:WARMUP_SAMPLE]
    ends = {t.source for t in ties} | {t.target for t in ties}
    return Dataset(
        [o for o in data.organisations if o.id in ends], [c for c in data.catalysers if c.org in ends], [], ties, []
    )


def _import_args(files: ImportFiles, work: Path) -> list[str]:
    """The importer's arguments for `files` (written into `work`), one per item."""
    multiline = ["--multiline-fields-format=v2", "--multiline-fields=" + ",".join(map(str, files.multiline))]
    return [
        *(multiline if files.multiline else []),
        f"--array-delimiter={ARRAY_DELIMITER}",
        "--delimiter=,",
        '--quote="',
        "--trim-strings=false",
        "--ignore-empty-strings=false",
        "--legacy-style-quoting=false",
        "--skip-duplicate-nodes=false",
        "--skip-bad-relationships=false",
        "--input-encoding=UTF-8",
        f"--report-file={work / 'import.report'}",
        *files.args,
    ]


def expected_counts(data: Dataset) -> tuple[int, int]:
    """(nodes, relationships) a first load of `data` creates."""
    nodes = len(data.organisations) + len(data.alliances) + len(data.introductions)
    rels = len(data.ties) + sum(len(a.members) for a in data.alliances) + 3 * len(data.introductions)
    return nodes, rels


def first_load(
    data: Dataset,
    home: str | os.PathLike,
    *,
    database: str = DEFAULT_DATABASE,
    tool: AdminTool | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    workdir: str | os.PathLike | None = None,
    warmup: bool | None = None,
) -> FirstLoad:
    """Create the Neo4j database `database` of the home `home` (the directory a stopped server runs on: tools/neo4j
    ``server.py start --data HOME``) from `data`, offline; then create the store's constraints and indexes.

    Parameters
    ----------
    data : Dataset
        Validated records (`importers`): identical duplicates are collapsed, conflicting ones refused, and every
        reference must be to an organisation of `data` (`IntegrityError` otherwise).
    home : path
        The DBMS home; created if missing. Its database `database` must not exist, and no server may run on it.
    tool : AdminTool, optional
        How to run Neo4j's importer (default `AdminTool.default`).
    progress : callable, optional
        Called with a number of rows as the CSV files are written (organisations, catalysers, alliances,
        introductions, ties), like `Store.write`'s `progress`.
    log : callable, optional
        Called with a line naming each step as it starts.
    workdir : path, optional
        Where the temporary CSV files go (default: the system's temporary directory); removed afterwards.
    warmup : bool, optional
        Start Neo4j's importer first on a sample of `data` (`WARMUP_SAMPLE` ties, into a throwaway home) while the
        real files are written, so that the real import runs on compiled code (default: for `WARMUP_TIES` ties or
        more). The database written is the same either way.

    Returns
    -------
    FirstLoad
        The database directory, the counts written and the seconds of each step.

    Raises
    ------
    FirstLoadError
        A server running on `home`, an existing database, a value the CSV cannot carry, or a failed step (the
        message gives the importer's reason and its log, ``HOME/logs/first-load.log``); nothing stays written.
    IntegrityError
        A reference to an organisation that `data` does not hold.
    """
    say = log or (lambda line: None)
    tool = tool or AdminTool.default()
    cache = None if tool.aot_output else tool.aot_cache()
    if cache is not None and not cache.exists():
        say("no AOT cache for this Java and launcher: `catalyse neo4j cache` (once) makes the next loads faster")
    root = Path(home).resolve()
    check_loadable(root, database)
    data = check_unique_keys(data)
    if not data.organisations:
        raise FirstLoadError("nothing to load: a first load needs organisations")
    if not _references_known(data):
        raise IntegrityError(missing_references(data, lambda ids: set()))
    root.mkdir(parents=True, exist_ok=True)
    (root / "logs").mkdir(exist_ok=True)
    log_path = root / "logs" / LOG_NAME
    db_dir = database_dir(root, database)
    seconds: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="catalyse-first-load-", dir=workdir))
    created = False
    java: _Java | None = None
    try:
        if "," in str(work) or "\n" in str(work):
            raise FirstLoadError(
                f"the temporary directory {work} has a comma or a line break in its path: give another workdir"
            )
        conf = work / "conf"
        conf.mkdir()
        (conf / "neo4j.conf").write_text("", encoding="utf-8")
        t0 = time.perf_counter()
        marks: dict[str, float] = {}

        def on_line(line: str) -> None:
            if line.startswith("IMPORT EXIT"):
                marks["import"] = time.perf_counter()
                if line.startswith("IMPORT EXIT 0"):
                    say("creating the constraints and indexes")

        options = ["--home", str(root), "--conf", str(conf), "--database", database]
        sample = _sample(data) if (len(data.ties) >= WARMUP_TIES if warmup is None else warmup) else None
        if sample is not None and sample.organisations:
            # the importer's code compiled on a sample while the real files are written (one JVM for both)
            warm = work / "warmup"
            warm.mkdir()
            args = ["--threads=1", *_import_args(write_import_files(sample, warm), warm)]
            (warm / "args").write_text("\n".join(args) + "\n", encoding="utf-8")
            options += ["--warmup", str(warm)]
        cmd = tool.command("catalyse.neo4j.FirstLoad", *options)
        # Below the files' priority (nice 10): the warm-up takes the core Python leaves, instead of half of both.
        # W2 with the AOT cache, in pairs of runs: files in 7.6–8.2 s instead of 9.9–10.3 s, the offline load at
        # 57,000–63,000 ties/s instead of 53,000–55,000. The import itself runs once Python is done, so it is as fast
        # on an idle machine; on a busy one, it yields to the other work.
        nice = shutil.which("nice")
        java = _Java(
            [nice, "-n", "10", *cmd] if nice else cmd,
            log_path,
            dict(os.environ, NEO4J_HOME=str(root), NEO4J_CONF=str(conf)),
            on_line,
        )
        say(f"writing the import files into {work}")
        gc_was = gc.isenabled()
        gc.disable()  # millions of new rows and lines, none of them cyclic: collections would only cost time
        try:
            files = write_import_files(data, work, progress=progress)
        finally:
            if gc_was:
                gc.enable()
        seconds["csv"] = time.perf_counter() - t0

        say(f"importing into {db_dir}")
        stdin = "\n".join([*_import_args(files, work), "--", *files.statements, *SCHEMA.values()]) + "\n"
        created = True
        rc, out = java.finish(stdin)
        java = None
        end = time.perf_counter()
        found = _IMPORTED.search(out.split("WARMUP EXIT", 1)[-1])
        if "IMPORT EXIT 0" not in out or not found:
            raise FirstLoadError(f"Neo4j's importer failed (exit {rc}): {_reason(out)}; see {log_path}")
        nodes, rels = expected_counts(data)
        if (int(found.group(1)), int(found.group(2))) != (nodes, rels):
            raise FirstLoadError(
                f"Neo4j's importer wrote {found.group(1)} nodes and {found.group(2)} relationships instead of "
                f"{nodes} and {rels}; see {log_path}"
            )
        if rc != 0 or "SCHEMA ONLINE" not in out:
            raise FirstLoadError(f"creating the constraints failed (exit {rc}): {_reason(out)}; see {log_path}")
        seconds["import"] = marks["import"] - t0 - seconds["csv"]
        seconds["schema"] = end - marks["import"]
    except BaseException:
        if java is not None:
            java.kill()
        if created:  # the database did not exist before this load: remove what the load wrote of it
            shutil.rmtree(db_dir, ignore_errors=True)
            shutil.rmtree(root / "data" / "transactions" / database, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counts = data.counts()
    summary = WriteSummary()
    for entity in ENTITIES:
        summary.new[entity] = counts[entity]
    return FirstLoad(db_dir, counts, seconds, summary)


def train_aot_cache(
    tool: AdminTool | None = None,
    *,
    size: tuple[int, int] = AOT_TRAINING,
    log: Callable[[str], None] | None = None,
    workdir: str | os.PathLike | None = None,
) -> Path:
    """Make the AOT cache of `tool` (Java 25 or later): a first load of a generated territory of `size`
    (organisations, ties; `graphcore.demo.generate_territory`) into a throwaway home, with the JVM
    recording the classes it loads and the methods it runs (``-XX:AOTCacheOutput``), then writing them as a cache
    when it exits. Later first loads on the same Java and launcher start on it (`AdminTool.command`).

    Parameters
    ----------
    tool : AdminTool, optional
        The Java and launcher to train (default `AdminTool.default`).
    size : (int, int), optional
        Organisations and ties of the territory (default `AOT_TRAINING`): made up, never the data to load.
    log, workdir
        As `first_load`'s.

    Returns
    -------
    Path
        The cache file, replaced whole (a load running meanwhile keeps the cache it opened).

    Raises
    ------
    FirstLoadError
        Java older than 25, a failed training load, or a JVM that wrote no cache.
    """
    tool = tool or AdminTool.default()
    cache = tool.aot_cache()
    if cache is None:
        java = tool.java_binary()
        raise FirstLoadError(
            f"{java} is Java {java_version(java)[0]}: an AOT cache needs Java {AOT_JAVA} or later "
            "(set CATALYSE_NEO4J_JAVA to its java or Java home)"
            if tool.aot_dir is not None
            else "this AdminTool has no aot_dir to keep a cache in"
        )
    from ..demo import generate_territory

    data = generate_territory(size[0], n_ties=size[1], seed=1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="catalyse-aot-", dir=workdir) as tmp:
        recorded = Path(tmp) / "first-load.aot"
        training = dataclasses.replace(tool, aot_output=recorded)
        first_load(data, Path(tmp) / "home", tool=training, log=log, workdir=tmp, warmup=False)
        if not recorded.is_file():
            output = (Path(tmp) / "home" / "logs" / LOG_NAME).read_text(encoding="utf-8", errors="replace")
            raise FirstLoadError(f"the JVM wrote no AOT cache: {_reason(output)}")
        part = cache.with_name(f"{cache.name}.{os.getpid()}.part")
        shutil.move(recorded, part)
        os.replace(part, cache)
    return cache

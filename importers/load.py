"""Validate files into one `Dataset` and write it to a store: every problem reported, all or nothing.

`import_files` reads every table, maps its headers, validates every row (collecting *all* problems, each with its
file, row and column), checks duplicates across files and references to organisations (in the import or already in
the store), and only then writes everything in one store transaction. Re-running the same import changes nothing.

Alliance members may come in the alliances file (``members`` = ``"org1:lead; org2"``) or in a members file
(``alliance``, ``org``, ``role``): the members listed for an alliance in one import *replace* its membership.
An organisations file may carry a ``metiers`` column: a non-empty one makes the organisation a catalyser.

A catalyser's own spreadsheet (one row per structure, no id column, their own words for the types, partners named
in one cell) is read by `importers.sheet`: ids from names, sectors from words (a sector map first), ties from the
partners column. `validate` also says what each column became (`importers.understood`).
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from typing import cast

from catalyse.graphcore import fields as F
from catalyse.graphcore.model import (
    Alliance,
    Catalyser,
    Dataset,
    Introduction,
    Membership,
    Organisation,
    RecordError,
    Tie,
    membership_from_record,
)
from catalyse.graphcore.sectors import fold_map
from catalyse.graphcore.stores.base import Store, WriteSummary
from catalyse.graphcore.vocab import VocabularyError

from . import placing
from .columns import ALIASES, KINDS, REQUIRED, detect_kind, mapping
from .sheet import SheetContext, SheetPlan, read_sector_map
from .tables import ReadError, Table, read_tables
from .understood import FileReport, report_table

#: Longest cell accepted (characters). A name, a note or an extra column is a few hundred characters; a cell of
#: megabytes is a broken file (an unclosed quote swallowing the rest) or an attack on the store and the views.
MAX_CELL = 100_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the input, located as precisely as possible."""

    file: str
    row: int | None
    column: str | None
    message: str
    row_label: str = "row"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f": {self.row_label} {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """The import was refused; nothing was written. `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}; nothing was imported")


@dataclass
class ImportResult:
    data: Dataset
    summary: WriteSummary | None
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    dry_run: bool = False
    understood: list[FileReport] = field(default_factory=list)  # what each file became (same in a dry run)
    #: organisation rows without coordinates whose commune's position is approximate (`placing.ApproximatePlace`)
    approximate_places: list = field(default_factory=list)


@dataclass
class Validation:
    """What `validate` found: the data to write, warnings, and what each file became."""

    data: Dataset
    warnings: list[str]
    understood: list[FileReport]
    approximate_places: list = field(default_factory=list)  # `placing.ApproximatePlace` rows


_BUILDERS = {
    "organisations": Organisation.from_record,
    "catalysers": Catalyser.from_record,
    "alliances": Alliance.from_record,
    "members": membership_from_record,
    "ties": Tie.from_record,
    "introductions": Introduction.from_record,
}


@dataclass
class _Seen:
    """Where each entity key was first met, to report conflicting duplicates with both places."""

    value: object
    where: tuple[str, int | None, str]


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.items: dict[str, dict[str, _Seen]] = {k: {} for k in KINDS if k != "members"}
        self.members: dict[str, dict[str, tuple[Membership, tuple]]] = {}
        self.refs: list[tuple[str, tuple, str, str]] = []  # (org id, where, column header, what)
        self.members_given: set[str] = set()  # alliances whose membership this import states
        self.approximate: list[placing.ApproximatePlace] = []

    def problem(self, table: Table, row, column, message):
        self.problems.append(Problem(table.where, row, column, message, table.row_label))

    def add(self, kind: str, key: str, value, where: tuple, table: Table, id_column: str | None):
        seen = self.items[kind].get(key)
        if seen is None:
            self.items[kind][key] = _Seen(value, where)
        elif seen.value != value:
            diff = _differences(seen.value, value)
            self.problems.append(
                Problem(
                    table.where,
                    where[1],
                    id_column,
                    f"duplicate {_KIND_NAME[kind]} {_show_key(key)} with conflicting data "
                    f"({diff}); first seen at {_place(seen.where)}",
                    table.row_label,
                )
            )


_KIND_NAME = {
    "organisations": "organisation",
    "catalysers": "catalyser",
    "alliances": "alliance",
    "ties": "tie",
    "introductions": "introduction",
}


def _show_key(key: str) -> str:
    return repr(key.replace("\x1f", " / "))


def _place(where: tuple) -> str:
    file, row, label = where
    return f"{file} {label} {row}" if row is not None else file


def _differences(a, b) -> str:
    fields_ = [f for f in a.__dataclass_fields__ if getattr(a, f) != getattr(b, f)]
    return "differs in " + ", ".join(fields_) if fields_ else "differs"


def _column_for(header_of: dict[str, str], name: str) -> str:
    return header_of.get(name, name)


def _validate_table(table: Table, kind: str, c: _Collector, plan: SheetPlan | None = None, sheet=None) -> dict:
    """Validate one table into the collector; return the keys of what it gave (kind → set)."""
    cols = mapping(kind, table.headers)
    shown = table.hints.get("fields", {})  # a converted map: the field of the original file for each of ours
    header_of = {v: shown.get(v, k) for k, v in cols.items()}
    for row, column, message in table.hints.get("problems", ()):
        c.problem(table, row, column, message)
    keys: dict[str, set] = {kind: set()} if kind != "members" else {"members": set()}
    missing = [
        f
        for f in REQUIRED[kind]
        if f not in header_of
        and not (plan and ((f == "id" and plan.name_header) or (f == "sector" and plan.sector_from_names)))
    ]
    if missing:
        for f in missing:
            aliases = ", ".join(a for a in ALIASES[kind][f][1:4])
            c.problem(
                table,
                1 if table.row_label == "row" else None,
                f,
                f"missing required column {f!r} (or one of: {aliases}) for a {kind} file",
            )
        return keys
    if kind != "organisations":
        extra = [h for h in table.headers if h not in cols]
        if extra:
            c.warnings.append(f"{table.where}: column(s) {', '.join(map(repr, extra))} ignored in a {kind} file")
    if not table.rows:
        c.problem(table, None, None, "the file has a header but no rows")
        return keys
    build = _BUILDERS[kind]
    places_seen = placing.file_context(_records(table, cols)) if kind == "organisations" else None
    for row, cells in table.rows:
        too_long = [h for h, v in cells.items() if isinstance(v, str) and len(v) > MAX_CELL]
        if too_long:
            for h in too_long:
                c.problem(
                    table,
                    row,
                    h,
                    f"a cell of {len(cells[h]):,} characters: at most {MAX_CELL:,} are accepted "
                    "(is the file broken, or a quote left open?)",
                )
            continue
        record = {cols.get(h, h): v for h, v in cells.items()}
        where = (table.where, row, table.row_label)
        refused = sheet.record(plan, row, record) if plan is not None else ()
        for column, message in refused:
            c.problem(table, row, column, message)
        try:
            if kind == "organisations":
                record = _placed(record, places_seen, header_of, table, row, c)
            item = build(record)
        except RecordError as exc:
            for name, message in exc.problems:
                c.problem(table, row, _column_for(header_of, name), message)
            continue
        if refused:  # a row refused for its sector or its name is no organisation others may refer to
            continue
        if kind == "organisations":
            metiers_cell = record.get("metiers")
            c.add("organisations", item.id, item, where, table, plan.key_column if plan else header_of.get("id"))
            keys["organisations"].add(item.id)
            if metiers_cell not in (None, "") and metiers_cell != []:
                try:
                    cat = Catalyser.from_record({"id": item.id, "metiers": metiers_cell})
                    c.add("catalysers", cat.org, cat, where, table, header_of.get("metiers"))
                    keys.setdefault("catalysers", set()).add(cat.org)
                except RecordError as exc:
                    for _, message in exc.problems:
                        c.problem(table, row, header_of.get("metiers"), message)
        elif kind == "catalysers":
            c.add("catalysers", item.org, item, where, table, header_of.get("id"))
            keys["catalysers"].add(item.org)
            c.refs.append((item.org, where, header_of["id"], "catalyser"))
        elif kind == "alliances":
            c.add("alliances", item.id, item, where, table, header_of.get("id"))
            keys["alliances"].add(item.id)
            if "members" in header_of:
                c.members_given.add(item.id)
            for m in item.members:
                c.refs.append((m.org, where, header_of.get("members", "members"), f"member of alliance {item.id!r}"))
                c.members.setdefault(item.id, {})[m.org] = (m, where)
        elif kind == "members":
            alliance, m = item
            known = c.members.setdefault(alliance, {})
            c.members_given.add(alliance)
            if m.org in known and known[m.org][0] != m:
                c.problem(
                    table,
                    row,
                    header_of.get("role"),
                    f"organisation {m.org!r} is listed twice in alliance {alliance!r} with different roles "
                    f"({known[m.org][0].role} at {_place(known[m.org][1])}, {m.role} here)",
                )
            known[m.org] = (m, where)
            keys["members"].add((alliance, m.org))
            c.refs.append((m.org, where, header_of["org"], f"member of alliance {alliance!r}"))
            c.refs.append(("alliance:" + alliance, where, header_of["alliance"], "alliance"))
        elif kind == "ties":
            c.add("ties", item.key, item, where, table, header_of.get("source"))
            keys["ties"].add(item.key)
            # an undirected tie is stored with source < target: name the column each id was written in
            swapped = item.source != F.parse_id(record["source"])
            src, dst = ("target", "source") if swapped else ("source", "target")
            c.refs.append((item.source, where, header_of[src], f"tie {src}"))
            c.refs.append((item.target, where, header_of[dst], f"tie {dst}"))
        elif kind == "introductions":
            c.add("introductions", item.id, item, where, table, header_of.get("id") or header_of.get("date"))
            keys["introductions"].add(item.id)
            for name, org in (("catalyser", item.catalyser), ("a", item.a), ("b", item.b)):
                c.refs.append(
                    (org, where, header_of[name], "introduced organisation" if name != "catalyser" else "catalyser")
                )
    return keys


def _records(table: Table, cols: dict) -> list[dict]:
    return [{cols.get(h, h): v for h, v in cells.items()} for _, cells in table.rows]


def _placed(record: dict, context, header_of: dict, table: Table, row, c: _Collector) -> dict:
    """The organisation record with its commune resolved (`placing.place`); notes what the summary lists."""
    written = record.get("commune")
    record, placement = placing.place(record, context=context, town_column=header_of.get("town", "ville"))
    if placement is not None:
        commune = placement.commune
        if placement.postal_code_as_commune:
            c.warnings.append(
                f"{table.where}: {table.row_label} {row}, column {_column_for(header_of, 'commune')!r}: "
                f"{written!r} is a postal code, not an INSEE commune code: read as {commune.name} ({commune.code})"
            )
        if placement.approximate:
            org = str(record.get("id", ""))
            c.approximate.append(placing.ApproximatePlace(table.where, row, org, commune.code, commune.name))
    return record


def validate_files(
    paths, store: Store | None = None, *, kind: str | None = None, approximate_places: list | None = None
) -> tuple[Dataset, list[str]]:
    """Read and validate `paths` into one Dataset; raise `ImportFailed` listing every problem.

    References to organisations must resolve in these files or in `store` (when given). The organisation rows
    drawn at an approximate position are appended to `approximate_places` when given. See `validate`.
    """
    found = validate(paths, store, kind=kind)
    if approximate_places is not None:
        approximate_places.extend(found.approximate_places)
    return found.data, found.warnings


def validate(
    paths,
    store: Store | None = None,
    *,
    kind: str | None = None,
    create_missing: bool = False,
    sector_map=None,
) -> Validation:
    """Read and validate `paths`: the data, the warnings and what each file became; raise `ImportFailed`.

    References to organisations must resolve in these files or in `store` (when given). A partners column naming
    an organisation found nowhere is an error unless `create_missing` (it is then added, of sector ``other``).
    `sector_map` maps people's words to sectors before the synonym table: a file path (CSV ``mot;secteur``) or a
    mapping ``word → sector``.
    """
    c = _Collector()
    tables: list[tuple[Table, str]] = []
    folded_map: dict[str, str] = {}
    if sector_map is not None and not isinstance(sector_map, dict):
        folded_map, map_problems = read_sector_map(sector_map)
        c.problems.extend(Problem(f, row, col, message) for f, row, col, message in map_problems)
    elif sector_map:
        try:
            folded_map = fold_map(sector_map)
        except VocabularyError as exc:
            c.problems.append(Problem("sector_map", None, None, str(exc)))
    sheet = SheetContext(store, folded_map, create_missing)
    for path in paths:
        try:
            found = read_tables(path)
        except ReadError as exc:
            c.problems.append(
                Problem(
                    str(path), None, None, str(exc).split(": ", 1)[-1] if str(exc).startswith(str(path)) else str(exc)
                )
            )
            continue
        for table in found:
            k = table.hints.get("kind") or kind or detect_kind(table.headers, table.sheet)
            if k is None:
                c.problem(
                    table,
                    1 if table.row_label == "row" else None,
                    None,
                    "cannot tell what this file holds from its columns "
                    f"({', '.join(table.headers[:8])}); name it with --kind "
                    f"({'|'.join(KINDS)})",
                )
                continue
            tables.append((table, k))
    # organisations first, so that later tables can refer to them; members after alliances
    order = {
        k: i for i, k in enumerate(("organisations", "catalysers", "alliances", "members", "ties", "introductions"))
    }
    tables.sort(key=lambda tk: order[tk[1]])
    plans = {id(t): sheet.plan(t, mapping(k, t.headers)) for t, k in tables if k == "organisations"}
    sheet.assign_ids(list(plans.values()))
    given: list[tuple[Table, str, dict]] = []
    for table, k in tables:
        given.append((table, k, _validate_table(table, k, c, plans.get(id(table)), sheet)))
    sheet.resolve_partners(c)
    via = "sector_map+synonyms" if folded_map else "synonyms"
    understood = [report_table(t, k, mapping(k, t.headers), keys, plans.get(id(t)), via) for t, k, keys in given]

    org_ids = set(c.items["organisations"])
    alliance_ids = set(c.items["alliances"])
    outside = {ref for ref, *_ in c.refs if not ref.startswith("alliance:") and ref not in org_ids}
    in_store = store.existing_org_ids(outside) if (store is not None and outside) else set()
    stored_alliances: dict[str, Alliance] = {}
    wanted_alliances = {ref[len("alliance:") :] for ref, *_ in c.refs if ref.startswith("alliance:")} - alliance_ids
    wanted_alliances |= alliance_ids - c.members_given  # an alliances file without members keeps the stored ones
    if store is not None and wanted_alliances:
        stored_alliances = {a.id: a for a in store.alliances() if a.id in wanted_alliances}
    suggestions: list[str] | None = None  # ids to suggest from, fetched once, only if a reference fails
    for ref, where, column, what in c.refs:
        if ref.startswith("alliance:"):
            aid = ref[len("alliance:") :]
            if aid not in alliance_ids and aid not in stored_alliances:
                c.problems.append(
                    Problem(
                        where[0],
                        where[1],
                        column,
                        f"unknown alliance {aid!r}: it is neither in this import nor in the store",
                        where[2],
                    )
                )
        elif ref not in org_ids and ref not in in_store:
            if suggestions is None:
                stored = [o.id for o in store.organisations()] if store is not None else []
                suggestions = sorted(org_ids | set(stored))
            close = difflib.get_close_matches(ref, suggestions, n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            c.problems.append(
                Problem(
                    where[0],
                    where[1],
                    column,
                    f"unknown organisation {ref!r} ({what}): it is neither in this import nor in the store{hint}",
                    where[2],
                )
            )
    if c.problems:
        order = {path: i for i, path in enumerate(dict.fromkeys(p.file for p in c.problems))}
        raise ImportFailed(sorted(c.problems, key=lambda p: (order[p.file], p.row if p.row is not None else -1)))

    alliances = {aid: cast(Alliance, seen.value) for aid, seen in c.items["alliances"].items()}
    for aid in alliance_ids - c.members_given:
        if aid in stored_alliances:
            alliances[aid] = dataclasses.replace(alliances[aid], members=stored_alliances[aid].members)
    for aid, members in c.members.items():
        base = alliances.get(aid) or stored_alliances[aid]
        alliances[aid] = dataclasses.replace(
            base, members=tuple(sorted((m for m, _ in members.values()), key=lambda m: m.org))
        )
    data = Dataset(
        [s.value for s in c.items["organisations"].values()],
        [s.value for s in c.items["catalysers"].values()],
        list(alliances.values()),
        [s.value for s in c.items["ties"].values()],
        [s.value for s in c.items["introductions"].values()],
    ).sorted()
    if not data:
        raise ImportFailed([Problem(", ".join(map(str, paths)), None, None, "nothing to import")])
    return Validation(data, c.warnings, understood, c.approximate)


def import_files(
    store: Store,
    paths,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    progress=None,
    bulk: bool = False,
    create_missing: bool = False,
    sector_map=None,
) -> ImportResult:
    """Validate `paths` and, unless `dry_run`, write them to `store` in one transaction (`Store.write`, at most
    `store.atomic_limit` rows) or, with `bulk`, through `Store.bulk_write` (batches on Neo4j, `PartialWrite` on a
    failure after a commit).

    Raises `ImportFailed` (nothing written) when any row of any file is wrong. `create_missing` and `sector_map`
    are those of `validate`; `ImportResult.understood` says what each file became (a dry run says the same).
    """
    paths = [str(p) for p in paths]
    found = validate(paths, store, kind=kind, create_missing=create_missing, sector_map=sector_map)
    done = dict(understood=found.understood, approximate_places=found.approximate_places)
    if dry_run:
        return ImportResult(found.data, None, found.warnings, paths, dry_run=True, **done)
    write = store.bulk_write if bulk else store.write
    summary = write(found.data, progress=progress)
    return ImportResult(found.data, summary, found.warnings, paths, dry_run=False, **done)

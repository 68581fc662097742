"""The store interface shared by the embedded (SQLite) and the Neo4j stores.

A store holds one territory's ecosystem. Writes are idempotent upserts, in one of two explicit ways:

- `Store.write`: ONE transaction, all or nothing, for a write of up to the store's `atomic_limit` rows
  (`write_rows`; `ATOMIC_LIMIT` = 250,000 on Neo4j, `SQLITE_ATOMIC_LIMIT` = 2,000,000 on the embedded store). A
  bigger write is refused (`TooBigForOneTransaction`, nothing written) and names `bulk_write`.
- `Store.bulk_write`: any size. The Neo4j store commits it in batches and, when it fails after a commit, raises
  `PartialWrite` naming exactly the rows committed and in doubt; the embedded store writes it in one transaction
  (a failure leaves the store as it was, and `PartialWrite` is never raised).

The schema (tables, constraints, indexes) is created once, by `Store.ensure_schema` (``catalyse init``, opening
with ``create=True``, and `bulk_write`); opening a store runs no DDL, and a store without its schema refuses to
be used with `SchemaMissing` ("run `catalyse init`"). Reads return model objects, sorted by key, so that the same
data in either store gives equal `Dataset`s — and therefore identical networkx graphs through
`graphcore.projection`.
"""

from __future__ import annotations

import datetime as _dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..model import Alliance, Catalyser, Dataset, Introduction, Organisation, Tie, referenced_orgs
from ..projection import TieArrays, TieColumns


class StoreError(Exception):
    """Base class of the errors a store raises; the message is meant for a person, on one line."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened (server down, bad credentials, unreadable file)."""


class SchemaMissing(StoreUnavailable):
    """The store has no catalyse schema (tables, or Neo4j constraints and indexes): run ``catalyse init``."""


class TooBigForOneTransaction(StoreError):
    """`Store.write` was given more rows than the store writes in one transaction; nothing was written."""

    def __init__(self, rows: int, limit: int, where: str):
        self.rows, self.limit = rows, limit
        super().__init__(
            f"a write of {rows:,} rows is more than the {limit:,} that the {where} writes in one transaction "
            "(all or nothing); nothing was written: use bulk_write, which commits in batches and reports exactly "
            "what it committed"
        )


class IntegrityError(StoreError):
    """A write refers to organisations that exist neither in the store nor in the data written.

    `problems` lists ``(entity, key, missing org id)``; nothing was written.
    """

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        shown = "; ".join(
            f"{entity} {key!r} refers to unknown organisation {org!r}" for entity, key, org in problems[:5]
        )
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(shown + more)


ENTITIES = ("organisations", "catalysers", "alliances", "ties", "introductions")

ATOMIC_LIMIT = 250_000
"""Rows (`write_rows`) a `Store.write` may hold on the Neo4j store: one transaction of 250,000 rows stays within a
default server heap; W2 (1,100,000 rows) in one transaction does not."""

SQLITE_ATOMIC_LIMIT = 2_000_000
"""Rows a `Store.write` may hold on the embedded store: W2 (about 1,100,000 rows) is measured in one transaction
(bench/bench_import.py); its write-ahead log grows with the transaction."""


def write_rows(data: Dataset) -> int:
    """The size of a write that `atomic_limit` bounds: organisations + catalysers + alliances + ties +
    introductions (an alliance's members count with it).

    >>> from catalyse.graphcore.model import Organisation, Tie
    >>> write_rows(Dataset([Organisation("a", "A", "company"), Organisation("b", "B", "company")],
    ...                    ties=[Tie("a", "b", "exchange")]))
    3
    """
    return (
        len(data.organisations) + len(data.catalysers) + len(data.alliances) + len(data.ties) + len(data.introductions)
    )


class PartialWrite(StoreError):
    """A write too big for one transaction, committed in batches, failed part-way (the batch-commit protocol).

    `committed` counts, per entity, the rows of the batches whose commit the server acknowledged: they are in the
    store. `in_doubt` counts the rows of the batches that were being committed when the failure came (each one
    committed whole or not at all: the server did not say). Nothing else was written; `committed_rows` and
    `in_doubt_rows` give these rows as ``[start, stop)`` ranges of positions in the written lists. Re-running the
    same write completes it: committed rows are recognised as unchanged and nothing is duplicated.
    """

    def __init__(
        self,
        committed: dict[str, int],
        in_doubt: dict[str, int],
        batches: int,
        total: dict[str, int],
        cause: str,
        *,
        committed_rows: dict[str, list] | None = None,
        in_doubt_rows: dict[str, list] | None = None,
    ):
        self.committed, self.in_doubt, self.batches, self.total, self.cause = committed, in_doubt, batches, total, cause
        self.committed_rows = committed_rows or {}
        self.in_doubt_rows = in_doubt_rows or {}
        done = ", ".join(f"{e} {committed.get(e, 0):,}/{n:,}" for e, n in total.items() if n)
        doubt = ", ".join(f"{e} {n:,}" for e, n in in_doubt.items() if n)
        super().__init__(
            f"the write failed after {batches} committed batch{'es' if batches != 1 else ''} "
            f"({done}){'; in doubt: ' + doubt if doubt else ''}: {cause}; re-run the same import to "
            "complete it (committed rows are recognised, nothing is duplicated)"
        )


def check_unique_keys(data: Dataset) -> Dataset:
    """The same key twice in one write: identical copies are collapsed, conflicting ones refused (`StoreError`).

    Both stores call this first, so that neither silently keeps "the last one" of two different records.
    """
    out: dict[str, list] = {}
    for entity, items, key in (
        ("organisations", data.organisations, lambda o: o.id),
        ("catalysers", data.catalysers, lambda c: c.org),
        ("alliances", data.alliances, lambda a: a.id),
        ("ties", data.ties, lambda t: t.key),
        ("introductions", data.introductions, lambda i: i.id),
    ):
        seen: dict = {}
        for item in items:
            k = key(item)
            if k in seen and seen[k] != item:
                raise StoreError(
                    f"two different {entity} with the key {k.replace(chr(31), ' / ')!r} in one write; "
                    "nothing was written"
                )
            seen[k] = item
        out[entity] = items if len(seen) == len(items) else list(seen.values())
    return Dataset(**out)


@dataclass
class WriteSummary:
    """What a write did, per entity: how many were new, changed, or already there unchanged; and in how many
    committed transactions (1 for `Store.write`; a Neo4j `Store.bulk_write` commits one per batch)."""

    new: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITIES, 0))
    changed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITIES, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITIES, 0))
    transactions: int = 1

    @property
    def modified(self) -> bool:
        return any(self.new.values()) or any(self.changed.values())

    def add(self, other: WriteSummary) -> None:
        """Count `other` (the summary of part of a write) in this one."""
        for mine, theirs in ((self.new, other.new), (self.changed, other.changed), (self.unchanged, other.unchanged)):
            for e, n in theirs.items():
                mine[e] += n

    def rows(self) -> list[dict]:
        return [
            {"entity": e, "new": self.new[e], "changed": self.changed[e], "unchanged": self.unchanged[e]}
            for e in ENTITIES
            if self.new[e] or self.changed[e] or self.unchanged[e]
        ]


def _keyed(data: Dataset) -> dict[str, dict]:
    return {
        "organisations": {o.id: o for o in data.organisations},
        "catalysers": {c.org: c for c in data.catalysers},
        "alliances": {a.id: a for a in data.alliances},
        "ties": {t.key: t for t in data.ties},
        "introductions": {i.id: i for i in data.introductions},
    }


def summarise(incoming: Dataset, existing: Dataset) -> WriteSummary:
    """Compare what is written with what the store held under the same keys."""
    summary = WriteSummary()
    old = _keyed(existing)
    for entity, items in _keyed(incoming).items():
        for key, item in items.items():
            before = old[entity].get(key)
            if before is None:
                summary.new[entity] += 1
            elif before == item:
                summary.unchanged[entity] += 1
            else:
                summary.changed[entity] += 1
    return summary


def missing_references(data: Dataset, known: Callable[[set[str]], set[str]]) -> list[tuple[str, str, str]]:
    """References of `data` to organisations neither in `data` nor among `known(ids)` (the store's)."""
    refs = list(referenced_orgs(data))
    own = data.org_ids()
    outside = {org for _, _, org in refs if org not in own}
    found = known(outside) if outside else set()
    return [(entity, key, org) for entity, key, org in refs if org not in own and org not in found]


Progress = Callable[[int], None]


class Store(ABC):
    """One territory's ecosystem, persisted. Use as a context manager, or call `close`."""

    kind: str = "?"
    atomic_limit: int = ATOMIC_LIMIT
    """The most rows (`write_rows`) `write` applies in one transaction; more are refused."""

    # -- schema -------------------------------------------------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> bool:
        """Create the store's schema (tables, constraints, indexes) where it is missing; True if anything was
        created. Called by ``catalyse init``, by opening with ``create=True`` and by `bulk_write`; opening a
        store does not call it."""

    # -- writing ------------------------------------------------------------------------------------------------
    def write(self, data: Dataset, *, progress: Progress | None = None) -> WriteSummary:
        """Upsert every entity of `data` in ONE transaction: all of it, or nothing (an exception is raised).

        At most `atomic_limit` rows (`write_rows`): a bigger write raises `TooBigForOneTransaction` before
        anything is written (use `bulk_write`). Upserting replaces an entity with the same key (organisation id,
        alliance id with its members, tie key, introduction id); writing the same data twice changes nothing.
        References to organisations must resolve in `data` or in the store, else `IntegrityError`.
        `progress(n)` is called as items are written.
        """
        rows = write_rows(data)
        if rows > self.atomic_limit:
            raise TooBigForOneTransaction(rows, self.atomic_limit, self.describe())
        return self._write(data, progress=progress)

    @abstractmethod
    def _write(self, data: Dataset, *, progress: Progress | None = None) -> WriteSummary:
        """`write` without the size check: one transaction."""

    @abstractmethod
    def bulk_write(
        self, data: Dataset, *, progress: Progress | None = None, commit_every: int | None = None
    ) -> WriteSummary:
        """Upsert `data` of any size; the schema is ensured first (a bulk load may be a store's first write).

        The Neo4j store commits `commit_every` rows per transaction (organisations, then catalysers, alliances
        and introductions, then ties); when it fails after a commit it raises `PartialWrite`, naming exactly the
        rows committed and in doubt, and re-running the same bulk write completes it. A failure before any
        commit (a missing reference: `IntegrityError`) writes nothing. The embedded store writes it in ONE
        transaction (`commit_every` ignored): a failure leaves the store as it was. The summary's
        `transactions` says how many were committed.
        """

    @abstractmethod
    def delete(
        self,
        *,
        organisations: Iterable[str] = (),
        alliances: Iterable[str] = (),
        ties: Iterable[str] = (),
        introductions: Iterable[str] = (),
    ) -> dict[str, int]:
        """Delete by key in one transaction; deleting an organisation removes its ties, memberships, catalyser
        role and introductions. Returns how many of each were deleted."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (used by `catalyse init --force` and by tests)."""

    # -- reading ------------------------------------------------------------------------------------------------
    @abstractmethod
    def organisations(
        self,
        *,
        sector: str | None = None,
        territory: str | None = None,
        theme: str | None = None,
        search: str | None = None,
        ids: Iterable[str] | None = None,
    ) -> list[Organisation]:
        """Organisations sorted by id. `territory` matches the commune, EPCI, département or région code;
        `search` is a case- and accent-insensitive substring of the name or the id."""

    @abstractmethod
    def ties(self, *, type: str | None = None, as_of: _dt.date | None = None, org: str | None = None) -> list[Tie]:
        """Ties sorted by key; `as_of` keeps those active on that date; `org` those touching an organisation
        (found through the organisation's index, not by scanning the ties)."""

    def iter_ties(
        self, *, type: str | None = None, as_of: _dt.date | None = None, batch: int = 50_000
    ) -> Iterator[Tie]:
        """The ties of `ties(type=, as_of=)`, in key order, fetched `batch` at a time (bounded memory)."""
        yield from self.ties(type=type, as_of=as_of)

    @abstractmethod
    def alliances(
        self, *, as_of: _dt.date | None = None, theme: str | None = None, org: str | None = None
    ) -> list[Alliance]:
        """Alliances with their members, sorted by id; `org` keeps the alliances that organisation is a member of
        (found through the membership index, not by scanning the alliances)."""

    @abstractmethod
    def catalysers(self) -> list[Catalyser]:
        """Catalyser roles, sorted by organisation id."""

    @abstractmethod
    def introductions(self, *, catalyser: str | None = None, org: str | None = None) -> list[Introduction]:
        """Introductions sorted by id."""

    @abstractmethod
    def get_introduction(self, intro_id: str) -> Introduction | None:
        """The introduction with this id (a look-up in the id index), or None."""

    @abstractmethod
    def existing_org_ids(self, ids: set[str]) -> set[str]:
        """The subset of `ids` that are organisations in the store."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """How many organisations, catalysers, alliances, memberships, ties and introductions."""

    @abstractmethod
    def close(self) -> None: ...

    def version(self) -> object | None:
        """A cheap token that changes when another connection or process commits a write (None: not known).

        A long-running reader (the web server) compares it before serving to notice writes made elsewhere and
        reload what it keeps in memory. Equal tokens mean no other writer committed in between; a token may also
        change after this connection's own writes.
        """
        return None

    # -- derived --------------------------------------------------------------------------------------------------
    def get_organisation(self, org_id: str) -> Organisation | None:
        """The organisation with this id (a look-up in the id index), or None."""
        found = self.organisations(ids=[org_id])
        return found[0] if found else None

    def dataset(self, *, as_of: _dt.date | None = None) -> Dataset:
        """Everything in the store — or the network as it was on `as_of` (ties, alliances and introductions
        of that date; every organisation and catalyser)."""
        intros = self.introductions()
        if as_of is not None:
            intros = [i for i in intros if i.date <= as_of]
        return Dataset(
            self.organisations(), self.catalysers(), self.alliances(as_of=as_of), self.ties(as_of=as_of), intros
        )

    def tie_columns(self, *, as_of: _dt.date | None = None) -> TieColumns:
        """Every organisation (with its node attributes) and the ties active on `as_of`, in columns: the input of
        `projection.tie_graph_columns`, which builds the same graph as ``tie_graph(dataset(as_of=))``. The stores
        read them without a model object per row; this default goes through the objects."""
        data = Dataset(self.organisations(), self.catalysers(), ties=self.ties(as_of=as_of))
        return TieColumns.from_dataset(data, as_of=as_of)

    def tie_arrays(self, *, as_of: _dt.date | None = None, start: bool = False) -> TieArrays:
        """Every organisation (id, name, sector) and the ties active on `as_of` as numpy arrays (`TieArrays`): the
        input of the analyses that take arrays. With `start`, the ties' start days too, ties in tie-key order.
        This default goes through `tie_columns` (always with the starts)."""
        return TieArrays.from_columns(self.tie_columns(as_of=as_of))

    def memberships(self, *, as_of: _dt.date | None = None) -> list[tuple[str, str]]:
        """``(alliance, organisation)`` of every membership of the alliances active on `as_of` (all when None),
        without an `Alliance` per row. This default goes through `alliances`."""
        return [(a.id, m.org) for a in self.alliances(as_of=as_of) for m in a.members]

    def node_columns(self, keys: Iterable[str] | None = None) -> list[tuple[str, dict]]:
        """Every organisation with its node attributes, sorted by id: the `nodes` of `tie_columns`, without
        reading the ties; only the attributes `keys` when given. This default goes through the model objects."""
        data = Dataset(self.organisations(), self.catalysers())
        nodes = TieColumns.from_dataset(data).nodes
        if keys is not None:
            wanted = set(keys)
            nodes = [(x, {k: v for k, v in a.items() if k in wanted}) for x, a in nodes]
        return nodes

    def describe(self) -> str:
        """Where the data lives, for messages (never includes a secret)."""
        return self.kind

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

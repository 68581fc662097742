"""The web's one door to the data: `catalyse.workspace.Workspace`, shaped into the rows the pages and the API show.

Rows are plain data with stable English keys and codes — for the API, the same rows as the CLI's ``--format json``
(plus the display names a page needs). The workspace keeps the territory's graph in memory and drops it after
each write; this module holds one workspace per language the pages are asked in (the words of suggestions and
views), all over the same store, refreshes them all after every write, and serialises access with one lock.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import tempfile
import threading
from typing import Any

from catalyse.graphcore import vocab
from catalyse.graphcore.stores import Store
from catalyse.workspace import CatalyseError, Workspace
from catalyse.workspace import NotFound as _WsNotFound

#: Above this many organisations the dashboard leaves out the betweenness centralisation (exact, O(n·m)).
BETWEENNESS_LIMIT = 20_000


class NotFound(LookupError):
    """No such organisation, catalyser or introduction (the message names it)."""


class ImportRefused(ValueError):
    """An import with problems: nothing was written. `problems` lists each with its file, row and column."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was imported")


class Invalid(ValueError):
    """A request the data refuses (the message says which field and why)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


def clean(value: Any) -> Any:
    """Plain JSON data: dates as ISO text, tuples and sets as lists, NaN and infinities as None.

    >>> clean({"a": float("nan"), "b": (1, float("inf")), "c": _dt.date(2024, 5, 1)})
    {'a': None, 'b': [1, None], 'c': '2024-05-01'}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [clean(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return clean(value.item())
    return value


def suggestion_row(x, lang: str = "en") -> dict:
    """One suggestion: the CLI's ``suggest --format json`` record (reasons in `lang`, English by default) and
    the display names of the partner and the introducer."""
    return {
        "org": x.org,
        "partner": x.partner,
        "partner_name": x.partner_name,
        "rank": x.rank,
        "score": x.score,
        "introducer": x.introducer,
        "introducer_name": x.introducer_name,
        "shared_partners": list(x.shared_partners),
        "shared_themes": x.shared_themes,
        "sectors": x.sectors,
        "reasons": x.reasons_in(lang),
        "reason_codes": x.reason_codes,
        "what_if": x.what_if,
    }


def introduction_row(i) -> dict:
    """``catalyse introductions --format json``: one introduction."""
    return {
        "id": i.id,
        "date": i.date,
        "catalyser": i.catalyser,
        "a": i.a,
        "b": i.b,
        "outcome": i.outcome,
        "note": i.note,
        "person": i.person,
    }


class WebData:
    """The territory as the web sees it, over one store.

    Parameters
    ----------
    store : Store
        An open store (embedded or Neo4j); closed by `close`.
    lang : {"fr", "en"}
        The language of the first workspace (the other is opened on first use).
    """

    def __init__(self, store: Store, *, lang: str = "fr"):
        self.store = store
        self._lock = threading.RLock()
        self._stats: dict | None = None
        self._version: object | None = None
        self._ws: dict[str, Workspace] = {}
        self.ws = self.workspace(lang)
        self.refresh()

    def workspace(self, lang: str) -> Workspace:
        """The workspace whose words are in `lang` (all share the store)."""
        lang = lang if lang in ("fr", "en") else "fr"
        with self._lock:
            if lang not in self._ws:
                self._ws[lang] = Workspace(self.store, lang=lang)
            return self._ws[lang]

    # -- loading ------------------------------------------------------------------------------------------------
    def sync(self) -> bool:
        """Reload the graph if another process wrote to the store since it was loaded (its `Store.version`
        changed); True if it did. Called before each request: one cheap read."""
        with self._lock:
            version = self.store.version()
            if version is None or version == self._version:
                return False
            self.refresh()
            return True

    def refresh(self) -> None:
        """Drop what every workspace loaded and reload the graph (at start, after each write, and when
        another process wrote: `sync`)."""
        with self._lock:
            self._version = self.store.version()  # read first: a write landing while loading is seen next time
            for ws in self._ws.values():
                ws.refresh()
            net = self.ws.network(require=False)
            self.names = dict(net.names)
            self.orgs = {o.id: o for o in net.data.organisations}
            self.catalyser_roles = {c.org: c.metiers for c in net.data.catalysers}
            self._stats = None

    def describe(self) -> str:
        return self.store.describe()

    def close(self) -> None:
        self.store.close()

    def _org_id(self, ref: str | None, field: str | None = None) -> str:
        """The id of the organisation `ref` names (an id, or a name); `NotFound`, or `Invalid` naming `field`."""
        if isinstance(ref, str) and ref in self.orgs:
            return ref
        if not isinstance(ref, str) or not ref:
            raise Invalid(field or "org", "an organisation id is required")
        try:
            return self.ws.organisation(ref).id
        except CatalyseError as exc:
            if field:
                raise Invalid(field, str(exc)) from None
            raise NotFound(str(exc)) from None

    # -- reading ------------------------------------------------------------------------------------------------
    def stats(self) -> dict:
        """``catalyse stats --format json`` (counts and overview), the structure summary and the outcomes."""
        with self._lock:
            if self._stats is None:
                stats = self.ws.stats()
                big = len(self.orgs) > BETWEENNESS_LIMIT  # exact betweenness is O(n·m): left to `catalyse metrics`
                structure = self.ws.metrics(betweenness=not big) if self.orgs else {}
                outcomes = dict.fromkeys(vocab.codes("outcome"), 0)
                for i in self.ws.network(require=False).data.introductions:
                    outcomes[i.outcome] = outcomes.get(i.outcome, 0) + 1
                structure = {k: v for k, v in structure.items() if k not in ("mixing", "membership")}
                self._stats = clean(
                    {
                        **stats,
                        "structure": structure,
                        "introduction_outcomes": outcomes,
                        "evolution": self._evolution() if self.orgs and not big else None,
                        "bridges": self._bridges() if self.orgs else {},
                        "absent": self._absent(),
                    }
                )
            return self._stats or {}

    #: The measures of the dashboard's year-by-year table.
    EVOLUTION_KEYS = ("ties", "density", "cross_group_share", "components")

    def _evolution(self) -> dict:
        """{year: {measure: value}} of the yearly snapshots (`catalyse metrics --by-year`), a few measures."""
        years = self.ws.metrics_by_year()
        return {y: {k: row.get(k) for k in self.EVOLUTION_KEYS} for y, row in years.items()}

    def _bridges(self, top: int = 3) -> dict:
        """{role: [{id, name, count}]}: the organisations in each brokerage role most often (`catalyse brokers`)."""
        result = self.ws.brokers(top=None)
        out = {}
        for role in result["roles"]:
            if role == "total":
                continue
            best = sorted(result["rows"], key=lambda r: (-r[role], r["organisation"]))[:top]
            out[role] = [{"id": r["organisation"], "name": r["name"], "count": r[role]} for r in best if r[role]]
        return out

    def _absent(self, first: int = 20) -> dict:
        """Organisations with no tie and never introduced: how many, and the first ones."""
        found = self.ws.absent_actors()
        return {"count": len(found), "first": [{"id": o.id, "name": o.name} for o in found[:first]]}

    def report_html(self, lang: str = "fr") -> str:
        """The territory report (`catalyse report`'s report.html: charts and map inlined)."""
        with self._lock:
            return str(self.workspace(lang).report_files()["report.html"])

    @staticmethod
    def org_row(o) -> dict:
        """``catalyse orgs list --format json``: one organisation."""
        return {"id": o.id, "name": o.name, "sector": o.sector, "commune": o.commune, "themes": list(o.themes)}

    def search(self, q: str | None = None, *, limit: int = 50) -> tuple[list[dict], int]:
        """Organisations whose name or id contains `q` (case and accents ignored); (rows, total found)."""
        with self._lock:
            found = self.ws.organisations(search=q or None)
        return [self.org_row(o) for o in found[:limit]], len(found)

    def organisation(self, org: str) -> dict:
        """``catalyse orgs show ORG --format json``: every field, its ties and its alliances."""
        with self._lock:
            try:
                return clean(self.ws.profile(org))
            except _WsNotFound as exc:
                raise NotFound(str(exc)) from None

    def suggestions(self, org: str, *, top: int = 10, lang: str = "en") -> list[dict]:
        """``catalyse suggest ORG --format json``: reasons (in `lang`), introducer and what-if gain."""
        with self._lock:
            oid = self._org_id(org)
            try:
                found = self.ws.suggestions(oid, top=top)
            except CatalyseError as exc:
                raise NotFound(str(exc)) from None
            return clean([suggestion_row(x, lang) for x in found])

    def catalysers(self) -> list[dict]:
        """The catalysers: organisation id, name and métiers."""
        with self._lock:
            return [{"org": c, "name": self.names.get(c), "metiers": list(m)} for c, m in self.catalyser_roles.items()]

    def introductions(
        self, *, catalyser: str | None = None, org: str | None = None, outcome: str | None = None
    ) -> list[dict]:
        """``catalyse introductions --format json``, most recent first."""
        with self._lock:
            by = self._org_id(catalyser, "catalyser") if catalyser else None
            of = self._org_id(org, "org") if org else None
            try:
                found = self.ws.introductions(catalyser=by, org=of, outcome=outcome)
            except vocab.VocabularyError as exc:
                raise Invalid("outcome", str(exc)) from None
            return clean([introduction_row(i) for i in found])

    def activity(self, catalyser: str | None = None) -> list[dict]:
        """``catalyse activity --format json``: per catalyser, introductions, outcomes, conversion, liaison."""
        with self._lock:
            by = self._org_id(catalyser, "catalyser") if catalyser else None
            try:
                act = self.ws.activity(by)
            except CatalyseError:  # no introduction recorded
                return []
            return clean([{"catalyser": c, **row} for c, row in act.items()])

    def map_html(self, lang: str = "fr") -> str:
        """The interactive ecosystem map (the offline view of `catalyse view`), sized by degree."""
        with self._lock:
            return self.workspace(lang).map_view()

    def ego_html(self, org: str, lang: str = "fr") -> str:
        """An organisation's neighbourhood and its suggested introductions (`catalyse view --ego`)."""
        with self._lock:
            oid = self._org_id(org)
            try:
                return self.workspace(lang).ego_view(oid)
            except CatalyseError as exc:
                raise NotFound(str(exc)) from None

    # -- writing ------------------------------------------------------------------------------------------------
    def introduce(
        self, a: str | None, b: str | None, catalyser: str | None, *, note: Any = None, day: _dt.date | None = None
    ) -> tuple[dict, bool, list[str]]:
        """Record that `catalyser` introduced `a` and `b` (``catalyse introduce``).

        Returns (introduction, whether it is new, warning codes: ``not_a_catalyser``, ``already_tied``).
        """
        with self._lock:
            ids = {f: self._org_id(v, f) for f, v in (("a", a), ("b", b), ("catalyser", catalyser))}
            if ids["a"] == ids["b"]:
                raise Invalid("b", "an organisation cannot be introduced to itself")
            if note is not None and not isinstance(note, str):
                raise Invalid("note", "text expected")
            warnings = [w for w, on in (("not_a_catalyser", ids["catalyser"] not in self.catalyser_roles),) if on]
            try:
                done = self.ws.introduce(ids["a"], ids["b"], by=ids["catalyser"], note=note or None, day=day)
            finally:
                self.refresh()
            if any("already tied" in w for w in done.warnings):
                warnings.append("already_tied")
            return clean(introduction_row(done.introduction)), done.new, warnings

    def set_outcome(
        self, introduction: str, outcome: Any, *, day: _dt.date | None = None, note: str | None = None
    ) -> tuple[dict, bool]:
        """What came of an introduction (``catalyse outcome``); a meeting or an alliance adds an 'introduced' tie.

        Returns (introduction, whether a tie was added).
        """
        with self._lock:
            if not isinstance(outcome, str) or not outcome:
                raise Invalid("outcome", "one of " + ", ".join(vocab.codes("outcome")))
            try:
                self.ws.introduction(introduction)
            except _WsNotFound as exc:
                raise NotFound(str(exc)) from None
            try:
                updated, tie = self.ws.set_outcome(introduction, outcome, day=day, note=note)
            except CatalyseError as exc:
                raise Invalid("outcome", str(exc)) from None
            finally:
                self.refresh()
            return clean(introduction_row(updated)), tie

    def import_files(self, files: list[tuple[str, bytes]], *, kind: str | None = None, dry_run: bool = False) -> dict:
        """Validate uploaded files together and write them in one transaction (``catalyse import``).

        `files` are (file name as uploaded, content). Every problem names the uploaded file, its row and column;
        with one problem, nothing is written (`ImportRefused`). Returns ``{"files", "counts", "rows",
        "modified", "warnings", "dry_run"}`` (``rows``: new / changed / unchanged per entity).
        """
        from catalyse.importers.load import ImportFailed

        if not files:
            raise Invalid("files", "no file sent")
        with self._lock, tempfile.TemporaryDirectory(prefix="catalyse-upload-") as tmp:
            paths, names = [], []
            for n, (name, content) in enumerate(files):
                base = os.path.basename((name or "").replace("\\", "/")) or f"file-{n + 1}"
                base = re.sub(r"[^\w.\- ]", "_", base)[:120] or f"file-{n + 1}"
                folder = os.path.join(tmp, str(n))
                os.mkdir(folder)
                path = os.path.join(folder, base)
                with open(path, "wb") as fh:
                    fh.write(content)
                paths.append(path)
                names.append(base)
            prefix = re.compile(re.escape(tmp + os.sep) + r"\d+" + re.escape(os.sep))
            try:
                found = self.ws.validate_files(paths, kind=kind)
                data, warnings = found.data, found.warnings
            except ImportFailed as exc:
                raise ImportRefused([prefix.sub("", str(p)) for p in exc.problems]) from None
            except CatalyseError as exc:
                raise ImportRefused([prefix.sub("", str(exc))]) from None
            warnings = [prefix.sub("", str(w)) for w in warnings]
            counts = {k: v for k, v in data.counts().items() if v}
            if dry_run:
                return {
                    "files": names,
                    "counts": counts,
                    "rows": [],
                    "modified": False,
                    "warnings": warnings,
                    "dry_run": True,
                }
            try:
                summary = self.ws.write(data)
            finally:
                self.refresh()
            return {
                "files": names,
                "counts": counts,
                "rows": summary.rows(),
                "modified": summary.modified,
                "warnings": warnings,
                "dry_run": False,
            }

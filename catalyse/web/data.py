"""Every data access of the web workspace, in one place: the store, the in-memory graph and the query functions.

The web never touches a store or a query module elsewhere. Results are plain data with stable English keys and
codes, the same rows as the CLI's ``--format json``; pages turn codes into French or English text.

The territory's graph is loaded once (`WebData.refresh`) and kept in memory; every write goes through this module
and refreshes it, under one lock, so that readers always see a consistent graph.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import threading
from typing import Any

from catalyse.graphcore import vocab
from catalyse.graphcore.model import Dataset, Introduction, Tie
from catalyse.graphcore.stores import Store


class NotFound(LookupError):
    """No such organisation, catalyser or introduction (the message names it)."""


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


class WebData:
    """The territory as the web sees it: a store, and its dataset and graphs held in memory.

    Parameters
    ----------
    store : Store
        An open store (embedded or Neo4j); closed by `close`.
    """

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.RLock()
        self.refresh()

    # -- loading ------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the dataset and its graphs from the store (at start and after each write)."""
        from catalyse.graphcore.projection import comembership_graph, tie_graph

        with self._lock:
            data = self.store.dataset()
            self.data = data
            self.G = tie_graph(data)
            self.C = comembership_graph(data)
            self.names = {o.id: o.name for o in data.organisations}
            self.orgs = {o.id: o for o in data.organisations}
            self.catalyser_roles = {c.org: c.metiers for c in data.catalysers}
            self._summary = None
            self._map = {}

    def describe(self) -> str:
        return self.store.describe()

    def close(self) -> None:
        self.store.close()

    # -- reading ------------------------------------------------------------------------------------------------
    def stats(self) -> dict:
        """Counts and whole-network measures (``catalyse stats --format json`` plus the structure summary)."""
        from catalyse.queries import structure
        from catalyse.queries.overview import overview

        with self._lock:
            if self._summary is None:
                counts = self.data.counts()
                summ = structure.summary(self.G) if self.G.number_of_nodes() else {}
                summ = {k: v for k, v in summ.items() if k != "mixing"}
                outcomes = {o: 0 for o in vocab.codes("outcome")}
                for i in self.data.introductions:
                    outcomes[i.outcome] = outcomes.get(i.outcome, 0) + 1
                self._summary = clean(
                    {**counts, **overview(self.G), "structure": summ, "introduction_outcomes": outcomes}
                )
            return self._summary

    def org_row(self, o) -> dict:
        return {"id": o.id, "name": o.name, "sector": o.sector, "commune": o.commune, "themes": list(o.themes)}

    def search(self, q: str | None = None, *, limit: int = 50) -> tuple[list[dict], int]:
        """Organisations whose name or id contains `q` (case and accents ignored); (rows, total found)."""
        with self._lock:
            found = self.store.organisations(search=q) if q else self.data.organisations
        return [self.org_row(o) for o in found[:limit]], len(found)

    def organisation(self, org: str) -> dict:
        """``catalyse orgs show ORG --format json``: every field, its ties and its alliances."""
        with self._lock:
            o = self.orgs.get(org)
            if o is None:
                raise NotFound(f"no organisation {org!r}")
            record = o.to_record()
            record["catalyser_metiers"] = list(self.catalyser_roles.get(org, ())) or None
            record["ties"] = [
                {
                    "with": t.target if t.source == org else t.source,
                    "type": t.type,
                    "direction": "out" if t.directed and t.source == org else "in" if t.directed else "both",
                    "weight": t.weight,
                    "start": t.start,
                    "end": t.end,
                }
                for t in self.data.ties
                if org in (t.source, t.target)
            ]
            record["alliances"] = [
                {"id": a.id, "name": a.name, "role": next(m.role for m in a.members if m.org == org)}
                for a in self.data.alliances
                if any(m.org == org for m in a.members)
            ]
            return clean(record)

    def suggestions(self, org: str, *, top: int = 10, lang: str = "en") -> list[dict]:
        """``catalyse suggest ORG --format json``: reasons (in `lang`), introducer and what-if gain."""
        from catalyse.queries.suggestions import suggest

        with self._lock:
            if org not in self.G:
                raise NotFound(f"no organisation {org!r}")
            found = suggest(
                self.G,
                org,
                top=top,
                exclude={(i.a, i.b) for i in self.data.introductions},
                comembership=self.C,
                lang=lang,
            )
            return clean(
                [
                    {
                        "org": x.org,
                        "partner": x.partner,
                        "partner_name": x.partner_name,
                        "rank": x.rank,
                        "score": round(x.score, 6),
                        "introducer": x.introducer,
                        "introducer_name": x.introducer_name,
                        "shared_partners": list(x.shared_partners),
                        "shared_themes": x.shared_themes,
                        "sectors": x.sectors,
                        "reasons": x.reasons,
                        "reason_codes": [dict(c) for c in x.reason_codes],
                        "what_if": x.what_if,
                    }
                    for x in found
                ]
            )

    def catalysers(self) -> list[dict]:
        """The catalysers: organisation id, name and métiers."""
        with self._lock:
            return [
                {"org": c.org, "name": self.names.get(c.org), "metiers": list(c.metiers)} for c in self.data.catalysers
            ]

    def introductions(
        self, *, catalyser: str | None = None, org: str | None = None, outcome: str | None = None
    ) -> list[dict]:
        """``catalyse introductions --format json``, most recent first."""
        with self._lock:
            found = [
                i
                for i in self.data.introductions
                if (catalyser is None or i.catalyser == catalyser)
                and (org is None or org in (i.a, i.b))
                and (outcome is None or i.outcome == outcome)
            ]
            found.sort(key=lambda i: (i.date, i.id), reverse=True)
            return clean(
                [
                    {
                        "id": i.id,
                        "date": i.date,
                        "catalyser": i.catalyser,
                        "a": i.a,
                        "b": i.b,
                        "outcome": i.outcome,
                        "note": i.note,
                    }
                    for i in found
                ]
            )

    def activity(self, catalyser: str | None = None) -> list[dict]:
        """``catalyse activity --format json``: per catalyser, introductions, outcomes, conversion, liaison."""
        from catalyse.graphcore.projection import tie_graph
        from catalyse.queries.activity import catalyser_activity
        from catalyse.queries.brokerage import brokerage

        with self._lock:
            intros = [i for i in self.data.introductions if catalyser is None or i.catalyser == catalyser]
            if not intros:
                return []
            D = tie_graph(self.data, directed=True)
            br = brokerage(D, "sector", default="(none)", expected=False)
            liaison = {n: r["liaison"] for n, r in br["raw"].items()}
            act = catalyser_activity(D, intros, liaison=liaison)
            return clean([{"catalyser": c, **row} for c, row in act.items()])

    def map_html(self, lang: str = "fr") -> str:
        """The interactive ecosystem map (the offline view of `catalyse view`), sized by degree."""
        from catalyse.visualisations.ecosystem import ecosystem_map

        with self._lock:
            if lang not in self._map:
                self._map[lang] = ecosystem_map(self.G, size_by=dict(self.G.degree()), size_label="degree", lang=lang)
            return self._map[lang]

    def ego_html(self, org: str, lang: str = "fr") -> str:
        """An organisation's neighbourhood and its suggested introductions (`catalyse view --ego`)."""
        from catalyse.queries.suggestions import suggest
        from catalyse.visualisations.ecosystem import ego_view

        with self._lock:
            if org not in self.G:
                raise NotFound(f"no organisation {org!r}")
            sugg = suggest(
                self.G,
                org,
                top=8,
                exclude={(i.a, i.b) for i in self.data.introductions},
                comembership=self.C,
                lang=lang,
            )
            return ego_view(self.G, org, sugg, lang=lang)

    # -- writing ------------------------------------------------------------------------------------------------
    def introduce(
        self, a: str, b: str, catalyser: str, *, note: str | None = None, day: _dt.date | None = None
    ) -> tuple[dict, bool, list[str]]:
        """Record that `catalyser` introduced `a` and `b` (``catalyse introduce``).

        Returns (introduction, whether it is new, warning codes: ``not_a_catalyser``, ``already_tied``).
        """
        with self._lock:
            for field, value in (("a", a), ("b", b), ("catalyser", catalyser)):
                if not isinstance(value, str) or not value:
                    raise Invalid(field, "an organisation id is required")
                if value not in self.orgs:
                    raise Invalid(field, f"unknown organisation {value!r}")
            if a == b:
                raise Invalid("b", "an organisation cannot be introduced to itself")
            if note is not None and not isinstance(note, str):
                raise Invalid("note", "text expected")
            warnings = []
            if catalyser not in self.catalyser_roles:
                warnings.append("not_a_catalyser")
            if self.G.has_edge(a, b):
                warnings.append("already_tied")
            intro = Introduction(catalyser, a, b, day or _dt.date.today(), note=note or None)
            summary = self.store.write(Dataset(introductions=[intro]))
            self.refresh()
            return self._intro_row(intro.id), bool(summary.new["introductions"]), warnings

    def set_outcome(
        self, introduction: str, outcome: str, *, day: _dt.date | None = None, note: str | None = None
    ) -> tuple[dict, bool]:
        """What came of an introduction (``catalyse outcome``); a meeting or an alliance adds an 'introduced' tie.

        Returns (introduction, whether a tie was added).
        """
        with self._lock:
            found = [i for i in self.data.introductions if i.id == introduction]
            if not found:
                raise NotFound(f"no introduction {introduction!r}")
            intro = found[0]
            try:
                code = vocab.parse("outcome", outcome) if isinstance(outcome, str) else None
            except vocab.VocabularyError as exc:
                raise Invalid("outcome", str(exc)) from None
            if code is None:
                raise Invalid("outcome", "one of " + ", ".join(vocab.codes("outcome")))
            day = day or _dt.date.today()
            updated = dataclasses.replace(intro, outcome=code, note=note if note is not None else intro.note)
            ties = []
            tied = any({t.source, t.target} == {intro.a, intro.b} and t.type == "introduced" for t in self.data.ties)
            if code in ("met", "alliance_formed") and not tied:
                ties.append(
                    Tie(
                        intro.a,
                        intro.b,
                        "introduced",
                        start=max(day, intro.date),
                        provenance=f"introduction {intro.id}",
                        confidence=1.0,
                    )
                )
            self.store.write(Dataset(introductions=[updated], ties=ties))
            self.refresh()
            return self._intro_row(intro.id), bool(ties)

    def _intro_row(self, iid: str) -> dict:
        return next(r for r in self.introductions() if r["id"] == iid)

"""The entities of a territory's ecosystem: plain typed objects, no I/O.

`Organisation`, `Catalyser`, `Alliance` (with `Membership`), `Tie` and `Introduction` are frozen dataclasses
holding canonical values. Build them from user-typed records with `from_record`, which validates every field and
raises `RecordError` listing *all* the problems of the record, each with the field it concerns.

Examples
--------
>>> org = Organisation.from_record({"id": "mairie-valence", "name": "Mairie de Valence",
...                                 "sector": "collectivité", "commune": "26362", "themes": "ODD 11; 16"})
>>> org.sector, org.departement, org.themes
('local_authority', '26', ('SDG11', 'SDG16'))
>>> Tie.from_record({"source": "b", "target": "a", "type": "partenariat", "start": "2019"}).key.split(KEY_SEP)
['a', 'b', 'partnership', '2019-01-01']
>>> Tie.from_record({"source": "b", "target": "a", "type": "financement"}).source  # directed: kept as given
'b'
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import fields as F
from . import vocab


class RecordError(ValueError):
    """A record with one or more invalid fields: `problems` is a list of ``(field, message)``."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))


class _Reader:
    """Collects every field problem of one record instead of stopping at the first."""

    def __init__(self, record: Mapping[str, Any]):
        self.record = {k: v for k, v in record.items() if not F.is_blank(v)}
        self.problems: list[tuple[str, str]] = []

    def get(self, name: str, parser=None, *, required: bool = False, default=None):
        if name not in self.record:
            if required:
                self.problems.append((name, f"missing {name}"))
            return default
        value = self.record[name]
        try:
            return parser(value) if parser else F.text(value)
        except (F.FieldError, vocab.VocabularyError) as exc:
            self.problems.append((name, str(exc)))
            return default

    def fail(self, name: str, message: str) -> None:
        self.problems.append((name, message))

    def done(self) -> None:
        if self.problems:
            raise RecordError(self.problems)


def _iso(d: _dt.date | None) -> str:
    return d.isoformat() if d else ""


def _check_period(r: _Reader, start, end) -> None:
    if start and end and end < start:
        r.fail("end", f"end {end.isoformat()} is before start {start.isoformat()}")


def _territory(r: _Reader) -> dict:
    commune = r.get("commune", F.parse_commune)
    dep = r.get("departement", F.parse_departement)
    if commune and dep and F.departement_of(commune) != dep:
        r.fail("departement", f"département {dep} does not contain commune {commune}")
    if commune and not dep and "departement" not in r.record:
        dep = F.departement_of(commune)
    return {
        "commune": commune,
        "epci": r.get("epci", F.parse_epci),
        "departement": dep,
        "region": r.get("region", F.parse_region),
    }


ORGANISATION_FIELDS = (
    "id",
    "name",
    "sector",
    "commune",
    "epci",
    "departement",
    "region",
    "lat",
    "lon",
    "themes",
    "tags",
    "siren",
    "siret",
    "rna",
    "website",
    "metiers",
)


@dataclass(frozen=True)
class Organisation:
    """An organisation of the territory; `extra` keeps any other column of the import file, verbatim."""

    id: str
    name: str
    sector: str
    commune: str | None = None
    epci: str | None = None
    departement: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    themes: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    website: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Organisation:
        """Validate a record whose keys are canonical field names; other keys go to `extra`.

        A ``metiers`` key is ignored here: it makes a `Catalyser` (see `Catalyser.from_record`).
        """
        r = _Reader(record)
        org_id = r.get("id", F.parse_id, required=True)
        name = r.get("name", required=True)
        sector = r.get("sector", lambda v: vocab.parse("sector", F.text(v)), required=True)
        terr = _territory(r)
        lat = r.get("lat", lambda v: F.parse_float(v, "latitude", lo=-90, hi=90))
        lon = r.get("lon", lambda v: F.parse_float(v, "longitude", lo=-180, hi=180))
        if (lat is None) != (lon is None) and not r.problems:
            r.fail("lon" if lon is None else "lat", "latitude and longitude go together")
        siren = r.get("siren", F.parse_siren)
        siret = r.get("siret", F.parse_siret)
        if siren and siret and siret[:9] != siren:
            r.fail("siret", f"SIRET {siret} does not belong to SIREN {siren}")
        if siret and not siren:
            siren = siret[:9]
        extra = {str(k): F.text(v) for k, v in r.record.items() if k not in ORGANISATION_FIELDS}
        org = dict(
            id=org_id,
            name=name,
            sector=sector,
            **terr,
            lat=lat,
            lon=lon,
            themes=r.get("themes", F.parse_themes, default=()),
            tags=r.get("tags", F.parse_list, default=()),
            siren=siren,
            siret=siret,
            rna=r.get("rna", F.parse_rna),
            website=r.get("website", F.parse_website),
            extra=extra,
        )
        r.done()
        return cls(**org)

    def to_record(self) -> dict[str, Any]:
        """Canonical fields (None left out), then extra columns; lists stay tuples."""
        out = {k: v for k, v in dataclasses.asdict(self).items() if k != "extra" and v not in (None, ())}
        out.setdefault("themes", ())
        out.setdefault("tags", ())
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class Catalyser:
    """An organisation playing the catalyser role, with its métiers."""

    org: str
    metiers: tuple[str, ...] = ()

    def __post_init__(self):  # canonical order, so that equal roles compare equal
        order = vocab.codes("metier")
        object.__setattr__(self, "metiers", tuple(sorted(set(self.metiers), key=order.index)))

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Catalyser:
        r = _Reader(record)
        org = r.get("id", F.parse_id, required=True)
        metiers = r.get("metiers", lambda v: F.parse_codes("metier", v), default=())
        r.done()
        return cls(org=org, metiers=metiers)


@dataclass(frozen=True)
class Membership:
    org: str
    role: str = "partner"


@dataclass(frozen=True)
class Alliance:
    """A multi-party partnership or project, with its members and their roles."""

    id: str
    name: str
    themes: tuple[str, ...] = ()
    commune: str | None = None
    epci: str | None = None
    departement: str | None = None
    region: str | None = None
    start: _dt.date | None = None
    end: _dt.date | None = None
    status: str = "active"
    members: tuple[Membership, ...] = ()

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Alliance:
        """``members`` may be given as ``"org1:lead; org2; org3:funder"`` (role defaults to partner)."""
        r = _Reader(record)
        aid = r.get("id", F.parse_id, required=True)
        name = r.get("name", required=True)
        terr = _territory(r)
        start = r.get("start", F.parse_date)
        end = r.get("end", F.parse_date)
        _check_period(r, start, end)
        status = r.get("status", lambda v: vocab.parse("status", F.text(v)), default="active")
        members: list[Membership] = []
        for item in r.get("members", F.parse_list, default=()):
            org, _, role = item.partition(":")
            try:
                members.append(
                    Membership(F.parse_id(org, "member id"), vocab.parse("role", role) if role.strip() else "partner")
                )
            except (F.FieldError, vocab.VocabularyError) as exc:
                r.fail("members", str(exc))
        themes = r.get("themes", F.parse_themes, default=())
        r.done()
        return cls(
            id=aid,
            name=name,
            themes=themes,
            **terr,
            start=start,
            end=end,
            status=status,
            members=tuple(sorted(members, key=lambda m: m.org)),
        )

    def active_on(self, day: _dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)

    def to_record(self) -> dict[str, Any]:
        out = {k: v for k, v in dataclasses.asdict(self).items() if k != "members" and v not in (None, ())}
        out.setdefault("themes", ())
        out["members"] = tuple((m.org, m.role) for m in self.members)
        return out


def membership_from_record(record: Mapping[str, Any]) -> tuple[str, Membership]:
    """One row of an alliance-members file: ``alliance``, ``org`` (``id``), ``role``."""
    r = _Reader(record)
    alliance = r.get("alliance", F.parse_id, required=True)
    org = r.get("org", F.parse_id, required=True)
    role = r.get("role", lambda v: vocab.parse("role", F.text(v)), default="partner")
    r.done()
    return alliance, Membership(org, role)


#: Separates the parts of a tie or introduction key: ids cannot contain control characters, so keys are unambiguous.
KEY_SEP = "\x1f"


def _key(*parts: str) -> str:
    return KEY_SEP.join(parts)


class _computed_once:
    """`functools.cached_property` without its per-instance lock, which Python 3.11 takes on every first access
    (measured on 100,000 ties: about 1 µs less per key, ≈ 1 s of a 1,000,000-tie import). The value goes into
    the instance's `__dict__`, which answers every later access; two threads computing it at once store equal
    values."""

    def __init__(self, fn):
        self.fn, self.name, self.__doc__ = fn, fn.__name__, fn.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass(frozen=True)
class Tie:
    """A typed, dated tie between two organisations.

    Undirected ties are stored with ``source < target`` so that a tie typed either way round is one tie.
    The identity of a tie is (source, target, type, start): the same pair may be partners twice, at two dates.
    """

    source: str
    target: str
    type: str
    directed: bool = False
    weight: float = 1.0
    start: _dt.date | None = None
    end: _dt.date | None = None
    provenance: str | None = None
    confidence: float | None = None

    def __post_init__(self):
        if not self.directed and self.source > self.target:  # one undirected tie, whichever way it was typed
            src, dst = self.target, self.source
            object.__setattr__(self, "source", src)
            object.__setattr__(self, "target", dst)

    @_computed_once
    def key(self) -> str:
        """(source, target, type, start) joined by `KEY_SEP`; computed once per tie (stores sort and index by it)."""
        return _key(self.source, self.target, self.type, _iso(self.start))

    def active_on(self, day: _dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Tie:
        r = _Reader(record)
        source = r.get("source", lambda v: F.parse_id(v, "source"), required=True)
        target = r.get("target", lambda v: F.parse_id(v, "target"), required=True)
        ttype = r.get("type", lambda v: vocab.parse("tie_type", F.text(v)), required=True)
        directed = r.get("directed", lambda v: F.parse_bool(v, "directed flag"))
        if directed is None:
            directed = ttype in vocab.DIRECTED_TIE_TYPES
        weight = r.get("weight", lambda v: F.parse_float(v, "weight", lo=0, hi=1e9), default=1.0)
        if weight == 0:
            r.fail("weight", "a tie of weight 0 is no tie: leave it out or give a positive weight")
        start = r.get("start", F.parse_date)
        end = r.get("end", F.parse_date)
        _check_period(r, start, end)
        confidence = r.get("confidence", lambda v: F.parse_float(v, "confidence", lo=0, hi=1))
        if source and source == target:
            r.fail("target", f"a tie from {source!r} to itself")
        r.done()
        return cls(
            source=source,
            target=target,
            type=ttype,
            directed=directed,
            weight=weight,
            start=start,
            end=end,
            provenance=r.get("provenance"),
            confidence=confidence,
        )


@dataclass(frozen=True)
class Introduction:
    """A catalyser introduced organisations `a` and `b` on `date`; `outcome` says what came of it."""

    catalyser: str
    a: str
    b: str
    date: _dt.date
    note: str | None = None
    outcome: str = "pending"
    id: str = ""
    #: who, in the catalyser's structure, made the introduction (a person's name; optional)
    person: str | None = None

    def __post_init__(self):
        if self.a > self.b:  # an introduction is symmetric
            a, b = self.b, self.a
            object.__setattr__(self, "a", a)
            object.__setattr__(self, "b", b)
        if not self.id:
            object.__setattr__(self, "id", introduction_id(self.catalyser, self.a, self.b, self.date))

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Introduction:
        r = _Reader(record)
        cat = r.get("catalyser", lambda v: F.parse_id(v, "catalyser"), required=True)
        a = r.get("a", lambda v: F.parse_id(v, "a"), required=True)
        b = r.get("b", lambda v: F.parse_id(v, "b"), required=True)
        day = r.get("date", F.parse_date, required=True)
        outcome = r.get("outcome", lambda v: vocab.parse("outcome", F.text(v)), default="pending")
        iid = r.get("id", F.parse_id, default="")
        if a and a == b:
            r.fail("b", f"an introduction of {a!r} to itself")
        r.done()
        return cls(
            catalyser=cat, a=a, b=b, date=day, note=r.get("note"), outcome=outcome, id=iid, person=r.get("person")
        )


def introduction_id(catalyser: str, a: str, b: str, day: _dt.date) -> str:
    """A short stable id for an introduction, derived from who introduced whom and when.

    >>> introduction_id("c", "a", "b", _dt.date(2024, 5, 1)) == introduction_id("c", "b", "a", _dt.date(2024, 5, 1))
    True
    """
    a, b = sorted((a, b))
    return "I" + hashlib.sha1(_key(catalyser, a, b, day.isoformat()).encode()).hexdigest()[:9]


@dataclass
class Dataset:
    """Everything a store holds, or everything one import brings: sorted, comparable, projectable."""

    organisations: list[Organisation] = field(default_factory=list)
    catalysers: list[Catalyser] = field(default_factory=list)
    alliances: list[Alliance] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    introductions: list[Introduction] = field(default_factory=list)

    def sorted(self) -> Dataset:
        return Dataset(
            sorted(self.organisations, key=lambda o: o.id),
            sorted(self.catalysers, key=lambda c: c.org),
            sorted(self.alliances, key=lambda a: a.id),
            sorted(self.ties, key=lambda t: t.key),
            sorted(self.introductions, key=lambda i: i.id),
        )

    def as_of(self, day: _dt.date) -> Dataset:
        """The network as it was on `day`: ties and alliances active then; organisations and catalysers all kept."""
        return Dataset(
            list(self.organisations),
            list(self.catalysers),
            [a for a in self.alliances if a.active_on(day)],
            [t for t in self.ties if t.active_on(day)],
            [i for i in self.introductions if i.date <= day],
        )

    def counts(self) -> dict[str, int]:
        return {
            "organisations": len(self.organisations),
            "catalysers": len(self.catalysers),
            "alliances": len(self.alliances),
            "memberships": sum(len(a.members) for a in self.alliances),
            "ties": len(self.ties),
            "introductions": len(self.introductions),
        }

    def org_ids(self) -> set[str]:
        return {o.id for o in self.organisations}

    def __bool__(self) -> bool:
        return any(self.counts().values())


def referenced_orgs(data: Dataset) -> Iterable[tuple[str, str, str]]:
    """Every organisation id `data` refers to, as ``(entity, entity key, org id)``."""
    for c in data.catalysers:
        yield "catalyser", c.org, c.org
    for a in data.alliances:
        for m in a.members:
            yield "alliance member", a.id, m.org
    for t in data.ties:
        yield "tie source", t.key, t.source
        yield "tie target", t.key, t.target
    for i in data.introductions:
        for org in (i.catalyser, i.a, i.b):
            yield "introduction", i.id, org

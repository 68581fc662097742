"""The place of one organisation row: its commune from what the row says (``commune``, ``town``, ``postal_code``,
``departement``), resolved with `catalyse.graphcore.places.resolve`, and its EPCI, département and région filled.

`file_context` reads what a whole file says about its places: the départements it speaks of (a town name alone
is read within them), and whether its commune column holds postal codes (then 5 digits that are both a commune
code and a postal code are read as the postal code); `place` is called once per organisation row, before the
record is validated. Coordinates are never invented:
a row without ``lat``/``lon`` keeps none, and views take the commune's position from the places table;
`Placement.approximate` says when that position is only an approximation (the row is listed in the import's
`approximate_places`).

>>> record, placement = place({"id": "a", "name": "A", "sector": "association", "town": "Crest",
...                            "postal_code": "26400"})
>>> record["commune"], record["epci"], record["departement"], record["region"], placement.approximate
('26108', '200040509', '26', '84', False)
>>> place({"id": "b", "commune": "26400"})
Traceback (most recent call last):
...
catalyse.graphcore.model.RecordError: commune: '26400' is not an INSEE commune code but a postal code shared by 24 communes (...); give the town (column 'ville') to choose
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalyse.graphcore import fields as F
from catalyse.graphcore import places
from catalyse.graphcore.model import RecordError

#: The record fields a place is read from.
PLACE_FIELDS = ("commune", "town", "postal_code", "departement")


@dataclass(frozen=True)
class Placement:
    """Where a row was placed: its `commune`; `approximate` when the row has no coordinates and the commune's
    position is approximate (or unknown); `postal_code_as_commune` when its commune column held a postal code."""

    commune: places.Commune
    approximate: bool
    postal_code_as_commune: bool


@dataclass(frozen=True)
class ApproximatePlace:
    """A row drawn at an approximate position (for the import summary)."""

    file: str
    row: int | None
    org: str
    commune: str
    name: str

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" if self.row is not None else self.file
        return f"{where}: {self.org} — {self.name} ({self.commune})"


def _value(record: Mapping, name: str) -> str | None:
    v = record.get(name)
    return None if F.is_blank(v) else F.text(v)


@dataclass(frozen=True)
class FileContext:
    """What a file's rows say about places as a whole (`file_context`)."""

    departements: frozenset[str] = frozenset()
    postal_codes_in_commune: bool = False


def file_context(records: Iterable[Mapping]) -> FileContext:
    """The départements of a file's rows that say theirs (a ``departement`` column, or a place that resolves
    without help), used to read the town names that are ambiguous in France; and whether one commune value at
    least is a postal code and no commune code.

    >>> ctx = file_context([{"commune": "26362"}, {"town": "Saint-Denis"}, {"departement": "7"}])
    >>> sorted(ctx.departements), ctx.postal_codes_in_commune
    (['07', '26'], False)
    >>> file_context([{"commune": "26400", "town": "Crest"}, {"commune": "26150"}]).postal_codes_in_commune
    True
    """
    records = list(records)
    postal = any(places.is_postal_code_only(v) for r in records if (v := _value(r, "commune")))
    found: set[str] = set()
    for record in records:
        given = {k: _value(record, k) for k in PLACE_FIELDS}
        if given["departement"]:
            try:
                found.add(F.parse_departement(given["departement"]))
            except F.FieldError:
                pass
            continue
        if not any(given.values()):
            continue
        try:
            found.add(places.resolve(**given, postal_codes_in_commune=postal).departement)
        except places.PlaceError:
            continue
    return FileContext(frozenset(found), postal)


def place(
    record: Mapping, *, context: FileContext = FileContext(), town_column: str = "ville"
) -> tuple[dict, Placement | None]:
    """(the record with ``commune``, ``epci``, ``departement``, ``region`` filled, where it was placed).

    A row with no place at all is returned unchanged with None. An EPCI or région given in the row must be the
    commune's. Raises `RecordError` naming the field at fault, the message naming the candidate communes.
    """
    given = {k: _value(record, k) for k in PLACE_FIELDS}
    if not any(given[k] for k in ("commune", "town", "postal_code")):
        return dict(record), None
    try:
        res = places.resolution(
            **given,
            departements=context.departements,
            town_column=town_column,
            postal_codes_in_commune=context.postal_codes_in_commune,
        )
    except places.PlaceError as exc:
        name = exc.field
        if name == "town" and not given["town"]:
            name = "commune"  # a town name written in the commune column
        if name == "commune" and not given["commune"]:
            name = "town" if given["town"] else "postal_code"
        raise RecordError([(name, str(exc))]) from None
    c = res.commune
    out = dict(record)
    out["commune"] = c.code
    problems = []
    for name, parse, mine in (("epci", F.parse_epci, c.epci), ("region", F.parse_region, c.region)):
        value = _value(record, name)
        if value is None:
            if mine:
                out[name] = mine
            continue
        try:
            theirs = parse(value)
        except F.FieldError:
            continue  # the record's own validation reports it
        if theirs != mine:
            what = "EPCI" if name == "epci" else "région"
            problems.append((name, f"{c.name} ({c.code}) is not in {what} {theirs}: its {what} is {mine or 'none'}"))
    if problems:
        raise RecordError(problems)
    if given["departement"] is None:
        out["departement"] = c.departement
    has_coordinates = _value(record, "lat") is not None and _value(record, "lon") is not None
    approximate = not has_coordinates and (c.approximate or c.lat is None)
    return out, Placement(c, approximate, res.postal_code_as_commune)

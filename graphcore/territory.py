"""One territory selector — commune, EPCI, département or région — parsed once and used everywhere.

The stores (`organisations(territory=…)`, the two-step pairs), the graph filter (`projection.restrict`) and the
suggestions all take a :class:`Territory` (or a text they parse with :meth:`Territory.parse`), so that the same
words select the same organisations whichever command is run.

Examples
--------
>>> t = Territory.parse("region:84")
>>> t.level, t.code, str(t)
('region', '84', 'region:84')
>>> Territory.parse("26").contains({"commune": "26362"})   # département taken from the commune code
True
>>> Territory.parse("26362") == ("commune", "26362")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from . import fields as F

LEVELS = ("commune", "epci", "departement", "region")

_LEVEL_WORDS = {"dep": "departement", "département": "departement", "région": "region"}
_PARSERS = {
    "commune": F.parse_commune,
    "epci": F.parse_epci,
    "departement": F.parse_departement,
    "region": F.parse_region,
}


class Territory(NamedTuple):
    """A level (one of :data:`LEVELS`) and an INSEE / SIREN code of that level."""

    level: str
    code: str

    @classmethod
    def parse(cls, spec: str | tuple[str, str] | Territory) -> Territory:
        """Read ``commune:26362``, ``epci:200068781``, ``departement:26`` (or ``dep:26``), ``region:84``, or a bare
        code: a commune (5 characters), an EPCI (9 digits) or a département. A bare region code would be ambiguous
        with a département, so regions need ``region:``. A ``(level, code)`` pair is checked the same way.

        >>> Territory.parse("2A"), Territory.parse("dep:2a"), Territory.parse(("region", "84"))
        (Territory(level='departement', code='2A'), Territory(level='departement', code='2A'), \
Territory(level='region', code='84'))
        >>> Territory.parse("canton:12")
        Traceback (most recent call last):
        ...
        catalyse.graphcore.fields.FieldError: unknown territory level 'canton': use commune:, epci:, dep: or region:
        """
        if isinstance(spec, tuple):
            level, code = spec
        else:
            level, sep, code = str(spec).partition(":")
            if not sep:
                code = level.strip()
                level = "commune" if len(code) == 5 else "epci" if len(code) == 9 else "departement"
        level = level.strip().lower()
        level = _LEVEL_WORDS.get(level, level)
        if level not in _PARSERS:
            raise F.FieldError(f"unknown territory level {level!r}: use commune:, epci:, dep: or region:")
        return cls(level, _PARSERS[level](code))

    def value_of(self, attrs: Mapping[str, Any]) -> str | None:
        """The code of this level in an organisation's attributes (the département falls back on the commune)."""
        if self.level == "departement" and not attrs.get("departement") and attrs.get("commune"):
            return F.departement_of(str(attrs["commune"]))
        value = attrs.get(self.level)
        return None if value is None else str(value)

    def contains(self, attrs: Mapping[str, Any]) -> bool:
        """Whether an organisation (its attributes: a graph node's, or `Organisation.to_record()`) is inside."""
        return self.value_of(attrs) == self.code

    def __str__(self) -> str:
        return f"{self.level}:{self.code}"

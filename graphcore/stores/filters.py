"""Filters shared by both stores, so that they select exactly the same things."""

from __future__ import annotations

from .. import fields as F

TERRITORY_LEVELS = ("commune", "epci", "departement", "region")


def parse_territory(spec: str) -> tuple[str, str]:
    """Read a territory filter into ``(level, code)``.

    ``commune:26362``, ``epci:200068781``, ``departement:26`` (or ``dep:26``) and ``region:84`` name the level;
    a bare code is a commune (5 characters), an EPCI (9 digits) or a département. A bare region code would be
    ambiguous with a département, so regions need ``region:``.

    >>> parse_territory("26362"), parse_territory("2A"), parse_territory("region:84")
    (('commune', '26362'), ('departement', '2A'), ('region', '84'))
    """
    level, sep, code = str(spec).partition(":")
    if not sep:
        code = level.strip()
        level = "commune" if len(code) == 5 else "epci" if len(code) == 9 else "departement"
    level = {"dep": "departement", "département": "departement", "région": "region"}.get(
        level.strip().lower(), level.strip().lower()
    )
    parsers = {
        "commune": F.parse_commune,
        "epci": F.parse_epci,
        "departement": F.parse_departement,
        "region": F.parse_region,
    }
    if level not in parsers:
        raise F.FieldError(f"unknown territory level {level!r}: use commune:, epci:, dep: or region:")
    return level, parsers[level](code)

"""Filters shared by both stores, so that they select exactly the same things."""

from __future__ import annotations

from ..territory import Territory


def parse_territory(spec) -> Territory:
    """Read a territory filter into a :class:`~catalyse.graphcore.territory.Territory` ``(level, code)``.

    >>> parse_territory("26362"), parse_territory("2A"), parse_territory("region:84")
    (Territory(level='commune', code='26362'), Territory(level='departement', code='2A'), \
Territory(level='region', code='84'))
    """
    return Territory.parse(spec)

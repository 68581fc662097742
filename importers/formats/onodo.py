"""Onodo maps: an XLSX with a ``Nodes`` sheet (``Name``, ``Type``, ``Description``, ``Visible``…) and a
``Relations`` sheet (``Source``, ``Type``, ``Target``, ``Directed``, ``At``, ``From``, ``To``).

- A node is identified by its name: its id is the name's slug (collisions get ``-2``…); relations name nodes.
- ``Type`` is kept as the organisation's ``type`` and gives its sector (see `common.sector_and_type`);
  ``Description``, ``Visible`` and any other column are kept as attributes (ours when their name is ours).
- A relation's ``Type`` becomes our tie type when it is one, else ``partnership`` with the word in the provenance;
  ``Directed`` (TRUE/FALSE) is kept, blank leaves the tie type's default; ``From`` / ``To`` are the start and end
  dates, ``At`` (a single date) the start when ``From`` is blank.
"""

from __future__ import annotations

from catalyse.graphcore import fields as F
from catalyse.graphcore.vocab import _fold

from ..tables import ReadError, Table
from .common import Resolver, add_custom, sector_and_type, table, tie_type_and_provenance, unique_ids

TOOL = "Onodo"


def is_workbook(tables: list[Table]) -> bool:
    """Sheets ``Nodes`` (with ``Name``) and ``Relations`` (with ``Source`` and ``Target``)."""
    sheets = {_fold(t.sheet or ""): t for t in tables}
    nodes, relations = sheets.get("nodes"), sheets.get("relations")
    if nodes is None or "name" not in {_fold(h) for h in nodes.headers}:
        return False
    return relations is None or {"source", "target"} <= {_fold(h) for h in relations.headers}


def _by_fold(cells: dict) -> dict[str, tuple[str, object]]:
    return {_fold(k): (k, v) for k, v in cells.items()}


def read_workbook(path: str, tables: list[Table]) -> list[Table]:
    sheets = {_fold(t.sheet or ""): t for t in tables}
    nodes, relations = sheets["nodes"], sheets.get("relations")
    rows = [(row, _by_fold(cells)) for row, cells in nodes.rows]
    names = [flat.get("name", (None, ""))[1] for _, flat in rows]
    ids = unique_ids(names, fallback="node")
    resolver = Resolver(ids, names)
    org_rows, org_fields = [], {"id": "Name", "name": "Name", "sector": "Type"}
    for (row, flat), oid in zip(rows, ids):
        name = flat.pop("name")[1]
        _, kind = flat.pop("type", (None, ""))
        sector, type_word = sector_and_type([F.text(kind)] if not F.is_blank(kind) else [])
        cells = {"id": oid, "name": name, "sector": sector}
        if type_word:
            cells["type"] = type_word
        for header, value in flat.values():
            add_custom(cells, "organisations", header, value, org_fields)
        org_rows.append((row, cells))
    out = [table(path, "organisations", org_rows, sheet=nodes.sheet, row_label="row", fields=org_fields, fmt="onodo")]
    if not org_rows:
        raise ReadError(f"{path} [{nodes.sheet}]: the Nodes sheet has no rows")
    if relations is not None and relations.rows:
        tie_rows = []
        tie_fields = {"source": "Source", "target": "Target", "type": "Type", "directed": "Directed"}
        for row, cells in relations.rows:
            flat = _by_fold(cells)
            tie_type, provenance = tie_type_and_provenance(flat.pop("type", (None, ""))[1], TOOL)
            rec: dict[str, object] = {
                "source": resolver.resolve(flat.pop("source", (None, ""))[1]),
                "target": resolver.resolve(flat.pop("target", (None, ""))[1]),
                "type": tie_type,
            }
            directed = flat.pop("directed", (None, ""))[1]
            if not F.is_blank(directed):
                rec["directed"] = directed
            start_from, end_to, at = (flat.pop(k, (None, ""))[1] for k in ("from", "to", "at"))
            if not F.is_blank(start_from):
                rec["start"] = start_from
                tie_fields["start"] = "From"
            elif not F.is_blank(at):
                rec["start"] = at
                tie_fields.setdefault("start", "At")
            if not F.is_blank(end_to):
                rec["end"] = end_to
                tie_fields["end"] = "To"
            if provenance:
                rec["provenance"] = provenance
            for header, value in flat.values():
                add_custom(rec, "ties", header, value, tie_fields)
            tie_rows.append((row, rec))
        out.append(
            table(path, "ties", tie_rows, sheet=relations.sheet, row_label="row", fields=tie_fields, fmt="onodo")
        )
    return out

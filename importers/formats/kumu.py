"""Kumu maps: the JSON blueprint and the spreadsheet (XLSX with an Elements and a Connections sheet).

Blueprint (docs.kumu.io, "JSON / Blueprints"): ``{"elements": [{"label", "type", "description", "tags", …}],
"connections": [{"from", "to", "type", "direction", …}]}``; a project backup nests the fields in ``attributes``
and names the types ``element type`` / ``connection type``: both are read. Spreadsheet: sheets ``Elements``
(``Label``, ``Type``, ``Description``, ``Tags``…) and ``Connections`` (``From``, ``To``, ``Type``, ``Direction``…),
several values in one cell separated by ``|``.

- An element is identified by its label (Kumu's own rule): its id is the label's slug (``Mairie de Crest`` →
  ``mairie-de-crest``; two labels with one slug get ``-2``…), unless the element has an ``id``.
- ``type`` is kept as the organisation's ``type`` and gives its sector (see `common.sector_and_type`); ``tags``
  are its tags; other fields are ours when their name is (``commune``, ``SIRET``…) or extra attributes.
- ``direction``: ``directed`` (Kumu's default) → a directed tie; ``undirected`` and ``mutual`` → an undirected one.
  The connection type becomes our tie type when it is one, else ``partnership`` with the word in the provenance.
  ``weight`` or ``strength`` is the weight; ``start date`` / ``end date`` (or ``start`` / ``end``) the dates.
"""

from __future__ import annotations

from catalyse.graphcore import fields as F
from catalyse.graphcore.vocab import _fold

from ..tables import ReadError, Table
from .common import Resolver, add_custom, sector_and_type, split_values, table, tie_type_and_provenance, unique_ids

TOOL = "Kumu"
DIRECTIONS = {"directed": True, "undirected": False, "mutual": False}


def is_blueprint(doc) -> bool:
    """A JSON document with an ``elements`` list (and optionally ``connections``), as Kumu reads and writes."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("elements"), list)
        and isinstance(doc.get("connections", []), list)
        and not ({"organisations", "ties"} & set(doc))
    )


def is_spreadsheet(tables: list[Table]) -> bool:
    """An XLSX whose sheets are Kumu's ``Elements`` (with ``Label``) and, optionally, ``Connections``."""
    sheets = {_fold(t.sheet or ""): t for t in tables}
    elements = sheets.get("elements")
    return elements is not None and "label" in {_fold(h) for h in elements.headers}


def _flat(record: dict) -> dict[str, tuple[str, object]]:
    """Kumu fields keyed by their folded name (``Element Type`` → ``element_type``), ``attributes`` merged in."""
    out: dict[str, tuple[str, object]] = {}
    for key, value in record.items():
        if key == "attributes" and isinstance(value, dict):
            for k, v in value.items():
                out.setdefault(_fold(k), (k, v))
        else:
            out.setdefault(_fold(key), (key, value))
    return out


def _take(flat: dict, *names: str):
    """(original name, value) of the first of `names` present, removed from `flat`; (None, None) if none is."""
    for name in names:
        if name in flat:
            return flat.pop(name)
    return None, None


def convert(path: str, elements: list[tuple[int, dict]], connections: list[tuple[int, dict]], *, sheets, labels):
    """Canonical tables from Kumu elements and connections (row number, record); `sheets` names the two lists,
    `labels` says how a row is called in messages (``element`` in a blueprint, ``row`` in a spreadsheet)."""
    flats = [(row, _flat(rec)) for row, rec in elements]
    given_ids = [_take(flat, "id", "_id")[1] for _, flat in flats]
    names = [flat.get("label", (None, ""))[1] for _, flat in flats]
    made = unique_ids(names)
    ids = [F.text(g) if not F.is_blank(g) else m for g, m in zip(given_ids, made)]
    resolver = Resolver(ids, names)
    org_rows, org_fields = [], {"id": "label", "name": "label", "sector": "type"}
    for (row, flat), oid in zip(flats, ids):
        label_name, label = _take(flat, "label")
        type_name, kind = _take(flat, "element_type", "type")
        if type_name:
            org_fields["sector"] = type_name
        if label_name:
            org_fields["id"] = org_fields["name"] = label_name
        sector, type_word = sector_and_type(split_values(kind))
        cells = {"id": oid, "name": label if not F.is_blank(label) else "", "sector": sector}
        if type_word:
            cells["type"] = type_word
        tags_name, tags = _take(flat, "tags")
        if tags_name and split_values(tags):
            cells["tags"] = split_values(tags)
            org_fields["tags"] = tags_name
        for _, (name, value) in flat.items():
            add_custom(cells, "organisations", name, value, org_fields)
        org_rows.append((row, cells))
    tie_rows, tie_fields = [], {"source": "from", "target": "to", "type": "type", "directed": "direction"}
    problems = []
    for row, rec in connections:
        flat = _flat(rec)
        from_name, source = _take(flat, "from")
        to_name, target = _take(flat, "to")
        type_name, ctype = _take(flat, "connection_type", "type")
        dir_name, direction = _take(flat, "direction")
        for canon, name in (("source", from_name), ("target", to_name), ("type", type_name), ("directed", dir_name)):
            if name:
                tie_fields[canon] = name
        ctype = (split_values(ctype) or [""])[0]
        _, provenance = _take(flat, "provenance")
        tie_type, provenance = tie_type_and_provenance(ctype, TOOL, provenance)
        cells = {"source": resolver.resolve(source), "target": resolver.resolve(target), "type": tie_type}
        word = "directed" if F.is_blank(direction) else _fold(F.text(direction))
        if word in DIRECTIONS:
            cells["directed"] = DIRECTIONS[word]
        else:
            problems.append(
                (row, dir_name or "direction", f"unknown direction {direction!r}: directed, undirected or mutual")
            )
        weight_name, weight = _take(flat, "weight", "strength", "poids")
        if weight_name:
            cells["weight"] = weight
            tie_fields["weight"] = weight_name
        if provenance:
            cells["provenance"] = provenance
        for _, (name, value) in flat.items():
            add_custom(cells, "ties", name, value, tie_fields)
        tie_rows.append((row, cells))
    out = []
    if org_rows:
        out.append(
            table(path, "organisations", org_rows, sheet=sheets[0], row_label=labels[0], fields=org_fields, fmt="kumu")
        )
    if tie_rows:
        ties = table(path, "ties", tie_rows, sheet=sheets[1], row_label=labels[1], fields=tie_fields, fmt="kumu")
        ties.hints["problems"] = problems
        out.append(ties)
    if not out:
        raise ReadError(f"{path}: a Kumu map with no elements and no connections")
    return out


def read_blueprint(path: str, doc: dict) -> list[Table]:
    """The tables of a Kumu JSON blueprint (elements and connections numbered from 1)."""
    for section in ("elements", "connections"):
        for i, rec in enumerate(doc.get(section, []), start=1):
            if not isinstance(rec, dict):
                raise ReadError(f"{path}: {section} #{i} is not an object")
    elements = list(enumerate(doc["elements"], start=1))
    connections = list(enumerate(doc.get("connections", []), start=1))
    return convert(path, elements, connections, sheets=("elements", "connections"), labels=("element", "connection"))


def read_spreadsheet(path: str, tables: list[Table]) -> list[Table]:
    """The tables of a Kumu XLSX (rows numbered as in the workbook); sheets other than these two are ignored."""
    sheets = {_fold(t.sheet or ""): t for t in tables}
    elements = sheets["elements"]
    connections = sheets.get("connections")
    return convert(
        path,
        elements.rows,
        connections.rows if connections else [],
        sheets=(elements.sheet, connections.sheet if connections else "Connections"),
        labels=("row", "row"),
    )

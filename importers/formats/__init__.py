"""Maps kept in other tools, recognised from their content and converted into our canonical tables.

`read_tables` (importers.tables) reads a file by what it holds, not only by its extension: a JSON document, an
XML graph (GEXF, GraphML), an XLSX workbook or a CSV. Then `convert_json`, `convert_xml` and `convert_tables`
recognise the formats below and turn them into organisations, catalysers and ties tables, which go through the
normal validation (each problem with its file, element or row, and the field as the file names it; nothing written
unless everything is valid; re-running changes nothing):

=========  ========================================================================  ===============
format     recognised by                                                             module
=========  ========================================================================  ===============
kumu       JSON with an ``elements`` list; XLSX with an ``Elements`` sheet (Label)     `.kumu`
gogocarto  JSON ``{"data": [...], "ontology": …}``; CSV with ``name`` + ``taxonomy``   `.gogocarto`
gephi      CSV/XLSX with ``Id`` + ``Label`` (nodes) or ``Source`` + ``Target`` with   `.gephi`
           ``Type`` Directed/Undirected (edges); GEXF; GraphML
onodo      XLSX with ``Nodes`` (Name) and ``Relations`` sheets                        `.onodo`
=========  ========================================================================  ===============

Our own files (canonical or French headers, ``{"organisations": [...], "ties": [...]}``) are read as before.

Examples
--------
>>> sniff(b'\\xef\\xbb\\xbf  {"elements": []}'), sniff(b"<?xml version='1.0'?><gexf>"), sniff(b"PK\\x03\\x04...")
('json', 'xml', 'zip')
>>> sniff(b"id;nom;secteur") is None
True
"""

from __future__ import annotations

import os

from ..tables import ReadError, Table
from . import gephi, gogocarto, kumu, onodo

FORMATS = ("kumu", "gogocarto", "gephi", "gexf", "graphml", "onodo")


def sniff(raw: bytes) -> str | None:
    """``json``, ``xml`` or ``zip`` (an XLSX workbook) from a file's first bytes; None for anything else (text)."""
    head = raw[:64]
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip()
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<"):
        return "xml"
    return None


def convert_json(path: str, doc) -> list[Table] | None:
    """The tables of a Kumu blueprint or a GoGoCarto export; None for any other JSON document."""
    if gogocarto.is_export(doc):
        return gogocarto.read_export(path, doc)
    if kumu.is_blueprint(doc):
        return kumu.read_blueprint(path, doc)
    return None


def convert_xml(path: str, raw: bytes) -> list[Table]:
    """The tables of a GEXF or GraphML file."""
    kind = gephi.graph_kind(raw)
    if kind == "gexf":
        return gephi.read_gexf(path, raw)
    if kind == "graphml":
        return gephi.read_graphml(path, raw)
    raise ReadError(f"{path}: an XML file that is neither GEXF nor GraphML")


def convert_tables(path: str, tables: list[Table]) -> list[Table]:
    """The tables of a Kumu or Onodo workbook, a GoGoCarto CSV, or Gephi node/edge tables; others unchanged."""
    if kumu.is_spreadsheet(tables):
        return kumu.read_spreadsheet(path, tables)
    if onodo.is_workbook(tables):
        return onodo.read_workbook(path, tables)
    out: list[Table] = []
    for t in tables:
        if gogocarto.is_csv(t):
            out.extend(gogocarto.read_csv_table(t))
        elif gephi.is_nodes_table(t) or gephi.is_edges_table(t):
            out.extend(gephi.read_spreadsheets(path, [t]))
        else:
            out.append(t)
    return out


def detect_format(path: str | os.PathLike) -> str | None:
    """The map format a file holds (one of `FORMATS`), or None for our own tables; raises `ReadError`.

    Reads the file (as `read_tables` does): for the import's report ("read as a Kumu map").
    """
    from ..tables import read_tables

    found = {f for t in read_tables(path) if (f := t.hints.get("format")) is not None}
    return sorted(found)[0] if found else None

"""Export a `Dataset` to CSV and JSON (re-importable) and to GraphML and GEXF (for Gephi).

CSV files are UTF-8 with a BOM (so that Excel shows accents right), ``,``-separated, with canonical headers. A text
cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return)
is written with a leading apostrophe, as OWASP recommends against CSV injection; numbers, codes and dates are
never touched, and the importer drops that apostrophe again, so an export re-imports to the same data.
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any

import networkx as nx

from catalyse.graphcore.model import ORGANISATION_FIELDS, Dataset
from catalyse.graphcore.projection import alliance_graph, tie_graph

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_FIELDS = {"lat", "lon", "weight", "confidence"}

CSV_FILES = {
    "organisations": ORGANISATION_FIELDS,
    "ties": ("source", "target", "type", "directed", "weight", "start", "end", "provenance", "confidence"),
    "alliances": ("id", "name", "themes", "commune", "epci", "departement", "region", "start", "end", "status"),
    "alliance_members": ("alliance", "org", "role"),
    "introductions": ("id", "catalyser", "a", "b", "date", "note", "outcome", "person"),
}


def defuse(value: str) -> str:
    """Quote a cell that a spreadsheet would evaluate: ``=HYPERLINK(...)`` → ``'=HYPERLINK(...)``.

    >>> defuse("=1+1"), defuse("Mairie"), defuse("")
    ("'=1+1", 'Mairie', '')
    """
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "true" if value else "false"
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    else:
        value = str(value)
    return value if name in NUMERIC_FIELDS else defuse(value)


def records(data: Dataset) -> dict[str, list[Any]]:
    """The dataset as plain records per file (lists as lists, dates as ISO strings)."""
    metiers = {c.org: list(c.metiers) for c in data.catalysers}
    orgs = []
    extra_keys: list[str] = []
    for o in data.organisations:
        rec = {name: getattr(o, name) for name in ORGANISATION_FIELDS if name != "metiers"}
        rec.update(themes=list(o.themes), tags=list(o.tags), metiers=metiers.get(o.id))
        for k, v in o.extra.items():
            rec[k] = v
            if k not in extra_keys:
                extra_keys.append(k)
        orgs.append(rec)
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "organisations": orgs,
        "ties": [
            {
                "source": t.source,
                "target": t.target,
                "type": t.type,
                "directed": t.directed,
                "weight": t.weight,
                "start": iso(t.start),
                "end": iso(t.end),
                "provenance": t.provenance,
                "confidence": t.confidence,
            }
            for t in data.ties
        ],
        "alliances": [
            {
                "id": a.id,
                "name": a.name,
                "themes": list(a.themes),
                "commune": a.commune,
                "epci": a.epci,
                "departement": a.departement,
                "region": a.region,
                "start": iso(a.start),
                "end": iso(a.end),
                "status": a.status,
            }
            for a in data.alliances
        ],
        "alliance_members": [
            {"alliance": a.id, "org": m.org, "role": m.role} for a in data.alliances for m in a.members
        ],
        "introductions": [
            {
                "id": i.id,
                "catalyser": i.catalyser,
                "a": i.a,
                "b": i.b,
                "date": i.date.isoformat(),
                "note": i.note,
                "outcome": i.outcome,
                "person": i.person,
            }
            for i in data.introductions
        ],
        "_extra_columns": extra_keys,
    }


def export_csv(data: Dataset, directory: str) -> list[str]:
    """One CSV per kind in `directory`; returns the paths written. A kind with no rows (no alliances, say) gets
    no file, because a header-only file is refused on import: an export always re-imports."""
    os.makedirs(directory, exist_ok=True)
    recs = records(data)
    written = []
    for name, columns in CSV_FILES.items():
        if not recs[name] and name != "organisations":
            stale = os.path.join(directory, f"{name}.csv")
            if os.path.exists(stale):  # from an earlier export to the same directory
                os.remove(stale)
            continue
        cols = list(columns) + (recs["_extra_columns"] if name == "organisations" else [])
        path = os.path.join(directory, f"{name}.csv")
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for rec in recs[name]:
                w.writerow([_cell(c, rec.get(c)) for c in cols])
        written.append(path)
    return written


def export_json(data: Dataset, path: str) -> list[str]:
    recs = records(data)
    recs.pop("_extra_columns")
    doc = {"format": "catalyse", "version": 1}
    for name, rows in recs.items():
        doc[name] = [{k: v for k, v in r.items() if v is not None} for r in rows]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return [path]


def _flatten(G: nx.Graph) -> nx.Graph:
    """GraphML/GEXF hold scalars only: tuples become ``"a; b"`` strings, booleans stay booleans."""
    H = G.copy()
    for _, attrs in list(H.nodes(data=True)) + [(None, d) for *_, d in H.edges(data=True)]:
        for k, v in list(attrs.items()):
            if isinstance(v, (tuple, list)):
                attrs[k] = "; ".join(map(str, v))
    for k, v in list(H.graph.items()):
        if v is None or isinstance(v, (tuple, list)):
            H.graph[k] = "" if v is None else "; ".join(map(str, v))
    return H


def tie_export_graph(data: Dataset) -> nx.MultiDiGraph:
    """The graph that GraphML and GEXF exports hold: every organisation with all its fields (``label`` = its name,
    for Gephi), and one arc per tie — two, one each way, for an undirected tie — with ``tie_type``, ``directed``,
    ``weight``, ``start``, ``end``, ``provenance`` and ``confidence``, so that importing the file gives back the
    same organisations, catalysers and ties (see `importers.formats.gephi`).

    >>> from catalyse.graphcore.model import Organisation, Tie
    >>> G = tie_export_graph(Dataset([Organisation("a", "Asso", "association"), Organisation("b", "Mairie",
    ...     "local_authority")], ties=[Tie("a", "b", "partnership", weight=2.0), Tie("b", "a", "funding", True)]))
    >>> sorted((u, v, d["tie_type"], d["directed"]) for u, v, d in G.edges(data=True))
    [('a', 'b', 'partnership', False), ('b', 'a', 'funding', True), ('b', 'a', 'partnership', False)]
    """
    base = tie_graph(data, directed=True)
    G = nx.MultiDiGraph()
    G.graph.update(kind="ties")
    for node, attrs in base.nodes(data=True):
        G.add_node(node, label=attrs["name"], **attrs)
    for i, t in enumerate(sorted(data.ties, key=lambda t: t.key), start=1):
        attrs = {"tie_type": t.type, "directed": t.directed, "weight": t.weight}
        for name in ("start", "end"):
            if getattr(t, name):
                attrs[name] = getattr(t, name).isoformat()
        if t.provenance is not None:
            attrs["provenance"] = t.provenance
        if t.confidence is not None:
            attrs["confidence"] = t.confidence
        G.add_edge(t.source, t.target, key=f"t{i}", **attrs)
        if not t.directed:
            G.add_edge(t.target, t.source, key=f"t{i}r", **attrs)
    return G


def export_graph(data: Dataset, path: str, fmt: str, *, what: str = "ties") -> list[str]:
    """The ties (see `tie_export_graph`; or the bipartite organisation–alliance graph) as GraphML or GEXF."""
    G = _flatten(alliance_graph(data) if what == "alliances" else tie_export_graph(data))
    if fmt == "graphml":
        nx.write_graphml(G, path, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(G, path, encoding="utf-8")
    else:
        raise ValueError(f"unknown graph format {fmt!r}")
    return [path]


def export(data: Dataset, target: str, fmt: str) -> list[str]:
    """Export in `fmt` (csv → a directory; json, graphml, gexf → a file)."""
    if fmt == "csv":
        return export_csv(data, target)
    if fmt == "json":
        return export_json(data, target)
    return export_graph(data, target, fmt)

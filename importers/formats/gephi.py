"""Gephi's files: node and edge spreadsheets (CSV or XLSX), GEXF and GraphML.

- Nodes table: ``Id``, ``Label`` and any attribute columns; edges table: ``Source``, ``Target``, ``Type``
  (``Directed`` / ``Undirected``), ``Weight``, and any others (``Id``, ``Label``, ``Start``, ``End``…). Ids are
  kept as they are; the label is the name (the id when blank).
- GEXF (1.2 / 1.3) and GraphML: nodes with their attributes, edges with their direction (GEXF ``type``, GraphML
  ``directed`` or the graph's default), ``weight``, and GEXF ``start`` / ``end``.
- A node's sector comes from an attribute named like ours (``sector``, ``secteur``, ``catégorie``…), else from
  ``type`` / ``category`` / ``kind``; the word is kept as ``type`` when it is not our sector code (see
  `common.sector_and_type`). Layout attributes (``x``, ``y``, ``size``, colours) are not organisation data.
- An edge's tie type comes from ``tie_type`` (our exports), ``relation``, ``type de lien``, ``kind`` or ``label``.

Our own GraphML and GEXF exports (`importers.export.export_graph`) carry every field of organisations,
catalysers and ties, so that export → import into an empty store gives the same store content.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from catalyse.graphcore import fields as F
from catalyse.graphcore import vocab
from catalyse.graphcore.vocab import _fold

from ..columns import canonical
from ..tables import ReadError, Table
from .common import add_custom, sector_and_type, table, tie_type_and_provenance

TOOL = "Gephi"
#: Attributes of Gephi's layout and of graph libraries, not of organisations.
LAYOUT = {"x", "y", "z", "size", "r", "g", "b", "color", "colour", "kind", "bipartite", "label", "networkx_key"}
SECTOR_WORDS = ("type", "category", "categorie", "categories", "kind", "nature")
TIE_TYPE_WORDS = ("tie_type", "relation", "type_de_lien", "type_lien", "nature", "kind", "label")
DIRECTIONS = {"directed": True, "undirected": False, "mutual": False}


# ---------------------------------------------------------------- spreadsheets


def _folded(headers) -> dict[str, str]:
    return {_fold(h): h for h in headers}


def is_nodes_table(t: Table) -> bool:
    """``Id`` and ``Label`` columns, and no column of ours for the name (that is one of our organisation files)."""
    heads = _folded(t.headers)
    if {"source", "target"} <= set(heads):
        return False  # an edges table (Gephi's have an Id and a Label too)
    return {"id", "label"} <= set(heads) and not any(canonical("organisations", h) == "name" for h in t.headers)


def is_edges_table(t: Table) -> bool:
    """``Source`` and ``Target``, and a ``Type`` column (if any) holding only Directed / Undirected."""
    heads = _folded(t.headers)
    if not {"source", "target"} <= set(heads):
        return False
    if "type" not in heads:
        return "weight" in heads or "id" in heads
    values = {_fold(cells.get(heads["type"], "")) for _, cells in t.rows} - {""}
    return bool(values) and values <= set(DIRECTIONS)


def _node_record(attrs: dict[str, object], names: dict[str, str], node_id: str, label) -> tuple[dict, dict, bool]:
    """Canonical cells of one node from its attributes (`names`: folded → original attribute name)."""
    fields = {"id": names.get("id", "id"), "name": names.get("label", "label")}
    rest = {k: v for k, v in attrs.items() if not F.is_blank(v)}
    name = rest.pop("name", None)
    if name is not None:
        fields["name"] = names.get("name", "name")
    else:
        name = label if not F.is_blank(label) else node_id
    cells: dict = {"id": node_id, "name": name}
    catalyser = rest.pop("catalyser", None)
    is_catalyser = catalyser is True or (isinstance(catalyser, str) and _fold(catalyser) in ("true", "1", "oui", "yes"))
    sector_key = next((k for k in rest if canonical("organisations", names.get(k, k)) == "sector"), None)
    sector_key = sector_key or next((k for k in SECTOR_WORDS if k in rest), None)
    if sector_key is None:
        cells["sector"] = sector_and_type([])[0]
    else:
        word = F.text(rest.pop(sector_key))
        cells["sector"] = word
        fields["sector"] = names.get(sector_key, sector_key)
        try:
            if vocab.parse("sector", word) != word:
                cells.setdefault("type", word)
        except vocab.VocabularyError:
            cells.setdefault("type", word)
    if is_catalyser and "metiers" not in rest:
        cells["metiers"] = ""
    for key, value in rest.items():
        if key in LAYOUT:
            continue
        original = names.get(key, key)
        if key in ("lat", "latitude", "lon", "lng", "long", "longitude") or canonical("organisations", original):
            add_custom(cells, "organisations", original, value, fields)
        elif original not in cells:
            cells[original] = value
    return cells, fields, is_catalyser


def _tie_record(attrs: dict[str, object], names: dict[str, str], source, target, directed) -> tuple[dict, dict]:
    fields = {"source": names.get("source", "source"), "target": names.get("target", "target")}
    rest = {k: v for k, v in attrs.items() if not F.is_blank(v)}
    type_key = next((k for k in TIE_TYPE_WORDS if k in rest), None)
    word = rest.pop(type_key) if type_key else None
    if type_key:
        fields["type"] = names.get(type_key, type_key)
    tie_type, provenance = tie_type_and_provenance(word, TOOL, rest.pop("provenance", None))
    cells = {"source": source, "target": target, "type": tie_type}
    flag = rest.pop("directed", None)
    if flag is not None:
        cells["directed"] = flag
        fields["directed"] = names.get("directed", "directed")
    elif directed is not None:
        cells["directed"] = directed
    if provenance:
        cells["provenance"] = provenance
    for key, value in rest.items():
        if key in LAYOUT or key in ("id", "type"):
            continue
        add_custom(cells, "ties", names.get(key, key), value, fields)
    return cells, fields


def read_spreadsheets(path: str, tables: list[Table]) -> list[Table]:
    """Convert the Gephi node and edge tables among `tables`; other tables are returned as they are."""
    out = []
    for t in tables:
        names = _folded(t.headers)
        if is_nodes_table(t):
            org_rows, fields = [], {}
            for row, cells in t.rows:
                attrs = {_fold(k): v for k, v in cells.items()}
                node_id = attrs.pop("id", "")
                cells_, fields_, _ = _node_record(attrs, names, node_id, attrs.get("label"))
                fields.update(fields_)
                org_rows.append((row, cells_))
            out.append(
                table(t.path, "organisations", org_rows, sheet=t.sheet, row_label="row", fields=fields, fmt="gephi")
            )
        elif is_edges_table(t):
            tie_rows, fields = [], {"directed": names.get("type", "Type")}
            for row, cells in t.rows:
                attrs = {_fold(k): v for k, v in cells.items()}
                source, target = attrs.pop("source", ""), attrs.pop("target", "")
                word = _fold(attrs.pop("type", "") or "")
                directed = DIRECTIONS.get(word)
                cells_, fields_ = _tie_record(attrs, names, source, target, directed)
                fields.update(fields_)
                tie_rows.append((row, cells_))
            out.append(table(t.path, "ties", tie_rows, sheet=t.sheet, row_label="row", fields=fields, fmt="gephi"))
        else:
            out.append(t)
    return out


# ---------------------------------------------------------------- GEXF and GraphML

_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(path: str, raw: bytes) -> ET.Element:
    if _DOCTYPE.search(raw):
        raise ReadError(f"{path}: a graph file with a DOCTYPE or entities is not accepted")
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise ReadError(f"{path}: line {line}: invalid XML: {str(exc).split(':')[0]}") from None


def _typed(value: str | None, kind: str | None):
    if value is None:
        return None
    kind = (kind or "string").lower()
    if kind in ("boolean", "bool"):
        folded = value.strip().lower()
        return True if folded in ("true", "1") else False if folded in ("false", "0") else value
    if kind in ("int", "integer", "long", "float", "double"):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def graph_kind(raw: bytes) -> str | None:
    """``gexf`` or ``graphml`` from the first kilobytes of an XML file, else None."""
    head = raw[:4096].lower()
    if b"<gexf" in head:
        return "gexf"
    if b"<graphml" in head:
        return "graphml"
    return None


def _tables_from_graph(path, nodes, edges, node_names, edge_names, fmt) -> list[Table]:
    """nodes: [(position, id, label, attrs)]; edges: [(position, source, target, directed, attrs)]."""
    org_rows, cat_rows, org_fields = [], [], {}
    for pos, node_id, label, attrs in nodes:
        cells, fields, is_cat = _node_record(attrs, node_names, node_id, label)
        org_fields.update(fields)
        org_rows.append((pos, cells))
        if is_cat and cells.get("metiers") == "":
            cat_rows.append((pos, {"id": node_id}))
    tie_rows, tie_fields = [], {}
    for pos, source, target, directed, attrs in edges:
        cells, fields = _tie_record(attrs, edge_names, source, target, directed)
        tie_fields.update(fields)
        tie_rows.append((pos, cells))
    out = []
    if org_rows:
        out.append(table(path, "organisations", org_rows, sheet="nodes", row_label="node", fields=org_fields, fmt=fmt))
    if cat_rows:
        out.append(table(path, "catalysers", cat_rows, sheet="nodes", row_label="node", fields={}, fmt=fmt))
    if tie_rows:
        out.append(table(path, "ties", tie_rows, sheet="edges", row_label="edge", fields=tie_fields, fmt=fmt))
    if not out:
        raise ReadError(f"{path}: the graph has no nodes")
    return out


def read_graphml(path: str, raw: bytes) -> list[Table]:
    root = _parse_xml(path, raw)
    keys: dict[str, tuple[str, str, str | None]] = {}  # key id → (for, name, type)
    for el in root:
        if _local(el.tag) == "key":
            keys[el.get("id", "")] = (
                el.get("for", "all"),
                el.get("attr.name") or el.get("id") or "",
                el.get("attr.type"),
            )
    graph = next((el for el in root if _local(el.tag) == "graph"), None)
    if graph is None:
        raise ReadError(f"{path}: a GraphML file without a <graph>")
    default_directed = graph.get("edgedefault", "directed") == "directed"
    node_names: dict[str, str] = {}
    edge_names: dict[str, str] = {}

    def data(el, names):
        attrs = {}
        for d in el:
            if _local(d.tag) != "data":
                continue
            _, name, kind = keys.get(d.get("key", ""), ("all", d.get("key", ""), "string"))
            names.setdefault(_fold(name), name)
            attrs[_fold(name)] = _typed(d.text or "", kind)
        return attrs

    nodes: list[tuple[int, str, object, dict]] = []
    edges: list[tuple[int, str, str, bool | None, dict]] = []
    for el in graph:
        tag = _local(el.tag)
        if tag == "node":
            attrs = data(el, node_names)
            nodes.append((len(nodes) + 1, el.get("id", ""), attrs.get("label"), attrs))
        elif tag == "edge":
            attrs = data(el, edge_names)
            flag = el.get("directed")
            directed = default_directed if flag is None else flag.lower() == "true"
            edges.append((len(edges) + 1, el.get("source", ""), el.get("target", ""), directed, attrs))
    return _tables_from_graph(path, nodes, edges, node_names, edge_names, "graphml")


def read_gexf(path: str, raw: bytes) -> list[Table]:
    root = _parse_xml(path, raw)
    graph = next((el for el in root if _local(el.tag) == "graph"), None)
    if graph is None:
        raise ReadError(f"{path}: a GEXF file without a <graph>")
    default_type = graph.get("defaultedgetype", "undirected")
    attributes: dict[str, dict[str, tuple[str, str | None]]] = {"node": {}, "edge": {}}
    for el in graph:
        if _local(el.tag) == "attributes":
            cls = el.get("class", "node")
            for a in el:
                if _local(a.tag) == "attribute":
                    attributes.setdefault(cls, {})[a.get("id", "")] = (
                        a.get("title") or a.get("id") or "",
                        a.get("type"),
                    )
    node_names: dict[str, str] = {}
    edge_names: dict[str, str] = {}

    def attvalues(el, cls, names):
        attrs = {}
        for child in el:
            if _local(child.tag) != "attvalues":
                continue
            for av in child:
                title, kind = attributes.get(cls, {}).get(av.get("for", ""), (av.get("for", ""), "string"))
                names.setdefault(_fold(title), title)
                attrs[_fold(title)] = _typed(av.get("value"), kind)
        return attrs

    nodes: list[tuple[int, str, object, dict]] = []
    edges: list[tuple[int, str, str, bool | None, dict]] = []
    for section in graph:
        tag = _local(section.tag)
        if tag == "nodes":
            for el in section:
                if _local(el.tag) == "node":
                    attrs = attvalues(el, "node", node_names)
                    label = el.get("label")
                    nodes.append((len(nodes) + 1, el.get("id", ""), label if label != el.get("id") else None, attrs))
        elif tag == "edges":
            for el in section:
                if _local(el.tag) != "edge":
                    continue
                attrs = attvalues(el, "edge", edge_names)
                kind = el.get("type", default_type)
                for xml_attr in ("weight", "start", "end", "label"):
                    if el.get(xml_attr) is not None:
                        attrs.setdefault(xml_attr, el.get(xml_attr))
                        edge_names.setdefault(xml_attr, xml_attr)
                edges.append((len(edges) + 1, el.get("source", ""), el.get("target", ""), DIRECTIONS.get(kind), attrs))
    return _tables_from_graph(path, nodes, edges, node_names, edge_names, "gexf")

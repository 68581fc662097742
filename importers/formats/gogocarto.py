"""GoGoCarto maps (behind Carteco and Transiscope): the JSON export and the CSV import file.

JSON: ``{"data": [element, …], "ontology": "gogofull", …}``, each element with ``id``, ``name`` (or ``title``),
``geo {latitude, longitude}`` (or ``lat`` / ``lng``), ``address {streetAddress, addressLocality, postalCode,
addressCountry}``, ``categories`` (names, or objects with a ``name``; or ``taxonomy``), ``email``, ``website``…
and custom fields (GoGoCartoJs documentation, "Element Configuration"). CSV: the columns ``id, name, taxonomy,
streetAddress, addressLocality, postalCode, addressCountry, email, latitude, longitude…`` (categories separated
by commas).

- Ids are kept (the name's slug when blank); the address parts are kept as attributes under their GoGoCarto names
  (GoGoCarto has no INSEE code); latitude and longitude are ours.
- The categories are kept as the organisation's ``type`` and give its sector (see `common.sector_and_type`); a
  field named like our sector (``type de structure``, ``secteur``…) is used first.
- **Links**: a custom field whose values are (lists of) ids or names of other elements of the map — at least one
  value found, and at least half of them — is a link field: each value makes a tie from the element to the one
  named. The field's name is the tie type when it is one of ours (``financement``), else ``partnership`` with
  ``GoGoCarto: <field>`` as the provenance. A value naming no element is reported by the importer (unknown
  organisation, with the element and the field).
"""

from __future__ import annotations

import re

from catalyse.graphcore import fields as F

from ..columns import canonical
from ..tables import ReadError, Table
from .common import Resolver, add_custom, sector_and_type, split_values, table, tie_type_and_provenance, unique_ids

TOOL = "GoGoCarto"
#: GoGoCarto's own fields: never links; bookkeeping ones are not kept.
RESERVED = {
    "id", "name", "title", "geo", "lat", "lng", "long", "latitude", "longitude", "address", "categories",
    "categoriesfull", "taxonomy", "optionvalues", "sourcekey", "createdat", "updatedat", "status",
    "moderationstate", "searchscore", "email", "telephone", "website", "description", "descriptionmore",
    "image", "images", "openhours", "openhoursmoreinfos", "streetaddress", "addresslocality", "postalcode",
    "addresscountry", "customformatedaddress", "url", "fullname", "subscriberids", "stamps", "files",
}  # fmt: skip
DROPPED = {"createdat", "updatedat", "status", "moderationstate", "searchscore", "categoriesfull", "optionvalues"}
ADDRESS = ("streetAddress", "addressLocality", "postalCode", "addressCountry")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_export(doc) -> bool:
    """``{"data": [...]}`` with ``"ontology"``, or whose elements carry ``geo`` / ``categories``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        return False
    if "ontology" in doc:
        return True
    first = next((e for e in doc["data"] if isinstance(e, dict)), {})
    return "name" in first and bool({"geo", "categories", "address"} & set(first))


def is_csv(t: Table) -> bool:
    """A table with ``name`` and ``taxonomy``, or with ``name`` and GoGoCarto's address columns."""
    heads = {_key(h) for h in t.headers}
    return "name" in heads and ("taxonomy" in heads or {"streetaddress", "addresslocality"} & heads != set())


def _values(value, csv: bool) -> list[str]:
    """A link cell's values: a JSON list, or a string split on ``,`` ``;`` ``|`` (the whole string first)."""
    if isinstance(value, (list, tuple)):
        return [str(v.get("id") or v.get("name")) if isinstance(v, dict) else F.text(v) for v in value if v]
    if F.is_blank(value) or isinstance(value, (dict, bool, float)):
        return []
    return [F.text(value)]


def _split(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;|]", value) if p.strip()]


def convert(path: str, elements: list[tuple[int, dict]], *, sheet, row_label, csv: bool) -> list[Table]:
    flat = []
    for row, el in elements:
        rec = dict(el)
        for nested in ("geo", "address"):
            if isinstance(rec.get(nested), dict):
                for k, v in rec.pop(nested).items():
                    rec.setdefault(k, v)
        flat.append((row, rec))
    keys = [{_key(k): k for k in rec} for _, rec in flat]
    names = [rec.get(k.get("name") or k.get("title") or "name", "") for (_, rec), k in zip(flat, keys)]
    made = unique_ids(names)
    ids = [
        F.text(rec[k["id"]]) if "id" in k and not F.is_blank(rec[k["id"]]) else m
        for (_, rec), k, m in zip(flat, keys, made)
    ]
    resolver = Resolver(ids, names)

    # which custom fields are links: their values name other elements
    custom = [f for f in dict.fromkeys(k for rec_keys in keys for k in rec_keys) if f not in RESERVED]
    links: dict[str, str] = {}
    for f in custom:
        found = total = 0
        for (_, rec), k in zip(flat, keys):
            if f not in k:
                continue
            for v in _values(rec[k[f]], csv):
                parts = [v] if resolver.find(v) else _split(v)
                total += len(parts)
                found += sum(1 for p in parts if resolver.find(p))
        if found and found * 2 >= total:
            links[f] = next(k[f] for k in keys if f in k)

    org_rows, tie_rows = [], []
    org_fields = {"id": "id", "name": "name", "sector": "categories" if not csv else "taxonomy"}
    tie_fields = {"source": "id", "target": "", "type": ""}
    for (row, rec), k, oid, name in zip(flat, keys, ids, names):
        cells = {"id": oid, "name": name if not F.is_blank(name) else ""}
        if "name" not in k and "title" in k:
            org_fields["name"] = "title"
        sector_field = next((k[f] for f in k if canonical("organisations", k[f]) == "sector"), None)
        categories = k.get("categories") or k.get("taxonomy")
        if sector_field:
            words = split_values(rec[sector_field], "|")
            org_fields["sector"] = sector_field
        else:
            value = rec.get(categories) if categories else None
            words = split_values(value, ",") if not isinstance(value, list) else split_values(value)
        sector, type_word = sector_and_type(words)
        cells["sector"] = sector
        if type_word:
            cells["type"] = type_word
        if sector_field and categories and split_values(rec.get(categories), ","):
            cells["categories"] = "; ".join(split_values(rec.get(categories), ","))
        for f in ("latitude", "lat"):
            if f in k and not F.is_blank(rec[k[f]]):
                cells["lat"] = rec[k[f]]
                org_fields["lat"] = k[f]
                break
        for f in ("longitude", "lng", "long"):
            if f in k and not F.is_blank(rec[k[f]]):
                cells["lon"] = rec[k[f]]
                org_fields["lon"] = k[f]
                break
        for name_ in ADDRESS:
            if _key(name_) in k and not F.is_blank(rec[k[_key(name_)]]):
                cells[name_] = F.text(rec[k[_key(name_)]])
        for f in ("website", "url"):
            if f in k and not F.is_blank(rec[k[f]]):
                cells["website"] = rec[k[f]]
                org_fields["website"] = k[f]
                break
        for f in ("email", "telephone", "description", "sourcekey"):
            if f in k and not F.is_blank(rec[k[f]]):
                cells[k[f]] = F.text(rec[k[f]])
        for f, original in k.items():
            if f in RESERVED or f in DROPPED or f == (sector_field and _key(sector_field)):
                continue
            value = rec[original]
            if f in links:
                tie_type, provenance = tie_type_and_provenance(original, TOOL)
                targets = []
                for v in _values(value, csv):
                    targets += [v] if resolver.find(v) else _split(v)
                for target in dict.fromkeys(targets):
                    tie = {"source": oid, "target": resolver.resolve(target), "type": tie_type}
                    if provenance:
                        tie["provenance"] = provenance
                    tie_rows.append((row, tie, original))
                continue
            if isinstance(value, list):
                value = "; ".join(F.text(v) for v in value if not isinstance(v, dict) and not F.is_blank(v))
            add_custom(cells, "organisations", original, value, org_fields)
        org_rows.append((row, cells))
    out = [table(path, "organisations", org_rows, sheet=sheet, row_label=row_label, fields=org_fields, fmt="gogocarto")]
    # one ties table per link field, so that an error names the field the link came from
    for original in links.values():
        rows = [(row, cells) for row, cells, field in tie_rows if field == original]
        if rows:
            fields = dict(tie_fields, target=original, type=original)
            out.append(table(path, "ties", rows, sheet=sheet, row_label=row_label, fields=fields, fmt="gogocarto"))
    return out


def read_export(path: str, doc: dict) -> list[Table]:
    """The tables of a GoGoCarto JSON export (elements numbered from 1)."""
    elements = []
    for i, el in enumerate(doc["data"], start=1):
        if not isinstance(el, dict):
            raise ReadError(f"{path}: data #{i} is not an object")
        elements.append((i, el))
    if not elements:
        raise ReadError(f"{path}: a GoGoCarto export with no elements")
    return convert(path, elements, sheet="data", row_label="element", csv=False)


def read_csv_table(t: Table) -> list[Table]:
    """The tables of a GoGoCarto CSV (rows numbered as in the spreadsheet)."""
    return convert(t.path, t.rows, sheet=t.sheet, row_label="row", csv=True)

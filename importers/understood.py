"""What the importer understood of each file: what every column became, and the counts. Data here, text in one place.

`report_table` describes one validated table as a `FileReport` (codes and numbers only); `render_understood` turns
reports into the lines a command prints, in French (default) or English. An import and a dry run return the same
reports (`ImportResult.understood`).

Column roles (`ColumnUse.role`):

========================  ==============================================================================
``key``                   the id column
``name``                  the name column; ``ids_from_names`` says when the ids are made from it
``sector``                the sector, read from people's words through the synonym table (`graphcore.sectors`)
                          and the sector map first when one is given (``via``)
``partners``              ties to the organisations it names (``field`` is the ties' default type)
``partner_type``          the type of the ties made from the partners column
``field``                 a canonical field (``field``: commune, themes, siret…)
``place``                 the commune, read by `importers.placing` from ``columns`` (e.g. Ville + Code postal)
``attribute``             kept verbatim as an attribute of the organisation
``ignored``               not used (a column that is no field of this kind of file)
========================  ==============================================================================

>>> from catalyse.importers.tables import Table
>>> t = Table("a.csv", ["Nom", "Ville"], [(2, {"Nom": "Mairie de Crest", "Ville": "Crest"})])
>>> r = FileReport("a.csv", "organisations", 1, [ColumnUse("Nom", "name"), ColumnUse("Ville", "attribute")],
...                {"organisations": 1, "ids_from_names": 1})
>>> print("\\n".join(render_understood([r], lang="en")))
a.csv: organisations, 1 row
  Nom  →  name; the ids are made from the names (1)
  Ville  →  kept as an attribute
  1 organisation
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalyse.graphcore.vocab import label


@dataclass(frozen=True)
class ColumnUse:
    """What one column of a file became: `role` (a code, see the module), with its `field` and details."""

    header: str
    role: str
    field: str | None = None
    via: str | None = None  # sector: "synonyms" or "sector_map+synonyms"
    columns: tuple[str, ...] = ()  # place: the columns the commune comes from


@dataclass
class FileReport:
    """What one file (or sheet) became. `counts` keys: organisations, ids_from_names, ids_from_store, kept_words,
    ties, ties_from_partners, partner_mentions, pairs_from_both_sides, created_missing, catalysers, …"""

    file: str
    kind: str
    rows: int
    columns: list[ColumnUse]
    counts: dict[str, int] = field(default_factory=dict)
    words: dict[str, tuple[str, int]] = field(default_factory=dict)  # word as written → (sector code, rows)
    created: list[tuple[str, str]] = field(default_factory=list)  # (id, name) of partners added as organisations

    def as_dict(self) -> dict:
        """Stable keys and codes, for JSON output."""
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "columns": [{k: v for k, v in c.__dict__.items() if v not in (None, ())} for c in self.columns],
            "counts": dict(self.counts),
            "words": {w: {"sector": code, "rows": n} for w, (code, n) in self.words.items()},
            "created": [{"id": i, "name": n} for i, n in self.created],
        }


_FR = {
    "row": ("ligne", "lignes"),
    "organisation": ("organisation", "organisations"),
    "tie": ("lien", "liens"),
    "catalyser": ("catalyseur", "catalyseurs"),
}
_EN = {
    "row": ("row", "rows"),
    "organisation": ("organisation", "organisations"),
    "tie": ("tie", "ties"),
    "catalyser": ("catalyser", "catalysers"),
}

_KINDS = {
    "fr": {
        "organisations": "organisations",
        "catalysers": "catalyseurs",
        "alliances": "alliances",
        "members": "membres d'alliances",
        "ties": "liens",
        "introductions": "mises en relation",
    },
    "en": {
        "organisations": "organisations",
        "catalysers": "catalysers",
        "alliances": "alliances",
        "members": "alliance members",
        "ties": "ties",
        "introductions": "introductions",
    },
}

_FIELDS_FR = {
    "id": "identifiant",
    "name": "nom",
    "sector": "secteur",
    "commune": "commune (code INSEE)",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
    "lat": "latitude",
    "lon": "longitude",
    "themes": "thèmes",
    "tags": "étiquettes",
    "website": "site web",
    "metiers": "métiers de catalyseur",
    "source": "organisation de départ",
    "target": "organisation d'arrivée",
    "type": "type",
    "start": "début",
    "end": "fin",
    "weight": "poids",
    "directed": "orienté",
}


def _n(n: int, word: str, lang: str) -> str:
    one, many = (_EN if lang == "en" else _FR)[word]
    return f"{n} {one if n == 1 else many}"


def _column(c: ColumnUse, r: FileReport, lang: str) -> str:
    en = lang == "en"
    n = r.counts
    if c.role == "key":
        return "key (id)" if en else "clé (identifiant)"
    if c.role == "name":
        text = "name" if en else "nom"
        if n.get("ids_from_names"):
            made = n["ids_from_names"]
            text += f"; the ids are made from the names ({made})" if en else f" ; identifiants faits des noms ({made})"
            if n.get("ids_from_store"):
                text += (
                    f", {n['ids_from_store']} taken from organisations already stored"
                    if en
                    else f", dont {n['ids_from_store']} repris d'organisations déjà enregistrées"
                )
        if c.via == "sector_from_names":
            text += (
                "; the sectors from the start of the names (no sector column)"
                if en
                else " ; secteurs d'après le début des noms (pas de colonne de secteur)"
            )
        return text
    if c.role == "sector":
        via = (
            (
                "the sector map, then the table of words"
                if en
                else "la table de correspondance fournie, puis la table des mots"
            )
            if c.via == "sector_map+synonyms"
            else ("the table of words" if en else "la table des mots")
        )
        words = ", ".join(f"{w} → {label('sector', code, lang)}" for w, (code, _) in sorted(r.words.items()))
        text = f"sector, through {via}" if en else f"secteur, d'après {via}"
        if words:
            text += f" ({words})"
        if n.get("kept_words"):
            text += (
                f"; your word is kept as 'type' ({n['kept_words']})"
                if en
                else f" ; votre mot est gardé comme « type » ({n['kept_words']})"
            )
        return text
    if c.role == "partners":
        tie_type = label("tie_type", c.field or "partnership", lang)
        ties, both = n.get("ties_from_partners", 0), n.get("pairs_from_both_sides", 0)
        text = (
            f"ties to the partners named ({tie_type} by default): "
            if en
            else f"liens aux partenaires cités ({tie_type} par défaut) : "
        )
        text += _n(ties, "tie", lang)
        if both:
            text += f", {both} listed from both sides" if en else f", dont {both} cités des deux côtés"
        return text
    if c.role == "partner_type":
        return "type of the ties to the partners" if en else "type des liens aux partenaires"
    if c.role == "place":
        cols = " + ".join(c.columns)
        return f"commune, from {cols}" if en else f"commune, d'après {cols}"
    if c.role == "field":
        return (c.field or "") if en else _FIELDS_FR.get(c.field or "", c.field or "")
    if c.role == "attribute":
        return "kept as an attribute" if en else "gardée comme attribut"
    return "ignored" if en else "ignorée"


def render_understood(reports: list[FileReport], lang: str = "fr") -> list[str]:
    """The lines that say what each file became (French by default, ``lang="en"`` for English)."""
    en = lang == "en"
    lines: list[str] = []
    for r in reports:
        kind = _KINDS["en" if en else "fr"].get(r.kind, r.kind)
        lines.append(f"{r.file}{':' if en else ' :'} {kind}, {_n(r.rows, 'row', lang)}")
        for c in r.columns:
            lines.append(f"  {c.header}  →  {_column(c, r, lang)}")
        counts = [
            _n(r.counts[k], w, lang)
            for k, w in (("organisations", "organisation"), ("catalysers", "catalyser"), ("ties", "tie"))
            if r.counts.get(k)
        ]
        if counts:
            lines.append("  " + ", ".join(counts))
        if r.created:
            names = ", ".join(f"{name} [{oid}]" for oid, name in r.created)
            lines.append(
                f"  {len(r.created)} partner(s) added as organisations of unknown sector: {names}"
                if en
                else f"  {len(r.created)} partenaire(s) ajouté(s) comme organisations de secteur inconnu : {names}"
            )
    return lines


def report_table(table, kind: str, cols: dict[str, str], keys: dict[str, set], plan=None, via: str | None = None):
    """The `FileReport` of one validated table: `cols` maps its headers to fields, `keys` the entities it gave
    (kind → keys), `plan` is its `importers.sheet.SheetPlan` (organisations tables)."""
    columns: list[ColumnUse] = []
    place = tuple(h for h in table.headers if cols.get(h) in ("town", "postal_code"))
    if place and kind == "organisations":
        place = tuple(h for h in table.headers if cols.get(h) in ("commune", "town", "postal_code", "departement"))
    for h in table.headers:
        name = cols.get(h)
        if name is None:
            columns.append(ColumnUse(h, "attribute" if kind == "organisations" else "ignored"))
        elif kind == "organisations" and name == "id":
            columns.append(ColumnUse(h, "key"))
        elif kind == "organisations" and name in ("name", "partner_type"):
            columns.append(ColumnUse(h, name))
        elif kind == "organisations" and name == "sector":
            columns.append(ColumnUse(h, "sector", "sector", via or "synonyms"))
        elif kind == "organisations" and place and h in place:
            columns.append(ColumnUse(h, "place", name, columns=place))
        elif kind == "organisations" and name == "partners":
            columns.append(ColumnUse(h, "partners", "partnership"))
        else:
            columns.append(ColumnUse(h, "field", name))
    counts = {k: len(v) for k, v in keys.items() if v}
    report = FileReport(table.where, kind, len(table.rows), columns, counts)
    if plan is not None:
        words: dict[str, tuple[str, int]] = {}
        for cell, (code, n, _) in plan.words.items():  # cells that differ only by spaces are one word
            word = cell.strip()
            words[word] = (code, words.get(word, (code, 0))[1] + n)
        report.words = words
        report.created = list(plan.created)
        if plan.sector_from_names:
            report.columns = [
                ColumnUse(c.header, c.role, c.field, "sector_from_names") if c.role == "name" else c
                for c in report.columns
            ]
            report.counts["sectors_from_names"] = sum(plan.names_sectors.values())
        kept = sum(n for _, n, word in plan.words.values() if word is not None)
        extra = {
            "ids_from_names": len(set(plan.ids.values())),
            "ids_from_store": len(plan.ids_from_store),
            "kept_words": kept,
            "ties_from_partners": len(plan.ties),
            "partner_mentions": plan.partner_mentions,
            "pairs_from_both_sides": sum(1 for named_by in plan.ties.values() if len(named_by) > 1),
        }
        report.counts.update({k: v for k, v in extra.items() if v})
    return report

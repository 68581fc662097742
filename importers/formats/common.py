"""What every map format's reader shares: ids made from labels, sectors and tie types from the tool's own words,
and the canonical tables (organisations, ties, catalysers) that then go through the normal validation.

A reader turns one file into `Table`s whose cells are keyed by canonical field names (``id``, ``name``,
``sector``…, see `importers.columns`) and whose ``hints`` say which kind of table it is and which field of the
original file each canonical field came from, so that an error names the file, the element or row, and the field
as the user knows it.

Examples
--------
>>> unique_ids(["Mairie de Crest", "Mairie de Crest", "Mairie  de Crest !", "???"])
['mairie-de-crest', 'mairie-de-crest', 'mairie-de-crest-2', 'element-4']
>>> sector_and_type(["Tiers-lieu", "Association"])
('Association', 'Tiers-lieu; Association')
>>> sector_and_type([])
('other', None)
>>> tie_type_and_provenance("Financement", "Kumu"), tie_type_and_provenance("Conseil", "Kumu")
(('Financement', None), ('partnership', 'Kumu: Conseil'))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from catalyse.graphcore import fields as F
from catalyse.graphcore import vocab
from catalyse.graphcore.demo import slug
from catalyse.graphcore.vocab import _fold

from ..columns import canonical
from ..tables import Table

#: The tie type given to a relation whose type the file does not state, or states in a word of its own that is
#: not one of ours (that word is then kept in the tie's provenance, ``"Kumu: Conseil"``).
DEFAULT_TIE_TYPE = "partnership"

#: The sector of an element whose file gives no type or category at all ("Autre"); a word that is given but is not
#: a sector is kept in the sector cell, so that the import refuses it and says which word to map.
DEFAULT_SECTOR = "other"


def unique_ids(labels: Iterable[object], fallback: str = "element") -> list[str]:
    """Stable ids from labels, in file order: the same label gives the same id; two labels with the same slug get
    ``-2``, ``-3``… in the order they come; a label with no letter or digit gets ``<fallback>-<position>``; an
    empty label gets ``""`` (so that validation reports the missing id)."""
    by_label: dict[str, str] = {}
    taken: set[str] = set()
    out = []
    for i, label in enumerate(labels, start=1):
        text = F.text(label) if not F.is_blank(label) else ""
        if not text:
            out.append("")
            continue
        if text in by_label:
            out.append(by_label[text])
            continue
        base = slug(text) or f"{fallback}-{i}"
        new, n = base, 1
        while new in taken:
            n += 1
            new = f"{base}-{n}"
        taken.add(new)
        by_label[text] = new
        out.append(new)
    return out


class Resolver:
    """Find the id of an element named in a relation: by id, by exact label, then by label without case or
    accents; a name found nowhere becomes its slug (it may name an organisation already in the store)."""

    def __init__(self, ids: list[str], labels: Sequence[object]) -> None:
        self.ids = {i for i in ids if i}
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        for oid, label in zip(ids, labels):
            if oid and not F.is_blank(label):
                self.exact.setdefault(F.text(label), oid)
                self.folded.setdefault(_fold(str(label)), oid)

    def find(self, value) -> str | None:
        """The id `value` stands for, or None when it names no element of this file."""
        if F.is_blank(value):
            return None
        text = F.text(value)
        if text in self.ids:
            return text
        return self.exact.get(text) or self.folded.get(_fold(text))

    def resolve(self, value) -> str:
        if F.is_blank(value):
            return ""
        return self.find(value) or slug(F.text(value)) or F.text(value)


def split_values(value, separators: str = "|") -> list[str]:
    """A cell holding several values (Kumu: ``a|b``), or a JSON list, as a list of non-blank strings in order."""
    if F.is_blank(value):
        return []
    if isinstance(value, (list, tuple)):
        items = [v.get("name", "") if isinstance(v, dict) else v for v in value]
    else:
        items = [F.text(value)]
        for sep in separators:
            items = [part for item in items for part in item.split(sep)]
    return [F.text(v) for v in items if not F.is_blank(v)]


def sector_and_type(words: list[str]) -> tuple[str, str | None]:
    """(sector cell, ``type`` attribute) from the tool's own words for an element's kind.

    The sector is the first word that `vocab.parse("sector", …)` accepts; when none does, the first word stays in
    the sector cell so that validation refuses it and says how to map it; with no word at all, `DEFAULT_SECTOR`.
    The words themselves are kept, joined by ``; ``, as the organisation's ``type``.
    """
    words = [w for w in words if w]
    if not words:
        return DEFAULT_SECTOR, None
    for word in words:
        try:
            vocab.parse("sector", word)
            return word, "; ".join(words)
        except vocab.VocabularyError:
            continue
    return words[0], "; ".join(words)


def tie_type_and_provenance(word, tool: str, provenance=None) -> tuple[str, str | None]:
    """(tie type cell, provenance) for a relation typed `word` in `tool`: our tie type when the word is one,
    else `DEFAULT_TIE_TYPE` with the word kept in the provenance (after any provenance the file gives)."""
    given = None if F.is_blank(provenance) else F.text(provenance)
    if F.is_blank(word):
        return DEFAULT_TIE_TYPE, given
    word = F.text(word)
    try:
        vocab.parse("tie_type", word)
        return word, given
    except vocab.VocabularyError:
        kept = f"{tool}: {word}"
        return DEFAULT_TIE_TYPE, f"{given}; {kept}" if given else kept


def add_custom(cells: dict, kind: str, name: str, value, fields: dict[str, str]) -> None:
    """Add a field of the file that the reader does not interpret: under its canonical name when it is one of ours
    not yet filled (a Kumu field ``Commune`` is our commune), else under its own name (an extra attribute)."""
    if F.is_blank(value):
        return
    if isinstance(value, dict):
        return  # nested objects (styles, positions) are not organisation data
    field = canonical(kind, name)
    if field is not None:
        if field in cells:
            return
        cells[field] = value
        fields.setdefault(field, name)
    elif name not in cells:
        cells[name] = value


def table(
    path: str,
    kind: str,
    rows: list[tuple[int, dict]],
    *,
    sheet: str | None,
    row_label: str,
    fields: dict[str, str],
    fmt: str,
) -> Table:
    """A canonical table for `importers.load`: headers are the union of the rows' keys, in order of appearance;
    ``hints`` carry the kind, the format and the original field of each canonical one (for error messages)."""
    headers: list[str] = []
    for _, cells in rows:
        for key in cells:
            if key not in headers:
                headers.append(key)
    return Table(
        path, headers, rows, sheet=sheet, row_label=row_label, hints={"kind": kind, "format": fmt, "fields": fields}
    )

"""A catalyser's own spreadsheet, one row per structure: ids from names, sectors from words, ties from partners.

What `importers.load` does for an organisations table on top of the canonical fields:

- **Ids from names.** Without an id column, each organisation's id is the slug of its name (``Mairie de Crest`` →
  ``mairie-de-crest``). When the store already holds an organisation of the same name (case and accents ignored),
  its id is reused (but not one the store places in another commune than the row's). Names that give the same
  slug but are different organisations (same name, another town) get the town added (``mairie-crest``, ``mairie-die``), then a counter (``-2``, ``-3``) in file order if that id is
  taken (a name's own slug comes first: ``Mairie Crest`` is ``mairie-crest`` wherever its row is); rows with the
  same name in the same town (or no town) are one organisation. The same file always gives the same ids.
- **Sectors from words.** The sector cell is a person's word, read through `graphcore.sectors` (and a sector map
  first, if given); a word that is more than the sector's code or label is kept on the organisation as
  ``extra["type"]`` (unless the file has a ``type`` column of its own).
- **Ties from partners.** A partners column (``Partenaires``, ``partners``, ``travaille avec``…) names the
  organisation's partners, by id or by name (case and accents ignored), separated by ``,`` ``;`` ``|`` or new
  lines (a name of the import or the store that holds one of them, ``Mairie de Crest, service jeunesse``, stays
  whole); each becomes a tie of the row's ``type de lien`` (default `DEFAULT_TIE_TYPE`). A pair listed from both
  sides is one tie. A partner found neither in the import nor in the store is an error, unless
  ``create_missing``: then it is added as an organisation of sector ``other`` and the report says so.

>>> slug("Tiers-lieu « La Cordée » — Valence")
'tiers-lieu-la-cordee-valence'
>>> split_partners("Mairie de Crest, SCOP Énergie | lycee-armorin\\nLa Fabrique")
['Mairie de Crest', 'SCOP Énergie', 'lycee-armorin', 'La Fabrique']
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from catalyse.graphcore import fields as F
from catalyse.graphcore.model import Organisation, RecordError, Tie
from catalyse.graphcore.sectors import UnknownSectorWord, fold_map, is_plain_sector, sector_from_name, sector_of
from catalyse.graphcore.vocab import VocabularyError, _fold, label

from . import placing
from .placing import PLACE_FIELDS
from .tables import ReadError, Table, read_tables

#: The type of the ties a partners column makes when the file has no ``type de lien`` column.
DEFAULT_TIE_TYPE = "partnership"

#: The attribute that keeps a person's own word for the type of a structure (in `Organisation.extra`).
TYPE_ATTRIBUTE = "type"

#: Headers (folded) that name the town of an organisation: they tell apart two organisations of the same name.
TOWN_HEADERS = ("ville", "commune", "nom_commune", "nom_de_la_commune", "localite", "city", "town", "addresslocality")

_SPLIT = re.compile(r"[,;|\n]")
_SPLIT_KEEP = re.compile(r"([,;|\n])")
_MAX_SLUG = 80


def slug(text: str) -> str:
    """An id from a name: lower case, no accents, words joined by ``-`` (at most 80 characters)."""
    s = _fold(text).replace("_", "-")
    if len(s) > _MAX_SLUG:
        s = s[:_MAX_SLUG].rsplit("-", 1)[0]
    return s


def _commune_of(place_cells: dict) -> str | None:
    """The INSEE code of the commune a row's place cells name (as `importers.placing` reads them), or None."""
    if not any(not F.is_blank(v) for v in place_cells.values()):
        return None
    try:
        _, placement = placing.place(place_cells)
    except RecordError:
        return None
    return placement.commune.code if placement else None


def split_partners(cell) -> list[str]:
    """The names or ids of one partners cell, in order, blanks dropped (a list is taken as it is)."""
    items = cell if isinstance(cell, (list, tuple)) else _SPLIT.split(F.text(cell))
    return [F.text(v) for v in items if not F.is_blank(v)]


def read_sector_map(path) -> tuple[dict[str, str], list[tuple[str, int | None, str | None, str]]]:
    """Read a sector map file (CSV or XLSX, ``mot;secteur``): ``(folded word → sector code, problems)``.

    The header row may be left out (the first row is then a word and its sector). Each problem is
    ``(file, row, column, message)``.
    """
    path = os.fspath(path)
    problems: list[tuple[str, int | None, str | None, str]] = []
    try:
        table = read_tables(path)[0]
    except ReadError as exc:
        return {}, [(path, None, None, str(exc).split(": ", 1)[-1])]
    folded = [_fold(h) for h in table.headers]
    words = ("mot", "mots", "word", "terme", "type", "type_de_structure", "libelle", "votre_mot")
    sectors = ("secteur", "sector", "code", "secteur_catalyse")
    wi = next((i for i, h in enumerate(folded) if h in words), None)
    si = next((i for i, h in enumerate(folded) if h in sectors), None)
    rows = [(row, list(cells.values())) for row, cells in table.rows]
    if wi is None or si is None:
        if len(table.headers) != 2:
            return {}, [(path, 1, None, "a sector map has two columns, 'mot' and 'secteur'")]
        wi, si = 0, 1
        rows.insert(0, (1, list(table.headers)))
    header = (table.headers[wi], table.headers[si]) if rows and rows[0][0] != 1 else ("mot", "secteur")
    out: dict[str, str] = {}
    first: dict[str, int] = {}
    for row, values in rows:
        word = F.text(values[wi])
        sector = F.text(values[si]) if si < len(values) else ""
        if not word:
            problems.append((table.where, row, header[0], "missing word"))
            continue
        try:
            code = fold_map({word: sector})[_fold(word)] if sector else None
        except VocabularyError as exc:
            problems.append((table.where, row, header[1], str(exc)))
            continue
        if code is None:
            problems.append((table.where, row, header[1], f"missing sector for {word!r}"))
            continue
        key = _fold(word)
        if key in out and out[key] != code:
            problems.append(
                (table.where, row, header[1], f"{word!r} is mapped twice, to {out[key]} (row {first[key]}) and {code}")
            )
        out.setdefault(key, code)
        first.setdefault(key, row)
    return out, problems


@dataclass
class _Pending:
    """One row's partners cell, resolved once every organisation of the import is known."""

    plan: SheetPlan
    row: int
    org: str
    column: str
    values: list[str]
    tie_type: str
    type_column: str | None
    cell: str | None = None  # the cell as written, when it is text (names holding a separator are found in it)


@dataclass
class SheetPlan:
    """How one organisations table is read: which header is the key, the name, the sector, the partners."""

    table: Table
    id_header: str | None
    name_header: str | None
    sector_header: str | None
    partners_header: str | None
    type_header: str | None  # the ties' type ("type de lien")
    town_header: str | None
    own_type_header: str | None  # a column named "type" of the file's own: it keeps the word instead
    place_headers: dict  # place field (commune, town, postal_code, departement) → header
    shown: dict  # header → the column to name in a problem (a converted map's original field, e.g. Kumu's "type")
    ids: dict[int, str] = field(default_factory=dict)  # row → id made from the name
    ids_from_store: set = field(default_factory=set)  # ids taken from organisations of the store
    created: list = field(default_factory=list)  # (id, name) of the unknown partners added as organisations
    names_sectors: dict = field(default_factory=dict)  # sector → rows, when the sectors come from the names
    #: no sector column, and the start of some names says a sector ("Mairie de Crest"): the sectors come from the
    #: names (when no name says one, the file is refused for its missing sector column, as any other)
    sector_from_names: bool = False
    words: dict[str, list] = field(default_factory=dict)  # cell as written → [sector code, rows, word kept or None]
    partner_mentions: int = 0
    ties: dict = field(default_factory=dict)  # tie key → the organisations whose rows name it
    organisations: set = field(default_factory=set)

    @property
    def key_column(self) -> str | None:
        """The column to name in a problem about the key: the id column, or the name the id is made from."""
        return self.id_header or self.name_header


class SheetContext:
    """What the organisations tables of one import share: the store's names, the sector map, created partners."""

    def __init__(self, store=None, sector_map: Mapping[str, str] | None = None, create_missing: bool = False):
        self.store = store
        self.sector_map = dict(sector_map or {})
        self.create_missing = create_missing
        self.plans: list[SheetPlan] = []
        self.pending: list[_Pending] = []
        self.created: dict[str, Organisation] = {}  # folded name → organisation added for an unknown partner
        self._store_index: tuple[dict[str, str], dict[str, list[str]]] | None = None
        self._store_communes: dict[str, str] = {}  # id → INSEE commune code of the stored organisation
        self._sectors: dict[str, tuple[str, bool] | Exception] = {}

    # -- the store, read once and only when needed ------------------------------------------------------------
    def store_index(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """(id → name, slug of name → ids) of the organisations already in the store."""
        if self._store_index is None:
            by_id: dict[str, str] = {}
            by_name: dict[str, list[str]] = {}
            if self.store is not None:
                for o in self.store.organisations():
                    by_id[o.id] = o.name
                    by_name.setdefault(slug(o.name), []).append(o.id)
                    if o.commune:
                        self._store_communes[o.id] = o.commune
            self._store_index = (by_id, by_name)
        return self._store_index

    # -- planning a table ---------------------------------------------------------------------------------------
    def plan(self, table: Table, cols: dict[str, str]) -> SheetPlan:
        header_of = {v: k for k, v in cols.items()}
        own_type = next((h for h in table.headers if h not in cols and _fold(h) == TYPE_ATTRIBUTE), None)
        town = header_of.get("town") or next(
            (h for h in table.headers if _fold(h) in TOWN_HEADERS and cols.get(h) in (None, "commune")), None
        )
        place_headers = {f: header_of[f] for f in PLACE_FIELDS if f in header_of}
        plan = SheetPlan(
            table,
            header_of.get("id"),
            header_of.get("name"),
            header_of.get("sector"),
            header_of.get("partners"),
            header_of.get("partner_type"),
            town,
            own_type,
            place_headers,
            {h: table.hints.get("fields", {}).get(f, h) for h, f in cols.items()},
        )
        if plan.sector_header is None and plan.name_header is not None:
            plan.sector_from_names = any(
                sector_from_name(F.text(cells.get(plan.name_header, ""))) for _, cells in table.rows
            )
        self.plans.append(plan)
        return plan

    def assign_ids(self, plans: list[SheetPlan]) -> None:
        """Give an id to every row of the tables without an id column (see the module's documentation)."""
        wanting = [p for p in plans if p.id_header is None and p.name_header is not None]
        if not wanting:
            return
        rows: list[tuple[SheetPlan, int, tuple[str, str], str]] = []
        identities: dict[tuple[str, str], dict] = {}  # (name slug, town slug) → the place cells of its first row
        for p in wanting:
            for row, cells in p.table.rows:
                name = F.text(cells.get(p.name_header, ""))
                if not name:
                    continue
                town = slug(cells.get(p.town_header, "")) if p.town_header else ""
                ident = (slug(name) or "organisation", town)
                identities.setdefault(ident, {f: cells.get(h) for f, h in p.place_headers.items()})
                rows.append((p, row, ident, name))
        groups: dict[str, list[tuple[str, str]]] = {}
        for ident in identities:
            groups.setdefault(ident[0], []).append(ident)
        store_names, store_by_name = self.store_index()
        taken: set[str] = set()
        chosen: dict[tuple[str, str], str] = {}
        reused: set[tuple[str, str]] = set()
        # names alone of their slug first: a name's own slug is its id before it is a disambiguated one's
        for ident in sorted(identities, key=lambda i: len(groups[i[0]]) > 1):
            base, town = ident
            alone = len(groups[base]) == 1
            wanted = base if alone or not town else f"{base}-{town}"
            code = _commune_of(identities[ident]) if base in store_by_name or base in store_names else None
            # the store's organisations of this name, but not one the store places in another commune
            hits = [
                i
                for i in store_by_name.get(base, [])
                if i not in taken and not (code and self._store_communes.get(i, code) != code)
            ]
            if alone and len(hits) == 1:
                oid = hits[0]
                reused.add(ident)
            elif wanted in hits:
                oid = wanted
                reused.add(ident)
            else:
                if town and wanted == base and self._held(base, base, code):  # the store's, in another town
                    wanted = f"{base}-{town}"
                oid, n = wanted, 1
                while oid in taken or self._held(oid, base, code):
                    n += 1
                    oid = f"{wanted}-{n}"
            taken.add(oid)
            chosen[ident] = oid
        for p, row, ident, _ in rows:
            p.ids[row] = chosen[ident]
            if ident in reused:
                p.ids_from_store.add(chosen[ident])

    def _held(self, oid: str, base: str, commune: str | None) -> bool:
        """Whether the store holds `oid` for another organisation than the name `base` in `commune`."""
        store_names = self.store_index()[0]
        if oid not in store_names:
            return False
        return slug(store_names[oid]) != base or bool(commune and self._store_communes.get(oid, commune) != commune)

    # -- one row ------------------------------------------------------------------------------------------------
    def sector(self, word: str) -> tuple[str, bool]:
        """The sector code of a word (the sector map first) and whether the word says more than the sector
        (it is then kept); raises `UnknownSectorWord`. Cached: a file repeats the same few words."""
        known = self._sectors.get(word)
        if known is None:
            try:
                code = self.sector_map.get(_fold(word)) or sector_of(word)
                known = (code, not is_plain_sector(word, code))
            except UnknownSectorWord as exc:
                known = exc
            self._sectors[word] = known
        if isinstance(known, Exception):
            raise known
        return known

    def record(self, plan: SheetPlan, row: int, record: dict) -> list[tuple[str | None, str]]:
        """Complete one row's record in place (id, sector code, kept word; partners set aside): its problems.

        Called on every row of every organisations file: the work per word is done once (`sector`)."""
        problems: list[tuple[str | None, str]] = []
        if plan.id_header is None:
            record["id"] = plan.ids.get(row, "?")  # no name: the row is refused for its name, not for an id
        if plan.sector_from_names:
            name = F.text(record.get("name") or "")
            found = sector_from_name(name) if name else None
            if found:
                record["sector"] = found[0]
                plan.names_sectors[found[0]] = plan.names_sectors.get(found[0], 0) + 1
            elif name:
                problems.append(
                    (
                        plan.shown.get(plan.name_header, plan.name_header),
                        f"no sector column, and the start of the name {name!r} does not say its sector: add a "
                        "column 'Type de structure' with your word for each structure (mairie, association, SCOP…)",
                    )
                )
                record["sector"] = "other"  # to report the row's other problems too
        cell = record.get("sector")
        if cell is not None and cell != "" and not plan.sector_from_names:
            used = plan.words.get(cell) if isinstance(cell, str) else None
            if used is None:
                word = F.text(cell)
                try:
                    code, keep = self.sector(word) if word else ("", False)
                except UnknownSectorWord as exc:
                    problems.append((plan.shown.get(plan.sector_header, plan.sector_header), str(exc)))
                    record["sector"] = "other"  # to report the row's other problems too
                    used = None
                else:
                    used = [code, 0, word if keep and plan.own_type_header is None else None]
                    if isinstance(cell, str) and word:
                        plan.words[cell] = used
            if used is not None and used[0]:
                used[1] += 1
                record["sector"] = used[0]
                if used[2] is not None:
                    record[TYPE_ATTRIBUTE] = used[2]
        if plan.partners_header is None:
            return problems
        partners = record.pop("partners", None)
        tie_type = record.pop("partner_type", None)
        values = [] if F.is_blank(partners) else split_partners(partners)
        org = record.get("id")
        if values and not F.is_blank(org):
            self.pending.append(
                _Pending(
                    plan,
                    row,
                    F.text(org),
                    plan.shown.get(plan.partners_header, plan.partners_header),
                    values,
                    DEFAULT_TIE_TYPE if F.is_blank(tie_type) else F.text(tie_type),
                    plan.shown.get(plan.type_header, plan.type_header),
                    None if isinstance(partners, (list, tuple)) else F.text(partners),
                )
            )
        return problems

    # -- partners, once every organisation is known ---------------------------------------------------------------
    def resolve_partners(self, c) -> None:
        """Turn every pending partners cell into ties added to the collector `c` (or problems)."""
        if not self.pending:
            return
        orgs: dict[str, Organisation] = {k: s.value for k, s in c.items["organisations"].items()}
        by_name: dict[str, list[str]] = {}
        for oid, o in orgs.items():
            by_name.setdefault(slug(o.name), []).append(oid)
        where_of = {k: s.where for k, s in c.items["organisations"].items()}
        for p in self.pending:
            table = p.plan.table
            where = (table.where, p.row, table.row_label)
            try:
                Tie.from_record({"source": "a", "target": "b", "type": p.tie_type})
            except RecordError as exc:
                c.problem(table, p.row, p.type_column, exc.problems[0][1])
                continue
            values = p.values if p.cell is None else self._known_runs(p.cell, orgs, by_name, where_of)
            for value in values:
                p.plan.partner_mentions += 1
                target = self._resolve(value, orgs, by_name, where_of)
                if isinstance(target, tuple):  # ("problem", message)
                    c.problem(table, p.row, p.column, target[1])
                    continue
                if target is None:
                    if not self.create_missing:
                        c.problem(table, p.row, p.column, self._unknown(value, orgs))
                        continue
                    target = self._create(value, orgs, c, p.plan, where)
                if target == p.org:
                    c.problem(table, p.row, p.column, f"the organisation names itself as a partner ({value!r})")
                    continue
                tie = Tie.from_record({"source": p.org, "target": target, "type": p.tie_type})
                p.plan.ties.setdefault(tie.key, set()).add(p.org)
                c.add("ties", tie.key, tie, where, table, p.column)

    def _known_runs(self, cell: str, orgs, by_name, where_of) -> list[str]:
        """The partners of a text cell, where a known organisation's name that holds a separator stays whole:
        adjacent pieces (up to 4, joined by ``,`` ``;`` or ``|`` as written) that together name an organisation of
        the import or the store are one partner, the longest run first; every other piece is a partner alone.

        ``"Mairie de Crest, service jeunesse, La Cordée"`` is two partners when the first two pieces are the name
        of an organisation, three otherwise (as `split_partners` reads it).
        """
        parts = _SPLIT_KEEP.split(cell)  # piece, separator, piece, …: pieces i..j-1 as written are parts[2i:2j-1]
        n = (len(parts) + 1) // 2
        out: list[str] = []
        i = 0
        while i < n:
            j = i + 1
            for end in range(min(n, i + 4), i + 1, -1):
                if "\n" in parts[2 * i + 1 : 2 * end - 1 : 2]:
                    continue  # a name holds no line break
                run = "".join(parts[2 * i : 2 * end - 1])
                if not F.is_blank(run) and isinstance(self._resolve(F.text(run), orgs, by_name, where_of), str):
                    j = end
                    break
            value = "".join(parts[2 * i : 2 * j - 1])
            if not F.is_blank(value):
                out.append(F.text(value))
            i = j
        return out

    def _resolve(self, value: str, orgs, by_name, where_of):
        """An id, None (unknown) or ("problem", message) for one partner named by id or by name: the import
        first, then the organisations added for earlier unknown partners, then the store."""
        key = slug(value)
        if value in orgs or key in orgs:  # an id, as written or in another case ("Mairie-Crest")
            return value if value in orgs else key
        hits = by_name.get(key, [])
        if not hits and key in self.created:
            return self.created[key].id
        if not hits:
            store_names, store_by_name = self.store_index()
            if value in store_names or key in store_names:
                return value if value in store_names else key
            hits = store_by_name.get(key, [])
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            places = ", ".join(
                f"{h!r}" + (f" ({where_of[h][2]} {where_of[h][1]})" if h in where_of else " (in the store)")
                for h in sorted(hits)
            )
            return ("problem", f"partner {value!r} is ambiguous: it is the name of {places}; write its id instead")
        return None

    def _unknown(self, value: str, orgs: dict[str, Organisation]) -> str:
        store_names = self.store_index()[0]
        names = {slug(o.name): o.name for o in orgs.values()}
        for name in store_names.values():
            names.setdefault(slug(name), name)
        close = difflib.get_close_matches(slug(value), list(names), n=1, cutoff=0.8)
        if not close:
            close_ids = difflib.get_close_matches(value, sorted(set(orgs) | set(store_names)), n=1, cutoff=0.8)
            hint = f"; did you mean {close_ids[0]!r}?" if close_ids else ""
        else:
            hint = f"; did you mean {names[close[0]]!r}?"
        return (
            f"unknown partner {value!r}: no organisation of this import or of the store has this id or name{hint} "
            "(to add the partners you name as new organisations, import with create_missing / --create-missing)"
        )

    def _create(self, value, orgs, c, plan: SheetPlan, where) -> str:
        key = slug(value)
        base = key or "organisation"
        store_names = self.store_index()[0]
        oid, n = base, 1
        while oid in orgs or oid in store_names or any(o.id == oid for o in self.created.values()):
            n += 1
            oid = f"{base}-{n}"
        org = Organisation(id=oid, name=value, sector="other")
        self.created[key] = org
        plan.created.append((oid, value))
        c.add("organisations", oid, org, where, plan.table, None)
        return oid


def kept_word(org: Organisation) -> str | None:
    """A person's own word for the type of an organisation, kept beside its sector (None if there was none).

    >>> kept_word(Organisation("cc", "CC du Crestois", "local_authority", extra={"type": "Intercommunalité"}))
    'Intercommunalité'
    """
    return org.extra.get(TYPE_ATTRIBUTE)


def sector_and_word(org: Organisation, lang: str = "fr") -> str:
    """The sector's label with the person's word beside it, as a listing shows it.

    >>> sector_and_word(Organisation("cc", "CC du Crestois", "local_authority", extra={"type": "Intercommunalité"}))
    'Collectivité territoriale (Intercommunalité)'
    """
    word = kept_word(org)
    text = label("sector", org.sector, lang)
    return f"{text} ({word})" if word else text

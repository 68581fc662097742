"""Sectors from people's words: the table that maps a catalyser's own word for a structure to a sector code.

A catalyser's spreadsheet says *Intercommunalité*, *SCOP*, *Tiers-lieu* or *Lycée*, not ``local_authority``.
`sector_of` finds the sector of such a word, case- and accent-insensitively: the word itself, or else the longest
phrase of the table it contains as whole words (``"Lycée agricole"`` contains ``lycée``; ``"Entreprise
d'insertion"`` is a phrase of its own, longer than ``entreprise``). A word the table does not know is refused
with the sector labels, a sensible suggestion (a close spelling only, never a guess from a few shared letters)
and how to map it: a *sector map* (CSV ``mot;secteur``) whose entries come before the table.

Examples
--------
>>> sector_of("Intercommunalité"), sector_of("SCOP"), sector_of("Tiers-lieu"), sector_of("Établissement scolaire")
('local_authority', 'social_economy', 'association', 'academic')
>>> sector_of("Entreprise d'insertion"), sector_of("Chambre des métiers et de l'artisanat")
('social_economy', 'institution')
>>> sector_of("Médiathèque", sector_map={"médiathèque": "collectivité"})
'local_authority'
>>> sector_of("Colectivité")
Traceback (most recent call last):
...
catalyse.graphcore.sectors.UnknownSectorWord: unknown sector 'Colectivité' (did you mean 'collectivité'?)...
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping

from .vocab import SECTORS, VocabularyError, _fold, label, parse

#: The words people use, by sector code, as they are written (the README's "Sectors from your words" lists them).
SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "local_authority": (
        "mairie",
        "commune",
        "ville",
        "municipalité",
        "collectivité",
        "collectivité locale",
        "intercommunalité",
        "EPCI",
        "communauté de communes",
        "communauté d'agglomération",
        "agglomération",
        "communauté urbaine",
        "métropole",
        "département",
        "conseil départemental",
        "région",
        "conseil régional",
        "syndicat mixte",
        "PETR",
        "parc naturel régional",
        "CCAS",
        "CIAS",
        "local authority",
        "municipality",
        "council",
    ),
    "state_service": (
        "préfecture",
        "sous-préfecture",
        "services de l'État",
        "service de l'État",
        "État",
        "ministère",
        "DDT",
        "DDETS",
        "DREAL",
        "DRAAF",
        "DRAC",
        "rectorat",
        "agence",
        "agence publique",
        "agence de l'État",
        "établissement public",
        "opérateur de l'État",
        "France Travail",
        "Pôle emploi",
        "ADEME",
        "government agency",
        "public agency",
    ),
    "association": (
        "association",
        "asso",
        "association loi 1901",
        "collectif",
        "tiers-lieu",
        "tiers-lieux",
        "fablab",
        "café associatif",
        "centre social",
        "MJC",
        "maison des jeunes et de la culture",
        "fédération",
        "amicale",
        "club",
        "comité des fêtes",
        "charity",
        "non-profit",
        "third place",
    ),
    "foundation": ("fondation", "fondation d'entreprise", "fonds de dotation", "foundation", "endowment fund"),
    "company": (
        "entreprise",
        "société",
        "SAS",
        "SASU",
        "SARL",
        "EURL",
        "SA",
        "SNC",
        "PME",
        "TPE",
        "start-up",
        "startup",
        "micro-entreprise",
        "auto-entrepreneur",
        "artisan",
        "commerce",
        "commerçant",
        "cabinet",
        "bureau d'études",
        "banque",
        "agence de communication",
        "agence web",
        "company",
        "business",
        "bank",
    ),
    "social_economy": (
        "ESS",
        "économie sociale et solidaire",
        "SCOP",
        "SCIC",
        "coopérative",
        "CAE",
        "coopérative d'activité et d'emploi",
        "entreprise d'insertion",
        "association d'insertion",
        "association intermédiaire",
        "chantier d'insertion",
        "atelier et chantier d'insertion",
        "ACI",
        "SIAE",
        "structure d'insertion",
        "entreprise adaptée",
        "ESAT",
        "ESUS",
        "entreprise solidaire",
        "mutuelle",
        "cooperative",
        "social enterprise",
    ),
    "academic": (
        "université",
        "école",
        "école d'ingénieurs",
        "grande école",
        "lycée",
        "collège",
        "établissement scolaire",
        "établissement d'enseignement",
        "IUT",
        "laboratoire",
        "centre de recherche",
        "organisme de recherche",
        "recherche",
        "enseignement supérieur",
        "university",
        "school",
        "laboratory",
        "research centre",
    ),
    "institution": (
        "chambre consulaire",
        "chambre de commerce",
        "chambre de commerce et d'industrie",
        "CCI",
        "chambre des métiers",
        "chambre de métiers",
        "chambre des métiers et de l'artisanat",
        "chambre de métiers et de l'artisanat",
        "CMA",
        "chambre d'agriculture",
        "banque publique",
        "banque des territoires",
        "caisse des dépôts",
        "Bpifrance",
        "BPI",
        "structure d'accompagnement",
        "incubateur",
        "pépinière d'entreprises",
        "agence de développement",
        "chamber of commerce",
        "public bank",
    ),
    "other": ("autre", "divers", "inconnu", "other", "unknown"),
}

_CODES = tuple(t.code for t in SECTORS)
_LONGEST = 8  # no phrase of the table has more words


def _table() -> dict[str, tuple[str, str]]:
    """folded word → (sector code, the word as written); the vocabulary's own codes, labels and aliases too."""
    out: dict[str, tuple[str, str]] = {}
    for code, words in SECTOR_WORDS.items():
        for word in words:
            out.setdefault(_fold(word), (code, word))
    for term in SECTORS:
        for word in (term.code, term.fr, term.en, *term.aliases):
            out.setdefault(_fold(word), (term.code, word))
    return out


_TABLE = _table()
assert max(len(k.split("_")) for k in _TABLE) <= _LONGEST
assert {code for code, _ in _TABLE.values()} <= set(_CODES)


class UnknownSectorWord(VocabularyError):
    """A word for a structure that neither the sector map nor the table knows; `word` and `suggestion` say it."""

    def __init__(self, word: str, suggestion: str | None = None, detail: str = ""):
        self.word, self.suggestion = word, suggestion
        hint = f" (did you mean {suggestion!r}?)" if suggestion else ""
        labels = ", ".join(label("sector", c) for c in _CODES)
        super().__init__(
            f"unknown sector {word!r}{hint}{detail}. Sectors: {labels}. To use your own word, give a sector map: "
            f"a CSV file 'mot;secteur' with a line '{word};<one of these sectors>' (command line: --sector-map FILE)"
        )


def sector_labels(lang: str = "fr") -> list[str]:
    """The sector labels in canonical order (French by default), as error messages and help list them.

    >>> sector_labels("en")[:3]
    ['Local authority', 'State service', 'Association']
    """
    return [label("sector", c, lang) for c in _CODES]


def is_plain_sector(word: str, code: str) -> bool:
    """True when `word` is the sector's code or one of its labels: it says nothing more than the sector.

    >>> is_plain_sector("collectivité territoriale", "local_authority"), is_plain_sector("Mairie", "local_authority")
    (True, False)
    """
    folded = _fold(word)
    return folded in (_fold(code), _fold(label("sector", code, "fr")), _fold(label("sector", code, "en")))


def fold_map(sector_map: Mapping[str, str] | None) -> dict[str, str]:
    """A user's map ``word → sector`` (sector as a code, label or any word of the table) as ``folded word → code``.

    Raises `VocabularyError` for a sector that is not one.

    >>> fold_map({"Médiathèque": "Collectivité territoriale", "Recyclerie": "ESS"})
    {'mediatheque': 'local_authority', 'recyclerie': 'social_economy'}
    """
    out: dict[str, str] = {}
    for word, sector in (sector_map or {}).items():
        out[_fold(word)] = _sector_code(sector)
    return out


def _sector_code(value: str) -> str:
    folded = _fold(value)
    if folded in _TABLE:
        return _TABLE[folded][0]
    return parse("sector", value)  # raises with the nearest code


def sector_of(word: str, sector_map: Mapping[str, str] | None = None) -> str:
    """The sector code of a person's word for a structure; raise `UnknownSectorWord` (a `VocabularyError`).

    `sector_map` (``word → sector``, as read by `importers.sheet.read_sector_map`, or any mapping) comes first.
    """
    if sector_map:
        folded = _fold(word)
        for key, sector in sector_map.items():
            if _fold(key) == folded:
                return _sector_code(sector)
    return _sector_of(str(word))


#: When a word names two sectors, the more specific one: a "SCOP SARL" is a company of the social economy.
_MORE_SPECIFIC = {
    frozenset({"company", "social_economy"}): "social_economy",
    frozenset({"association", "social_economy"}): "social_economy",
}


@functools.lru_cache(maxsize=4096)
def _sector_of(word: str) -> str:
    folded = _fold(word)
    if folded in _TABLE:
        return _TABLE[folded][0]
    tokens = folded.split("_")
    singular = [t[:-1] if len(t) > 3 and t[-1] in "sx" else t for t in tokens]  # "Associations", "Tiers-lieux"
    for words in (tokens, singular) if singular != tokens else (tokens,):
        for size in range(min(len(words), _LONGEST), 0, -1):  # the longest phrase of the table, as whole words
            found: dict[str, str] = {}
            for i in range(len(words) - size + 1):
                hit = _TABLE.get("_".join(words[i : i + size]))
                if hit:
                    found.setdefault(hit[0], hit[1])
            if len(found) > 1 and frozenset(found) in _MORE_SPECIFIC:
                return _MORE_SPECIFIC[frozenset(found)]
            if len(found) == 1:
                return next(iter(found))
            if len(found) > 1:
                both = " and ".join(f"{w!r} ({label('sector', c)})" for c, w in found.items())
                raise UnknownSectorWord(word, None, f": it contains {both}")
    raise UnknownSectorWord(word, _suggest(folded))


#: The words of the table that say the sector when a name starts with them ("Mairie de Crest"), for a sheet with
#: no type column. Not the words a name may start with for another reason: "Banque alimentaire" is an
#: association, "Agence Prisme" may be a company.
NAME_STARTS = (
    "mairie",
    "commune",
    "ville",
    "communauté de communes",
    "communauté d'agglomération",
    "communauté urbaine",
    "métropole",
    "département",
    "conseil départemental",
    "région",
    "conseil régional",
    "syndicat mixte",
    "CCAS",
    "préfecture",
    "sous-préfecture",
    "association",
    "asso",
    "collectif",
    "tiers-lieu",
    "fablab",
    "centre social",
    "MJC",
    "fondation",
    "fonds de dotation",
    "SCOP",
    "SCIC",
    "coopérative",
    "entreprise d'insertion",
    "chantier d'insertion",
    "mutuelle",
    "université",
    "lycée",
    "collège",
    "école",
    "IUT",
    "laboratoire",
    "CCI",
    "chambre de commerce",
    "chambre de commerce et d'industrie",
    "chambre des métiers",
    "chambre de métiers",
    "chambre des métiers et de l'artisanat",
    "chambre de métiers et de l'artisanat",
    "CMA",
    "chambre d'agriculture",
)
_NAME_STARTS = {_fold(w): _TABLE[_fold(w)] for w in NAME_STARTS}


def sector_from_name(name: str) -> tuple[str, str] | None:
    """``(sector code, the word)`` when a name starts with a word of `NAME_STARTS`, else None.

    >>> sector_from_name("Mairie de Crest"), sector_from_name("Communauté de communes du Crestois")[0]
    (('local_authority', 'mairie'), 'local_authority')
    >>> sector_from_name("Banque alimentaire de la Drôme") is None
    True
    """
    tokens = _fold(name).split("_")
    for size in range(min(len(tokens), _LONGEST), 0, -1):
        hit = _NAME_STARTS.get("_".join(tokens[:size]))
        if hit:
            return hit
    return None


def _suggest(folded: str) -> str | None:
    """A close spelling of the whole word, or of one of its words (at least 5 letters): a typo, not a guess."""
    close = difflib.get_close_matches(folded, list(_TABLE), n=1, cutoff=0.8)
    if not close:
        for token in folded.split("_"):
            if len(token) >= 5:
                close = difflib.get_close_matches(token, [k for k in _TABLE if "_" not in k], n=1, cutoff=0.85)
                if close:
                    break
    return _TABLE[close[0]][1] if close else None

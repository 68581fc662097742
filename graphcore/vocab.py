"""Controlled vocabularies: sectors, tie types, catalyser métiers, alliance roles, statuses and outcomes.

Each vocabulary maps a stable code (stored, exported, used in graphs) to French and English labels and to the
aliases a user may type in an import file (French or English, any case, with or without accents).

Examples
--------
>>> parse("sector", "Collectivité territoriale")
'local_authority'
>>> parse("sector", "ESS")
'social_economy'
>>> label("sector", "association", lang="en")
'Association'
>>> parse("sector", "asociation")
Traceback (most recent call last):
...
catalyse.graphcore.vocab.VocabularyError: unknown sector 'asociation' (did you mean 'association'?)
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass


class VocabularyError(ValueError):
    """A value that is not in a controlled vocabulary; the message suggests the nearest code."""


@dataclass(frozen=True)
class Term:
    code: str
    fr: str
    en: str
    aliases: tuple[str, ...] = ()


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


_SEPARATORS = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    """Lower-case, strip accents and collapse separators, so that 'Économie sociale' == 'economie_sociale'.

    >>> _fold("  Œuvres sociales & Co. — L'Île-d'Yeu ")
    'oeuvres_sociales_co_l_ile_d_yeu'
    """
    text = str(text)
    if not text.isascii():  # (ASCII text is its own NFKD form, without ligatures)
        text = unicodedata.normalize("NFKD", text.translate(_LIGATURES)).encode("ascii", "ignore").decode("ascii")
    return "_".join(_SEPARATORS.sub(" ", text.lower()).split())


SECTORS = (
    Term(
        "local_authority",
        "Collectivité territoriale",
        "Local authority",
        (
            "collectivite",
            "collectivite_territoriale",
            "collectivite_locale",
            "commune",
            "mairie",
            "epci",
            "intercommunalite",
            "departement",
            "region",
            "public_body",
            "local_government",
            "public",
        ),
    ),
    Term(
        "state_service",
        "Service de l'État",
        "State service",
        (
            "etat",
            "service_de_l_etat",
            "services_de_l_etat",
            "prefecture",
            "agence_publique",
            "state",
            "state_agency",
            "agency",
            "operateur_public",
        ),
    ),
    Term(
        "association", "Association", "Association", ("asso", "associatif", "association_loi_1901", "ngo", "nonprofit")
    ),
    Term("foundation", "Fondation", "Foundation", ("fondation", "fonds_de_dotation", "endowment")),
    Term("company", "Entreprise", "Company", ("entreprise", "societe", "business", "firm", "private", "prive")),
    Term(
        "social_economy",
        "Économie sociale et solidaire",
        "Social and solidarity economy",
        (
            "ess",
            "economie_sociale",
            "economie_sociale_et_solidaire",
            "scop",
            "scic",
            "cooperative",
            "mutuelle",
            "siae",
            "insertion",
            "structure_d_insertion",
            "social_enterprise",
            "sse",
        ),
    ),
    Term(
        "academic",
        "Acteur académique",
        "Academic",
        (
            "academique",
            "universite",
            "university",
            "recherche",
            "research",
            "ecole",
            "school",
            "laboratoire",
            "enseignement_superieur",
            "higher_education",
        ),
    ),
    Term(
        "institution",
        "Institution",
        "Institution",
        (
            "chambre_consulaire",
            "cci",
            "cma",
            "chambre_d_agriculture",
            "banque_publique",
            "caisse_des_depots",
            "bpi",
            "bank",
            "chamber_of_commerce",
            "support_organisation",
            "structure_d_accompagnement",
        ),
    ),
    Term("other", "Autre", "Other", ("autre", "divers", "unknown", "inconnu")),
)

TIE_TYPES = (
    Term("partnership", "Partenariat", "Partnership", ("partenariat", "partenaire", "partner")),
    Term("funding", "Financement", "Funding", ("financement", "finance", "subvention", "grant", "funds")),
    Term("membership", "Adhésion", "Membership", ("adhesion", "membre", "member", "adherent")),
    Term(
        "co_project",
        "Projet commun",
        "Joint project",
        ("coproject", "co_projet", "projet_commun", "projet", "joint_project", "project"),
    ),
    Term("exchange", "Échange", "Exchange", ("echange", "echanges", "contact", "relation")),
    Term("introduced", "Mise en relation", "Introduced", ("mise_en_relation", "introduction", "presente", "introduit")),
)

#: Tie types whose ties are directed (from the first organisation to the second) unless the file says otherwise.
DIRECTED_TIE_TYPES = frozenset({"funding"})

METIERS = (
    Term(
        "dialogue",
        "Dialogue territorial",
        "Territorial dialogue",
        ("dialogue_territorial", "territorial_dialogue", "mise_en_lien"),
    ),
    Term(
        "experimentation",
        "Expérimentation collective",
        "Collective experimentation",
        ("experimentation_collective", "collective_experimentation"),
    ),
    Term(
        "support",
        "Accompagnement",
        "Support and incubation",
        ("accompagnement", "incubation", "soutien", "support_incubation"),
    ),
    Term(
        "third_place",
        "Animation d'un lieu",
        "Running a third place",
        ("tiers_lieu", "tiers_lieux", "lieu", "animation_d_un_lieu", "third_place", "fablab", "coworking"),
    ),
)

ROLES = (
    Term("lead", "Chef de file", "Lead", ("chef_de_file", "pilote", "porteur", "coordinateur", "leader")),
    Term("partner", "Partenaire", "Partner", ("partenaire", "membre", "member")),
    Term("funder", "Financeur", "Funder", ("financeur", "bailleur", "funding")),
    Term("catalyser", "Catalyseur", "Catalyser", ("catalyseur", "animateur", "facilitateur", "catalyst")),
)

ALLIANCE_STATUSES = (
    Term("emerging", "Émergente", "Emerging", ("emergente", "en_emergence", "idee", "planned", "prevue")),
    Term("active", "Active", "Active", ("en_cours", "actif", "ongoing")),
    Term("ended", "Terminée", "Ended", ("terminee", "termine", "finie", "closed", "close", "achevee")),
    Term("abandoned", "Abandonnée", "Abandoned", ("abandonnee", "abandonne", "stopped", "arretee")),
)

OUTCOMES = (
    Term("pending", "En attente", "Pending", ("en_attente", "attente", "a_suivre")),
    Term("met", "Rencontre faite", "Met", ("rencontre", "rencontres", "rencontre_faite", "meeting")),
    Term(
        "alliance_formed",
        "Alliance formée",
        "Alliance formed",
        ("alliance", "alliance_formee", "formed", "partenariat_noue"),
    ),
    Term("declined", "Déclinée", "Declined", ("declinee", "decline", "refusee", "refus", "refused", "sans_suite")),
)

VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "sector": SECTORS,
    "tie_type": TIE_TYPES,
    "metier": METIERS,
    "role": ROLES,
    "status": ALLIANCE_STATUSES,
    "outcome": OUTCOMES,
}

_NAMES = {
    "sector": "sector",
    "tie_type": "tie type",
    "metier": "métier",
    "role": "role",
    "status": "alliance status",
    "outcome": "outcome",
}


def _index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for term in VOCABULARIES[kind]:
        for key in (term.code, term.fr, term.en, *term.aliases):
            index.setdefault(_fold(key), term.code)
    return index


_INDEXES = {kind: _index(kind) for kind in VOCABULARIES}


def codes(kind: str) -> tuple[str, ...]:
    """The codes of one vocabulary, in their canonical order.

    >>> codes("outcome")
    ('pending', 'met', 'alliance_formed', 'declined')
    """
    return tuple(term.code for term in VOCABULARIES[kind])


@functools.lru_cache(maxsize=8192)
def parse(kind: str, value: str) -> str:
    """Map a code, label or alias (any case or accents) to its code; raise `VocabularyError` with a suggestion.

    Cached: an import repeats the same few labels on every row."""
    folded = _fold(value)
    index = _INDEXES[kind]
    if folded in index:
        return index[folded]
    close = difflib.get_close_matches(folded, list(index), n=1, cutoff=0.6)
    if kind in _LISTED:  # few values, named by people in French or English: list them all, both ways
        hint = f" (did you mean {index[close[0]]!r}?)" if close else ""
        raise VocabularyError(f"unknown {_NAMES[kind]} {value!r}{hint}; {_LISTED[kind]}: {listing(kind)}")
    hint = f" (did you mean {index[close[0]]!r}?)" if close else f" (expected one of: {', '.join(codes(kind))})"
    raise VocabularyError(f"unknown {_NAMES[kind]} {value!r}{hint}")


#: Vocabularies whose errors list every value with its French and English labels.
_LISTED = {"metier": "the métiers are (French / English, code)"}


def listing(kind: str) -> str:
    """Every value of a vocabulary as ``French label / English label (code)``, for error messages and help.

    >>> listing("metier").split("; ")[0]
    'Dialogue territorial / Territorial dialogue (dialogue)'
    """
    return "; ".join(f"{t.fr} / {t.en} ({t.code})" for t in VOCABULARIES[kind])


def label(kind: str, code: str, lang: str = "fr") -> str:
    """The French (default) or English label of a code; an unknown code is returned as it is."""
    for term in VOCABULARIES[kind]:
        if term.code == code:
            return term.en if lang == "en" else term.fr
    return code

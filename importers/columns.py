"""Canonical column names of each kind of file, their French (and common English) aliases, and kind detection.

Headers are matched case- and accent-insensitively, spaces and punctuation ignored: ``Raison sociale``,
``raison_sociale`` and ``RAISON-SOCIALE`` are one header.

>>> canonical("organisations", "Raison sociale"), canonical("ties", "Date de début")
('name', 'start')
>>> detect_kind(["nom", "secteur", "commune"]), detect_kind(["de", "vers", "type de lien"])
('organisations', 'ties')
"""

from __future__ import annotations

from catalyse.graphcore.vocab import _fold

KINDS = ("organisations", "catalysers", "alliances", "members", "ties", "introductions")

_TERRITORY = {
    "commune": ("commune", "code_commune", "insee", "code_insee", "commune_insee", "citycode", "cog"),
    "epci": ("epci", "siren_epci", "code_epci", "intercommunalite"),
    "departement": ("departement", "dept", "dep", "code_departement", "department"),
    "region": ("region", "code_region"),
}

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "organisations": {
        "id": ("id", "identifiant", "code", "org_id", "organisation_id", "id_organisation", "ref", "reference", "cle"),
        "name": (
            "name",
            "nom",
            "raison_sociale",
            "denomination",
            "libelle",
            "nom_de_la_structure",
            "structure",
            "organisation",
            "organization",
        ),
        "sector": (
            "sector",
            "secteur",
            "type_de_structure",
            "type_structure",
            "categorie",
            "famille",
            "type_d_acteur",
            "type_acteur",
        ),
        **_TERRITORY,
        # places as people write them, resolved to a commune by importers.placing
        "town": (
            "town",
            "ville",
            "city",
            "localite",
            "nom_commune",
            "nom_de_la_commune",
            "libelle_commune",
            "addresslocality",
        ),
        "postal_code": ("postal_code", "code_postal", "cp", "postalcode", "zip", "zip_code", "zipcode"),
        "lat": ("lat", "latitude", "y"),
        "lon": ("lon", "lng", "long", "longitude", "x"),
        "themes": ("themes", "theme", "thematiques", "thematique", "odd", "sdg", "sdgs", "objectifs"),
        "tags": ("tags", "etiquettes", "mots_cles", "keywords"),
        "siren": ("siren", "n_siren", "numero_siren"),
        "siret": ("siret", "n_siret", "numero_siret"),
        "rna": ("rna", "n_rna", "numero_rna", "numero_d_association"),
        "website": ("website", "site", "site_web", "site_internet", "url", "web"),
        "metiers": ("metiers", "metier", "roles_catalyseur", "catalyseur_metiers"),
        # one row per organisation naming its partners in one cell: ties (see importers.sheet)
        "partners": (
            "partners",
            "partenaires",
            "partenaire",
            "partenaires_principaux",
            "principaux_partenaires",
            "liens",
            "travaille_avec",
            "en_lien_avec",
            "works_with",
            "connections",
        ),
        "partner_type": ("partner_type", "type_de_lien", "type_lien", "nature_du_lien", "type_de_partenariat"),
    },
    "catalysers": {
        "id": ("id", "org", "organisation", "org_id", "catalyser", "catalyseur", "identifiant"),
        "metiers": ("metiers", "metier", "roles", "activites"),
    },
    "alliances": {
        "id": ("id", "identifiant", "code", "alliance_id", "id_alliance"),
        "name": ("name", "nom", "intitule", "titre", "libelle"),
        "themes": ("themes", "theme", "thematiques", "odd", "sdg", "sdgs"),
        **_TERRITORY,
        "start": ("start", "debut", "date_debut", "date_de_debut", "start_date", "depuis"),
        "end": ("end", "fin", "date_fin", "date_de_fin", "end_date", "jusqu_a"),
        "status": ("status", "statut", "etat"),
        "members": ("members", "membres", "participants"),
    },
    "members": {
        "alliance": ("alliance", "alliance_id", "id_alliance", "projet"),
        "org": ("org", "organisation", "org_id", "id_organisation", "membre", "member", "organization"),
        "role": ("role", "fonction", "qualite"),
    },
    "ties": {
        "source": ("source", "from", "de", "org_source", "organisation_source", "source_id", "organisation_a", "org_a"),
        "target": (
            "target",
            "to",
            "vers",
            "a_destination",
            "cible",
            "org_cible",
            "organisation_cible",
            "target_id",
            "organisation_b",
            "org_b",
        ),
        "type": ("type", "type_de_lien", "type_lien", "nature", "nature_du_lien", "relation", "lien"),
        "directed": ("directed", "oriente", "dirige", "sens_unique"),
        "weight": ("weight", "poids", "intensite", "force"),
        "start": ("start", "debut", "date_debut", "date_de_debut", "depuis", "date", "start_date", "annee"),
        "end": ("end", "fin", "date_fin", "date_de_fin", "jusqu_a", "end_date"),
        "provenance": ("provenance", "source_de_l_information", "source_info", "origine", "information"),
        "confidence": ("confidence", "confiance", "fiabilite", "certitude"),
    },
    "introductions": {
        "id": ("id", "identifiant"),
        "catalyser": ("catalyser", "catalyseur", "par", "by", "introduit_par", "introducer"),
        "a": ("a", "org_a", "organisation_a", "premiere_organisation"),
        "b": ("b", "org_b", "organisation_b", "seconde_organisation"),
        "date": ("date", "le", "date_de_mise_en_relation"),
        "note": ("note", "commentaire", "remarque", "notes", "comment"),
        "outcome": ("outcome", "issue", "resultat", "suite", "suites"),
        "person": ("person", "personne", "qui", "fait_par", "made_by"),
    },
}

REQUIRED = {
    "organisations": ("id", "name", "sector"),
    "catalysers": ("id", "metiers"),
    "alliances": ("id", "name"),
    "members": ("alliance", "org"),
    "ties": ("source", "target", "type"),
    "introductions": ("catalyser", "a", "b", "date"),
}

_INDEX = {
    kind: {_fold(alias): name for name, aliases in table.items() for alias in aliases}
    for kind, table in ALIASES.items()
}


def canonical(kind: str, header: str) -> str | None:
    """The canonical field a header stands for in a kind of file, or None (an extra column)."""
    return _INDEX[kind].get(_fold(header))


def mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """header → canonical field, for the headers that are fields of `kind` (first one wins)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for h in headers:
        name = canonical(kind, h)
        if name and name not in taken:
            out[h] = name
            taken.add(name)
    return out


def detect_kind(headers: list[str], hint: str | None = None) -> str | None:
    """Guess the kind of a table from its headers (a sheet or JSON section name may settle it)."""
    if hint:
        folded = _fold(hint)
        for kind, words in (
            ("organisations", ("organisations", "organisation", "acteurs", "structures", "orgs")),
            ("ties", ("ties", "liens", "relations", "edges")),
            ("alliances", ("alliances", "partenariats", "projets")),
            ("members", ("members", "membres", "alliance_members", "membres_alliances")),
            ("introductions", ("introductions", "mises_en_relation")),
            ("catalysers", ("catalysers", "catalyseurs")),
        ):
            if folded in words:
                return kind
    fields = {kind: set(mapping(kind, headers).values()) for kind in KINDS}
    if {"source", "target"} <= fields["ties"]:
        return "ties"
    if {"catalyser", "a", "b"} <= fields["introductions"]:
        return "introductions"
    if {"alliance", "org"} <= fields["members"]:
        return "members"
    if "sector" in fields["organisations"] or {"name", "partners"} <= fields["organisations"]:
        return "organisations"
    if {"id", "metiers"} <= fields["catalysers"] and "name" not in fields["organisations"]:
        return "catalysers"
    if {"id", "name"} <= fields["alliances"] and ({"members", "status", "start"} & fields["alliances"]):
        return "alliances"
    return None


def describe(kind: str) -> list[tuple[str, str, bool]]:
    """(canonical name, aliases, required) rows for the documentation."""
    return [
        (name, ", ".join(a for a in aliases if a != name), name in REQUIRED[kind])
        for name, aliases in ALIASES[kind].items()
    ]

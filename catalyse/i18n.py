"""The words of catalyse in French and English: one module for the CLI tables, the report, the views and the web.

Analyses return values and codes (`catalyse.queries`); this module turns them into words: the interface strings of
the views and the report (:data:`UI`), the reasons of a suggestion (:func:`reason_text`), and numbers for people
(:func:`fmt_number`). Labels of controlled codes (sectors, tie types, roles, outcomes, statuses) come from
`catalyse.graphcore.vocab`.
"""

from __future__ import annotations

from typing import Any

from catalyse.graphcore.vocab import label

#: The languages of reports, views, tables and the web ("fr" by default).
LANGS = ("fr", "en")

UI: dict[str, dict[str, str]] = {
    "fr": {
        "search": "Rechercher une organisation",
        "search_placeholder": "Nom…",
        "no_match": "Aucun résultat",
        "matches": "{n} résultat(s)",
        "all": "Tous",
        "filters": "Filtres",
        "legend": "Légende",
        "sector": "Secteur",
        "sectors": "Secteurs",
        "territory": "Territoire",
        "commune": "Commune",
        "departement": "Département",
        "theme": "Thème",
        "themes": "Thèmes",
        "tie_type": "Type de lien",
        "tie_types": "Types de liens",
        "role": "Rôle",
        "roles": "Rôles dans l'alliance",
        "status": "Statut",
        "statuses": "Statut des alliances",
        "outcome": "Suite donnée",
        "outcomes": "Suites des mises en relation",
        "size": "Taille des nœuds",
        "degree": "degré (nombre de partenaires)",
        "measures": "Mesures",
        "reset": "Réinitialiser",
        "collapse_all": "Tout regrouper",
        "help_click": "Cliquez sur une organisation pour voir ses voisins ; cliquez dans le vide pour tout revoir.",
        "help_super": "Cliquez sur un groupe pour afficher ses membres.",
        "super_node": "Groupe d'organisations (cliquer pour déplier)",
        "community": "Communauté {n}",
        "isolated": "Organisations isolées",
        "unknown_territory": "Territoire inconnu",
        "members": "{n} organisations",
        "links": "{n} lien(s)",
        "top_members": "Principales organisations :",
        "no_coordinates": "{n} organisation(s) sans coordonnées, placées sous la carte",
        "position_commune": "position approximative : centre de la commune",
        "position_estimated": "position approximative : centre de la commune, estimé d'après les communes voisines",
        "catalyser": "Catalyseur",
        "organisation": "Organisation",
        "alliance": "Alliance",
        "suggestion": "Mise en relation suggérée",
        "suggestions": "Mises en relation suggérées",
        "score": "score",
        "why": "Pourquoi :",
        "introducer": "Intermédiaire possible : {name}",
        "existing_tie": "Lien existant",
        "introduction": "Mise en relation",
        "introductions": "Mises en relation",
        "introduced_by": "Mise en relation par le catalyseur",
        "date": "Date",
        "note": "Note",
        "period": "Période",
        "since": "Depuis le {date}",
        "centre": "Organisation étudiée",
        "suggested_org": "Organisation suggérée",
        "ties_count": "{n} lien(s) entre ces deux organisations",
        "from_to": "{a} → {b}",
        "ego_title": "Voisinage de {name}",
        "alliances_title": "Organisations et alliances",
        "catalyser_title": "Mises en relation de {name}",
        "map_title": "Carte de l'écosystème",
        "n_orgs": "{n} organisations, {e} liens",
        "shown": "Affichés : {n} nœuds, {e} liens",
        "aggregated": "Plus de {n} organisations : vue regroupée par {by}.",
        "by_community": "communauté",
        "by_commune": "commune",
        "by_departement": "département",
        "metiers": "Métiers",
        "yes": "oui",
        "no": "non",
        # report
        "report_title": "Rapport du territoire",
        "generated": "Généré le {date}",
        "key_measures": "Mesures clés",
        "measure": "Mesure",
        "value": "Valeur",
        "evolution": "Évolution année par année",
        "year": "Année",
        "mixing": "Mélange des secteurs",
        "mixing_help": "Part des liens entre secteurs (ligne → colonne).",
        "brokers": "Principaux passeurs par rôle",
        "rank": "Rang",
        "top_suggestions": "Mises en relation suggérées",
        "reasons": "Raisons",
        "activity": "Activité des catalyseurs",
        "total": "Total",
        "map": "Carte",
        "open_map": "La carte est aussi fournie seule dans le fichier {file}.",
        "absent": "Section non disponible : données absentes.",
        "no_matplotlib": "Graphiques non disponibles (matplotlib n'est pas installé) ; les données figurent dans le tableau.",
        "role_coordinator": "Coordinateur",
        "role_gatekeeper": "Gardien",
        "role_representative": "Représentant",
        "role_itinerant": "Consultant",
        "role_consultant": "Consultant",
        "role_liaison": "Agent de liaison",
        "role_bridge": "Pont",
        "role_broker": "Passeur",
    },
    "en": {
        "search": "Search an organisation",
        "search_placeholder": "Name…",
        "no_match": "No match",
        "matches": "{n} match(es)",
        "all": "All",
        "filters": "Filters",
        "legend": "Legend",
        "sector": "Sector",
        "sectors": "Sectors",
        "territory": "Territory",
        "commune": "Municipality",
        "departement": "Département",
        "theme": "Theme",
        "themes": "Themes",
        "tie_type": "Tie type",
        "tie_types": "Tie types",
        "role": "Role",
        "roles": "Roles in the alliance",
        "status": "Status",
        "statuses": "Alliance status",
        "outcome": "Outcome",
        "outcomes": "Introduction outcomes",
        "size": "Node size",
        "degree": "degree (number of partners)",
        "measures": "Measures",
        "reset": "Reset",
        "collapse_all": "Collapse all",
        "help_click": "Click an organisation to see its neighbours; click the background to see everything again.",
        "help_super": "Click a group to show its members.",
        "super_node": "Group of organisations (click to expand)",
        "community": "Community {n}",
        "isolated": "Isolated organisations",
        "unknown_territory": "Unknown territory",
        "members": "{n} organisations",
        "links": "{n} tie(s)",
        "top_members": "Main organisations:",
        "no_coordinates": "{n} organisation(s) without coordinates, placed below the map",
        "position_commune": "approximate position: centre of the commune",
        "position_estimated": "approximate position: centre of the commune, estimated from neighbouring communes",
        "catalyser": "Catalyser",
        "organisation": "Organisation",
        "alliance": "Alliance",
        "suggestion": "Suggested introduction",
        "suggestions": "Suggested introductions",
        "score": "score",
        "why": "Why:",
        "introducer": "Possible introducer: {name}",
        "existing_tie": "Existing tie",
        "introduction": "Introduction",
        "introductions": "Introductions",
        "introduced_by": "Introduced by the catalyser",
        "date": "Date",
        "note": "Note",
        "period": "Period",
        "since": "Since {date}",
        "centre": "Organisation in focus",
        "suggested_org": "Suggested organisation",
        "ties_count": "{n} tie(s) between these two organisations",
        "from_to": "{a} → {b}",
        "ego_title": "Neighbourhood of {name}",
        "alliances_title": "Organisations and alliances",
        "catalyser_title": "Introductions made by {name}",
        "map_title": "Ecosystem map",
        "n_orgs": "{n} organisations, {e} ties",
        "shown": "Shown: {n} nodes, {e} links",
        "aggregated": "More than {n} organisations: view grouped by {by}.",
        "by_community": "community",
        "by_commune": "municipality",
        "by_departement": "département",
        "metiers": "Métiers",
        "yes": "yes",
        "no": "no",
        "report_title": "Territory report",
        "generated": "Generated on {date}",
        "key_measures": "Key measures",
        "measure": "Measure",
        "value": "Value",
        "evolution": "Year-by-year evolution",
        "year": "Year",
        "mixing": "Sector mixing",
        "mixing_help": "Share of ties between sectors (row → column).",
        "brokers": "Top brokers by role",
        "rank": "Rank",
        "top_suggestions": "Suggested introductions",
        "reasons": "Reasons",
        "activity": "Catalysers' activity",
        "total": "Total",
        "map": "Map",
        "open_map": "The map is also provided on its own in the file {file}.",
        "absent": "Section not available: no data.",
        "no_matplotlib": "Charts not available (matplotlib is not installed); the data are in the table.",
        "role_coordinator": "Coordinator",
        "role_gatekeeper": "Gatekeeper",
        "role_representative": "Representative",
        "role_itinerant": "Consultant",
        "role_consultant": "Consultant",
        "role_liaison": "Liaison",
        "role_bridge": "Bridge",
        "role_broker": "Broker",
    },
}


def ui(lang: str) -> dict[str, str]:
    """The interface strings for `lang` ("fr" by default; "en"); unknown languages fall back to French."""
    return UI["en"] if lang == "en" else UI["fr"]


def fmt_number(value, lang: str = "fr") -> str:
    """A measure for people: integers as they are, floats with 3 significant digits, decimal comma in French.

    >>> fmt_number(0.12345), fmt_number(0.12345, "en"), fmt_number(12), fmt_number(True)
    ('0,123', '0.123', '12', 'oui')
    """
    if isinstance(value, bool):
        return ui(lang)["yes"] if value else ui(lang)["no"]
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f" if lang != "en" else ",")
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    if f != f:  # NaN
        return "–"
    if f.is_integer() and abs(f) < 1e15:
        return fmt_number(int(f), lang)
    text = f"{f:.3g}"
    return text.replace(".", ",") if lang != "en" else text


def theme_label(theme: str, lang: str = "fr") -> str:
    """SDGs are written `SDG5` in the data; French readers know them as `ODD 5`.

    >>> theme_label("SDG5"), theme_label("SDG5", "en"), theme_label("mobilité")
    ('ODD 5', 'SDG 5', 'mobilité')
    """
    if theme.startswith("SDG") and theme[3:].isdigit():
        return ("SDG " if lang == "en" else "ODD ") + theme[3:]
    return theme


#: The words of the suggestions' reasons (:func:`reason_text`), French first.
REASONS: dict[str, dict[str, Any]] = {  # a word, or its (singular, plural) pair
    "fr": {
        "partners": ("{k} partenaire en commun : {names}", "{k} partenaires en commun : {names}"),
        "and": " et ",
        "others": "{k} autre",
        "others_pl": "{k} autres",
        "themes": ("Thème partagé : {t}", "Thèmes partagés : {t}"),
        "bridge": "Relie deux mondes : {a} ↔ {b}",
        "first": "{name} n'a encore aucun partenaire « {s} »",
        "commune": "Même commune ({c})",
        "epci": "Même intercommunalité (EPCI {c})",
        "departement": "Même département ({c})",
        "alliances": ("Déjà engagés ensemble dans {k} alliance", "Déjà engagés ensemble dans {k} alliances"),
        "intro": "Qui peut les présenter : {x}",
        "catalyser": " (catalyseur)",
        "mutual": ", partenaire des deux",
        "tied": ", partenaire de {name}",
        "catalyser_epci": " (catalyseur de l'intercommunalité)",
        "catalyser_departement": " (catalyseur du département)",
        "nobody": "Aucun partenaire commun ni catalyseur proche pour les présenter",
        "constraint": "Contrainte de Burt : {a} {x} → {y} ; {b} {z} → {w}",
        "components": "Relierait deux parties du réseau jusque-là déconnectées",
        "communities": "Relierait deux communautés distinctes du réseau (Louvain)",
        "cross": "Part des liens intersectoriels : {a} {x} → {y} ; {b} {z} → {w}",
        "sdg": "ODD {k}",
        "na": "–",
        "diversity": (
            "Règle de diversité : {k} partenaire mieux noté écarté, déjà proposé {cap} ailleurs "
            "({names}) ; rang au score {rank}",
            "Règle de diversité : {k} partenaires mieux notés écartés, déjà proposés {cap} ailleurs "
            "({names}) ; rang au score {rank}",
        ),
        "times": ("{k} fois", "{k} fois"),
    },
    "en": {
        "partners": ("{k} partner in common: {names}", "{k} partners in common: {names}"),
        "and": " and ",
        "others": "{k} other",
        "others_pl": "{k} others",
        "themes": ("Shared theme: {t}", "Shared themes: {t}"),
        "bridge": "Bridges two worlds: {a} ↔ {b}",
        "first": "{name} has no partner in '{s}' yet",
        "commune": "Same commune ({c})",
        "epci": "Same intercommunal body (EPCI {c})",
        "departement": "Same département ({c})",
        "alliances": ("Already in {k} alliance together", "Already in {k} alliances together"),
        "intro": "Who can introduce them: {x}",
        "catalyser": " (catalyser)",
        "mutual": ", a partner of both",
        "tied": ", a partner of {name}",
        "catalyser_epci": " (catalyser of the intercommunal body)",
        "catalyser_departement": " (catalyser of the département)",
        "nobody": "No mutual partner or nearby catalyser to introduce them",
        "constraint": "Burt constraint: {a} {x} → {y}; {b} {z} → {w}",
        "components": "Would join two parts of the network that are not connected yet",
        "communities": "Would join two distinct communities of the network (Louvain)",
        "cross": "Share of cross-sector ties: {a} {x} → {y}; {b} {z} → {w}",
        "sdg": "SDG {k}",
        "na": "–",
        "diversity": (
            "Diversity rule: {k} better-scored partner set aside, already suggested {cap} elsewhere "
            "({names}); score rank {rank}",
            "Diversity rule: {k} better-scored partners set aside, already suggested {cap} elsewhere "
            "({names}); score rank {rank}",
        ),
        "times": ("once", "{k} times"),
    },
}


def _num(x, lang, digits=2):
    if x is None:
        return REASONS[lang]["na"]
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s.replace(".", ",") if lang == "fr" else s


def _pct(x, lang):
    if x is None:
        return REASONS[lang]["na"]
    return f"{round(100 * x):d} %" if lang == "fr" else f"{round(100 * x):d}%"


def _enum(names, lang, total=None, limit=3):
    """'A, B et C' / 'A, B, C et 2 autres' (``total`` names of which the first ones are given)."""
    tx = REASONS[lang]
    names = list(names)[:limit]
    total = len(names) if total is None else total
    if total > limit:
        extra = total - limit
        names = names + [(tx["others"] if extra == 1 else tx["others_pl"]).format(k=extra)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + tx["and"] + names[-1]


def _place_name(level: str, code: str) -> str:
    """A commune as people know it, "Crest, 26108" (the code alone when the official table does not have it)."""
    if level != "commune":
        return code
    from catalyse.graphcore.places import find

    commune = find(code)
    return f"{commune.name}, {code}" if commune is not None else code


def reason_text(reason: dict, lang: str = "fr") -> str:
    """One reason of a suggestion (a code with its values, see `Suggestion.reason_codes`) in words.

    >>> reason_text({"code": "shared_partners", "count": 4, "names": ["A", "B", "C"]})
    '4 partenaires en commun : A, B, C et 1 autre'
    >>> reason_text({"code": "same_place", "level": "epci", "place": "200068781"}, "en")
    'Same intercommunal body (EPCI 200068781)'
    >>> reason_text({"code": "constraint_change", "names": ["A", "B"], "before": [0.5, 0.25], "after": [0.4, 0.25]})
    'Contrainte de Burt : A 0,5 → 0,4 ; B 0,25 → 0,25'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    tx = REASONS[lang]
    code = reason["code"]
    if code == "shared_partners":
        k = reason["count"]
        return tx["partners"][k > 1].format(k=k, names=_enum(reason["names"], lang, total=k))
    if code == "shared_themes":
        themes = reason["themes"]
        return tx["themes"][len(themes) > 1].format(t=", ".join(theme_label(str(t), lang) for t in themes))
    if code == "bridges_sectors":
        sa, sb = reason["sectors"]
        org, partner = reason["names"]
        text = tx["bridge"].format(a=label("sector", sa, lang), b=label("sector", sb, lang))
        firsts = []
        if reason.get("first_for_org"):
            firsts.append(tx["first"].format(s=label("sector", sb, lang), name=org))
        if reason.get("first_for_partner"):
            firsts.append(tx["first"].format(s=label("sector", sa, lang), name=partner))
        if firsts:
            text += " (" + (" ; " if lang == "fr" else "; ").join(firsts) + ")"
        return text
    if code == "same_place":
        return tx[reason["level"]].format(c=_place_name(reason["level"], reason["place"]))
    if code == "shared_alliances":
        k = reason["count"]
        return tx["alliances"][k > 1].format(k=k)
    if code == "introducer":
        role = reason.get("role")
        x = reason["name"]
        if role in ("catalyser_mutual", "catalyser_tied"):
            x += tx["catalyser"]
        if role in ("mutual", "catalyser_mutual"):
            x += tx["mutual"]
        elif role == "catalyser_tied":
            x += tx["tied"].format(name=reason.get("tied_to_name") or "")
        elif role in ("catalyser_epci", "catalyser_departement"):
            x += tx[role]
        return tx["intro"].format(x=x)
    if code == "no_introducer":
        return tx["nobody"]
    if code == "constraint_change":
        (a, b), (x, z), (y, w) = reason["names"], reason["before"], reason["after"]
        return tx["constraint"].format(a=a, x=_num(x, lang), y=_num(y, lang), b=b, z=_num(z, lang), w=_num(w, lang))
    if code == "bridges_components":
        return tx["components"]
    if code == "bridges_communities":
        return tx["communities"]
    if code == "cross_share_change":
        (a, b), (x, z), (y, w) = reason["names"], reason["before"], reason["after"]
        return tx["cross"].format(a=a, x=_pct(x, lang), y=_pct(y, lang), b=b, z=_pct(z, lang), w=_pct(w, lang))
    if code == "diversity":
        k, cap = reason["skipped"], reason["cap"]
        return tx["diversity"][k > 1].format(
            k=k,
            cap=tx["times"][cap > 1].format(k=cap),
            names=_enum(reason["names"], lang, total=k),
            rank=reason["score_rank"],
        )
    raise ValueError(f"unknown reason code {code!r}")


#: Column and line labels of the CLI tables, by stable key (the machine formats keep the keys).
COLUMNS = {
    "fr": {
        "id": "identifiant",
        "name": "nom",
        "sector": "secteur",
        "commune": "commune",
        "themes": "thèmes",
        "epci": "EPCI",
        "departement": "département",
        "region": "région",
        "lat": "latitude",
        "lon": "longitude",
        "tags": "étiquettes",
        "siren": "SIREN",
        "siret": "SIRET",
        "rna": "RNA",
        "website": "site web",
        "catalyser_metiers": "métiers de catalyseur",
        "with": "avec",
        "type": "type",
        "direction": "sens",
        "weight": "poids",
        "start": "début",
        "end": "fin",
        "role": "rôle",
        "organisation": "organisation",
        "group": "groupe",
        "constraint": "contrainte",
        "effective_size": "taille effective",
        "efficiency": "efficacité",
        "hierarchy": "hiérarchie",
        "betweenness": "intermédiarité",
        "closeness": "proximité",
        "eigenvector": "vecteur propre",
        "pagerank": "pagerank",
        "degree": "degré",
        "strength": "force",
        "catalyser": "catalyseur",
        "introductions": "mises en relation",
        "met": "rencontres",
        "alliance_formed": "alliances",
        "declined": "déclinées",
        "pending": "en attente",
        "conversion": "taux d'alliance",
        "cross_sector_share": "entre secteurs",
        "now_tied": "liées aujourd'hui",
        "liaison": "liaison",
        "year": "année",
        "date": "date",
        "a": "a",
        "b": "b",
        "outcome": "suite",
        "note": "note",
        "partner": "à présenter à",
        "score": "score",
        "introducer": "par",
        "main_reason": "raison principale",
        "organisations": "organisations",
        "catalysers": "catalyseurs",
        "alliances": "alliances",
        "memberships": "adhésions",
        "ties": "liens",
        "linked_pairs": "paires reliées",
        "density": "densité",
        "components": "composantes",
        "largest": "la plus grande",
        "isolates": "isolées",
        "cross_sector_ties": "liens entre secteurs",
        "tie_type": "type de lien",
        "pairs": "paires",
        "out": "sortant",
        "in": "entrant",
        "both": "réciproque",
        "on": "au",
        "no_suggestion": "Aucune suggestion.",
    },
    "en": {
        "catalyser_metiers": "catalyser_metiers",
        "alliance_formed": "alliances",
        "conversion": "alliance rate",
        "cross_sector_share": "cross-sector",
        "now_tied": "tied now",
        "effective_size": "effective size",
        "partner": "introduce to",
        "introducer": "by",
        "main_reason": "main reason",
        "linked_pairs": "linked pairs",
        "cross_sector_ties": "cross-sector ties",
        "tie_type": "tie type",
        "no_suggestion": "No suggestion.",
    },
}


def column(key: str, lang: str = "fr") -> str:
    """The label of a table column or line (English labels are the keys unless said otherwise).

    >>> column("constraint"), column("constraint", "en"), column("partner", "en")
    ('contrainte', 'constraint', 'introduce to')
    """
    if lang == "en":
        return COLUMNS["en"].get(key, key)
    return COLUMNS["fr"].get(key, key)


def headers(keys, lang: str = "fr") -> dict[str, str]:
    """{key: label} for a table's columns."""
    return {k: column(k, lang) for k in keys}


#: The names of the whole-network measures and of the columns of their tables (`queries.structure`'s rows),
#: French first: ``key -> (fr, en)``.
MEASURE_LABELS = {
    "nodes": ("Organisations", "Organisations"),
    "ties": ("Liens", "Ties"),
    "directed": ("Orienté", "Directed"),
    "mean_degree": ("Degré moyen", "Mean degree"),
    "density": ("Densité", "Density"),
    "components": ("Composantes connexes", "Connected components"),
    "giant_share": ("Part de la composante principale", "Giant component share"),
    "isolates": ("Organisations isolées", "Isolated organisations"),
    "average_clustering": ("Clustering moyen", "Average clustering"),
    "transitivity": ("Transitivité", "Transitivity"),
    "degree_centralization": ("Centralisation (degré)", "Degree centralisation"),
    "betweenness_centralization": ("Centralisation (intermédiarité)", "Betweenness centralisation"),
    "reciprocity": ("Réciprocité", "Reciprocity"),
    "group": ("Attribut de groupe", "Group attribute"),
    "groups": ("Groupes", "Groups"),
    "unassigned": ("Sans valeur pour l'attribut", "Without the attribute"),
    "ei_index": ("Indice E-I", "E-I index"),
    "cross_group_share": ("Part des liens entre groupes", "Share of cross-group ties"),
    "assortativity": ("Assortativité", "Assortativity"),
    "communities": ("Communautés (Louvain)", "Communities (Louvain)"),
    "modularity": ("Modularité", "Modularity"),
    "year": ("Année", "Year"),
    "group_value": ("Groupe", "Group"),
    "members": ("Membres", "Members"),
    "internal_ties": ("Liens internes", "Internal ties"),
    "external_ties": ("Liens externes", "External ties"),
    "isolated_members": ("Membres isolés", "Isolated members"),
    "measure": ("Mesure", "Measure"),
    "node": ("Organisation", "Organisation"),
    "constraint": ("Contrainte", "Constraint"),
    "effective_size": ("Taille effective", "Effective size"),
    "efficiency": ("Efficacité", "Efficiency"),
    "hierarchy": ("Hiérarchie", "Hierarchy"),
    "contacts": ("Contacts", "Contacts"),
    "value": ("Valeur", "Value"),
}


def measure_label(key: str, lang: str = "fr") -> str:
    """The name of a measure (or of a column of the measures' tables) in French or English.

    >>> measure_label("density"), measure_label("density", "en")
    ('Densité', 'Density')
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    fr, en = MEASURE_LABELS.get(key, (key, key))
    return fr if lang == "fr" else en


#: The names of the Gould–Fernandez brokerage roles: ``ROLE_LABELS[lang][directed][role]``.
ROLE_LABELS = {
    "fr": {
        True: {
            "coordinator": "coordinateur",
            "itinerant": "itinérant",
            "representative": "représentant",
            "gatekeeper": "portier",
            "liaison": "agent de liaison",
            "total": "total",
        },
        False: {
            "coordinator": "coordinateur",
            "itinerant": "itinérant",
            "representative": "représentant/portier",
            "liaison": "agent de liaison",
            "total": "total",
        },
    },
    "en": {
        True: {
            "coordinator": "coordinator",
            "itinerant": "itinerant",
            "representative": "representative",
            "gatekeeper": "gatekeeper",
            "liaison": "liaison",
            "total": "total",
        },
        False: {
            "coordinator": "coordinator",
            "itinerant": "itinerant",
            "representative": "representative/gatekeeper",
            "liaison": "liaison",
            "total": "total",
        },
    },
}

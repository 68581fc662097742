"""Every user-interface string of the views and the report, in one table (French first, English second).

Labels of controlled codes (sectors, tie types, roles, outcomes, statuses) come from `graphcore.vocab`; this
table holds only the words of the interface itself.
"""

from __future__ import annotations

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

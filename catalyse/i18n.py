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
        "meaning": "Ce qu'elle dit",
        "legend_measures": "Ce que disent ces mesures (détails et références : docs/measures.md)",
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
        "role_gatekeeper": "Portier",
        "role_representative": "Représentant",
        "role_itinerant": "Itinérant",
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
        "meaning": "What it says",
        "legend_measures": "What these measures say (details and references: docs/measures.md)",
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
        "role_itinerant": "Itinerant",
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
        "constraint": "Contrainte de Burt : {a} {x} → {y} ({v}) ; {b} {z} → {w} ({u})",
        "components": "Relierait deux parties du réseau jusque-là déconnectées",
        "communities": "Relierait deux communautés distinctes du réseau (Louvain)",
        "cross": "Part des liens intersectoriels : {a} {x} → {y} ({v}) ; {b} {z} → {w} ({u})",
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
        "constraint": "Burt constraint: {a} {x} → {y} ({v}); {b} {z} → {w} ({u})",
        "components": "Would join two parts of the network that are not connected yet",
        "communities": "Would join two distinct communities of the network (Louvain)",
        "cross": "Share of cross-sector ties: {a} {x} → {y} ({v}); {b} {z} → {w} ({u})",
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


def _change(key: str, before: str, after: str, lang: str) -> str:
    """The verdict on a what-if change as it is shown (values compared as printed: '0,09 → 0,09' is unchanged)."""

    def number(text: str) -> float | None:
        try:
            return float(text.replace("\u202f", "").replace(" ", "").replace("%", "").replace(",", "."))
        except ValueError:
            return None

    return verdict(key, number(before), number(after), lang) or REASONS[lang]["na"]


def reason_text(reason: dict, lang: str = "fr") -> str:
    """One reason of a suggestion (a code with its values, see `Suggestion.reason_codes`) in words.

    >>> reason_text({"code": "shared_partners", "count": 4, "names": ["A", "B", "C"]})
    '4 partenaires en commun : A, B, C et 1 autre'
    >>> reason_text({"code": "same_place", "level": "epci", "place": "200068781"}, "en")
    'Same intercommunal body (EPCI 200068781)'
    >>> reason_text({"code": "constraint_change", "names": ["A", "B"], "before": [0.5, 0.25], "after": [0.4, 0.25]})
    'Contrainte de Burt : A 0,5 → 0,4 (mieux) ; B 0,25 → 0,25 (stable)'
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
        x, y, z, w = (_num(v, lang) for v in (x, y, z, w))
        v, u = _change("constraint", x, y, lang), _change("constraint", z, w, lang)
        return tx["constraint"].format(a=a, x=x, y=y, b=b, z=z, w=w, v=v, u=u)
    if code == "bridges_components":
        return tx["components"]
    if code == "bridges_communities":
        return tx["communities"]
    if code == "cross_share_change":
        (a, b), (x, z), (y, w) = reason["names"], reason["before"], reason["after"]
        x, y, z, w = (_pct(v, lang) for v in (x, y, z, w))
        v, u = _change("cross_sector_share", x, y, lang), _change("cross_sector_share", z, w, lang)
        return tx["cross"].format(a=a, x=x, y=y, b=b, z=z, w=w, v=v, u=u)
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
        "legend_title": "Ce que disent ces mesures (détails et références : docs/measures.md) :",
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
        "legend_title": "What these measures say (details and references: docs/measures.md):",
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
    "betweenness_centralization_pivots": (
        "Centralisation (intermédiarité) : pivots échantillonnés",
        "Betweenness centralisation: sampled pivots",
    ),
    "betweenness_centralization_se": (
        "Centralisation (intermédiarité) : erreur type",
        "Betweenness centralisation: standard error",
    ),
    "betweenness_centralization_bound": (
        "Centralisation (intermédiarité) : borne d'erreur (95 %)",
        "Betweenness centralisation: error bound (95%)",
    ),
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


# -- measures in plain words ------------------------------------------------------------------------------------------
#: Every measure shown to people (CLI tables, the report, the views, the web), by its stable key:
#: ``name`` (French, English), ``what`` (French, English: what it says about a territory), ``better`` (``"up"``:
#: higher is better, ``"down"``: lower is better, ``"none"``: neither, read it over time) and ``ref``, the
#: reference given in ``docs/measures.md`` (one section per key).
MEASURES: dict[str, dict] = {
    "nodes": {
        "name": ("Organisations", "Organisations"),
        "what": (
            "Les organisations recensées : c'est l'étendue de la cartographie, pas un score.",
            "The organisations recorded: the extent of the mapping, not a score.",
        ),
        "better": "none",
        "ref": "Wasserman & Faust 1994",
    },
    "ties": {
        "name": ("Paires reliées", "Linked pairs"),
        "what": (
            "Les paires d'organisations qui ont au moins un lien (partenariat, projet, financement…).",
            "Pairs of organisations with at least one tie (partnership, project, funding…).",
        ),
        "better": "up",
        "ref": "Wasserman & Faust 1994",
    },
    "directed": {
        "name": ("Orienté", "Directed"),
        "what": (
            "Si le sens des liens est pris en compte (un financement va de qui finance à qui est financé).",
            "Whether the direction of ties is taken into account (funding goes from funder to funded).",
        ),
        "better": "none",
        "ref": "Wasserman & Faust 1994",
    },
    "mean_degree": {
        "name": ("Degré moyen", "Mean degree"),
        "what": (
            "Le nombre moyen de partenaires par organisation ; dans une dynamique naissante, 1 à 3 est courant.",
            "The mean number of partners per organisation; in an emerging dynamic, 1 to 3 is common.",
        ),
        "better": "up",
        "ref": "Wasserman & Faust 1994",
    },
    "density": {
        "name": ("Densité", "Density"),
        "what": (
            "La part des paires possibles qui sont reliées ; elle reste faible dans tout territoire et très faible "
            "dans un réseau jeune, c'est normal : suivez sa hausse plutôt que son niveau.",
            "The share of possible pairs that are tied; it stays low in any territory and very low in a young "
            "network, which is normal: follow its rise rather than its level.",
        ),
        "better": "up",
        "ref": "Wasserman & Faust 1994",
    },
    "components": {
        "name": ("Composantes connexes", "Connected components"),
        "what": (
            "Les morceaux du réseau qui ne se joignent pas entre eux ; chaque morceau séparé est un pont à construire.",
            "The pieces of the network that cannot reach each other; each separate piece is a bridge to build.",
        ),
        "better": "down",
        "ref": "Wasserman & Faust 1994",
    },
    "giant_share": {
        "name": ("Part de la composante principale", "Giant component share"),
        "what": (
            "La part des organisations qui peuvent se joindre de proche en proche dans le plus grand ensemble relié.",
            "The share of organisations that can reach each other step by step in the largest connected cluster.",
        ),
        "better": "up",
        "ref": "Newman 2010",
    },
    "isolates": {
        "name": ("Organisations isolées", "Isolated organisations"),
        "what": (
            "Les organisations sans aucun lien : autant d'acteurs à faire entrer dans la dynamique.",
            "Organisations without any tie: actors to bring into the dynamic.",
        ),
        "better": "down",
        "ref": "Wasserman & Faust 1994",
    },
    "average_clustering": {
        "name": ("Clustering moyen", "Average clustering"),
        "what": (
            "Combien les partenaires d'une organisation sont aussi partenaires entre eux : des cercles soudés où "
            "la confiance circule, mais trop haut c'est l'entre-soi.",
            "How often an organisation's partners are partners of each other: close circles where trust "
            "travels, but too high means inward-looking.",
        ),
        "better": "none",
        "ref": "Watts & Strogatz 1998",
    },
    "transitivity": {
        "name": ("Transitivité", "Transitivity"),
        "what": (
            "La part des « partenaires de mes partenaires » qui sont aussi mes partenaires, sur tout le réseau ; "
            "à lire comme le clustering.",
            "The share of 'partners of my partners' who are my partners too, over the whole network; read it "
            "like clustering.",
        ),
        "better": "none",
        "ref": "Wasserman & Faust 1994",
    },
    "degree_centralization": {
        "name": ("Centralisation (degré)", "Degree centralisation"),
        "what": (
            "À quel point les liens se concentrent sur quelques organisations (0 : répartis, 1 : une étoile) ; "
            "un réseau naissant tourne souvent autour de son catalyseur, c'est normal au début.",
            "How much the ties gather on a few organisations (0: spread, 1: a star); an emerging network often "
            "turns around its catalyser, which is normal at first.",
        ),
        "better": "down",
        "ref": "Freeman 1979",
    },
    "betweenness_centralization": {
        "name": ("Centralisation (intermédiarité)", "Betweenness centralisation"),
        "what": (
            "À quel point les chemins entre organisations passent par quelques intermédiaires : haut, le réseau "
            "a des goulots et dépend de peu d'acteurs.",
            "How much the paths between organisations go through a few intermediaries: high means bottlenecks "
            "and reliance on few actors.",
        ),
        "better": "down",
        "ref": "Freeman 1979",
    },
    "betweenness_centralization_pivots": {
        "name": ("Centralisation (intermédiarité) : pivots", "Betweenness centralisation: pivots"),
        "what": (
            "Sur un grand réseau, la centralisation est estimée à partir de ce nombre d'organisations tirées au "
            "hasard (toujours les mêmes) plutôt que de toutes : c'est une estimation, pas une mesure exacte.",
            "On a large network the centralisation is estimated from this many organisations drawn at random "
            "(always the same ones) instead of all of them: an estimate, not an exact measure.",
        ),
        "better": "none",
        "ref": "Brandes & Pich 2007",
    },
    "betweenness_centralization_se": {
        "name": ("Centralisation (intermédiarité) : erreur type", "Betweenness centralisation: standard error"),
        "what": (
            "De combien l'estimation peut typiquement s'écarter de la valeur exacte : plus petit, plus l'estimation "
            "est sûre.",
            "How far the estimate typically is from the exact value: the smaller, the more reliable the estimate.",
        ),
        "better": "down",
        "ref": "Brandes & Pich 2007",
    },
    "betweenness_centralization_bound": {
        "name": ("Centralisation (intermédiarité) : borne d'erreur", "Betweenness centralisation: error bound"),
        "what": (
            "L'écart maximal, 95 fois sur 100, entre l'estimation et la valeur exacte (borne prudente) : plus petit, "
            "plus l'estimation est sûre ; --exact donne la valeur exacte, au prix d'un long calcul.",
            "The largest gap, 95 times in 100, between the estimate and the exact value (a cautious bound): the "
            "smaller, the more reliable; --exact gives the exact value, at the price of a long computation.",
        ),
        "better": "down",
        "ref": "Brandes & Pich 2007",
    },
    "reciprocity": {
        "name": ("Réciprocité", "Reciprocity"),
        "what": (
            "La part des liens orientés rendus dans l'autre sens (qui finance est aussi financé, aidé…).",
            "The share of directed ties returned the other way (the funder is funded or helped back…).",
        ),
        "better": "up",
        "ref": "Wasserman & Faust 1994",
    },
    "group": {
        "name": ("Attribut de groupe", "Group attribute"),
        "what": (
            "Ce qui définit les « mondes » des mesures de mélange (le secteur, par défaut).",
            "What defines the 'worlds' of the mixing measures (the sector, by default).",
        ),
        "better": "none",
        "ref": "Krackhardt & Stern 1988",
    },
    "groups": {
        "name": ("Groupes", "Groups"),
        "what": ("Le nombre de mondes (secteurs…) présents.", "The number of worlds (sectors…) present."),
        "better": "none",
        "ref": "Krackhardt & Stern 1988",
    },
    "unassigned": {
        "name": ("Sans valeur pour l'attribut", "Without the attribute"),
        "what": (
            "Les organisations dont le groupe n'est pas renseigné, hors des mesures de mélange : données à compléter.",
            "Organisations whose group is not filled in, left out of the mixing measures: data to complete.",
        ),
        "better": "down",
        "ref": "Krackhardt & Stern 1988",
    },
    "ei_index": {
        "name": ("Indice E-I", "E-I index"),
        "what": (
            "(liens entre groupes − liens internes) / tous les liens, de −1 (chacun reste dans son monde) à +1 "
            "(tous les liens relient des mondes différents).",
            "(ties between groups − internal ties) / all ties, from −1 (everyone stays in their world) to +1 "
            "(every tie joins different worlds).",
        ),
        "better": "up",
        "ref": "Krackhardt & Stern 1988",
    },
    "cross_group_share": {
        "name": ("Part des liens entre groupes", "Share of cross-group ties"),
        "what": (
            "La part des liens qui relient deux mondes différents (public, associatif, économique…).",
            "The share of ties between two different worlds (public, non-profit, business…).",
        ),
        "better": "up",
        "ref": "Krackhardt & Stern 1988",
    },
    "cross_sector_share": {
        "name": ("Liens entre secteurs", "Cross-sector ties"),
        "what": (
            "La part des liens qui relient deux secteurs différents (collectivités, associations, entreprises…).",
            "The share of ties between two different sectors (local authorities, associations, companies…).",
        ),
        "better": "up",
        "ref": "Krackhardt & Stern 1988",
    },
    "assortativity": {
        "name": ("Assortativité", "Assortativity"),
        "what": (
            "La tendance à se lier à son propre groupe (+1), au hasard (0) ou aux autres groupes (−1) : plus bas, "
            "plus le territoire fait se rencontrer les mondes.",
            "The tendency to tie within one's own group (+1), at random (0) or with other groups (−1): lower "
            "means the territory brings its worlds together more.",
        ),
        "better": "down",
        "ref": "Newman 2003",
    },
    "communities": {
        "name": ("Communautés (Louvain)", "Communities (Louvain)"),
        "what": (
            "Les groupes d'organisations plus liées entre elles qu'avec le reste (algorithme de Louvain) : les "
            "cercles du territoire, à relier entre eux.",
            "Groups of organisations more tied to each other than to the rest (Louvain algorithm): the "
            "territory's circles, to be joined.",
        ),
        "better": "none",
        "ref": "Blondel et al. 2008",
    },
    "modularity": {
        "name": ("Modularité", "Modularity"),
        "what": (
            "À quel point le réseau se découpe en communautés séparées (0 à 1) ; élevée, c'est normal dans une "
            "dynamique naissante faite de cercles encore séparés, et elle baisse quand ils se relient.",
            "How much the network splits into separate communities (0 to 1); high is normal in an emerging "
            "dynamic made of circles still apart, and it falls as they join.",
        ),
        "better": "down",
        "ref": "Newman 2006",
    },
    "members": {
        "name": ("Membres", "Members"),
        "what": ("Les organisations du groupe.", "The organisations of the group."),
        "better": "none",
        "ref": "Krackhardt & Stern 1988",
    },
    "internal_ties": {
        "name": ("Liens internes", "Internal ties"),
        "what": ("Les liens entre organisations du groupe.", "Ties between organisations of the group."),
        "better": "none",
        "ref": "Krackhardt & Stern 1988",
    },
    "external_ties": {
        "name": ("Liens externes", "External ties"),
        "what": (
            "Les liens du groupe avec les autres groupes : ses ouvertures sur les autres mondes.",
            "The group's ties with the other groups: its openings onto the other worlds.",
        ),
        "better": "up",
        "ref": "Krackhardt & Stern 1988",
    },
    "isolated_members": {
        "name": ("Membres isolés", "Isolated members"),
        "what": ("Les organisations du groupe sans aucun lien.", "The group's organisations without any tie."),
        "better": "down",
        "ref": "Wasserman & Faust 1994",
    },
    # per organisation
    "degree": {
        "name": ("Degré", "Degree"),
        "what": ("Le nombre de partenaires de l'organisation.", "The organisation's number of partners."),
        "better": "up",
        "ref": "Freeman 1979",
    },
    "strength": {
        "name": ("Force", "Strength"),
        "what": (
            "La somme des poids de ses liens : l'intensité de ses relations.",
            "The sum of its ties' weights: the intensity of its relations.",
        ),
        "better": "up",
        "ref": "Barrat et al. 2004",
    },
    "betweenness": {
        "name": ("Intermédiarité", "Betweenness"),
        "what": (
            "La part des plus courts chemins entre autres organisations qui passent par elle : sa place de passeur.",
            "The share of shortest paths between other organisations that go through it: its place as a go-between.",
        ),
        "better": "up",
        "ref": "Freeman 1977",
    },
    "closeness": {
        "name": ("Proximité", "Closeness"),
        "what": (
            "À combien d'étapes elle est, en moyenne, des autres : haut, elle joint vite tout le territoire.",
            "How few steps away it is, on average, from the others: high means it reaches the territory quickly.",
        ),
        "better": "up",
        "ref": "Freeman 1979",
    },
    "eigenvector": {
        "name": ("Vecteur propre", "Eigenvector"),
        "what": (
            "Être lié à des organisations elles-mêmes très liées : son influence de proche en proche.",
            "Being tied to organisations that are well tied themselves: its influence step by step.",
        ),
        "better": "up",
        "ref": "Bonacich 1972",
    },
    "pagerank": {
        "name": ("PageRank", "PageRank"),
        "what": (
            "Une variante du vecteur propre qui suit le sens des liens (financements) : qui reçoit de qui compte.",
            "A variant of eigenvector centrality that follows the direction of ties (funding): who receives from "
            "whom matters.",
        ),
        "better": "up",
        "ref": "Brin & Page 1998",
    },
    "constraint": {
        "name": ("Contrainte de Burt", "Burt constraint"),
        "what": (
            "À quel point les partenaires d'une organisation se connaissent tous et la tiennent (0 à 1 environ) ; "
            "plus bas, elle a accès à des mondes qui ne se parlent pas encore (trous structuraux).",
            "How much an organisation's partners all know each other and hold it (about 0 to 1); lower means "
            "it reaches worlds that do not talk to each other yet (structural holes).",
        ),
        "better": "down",
        "ref": "Burt 1992",
    },
    "effective_size": {
        "name": ("Taille effective", "Effective size"),
        "what": (
            "Le nombre de ses partenaires qui ne font pas double emploi (qui ne se connaissent pas entre eux).",
            "The number of its partners that are not redundant (who do not know each other).",
        ),
        "better": "up",
        "ref": "Burt 1992",
    },
    "efficiency": {
        "name": ("Efficacité", "Efficiency"),
        "what": (
            "La taille effective rapportée au nombre de partenaires : la part de partenaires non redondants.",
            "Effective size divided by the number of partners: the share of non-redundant partners.",
        ),
        "better": "up",
        "ref": "Burt 1992",
    },
    "hierarchy": {
        "name": ("Hiérarchie", "Hierarchy"),
        "what": (
            "À quel point sa contrainte vient d'un seul partenaire : haut, elle dépend d'un acteur.",
            "How much its constraint comes from one partner: high means it depends on one actor.",
        ),
        "better": "down",
        "ref": "Burt 1992",
    },
    # brokerage roles (Gould & Fernandez 1989): A → B → C with B the broker, counted per organisation
    "coordinator": {
        "name": ("Coordinateur", "Coordinator"),
        "what": (
            "Relie deux organisations de son propre groupe (A, B et C du même monde) : anime son milieu.",
            "Links two organisations of its own group (A, B and C of one world): it drives its own milieu.",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    "itinerant": {
        "name": ("Itinérant", "Itinerant"),
        "what": (
            "Relie deux organisations d'un même groupe qui n'est pas le sien : un appui venu de l'extérieur.",
            "Links two organisations of one group that is not its own: outside support, like a consultant.",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    "representative": {
        "name": ("Représentant", "Representative"),
        "what": (
            "Porte vers un autre groupe ce qui vient de son propre groupe : il parle au nom des siens.",
            "Carries what comes from its own group to another group: it speaks for its own.",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    "gatekeeper": {
        "name": ("Portier", "Gatekeeper"),
        "what": (
            "Fait entrer dans son groupe ce qui vient d'un autre groupe : il ouvre les siens aux autres mondes.",
            "Brings what comes from another group into its own: it opens its own to the other worlds.",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    "liaison": {
        "name": ("Agent de liaison", "Liaison"),
        "what": (
            "Relie deux organisations de deux groupes différents, tous deux autres que le sien : le passeur "
            "« polyglotte » entre mondes, le rôle du catalyseur.",
            "Links two organisations of two different groups, both other than its own: the 'polyglot' go-between "
            "of worlds, the catalyser's role.",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    "total": {
        "name": ("Total de courtage", "Total brokerage"),
        "what": (
            "La somme de ses cinq rôles de courtage : combien de fois elle se trouve entre deux organisations "
            "non reliées.",
            "The sum of its five brokerage roles: how often it stands between two organisations not tied "
            "to each other.",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    "brokerage": {
        "name": ("Courtage", "Brokerage"),
        "what": (
            "Combien de fois elle se trouve entre deux organisations non reliées (rôles de Gould et Fernandez).",
            "How often it stands between two organisations not tied to each other (Gould and Fernandez roles).",
        ),
        "better": "up",
        "ref": "Gould & Fernandez 1989",
    },
    # catalysers' work
    "organisations": {
        "name": ("Organisations", "Organisations"),
        "what": (
            "Les structures recensées : collectivités, associations, entreprises, ESS, acteurs académiques…",
            "The organisations recorded: local authorities, associations, companies, social economy, academics…",
        ),
        "better": "none",
        "ref": "Wasserman & Faust 1994",
    },
    "introductions": {
        "name": ("Mises en relation", "Introductions"),
        "what": (
            "Les présentations faites par les catalyseurs : le temps invisible rendu visible.",
            "The introductions made by catalysers: invisible time made visible.",
        ),
        "better": "up",
        "ref": "catalyse",
    },
    "conversion": {
        "name": ("Mises en relation devenues alliances", "Introductions turned into alliances"),
        "what": (
            "La part des mises en relation qui ont donné une alliance ; il faut du temps, une part faible au "
            "début n'est pas un échec.",
            "The share of introductions that led to an alliance; it takes time, a low share at first is not a failure.",
        ),
        "better": "up",
        "ref": "catalyse",
    },
    "now_tied": {
        "name": ("Liées aujourd'hui", "Tied now"),
        "what": (
            "Les paires présentées qui ont aujourd'hui un lien : ce que les mises en relation ont tissé.",
            "The introduced pairs that are tied today: what the introductions wove.",
        ),
        "better": "up",
        "ref": "catalyse",
    },
}

#: Which direction is better, in words (the ``better`` field of :data:`MEASURES`).
BETTER = {
    "fr": {
        "up": "plus haut est mieux",
        "down": "plus bas est mieux",
        "none": "ni haut ni bas : à suivre dans le temps",
    },
    "en": {"up": "higher is better", "down": "lower is better", "none": "neither: follow it over time"},
}
#: What a change means (see :func:`verdict`).
VERDICT = {
    "fr": {"better": "mieux", "worse": "moins bien", "same": "stable"},
    "en": {"better": "better", "worse": "worse", "same": "unchanged"},
}


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def measure_name(key: str, lang: str = "fr") -> str:
    """The name of a measure (the key itself if it is not a measure).

    >>> measure_name("constraint"), measure_name("ei_index", "en")
    ('Contrainte de Burt', 'E-I index')
    """
    m = MEASURES.get(key)
    return m["name"][_i(lang)] if m else key


def better(key: str) -> str:
    """Which direction is better for the measure `key`: ``"up"``, ``"down"`` or ``"none"``.

    >>> better("constraint"), better("ei_index"), better("modularity"), better("average_clustering")
    ('down', 'up', 'down', 'none')
    """
    return MEASURES[key]["better"]


def explain(key: str, lang: str = "fr", *, reference: bool = True, direction: bool = True) -> str:
    """One line on what the measure `key` says about a territory, which direction is better, and its reference
    (detailed in docs/measures.md).

    >>> print(explain("isolates"))
    Les organisations sans aucun lien : autant d'acteurs à faire entrer dans la dynamique. Plus bas est mieux. (Wasserman & Faust 1994)
    >>> explain("constraint", "en", reference=False)[-16:]
    'Lower is better.'
    """
    m = MEASURES[key]
    i = _i(lang)
    way = BETTER["en" if i else "fr"][m["better"]]
    text = f"{m['what'][i]} {way[0].upper()}{way[1:]}." if direction else m["what"][i]
    if reference and m["ref"] != "catalyse":
        text += f" ({m['ref']})"
    return text


def legend(keys, lang: str = "fr") -> list[str]:
    """``name — explanation`` lines for the measures among `keys` (others are skipped), in order, each once.

    >>> legend(["organisation", "density"], "en")[0].split(" — ")[0]
    'Density'
    """
    seen, lines = set(), []
    for k in keys:
        if k in MEASURES and k not in seen:
            seen.add(k)
            lines.append(f"{measure_name(k, lang)} — {explain(k, lang)}")
    return lines


def verdict(key: str, before: float | None, after: float | None, lang: str = "fr") -> str | None:
    """Whether a change of the measure `key` from `before` to `after` is better or worse (None if it cannot be told).

    >>> verdict("constraint", 0.33, 0.36), verdict("constraint", 0.36, 0.33, "en"), verdict("cross_sector_share", 0.5, 0.5)
    ('moins bien', 'better', 'stable')
    """
    if before is None or after is None or MEASURES[key]["better"] == "none":
        return None
    words = VERDICT["en" if lang == "en" else "fr"]
    if after == before:
        return words["same"]
    up = after > before
    return words["better"] if up == (MEASURES[key]["better"] == "up") else words["worse"]


# -- the web workspace's own words ------------------------------------------------------------------------------------
#: The words of the web pages (French, English) by key: titles, buttons, messages. Measures come from
#: :data:`MEASURES`, codes (sectors, tie types, outcomes) from `catalyse.graphcore.vocab`.
WEB: dict[str, tuple[str, str]] = {
    # navigation and common words
    "app": ("Espace catalyse", "catalyse workspace"),
    "nav.dashboard": ("Tableau de bord", "Dashboard"),
    "nav.search": ("Rechercher", "Search"),
    "nav.introductions": ("Mises en relation", "Introductions"),
    "nav.activity": ("Activité", "Activity"),
    "nav.map": ("Carte", "Map"),
    "nav.report": ("Rapport", "Report"),
    "report.title": ("Rapport du territoire", "Territory report"),
    "dash.evolution": ("L'évolution, année par année", "Year by year"),
    "dash.evolution.help": (
        "Les paires reliées à la fin de chaque année (une paire compte à partir de son premier lien) : une "
        "dynamique qui grandit gagne des liens, et des liens entre mondes.",
        "The pairs tied by the end of each year (a pair counts from its first tie on): a growing dynamic gains "
        "ties, and ties between worlds.",
    ),
    "dash.evolution.skipped": (
        "Au-delà de 20 000 organisations, l'évolution se calcule avec `catalyse metrics --by-year`.",
        "Above 20,000 organisations, compute the evolution with `catalyse metrics --by-year`.",
    ),
    "dash.year": ("Année", "Year"),
    "dash.bridges": ("Qui relie quels mondes", "Who bridges which worlds"),
    "dash.bridges.help": (
        "Les organisations qui se trouvent le plus souvent entre deux autres qui ne se connaissent pas, par rôle "
        "(Gould et Fernandez) : les passeurs du territoire.",
        "The organisations most often between two others that do not know each other, by role (Gould and "
        "Fernandez): the territory's go-betweens.",
    ),
    "dash.role": ("Rôle", "Role"),
    "dash.who": ("Qui", "Who"),
    "dash.absent": ("Les acteurs absents", "Absent actors"),
    "dash.absent.help": (
        "Organisations sans aucun lien ni mise en relation : personne ne les relie encore au réseau. Elles sont "
        "{n} ; voici les premières.",
        "Organisations with no tie and never introduced: nobody links them to the network yet. There are {n}; "
        "here are the first ones.",
    ),
    "dash.absent.none": (
        "Aucune : chaque organisation a au moins un lien ou une mise en relation.",
        "None: every organisation has a tie or an introduction.",
    ),
    "nav.audit": ("Journal", "Audit log"),
    "nav.import": ("Importer", "Import"),
    "import.title": ("Importer des fichiers", "Import files"),
    "import.help": (
        "Tableurs CSV (séparés par ; , ou tabulation, UTF-8 ou Windows-1252), XLSX ou JSON. Tous les fichiers sont "
        "vérifiés ensemble : au moindre problème, rien n'est écrit.",
        "CSV spreadsheets (; , or tab separated, UTF-8 or Windows-1252), XLSX or JSON. All files are checked "
        "together: at the first problem, nothing is written.",
    ),
    "import.files": ("Fichiers", "Files"),
    "import.kind": ("Contenu", "What they hold"),
    "import.detect": ("détecté d'après les colonnes", "detected from the columns"),
    "import.dry_run": ("Vérifier seulement, sans rien écrire", "Check only, write nothing"),
    "import.submit": ("Importer", "Import"),
    "import.refused": ("{n} problème(s) : rien n'a été importé.", "{n} problem(s): nothing was imported."),
    "import.done": ("Import terminé.", "Import done."),
    "import.unchanged": ("Rien n'a changé : tout y était déjà.", "Nothing changed: everything was already there."),
    "import.checked": ("Fichiers valides ; rien n'a été écrit.", "The files are valid; nothing was written."),
    "import.entity": ("données", "data"),
    "import.new": ("nouveaux", "new"),
    "import.changed": ("modifiés", "changed"),
    "import.same": ("inchangés", "unchanged"),
    "nav.login": ("Connexion", "Log in"),
    "nav.logout": ("Déconnexion", "Log out"),
    "lang.other": ("English", "Français"),
    "local_user": ("utilisateur local (aucun compte)", "local user (no account)"),
    "search.placeholder": ("Nom ou identifiant", "Name or id"),
    "search.go": ("Rechercher", "Search"),
    "search.results": ("{n} organisation(s) trouvée(s)", "{n} organisation(s) found"),
    "search.more": ("{n} de plus : affinez la recherche", "{n} more: narrow the search"),
    "search.none": ("Aucune organisation ne correspond.", "No organisation matches."),
    "col.id": ("identifiant", "id"),
    "col.name": ("nom", "name"),
    "col.sector": ("secteur", "sector"),
    "col.commune": ("commune", "commune"),
    "col.themes": ("thèmes", "themes"),
    "col.with": ("avec", "with"),
    "col.type": ("type", "type"),
    "col.direction": ("sens", "direction"),
    "col.weight": ("poids", "weight"),
    "col.start": ("début", "start"),
    "col.end": ("fin", "end"),
    "col.role": ("rôle", "role"),
    "col.date": ("date", "date"),
    "col.catalyser": ("catalyseur", "catalyser"),
    "col.outcome": ("suite", "outcome"),
    "col.note": ("note", "note"),
    "col.between": ("entre", "between"),
    "col.at": ("quand (UTC)", "when (UTC)"),
    "col.user": ("qui", "who"),
    "col.action": ("action", "action"),
    "col.detail": ("détail", "detail"),
    "dir.out": ("sortant", "out"),
    "dir.in": ("entrant", "in"),
    "dir.both": ("réciproque", "both"),
    # organisation page
    "org.ties": ("Liens ({n})", "Ties ({n})"),
    "org.alliances": ("Alliances ({n})", "Alliances ({n})"),
    "org.suggestions": ("Mises en relation suggérées", "Suggested introductions"),
    "org.no_suggestion": ("Aucune suggestion.", "No suggestion."),
    "org.introducer": ("Qui peut présenter : {name}", "Who can introduce: {name}"),
    "org.introduce": ("Présenter", "Introduce"),
    "org.introduce_by": ("par", "by"),
    "org.note": ("Note (facultatif)", "Note (optional)"),
    "org.ego": ("Voisinage et suggestions sur une carte", "Neighbourhood and suggestions on a map"),
    "org.catalyser": ("Catalyseur — métiers : {metiers}", "Catalyser — métiers: {metiers}"),
    "org.score": ("score {score}", "score {score}"),
    "org.intros": ("Mises en relation de cette organisation", "This organisation's introductions"),
    # introductions
    "intro.title": ("Mise en relation {id}", "Introduction {id}"),
    "intro.recorded": ("Mise en relation enregistrée. Qu'en est-il sorti ?", "Introduction recorded. What came of it?"),
    "intro.already": ("Cette mise en relation était déjà enregistrée.", "This introduction was already recorded."),
    "intro.saved": ("Suite enregistrée.", "Outcome recorded."),
    "intro.tie_added": (
        "Un lien « mise en relation » relie désormais les deux organisations.",
        "An 'introduced' tie now joins the two organisations.",
    ),
    "intro.set_outcome": ("Indiquer la suite :", "Set the outcome:"),
    "intro.none": ("Aucune mise en relation.", "No introduction."),
    "intro.filter_all": ("toutes", "all"),
    "intro.filter": ("Filtrer", "Filter"),
    "warn.not_a_catalyser": (
        "Attention : {who} n'est pas enregistré comme catalyseur.",
        "Warning: {who} is not registered as a catalyser.",
    ),
    "warn.already_tied": (
        "Attention : ces deux organisations sont déjà liées.",
        "Warning: these two organisations are already tied.",
    ),
    # activity
    "act.title": ("Activité des catalyseurs", "Catalysers' activity"),
    "act.introductions": ("mises en relation", "introductions"),
    "act.met": ("rencontres", "met"),
    "act.alliance_formed": ("alliances", "alliances"),
    "act.declined": ("déclinées", "declined"),
    "act.pending": ("en attente", "pending"),
    "act.conversion": ("taux d'alliance", "alliance rate"),
    "act.cross_sector_share": ("entre secteurs", "cross-sector"),
    "act.now_tied": ("liées aujourd'hui", "tied now"),
    "act.liaison": ("liaison", "liaison"),
    "act.none": ("Aucune mise en relation enregistrée.", "No introduction recorded."),
    "act.by_year": ("Par année", "By year"),
    "act.year": ("année", "year"),
    # map
    "map.title": ("Carte de l'écosystème", "Ecosystem map"),
    "map.open": ("Ouvrir la carte en plein écran", "Open the map full screen"),
    # login and admin
    "login.title": ("Connexion", "Log in"),
    "login.name": ("Nom d'utilisateur", "User name"),
    "login.password": ("Mot de passe", "Password"),
    "login.submit": ("Se connecter", "Log in"),
    "login.failed": ("Nom ou mot de passe incorrect.", "Wrong name or password."),
    "login.locked": (
        "Trop d'essais manqués pour ce nom : réessayez dans un quart d'heure.",
        "Too many failed attempts for this name: try again in a quarter of an hour.",
    ),
    "audit.title": ("Journal des écritures", "Audit log of writes"),
    # errors
    "error.title": ("Erreur", "Error"),
    "error.400": ("Requête refusée : {message}", "Request refused: {message}"),
    "error.403": ("Votre rôle ne permet pas cette action.", "Your role does not allow this."),
    "error.404": ("Page introuvable : {message}", "Not found: {message}"),
    "error.csrf": (
        "Formulaire expiré ou venu d'ailleurs : rechargez la page et recommencez.",
        "This form expired or came from elsewhere: reload the page and try again.",
    ),
    # dashboard
    "dash.title": ("Le territoire en chiffres", "The territory in figures"),
    "dash.store": ("Données : {store}", "Data: {store}"),
    "dash.structure": ("La structure du réseau", "The structure of the network"),
    "dash.structure.help": (
        "Une dynamique naissante ne se juge pas avec la grille d'une dynamique mûre : densité faible, modularité "
        "et centralisation élevées sont normales au début ; suivez leur évolution (docs/measures.md).",
        "An emerging dynamic is not judged with the grid of a mature one: a low density and a high modularity "
        "and centralisation are normal at first; follow how they change (docs/measures.md).",
    ),
    "dash.measure": ("Mesure", "Measure"),
    "dash.value": ("Valeur", "Value"),
    "dash.meaning": ("Ce qu'elle dit", "What it says"),
    "fig.organisations": ("Organisations", "Organisations"),
    "fig.ties": ("Paires reliées", "Linked pairs"),
    "fig.density": ("Densité", "Density"),
    "fig.giant_share": ("Part dans le grand ensemble", "Share in the main cluster"),
    "fig.isolates": ("Organisations isolées", "Isolated organisations"),
    "fig.cross_sector_share": ("Liens entre secteurs", "Cross-sector ties"),
    "fig.average_clustering": ("Regroupement", "Clustering"),
    "fig.degree_centralization": ("Dépendance aux pivots", "Reliance on hubs"),
    "fig.introductions": ("Mises en relation", "Introductions"),
    "fig.conversion": ("Mises en relation devenues alliances", "Introductions turned into alliances"),
}


def translator(lang: str):
    """``t(key, **values)`` in `lang` (French unless ``"en"``); an unknown key is returned as it is.

    >>> translator("en")("search.results", n=3), translator("fr")("search.results", n=3)
    ('3 organisation(s) found', '3 organisation(s) trouvée(s)')
    """
    i = 1 if lang == "en" else 0

    def t(key: str, **values) -> str:
        pair = WEB.get(key)
        text = pair[i] if pair else key
        return text.format(**values) if values else text

    return t

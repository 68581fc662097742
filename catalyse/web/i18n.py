"""The words of the web pages, in French (default) and English. Codes (sectors, tie types, outcomes) are labelled by
`catalyse.graphcore.vocab`; this module holds the rest: page titles, buttons, messages, key-figure explanations."""

from __future__ import annotations

LANGS = ("fr", "en")

TEXT: dict[str, tuple[str, str]] = {
    # navigation and common words
    "app": ("Espace catalyse", "catalyse workspace"),
    "nav.dashboard": ("Tableau de bord", "Dashboard"),
    "nav.search": ("Rechercher", "Search"),
    "nav.introductions": ("Mises en relation", "Introductions"),
    "nav.activity": ("Activité", "Activity"),
    "nav.map": ("Carte", "Map"),
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
    "dash.better.up": ("plus haut est mieux", "higher is better"),
    "dash.better.down": ("plus bas est mieux", "lower is better"),
    "dash.better.none": ("ni haut ni bas : à suivre dans le temps", "neither: follow it over time"),
    "fig.organisations": ("Organisations", "Organisations"),
    "fig.organisations.what": (
        "Les structures recensées : collectivités, associations, entreprises, ESS, acteurs académiques…",
        "The organisations recorded: local authorities, associations, companies, social economy, academics…",
    ),
    "fig.ties": ("Paires reliées", "Linked pairs"),
    "fig.ties.what": (
        "Les paires d'organisations qui ont au moins un lien (partenariat, projet, financement…).",
        "Pairs of organisations with at least one tie (partnership, project, funding…).",
    ),
    "fig.density": ("Densité", "Density"),
    "fig.density.what": (
        "La part des paires possibles qui sont reliées ; dans un territoire elle reste faible, sa hausse compte.",
        "The share of possible pairs that are tied; in a territory it stays low, what counts is its rise.",
    ),
    "fig.giant_share": ("Part dans le grand ensemble", "Share in the main cluster"),
    "fig.giant_share.what": (
        "La part des organisations qui peuvent se joindre de proche en proche dans le plus grand ensemble relié.",
        "The share of organisations that can reach each other step by step in the largest connected cluster.",
    ),
    "fig.isolates": ("Organisations isolées", "Isolated organisations"),
    "fig.isolates.what": (
        "Les organisations sans aucun lien : autant d'acteurs à faire entrer dans la dynamique.",
        "Organisations without any tie: actors to bring into the dynamic.",
    ),
    "fig.cross_sector_share": ("Liens entre secteurs", "Cross-sector ties"),
    "fig.cross_sector_share.what": (
        "La part des liens qui relient deux mondes différents (public, associatif, économique…).",
        "The share of ties between two different worlds (public, non-profit, business…).",
    ),
    "fig.average_clustering": ("Regroupement", "Clustering"),
    "fig.average_clustering.what": (
        "Combien les partenaires d'une organisation sont aussi partenaires entre eux : des cercles soudés, "
        "mais trop haut c'est l'entre-soi.",
        "How often an organisation's partners are partners of each other: close circles, but too high means "
        "inward-looking.",
    ),
    "fig.degree_centralization": ("Dépendance aux pivots", "Reliance on hubs"),
    "fig.degree_centralization.what": (
        "À quel point les liens passent par quelques organisations ; haut, le réseau tient à peu d'acteurs.",
        "How much the ties go through a few organisations; high means the network hangs on a few actors.",
    ),
    "fig.introductions": ("Mises en relation", "Introductions"),
    "fig.introductions.what": (
        "Les présentations faites par les catalyseurs : le temps invisible rendu visible.",
        "The introductions made by catalysers: invisible time made visible.",
    ),
    "fig.conversion": ("Mises en relation devenues alliances", "Introductions turned into alliances"),
    "fig.conversion.what": (
        "La part des mises en relation qui ont donné une alliance.",
        "The share of introductions that led to an alliance.",
    ),
}


def translator(lang: str):
    """``t(key, **values)`` in `lang` (French unless ``"en"``); an unknown key is returned as it is.

    >>> translator("en")("search.results", n=3), translator("fr")("search.results", n=3)
    ('3 organisation(s) found', '3 organisation(s) trouvée(s)')
    """
    i = 1 if lang == "en" else 0

    def t(key: str, **values) -> str:
        pair = TEXT.get(key)
        text = pair[i] if pair else key
        return text.format(**values) if values else text

    return t

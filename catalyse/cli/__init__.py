"""`catalyse`: the command line. Each command only wires a store, the importers, the queries and the views.

Conventions: messages and help are in English; analysis tables and views are in French unless ``--lang en``
(or ``CATALYSE_LANG=en``); ``--format csv|json`` output always uses stable English keys and codes. A user error
prints one line starting with ``Error:`` and exits with status 1 (2 for a usage error), never a traceback.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import sys

import click

from catalyse.graphcore import fields as F
from catalyse.graphcore import vocab
from catalyse.graphcore.stores import KINDS, StoreError, open_store

from .output import FORMATS, render, render_pairs

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UserError(click.ClickException):
    """One line on stderr, exit 1."""


def _friendly(fn):
    """Turn the library's user-facing errors into one-line CLI errors (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from catalyse.importers.load import ImportFailed
        from catalyse.importers.tables import ReadError

        try:
            return fn(*args, **kwargs)
        except ImportFailed as exc:
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            raise UserError(str(exc)) from None
        except (StoreError, ReadError, F.FieldError, vocab.VocabularyError) as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            raise UserError("interrupted; a write in progress was rolled back") from None

    return wrapper


class Settings:
    def __init__(self, db: str | None, store: str | None, lang: str):
        self.db, self.store_kind, self.lang = db, store, lang
        self._store = None

    def store(self, *, create: bool = False):
        if self._store is None:
            self._store = open_store(self.store_kind, db=self.db, create=create)
        return self._store

    def close(self):
        if self._store is not None:
            self._store.close()


pass_settings = click.make_pass_decorator(Settings)


def output_option(fn):
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    )(fn)


def date_type(value):
    if value is None or isinstance(value, _dt.date):
        return value
    try:
        return F.parse_date(value)
    except F.FieldError as exc:
        raise click.BadParameter(str(exc)) from None


def as_of_option(fn):
    return click.option(
        "--as-of",
        "as_of",
        callback=lambda c, p, v: date_type(v),
        metavar="DATE",
        help="The network as it was on that date (YYYY-MM-DD).",
    )(fn)


@click.group(context_settings=CONTEXT)
@click.option(
    "--db", envvar="CATALYSE_DB", metavar="PATH", help="Embedded store file [env CATALYSE_DB; default ./catalyse.db]."
)
@click.option(
    "--store",
    "store_kind",
    envvar="CATALYSE_STORE",
    type=click.Choice(KINDS),
    help="Which store: embedded (default) or neo4j (settings from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD "
    "or NEO4J_PASSWORD_FILE, NEO4J_DATABASE) [env CATALYSE_STORE].",
)
@click.option(
    "--lang",
    envvar="CATALYSE_LANG",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of analysis tables, reports and views [env CATALYSE_LANG].",
)
@click.version_option(package_name="catalyse")
@click.pass_context
def cli(ctx, db, store_kind, lang):
    """catalyse: a relationship graph engine for the organisations of a territory.

    Start with `catalyse demo`, or `catalyse init` then `catalyse import FILES...`.
    """
    settings = Settings(db, store_kind, lang)
    ctx.obj = settings
    ctx.call_on_close(settings.close)


# -- store ------------------------------------------------------------------------------------------------------
@cli.command()
@click.option("--force", is_flag=True, help="Empty the store if it already holds data.")
@pass_settings
@_friendly
def init(s: Settings, force):
    """Create an empty store (or check the Neo4j connection and create its constraints)."""
    store = s.store(create=True)
    counts = store.counts()
    if any(counts.values()):
        if not force:
            raise UserError(
                f"{store.describe()} already holds {counts['organisations']} organisations; use --force to empty it"
            )
        store.clear()
    click.echo(f"Ready: {store.describe()} (empty).")


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--kind",
    type=click.Choice(["organisations", "catalysers", "alliances", "members", "ties", "introductions"]),
    help="What the files hold (default: detected from their columns).",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option("--silent", is_flag=True, help="No progress bar.")
@pass_settings
@_friendly
def import_(s: Settings, files, kind, dry_run, silent):
    """Import organisations, ties, alliances (and members), catalysers or introductions.

    CSV (, ; or tab; UTF-8, UTF-8 with BOM or cp1252, detected), XLSX (every sheet) or JSON. All files are
    validated together and written in one transaction: every problem is listed with its file, row and column,
    and nothing is written unless everything is valid. Re-running an import changes nothing.
    """
    from catalyse.importers.load import validate_files

    store = s.store(create=True)
    data, warnings = validate_files(list(files), store, kind=kind)
    for w in warnings:
        click.echo(f"Warning: {w}", err=True)
    total = sum(data.counts()[k] for k in ("organisations", "catalysers", "alliances", "ties", "introductions"))
    if dry_run:
        click.echo(f"Dry run: {_counts_text(data.counts())} are valid; nothing was written.")
        return
    show = not silent and sys.stderr.isatty() and total > 2000
    if show:
        with click.progressbar(length=total, label="Importing", file=sys.stderr) as bar:
            summary = store.write(data, progress=bar.update)
    else:
        summary = store.write(data)
    for row in summary.rows():
        click.echo(
            f"{row['entity']:<14} {row['new']:>8} new {row['changed']:>8} changed {row['unchanged']:>8} unchanged"
        )
    click.echo(
        f"Imported into {store.describe()}."
        if summary.modified
        else f"Nothing changed in {store.describe()}: everything was already there."
    )


def _counts_text(counts: dict) -> str:
    return ", ".join(
        f"{counts[k]} {k}"
        for k in ("organisations", "catalysers", "alliances", "ties", "introductions")
        if counts.get(k)
    )


@cli.command()
@click.option(
    "-o", "--output", "target", required=True, type=click.Path(), help="Directory (csv) or file (json, graphml, gexf)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "graphml", "gexf"]),
    default=None,
    help="Default: from the file extension, else csv.",
)
@as_of_option
@pass_settings
@_friendly
def export(s: Settings, target, fmt, as_of):
    """Export the store: CSV or JSON (re-importable), GraphML or GEXF (Gephi)."""
    from catalyse.importers.export import export as do_export

    if fmt is None:
        ext = os.path.splitext(target)[1].lower().lstrip(".")
        fmt = ext if ext in ("json", "graphml", "gexf") else "csv"
    written = do_export(s.store().dataset(as_of=as_of), target, fmt)
    for path in written:
        click.echo(path)


# -- organisations ------------------------------------------------------------------------------------------------
def _org_row(o, lang: str) -> dict:
    return {
        "id": o.id,
        "name": o.name,
        "sector": o.sector if lang == "code" else vocab.label("sector", o.sector, lang),
        "commune": o.commune,
        "themes": list(o.themes),
    }


def _filters(fn):
    fn = click.option(
        "--sector",
        callback=lambda c, p, v: vocab.parse("sector", v) if v else None,
        help="Sector code or label (e.g. association, ESS, collectivité).",
    )(fn)
    fn = click.option(
        "--territory", metavar="CODE", help="Commune (26362), EPCI (9 digits), département (26, 2A), or region:84."
    )(fn)
    fn = click.option("--theme", metavar="THEME", help="A theme, e.g. 7 or ODD7 for SDG 7.")(fn)
    return fn


@cli.group(context_settings=CONTEXT)
def orgs():
    """List, search and show organisations."""


def _list_orgs(s: Settings, fmt, limit, **filters):
    found = s.store().organisations(**filters)
    rows = [_org_row(o, "code" if fmt != "table" else s.lang) for o in found[:limit]]
    headers = _SHOW_FR if s.lang == "fr" else None  # labels of the table format only
    click.echo(render(rows, fmt, ["id", "name", "sector", "commune", "themes"], headers=headers))
    if fmt == "table" and len(found) > len(rows):
        click.echo(f"({len(found) - len(rows)} more; use --limit)", err=True)


@orgs.command(name="list")
@_filters
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@output_option
@pass_settings
@_friendly
def orgs_list(s: Settings, sector, territory, theme, limit, fmt):
    """List organisations, filtered by sector, territory or theme."""
    _list_orgs(s, fmt, limit, sector=sector, territory=territory, theme=theme)


@orgs.command(name="search")
@click.argument("text")
@_filters
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@output_option
@pass_settings
@_friendly
def orgs_search(s: Settings, text, sector, territory, theme, limit, fmt):
    """Find organisations whose name or id contains TEXT (case and accents ignored)."""
    _list_orgs(s, fmt, limit, search=text, sector=sector, territory=territory, theme=theme)


#: French labels of the organisation fields and of the tie and alliance columns of `orgs show`, `list` and
#: `search` (the keys serve as the English labels).
_SHOW_FR = {
    "id": "identifiant",
    "name": "nom",
    "sector": "secteur",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
    "lat": "latitude",
    "lon": "longitude",
    "themes": "thèmes",
    "tags": "étiquettes",
    "siren": "SIREN",
    "siret": "SIRET",
    "rna": "RNA",
    "website": "site web",
    "catalyser_metiers": "métiers de catalyseur",
    "with": "avec",
    "direction": "sens",
    "weight": "poids",
    "start": "début",
    "end": "fin",
    "role": "rôle",
}
#: French names of a tie's direction as seen from the organisation shown.
_DIRECTION_FR = {"out": "sortant", "in": "entrant", "both": "réciproque"}


@orgs.command(name="show")
@click.argument("org")
@click.option(
    "--ties",
    "ties_shown",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many ties the table shows (csv and json give them all).",
)
@output_option
@pass_settings
@_friendly
def orgs_show(s: Settings, org, ties_shown, fmt):
    """Everything known about one organisation, with its ties and alliances."""
    store = s.store()
    o = store.get_organisation(org)
    if o is None:
        hits = store.organisations(search=org)
        hint = f"; did you mean {', '.join(h.id for h in hits[:3])}?" if hits else ""
        raise UserError(f"no organisation {org!r} in {store.describe()}{hint}")
    ties = store.ties(org=org)
    alliances = [a for a in store.alliances() if any(m.org == org for m in a.members)]
    roles = {c.org: c.metiers for c in store.catalysers()}
    record = o.to_record()
    record["catalyser_metiers"] = list(roles.get(org, ())) or None
    record["ties"] = [
        {
            "with": t.target if t.source == org else t.source,
            "type": t.type,
            "direction": "out" if t.directed and t.source == org else "in" if t.directed else "both",
            "weight": t.weight,
            "start": t.start,
            "end": t.end,
        }
        for t in ties
    ]
    record["alliances"] = [
        {"id": a.id, "name": a.name, "role": next(m.role for m in a.members if m.org == org)} for a in alliances
    ]
    if fmt != "table":
        click.echo(render([record], fmt, list(record)))
        return
    lang = s.lang
    t = (lambda fr, en: en) if lang == "en" else (lambda fr, en: fr)
    fr = {} if lang == "en" else _SHOW_FR  # field keys are already the English labels; extra columns stay verbatim
    labelled = {
        "sector": vocab.label("sector", record["sector"], lang),
        "catalyser_metiers": tuple(vocab.label("metier", m, lang) for m in record["catalyser_metiers"] or ()),
    }
    click.echo(
        render_pairs([(fr.get(k, k), labelled.get(k, v)) for k, v in record.items() if k not in ("ties", "alliances")])
    )
    if record["ties"]:
        recent = sorted(record["ties"], key=lambda r: r["start"] or _dt.date.min, reverse=True)[:ties_shown]
        if len(ties) <= len(recent):
            more = ""
        elif len(recent) == 1:
            more = t(", le plus récent affiché (--ties N pour plus)", ", the most recent shown (--ties N for more)")
        else:
            more = t(
                f", les {len(recent)} plus récents affichés (--ties N pour plus)",
                f", the {len(recent)} most recent shown (--ties N for more)",
            )
        click.echo(f"\n{t('liens', 'ties')} ({len(ties)}{more}):")
        click.echo(
            render(
                [
                    {
                        **r,
                        "type": vocab.label("tie_type", r["type"], lang),
                        "direction": t(_DIRECTION_FR[r["direction"]], r["direction"]),
                    }
                    for r in recent
                ],
                headers=fr,
            )
        )
    if record["alliances"]:
        click.echo(f"\nalliances ({len(alliances)}):")
        click.echo(
            render([{**a, "role": vocab.label("role", a["role"], lang)} for a in record["alliances"]], headers=fr)
        )


# -- statistics ---------------------------------------------------------------------------------------------------
@cli.command()
@as_of_option
@output_option
@pass_settings
@_friendly
def stats(s: Settings, as_of, fmt):
    """Counts by sector and tie type, density and components of the tie network."""
    from catalyse.graphcore.projection import tie_graph
    from catalyse.queries.overview import overview

    store = s.store()
    data = store.dataset(as_of=as_of)
    o = overview(tie_graph(data, as_of=as_of))
    counts = data.counts()
    if fmt != "table":
        click.echo(render([{**counts, **o}], fmt))
        return
    lang = s.lang
    t = (lambda fr, en: en) if lang == "en" else (lambda fr, en: fr)
    when = f" {t('au', 'on')} {as_of.isoformat()}" if as_of else ""
    click.echo(f"{store.describe()}{when}")
    click.echo(
        render_pairs(
            [
                (t("organisations", "organisations"), counts["organisations"]),
                (t("catalyseurs", "catalysers"), counts["catalysers"]),
                (
                    t("alliances", "alliances"),
                    f"{counts['alliances']} ({counts['memberships']} {t('adhésions', 'memberships')})",
                ),
                (t("liens", "ties"), f"{counts['ties']} ({o['edges']} {t('paires reliées', 'linked pairs')})"),
                (t("mises en relation", "introductions"), counts["introductions"]),
                (t("densité", "density"), f"{o['density']:.4f}"),
                (
                    t("composantes", "components"),
                    f"{o['components']} ({t('la plus grande', 'largest')}: "
                    f"{o['largest_component']}, {t('isolées', 'isolates')}: {o['isolates']})",
                ),
                (
                    t("liens entre secteurs", "cross-sector ties"),
                    f"{o['cross_sector_share']:.1%}" if o["cross_sector_share"] is not None else "–",
                ),
            ]
        )
    )
    click.echo("")
    click.echo(
        render(
            [{"s": vocab.label("sector", k, lang), "n": v} for k, v in o["by_sector"].items()],
            "table",
            headers={"s": t("secteur", "sector"), "n": t("organisations", "organisations")},
        )
    )
    click.echo("")
    click.echo(
        render(
            [{"k": vocab.label("tie_type", k, lang), "n": v} for k, v in o["by_tie_type"].items()],
            "table",
            headers={"k": t("type de lien", "tie type"), "n": t("paires", "pairs")},
        )
    )


# -- demo ---------------------------------------------------------------------------------------------------------
@cli.command()
@click.option(
    "--orgs",
    "n_orgs",
    type=click.IntRange(min=10),
    default=300,
    show_default=True,
    help="How many organisations (the same generator makes the 100,000-organisation workload).",
)
@click.option(
    "--ties", "n_ties", type=click.IntRange(min=0), default=None, help="How many ties (default ≈3.2 per organisation)."
)
@click.option("--seed", type=int, default=2025, show_default=True)
@click.option("--force", is_flag=True, help="Replace what the store holds.")
@click.option(
    "--report",
    "report_dir",
    default="demo-report",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the demo's territory report and map ('' to skip).",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
@pass_settings
@_friendly
def demo(s: Settings, n_orgs, n_ties, seed, force, report_dir, silent):
    """Build a realistic demo territory (Valence Romans Agglo, Drôme) into the store."""
    from catalyse.graphcore.demo import generate_territory

    store = s.store(create=True)
    counts = store.counts()
    if any(counts.values()) and not force:
        raise UserError(
            f"{store.describe()} already holds {counts['organisations']} organisations; "
            "use --force to replace them, or --db OTHER.db"
        )
    data = generate_territory(n_orgs, seed=seed, n_ties=n_ties)
    if any(counts.values()):
        store.clear()
    total = sum(data.counts()[k] for k in ("organisations", "catalysers", "alliances", "ties", "introductions"))
    if not silent and sys.stderr.isatty() and total > 20_000:
        with click.progressbar(length=total, label="Writing", file=sys.stderr) as bar:
            store.write(data, progress=bar.update)
    else:
        store.write(data)
    c = data.counts()
    click.echo(f"Demo territory written to {store.describe()}:")
    click.echo(
        f"  {c['organisations']} organisations in {len({o.commune for o in data.organisations})} communes, "
        f"{len({o.sector for o in data.organisations})} sectors"
    )
    click.echo(
        f"  {c['ties']} ties dated {min(t.start for t in data.ties if t.start).year}–"
        f"{max(t.start for t in data.ties if t.start).year}, {c['alliances']} alliances "
        f"({c['memberships']} memberships)"
    )
    click.echo(f"  {c['catalysers']} catalysers and {c['introductions']} introductions")
    if report_dir:
        from .analysis import write_report

        write_report(s, report_dir)
        click.echo(
            f"Report: {os.path.join(report_dir, 'report.html')}  map: {os.path.join(report_dir, 'map.html')} "
            "(open them in a browser, no network needed)"
        )
    click.echo("Next:")
    click.echo("  catalyse stats                       # counts, density, components")
    click.echo("  catalyse brokers --top 10            # who bridges which worlds")
    click.echo(f"  catalyse suggest {catalyser_hint(data):<20} # whom to introduce to whom, and why")


from . import analysis  # noqa: E402,F401  (registers the analysis, recommendation and view commands)


def catalyser_hint(data) -> str:
    return data.catalysers[0].org if data.catalysers else (data.organisations[0].id if data.organisations else "ORG")


def main():
    cli(prog_name="catalyse")


if __name__ == "__main__":
    main()

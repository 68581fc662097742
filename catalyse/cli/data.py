"""Store commands: init, import, export, demo."""

from __future__ import annotations

import os

import click
from click.core import ParameterSource

from catalyse.graphcore import vocab

from .common import CONTEXT, Settings, UserError, as_of_option, cli, friendly, pass_settings, progress_for

ENTITIES = ("organisations", "catalysers", "alliances", "ties", "introductions")


def _approximate_lines(places: list, lang: str) -> list[str]:
    """The rows drawn at an approximate position (their commune's estimated centre), at most 10 named."""
    if not places:
        return []
    head = (
        f"{len(places)} organisation(s) placed at an approximate position (estimated centre of their commune):"
        if lang == "en"
        else f"{len(places)} organisation(s) placée(s) à une position approximative (centre estimé de leur commune) :"
    )
    lines = [head]
    lines += [f"  {p.file}: row {p.row}: {p.org} — {p.name} ({p.commune})" for p in places[:10]]
    if len(places) > 10:
        lines.append(f"  … (+{len(places) - 10})")
    return lines


def _counts_text(counts: dict) -> str:
    return ", ".join(f"{counts[k]} {k}" for k in ENTITIES if counts.get(k))


def _write(s: Settings, data, *, label: str, silent: bool, threshold: int, bulk: bool = False):
    ws = s.workspace(create=True)
    total = sum(data.counts()[k] for k in ENTITIES)
    bar = progress_for(total, label, silent=silent, threshold=threshold)
    if bar is None:
        return ws.write(data, bulk=bulk)
    with bar:
        return ws.write(data, progress=bar.update, bulk=bulk)


METIERS_HELP = ", ".join(f"{vocab.label('metier', m, 'fr')} / {vocab.label('metier', m, 'en')} ({m})"
                         for m in vocab.codes("metier"))  # fmt: skip


@cli.command()
@click.option("--force", is_flag=True, help="Empty the store if it already holds data.")
@click.option(
    "--catalyser",
    "catalyser",
    metavar="NAME",
    help="Your own structure (id or name; created if it is not in the store): made a catalyser and recorded as "
    "the default introducer of `introduce` (in your settings file, per store). Keeps the store's data.",
)
@click.option("--person", default=None, help="With --catalyser: your name, recorded with each introduction you make.")
@click.option(
    "--metier",
    "metiers",
    multiple=True,
    metavar="MÉTIER",
    help=f"With --catalyser (repeatable): your métiers — {METIERS_HELP} [default: dialogue].",
)
@click.option("--sector", default=None, help="With --catalyser, when it is created: its sector (code or label).")
@pass_settings
@friendly
def init(s: Settings, force, catalyser, person, metiers, sector):
    """Create an empty store (or check the Neo4j connection and create its constraints); upgrade an older file.

    With --catalyser NAME: record your own structure as the default introducer, so that
    `catalyse introduce A B` needs no --by.
    """
    from catalyse.settings import save_user

    store = s.store(create=True)
    if catalyser:
        org, created = s.workspace().register_catalyser(catalyser, metiers=metiers, sector=sector)
        path = save_user(store.describe(), catalyser=org.id, person=person)
        made = "created and made a catalyser" if created else "made a catalyser"
        click.echo(f"{org.name} [{org.id}] {made} in {store.describe()}; your default introducer ({path}).")
        return
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
@click.option(
    "--bulk",
    is_flag=True,
    help="For imports bigger than one transaction of the store: write in batches (Neo4j); a failure part-way "
    "reports exactly what was committed, and re-running completes it.",
)
@click.option(
    "--create-missing",
    is_flag=True,
    help="A partner named in a partners column but found nowhere becomes an organisation (sector 'other'; listed "
    "in the summary) instead of an error.",
)
@click.option(
    "--sector-map",
    type=click.Path(dir_okay=False, exists=True),
    metavar="FILE",
    help="Your own words for sectors: a CSV 'mot;secteur' (e.g. 'Régie de quartier;ESS'), read before the "
    "synonym table.",
)
@click.option("--quiet", is_flag=True, help="Do not print what each column became.")
@click.option("--silent", is_flag=True, help="No progress bar.")
@pass_settings
@friendly
def import_(s: Settings, files, kind, dry_run, bulk, create_missing, sector_map, quiet, silent):
    """Import organisations, ties, alliances (and members), catalysers or introductions.

    CSV (, ; or tab; UTF-8, UTF-8 with BOM or cp1252, detected), XLSX (every sheet) or JSON. All files are
    validated together and written in one transaction: every problem is listed with its file, row and column,
    and nothing is written unless everything is valid. Re-running an import changes nothing.
    """
    from catalyse.importers.understood import render_understood

    ws = s.workspace(create=True)
    found = ws.validate_files(list(files), kind=kind, create_missing=create_missing, sector_map=sector_map)
    data = found.data
    for w in found.warnings:
        click.echo(f"Warning: {w}", err=True)
    if not quiet:
        for line in render_understood(found.understood, s.lang):
            click.echo(line)
        for line in _approximate_lines(found.approximate_places, s.lang):
            click.echo(line)
    if dry_run:
        click.echo(f"Dry run: {_counts_text(data.counts())} are valid; nothing was written.")
        return
    summary = _write(s, data, label="Importing", silent=silent, threshold=2000, bulk=bulk)
    for row in summary.rows():
        click.echo(
            f"{row['entity']:<14} {row['new']:>8} new {row['changed']:>8} changed {row['unchanged']:>8} unchanged"
        )
    where = ws.store.describe()
    click.echo(
        f"Imported into {where}." if summary.modified else f"Nothing changed in {where}: everything was already there."
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
@friendly
def export(s: Settings, target, fmt, as_of):
    """Export the store: CSV or JSON (re-importable), GraphML or GEXF (Gephi)."""
    if fmt is None:
        ext = os.path.splitext(target)[1].lower().lstrip(".")
        fmt = ext if ext in ("json", "graphml", "gexf") else "csv"
    for path in s.workspace().export(target, fmt, as_of=as_of):
        click.echo(path)


@cli.group(context_settings=CONTEXT)
def neo4j():
    """Neo4j: the first load of a new database (offline, fast)."""


@neo4j.command(name="load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--home",
    required=True,
    type=click.Path(file_okay=False),
    help="The Neo4j home (the data directory of a STOPPED server; created if missing).",
)
@click.option("--database", default="neo4j", show_default=True, help="The database to create.")
@click.option(
    "--kind",
    type=click.Choice(["organisations", "catalysers", "alliances", "members", "ties", "introductions"]),
    help="What the files hold (default: detected from their columns).",
)
@click.option("--silent", is_flag=True, help="No progress on stderr.")
@pass_settings
@friendly
def neo4j_load(s: Settings, files, home, database, kind, silent):
    """Validate FILES as `catalyse import` does, then write them into a NEW database with Neo4j's offline importer.

    The same graph as an import into an empty Neo4j, with its constraints and indexes, much faster for a region or
    a country (Neo4j's `neo4j-admin database import full`, run from the launcher of tools/neo4j or from
    CATALYSE_NEO4J_CLASSPATH). Refuses a running server and an existing database; nothing is written unless every
    row of every file is valid. Start the server on HOME afterwards. With Java 25 or later (CATALYSE_NEO4J_JAVA),
    run `catalyse neo4j cache` once first: the load then starts on Java's ahead-of-time cache.
    """
    from catalyse.workspace import first_load

    say = None if silent else (lambda line: click.echo(line, err=True))
    found, done = first_load(list(files), home, database=database, kind=kind, log=say)
    for w in found.warnings:
        click.echo(f"Warning: {w}", err=True)
    took = sum(done.seconds.values())
    counts = ", ".join(f"{n:,} {k}" for k, n in done.counts.items() if n)
    click.echo(f"Loaded {counts} into {done.database_dir} in {took:.1f} s; start Neo4j on {home}.")


@neo4j.command(name="cache")
@click.option("--orgs", type=click.IntRange(min=10), help="Organisations of the generated training territory.")
@click.option("--ties", type=click.IntRange(min=10), help="Ties of the generated training territory.")
@click.option("--force", is_flag=True, help="Train again even if the cache is there.")
@click.option("--silent", is_flag=True, help="No progress on stderr.")
@friendly
def neo4j_cache(orgs, ties, force, silent):
    """Train Java's ahead-of-time cache that `neo4j load` then starts on (Java 25 or later: CATALYSE_NEO4J_JAVA).

    Once per Java and launcher: a first load of a generated territory (10,000 organisations and 100,000 ties by
    default, about 30 s) into a throwaway home, with the JVM recording the classes it loads and the code it runs.
    Later loads skip most of Java's start-up and warm-up (W2: 61,000–63,000 ties/s instead of 52,000). The cache goes under
    $XDG_CACHE_HOME/catalyse (default ~/.cache/catalyse).
    """
    from catalyse.workspace import first_load_cache

    say = None if silent else (lambda line: click.echo(line, err=True))
    path, seconds = first_load_cache(orgs=orgs, ties=ties, force=force, log=say)
    if seconds is None:
        click.echo(f"The AOT cache is already there: {path} (--force to train it again).")
    else:
        click.echo(f"Trained the AOT cache in {seconds:.1f} s: {path}")


def catalyser_hint(data) -> str:
    return data.catalysers[0].org if data.catalysers else (data.organisations[0].id if data.organisations else "ORG")


#: Above this many organisations `demo` writes its report only when `--report` is given (W2: many minutes).
DEMO_REPORT_ORGS = 20_000


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
    help="Where to write the demo's territory report and map ('' to skip; by default only up to "
    f"{DEMO_REPORT_ORGS:,} organisations, where it takes seconds).",
)
@click.option("--silent", is_flag=True, help="No progress bar.")
@pass_settings
@friendly
def demo(s: Settings, n_orgs, n_ties, seed, force, report_dir, silent):
    """Build a realistic demo territory (Valence Romans Agglo, Drôme) into the store."""
    from catalyse.graphcore.demo import generate_territory

    ws = s.workspace(create=True)
    counts = ws.store.counts()
    if any(counts.values()) and not force:
        raise UserError(
            f"{ws.store.describe()} already holds {counts['organisations']} organisations; "
            "use --force to replace them, or --db OTHER.db"
        )
    data = generate_territory(n_orgs, seed=seed, n_ties=n_ties)
    if any(counts.values()):
        ws.store.clear()
    from catalyse.graphcore.stores.base import write_rows

    _write(s, data, label="Writing", silent=silent, threshold=20_000, bulk=write_rows(data) > ws.store.atomic_limit)
    c = data.counts()
    starts = [t.start for t in data.ties if t.start]
    click.echo(f"Demo territory written to {ws.store.describe()}:")
    click.echo(
        f"  {c['organisations']} organisations in {len({o.commune for o in data.organisations})} communes, "
        f"{len({o.sector for o in data.organisations})} sectors"
    )
    click.echo(
        f"  {c['ties']} ties dated {min(starts).year}–{max(starts).year}, {c['alliances']} alliances "
        f"({c['memberships']} memberships)"
    )
    click.echo(f"  {c['catalysers']} catalysers and {c['introductions']} introductions")
    given = click.get_current_context().get_parameter_source("report_dir") is not ParameterSource.DEFAULT
    if report_dir and not given and n_orgs > DEMO_REPORT_ORGS:
        click.echo(f"No report at this size by default (minutes): catalyse report -o {report_dir}", err=True)
        report_dir = None
    if report_dir:
        ws.report(report_dir)
        click.echo(
            f"Report: {os.path.join(report_dir, 'report.html')}  map: {os.path.join(report_dir, 'map.html')} "
            "(open them in a browser, no network needed)"
        )
    click.echo("Next:")
    click.echo("  catalyse stats                       # counts, density, components")
    click.echo("  catalyse brokers --top 10            # who bridges which worlds")
    click.echo(f"  catalyse suggest {catalyser_hint(data):<20} # whom to introduce to whom, and why")

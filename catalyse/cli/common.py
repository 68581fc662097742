"""What every command shares: the `cli` group, its settings, the option bundles and the error handling.

Commands are thin: they parse options, call one `catalyse.workspace.Workspace` method and render what it returns
(`catalyse.cli.output`). No analysis lives in the CLI package.
"""

from __future__ import annotations

import datetime as _dt
import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from catalyse.graphcore import fields as F
from catalyse.graphcore import vocab
from catalyse.graphcore.stores import KINDS, StoreError, open_store
from catalyse.workspace import ENGINES, WEIGHT_DEFAULT, CatalyseError, Filters, Workspace

from .output import FORMATS

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
TIE_TYPES = vocab.codes("tie_type")


class UserError(click.ClickException):
    """One line on stderr, exit 1."""


def friendly(fn: Callable) -> Callable:
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
        except (CatalyseError, StoreError, ReadError, F.FieldError, vocab.VocabularyError) as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            raise UserError("interrupted; a write in progress was rolled back") from None

    return wrapper


class Settings:
    """The group's options: which store, which language; opens the store and its workspace once."""

    def __init__(self, db: str | None, store: str | None, lang: str):
        self.db, self.store_kind, self.lang = db, store, lang
        self._store = None
        self._workspace: Workspace | None = None

    def store(self, *, create: bool = False):
        if self._store is None:
            self._store = open_store(self.store_kind, db=self.db, create=create)
        return self._store

    def workspace(self, *, create: bool = False, engine: str = "networkx") -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace(self.store(create=create), lang=self.lang, engine=engine, status=_status_line)
        return self._workspace

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _status_line(message: str) -> None:
    """What a long step is doing, on one line of stderr ("loading… / computing…"), only on a terminal: never
    in machine output or in a pipe's stderr."""
    if sys.stderr.isatty():
        click.echo(f"\r\033[K{message}" if message else "\r\033[K", err=True, nl=not message)


pass_settings = click.make_pass_decorator(Settings)


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


# -- option bundles ---------------------------------------------------------------------------------------------
def engine_option(fn):
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="networkx",
        show_default=True,
        help="Where communities, clustering and betweenness are computed: networkx, or gds (inside Neo4j with the "
        "Graph Data Science plugin; needs --store neo4j). Burt's measures and brokerage are always catalyse's.",
    )(fn)


def output_option(fn):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format: table (rounded, for reading), csv or json (full precision; NaN and infinities as "
        "null in JSON).",
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


def territory_option(fn):
    return click.option(
        "--territory",
        metavar="CODE",
        help="Commune (26362), EPCI (9 digits), département (26, 2A), or region:84.",
    )(fn)


def analysis_filters(fn):
    """The filters every analysis takes: --as-of, --territory, --sector, --type; passed on as `filters`."""

    @functools.wraps(fn)
    def wrapper(*args, as_of, territory, sectors, types, **kwargs):
        try:
            filters = Filters.parse(as_of=as_of, territory=territory, sectors=sectors, types=types)
        except CatalyseError as exc:
            raise UserError(str(exc)) from None
        return fn(*args, filters=filters, **kwargs)

    wrapper = as_of_option(wrapper)
    wrapper = territory_option(wrapper)
    wrapper = click.option(
        "--sector", "sectors", multiple=True, metavar="SECTOR", help="Keep organisations of this sector (repeatable)."
    )(wrapper)
    wrapper = click.option(
        "--type",
        "types",
        multiple=True,
        metavar="TYPE",
        help=f"Keep ties of this type (repeatable): {', '.join(TIE_TYPES)}.",
    )(wrapper)
    return wrapper


def group_option(fn):
    return click.option(
        "--group-by",
        "group",
        default="sector",
        show_default=True,
        metavar="ATTRIBUTE",
        help="Organisation attribute that defines the groups (sector, commune, or any extra column of the import).",
    )(fn)


def weight_option(fn):
    return click.option(
        "--weight",
        "weight",
        default=WEIGHT_DEFAULT,
        show_default=True,
        metavar="ATTR|none",
        callback=lambda c, p, v: None if v is None or v.lower() == "none" else v,
        help="Tie attribute weighting Burt's measures, centralities and communities; 'none' for binary measures "
        "(as sna or UCINET on unvalued data).",
    )(fn)


def echo(text: str, *, err: bool = False) -> None:
    click.echo(text, err=err)


def progress_for(total: int, label: str, *, silent: bool, threshold: int) -> Any:
    """A progress bar on stderr for long writes (a context manager giving `update`), or None."""
    if silent or not sys.stderr.isatty() or total <= threshold:
        return None
    return click.progressbar(length=total, label=label, file=sys.stderr)

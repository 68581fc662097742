"""Organisation commands: orgs list, orgs search, orgs show."""

from __future__ import annotations

import datetime as _dt

import click

from catalyse.graphcore import vocab
from catalyse.i18n import column, headers
from catalyse.importers.sheet import sector_and_word

from .common import CONTEXT, Settings, cli, friendly, output_option, pass_settings, territory_option
from .output import render, render_pairs

LIST_COLUMNS = ["id", "name", "sector", "commune", "themes"]


def _org_row(o, lang: str | None) -> dict:
    """A listing's row: in a table the sector's label with the person's own word beside it; codes otherwise."""
    sector = sector_and_word(o, lang) if lang else o.sector
    return {"id": o.id, "name": o.name, "sector": sector, "commune": o.commune, "themes": list(o.themes)}


def _filters(fn):
    fn = click.option("--sector", help="Sector code or label (e.g. association, ESS, collectivité).")(fn)
    fn = territory_option(fn)
    fn = click.option("--theme", metavar="THEME", help="A theme, e.g. 7 or ODD7 for SDG 7.")(fn)
    return fn


@cli.group(context_settings=CONTEXT)
def orgs():
    """List, search and show organisations."""


def _list_orgs(s: Settings, fmt, limit, **filters):
    found = s.workspace().organisations(**filters)
    table = fmt == "table"
    rows = [_org_row(o, s.lang if table else None) for o in found[:limit]]
    click.echo(render(rows, fmt, LIST_COLUMNS, headers=headers(LIST_COLUMNS, s.lang) if table else None))
    if table and len(found) > len(rows):
        click.echo(f"({len(found) - len(rows)} more; use --limit)", err=True)


@orgs.command(name="list")
@_filters
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@output_option
@pass_settings
@friendly
def orgs_list(s: Settings, sector, territory, theme, limit, fmt):
    """List organisations, filtered by sector, territory or theme."""
    _list_orgs(s, fmt, limit, sector=sector, territory=territory, theme=theme)


@orgs.command(name="search")
@click.argument("text")
@_filters
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@output_option
@pass_settings
@friendly
def orgs_search(s: Settings, text, sector, territory, theme, limit, fmt):
    """Find organisations whose name or id contains TEXT (case and accents ignored)."""
    _list_orgs(s, fmt, limit, search=text, sector=sector, territory=territory, theme=theme)


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
@friendly
def orgs_show(s: Settings, org, ties_shown, fmt):
    """Everything known about one organisation (its id or its name), with its ties and alliances."""
    record = s.workspace().profile(org)
    if fmt != "table":
        click.echo(render([record], fmt, list(record)))
        return
    lang = s.lang

    def t(fr, en):
        return en if lang == "en" else fr

    labelled = {
        "sector": vocab.label("sector", record["sector"], lang)
        + (f" ({record['type']})" if record.get("type") else ""),
        "catalyser_metiers": tuple(vocab.label("metier", m, lang) for m in record["catalyser_metiers"] or ()),
    }
    click.echo(
        render_pairs(
            [(column(k, lang), labelled.get(k, v)) for k, v in record.items() if k not in ("ties", "alliances")]
        )
    )
    ties, alliances = record["ties"], record["alliances"]
    if ties:
        recent = sorted(ties, key=lambda r: r["start"] or _dt.date.min, reverse=True)[:ties_shown]
        if len(ties) <= len(recent):
            more = ""
        elif len(recent) == 1:
            more = t(", le plus récent affiché (--ties N pour plus)", ", the most recent shown (--ties N for more)")
        else:
            more = t(
                f", les {len(recent)} plus récents affichés (--ties N pour plus)",
                f", the {len(recent)} most recent shown (--ties N for more)",
            )
        click.echo(f"\n{column('ties', lang)} ({len(ties)}{more}):")
        shown = [
            {**r, "type": vocab.label("tie_type", r["type"], lang), "direction": column(r["direction"], lang)}
            for r in recent
        ]
        click.echo(render(shown, headers=headers(shown[0], lang)))
    if alliances:
        click.echo(f"\nalliances ({len(alliances)}):")
        shown = [{**a, "role": vocab.label("role", a["role"], lang)} for a in alliances]
        click.echo(render(shown, headers=headers(shown[0], lang)))

"""View commands: view (interactive HTML views) and report."""

from __future__ import annotations

import os

import click

from catalyse.workspace import MEASURES

from .common import Settings, UserError, analysis_filters, as_of_option, cli, friendly, pass_settings


def _write(path: str, html: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(html)


@cli.command()
@click.option("--ego", metavar="ORG", help="An organisation's neighbourhood and its suggested introductions.")
@click.option("--alliances", "alliances_", is_flag=True, help="The bipartite organisation–alliance graph.")
@click.option("--catalyser", metavar="CATALYSER", help="A catalyser and the introductions it made.")
@click.option("--size-by", type=click.Choice(MEASURES), default="degree", show_default=True)
@click.option(
    "--geo",
    is_flag=True,
    help="Place organisations by their coordinates (no map tiles; overseas départements in insets).",
)
@click.option("-o", "--output", "target", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@analysis_filters
@pass_settings
@friendly
def view(s: Settings, ego, alliances_, catalyser, size_by, geo, target, filters):
    """Write an interactive view: one self-contained HTML file that works offline."""
    if sum(bool(x) for x in (ego, alliances_, catalyser)) > 1:
        raise UserError("choose one of --ego, --alliances, --catalyser")
    ws = s.workspace()
    if ego:
        html = ws.ego_view(ego, filters)
    elif alliances_:
        html = ws.alliance_view(filters)
    elif catalyser:
        html = ws.catalyser_view(catalyser, filters)
    else:
        html = ws.map_view(filters, size_by=size_by, geo=geo)
    _write(target, html)
    click.echo(f"Wrote {target} ({len(html.encode('utf-8')) // 1024} KB): open it in a browser, no network needed.")


@cli.command()
@click.option(
    "-o",
    "--output",
    "directory",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write report.html, map.html and img/ into.",
)
@as_of_option
@pass_settings
@friendly
def report(s: Settings, directory, as_of):
    """Write the territory report: key measures by year, mixing, brokers, suggestions, catalysers, map."""
    written = s.workspace().report(directory, as_of=as_of)
    click.echo(f"Wrote {os.path.join(directory, 'report.html')} and {len(written) - 1} other files.")

"""Analysis commands: stats, brokers, metrics, evaluate."""

from __future__ import annotations

import click

from catalyse.graphcore import vocab
from catalyse.i18n import ROLE_LABELS, column, headers, legend

from .common import (
    Settings,
    analysis_filters,
    as_of_option,
    cli,
    engine_option,
    friendly,
    group_option,
    output_option,
    pass_settings,
    weight_option,
)
from .output import render, render_pairs


def _legend(keys, lang: str) -> None:
    """Below a table: one line per measure it shows, on what it says and which direction is better."""
    lines = legend(keys, lang)
    if lines:
        click.echo("")
        click.echo(column("legend_title", lang))
        click.echo("\n".join(f"  {line}" for line in lines))


def _table(rows_with_header) -> list[dict]:
    header, *rows = rows_with_header
    return [dict(zip(header, r)) for r in rows]


@cli.command()
@as_of_option
@output_option
@pass_settings
@friendly
def stats(s: Settings, as_of, fmt):
    """Counts by sector and tie type, density and components of the tie network."""
    ws = s.workspace()
    result = ws.stats(as_of)
    counts = result.pop("counts")
    if fmt != "table":
        click.echo(render([{**counts, **result}], fmt))
        return
    lang = s.lang
    o = result

    def c(key):
        return column(key, lang)

    when = f" {c('on')} {as_of.isoformat()}" if as_of else ""
    click.echo(f"{ws.store.describe()}{when}")
    share = o["cross_sector_share"]
    click.echo(
        render_pairs(
            [
                (c("organisations"), counts["organisations"]),
                (c("catalysers"), counts["catalysers"]),
                (c("alliances"), f"{counts['alliances']} ({counts['memberships']} {c('memberships')})"),
                (c("ties"), f"{counts['ties']} ({o['edges']} {c('linked_pairs')})"),
                (c("introductions"), counts["introductions"]),
                (c("density"), f"{o['density']:.4f}"),
                (
                    c("components"),
                    f"{o['components']} ({c('largest')}: {o['largest_component']}, {c('isolates')}: {o['isolates']})",
                ),
                (c("cross_sector_ties"), f"{share:.1%}" if share is not None else "–"),
            ]
        )
    )
    click.echo("")
    rows = [{"s": vocab.label("sector", k, lang), "n": v} for k, v in o["by_sector"].items()]
    click.echo(render(rows, "table", headers={"s": c("sector"), "n": c("organisations")}))
    click.echo("")
    rows = [{"k": vocab.label("tie_type", k, lang), "n": v} for k, v in o["by_tie_type"].items()]
    click.echo(render(rows, "table", headers={"k": c("tie_type"), "n": c("pairs")}))
    _legend(("density", "components", "isolates", "cross_sector_share"), lang)


@cli.command()
@analysis_filters
@group_option
@click.option(
    "--undirected", is_flag=True, help="Treat every tie as undirected (representative and gatekeeper then merge)."
)
@weight_option
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@output_option
@pass_settings
@friendly
def brokers(s: Settings, filters, group, undirected, weight, top, fmt):
    """Gould–Fernandez brokerage roles (as R sna::brokerage) and Burt's structural holes, per organisation.

    Both are computed on the same graph: directed unless --undirected (Burt's measures then count both
    directions of a reciprocated tie, each with its own weight, as igraph and networkx do). Machine formats give
    the z-scores (z_ROLE; null where sna gives NA) and Burt's measures at full precision.
    """
    result = s.workspace().brokers(filters, group=group, directed=not undirected, weight=weight, top=top)
    rows = result["rows"]
    if fmt == "table":
        lang = s.lang
        labels = ROLE_LABELS[lang][result["directed"]]
        head = {k: labels.get(k, column(k, lang)) for k in (rows[0] if rows else {})}
        for r in result["roles"]:
            head[f"z_{r}"] = f"z {labels[r]}"
        keep = ["organisation", "name", "group", *result["roles"], "constraint"]
        click.echo(render(rows, "table", keep, headers=head))
        _legend([*result["roles"], "constraint"], lang)
        if result["missing_group"]:
            click.echo(f"({result['missing_group']} organisations have no {group!r}: grouped as '(none)')", err=True)
        return
    click.echo(render(rows, fmt))


@cli.command()
@analysis_filters
@group_option
@click.option("--by-year", is_flag=True, help="One row per yearly snapshot (ties active during the year).")
@click.option("--by-group", is_flag=True, help="One row per group: size, internal density, E–I index.")
@click.option("--per-org", is_flag=True, help="One row per organisation: centralities and Burt's measures.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="With --per-org: estimate betweenness and closeness from K sampled pivots (above 200,000 ties: 256 unless "
    "--exact).",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="With --per-org: the N first rows.")
@click.option("--directed", is_flag=True, help="Directed view (funding ties keep their direction).")
@click.option(
    "--exact",
    is_flag=True,
    help="Exact betweenness centralisation (with --per-org: each organisation's betweenness and closeness) even on "
    "a large network (above 200,000 ties they are otherwise estimated from 256 sampled pivots, with their error "
    "bound).",
)
@weight_option
@engine_option
@output_option
@pass_settings
@friendly
def metrics(s: Settings, filters, group, by_year, by_group, per_org, sample, top, directed, exact, weight, engine, fmt):
    """Structure of the whole network: density, components, clustering, centralisation, E–I, mixing, communities.

    --by-year, --by-group and --per-org give the same per yearly snapshot, per group, or per organisation.
    With --engine gds the communities, clustering and betweenness are computed inside Neo4j (undirected view).
    """
    from catalyse.queries import structure

    ws = s.workspace(engine=engine)
    lang = s.lang
    if per_org:
        per = ws.metrics_per_org(filters, directed=directed, weight=weight, sample=sample, top=top, exact=exact)
        rows = list(per)
        if per.estimate:
            e = per.estimate
            click.echo(
                f"Note: betweenness and closeness estimated from {e['k']:,} sampled pivots; every betweenness is "
                f"within ±{e['error_bound']:.3g} of its exact value with probability {1 - e['delta']:.0%} (a "
                "worst-case bound: actual errors are usually far smaller; --exact to compute them exactly, O(n·m)).",
                err=True,
            )
        if fmt == "table":
            click.echo(render(rows, "table", headers=headers(rows[0] if rows else {}, lang)))
            _legend(rows[0] if rows else (), lang)
        else:
            click.echo(render(rows, fmt))
        return
    if by_year:
        years = ws.metrics_by_year(filters, group=group, directed=directed)
        if fmt == "table":
            click.echo(render(_table(structure.by_year_rows(years, lang=lang)), fmt))
            _legend(structure.BY_YEAR_KEYS, lang)
        else:
            rows = [{"year": y, **{k: v for k, v in row.items() if k != "mixing"}} for y, row in years.items()]
            click.echo(render(rows, fmt))
        return
    if by_group:
        groups = ws.metrics_by_group(filters, group=group, directed=directed)
        if fmt == "table":
            click.echo(render(_table(structure.by_group_rows(groups, lang=lang, group=group)), fmt))
            _legend(structure.BY_GROUP_KEYS, lang)
        else:
            click.echo(render([{"group": g, **row} for g, row in groups.items()], fmt))
        return
    summ = ws.metrics(filters, group=group, directed=directed, weight=weight, exact=exact)
    if fmt == "table":
        click.echo(render(_table(structure.summary_rows(summ, lang=lang)), fmt))
        _legend([k for k, v in summ.items() if v is not None and k not in ("group", "groups", "directed")], lang)
    else:
        click.echo(render([summ], fmt))


@cli.command()
@click.option("--split", type=click.Choice(["random", "temporal", "both"]), default="both", show_default=True)
@click.option(
    "--year",
    type=int,
    default=None,
    help="Temporal split: first year of the test period [default: the last two years are tested].",
)
@click.option("--repeats", type=click.IntRange(min=1), default=3, show_default=True, help="Random splits averaged.")
@click.option("--seed", type=int, default=0, show_default=True)
@output_option
@pass_settings
@friendly
def evaluate(s: Settings, split, year, repeats, seed, fmt):
    """How well each link-prediction index finds ties hidden from it (AUC, precision@k)."""
    rows = s.workspace().evaluate(split=split, year=year, repeats=repeats, seed=seed)
    cols = ["split", "method", "auc", "auc_sd", "precision@10", "precision@100", "n_test", "candidate_recall"]
    if fmt == "table":
        rows = [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]
    click.echo(render(rows, fmt, cols))

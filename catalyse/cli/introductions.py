"""Recommendation commands: suggest, introduce, outcome, introductions, activity."""

from __future__ import annotations

import click

from catalyse.graphcore import vocab
from catalyse.i18n import column

from .common import Settings, UserError, as_of_option, cli, date_type, friendly, output_option, pass_settings
from .output import render


def suggestion_record(x, *, diversity: bool = False) -> dict:
    """One suggestion as machine output (stable keys, full precision, reasons as codes and English words)."""
    row = {
        "org": x.org,
        "partner": x.partner,
        "rank": x.rank,
        "score": x.score,
        "introducer": x.introducer,
        "shared_partners": list(x.shared_partners),
        "shared_themes": x.shared_themes,
        "sectors": x.sectors,
        "reasons": x.reasons_in("en"),
        "reason_codes": x.reason_codes,
        "what_if": x.what_if,
    }
    if diversity:  # only with --max-per-partner, so that the default output is unchanged
        row["score_rank"] = x.score_rank
        row["skipped_partners"] = x.skipped_partners
    return row


@cli.command()
@click.argument("org", required=False)
@click.option("--all", "all_", is_flag=True, help="Every organisation's best suggestions (the territory's list).")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    help="Suggestions per organisation [default: 10 for one organisation, 5 with --all].",
)
@click.option("--between", nargs=2, metavar="SECTOR SECTOR", help="Only cross-world matches between two sectors.")
@click.option("--theme", metavar="THEME", help="Only pairs that share this theme.")
@click.option("--territory", metavar="CODE", help="Only organisations of this territory (as every --territory).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help="With --all or --between: keep the N best pairs of the territory's list.",
)
@click.option(
    "--max-per-partner",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="With --all or --between: no organisation in more than N pairs of the list (diversity rule: "
    "best scores first, a pair with an organisation that reached N is skipped) [default: no cap].",
)
@as_of_option
@output_option
@pass_settings
@friendly
def suggest(s: Settings, org, all_, top, between, theme, territory, limit, max_per_partner, as_of, fmt):
    """Whom to introduce to whom, and why: suggestions with reasons, introducer and what-if gain.

    ORG is an organisation's id or name. Pairs already tied, or already introduced (whatever the outcome), are
    never suggested. With --max-per-partner N, each organisation's candidates are chosen with the diversity rule
    (no partner in more than N lists) and the territory's list keeps no organisation in more than N of its pairs,
    so that a few hubs do not take the whole list; a suggestion placed after a skipped partner says so in its
    reasons.
    """
    if not org and not all_ and not between:
        raise UserError("name an organisation, or use --all or --between SECTOR SECTOR")
    if org and max_per_partner is not None:
        raise UserError(
            "--max-per-partner applies to the lists of several organisations: use it with --all or "
            "--between, without an organisation"
        )
    ws = s.workspace()
    lang = s.lang
    if org:
        found = ws.suggestions(org, top=top or 10, theme=theme, as_of=as_of)
    else:
        found = ws.territory_suggestions(
            top=top or 5,
            between=between,
            theme=theme,
            territory=territory,
            limit=limit,
            max_per_partner=max_per_partner,
            as_of=as_of,
        )
    if fmt != "table":
        click.echo(render([suggestion_record(x, diversity=max_per_partner is not None) for x in found], fmt))
        return
    if not found:
        click.echo(column("no_suggestion", lang))
        return
    if org:
        for x in found:
            click.echo(f"{x.rank:>2}. {x.partner_name}  [{x.partner}]  score {x.score:.3f}")
            for reason in x.reasons:
                click.echo(f"      · {reason}")
        return
    keys = ("organisation", "partner", "score", "introducer", "main_reason")
    head = {k: column(k, lang) for k in keys}
    rows = [
        {
            "organisation": x.org_name,
            "partner": x.partner_name,
            "score": round(x.score, 3),
            "introducer": x.introducer_name or "",
            "main_reason": x.reasons[0] if x.reasons else "",
        }
        for x in found
    ]
    click.echo(render(rows, "table", keys, headers=head))
    if max_per_partner is not None:
        moved = sum(bool(x.skipped_partners) for x in found)
        click.echo(
            {
                "fr": f"Règle de diversité : chaque organisation figure dans au plus {max_per_partner} paires "
                f"de la liste ; {moved} des {len(found)} suggestions ci-dessus viennent après un "
                "partenaire mieux noté écarté par cette règle (--format json : score_rank).",
                "en": f"Diversity rule: each organisation is in at most {max_per_partner} pairs of the list; "
                f"{moved} of the {len(found)} suggestions above come after a better-scored partner set "
                "aside by this rule (--format json: score_rank).",
            }[lang]
        )


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option(
    "--by",
    "catalyser",
    metavar="CATALYSER",
    help="The catalyser's structure (id or name) [default: yours, recorded by `catalyse init --catalyser NAME`].",
)
@click.option("--person", default=None, help="Who, in the structure, made it [default: the one recorded by init].")
@click.option("--note", default=None, help="Why, in a few words.")
@click.option(
    "--date", "day", default=None, callback=lambda c, p, v: date_type(v), metavar="DATE", help="When [default: today]."
)
@pass_settings
@friendly
def introduce(s: Settings, a, b, catalyser, person, note, day):
    """Record that CATALYSER introduced organisations A and B (ids or names)."""
    from catalyse.settings import load_user

    ws = s.workspace()
    mine = load_user(ws.store.describe())
    if not catalyser:
        catalyser = mine.get("catalyser")
        if not catalyser:
            raise UserError(
                "who made it? give --by CATALYSER, or record your own structure once with "
                "`catalyse init --catalyser NAME`"
            )
        person = person or mine.get("person")
    done = ws.introduce(a, b, by=catalyser, note=note, day=day, person=person)
    for w in done.warnings:
        click.echo(f"Warning: {w}", err=True)
    i = done.introduction
    verb = "Recorded" if done.new else "Already recorded"
    click.echo(
        f"{verb} introduction {i.id}: {i.a} ↔ {i.b} by {i.catalyser} on {i.date.isoformat()} (pending). "
        f"Later: catalyse outcome {i.id} met|alliance_formed|declined"
    )


@cli.command()
@click.option("--by", "catalyser", metavar="CATALYSER", help="Only this catalyser's introductions.")
@click.option("--org", metavar="ORG", help="Only introductions of this organisation.")
@click.option("--outcome", help="Only this outcome: pending, met, alliance_formed, declined.")
@output_option
@pass_settings
@friendly
def introductions(s: Settings, catalyser, org, outcome, fmt):
    """List introductions with their outcomes, most recent first."""
    ws = s.workspace()
    found = ws.introductions(catalyser=catalyser, org=org, outcome=outcome)
    cols = ["id", "date", "catalyser", "person", "a", "b", "outcome", "note"]
    if fmt != "table":
        rows = [{c: getattr(i, c) for c in cols} for i in found]
        click.echo(render(rows, fmt, cols))
        return
    names = ws.network(require=False).names
    rows = [
        {
            "id": i.id,
            "date": i.date,
            "catalyser": names.get(i.catalyser),
            "person": i.person,
            "a": names.get(i.a),
            "b": names.get(i.b),
            "outcome": vocab.label("outcome", i.outcome, s.lang),
            "note": i.note,
        }
        for i in found
    ]
    click.echo(render(rows, fmt, cols))


@cli.command()
@click.argument("introduction")
@click.argument("result", metavar="OUTCOME")
@click.option(
    "--date",
    "day",
    default=None,
    callback=lambda c, p, v: date_type(v),
    metavar="DATE",
    help="When it happened [default: today]; a meeting or alliance starts an 'introduced' tie then.",
)
@click.option("--note", default=None, help="Replace the note.")
@pass_settings
@friendly
def outcome(s: Settings, introduction, result, day, note):
    """Record what came of an introduction: pending, met, alliance_formed or declined.

    A meeting or an alliance adds an 'introduced' tie between the two organisations, so that the
    catalyser's work shows in the network.
    """
    updated, tied = s.workspace().set_outcome(introduction, result, note=note, day=day)
    label = vocab.label("outcome", updated.outcome, "en")
    click.echo(
        f"Introduction {updated.id} ({updated.a} ↔ {updated.b}): {label}"
        + ("; an 'introduced' tie now joins them." if tied else ".")
    )


@cli.command()
@click.argument("catalyser", required=False)
@output_option
@pass_settings
@friendly
def activity(s: Settings, catalyser, fmt):
    """Catalysers' activity: introductions made, outcomes, alliances formed, cross-sector share, liaison role."""
    ws = s.workspace()
    act = ws.activity(catalyser)
    if fmt != "table":
        click.echo(render([{"catalyser": c, **row} for c, row in act.items()], fmt))
        return
    lang = s.lang
    names = ws.network(require=False).names
    keys = ("catalyser", "introductions", "met", "alliance_formed", "declined", "pending", "conversion",
            "cross_sector_share", "now_tied", "liaison")  # fmt: skip
    rows = []
    for c, r in act.items():
        row = {k: r.get(k) for k in keys}
        row["catalyser"] = names.get(c, c)
        row["conversion"] = f"{r['conversion']:.0%}"
        row["cross_sector_share"] = f"{r['cross_sector_share']:.0%}"
        rows.append(row)
    click.echo(render(rows, "table", keys, headers={k: column(k, lang) for k in keys}))
    years = sorted({y for r in act.values() for y in r["by_year"]})
    click.echo("")
    click.echo(
        render(
            [
                {
                    column("year", lang): y,
                    column("introductions", lang): sum(
                        r["by_year"].get(y, {}).get("introductions", 0) for r in act.values()
                    ),
                    column("alliance_formed", lang): sum(
                        r["by_year"].get(y, {}).get("alliance_formed", 0) for r in act.values()
                    ),
                }
                for y in years
            ],
            "table",
        )
    )

"""Analysis, recommendation and view commands of `catalyse` (registered on the group in `catalyse.cli`)."""

from __future__ import annotations

import datetime as _dt
import os

import click

from catalyse.graphcore import vocab
from catalyse.graphcore.model import Dataset, Introduction, Tie

from . import Settings, UserError, _friendly, as_of_option, cli, date_type, output_option, pass_settings
from .output import render

TIE_TYPES = vocab.codes("tie_type")


def analysis_filters(fn):
    """The filters every analysis takes: --as-of, --territory, --sector, --type."""
    fn = as_of_option(fn)
    fn = click.option(
        "--territory", metavar="CODE", help="Keep organisations of this commune, EPCI, département (or region:CODE)."
    )(fn)
    fn = click.option(
        "--sector", "sectors", multiple=True, metavar="SECTOR", help="Keep organisations of this sector (repeatable)."
    )(fn)
    fn = click.option(
        "--type",
        "types",
        multiple=True,
        metavar="TYPE",
        help=f"Keep ties of this type (repeatable): {', '.join(TIE_TYPES)}.",
    )(fn)
    return fn


def load(s: Settings, *, as_of=None, territory=None, sectors=(), types=(), directed=False):
    """(dataset, tie graph) with the filters applied: organisations outside them are left out of the graph."""
    from catalyse.graphcore.projection import restrict, tie_graph

    data = s.store().dataset(as_of=as_of)
    types = tuple(vocab.parse("tie_type", t) for t in types)
    sectors = tuple(vocab.parse("sector", x) for x in sectors)
    G = tie_graph(data, directed=directed, as_of=as_of, types=types or None)
    G = restrict(G, territory=territory, sectors=sectors)
    if G.number_of_nodes() == 0:
        raise UserError("no organisation matches these filters")
    return data, G


def _table(rows_with_header) -> list[dict]:
    header, *rows = rows_with_header
    return [dict(zip(header, r)) for r in rows]


def _group_option(fn):
    return click.option(
        "--group-by",
        "group",
        default="sector",
        show_default=True,
        metavar="ATTRIBUTE",
        help="Organisation attribute that defines the groups (sector, commune, or any extra column of the import).",
    )(fn)


# -- brokerage and structure (issue 3) -----------------------------------------------------------------------------
@cli.command()
@analysis_filters
@_group_option
@click.option(
    "--undirected", is_flag=True, help="Treat every tie as undirected (representative and gatekeeper then merge)."
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@output_option
@pass_settings
@_friendly
def brokers(s: Settings, as_of, territory, sectors, types, group, undirected, top, fmt):
    """Gould–Fernandez brokerage roles (as R sna::brokerage) and Burt's structural holes, per organisation."""
    from catalyse.queries.brokerage import brokerage, brokerage_table
    from catalyse.queries.structural_holes import burt_measures

    _, G = load(s, as_of=as_of, territory=territory, sectors=sectors, types=types, directed=not undirected)
    missing = [n for n, d in G.nodes(data=True) if group not in d]
    result = brokerage(G, group, default="(none)" if missing else None)
    holes = burt_measures(G.to_undirected() if G.is_directed() else G)
    lang = s.lang if fmt == "table" else "en"
    rows = brokerage_table(result, G, lang=lang, top=top, z=fmt != "table")
    key = "organisation"
    c_label = "constraint" if lang == "en" else "contrainte"
    for r in rows:
        node = r[key]
        r[c_label] = round(holes["constraint"][node], 4) if node in holes["constraint"] else None
    click.echo(render(rows, fmt))
    if fmt == "table" and missing:
        click.echo(f"({len(missing)} organisations have no {group!r}: grouped as '(none)')", err=True)


@cli.command()
@analysis_filters
@_group_option
@click.option("--by-year", is_flag=True, help="One row per yearly snapshot (ties active during the year).")
@click.option("--by-group", is_flag=True, help="One row per group: size, internal density, E–I index.")
@click.option("--per-org", is_flag=True, help="One row per organisation: centralities and Burt's measures.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    metavar="K",
    help="With --per-org: estimate betweenness from K sampled pivots (large graphs).",
)
@click.option("--top", type=click.IntRange(min=1), default=None, help="With --per-org: the N first rows.")
@click.option("--directed", is_flag=True, help="Directed view (funding ties keep their direction).")
@output_option
@pass_settings
@_friendly
def metrics(
    s: Settings, as_of, territory, sectors, types, group, by_year, by_group, per_org, sample, top, directed, fmt
):
    """Structure of the whole network: density, components, clustering, centralisation, E–I, mixing, communities.

    --by-year, --by-group and --per-org give the same per yearly snapshot, per group, or per organisation.
    """
    from catalyse.queries import structure

    data, G = load(s, as_of=as_of, territory=territory, sectors=sectors, types=types, directed=directed)
    lang = s.lang if fmt == "table" else "en"
    if per_org:
        from catalyse.queries.centrality import centrality_table
        from catalyse.queries.structural_holes import burt_measures

        table = centrality_table(G, k=sample)
        holes = burt_measures(G)
        for key in ("constraint", "effective_size", "efficiency", "hierarchy"):
            table[key] = holes[key]
        order = sorted(G.nodes, key=lambda n: (-table["betweenness"][n], str(n)))[:top]
        names = {
            "fr": {
                "betweenness": "intermédiarité",
                "closeness": "proximité",
                "eigenvector": "vecteur propre",
                "degree": "degré",
                "strength": "force",
                "constraint": "contrainte",
                "effective_size": "taille effective",
                "efficiency": "efficacité",
                "hierarchy": "hiérarchie",
            }
        }.get(lang, {})
        rows = [
            {
                "organisation": n,
                ("nom" if lang == "fr" else "name"): G.nodes[n].get("name"),
                **{names.get(k, k): (round(v[n], 6) if isinstance(v[n], float) else v[n]) for k, v in table.items()},
            }
            for n in order
        ]
        click.echo(render(rows, fmt))
        return
    if by_year:
        years = structure.by_year(G, group=group)
        if fmt == "table":
            click.echo(render(_table(structure.by_year_rows(years, lang=lang)), fmt))
        else:
            click.echo(
                render(
                    [{"year": y, **{k: v for k, v in row.items() if k != "mixing"}} for y, row in years.items()], fmt
                )
            )
        return
    if by_group:
        groups = structure.by_group(G, group=group)
        if fmt == "table":
            click.echo(render(_table(structure.by_group_rows(groups, lang=lang, group=group)), fmt))
        else:
            click.echo(render([{"group": g, **row} for g, row in groups.items()], fmt))
        return
    summ = structure.summary(G, group=group)
    if fmt == "table":
        click.echo(render(_table(structure.summary_rows(summ, lang=lang)), fmt))
    else:
        click.echo(render([{k: v for k, v in summ.items()}], fmt))


# -- suggestions and introductions (issue 4) -----------------------------------------------------------------------
def _intro_pairs(data: Dataset) -> set[tuple[str, str]]:
    return {(i.a, i.b) for i in data.introductions}


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
@click.option("--territory", metavar="CODE", help="Only organisations of this territory.")
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
@_friendly
def suggest(s: Settings, org, all_, top, between, theme, territory, limit, max_per_partner, as_of, fmt):
    """Whom to introduce to whom, and why: suggestions with reasons, introducer and what-if gain.

    Pairs already tied, or already introduced (whatever the outcome), are never suggested. With --max-per-partner
    N, each organisation's candidates are chosen with the diversity rule (no partner in more than N lists) and
    the territory's list keeps no organisation in more than N of its pairs, so that a few hubs do not take the
    whole list; a suggestion placed after a skipped partner says so in its reasons.
    """
    from catalyse.graphcore.fields import parse_theme
    from catalyse.graphcore.projection import comembership_graph, tie_graph
    from catalyse.queries.suggestions import pair_list
    from catalyse.queries.suggestions import suggest as do_suggest

    if not org and not all_ and not between:
        raise UserError("name an organisation, or use --all or --between SECTOR SECTOR")
    if org and max_per_partner is not None:
        raise UserError(
            "--max-per-partner applies to the lists of several organisations: use it with --all or "
            "--between, without an organisation"
        )
    store = s.store()
    data = store.dataset(as_of=as_of)
    G = tie_graph(data, as_of=as_of)
    if org and org not in G:
        raise UserError(f"no organisation {org!r} in {store.describe()}")
    pair = tuple(vocab.parse("sector", x) for x in between) if between else None
    top = top or (10 if org else 5)
    lang = s.lang if fmt == "table" else "en"
    found = do_suggest(
        G,
        org,
        top=top,
        between=pair,
        territory=territory,
        theme=parse_theme(theme) if theme else None,
        exclude=_intro_pairs(data),
        comembership=comembership_graph(data, as_of=as_of),
        lang=lang,
        as_of=as_of,
        max_per_partner=max_per_partner,
    )
    if not org:  # the territory's list: each pair once, no organisation in more than N of its pairs
        found = pair_list(found, max_per_org=max_per_partner, limit=limit)
    if fmt != "table":
        rows = [
            {
                "org": x.org,
                "partner": x.partner,
                "rank": x.rank,
                "score": round(x.score, 6),
                "introducer": x.introducer,
                "shared_partners": [p for p in x.shared_partners],
                "shared_themes": x.shared_themes,
                "sectors": x.sectors,
                "reasons": x.reasons,
                "what_if": x.what_if,
            }
            for x in found
        ]
        if max_per_partner is not None:  # only then, so that the default output is unchanged
            for row, x in zip(rows, found):
                row["score_rank"] = x.score_rank
                row["skipped_partners"] = x.skipped_partners
        click.echo(render(rows, fmt))
        return
    if not found:
        click.echo("Aucune suggestion." if lang == "fr" else "No suggestion.")
        return
    if org:
        for x in found:
            click.echo(f"{x.rank:>2}. {x.partner_name}  [{x.partner}]  score {x.score:.3f}")
            for reason in x.reasons:
                click.echo(f"      · {reason}")
        return
    head = {
        "fr": ("organisation", "à présenter à", "score", "par", "raison principale"),
        "en": ("organisation", "introduce to", "score", "by", "main reason"),
    }[lang]
    click.echo(
        render(
            [
                {
                    head[0]: x.org_name,
                    head[1]: x.partner_name,
                    head[2]: round(x.score, 3),
                    head[3]: x.introducer_name or "",
                    head[4]: x.reasons[0] if x.reasons else "",
                }
                for x in found
            ],
            "table",
        )
    )
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
@click.option("--by", "catalyser", required=True, metavar="CATALYSER", help="Who made the introduction.")
@click.option("--note", default=None, help="Why, in a few words.")
@click.option(
    "--date", "day", default=None, callback=lambda c, p, v: date_type(v), metavar="DATE", help="When [default: today]."
)
@pass_settings
@_friendly
def introduce(s: Settings, a, b, catalyser, note, day):
    """Record that CATALYSER introduced organisations A and B."""
    store = s.store()
    day = day or _dt.date.today()
    if a == b:
        raise UserError("an organisation cannot be introduced to itself")
    intro = Introduction(catalyser, a, b, day, note=note)
    if catalyser not in {c.org for c in store.catalysers()}:
        click.echo(f"Warning: {catalyser!r} is not registered as a catalyser (give it a métiers column)", err=True)
    if any({t.source, t.target} == {a, b} for t in store.ties(org=a)):
        click.echo(f"Warning: {a!r} and {b!r} are already tied", err=True)
    summary = store.write(Dataset(introductions=[intro]))
    verb = "Recorded" if summary.new["introductions"] else "Already recorded"
    click.echo(
        f"{verb} introduction {intro.id}: {a} ↔ {b} by {catalyser} on {day.isoformat()} (pending). "
        f"Later: catalyse outcome {intro.id} met|alliance_formed|declined"
    )


@cli.command()
@click.option("--by", "catalyser", metavar="CATALYSER", help="Only this catalyser's introductions.")
@click.option("--org", metavar="ORG", help="Only introductions of this organisation.")
@click.option(
    "--outcome",
    callback=lambda c, p, v: vocab.parse("outcome", v) if v else None,
    help="Only this outcome: pending, met, alliance_formed, declined.",
)
@output_option
@pass_settings
@_friendly
def introductions(s: Settings, catalyser, org, outcome, fmt):
    """List introductions with their outcomes, most recent first."""
    store = s.store()
    names = {o.id: o.name for o in store.organisations()}
    found = [i for i in store.introductions(catalyser=catalyser, org=org) if outcome is None or i.outcome == outcome]
    found.sort(key=lambda i: (i.date, i.id), reverse=True)
    lang = s.lang if fmt == "table" else "en"
    rows = [
        {
            "id": i.id,
            "date": i.date,
            "catalyser": i.catalyser if fmt != "table" else names.get(i.catalyser),
            "a": i.a if fmt != "table" else names.get(i.a),
            "b": i.b if fmt != "table" else names.get(i.b),
            "outcome": i.outcome if fmt != "table" else vocab.label("outcome", i.outcome, lang),
            "note": i.note,
        }
        for i in found
    ]
    click.echo(render(rows, fmt, ["id", "date", "catalyser", "a", "b", "outcome", "note"]))


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
@_friendly
def outcome(s: Settings, introduction, result, day, note):
    """Record what came of an introduction: pending, met, alliance_formed or declined.

    A meeting or an alliance adds an 'introduced' tie between the two organisations, so that the
    catalyser's work shows in the network.
    """
    import dataclasses

    store = s.store()
    found = [i for i in store.introductions() if i.id == introduction]
    if not found:
        raise UserError(f"no introduction {introduction!r}; see `catalyse introductions`")
    intro = found[0]
    result = vocab.parse("outcome", result)
    day = day or _dt.date.today()
    updated = dataclasses.replace(intro, outcome=result, note=note if note is not None else intro.note)
    ties = []
    if result in ("met", "alliance_formed") and not store_has_tie(store, intro.a, intro.b, "introduced"):
        ties.append(
            Tie(
                intro.a,
                intro.b,
                "introduced",
                start=max(day, intro.date),
                provenance=f"introduction {intro.id}",
                confidence=1.0,
            )
        )
    store.write(Dataset(introductions=[updated], ties=ties))
    label = vocab.label("outcome", result, "en")
    click.echo(
        f"Introduction {intro.id} ({intro.a} ↔ {intro.b}): {label}"
        + ("; an 'introduced' tie now joins them." if ties else ".")
    )


def store_has_tie(store, a: str, b: str, type_: str) -> bool:
    return any({t.source, t.target} == {a, b} for t in store.ties(org=a, type=type_))


@cli.command()
@click.argument("catalyser", required=False)
@output_option
@pass_settings
@_friendly
def activity(s: Settings, catalyser, fmt):
    """Catalysers' activity: introductions made, outcomes, alliances formed, cross-sector share, liaison role."""
    from catalyse.graphcore.projection import tie_graph
    from catalyse.queries.activity import catalyser_activity
    from catalyse.queries.brokerage import brokerage

    data = s.store().dataset()
    G = tie_graph(data, directed=True)
    intros = [i for i in data.introductions if catalyser is None or i.catalyser == catalyser]
    if not intros:
        raise UserError("no introduction recorded" + (f" by {catalyser!r}" if catalyser else ""))
    br = brokerage(G, "sector", default="(none)", expected=False)
    liaison = {n: r["liaison"] for n, r in br["raw"].items()}
    act = catalyser_activity(G, intros, liaison=liaison)
    names = {o.id: o.name for o in data.organisations}
    lang = s.lang if fmt == "table" else "en"
    if fmt != "table":
        click.echo(render([{"catalyser": c, **row} for c, row in act.items()], fmt))
        return
    L = {
        "fr": (
            "catalyseur",
            "mises en relation",
            "rencontres",
            "alliances",
            "déclinées",
            "en attente",
            "taux d'alliance",
            "entre secteurs",
            "liées aujourd'hui",
            "liaison",
        ),
        "en": (
            "catalyser",
            "introductions",
            "met",
            "alliances",
            "declined",
            "pending",
            "alliance rate",
            "cross-sector",
            "tied now",
            "liaison",
        ),
    }[lang]
    click.echo(
        render(
            [
                {
                    L[0]: names.get(c, c),
                    L[1]: r["introductions"],
                    L[2]: r["met"],
                    L[3]: r["alliance_formed"],
                    L[4]: r["declined"],
                    L[5]: r["pending"],
                    L[6]: f"{r['conversion']:.0%}",
                    L[7]: f"{r['cross_sector_share']:.0%}",
                    L[8]: r["now_tied"],
                    L[9]: r["liaison"],
                }
                for c, r in act.items()
            ],
            "table",
        )
    )
    years = sorted({y for r in act.values() for y in r["by_year"]})
    click.echo("")
    click.echo(
        render(
            [
                {
                    ("année" if lang == "fr" else "year"): y,
                    L[1]: sum(r["by_year"].get(y, {}).get("introductions", 0) for r in act.values()),
                    L[3]: sum(r["by_year"].get(y, {}).get("alliance_formed", 0) for r in act.values()),
                }
                for y in years
            ],
            "table",
        )
    )


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
@_friendly
def evaluate(s: Settings, split, year, repeats, seed, fmt):
    """How well each link-prediction index finds ties hidden from it (AUC, precision@k)."""
    from catalyse.graphcore.projection import comembership_graph, tie_graph
    from catalyse.queries.evaluation import evaluate as do_evaluate

    data = s.store().dataset()
    G = tie_graph(data)
    C = comembership_graph(data)
    rows = []
    if split in ("random", "both"):
        rows += do_evaluate(G, split="random", repeats=repeats, seed=seed, comembership=C)
    if split in ("temporal", "both"):
        import dataclasses

        years = sorted(int(d["start"][:4]) for *_, d in G.edges(data=True) if d.get("start"))
        if not years:
            raise UserError("no dated tie: the temporal split needs tie start dates")
        year = year or years[-1] - 1
        cutoff = _dt.date(year, 1, 1)  # alliances formed from the test period on must not leak into training
        before = dataclasses.replace(data, alliances=[a for a in data.alliances if a.start is None or a.start < cutoff])
        rows += do_evaluate(G, split="temporal", year=year, seed=seed, comembership=comembership_graph(before))
    cols = ["split", "method", "auc", "auc_sd", "precision@10", "precision@100", "n_test", "candidate_recall"]
    for r in rows:
        for k in ("auc", "auc_sd", "precision@10", "precision@100", "candidate_recall"):
            if isinstance(r.get(k), float):
                r[k] = round(r[k], 3)
    click.echo(render(rows, fmt, cols))


# -- views and report (issue 5) ------------------------------------------------------------------------------------
MEASURES = ("degree", "betweenness", "brokerage", "constraint")


def _measure(G, name: str) -> dict:
    from catalyse.queries.brokerage import brokerage
    from catalyse.queries.centrality import betweenness
    from catalyse.queries.structural_holes import constraint

    if name == "degree":
        return dict(G.degree())
    if name == "betweenness":
        return betweenness(G)
    if name == "brokerage":
        br = brokerage(G, "sector", default="(none)", expected=False)
        return {n: r["total"] for n, r in br["raw"].items()}
    if name == "constraint":
        return constraint(G)
    raise UserError(f"unknown measure {name!r}")


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
@_friendly
def view(s: Settings, ego, alliances_, catalyser, size_by, geo, target, as_of, territory, sectors, types):
    """Write an interactive view: one self-contained HTML file that works offline."""
    from catalyse.graphcore.projection import alliance_graph, comembership_graph
    from catalyse.visualisations.ecosystem import alliance_view, catalyser_view, ecosystem_map, ego_view

    if sum(bool(x) for x in (ego, alliances_, catalyser)) > 1:
        raise UserError("choose one of --ego, --alliances, --catalyser")
    data, G = load(s, as_of=as_of, territory=territory, sectors=sectors, types=types)
    if ego:
        from catalyse.queries.suggestions import suggest as do_suggest

        if ego not in G:
            raise UserError(f"no organisation {ego!r} among those selected")
        sugg = do_suggest(G, ego, top=8, exclude=_intro_pairs(data), comembership=comembership_graph(data), lang=s.lang)
        html = ego_view(G, ego, sugg, lang=s.lang)
    elif alliances_:
        html = alliance_view(alliance_graph(data, as_of=as_of), lang=s.lang)
    elif catalyser:
        if catalyser not in G:
            raise UserError(f"no organisation {catalyser!r} among those selected")
        html = catalyser_view(G, catalyser, [i for i in data.introductions if i.catalyser == catalyser], lang=s.lang)
    else:
        html = ecosystem_map(G, size_by=_measure(G, size_by), size_label=size_by, lang=s.lang, geo=geo)
    _write(target, html)
    click.echo(f"Wrote {target} ({len(html.encode('utf-8')) // 1024} KB): open it in a browser, no network needed.")


def write_report(s: Settings, directory: str, *, as_of=None) -> list[str]:
    """The territory report and its map into `directory`; returns the files written."""
    from catalyse.graphcore.projection import comembership_graph, tie_graph
    from catalyse.queries import structure
    from catalyse.queries.activity import catalyser_activity
    from catalyse.queries.brokerage import brokerage
    from catalyse.queries.suggestions import suggest as do_suggest
    from catalyse.visualisations.ecosystem import ecosystem_map
    from catalyse.visualisations.report import territory_report

    data = s.store().dataset(as_of=as_of)
    G = tie_graph(data, as_of=as_of)
    D = tie_graph(data, as_of=as_of, directed=True)
    lang = s.lang
    summ = structure.summary(G)
    years = structure.by_year(G)
    br = brokerage(D, "sector", default="(none)", expected=False)
    brokers = {
        role: sorted(((n, r[role]) for n, r in br["raw"].items()), key=lambda x: (-x[1], x[0]))[:10]
        for role in br["roles"]
        if role != "total"
    }
    sugg = do_suggest(G, top=1, exclude=_intro_pairs(data), comembership=comembership_graph(data), lang=lang)
    sugg = sorted(sugg, key=lambda x: -x.score)[:15]
    acts = catalyser_activity(G, data.introductions)
    activity_counts = {c: {o: r[o] for o in vocab.codes("outcome")} for c, r in acts.items()}
    total = {n: r["total"] for n, r in br["raw"].items()}
    map_html = ecosystem_map(G, size_by=total, size_label="brokerage", lang=lang)
    keep = (
        "nodes",
        "ties",
        "density",
        "components",
        "giant_share",
        "average_clustering",
        "transitivity",
        "degree_centralization",
        "betweenness_centralization",
        "ei_index",
        "cross_group_share",
        "assortativity",
        "communities",
        "modularity",
    )
    measures = {
        row[0]: row[1] for row in structure.summary_rows({k: summ[k] for k in keep if k in summ}, lang=lang)[1:]
    }
    header, *rows = structure.by_year_rows(
        years,
        lang=lang,
        keys=("ties", "density", "giant_share", "average_clustering", "cross_group_share", "ei_index", "modularity"),
    )
    evolution = {row[0]: dict(zip(header[1:], row[1:])) for row in rows}
    files = territory_report(
        G,
        summary=measures,
        by_year=evolution,
        brokers=brokers,
        suggestions=sugg,
        catalyser_activity=activity_counts,
        mixing=summ.get("mixing"),
        map_html=map_html,
        lang=lang,
    )
    written = []
    for name, content in files.items():
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(content)
        written.append(path)
    return written


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
@_friendly
def report(s: Settings, directory, as_of):
    """Write the territory report: key measures by year, mixing, brokers, suggestions, catalysers, map."""
    written = write_report(s, directory, as_of=as_of)
    click.echo(f"Wrote {os.path.join(directory, 'report.html')} and {len(written) - 1} other files.")

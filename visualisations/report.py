"""A territory report: one self-contained HTML page (static PNG charts as `data:` URIs, the map in an iframe).

`territory_report(G, summary=..., by_year=..., brokers=..., suggestions=..., catalyser_activity=..., mixing=...,
map_html=..., lang="fr")` returns `{"report.html": str, "map.html": str (when a map is given),
"img/<chart>.png": bytes, ...}`: the page needs none of the other files (the PNGs are also given apart for reuse
in slides). Every section is optional: pass None (or leave it out) and the section says the data are absent.

Accepted input shapes (plain Python; other modules produce them)
-----------------------------------------------------------------
- `summary`: `{measure name: number | str}`, e.g. `{"organisations": 120, "density": 0.05}`.
- `by_year`: `{year: {measure: number}}` or `[{"year": 2021, measure: number, ...}, ...]`.
- `brokers`: `{role: [{"org": id, "score": float}, ...] | [(id, score), ...]}` or
  `[{"org": id, "role": str, "score": float}, ...]`; roles are shown through the UI table when known
  (coordinator, gatekeeper, representative, itinerant/consultant, liaison), verbatim otherwise.
- `suggestions`: `[{"a": id, "b": id, "score": float, "reasons": [str], "introducer": id | None}, ...]`.
- `catalyser_activity`: `{catalyser id: {outcome: count}}` or a list of introductions (objects or dicts with
  `catalyser` and `outcome`), counted here.
- `mixing`: `{row sector: {column sector: number}}`, `{"labels": [...], "matrix": [[...]]}` or a pandas
  DataFrame (index = rows, columns = columns); sector codes are shown with their labels.
- `map_html`: the HTML of `ecosystem_map(...)`, embedded as an `<iframe sandbox srcdoc>` (escaped).
Organisation ids are shown by their `name` in `G` (G may be None).
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
from collections import Counter, defaultdict

from catalyse.graphcore import vocab
from catalyse.i18n import MEASURES, explain, fmt_number, ui

from ._page import script_hashes_of
from .ecosystem import OUTCOME_STYLES, normalise_suggestion

__all__ = ["territory_report"]

_e = html.escape


def _get(obj, key, default=None):
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def _name(G, n) -> str:
    if G is not None and n in G:
        return str(G.nodes[n].get("name") or n)
    return str(n)


def _num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _matplotlib():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return None
    return Figure, FigureCanvasAgg


def _png(fig) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _sector(code, lang):
    return vocab.label("sector", str(code), lang)


def _role_label(role, T):
    return T.get(f"role_{role}", str(role))


# ------------------------------------------------------------------------------------------------ normalisers
def _years(by_year) -> dict:
    if not by_year:
        return {}
    rows = by_year.items() if isinstance(by_year, dict) else [(r.get("year"), r) for r in by_year]
    out: dict = {}
    for year, row in rows:
        if year is None or not isinstance(row, dict):
            continue
        out[year] = {k: v for k, v in row.items() if k != "year" and _num(v) is not None}
    return dict(sorted(out.items(), key=lambda kv: str(kv[0])))


def _brokers(brokers) -> dict:
    if not brokers:
        return {}
    out: dict = defaultdict(list)
    if isinstance(brokers, dict):
        for role, rows in brokers.items():
            for r in rows or ():
                if isinstance(r, dict):
                    out[role].append((r.get("org"), _num(r.get("score")) or 0.0))
                else:
                    out[role].append((r[0], _num(r[1]) or 0.0))
    else:
        for r in brokers:
            out[r.get("role", "broker")].append((r.get("org"), _num(r.get("score")) or 0.0))
    return {role: sorted(rows, key=lambda x: (-x[1], str(x[0]))) for role, rows in out.items()}


def _activity(activity) -> dict:
    if not activity:
        return {}
    if isinstance(activity, dict):
        return {c: {o: int(n) for o, n in (counts or {}).items()} for c, counts in activity.items()}
    out: dict = defaultdict(Counter)
    for i in activity:
        out[_get(i, "catalyser")][_get(i, "outcome") or "pending"] += 1
    return {c: dict(v) for c, v in out.items()}


def _mixing(mixing):
    if mixing is None:
        return None
    if hasattr(mixing, "to_numpy") and hasattr(mixing, "index"):
        rows, cols = [str(x) for x in mixing.index], [str(x) for x in mixing.columns]
        return rows, cols, [[_num(v) or 0.0 for v in row] for row in mixing.to_numpy().tolist()]
    if isinstance(mixing, dict) and "matrix" in mixing:
        labels = [str(x) for x in mixing.get("labels") or mixing.get("sectors") or []]
        return labels, labels, [[_num(v) or 0.0 for v in row] for row in mixing["matrix"]]
    if isinstance(mixing, dict) and mixing:
        order = list(vocab.codes("sector"))
        rows = sorted(mixing, key=lambda s: (order.index(s) if s in order else 99, str(s)))
        colset = {c for r in mixing.values() for c in (r or {})}
        cols = sorted(colset, key=lambda s: (order.index(s) if s in order else 99, str(s)))
        return rows, cols, [[_num((mixing[r] or {}).get(c)) or 0.0 for c in cols] for r in rows]
    return None


# --------------------------------------------------------------------------------------------------- charts
def _chart_years(years: dict, T, lang):
    measures = sorted({m for row in years.values() for m in row})[:9]
    mpl = _matplotlib()
    if not measures or mpl is None:
        return None
    Figure, _ = mpl
    cols = min(3, len(measures))
    rows = math.ceil(len(measures) / cols)
    fig = Figure(figsize=(3.4 * cols, 2.4 * rows))
    xs = [str(y) for y in years]
    for i, m in enumerate(measures):
        ax = fig.add_subplot(rows, cols, i + 1)
        ys = [_num(years[y].get(m)) for y in years]
        pts = [(x, v) for x, v in zip(xs, ys) if v is not None]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", color="#1f4e9c")
        ax.set_title(str(m), fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return _png(fig)


def _chart_mixing(rows, cols, matrix, lang):
    mpl = _matplotlib()
    if mpl is None or not rows or not cols:
        return None
    Figure, _ = mpl
    fig = Figure(figsize=(1.0 + 0.75 * len(cols), 0.8 + 0.55 * len(rows)))
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(matrix, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(cols)), [_sector(c, lang) for c in cols], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), [_sector(r, lang) for r in rows], fontsize=8)
    top = max((v for r in matrix for v in r), default=0) or 1
    for i, r in enumerate(matrix):
        for j, v in enumerate(r):
            ax.text(
                j,
                i,
                fmt_number(round(v, 3) if isinstance(v, float) else v, lang),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v > top * 0.6 else "#222",
            )
    fig.colorbar(im, ax=ax, shrink=0.8)
    fig.tight_layout()
    return _png(fig)


def _chart_brokers(brokers: dict, G, T):
    mpl = _matplotlib()
    roles = [r for r in brokers if brokers[r]][:6]
    if mpl is None or not roles:
        return None
    Figure, _ = mpl
    cols = min(2, len(roles))
    rows = math.ceil(len(roles) / cols)
    fig = Figure(figsize=(5.2 * cols, 2.6 * rows))
    for i, role in enumerate(roles):
        ax = fig.add_subplot(rows, cols, i + 1)
        top = brokers[role][:8][::-1]
        names = [_short(_name(G, o)) for o, _ in top]
        ax.barh(range(len(top)), [s for _, s in top], color="#6b9bd8")
        ax.set_yticks(range(len(top)), names, fontsize=8)
        ax.set_title(_role_label(role, T), fontsize=10)
        ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    return _png(fig)


def _chart_activity(activity: dict, G, lang):
    mpl = _matplotlib()
    if mpl is None or not activity:
        return None
    Figure, _ = mpl
    cats = sorted(activity, key=lambda c: (-sum(activity[c].values()), str(c)))[:15][::-1]
    fig = Figure(figsize=(8, 0.7 + 0.4 * len(cats)))
    ax = fig.add_subplot(1, 1, 1)
    left = [0] * len(cats)
    for oc, (color, _, _) in OUTCOME_STYLES.items():
        vals = [activity[c].get(oc, 0) for c in cats]
        ax.barh(range(len(cats)), vals, left=left, color=color, label=vocab.label("outcome", oc, lang))
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(range(len(cats)), [_short(_name(G, c)) for c in cats], fontsize=8)
    ax.legend(fontsize=8, loc="lower right")
    ax.tick_params(axis="x", labelsize=8)
    fig.tight_layout()
    return _png(fig)


def _short(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------------------------------- report
_CSS = """
body { font-family: system-ui, "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 0; color: #222; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px 0; } h2 { margin-top: 34px; border-bottom: 2px solid #1f4e9c; padding-bottom: 4px; }
h3 { margin: 18px 0 6px 0; font-size: 15px; }
.sub { color: #666; } .absent { color: #8a5a00; font-style: italic; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f4f9; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; display: block; margin: 8px 0; }
iframe { width: 100%; height: 720px; border: 1px solid #ccc; }
ul.reasons { margin: 0; padding-left: 18px; }
nav a { margin-right: 12px; }
"""


def territory_report(
    G=None,
    *,
    summary=None,
    by_year=None,
    brokers=None,
    suggestions=None,
    catalyser_activity=None,
    mixing=None,
    map_html=None,
    lang: str = "fr",
    title: str | None = None,
    top: int = 15,
    notes: dict | None = None,
) -> dict:
    """The report's files: {"report.html": str, "map.html": str?, "img/<chart>.png": bytes...}.

    `notes` maps the names of `summary` and `by_year` measures to one line on what each says (see
    `catalyse.i18n.explain`): a column of the key measures, a legend below the evolution table. Brokerage roles
    are explained under their heading.
    """
    notes = dict(notes or {})
    T = ui(lang)
    files: dict = {}
    sections: list[tuple[str, str, str]] = []  # (anchor, heading, body html)
    absent = f'<p class="absent">{_e(T["absent"])}</p>'
    no_mpl = "" if _matplotlib() else f'<p class="absent">{_e(T["no_matplotlib"])}</p>'

    def chart(name, png, alt):
        if png is None:
            return no_mpl
        files[f"img/{name}.png"] = png
        return _img(png, alt)

    # key measures
    if summary:
        rows = "".join(
            f"<tr><td>{_e(str(k))}</td><td class=num>{_e(fmt_number(v, lang))}</td>"
            + (f"<td class=meaning>{_e(notes.get(k, ''))}</td>" if notes else "")
            + "</tr>"
            for k, v in summary.items()
        )
        meaning = f"<th>{_e(T['meaning'])}</th>" if notes else ""
        body = f"<table><tr><th>{_e(T['measure'])}</th><th>{_e(T['value'])}</th>{meaning}</tr>{rows}</table>"
    else:
        body = absent
    sections.append(("measures", T["key_measures"], body))

    years = _years(by_year)
    if years:
        measures = sorted({m for row in years.values() for m in row})
        head = "".join(f"<th>{_e(str(m))}</th>" for m in measures)
        rows = "".join(
            f"<tr><td>{_e(str(y))}</td>"
            + "".join(f"<td class=num>{_e(fmt_number(row[m], lang)) if m in row else ''}</td>" for m in measures)
            + "</tr>"
            for y, row in years.items()
        )
        body = (
            chart("evolution", _chart_years(years, T, lang), T["evolution"])
            + f"<table><tr><th>{_e(T['year'])}</th>{head}</tr>{rows}</table>"
        )
        lines = [f"<li><b>{_e(str(m))}</b> — {_e(notes[m])}</li>" for m in measures if m in notes]
        if lines:
            body += f"<p class=sub>{_e(T['legend_measures'])}</p><ul class=legend>{''.join(lines)}</ul>"
    else:
        body = absent
    sections.append(("evolution", T["evolution"], body))

    mix = _mixing(mixing)
    if mix and mix[0]:
        r, c, m = mix
        body = f"<p class=sub>{_e(T['mixing_help'])}</p>" + chart("mixing", _chart_mixing(r, c, m, lang), T["mixing"])
        if not _matplotlib():
            body += (
                "<table><tr><th></th>"
                + "".join(f"<th>{_e(_sector(x, lang))}</th>" for x in c)
                + "</tr>"
                + "".join(
                    f"<tr><th>{_e(_sector(x, lang))}</th>"
                    + "".join(f"<td class=num>{_e(fmt_number(v, lang))}</td>" for v in row)
                    + "</tr>"
                    for x, row in zip(r, m)
                )
                + "</table>"
            )
    else:
        body = absent
    sections.append(("mixing", T["mixing"], body))

    bro = _brokers(brokers)
    if bro:
        body = chart("brokers", _chart_brokers(bro, G, T), T["brokers"])
        for role, rows in bro.items():
            body += (
                f"<h3>{_e(_role_label(role, T))}</h3>"
                + (f"<p class=sub>{_e(explain(role, lang))}</p>" if role in MEASURES else "")
                + f"<table><tr><th>{_e(T['rank'])}</th>"
                f"<th>{_e(T['organisation'])}</th><th>{_e(T['score'])}</th></tr>"
                + "".join(
                    f"<tr><td class=num>{i}</td><td>{_e(_name(G, o))}</td>"
                    f"<td class=num>{_e(fmt_number(s, lang))}</td></tr>"
                    for i, (o, s) in enumerate(rows[:top], 1)
                )
                + "</table>"
            )
    else:
        body = absent
    sections.append(("brokers", T["brokers"], body))

    sugg = sorted(map(normalise_suggestion, suggestions or ()), key=lambda s: -(_num(s["score"]) or 0.0))[:top]
    if sugg:
        body = (
            f"<table><tr><th>{_e(T['rank'])}</th><th>{_e(T['organisation'])} A</th>"
            f"<th>{_e(T['organisation'])} B</th><th>{_e(T['score'])}</th><th>{_e(T['reasons'])}</th></tr>"
        )
        for i, s in enumerate(sugg, 1):
            reasons = "".join(f"<li>{_e(str(r))}</li>" for r in (_get(s, "reasons") or ()))
            intro = _get(s, "introducer")
            if intro is not None:
                reasons += f"<li>{_e(T['introducer'].format(name=_name(G, intro)))}</li>"
            body += (
                f"<tr><td class=num>{i}</td><td>{_e(_name(G, _get(s, 'a')))}</td>"
                f"<td>{_e(_name(G, _get(s, 'b')))}</td>"
                f"<td class=num>{_e(fmt_number(_num(_get(s, 'score')) or 0.0, lang))}</td>"
                f"<td><ul class=reasons>{reasons}</ul></td></tr>"
            )
        body += "</table>"
    else:
        body = absent
    sections.append(("suggestions", T["top_suggestions"], body))

    act = _activity(catalyser_activity)
    if act:
        outcomes = list(vocab.codes("outcome"))
        body = chart("activity", _chart_activity(act, G, lang), T["activity"])
        body += (
            f"<table><tr><th>{_e(T['catalyser'])}</th>"
            + "".join(f"<th>{_e(vocab.label('outcome', o, lang))}</th>" for o in outcomes)
            + f"<th>{_e(T['total'])}</th></tr>"
        )
        for c in sorted(act, key=lambda c: (-sum(act[c].values()), str(c))):
            body += (
                f"<tr><td>{_e(_name(G, c))}</td>"
                + "".join(f"<td class=num>{act[c].get(o, 0)}</td>" for o in outcomes)
                + f"<td class=num>{sum(act[c].values())}</td></tr>"
            )
        body += "</table>"
    else:
        body = absent
    sections.append(("activity", T["activity"], body))

    map_hashes: list[str] = []
    if map_html:
        files["map.html"] = map_html
        map_hashes = script_hashes_of(map_html) or ["'unsafe-inline'"]
        body = (
            f'<iframe title="{_e(T["map"])}" sandbox="allow-scripts" '
            f'srcdoc="{html.escape(map_html, quote=True)}"></iframe>'
            f"<p class=sub>{_e(T['open_map'].format(file='map.html'))}</p>"
        )
    else:
        body = absent
    sections.append(("map", T["map"], body))

    # The map's scripts run in a sandboxed srcdoc frame, which inherits this page's policy: allow exactly them.
    script_src = " ".join(map_hashes) if map_hashes else "'none'"
    policy = (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {script_src}; "
        "base-uri 'none'; form-action 'none'"
    )
    title = title or T["report_title"]
    nav = "".join(f'<a href="#{a}">{_e(h)}</a>' for a, h, _ in sections)
    page = "".join(
        [
            f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "fr"}">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(policy, quote=False)}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n",
            f"<h1>{_e(title)}</h1>\n<p class=sub>{_e(T['generated'].format(date=_dt.date.today().isoformat()))}</p>\n",
            f"<nav>{nav}</nav>\n",
            "".join(f'<section id="{a}"><h2>{_e(h)}</h2>\n{b}\n</section>\n' for a, h, b in sections),
            "</main>\n</body>\n</html>\n",
        ]
    )
    files["report.html"] = page
    return files

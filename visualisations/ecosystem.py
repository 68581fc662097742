"""Interactive, self-contained, offline HTML views of a territory's ecosystem.

Four views, each returning ONE HTML string (write it with `encoding="utf-8"`):

- `ecosystem_map(G, size_by=..., measures=..., geo=...)`: the tie graph, coloured by sector, sized by a measure,
  with search, filters (sector, commune, département, theme, tie type), neighbourhood highlight, legend;
  above `max_nodes` organisations it is grouped into super-nodes (Louvain communities, or communes /
  départements) that expand on click.
- `ego_view(G, org, suggestions)`: an organisation's neighbourhood and its suggested introductions (dashed).
- `alliance_view(B)`: the bipartite organisation–alliance graph.
- `catalyser_view(G, catalyser, introductions)`: a catalyser's introductions and their outcomes.

Why our own template rather than `pyvis.network.Network.write_html`
--------------------------------------------------------------------
pyvis 0.3.2's template loads vis-network, Bootstrap and tom-select from CDNs even with
`cdn_resources="in_line"`, puts titles in as HTML, has no legend and its physics crawls on large graphs. So pyvis
is used for what it does well and safely — the `Network` object holds the nodes and edges (built with pyvis'
own `Node`/`Edge` classes) and the vis-network options (`toggle_physics`, `set_edge_smooth`,
`toggle_hide_edges_on_drag`, `get_network_data`), and pyvis ships the vis-network 9.1.2 JS/CSS we inline — while
the page itself comes from `visualisations._page`: one file, no request (a CSP forbids any), data in escaped JSON,
user text only through `textContent`/plain-text titles, and precomputed positions with physics off.
(`Network.add_node`/`add_edge` are avoided only because their duplicate checks are quadratic.)
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

import networkx as nx
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from catalyse.graphcore import vocab
from catalyse.i18n import MEASURES, explain, fmt_number, measure_name, theme_label, ui

from . import layout
from ._page import render_page

__all__ = ["ecosystem_map", "ego_view", "alliance_view", "catalyser_view", "SECTOR_COLORS", "TIE_STYLES"]

#: Sector colours (colour-blind-aware, distinct in print).
SECTOR_COLORS = {
    "local_authority": "#1f4e9c",
    "state_service": "#6b9bd8",
    "association": "#e6862e",
    "foundation": "#d4b22a",
    "company": "#7a4fa0",
    "social_economy": "#2e9e5b",
    "academic": "#d1495b",
    "institution": "#8c6d46",
    "other": "#9e9e9e",
}
_UNKNOWN_COLOR = "#bdbdbd"

#: Tie type -> (colour, dashes, base width); an edge with several types takes the first of this order.
TIE_STYLES = {
    "co_project": ("#2e7d32", False, 2.6),
    "funding": ("#c62828", False, 2.2),
    "partnership": ("#1565c0", False, 2.0),
    "membership": ("#8e6bbf", [2, 5], 1.6),
    "introduced": ("#ef6c00", [6, 4], 1.6),
    "exchange": ("#78909c", [10, 6], 1.2),
}
_OTHER_TIE = ("#90a4ae", False, 1.2)
SUGGESTION_STYLE = ("#d6336c", [10, 7], 2.5)

ROLE_STYLES = {
    "lead": ("#37474f", False, 3.2),
    "partner": ("#90a4ae", False, 1.6),
    "funder": ("#c62828", [8, 5], 2.0),
    "catalyser": ("#2e9e5b", [2, 5], 2.4),
}
STATUS_COLORS = {"emerging": "#ffd166", "active": "#06a77d", "ended": "#8d99ae", "abandoned": "#ef476f"}
OUTCOME_STYLES = {
    "pending": ("#8a8f98", [8, 6], 2.0),
    "met": ("#1565c0", False, 2.5),
    "alliance_formed": ("#2b9348", False, 4.5),
    "declined": ("#c92a2a", [2, 5], 2.0),
}


# --------------------------------------------------------------------------------------------------- helpers
def _get(obj, key, default=None):
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def normalise_suggestion(s) -> dict:
    """A suggestion as `{"a", "b", "score", "reasons", "introducer"}`: accepts that dict shape and also
    `queries.suggestions.Suggestion`-like objects (`org`, `partner`, `score`, `reasons`, `introducer`)."""
    a = _get(s, "a", _get(s, "org"))
    b = _get(s, "b", _get(s, "partner"))
    return {
        "a": a,
        "b": b,
        "score": _get(s, "score"),
        "reasons": list(_get(s, "reasons") or ()),
        "introducer": _get(s, "introducer"),
    }


def _name(G, n) -> str:
    if n in G:
        return str(G.nodes[n].get("name") or n)
    return str(n)


def _sector_label(code, lang):
    return vocab.label("sector", code, lang) if code else "?"


def _finite(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _scale_sizes(nodes, values: dict, lo: float = 9.0, hi: float = 38.0) -> dict:
    vals = {n: _finite(values.get(n)) for n in nodes}
    present = [v for v in vals.values() if v is not None]
    if not present:
        return {n: (lo + hi) / 3 for n in nodes}
    mn, mx = min(present), max(present)
    out = {}
    for n, v in vals.items():
        if v is None:
            out[n] = lo * 0.8
        elif mx == mn:
            out[n] = (lo + hi) / 3
        else:
            out[n] = lo + (hi - lo) * math.sqrt((v - mn) / (mx - mn))
    return out


def _territory_text(d: dict, T) -> str | None:
    parts = []
    if d.get("commune"):
        parts.append(f"{T['commune']} {d['commune']}")
    if d.get("departement"):
        parts.append(f"{T['departement']} {d['departement']}")
    if d.get("region") and not parts:
        parts.append(str(d["region"]))
    return " · ".join(parts) or None


def _org_title(G, n, lang, measures: dict | None) -> str:
    T = ui(lang)
    d = G.nodes[n]
    sector = _sector_label(d.get("sector"), lang)
    if d.get("type") and str(d["type"]) != sector:  # the person's own word, beside the sector
        sector += f" ({d['type']})"
    lines = [_name(G, n), f"{T['sector']} : {sector}" if lang != "en" else f"{T['sector']}: {sector}"]
    sep = " : " if lang != "en" else ": "
    if d.get("catalyser"):
        mets = ", ".join(vocab.label("metier", m, lang) for m in d.get("metiers", ()) or ())
        lines.append(T["catalyser"] + (f" — {T['metiers']}{sep}{mets}" if mets else ""))
    terr = _territory_text(d, T)
    if terr:
        lines.append(f"{T['territory']}{sep}{terr}")
    themes = d.get("themes") or ()
    if themes:
        lines.append(f"{T['themes']}{sep}" + ", ".join(theme_label(str(t), lang) for t in themes))
    for mname, values in (measures or {}).items():
        if isinstance(values, dict) and n in values:
            lines.append(f"{mname}{sep}{fmt_number(values[n], lang)}")
    return "\n".join(lines)


def _pairs(G) -> dict:
    """One record per unordered pair: types, weight, ties, start, the directions present."""
    arcs: dict = {}
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        rec = arcs.setdefault((u, v), {"types": set(), "weight": 0.0, "ties": 0, "start": None})
        types = d.get("types")
        if types is None and d.get("type"):
            types = (d["type"],)
        rec["types"].update(types or ())
        rec["weight"] += _finite(d.get("weight", 1.0)) or 0.0
        rec["ties"] += int(d.get("ties", 1) or 1)
        if d.get("start"):
            rec["start"] = min(filter(None, [rec["start"], str(d["start"])]))
    pairs: dict = {}
    for (u, v), rec in arcs.items():
        key = (u, v) if (str(u), repr(u)) <= (str(v), repr(v)) else (v, u)
        p = pairs.setdefault(key, {"types": set(), "weight": 0.0, "ties": 0, "start": None, "dirs": set()})
        p["types"] |= rec["types"]
        p["weight"] = max(p["weight"], rec["weight"])
        p["ties"] = max(p["ties"], rec["ties"])
        p["start"] = min(filter(None, [p["start"], rec["start"]]), default=None)
        p["dirs"].add((u, v))
    return pairs


def _tie_style(types) -> tuple:
    for t in TIE_STYLES:
        if t in types:
            return TIE_STYLES[t]
    return _OTHER_TIE


class _View:
    """Collects nodes and edges in a pyvis `Network` and renders them with our page."""

    def __init__(self, lang: str, *, directed: bool = False):
        self.lang = lang
        self.T = ui(lang)
        self.net = Network(height="100%", width="100%", directed=directed, cdn_resources="in_line")
        self.index: dict = {}
        self.supers: list = []

    def node(self, key, *, label, title, color, size, x, y, shape="dot", **extra) -> int:
        idx = len(self.net.nodes)
        opts = {
            "title": title,
            "color": color,
            "size": round(float(size), 1),
            "x": round(float(x), 1),
            "y": round(float(y), 1),
            "key": str(key),
            **extra,
        }
        n = Node(idx, shape, str(label), **opts)
        self.net.nodes.append(n.options)
        self.net.node_ids.append(idx)
        self.net.node_map[idx] = n.options
        self.index[key] = idx
        return idx

    def edge(self, u, v, *, color, width, dashes, title, cats, arrow=False, opacity=None) -> None:
        opts = {
            "color": color,
            "width": round(float(width), 2),
            "dashes": dashes,
            "title": title,
            "cats": list(cats),
            "id": f"e{len(self.net.edges)}",
        }
        if opacity is not None:
            opts["opacity"] = opacity
        e = Edge(self.index[u], self.index[v], directed=arrow, **opts)
        self.net.edges.append(e.options)

    def options(self) -> dict:
        net = self.net
        n_edges = len(net.edges)
        net.toggle_physics(False)
        net.toggle_hide_edges_on_drag(n_edges > 3000)
        if n_edges > 1500:
            net.options.edges.smooth.enabled = False
        else:
            net.set_edge_smooth("continuous")
        net.inherit_edge_colors(False)
        if n_edges > 250:  # dense views: thinner, lighter edges so that nodes stay readable
            for e in net.edges:
                e["width"] = round(max(0.6, e["width"] * 0.55), 2)
                e.setdefault("opacity", 0.45)
        *_, options_json = net.get_network_data()
        opts = json.loads(options_json)
        opts["interaction"].update(
            {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False, "multiselect": False}
        )
        opts["layout"] = {"improvedLayout": False, "randomSeed": 7}
        opts["nodes"] = {
            "shape": "dot",
            "scaling": {"label": {"enabled": False, "drawThreshold": 6}},
            "font": {"size": 14},
        }
        opts["edges"]["selectionWidth"] = 2
        opts["edges"]["hoverWidth"] = 1.5
        return opts

    def render(self, *, title, subtitle=(), notes=(), filters=(), legend=(), lists=(), frames=()) -> str:
        nodes, edges, *_ = self.net.get_network_data()
        data = {
            "ui": self.T,
            "title": title,
            "subtitle": list(subtitle),
            "notes": list(notes),
            "options": self.options(),
            "nodes": nodes,
            "edges": edges,
            "supers": self.supers,
            "filters": [f for f in filters if f["options"]],
            "legend": [s for s in legend if s["items"]],
            "lists": [x for x in lists if x["items"]],
        }
        if frames:  # labelled boxes drawn under the network (the overseas insets of the geographic map)
            data["frames"] = list(frames)
        return render_page(data, title=title, lang=self.lang)


def _count_options(values, label=lambda v: v, order=None) -> list:
    counts = Counter(values)
    keys = (
        [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
        if order
        else sorted(counts, key=str)
    )
    return [[k, label(k), counts[k]] for k in keys]


def _org_filters(G, nodes, lang, kinds=None) -> list:
    T = ui(lang)
    data = [G.nodes[n] for n in nodes]
    extra = {"kinds": kinds} if kinds else {}
    return [
        {
            "key": "sector",
            "label": T["sector"],
            "attr": "sector",
            **extra,
            "options": _count_options(
                [d.get("sector") for d in data if d.get("sector")],
                lambda c: _sector_label(c, lang),
                vocab.codes("sector"),
            ),
        },
        {
            "key": "commune",
            "label": T["commune"],
            "attr": "commune",
            "options": _count_options([str(d["commune"]) for d in data if d.get("commune")]),
        },
        {
            "key": "departement",
            "label": T["departement"],
            "attr": "departement",
            "options": _count_options([str(d["departement"]) for d in data if d.get("departement")]),
        },
        {
            "key": "theme",
            "label": T["theme"],
            "attr": "themes",
            "options": _count_options(
                [str(t) for d in data for t in (d.get("themes") or ())], lambda t: theme_label(t, lang)
            ),
        },
    ]


def _org_extra(G, n) -> dict:
    d = G.nodes[n]
    out = {
        "sector": d.get("sector"),
        "themes": [str(t) for t in (d.get("themes") or ())],
        "kind": d.get("kind", "organisation"),
    }
    for k in ("commune", "departement"):
        if d.get(k):
            out[k] = str(d[k])
    return out


def _sector_legend(G, nodes, lang) -> dict:
    present = {G.nodes[n].get("sector") for n in nodes}
    items = [
        {"type": "node", "color": SECTOR_COLORS[c], "label": _sector_label(c, lang)}
        for c in vocab.codes("sector")
        if c in present
    ]
    if present - set(SECTOR_COLORS):
        items.append({"type": "node", "color": _UNKNOWN_COLOR, "label": "?"})
    return {"title": ui(lang)["sectors"], "items": items}


def _color(G, n) -> str:
    return SECTOR_COLORS.get(G.nodes[n].get("sector"), _UNKNOWN_COLOR)


def _tie_edges(view: _View, G, pairs: dict, lang: str, only=None, opacity=None) -> set:
    """Add the tie edges (optionally only among `only`); returns the tie types drawn."""
    T = ui(lang)
    sep = " : " if lang != "en" else ": "
    seen = set()
    for (u, v), p in sorted(pairs.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        if only is not None and (u not in only or v not in only):
            continue
        if u not in view.index or v not in view.index:
            continue
        types = sorted(p["types"])
        seen.update(types)
        color, dashes, base = _tie_style(p["types"])
        width = base * (1 + 0.35 * math.log1p(max(p["weight"], 1.0) - 1))
        lines = [
            T["from_to"].format(a=_name(G, u), b=_name(G, v))
            if len(p["dirs"]) == 1 and G.is_directed()
            else f"{_name(G, u)} — {_name(G, v)}"
        ]
        lines.append(", ".join(vocab.label("tie_type", t, lang) for t in types) or T["existing_tie"])
        if p["ties"] > 1:
            lines.append(T["ties_count"].format(n=p["ties"]))
        if p["start"]:
            lines.append(T["since"].format(date=p["start"]))
        arrow = G.is_directed() and len(p["dirs"]) == 1
        a, b = next(iter(p["dirs"])) if arrow else (u, v)
        view.edge(
            a,
            b,
            color=color,
            width=width,
            dashes=dashes,
            title="\n".join(lines),
            cats=types,
            arrow=arrow,
            opacity=opacity,
        )
    del sep
    return seen


def _tie_legend(types, lang) -> dict:
    items = []
    for t, (color, dashes, width) in TIE_STYLES.items():
        if t in types:
            items.append(
                {
                    "type": "edge",
                    "color": color,
                    "dashes": bool(dashes),
                    "width": width,
                    "label": vocab.label("tie_type", t, lang),
                }
            )
    return {"title": ui(lang)["tie_types"], "items": items}


def _tie_filter(types, lang, extra=()) -> dict:
    opts = [[t, vocab.label("tie_type", t, lang)] for t in TIE_STYLES if t in types]
    opts += sorted([t, vocab.label("tie_type", t, lang)] for t in types if t not in TIE_STYLES)
    return {"key": "tie_type", "label": ui(lang)["tie_type"], "edge": True, "options": opts + list(extra)}


def _auto_positions(G, seed: int) -> dict:
    if G.number_of_nodes() <= 400:
        return layout.spring(G, seed=seed)
    pos, _ = layout.clustered(G, layout.communities(G), seed=seed)
    return pos


# --------------------------------------------------------------------------------------------- ecosystem_map
def ecosystem_map(
    G,
    *,
    size_by=None,
    measures=None,
    lang: str = "fr",
    geo: bool = False,
    title: str | None = None,
    size_label: str | None = None,
    max_nodes: int = 3000,
    group_by: str | None = None,
    seed: int = 7,
    communities: dict | None = None,
) -> str:
    """The interactive map of a tie graph (see docs/graphs.md) as one self-contained HTML string.

    size_by: dict node -> value (degree, betweenness, brokerage, constraint…), or the name of one of `measures`;
        default: degree. measures: dict measure name -> dict node -> value, shown in tooltips.
    geo: place organisations by `lat`/`lon` (equirectangular, physics off, no tiles); those of the overseas
        départements and regions in labelled insets left of the mainland (`layout.geographic_insets`); those
        without coordinates at their commune's position (spread around it, the tooltip saying the position is
        approximate), and those with neither in a grid under the map.
    max_nodes: above this many organisations the view starts grouped in super-nodes by `group_by`
        ("community" — Louvain, seeded — by default, or "commune"/"departement"; "commune" by default with geo).
    communities: the territory's community partition {node: label} (`queries.structure.communities`, computed
        once per loaded graph by the workspace), used for the clusters and given on each node as ``community``;
        computed here when not given.
    """
    T = ui(lang)
    measures = dict(measures or {})
    if isinstance(size_by, str):
        size_label = size_label or size_by
        size_by = measures.get(size_by)
        if size_by is None:
            raise KeyError(f"size_by names no measure among {sorted(measures)}")
    if size_by is None:
        size_by = dict(G.degree())
        size_label = size_label or "degree"
    if size_label in MEASURES:  # a measure's key: its name and what it says
        size_label = f"{measure_name(size_label, lang)} — {explain(size_label, lang)}"
    nodes = list(G.nodes)
    n_orgs = len(nodes)
    aggregate = n_orgs > max_nodes
    group_by = group_by or ("commune" if geo else "community")
    notes = []

    groups = None
    frames = []
    at_commune: dict = {}  # organisations drawn at their commune's position, said in their tooltip
    if geo:
        at_commune = layout.commune_positions(G)
        pos, missing, insets = layout.geographic_insets(G)
        frames = [
            {
                "code": i.code,
                "label": i.label(lang),
                "x0": round(i.box[0], 1),
                "y0": round(i.box[1], 1),
                "x1": round(i.box[2], 1),
                "y1": round(i.box[3], 1),
            }
            for i in insets
        ]
        pos.update(layout.below(pos, missing))
        if missing:
            notes.append(T["no_coordinates"].format(n=len(missing)))
    if aggregate or (not geo and n_orgs > 400):
        if group_by == "community" or not aggregate:
            groups = layout.communities(G, membership=communities)
        else:
            groups = {n: G.nodes[n].get(group_by) or "?" for n in nodes}
        if not geo:
            pos, centres = layout.clustered(G, groups, seed=seed)
    elif not geo:
        pos = layout.spring(G, seed=seed)

    sizes = _scale_sizes(nodes, size_by)
    view = _View(lang, directed=G.is_directed())
    for n in sorted(nodes, key=str):
        x, y = pos[n]
        tooltip = _org_title(G, n, lang, measures)
        if n in at_commune:
            tooltip += "\n" + T["position_estimated" if at_commune[n][2] else "position_commune"]
        view.node(
            n,
            label=_name(G, n),
            title=tooltip,
            color=_color(G, n),
            size=sizes[n],
            x=x,
            y=y,
            **_org_extra(G, n),
            **({"community": communities[n]} if communities is not None and n in communities else {}),
        )
    pairs = _pairs(G)
    types = _tie_edges(view, G, pairs, lang)

    if aggregate:
        assert groups is not None  # grouped above whenever aggregate
        _add_supers(view, G, groups, group_by, pos, sizes, lang)
        notes.append(T["aggregated"].format(n=max_nodes, by=T["by_" + group_by]))

    subtitle = [T["n_orgs"].format(n=n_orgs, e=len(pairs))]
    legend = [
        _sector_legend(G, nodes, lang),
        _tie_legend(types, lang),
        {"title": T["size"], "items": [{"type": "node", "color": "#cfd8dc", "label": str(size_label)}]},
    ]
    if aggregate:
        legend.append(
            {
                "title": T["legend"],
                "items": [{"type": "node", "color": "#ffffff", "border": "#37474f", "label": T["super_node"]}],
            }
        )
    filters = _org_filters(G, nodes, lang) + [_tie_filter(types, lang)]
    return view.render(
        title=title or T["map_title"], subtitle=subtitle, notes=notes, filters=filters, legend=legend, frames=frames
    )


def _add_supers(view: _View, G, groups: dict, group_by: str, pos: dict, sizes: dict, lang: str) -> None:
    T = ui(lang)
    members = defaultdict(list)
    for n, g in groups.items():
        members[g].append(n)
    keys = sorted(members, key=lambda g: (g == -1 or g == "?", -len(members[g]), str(g)))
    base = len(view.net.nodes)
    for i, g in enumerate(keys):
        ms = members[g]
        sid = base + i
        if group_by == "community":
            label = T["isolated"] if g == -1 else T["community"].format(n=int(g) + 1)
        elif g == "?":
            label = T["unknown_territory"]
        else:
            label = f"{T[group_by]} {g}"
        sectors = Counter(G.nodes[n].get("sector") for n in ms)
        top_sector = sectors.most_common(1)[0][0]
        share = ", ".join(f"{_sector_label(s, lang)} {round(100 * c / len(ms))} %" for s, c in sectors.most_common(4))
        top = sorted(ms, key=lambda n: (-sizes.get(n, 0), str(n)))[:5]
        title = "\n".join(
            [label, T["members"].format(n=len(ms)), share, T["top_members"]]
            + ["• " + _name(G, n) for n in top]
            + [T["super_node"]]
        )
        xs = [pos[n][0] for n in ms]
        ys = [pos[n][1] for n in ms]
        color = SECTOR_COLORS.get(top_sector, _UNKNOWN_COLOR)
        view.supers.append(
            {
                "id": sid,
                "key": f"group:{g}",
                "label": f"{label} · {len(ms)}",
                "title": title,
                "shape": "dot",
                "size": min(14 + 3.2 * math.sqrt(len(ms)), 80),
                "x": round(sum(xs) / len(xs), 1),
                "y": round(sum(ys) / len(ys), 1),
                "borderWidth": 4,
                "fontSize": 18,
                "color": {"background": color, "border": "#263238"},
                "members": [view.index[n] for n in ms],
            }
        )
        for n in ms:
            view.net.node_map[view.index[n]]["super"] = sid


# -------------------------------------------------------------------------------------------------- ego_view
def ego_view(
    G,
    org,
    suggestions,
    *,
    lang: str = "fr",
    radius: int = 1,
    measures=None,
    title: str | None = None,
    max_suggestions: int = 25,
    seed: int = 7,
) -> str:
    """An organisation's neighbourhood (radius 1 or 2) and its suggested introductions as dashed edges.

    suggestions: iterable of dicts `{"a": id, "b": id, "score": float, "reasons": [str, ...],
    "introducer": id | None}`; only those involving `org` are drawn (best scores first).
    """
    if org not in G:
        raise KeyError(f"unknown organisation {org!r}")
    T = ui(lang)
    radius = 2 if radius >= 2 else 1
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    H = nx.ego_graph(U, org, radius=radius)
    mine = [s for s in map(normalise_suggestion, suggestions or ()) if org in (s["a"], s["b"])]
    mine.sort(key=lambda s: (-(_finite(_get(s, "score")) or 0.0), str(_get(s, "a")), str(_get(s, "b"))))
    mine = mine[:max_suggestions]
    others = []
    for s in mine:
        other = _get(s, "b") if _get(s, "a") == org else _get(s, "a")
        if other in G and other != org:
            others.append((other, s))
    introducers = {_get(s, "introducer") for _, s in others if _get(s, "introducer") in G}

    L = nx.Graph()
    L.add_nodes_from(H.nodes)
    L.add_edges_from(H.edges())
    for other, _ in others:
        L.add_edge(org, other)
    for i in introducers:
        L.add_node(i)
        for other, s in others:
            if _get(s, "introducer") == i:
                L.add_edge(i, other)
        L.add_edge(i, org)
    pos = layout.spring(L, seed=seed)
    cx, cy = pos[org]
    pos = {n: (x - cx, y - cy) for n, (x, y) in pos.items()}

    degree = dict(U.degree(L.nodes))
    sizes = _scale_sizes(list(L.nodes), degree, lo=10, hi=28)
    sizes[org] = 38
    suggested = {o for o, _ in others}
    view = _View(lang, directed=G.is_directed())
    for n in sorted(L.nodes, key=str):
        extra = _org_extra(G, n)
        style = {}
        if n == org:
            style = {"borderWidth": 5, "fontSize": 18, "color": {"background": _color(G, n), "border": "#111111"}}
        elif n in suggested and n not in H:
            style = {
                "borderWidth": 3,
                "shapeProperties": {"borderDashes": [4, 3]},
                "color": {"background": _color(G, n), "border": SUGGESTION_STYLE[0]},
            }
        view.node(
            n,
            label=_name(G, n),
            title=_org_title(G, n, lang, measures),
            color=style.pop("color", _color(G, n)),
            size=sizes[n],
            x=pos[n][0],
            y=pos[n][1],
            **style,
            **extra,
        )
    types = _tie_edges(view, G, _pairs(G.subgraph(L.nodes)), lang)

    sep = " : " if lang != "en" else ": "
    items = []
    color, dashes, base = SUGGESTION_STYLE
    top = max([_finite(_get(s, "score")) or 0.0 for _, s in others] or [1.0]) or 1.0
    for other, s in others:
        score = _finite(_get(s, "score")) or 0.0
        reasons = [str(r) for r in (_get(s, "reasons") or ())]
        lines = [f"{T['suggestion']} — {T['score']} {fmt_number(score, lang)}", f"{_name(G, org)} — {_name(G, other)}"]
        if reasons:
            lines.append(T["why"])
            lines += ["• " + r for r in reasons]
        intro = _get(s, "introducer")
        if intro is not None:
            lines.append(T["introducer"].format(name=_name(G, intro)))
        view.edge(
            org,
            other,
            color=color,
            width=base + 2.5 * max(score, 0) / top,
            dashes=dashes,
            title="\n".join(lines),
            cats=["suggestion"],
        )
        items.append(
            {
                "text": f"{_name(G, other)} ({T['score']} {fmt_number(score, lang)})",
                "sub": "; ".join(reasons[:2]) if reasons else None,
                "node": view.index[other],
            }
        )
    del sep

    legend = [
        {
            "title": T["legend"],
            "items": [
                {"type": "node", "color": _color(G, org), "border": "#111111", "label": T["centre"]},
                {"type": "node", "color": "#ffffff", "border": SUGGESTION_STYLE[0], "label": T["suggested_org"]},
                {"type": "edge", "color": color, "dashes": True, "width": 3, "label": T["suggestion"]},
            ],
        },
        _sector_legend(G, list(L.nodes), lang),
        _tie_legend(types, lang),
    ]
    filters = _org_filters(G, list(L.nodes), lang) + [
        _tie_filter(types, lang, extra=[["suggestion", T["suggestions"]]] if others else [])
    ]
    return view.render(
        title=title or T["ego_title"].format(name=_name(G, org)),
        subtitle=[T["n_orgs"].format(n=L.number_of_nodes(), e=len(view.net.edges))],
        filters=filters,
        legend=legend,
        lists=[{"title": T["suggestions"], "items": items}],
    )


# --------------------------------------------------------------------------------------------- alliance_view
def alliance_view(B, *, lang: str = "fr", title: str | None = None, seed: int = 7) -> str:
    """The bipartite organisation–alliance graph (docs/graphs.md, `alliance_graph`)."""
    T = ui(lang)
    sep = " : " if lang != "en" else ": "
    alliances = [n for n, d in B.nodes(data=True) if d.get("kind") == "alliance" or d.get("bipartite") == 1]
    aset = set(alliances)
    orgs = [n for n in B if n not in aset]
    pos = _auto_positions(B, seed)
    deg = dict(B.degree())
    org_sizes = _scale_sizes(orgs, deg, lo=9, hi=26)
    view = _View(lang)
    for n in sorted(orgs, key=str):
        view.node(
            n,
            label=_name(B, n),
            title=_org_title(B, n, lang, None),
            color=_color(B, n),
            size=org_sizes[n],
            x=pos[n][0],
            y=pos[n][1],
            **_org_extra(B, n),
        )
    statuses = set()
    for n in sorted(alliances, key=str):
        d = B.nodes[n]
        status = d.get("status")
        statuses.add(status)
        roles = Counter(B.edges[n, m].get("role") for m in B[n])
        lines = [_name(B, n), f"{T['alliance']} — {vocab.label('status', status, lang) if status else '?'}"]
        if d.get("themes"):
            lines.append(f"{T['themes']}{sep}" + ", ".join(theme_label(str(t), lang) for t in d["themes"]))
        if d.get("start") or d.get("end"):
            lines.append(f"{T['period']}{sep}{d.get('start', '…')} – {d.get('end', '…')}")
        terr = _territory_text(d, T)
        if terr:
            lines.append(f"{T['territory']}{sep}{terr}")
        lines.append(
            T["members"].format(n=B.degree(n))
            + (
                " (" + ", ".join(f"{vocab.label('role', r, lang)} {c}" for r, c in roles.most_common() if r) + ")"
                if roles
                else ""
            )
        )
        extra = _org_extra(B, n)
        extra.update(kind="alliance", status=status)
        extra.pop("sector", None)
        view.node(
            n,
            label=_name(B, n),
            title="\n".join(lines),
            shape="diamond",
            color={"background": STATUS_COLORS.get(status, "#cccccc"), "border": "#37474f"},
            size=min(14 + 3 * math.sqrt(B.degree(n)), 40),
            x=pos[n][0],
            y=pos[n][1],
            borderWidth=2,
            fontSize=15,
            **extra,
        )
    roles_seen = set()
    for u, v, d in sorted(B.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        role = d.get("role")
        roles_seen.add(role)
        color, dashes, width = ROLE_STYLES.get(role, _OTHER_TIE)
        a, o = (u, v) if u in aset else (v, u)
        view.edge(
            o,
            a,
            color=color,
            width=width,
            dashes=dashes,
            cats=[role] if role else [],
            title=f"{_name(B, o)} — {_name(B, a)}\n{T['role']}{sep}{vocab.label('role', role, lang) if role else '?'}",
        )
    legend = [
        _sector_legend(B, orgs, lang),
        {
            "title": T["statuses"],
            "items": [
                {"type": "node", "shape": "diamond", "color": STATUS_COLORS[s], "label": vocab.label("status", s, lang)}
                for s in vocab.codes("status")
                if s in statuses
            ],
        },
        {
            "title": T["roles"],
            "items": [
                {"type": "edge", "color": c, "dashes": bool(dsh), "width": w, "label": vocab.label("role", r, lang)}
                for r, (c, dsh, w) in ROLE_STYLES.items()
                if r in roles_seen
            ],
        },
    ]
    filters = _org_filters(B, list(B.nodes), lang)
    filters[0]["kinds"] = ["organisation"]
    filters.insert(
        1,
        {
            "key": "status",
            "label": T["status"],
            "attr": "status",
            "kinds": ["alliance"],
            "options": _count_options(
                [B.nodes[a].get("status") for a in alliances if B.nodes[a].get("status")],
                lambda s: vocab.label("status", s, lang),
                vocab.codes("status"),
            ),
        },
    )
    filters.append(
        {
            "key": "role",
            "label": T["role"],
            "edge": True,
            "options": [[r, vocab.label("role", r, lang)] for r in vocab.codes("role") if r in roles_seen],
        }
    )
    return view.render(
        title=title or T["alliances_title"],
        subtitle=[f"{len(orgs)} {T['organisation'].lower()}(s), {len(alliances)} alliance(s)"],
        filters=filters,
        legend=legend,
    )


# -------------------------------------------------------------------------------------------- catalyser_view
def catalyser_view(G, catalyser, introductions, *, lang: str = "fr", title: str | None = None, seed: int = 7) -> str:
    """A catalyser, the introductions it made and their outcomes.

    introductions: `graphcore.model.Introduction` objects or dicts with `catalyser`, `a`, `b`, `date`, `note`,
    `outcome` (pending / met / alliance_formed / declined); those of other catalysers are ignored.
    """
    T = ui(lang)
    sep = " : " if lang != "en" else ": "
    mine = [i for i in (introductions or ()) if _get(i, "catalyser") == catalyser]
    mine.sort(key=lambda i: (str(_get(i, "date") or ""), str(_get(i, "a")), str(_get(i, "b"))), reverse=True)
    involved = {catalyser} | {_get(i, x) for i in mine for x in ("a", "b")}
    L = nx.Graph()
    L.add_nodes_from(involved)
    for i in mine:
        L.add_edge(_get(i, "a"), _get(i, "b"))
        L.add_edge(catalyser, _get(i, "a"))
        L.add_edge(catalyser, _get(i, "b"))
    pos = layout.spring(L, seed=seed)
    cx, cy = pos[catalyser]
    pos = {n: (x - cx, y - cy) for n, (x, y) in pos.items()}

    def name(n):
        return _name(G, n)

    view = _View(lang)
    for n in sorted(involved, key=str):
        if n in G:
            extra = _org_extra(G, n)
            title_n = _org_title(G, n, lang, None)
            color = _color(G, n)
        else:
            extra, title_n, color = {"kind": "organisation", "themes": []}, str(n), _UNKNOWN_COLOR
        if n == catalyser:
            view.node(
                n,
                label=name(n),
                title=title_n,
                shape="star",
                size=34,
                x=0,
                y=0,
                borderWidth=3,
                fontSize=18,
                color={"background": color, "border": "#111111"},
                **extra,
            )
        else:
            view.node(n, label=name(n), title=title_n, color=color, size=16, x=pos[n][0], y=pos[n][1], **extra)

    outcomes: Counter[str] = Counter()
    per_org = defaultdict(set)
    for i in mine:
        oc = _get(i, "outcome") or "pending"
        per_org[_get(i, "a")].add(oc)
        per_org[_get(i, "b")].add(oc)
    for n in sorted(per_org, key=str):
        if n != catalyser:
            view.edge(
                catalyser,
                n,
                color="#b0bec5",
                width=1.0,
                dashes=[2, 4],
                opacity=0.6,
                title=f"{T['introduced_by']}{sep}{name(catalyser)} → {name(n)}",
                cats=sorted(per_org[n]),
            )
    items = []
    for i in mine:
        a, b = _get(i, "a"), _get(i, "b")
        oc = _get(i, "outcome") or "pending"
        outcomes[oc] += 1
        color, dashes, width = OUTCOME_STYLES.get(oc, _OTHER_TIE)
        when = _get(i, "date")
        lines = [
            f"{name(a)} ↔ {name(b)}",
            f"{T['introduction']} — {when if when else '?'}",
            f"{T['outcome']}{sep}{vocab.label('outcome', oc, lang)}",
        ]
        note = _get(i, "note")
        if note:
            lines.append(f"{T['note']}{sep}{note}")
        view.edge(a, b, color=color, width=width, dashes=dashes, title="\n".join(lines), cats=[oc])
        items.append(
            {
                "text": f"{name(a)} ↔ {name(b)}",
                "sub": f"{when or '?'} · {vocab.label('outcome', oc, lang)}",
                "node": view.index[a],
            }
        )
    legend = [
        {
            "title": T["outcomes"],
            "items": [
                {
                    "type": "edge",
                    "color": c,
                    "dashes": bool(d),
                    "width": w,
                    "label": f"{vocab.label('outcome', o, lang)} ({outcomes.get(o, 0)})",
                }
                for o, (c, d, w) in OUTCOME_STYLES.items()
            ],
        },
        _sector_legend(G, [n for n in involved if n in G], lang),
    ]
    summary = (
        f"{len(mine)} {T['introductions'].lower()}"
        + (" : " if lang != "en" else ": ")
        + ", ".join(
            f"{outcomes[o]} {vocab.label('outcome', o, lang).lower()}" for o in vocab.codes("outcome") if outcomes[o]
        )
    )
    filters = [
        {
            "key": "outcome",
            "label": T["outcome"],
            "edge": True,
            "options": [
                [o, vocab.label("outcome", o, lang), outcomes[o]] for o in vocab.codes("outcome") if outcomes[o]
            ],
        }
    ] + _org_filters(G, [n for n in involved if n in G], lang)
    return view.render(
        title=title or T["catalyser_title"].format(name=name(catalyser)),
        subtitle=[summary],
        filters=filters,
        legend=legend,
        lists=[{"title": T["introductions"], "items": items}],
    )

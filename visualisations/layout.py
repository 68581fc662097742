"""Precomputed, seeded node positions, so that views open with physics off and draw at once.

- `spring`: networkx's Fruchterman–Reingold with few iterations (small graphs).
- `clustered`: communities (or any grouping) laid out as discs: the group graph by spring layout, discs pushed
  apart until they do not overlap, each group's members by spring layout inside its disc. Linear in the number
  of groups' members, so 5,000 organisations take about a second, and a group's members sit around the place of
  its super-node (drill-down shows them where the group was).
- `geographic`: equirectangular projection of `lat`/`lon`, scaled to the canvas; organisations of the overseas
  départements and regions (DROM) go into insets ("encarts", as on INSEE and IGN maps): each territory projected
  on its own, at its own scale, in a fixed-size box in a column left of the mainland (`geographic_insets` also
  returns those boxes, for the view to draw). An organisation without coordinates is drawn at its commune's
  position (`catalyse.graphcore.places`), the organisations of one commune on a small sunflower spiral around it
  (`commune_positions` says which, for the tooltip).

Positions are in vis-network pixels (y grows downwards).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import numpy as np

from catalyse.queries import structure
from catalyse.queries.structure import COMMUNITY_SEED

#: Rough pixel spacing between neighbouring nodes.
SPACING = 55.0


def _simple(G) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H


def spring(
    G,
    *,
    seed: int = 7,
    iterations: int | None = None,
    scale: float | None = None,
    center=(0.0, 0.0),
    fixed: dict | None = None,
) -> dict:
    """Spring layout in pixels; `fixed` pins some nodes (pixel positions)."""
    H = _simple(G)
    isolates = sorted((v for v in H if H.degree(v) == 0), key=str)
    if isolates and len(isolates) < H.number_of_nodes() and not fixed:
        # networkx throws isolates far away, which shrinks the rest to a dot once fitted: grid them below
        H.remove_nodes_from(isolates)
        pos = spring(H, seed=seed, iterations=iterations, scale=scale, center=center)
        pos.update(below(pos, isolates))
        return pos
    n = H.number_of_nodes()
    if n == 0:
        return {}
    scale = scale if scale is not None else SPACING * math.sqrt(n) * 0.9 + 40
    if n == 1:
        node = next(iter(H))
        return {node: (fixed or {}).get(node, center)}
    iterations = iterations or (80 if n <= 300 else 40)
    start = fixed and {k: (np.asarray(v, dtype=float) - np.asarray(center)) / scale for k, v in fixed.items()}
    raw = nx.spring_layout(
        H, seed=seed, iterations=iterations, pos=start or None, fixed=list(fixed) if fixed else None, k=None
    )
    if fixed:
        return {k: (float(v[0] * scale + center[0]), float(v[1] * scale + center[1])) for k, v in raw.items()}
    arr = np.array([raw[k] for k in H])
    arr = arr - arr.mean(axis=0)
    if n <= 2000:  # scale so that the median nearest-neighbour distance is about 1.6 × SPACING
        d = np.sqrt(((arr[:, None, :] - arr[None, :, :]) ** 2).sum(axis=2))
        np.fill_diagonal(d, np.inf)
        nn = float(np.median(d.min(axis=1)))
        factor = SPACING * 1.6 / nn if nn > 0 else scale
    else:
        factor = scale / (np.abs(arr).max() or 1.0)
    arr = arr * factor + np.asarray(center)
    return {k: (float(x), float(y)) for k, (x, y) in zip(H, arr)}


def _unit_disc(G, seed: int) -> dict:
    """Members of one group, spread over the unit disc."""
    nodes = list(G)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if G.number_of_edges() == 0:  # isolates: a sunflower spiral, evenly filled
        golden = math.pi * (3 - math.sqrt(5))
        m = len(nodes)
        return {
            n: (math.sqrt((i + 0.5) / m) * math.cos(i * golden), math.sqrt((i + 0.5) / m) * math.sin(i * golden))
            for i, n in enumerate(sorted(nodes, key=str))
        }
    iterations = 50 if len(nodes) <= 100 else 20 if len(nodes) <= 400 else 15
    raw = nx.spring_layout(G, seed=seed, iterations=iterations)
    arr = np.array([raw[n] for n in nodes])
    arr -= arr.mean(axis=0)
    r = np.sqrt((arr**2).sum(axis=1))
    # Rank-based radial equalisation: keeps the angles, spreads points evenly over the disc.
    order = np.argsort(r)
    target = np.empty_like(r)
    target[order] = np.sqrt((np.arange(len(r)) + 0.5) / len(r))
    scale = np.where(r > 0, target / np.maximum(r, 1e-12), 0.0)
    arr = arr * scale[:, None]
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, arr)}


def group_radius(size: int) -> float:
    return SPACING * 0.62 * math.sqrt(size) + 12


def _separate(centres: np.ndarray, radii: np.ndarray, *, gap: float = 25.0, rounds: int = 200) -> np.ndarray:
    """Push discs apart until none overlap (a few vectorised passes)."""
    c = centres.copy()
    k = len(c)
    if k < 2:
        return c
    for _ in range(rounds):
        d = c[:, None, :] - c[None, :, :]
        dist = np.sqrt((d**2).sum(axis=2)) + np.eye(k)
        need = radii[:, None] + radii[None, :] + gap
        overlap = np.clip(need - dist, 0, None)
        np.fill_diagonal(overlap, 0)
        if overlap.max() < 0.5:
            break
        push = (d / dist[:, :, None]) * (overlap / 2)[:, :, None]
        c += push.sum(axis=1) * 0.5
        c -= c.mean(axis=0)
    return c


def clustered(G, groups: dict, *, seed: int = 7) -> tuple[dict, dict]:
    """(node positions, group centres) for a grouping `node -> group key`."""
    members: dict = defaultdict(list)
    for n in G:
        members[groups[n]].append(n)
    keys = sorted(members, key=lambda g: (-len(members[g]), str(g)))
    Q = nx.Graph()
    Q.add_nodes_from(keys)
    for u, v in G.edges():
        gu, gv = groups[u], groups[v]
        if gu != gv:
            w = Q.get_edge_data(gu, gv, {"weight": 0})["weight"]
            Q.add_edge(gu, gv, weight=w + 1)
    radii = np.array([group_radius(len(members[g])) for g in keys])
    if len(keys) == 1:
        centres = np.zeros((1, 2))
    else:
        raw = nx.spring_layout(Q, seed=seed, iterations=100, weight="weight")
        centres = np.array([raw[g] for g in keys])
        centres -= centres.mean(axis=0)
        spread = np.abs(centres).max() or 1.0
        centres = centres / spread * (math.sqrt(radii.__pow__(2).sum()) * 1.3)
        centres = _separate(centres, radii)
    pos = {}
    centre_of = {}
    for i, g in enumerate(keys):
        cx, cy = centres[i]
        centre_of[g] = (float(cx), float(cy))
        sub = _simple(G.subgraph(members[g]))
        for n, (x, y) in _unit_disc(sub, seed).items():
            pos[n] = (float(cx + x * radii[i] * 0.92), float(cy + y * radii[i] * 0.92))
    return pos, centre_of


def communities(G, *, seed: int = COMMUNITY_SEED, min_size: int = 2, membership: dict | None = None) -> dict:
    """node -> community index for the clustered layout: the territory's partition (`membership`, or
    :func:`catalyse.queries.structure.communities` computed here, seeded), largest community first.
    Communities smaller than `min_size` (isolates…) share the index -1."""
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    if H.number_of_edges() == 0:
        return {n: -1 for n in H}
    if membership is None:
        membership = structure.communities(G, seed=seed)["membership"]
    by_label: dict = {}
    for n in H:
        by_label.setdefault(membership[n], []).append(n)
    parts = sorted(by_label.values(), key=lambda p: (-len(p), min(map(str, p))))
    out = {}
    index = 0
    for p in parts:
        if len(p) < min_size:
            for n in p:
                out[n] = -1
        else:
            for n in p:
                out[n] = index
            index += 1
    return out


def _coordinates(d: dict) -> tuple[float, float] | None:
    lat, lon = d.get("lat"), d.get("lon")
    if lat is None or lon is None:  # float(None) would raise TypeError
        return None
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def _project(located: dict, size: float) -> dict:
    """Equirectangular (x ∝ lon·cos(mean lat), y ∝ −lat), the larger span scaled to `size`, centred on (0, 0)."""
    lats = np.array([v[0] for v in located.values()])
    lons = np.array([v[1] for v in located.values()])
    k = math.cos(math.radians(float(lats.mean())))
    xs, ys = lons * k, -lats
    span = max(xs.max() - xs.min(), ys.max() - ys.min()) or 1.0
    f = size / span
    cx, cy = (xs.max() + xs.min()) / 2, (ys.max() + ys.min()) / 2
    return {n: (float((x - cx) * f), float((y - cy) * f)) for n, x, y in zip(located, xs, ys)}


@dataclass(frozen=True)
class Overseas:
    """An overseas département and region (DROM) drawn in an inset."""

    code: str  #: INSEE département code
    region: str  #: INSEE region code
    name_fr: str
    name_en: str
    bbox: tuple  #: (lat_min, lat_max, lon_min, lon_max), WGS84 degrees


#: The five DROM, in INSEE order. The boxes are the extents of each territory's land, dependent islands included
#: (Guadeloupe: Marie-Galante, Les Saintes, La Désirade), from each territory's extreme points rounded outwards
#: by a few hundredths of a degree (approximate: written from the known extremes, not read from a boundary file);
#: they only serve to recognise an organisation by its coordinates when it carries no territory code, and do not
#: overlap each other nor mainland France. Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin and the other
#: collectivités d'outre-mer stay on the main projection.
OVERSEAS = {
    "971": Overseas("971", "01", "Guadeloupe", "Guadeloupe", (15.80, 16.55, -61.85, -60.95)),
    "972": Overseas("972", "02", "Martinique", "Martinique", (14.35, 14.90, -61.25, -60.80)),
    "973": Overseas("973", "03", "Guyane", "French Guiana", (2.10, 5.80, -54.65, -51.60)),
    "974": Overseas("974", "04", "La Réunion", "Réunion", (-21.40, -20.85, 55.20, 55.85)),
    "976": Overseas("976", "06", "Mayotte", "Mayotte", (-13.05, -12.60, 44.95, 45.32)),
}

#: Inset box side and the gap between boxes and to the mainland, as fractions of the mainland frame's `width`.
INSET_SIZE = 0.18
INSET_GAP = 0.025
#: Inner margins of a box (fraction of its side); the top one leaves room for the territory's name.
INSET_PAD = 0.12
INSET_PAD_TOP = 0.22


@dataclass(frozen=True)
class Inset:
    """One inset as drawn: the territory, its box `(x0, y0, x1, y1)` in pixels, its organisations."""

    code: str
    box: tuple
    nodes: tuple

    @property
    def territory(self) -> Overseas:
        return OVERSEAS[self.code]

    def label(self, lang: str = "fr") -> str:
        """The territory's name: « La Réunion » in French (default), "Réunion" in English."""
        return self.territory.name_en if lang == "en" else self.territory.name_fr


def overseas_code(d: dict, coords: tuple[float, float] | None = None) -> str | None:
    """The DROM an organisation belongs to, or None: its `departement` when present, else its `commune`'s
    département, else its `region`, else the box its coordinates fall in.

    >>> overseas_code({"departement": "974"}), overseas_code({"departement": "26", "lat": -21.1, "lon": 55.5})
    ('974', None)
    >>> overseas_code({"commune": "97209"}), overseas_code({}, (-12.78, 45.23)), overseas_code({}, (44.7, 5.0))
    ('972', '976', None)
    """
    for key, pick in (
        ("departement", lambda s: s),
        ("commune", lambda s: s[:3] if s.startswith("97") else s),
        ("region", lambda s: s),
    ):
        value = d.get(key)
        if value is None or value == "":
            continue
        code = pick(str(value).strip().upper())
        if key == "region":
            return next((t.code for t in OVERSEAS.values() if t.region == code.zfill(2)), None)
        return code if code in OVERSEAS else None
    if coords is not None:
        lat, lon = coords
        for t in OVERSEAS.values():
            la0, la1, lo0, lo1 = t.bbox
            if la0 <= lat <= la1 and lo0 <= lon <= lo1:
                return t.code
    return None


#: Distance between neighbours on a commune's spiral (pixels), so that their labels stay readable.
COMMUNE_STEP = 0.6 * SPACING
_GOLDEN = math.pi * (3 - math.sqrt(5))


def commune_positions(G) -> dict:
    """node -> (lat, lon, approximate) for the organisations without coordinates whose `commune` has a position
    in the places table; `approximate` when that position is itself an estimate (the commune had no GeoNames
    match: the mean of its EPCI's communes). The map draws them there, and says so in their tooltip.

    >>> G = nx.Graph(); G.add_node("a", commune="26362"); G.add_node("b", lat=44.0, lon=4.0); G.add_node("c")
    >>> commune_positions(G)
    {'a': (44.9256, 4.9096, False)}
    """
    from catalyse.graphcore import places

    out = {}
    for n, d in G.nodes(data=True):
        code = d.get("commune")
        if not code or _coordinates(d) is not None:
            continue
        c = places.find(str(code))
        if c is not None and c.lat is not None:
            out[n] = (c.lat, c.lon, c.approximate)
    return out


def spiral(centre: tuple[float, float], nodes, *, step: float = COMMUNE_STEP) -> dict:
    """`nodes` around `centre` on a sunflower (golden-angle) spiral, neighbours about `step` apart; one node sits
    on the centre itself. Radius of the i-th: ``0.56·step·√(i + 0.5)`` (the sunflower's area per point is
    ``π·(0.56·step)² ≈ step²``).

    >>> spiral((10.0, 0.0), ["a"])
    {'a': (10.0, 0.0)}
    >>> pos = spiral((0.0, 0.0), list("abcdefgh")); max(math.hypot(*p) for p in pos.values()) < 2 * COMMUNE_STEP
    True
    """
    nodes = list(nodes)
    if len(nodes) == 1:
        return {nodes[0]: centre}
    r0 = 0.56 * step
    return {
        n: (
            centre[0] + r0 * math.sqrt(i + 0.5) * math.cos(i * _GOLDEN),
            centre[1] + r0 * math.sqrt(i + 0.5) * math.sin(i * _GOLDEN),
        )
        for i, n in enumerate(nodes)
    }


def geographic_insets(G, *, width: float = 1600.0, insets: bool = True) -> tuple[dict, list, list]:
    """(positions of organisations with `lat`/`lon` or a commune, the others, the insets drawn).

    An organisation without coordinates but with a `commune` known to the places table is projected at its
    commune's position (`commune_positions`); those of one commune are spread around it (`spiral`, sorted by
    key), so that none hides another and none is parked outside the map.

    Mainland (everything that is not in a DROM, foreign places included) is projected as `geographic` always did,
    so its positions do not change when overseas organisations are added. Each DROM with located organisations
    gets its own projection scaled into a square box of side `INSET_SIZE·width` (its larger span fills the inner
    square of side `(1 − INSET_PAD − INSET_PAD_TOP)·side`, centred across, `INSET_PAD_TOP·side` from the top so
    that the name fits above); the boxes stand in a column, in INSEE order, left of the mainland positions,
    top-aligned with them, `INSET_GAP·width` apart. With `insets=False` everything shares one projection.
    """
    located = {}
    for n, d in G.nodes(data=True):
        c = _coordinates(d)
        if c is not None:
            located[n] = c
    at_commune = commune_positions(G)
    for n, (lat, lon, _) in at_commune.items():
        located[n] = (lat, lon)
    missing = [n for n in G if n not in located]
    if not located:
        return {}, missing, []
    pos, frames = _geographic_located(G, located, width, insets)
    by_commune: dict = defaultdict(list)
    for n in at_commune:
        by_commune[str(G.nodes[n]["commune"])].append(n)
    for nodes in by_commune.values():
        nodes.sort(key=str)
        pos.update(spiral(pos[nodes[0]], nodes))
    return pos, missing, frames


def _geographic_located(G, located: dict, width: float, insets: bool) -> tuple[dict, list]:
    """Positions of the `located` nodes (node -> (lat, lon)), mainland and insets, and the insets drawn."""
    overseas: dict = defaultdict(dict)
    mainland: dict = {}
    for n, c in located.items():
        code = overseas_code(G.nodes[n], c) if insets else None
        (mainland if code is None else overseas[code])[n] = c
    pos = _project(mainland, width) if mainland else {}
    if not overseas:
        return pos, []
    side, gap = INSET_SIZE * width, INSET_GAP * width
    if pos:
        x1 = min(p[0] for p in pos.values()) - gap
        y0 = min(p[1] for p in pos.values())
    else:
        x1, y0 = side / 2 + gap, -side / 2
    frames = []
    for code in sorted(overseas, key=list(OVERSEAS).index):
        group = overseas[code]
        box = (x1 - side, y0, x1, y0 + side)
        inner = side * (1 - INSET_PAD - INSET_PAD_TOP)
        cx = (box[0] + box[2]) / 2
        cy = box[1] + side * INSET_PAD_TOP + inner / 2
        for n, (x, y) in _project(group, inner).items():
            pos[n] = (cx + x, cy + y)
        frames.append(Inset(code, tuple(float(v) for v in box), tuple(group)))
        y0 += side + gap
    return pos, frames


def geographic(G, *, width: float = 1600.0) -> tuple[dict, list]:
    """(positions of organisations with `lat`/`lon`, the others). Equirectangular: x ∝ lon·cos(mean lat);
    overseas organisations in insets (see `geographic_insets`, which also returns the boxes)."""
    pos, missing, _ = geographic_insets(G, width=width)
    return pos, missing


def below(pos: dict, nodes: list, *, step: float = SPACING) -> dict:
    """A grid for `nodes` under the bounding box of `pos` (organisations without coordinates)."""
    if not nodes:
        return {}
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        x0, y0, width = min(xs), max(ys) + 3 * step, max(max(xs) - min(xs), step * 10)
    else:
        x0, y0, width = 0.0, 0.0, step * 20
    per_row = max(1, int(width // step))
    return {n: (x0 + (i % per_row) * step, y0 + (i // per_row) * step) for i, n in enumerate(nodes)}

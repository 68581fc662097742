"""The application layer on the demo territory: one territory selector, one community partition, one list of pairs,
strict machine output — and one installed package."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from catalyse.cli import cli
from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.stores import SqliteStore
from catalyse.workspace import REPORT_PAIRS, Filters, Workspace

ROOT = Path(__file__).resolve().parent.parent


def strict_json(text: str):
    def refuse(name):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("ws") / "demo.db"
    with SqliteStore(db, create=True) as store:
        store.write(generate_territory(300, seed=2025))
    return db


def run(db, *args):
    r = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert r.exit_code == 0, r.output
    return r.output


def pairs(rows):
    return [frozenset((r["org"], r["partner"])) for r in rows]


def test_region_and_departement_select_the_same_pairs(demo_db):
    # every demo organisation is in the Drôme (26), région Auvergne-Rhône-Alpes (84): both filters keep all of them
    with SqliteStore(demo_db) as store:
        orgs = store.organisations()
        assert {o.region for o in orgs} == {"84"} and {o.departement for o in orgs} == {"26"}
    everyone = pairs(strict_json(run(demo_db, "suggest", "--all", "--format", "json")))
    region = pairs(strict_json(run(demo_db, "suggest", "--all", "--territory", "region:84", "--format", "json")))
    dep = pairs(strict_json(run(demo_db, "suggest", "--all", "--territory", "26", "--format", "json")))
    assert region and region == dep == everyone
    # and a territory the demo is not in selects nothing, in the suggestions as in the listing
    assert strict_json(run(demo_db, "suggest", "--all", "--territory", "region:11", "--format", "json")) == []
    assert strict_json(run(demo_db, "orgs", "list", "--territory", "region:11", "--format", "json")) == []


def test_metrics_suggestions_and_map_share_one_partition(demo_db):
    with SqliteStore(demo_db) as store:
        ws = Workspace(store, lang="en")
        net = ws.network()
        partition = net.partition()
        summary = ws.metrics()
        assert summary["communities"] == len(set(partition.values()))
        # the suggestions' "would join two communities" is the partition's verdict on the pair
        found = ws.territory_suggestions()
        with_test = [s for s in found if "bridges_communities" in s.what_if]
        assert with_test
        for s in with_test:
            assert s.what_if["bridges_communities"] == (partition[s.org] != partition[s.partner])
            shown = any(c["code"] == "bridges_communities" for c in s.reason_codes)
            assert shown == (s.what_if["bridges_communities"] and not s.what_if["bridges_components"])
        # the map carries each organisation's community: the same partition
        html = ws.map_view()
        drawn = dict(re.findall(r"\"key\": \"([^\"]+)\"[^{}]*?\"community\": (\d+)", html))
        assert drawn and {k: int(v) for k, v in drawn.items()} == {n: partition[n] for n in drawn}
        assert len(drawn) == net.graph.number_of_nodes()


def test_report_lists_each_pair_once_and_they_are_suggest_alls(demo_db, tmp_path):
    with SqliteStore(demo_db) as store:
        inputs = Workspace(store).report_inputs()
    listed = [frozenset(s.pair) for s in inputs["suggestions"]]
    assert len(listed) == len(set(listed)) == REPORT_PAIRS
    cli_pairs = pairs(strict_json(run(demo_db, "suggest", "--all", "--format", "json")))
    assert listed == cli_pairs[:REPORT_PAIRS]
    # and the written report shows these pairs, once each
    run(demo_db, "report", "-o", str(tmp_path / "r"))
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    with SqliteStore(demo_db) as store:
        names = {o.id: o.name for o in store.organisations()}
    import html as _html

    for s in inputs["suggestions"]:
        a, b = _html.escape(names[s.org]), _html.escape(names[s.partner])
        assert page.count(f"<td>{a}</td><td>{b}</td>") + page.count(f"<td>{b}</td><td>{a}</td>") == 1, (a, b)


@pytest.mark.parametrize(
    "args",
    [
        ("stats",),
        ("brokers", "--top", "5"),
        ("metrics",),
        ("metrics", "--by-year"),
        ("metrics", "--by-group"),
        ("metrics", "--per-org", "--top", "5"),
        ("suggest", "--all", "--limit", "5"),
        ("introductions",),
        ("activity",),
        ("orgs", "list", "--limit", "3"),
    ],
)
def test_machine_output_is_strict_json(demo_db, args):
    data = strict_json(run(demo_db, *args, "--format", "json"))
    assert isinstance(data, list) and data


def test_machine_output_full_precision_table_rounds(demo_db):
    row = strict_json(run(demo_db, "metrics", "--format", "json"))[0]
    with SqliteStore(demo_db) as store:
        ws = Workspace(store)
        assert row["density"] == ws.metrics()["density"]  # the exact float, not a rounded one
    assert len(repr(row["density"])) > 8
    table = run(demo_db, "metrics")
    assert repr(row["density"]) not in table


def test_filters_parse_once():
    f = Filters.parse(territory="dep:26", sectors=["ESS"])
    assert f.territory == ("departement", "26") and f.sectors == ("social_economy",)


def test_the_wheel_installs_one_top_level_package(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("catalyse-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"catalyse"}, top
    for sub in ("graphcore/stores/base.py", "importers/load.py", "queries/brokerage.py", "visualisations/report.py",
                "cli/common.py", "workspace.py", "py.typed"):  # fmt: skip
        assert f"catalyse/{sub}" in names, sub


def test_no_analysis_in_the_cli_package():
    # the commands call the workspace: no module of catalyse/cli imports an analysis or a projection
    for path in (ROOT / "catalyse" / "cli").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        imports = re.findall(r"^\s*(?:from|import) (catalyse\.[\w.]+)", text, re.M)
        bad = [m for m in imports if m.startswith(("catalyse.graphcore.projection", "catalyse.queries.s"))
               or m in ("catalyse.queries.centrality", "catalyse.queries.activity", "catalyse.queries.evaluation")]  # fmt: skip
        assert not bad, (path.name, bad)


def test_per_org_estimates_betweenness_and_closeness_above_the_large_size(demo_db, monkeypatch):
    # the demo (300 organisations) passed off as large: 256 pivots, networkx's own 256-pivot estimate of the
    # betweenness (same seed, same pivots), the note with the error bound on stderr; --exact gives the exact
    # values of the small network's default path. Unweighted: with tie lengths such as 1/3, igraph (the sampled
    # path) takes paths of lengths equal within 1e-10 as ties and networkx only exactly equal floats
    from catalyse.queries import centrality, structure

    args = ["--db", str(demo_db), "metrics", "--per-org", "--weight", "none", "--format", "json"]
    exact = strict_json(run(demo_db, *args[2:]))
    monkeypatch.setattr(structure, "LARGE_GRAPH_TIES", 10)
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    rows = strict_json(r.stdout)
    bound = centrality.betweenness_error_bound(len(rows), 256)
    assert "estimated from 256 sampled pivots" in r.stderr and f"±{bound:.3g}" in r.stderr
    with SqliteStore(demo_db) as store:
        G = Workspace(store).network().view(False)
    ref = nx.betweenness_centrality(G, k=256, seed=0)
    assert {x["organisation"]: x["betweenness"] for x in rows} == pytest.approx(ref, abs=1e-12)
    by_id = {x["organisation"]: x for x in exact}
    assert max(abs(x["betweenness"] - by_id[x["organisation"]]["betweenness"]) for x in rows) <= bound
    assert any(x["closeness"] != by_id[x["organisation"]]["closeness"] for x in rows)  # estimated, not exact
    assert [x["degree"] for x in rows] == [by_id[x["organisation"]]["degree"] for x in rows]  # not sampled
    again = CliRunner().invoke(cli, [*args, "--exact"])
    assert again.exit_code == 0 and "estimated" not in again.stderr
    assert strict_json(again.stdout) == exact

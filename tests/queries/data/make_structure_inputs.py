"""Write the input graphs of make_structure_reference.R (run once; the CSVs are committed).

    python tests/queries/data/make_structure_inputs.py

Each graph ``<name>`` gets ``structure_<name>_nodes.csv`` (``id,sector``; every node, isolates included) and
``structure_<name>_edges.csv`` (``source,target``; arcs if directed, one row per undirected tie).
"""
import csv
import pathlib
import random

import networkx as nx

HERE = pathlib.Path(__file__).parent
SECTORS = ["association", "company", "local_authority"]


def graphs():
    rnd = random.Random(20250101)
    out = {}
    out["florentine"] = (nx.florentine_families_graph(), False)
    out["davis"] = (nx.davis_southern_women_graph(), False)
    G = nx.gnm_random_graph(30, 55, seed=11)
    G.add_nodes_from([30, 31])  # isolates
    out["random_undirected"] = (G, False)
    D = nx.gnm_random_graph(28, 90, seed=12, directed=True)
    D.add_node(28)
    out["random_directed"] = (D, True)
    S = nx.DiGraph([(0, i) for i in range(1, 7)] + [(i, 0) for i in range(1, 4)] + [(5, 6), (6, 5), (2, 3)])
    out["star_directed"] = (S, True)
    for name, (g, _) in out.items():
        for u in g:
            g.nodes[u]["sector"] = rnd.choice(SECTORS)
    return out


def main():
    for name, (g, directed) in graphs().items():
        with open(HERE / f"structure_{name}_nodes.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "sector"])
            for u in g:
                w.writerow([u, g.nodes[u]["sector"]])
        with open(HERE / f"structure_{name}_edges.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source", "target"])
            for u, v in g.edges():
                w.writerow([u, v])
    with open(HERE / "structure_graphs.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "directed"])
        for name, (g, directed) in graphs().items():
            w.writerow([name, "TRUE" if directed else "FALSE"])


if __name__ == "__main__":
    main()

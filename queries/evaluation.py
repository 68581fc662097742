"""How well do the link-prediction indices and the alliance score predict ties? Hold-out evaluation.

Protocols
---------
Random split (:func:`random_split`)
    Hide a fraction (default 10%) of the ties, chosen uniformly with a seeded generator. With ``connected=True``
    (the **default**) the hidden ties are drawn outside a random spanning forest, so every connected component of
    the graph stays connected in training (no organisation becomes isolated, and no index is asked to predict a
    tie of an organisation it cannot see); if fewer than the requested number of ties lie outside the forest,
    all of them are hidden. ``connected=False`` draws from all ties.
Temporal split (:func:`temporal_split`)
    Train on the ties started before 1 January of ``year`` (undated ties are kept in training: they are known
    ties of unknown age), test on the ties started from ``year`` on **between organisations present in training**
    (at least one training tie each) — the realistic question "from the network as it was, which ties formed
    next?".

Measures
--------
AUC
    Probability that a hidden tie scores higher than a non-tie (ties count one half): every hidden tie against
    every sampled non-tie, non-ties drawn uniformly (seeded) among the pairs of eligible organisations not tied in
    the **full** graph (eligible: all organisations for a random split, those present in training for a temporal
    split). Computed exactly from ranks (Mann–Whitney).
precision@k
    Fraction of the ``k`` best-scored **candidate pairs** (:func:`queries.candidates.candidate_pairs` on the
    training graph — what the product would actually show) that are hidden ties. Dividing by ``k`` even when
    fewer candidates exist. ``candidate_recall`` says which share of the hidden ties the candidates contain (an
    upper bound for any index on that candidate set).

Directed graphs are evaluated on their undirected skeleton (:meth:`networkx.DiGraph.to_undirected`).

Examples
--------
>>> import networkx as nx
>>> rows = evaluate(nx.karate_club_graph(), methods=("resource_allocation", "preferential_attachment"), k=(5,))
>>> [(r["method"], r["n_test"]) for r in rows]
[('resource_allocation', 8), ('preferential_attachment', 8)]
>>> all(0.0 <= r["auc"] <= 1.0 for r in rows)
True
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.stats import rankdata

from queries.candidates import candidate_pairs
from queries.link_prediction import (METHODS, AllianceWeights, GraphIndex, _alliance_positions, _score_positions)

__all__ = ["random_split", "temporal_split", "auc", "precision_at_k", "sample_non_edges", "evaluate",
           "EVAL_METHODS"]

#: Everything :func:`evaluate` can rank by: the indices of :mod:`queries.link_prediction` and ``"alliance"``.
EVAL_METHODS = METHODS + ("alliance",)


def _simple_undirected(G):
    if G.is_multigraph():
        raise nx.NetworkXNotImplemented("evaluate the simple tie graph (multigraph=False)")
    return G.to_undirected() if G.is_directed() else G


def random_split(G, fraction=0.1, *, seed=0, connected=True):
    """Hide ``fraction`` of the ties of ``G``.

    Returns
    -------
    (networkx.Graph, list of (u, v))
        The training graph (a copy: all organisations and attributes, minus the hidden ties) and the hidden ties.

    Examples
    --------
    >>> G = nx.cycle_graph(10)
    >>> H, test = random_split(G, 0.2, seed=1)
    >>> len(test), H.number_of_edges(), nx.is_connected(H)
    (1, 9, True)
    """
    G = _simple_undirected(G)
    edges = [(u, v) for u, v in G.edges() if u != v]
    n_test = int(round(fraction * len(edges)))
    rng = np.random.default_rng(seed)
    if connected and edges:
        pos = {x: i for i, x in enumerate(G)}
        r = np.array([pos[u] for u, _ in edges])
        c = np.array([pos[v] for _, v in edges])
        w = rng.random(len(edges)) + 1e-9  # random weights -> a uniformly shuffled spanning forest
        T = minimum_spanning_tree(sp.csr_array((w, (r, c)), shape=(len(pos), len(pos)))).tocoo()
        forest = set(zip(T.row.tolist(), T.col.tolist()))
        pool = [i for i, (a, b) in enumerate(zip(r.tolist(), c.tolist()))
                if (a, b) not in forest and (b, a) not in forest]
    else:
        pool = list(range(len(edges)))
    chosen = rng.choice(len(pool), size=min(n_test, len(pool)), replace=False) if pool else []
    test = [edges[pool[i]] for i in sorted(chosen)]
    H = G.copy()
    H.remove_edges_from(test)
    return H, test


def temporal_split(G, year):
    """Train on ties started before ``year``, test on ties started from ``year`` on (see the module docstring).

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", start="2019-05-01"); G.add_edge("b", "c", start="2020-03-01")
    >>> G.add_edge("c", "d", start="2018-01-01"); G.add_edge("a", "e", start="2021-01-01")
    >>> H, test = temporal_split(G, 2020)
    >>> sorted(H.edges()), test   # (a, e): e was not in the network before 2020
    ([('a', 'b'), ('c', 'd')], [('b', 'c')])
    """
    G = _simple_undirected(G)
    cut = f"{int(year):04d}-01-01"
    later = [(u, v) for u, v, s in G.edges(data="start") if s and str(s)[:10] >= cut and u != v]
    H = G.copy()
    H.remove_edges_from(later)
    test = [(u, v) for u, v in later if H.degree(u) > 0 and H.degree(v) > 0]
    return H, test


def auc(positive, negative):
    """AUC: probability that a positive scores above a negative, ties counting one half.

    Examples
    --------
    Positives 0.9, 0.5; negatives 0.5, 0.1: comparisons 0.9>0.5, 0.9>0.1, 0.5=0.5 (½), 0.5>0.1 -> 3.5 / 4.

    >>> auc([0.9, 0.5], [0.5, 0.1])
    0.875
    """
    pos = np.asarray(positive, dtype=np.float64)
    neg = np.asarray(negative, dtype=np.float64)
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = rankdata(np.concatenate([pos, neg]))
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def precision_at_k(scores, labels, k):
    """Share of hits among the ``k`` best scores (ties broken by position: stable order), divided by ``k``.

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.7, 0.1], [True, False, True, False], 2)
    0.5
    """
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:k]
    return float(np.asarray(labels, dtype=bool)[order].sum() / k) if k else float("nan")


def sample_non_edges(G, n, *, nodes=None, seed=0):
    """``n`` pairs of distinct ``nodes`` (default all) not tied in ``G``, drawn uniformly with replacement.

    Examples
    --------
    >>> pairs = sample_non_edges(nx.path_graph(4), 5, seed=1)
    >>> len(pairs), all(abs(u - v) > 1 for u, v in pairs)
    (5, True)
    """
    nodes = list(G) if nodes is None else list(nodes)
    k = len(nodes)
    if k < 2:
        return []
    rng = np.random.default_rng(seed)
    out = []
    tries = 0
    while len(out) < n and tries < 100:
        tries += 1
        a = rng.integers(0, k, size=2 * (n - len(out)) + 10)
        b = rng.integers(0, k, size=len(a))
        for i, j in zip(a.tolist(), b.tolist()):
            if i != j and not G.has_edge(nodes[i], nodes[j]):
                out.append((nodes[i], nodes[j]))
                if len(out) == n:
                    break
    return out


def _scores(index, us, vs, method, weights, as_of, katz):
    if method == "alliance":
        return _alliance_positions(index, us, vs, weights, as_of)["score"]
    return _score_positions(index, us, vs, (method,), **katz)[method]


def evaluate(G, *, split="random", fraction=0.1, year=None, seed=0, connected=True, methods=EVAL_METHODS,
             k=(10, 100), negatives=None, comembership=None, weights=AllianceWeights(), repeats=1, cap=10,
             beta=0.05, max_length=3, epsilon=0.01):
    """Evaluate each index on a hold-out split; one row per method.

    Parameters
    ----------
    G : networkx graph
    split : {"random", "temporal"}
    fraction, seed, connected
        Random split (default 10%, seed 0, training graph kept connected).
    year : int
        Temporal split: first year of the test period (required with ``split="temporal"``).
    methods : iterable of str
        Among :data:`EVAL_METHODS` (default all, ``"alliance"`` = the alliance score).
    k : iterable of int
        Cut-offs of precision@k (default 10 and 100).
    negatives : int, optional
        Non-ties sampled for the AUC (default ``max(1000, 10 × hidden ties)``, at most 200,000).
    comembership : networkx.Graph, optional
        Passed to the candidates and the alliance score.
    repeats : int
        Random split only: average over ``repeats`` splits with seeds ``seed, seed + 1, …``.
    cap, beta, max_length, epsilon
        Candidate cap and Katz / local-path parameters.

    Returns
    -------
    list of dict
        ``{"split", "method", "auc", "auc_sd", "precision@k"…, "n_test", "n_negatives", "n_candidates",
        "candidate_recall", "repeats"}``.
    """
    G = _simple_undirected(G)
    methods = tuple(methods)
    k = tuple(k)
    if split not in ("random", "temporal"):
        raise ValueError("split must be 'random' or 'temporal'")
    if split == "temporal" and year is None:
        raise ValueError("a temporal split needs year=")
    runs = repeats if split == "random" else 1
    acc = {m: {"auc": [], **{f"precision@{x}": [] for x in k}} for m in methods}
    info = {"n_test": [], "n_negatives": [], "n_candidates": [], "candidate_recall": []}
    katz = {"beta": beta, "max_length": max_length, "epsilon": epsilon}
    for rep in range(runs):
        if split == "random":
            H, test = random_split(G, fraction, seed=seed + rep, connected=connected)
            eligible = None
            as_of = None
        else:
            H, test = temporal_split(G, year)
            eligible = [x for x in H if H.degree(x) > 0]
            as_of = f"{int(year):04d}-01-01"
        n_neg = negatives if negatives is not None else min(max(1000, 10 * len(test)), 200_000)
        neg = sample_non_edges(G, n_neg, nodes=eligible, seed=seed + rep)
        index = GraphIndex(H, comembership=comembership)
        index.graph_as_of = as_of
        tu, tv = index.pair_positions(test)
        nu, nv = index.pair_positions(neg)
        cands = list(candidate_pairs(H, comembership=comembership, cap=cap, index=index))
        cu, cv = index.pair_positions(cands)
        test_set = {frozenset(p) for p in test}
        labels = np.array([frozenset(p) in test_set for p in cands], dtype=bool)
        info["n_test"].append(len(test))
        info["n_negatives"].append(len(neg))
        info["n_candidates"].append(len(cands))
        info["candidate_recall"].append(labels.sum() / len(test) if test else float("nan"))
        for m in methods:
            pos_s = _scores(index, tu, tv, m, weights, as_of, katz)
            neg_s = _scores(index, nu, nv, m, weights, as_of, katz)
            acc[m]["auc"].append(auc(pos_s, neg_s))
            cs = _scores(index, cu, cv, m, weights, as_of, katz) if len(cands) else np.zeros(0)
            for x in k:
                acc[m][f"precision@{x}"].append(precision_at_k(cs, labels, x))
    rows = []
    for m in methods:
        row = {"split": split, "method": m, "auc": float(np.nanmean(acc[m]["auc"])),
               "auc_sd": float(np.nanstd(acc[m]["auc"])) if runs > 1 else 0.0}
        for x in k:
            row[f"precision@{x}"] = float(np.nanmean(acc[m][f"precision@{x}"]))
        row.update({key: float(np.nanmean(v)) if key == "candidate_recall" else int(round(np.mean(v)))
                    for key, v in info.items()})
        row["repeats"] = runs
        rows.append(row)
    return rows

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

Calibrated weights, without leakage
-----------------------------------
``"alliance_calibrated"`` ranks by the alliance score with weights fitted by :func:`calibrate_weights` on the
**training graph only**, by repeating the same protocol one level down: the training graph is split again (its
most recent year(s) of ties for a temporal split, a random 10% of its ties for a random split), the components
are computed on the inner training part (recency as of the inner cut-off), and a non-negative logistic regression
of "formed / did not form" on the components gives the weights. The hidden ties of the outer split are never
seen: they are removed from the graph before calibration starts, and the non-ties of the fit are drawn among pairs
untied in the training graph. Recency is always measured at the cut-off of the split being predicted (training
cut-off for the outer split, inner cut-off for the fit), never after it.

One caveat is the caller's: the ``comembership`` graph is used as given. For a temporal split, pass the
co-membership of alliances that existed before the cut-off (``comembership_graph(data, as_of=cut-off)``),
otherwise alliances formed later leak into the candidates and the ``alliances`` component.

Acceptance criterion (:func:`acceptance`)
-----------------------------------------
The alliance score must (1) have a higher AUC than every index of :data:`queries.link_prediction.METHODS` on the
temporal split, and (2) stay within noise of resource allocation on random splits: over ``repeats`` ≥ 5 random
splits, the mean paired difference of AUC (alliance − resource allocation, same split, same non-ties) must not be
below ``-2`` standard errors of that mean (``se = sd / sqrt(repeats)``), i.e. it is not significantly worse.

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

import dataclasses
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.stats import rankdata

from catalyse.queries.candidates import candidate_pairs
from catalyse.queries.link_prediction import (
    COMPONENTS,
    METHODS,
    AllianceWeights,
    GraphIndex,
    _alliance_positions,
    _score_positions,
)

__all__ = [
    "random_split",
    "temporal_split",
    "auc",
    "precision_at_k",
    "sample_non_edges",
    "evaluate",
    "calibrate_weights",
    "acceptance",
    "paired_difference",
    "EVAL_METHODS",
]

#: Everything :func:`evaluate` can rank by: the indices of :mod:`queries.link_prediction`, ``"alliance"`` (the
#: alliance score with the given weights, by default :class:`AllianceWeights`) and ``"alliance_calibrated"`` (the
#: alliance score with weights fitted by :func:`calibrate_weights` on each training graph).
EVAL_METHODS = METHODS + ("alliance", "alliance_calibrated")


def _simple_undirected(G):
    if G.is_multigraph():
        raise nx.NetworkXNotImplemented("evaluate the simple tie graph (multigraph=False)")
    return G.to_undirected() if G.is_directed() else G


def random_split(
    G: nx.Graph, fraction: float = 0.1, *, seed: int | None = 0, connected: bool = True
) -> tuple[nx.Graph, list[tuple[Hashable, Hashable]]]:
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
        pool = [
            i for i, (a, b) in enumerate(zip(r.tolist(), c.tolist())) if (a, b) not in forest and (b, a) not in forest
        ]
    else:
        pool = list(range(len(edges)))
    chosen: np.ndarray | list[int] = rng.choice(len(pool), size=min(n_test, len(pool)), replace=False) if pool else []
    test = [edges[pool[i]] for i in sorted(chosen)]
    H = G.copy()
    H.remove_edges_from(test)
    return H, test


def temporal_split(G: nx.Graph, year: int) -> tuple[nx.Graph, list[tuple[Hashable, Hashable]]]:
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


def auc(positive: npt.ArrayLike, negative: npt.ArrayLike) -> float:
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
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def precision_at_k(scores: npt.ArrayLike, labels: npt.ArrayLike, k: int) -> float:
    """Share of hits among the ``k`` best scores (ties broken by position: stable order), divided by ``k``.

    Examples
    --------
    >>> precision_at_k([0.9, 0.8, 0.7, 0.1], [True, False, True, False], 2)
    0.5
    """
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:k]
    return float(np.asarray(labels, dtype=bool)[order].sum() / k) if k else float("nan")


def sample_non_edges(
    G: nx.Graph, n: int, *, nodes: Iterable[Hashable] | None = None, seed: int | None = 0
) -> list[tuple[Hashable, Hashable]]:
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
    out: list[tuple[Hashable, Hashable]] = []
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
    if method in ("alliance", "alliance_calibrated"):
        return _alliance_positions(index, us, vs, weights, as_of)["score"]
    return _score_positions(index, us, vs, (method,), **katz)[method]


def _inner_temporal_year(H, min_positives):
    """The latest year ``y`` such that the ties of ``H`` started from ``y`` on between organisations present
    before ``y`` number at least ``min_positives`` (or the earliest year tried), None without dated ties."""
    years = sorted({int(str(s)[:4]) for *_, s in H.edges(data="start") if s})
    if len(years) < 2:
        return None
    for y in reversed(years[1:]):
        if len(temporal_split(H, y)[1]) >= min_positives:
            return y
    return years[1]


def calibrate_weights(
    G: nx.Graph,
    *,
    split: str = "temporal",
    comembership: nx.Graph | None = None,
    fraction: float = 0.1,
    seed: int = 0,
    negatives: int | None = None,
    min_positives: int = 30,
    base: AllianceWeights = AllianceWeights(),
    l2: float = 1e-3,
    components: Iterable[str] = COMPONENTS,
) -> AllianceWeights:
    """Alliance-score weights fitted on the history of ``G`` alone (pass a **training** graph).

    ``G`` is split once more — ``split="temporal"``: ties started from the latest year of ``G`` that still gives
    ``min_positives`` new ties (usually its last year) are the "future", recency is measured at 1 January of that
    year; ``split="random"``: a random ``fraction`` of the ties (seeded by ``seed``) — then the components of the
    alliance score are computed on the inner training graph for the inner hidden ties (label 1) and for
    ``negatives`` sampled pairs untied in ``G`` (label 0, default ``max(1000, 10 × positives)``), and a logistic
    regression with **non-negative** coefficients (L2 penalty ``l2``; L-BFGS-B) is fitted on them. The weights are
    the coefficients, normalised to sum to 1 (the score stays in [0, 1] and a weight still reads as a share).
    Nothing outside ``G`` is looked at, so when ``G`` is the training graph of an evaluation, the test ties can
    neither choose nor tune the weights (see the module docstring).

    Parameters
    ----------
    G : networkx graph
    split : {"temporal", "random"}
        Inner protocol (a temporal split needs dated ties; without enough of them a random split is used).
    comembership : networkx.Graph, optional
    components : iterable of str
        The components that may get a weight (default all; the others get 0).
    base : AllianceWeights
        Scales (``ra_scale``, ``half_life_years``…) are taken from it; it is returned unchanged when there is
        nothing to fit (no positive or no negative pair, or every coefficient 0).

    Returns
    -------
    AllianceWeights

    Examples
    --------
    >>> from graphcore.demo import generate_territory
    >>> from graphcore.projection import tie_graph
    >>> G = tie_graph(generate_territory(120, seed=1))
    >>> H, test = temporal_split(G, 2025)          # the test period is cut away first …
    >>> w = calibrate_weights(H)                  # … then weights are fitted on ties formed up to 2024
    >>> round(sum(w.components().values()), 2), all(x >= 0 for x in w.components().values())
    (1.0, True)
    """
    G = _simple_undirected(G)
    if split not in ("random", "temporal"):
        raise ValueError("split must be 'random' or 'temporal'")
    year = _inner_temporal_year(G, min_positives) if split == "temporal" else None
    if year is not None:
        H, pos = temporal_split(G, year)
        eligible = [x for x in H if H.degree(x) > 0]
        as_of = f"{year:04d}-01-01"
    else:
        H, pos = random_split(G, fraction, seed=seed + 7919)
        eligible, as_of = None, None
    n_neg = negatives if negatives is not None else min(max(1000, 10 * len(pos)), 200_000)
    neg = sample_non_edges(G, n_neg, nodes=eligible, seed=seed + 7919)
    if not pos or not neg:
        return base
    index = GraphIndex(H, comembership=comembership)
    index.graph_as_of = as_of
    names = [c for c in COMPONENTS if c in set(components)]
    rows = []
    for pairs in (pos, neg):
        us, vs = index.pair_positions(pairs)
        comp = _alliance_positions(index, us, vs, base, as_of)
        rows.append(np.column_stack([comp[c] for c in names]))
    X = np.vstack(rows)
    y = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    # balance the two classes so that the fit does not depend on how many non-ties were drawn
    sw = np.where(y > 0, 0.5 / len(pos), 0.5 / len(neg))
    Xb = np.column_stack([X, np.ones(len(y))])

    def loss(w):
        z = Xb @ w
        p = 1.0 / (1.0 + np.exp(-z))
        ll = -(sw * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))).sum() + l2 * (w[:-1] ** 2).sum()
        grad = Xb.T @ (sw * (p - y))
        grad[:-1] += 2 * l2 * w[:-1]
        return ll, grad

    res = minimize(
        loss, np.zeros(Xb.shape[1]), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * len(names) + [(None, None)]
    )
    coef = np.maximum(res.x[:-1], 0.0)
    if not np.isfinite(coef).all() or coef.sum() <= 0:
        return base
    coef = coef / coef.sum()
    fitted = {c: 0.0 for c in COMPONENTS}
    fitted.update({c: round(float(w), 4) for c, w in zip(names, coef)})
    return dataclasses.replace(base, **fitted)


def evaluate(
    G: nx.Graph,
    *,
    split: str = "random",
    fraction: float = 0.1,
    year: int | None = None,
    seed: int = 0,
    connected: bool = True,
    methods: Iterable[str] = EVAL_METHODS,
    k: Iterable[int] = (10, 100),
    negatives: int | None = None,
    comembership: nx.Graph | None = None,
    weights: AllianceWeights = AllianceWeights(),
    repeats: int = 1,
    cap: int = 10,
    beta: float = 0.05,
    max_length: int = 3,
    epsilon: float = 0.01,
) -> list[dict[str, Any]]:
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
        Among :data:`EVAL_METHODS` (default all; ``"alliance"`` = the alliance score with ``weights``,
        ``"alliance_calibrated"`` = with weights fitted by :func:`calibrate_weights` on each training graph).
    k : iterable of int
        Cut-offs of precision@k (default 10 and 100).
    negatives : int, optional
        Non-ties sampled for the AUC (default ``max(1000, 10 × hidden ties)``, at most 200,000).
    comembership : networkx.Graph, optional
        Passed to the candidates and the alliance score.
    weights : AllianceWeights
        Weights of ``"alliance"`` (default :class:`AllianceWeights`); ``"alliance_calibrated"`` takes its scales
        from them.
    repeats : int
        Random split only: average over ``repeats`` splits with seeds ``seed, seed + 1, …``.
    cap, beta, max_length, epsilon
        Candidate cap and Katz / local-path parameters.

    Returns
    -------
    list of dict
        ``{"split", "method", "auc", "auc_sd", "auc_runs", "precision@k"…, "n_test", "n_negatives",
        "n_candidates", "candidate_recall", "repeats"}`` (``auc_sd``: standard deviation over the repeats,
        ``auc_runs``: the AUC of each repeat, for paired comparisons; ``"alliance_calibrated"`` rows also have
        ``"weights"``, the fitted weights of each repeat).
    """
    G = _simple_undirected(G)
    methods = tuple(methods)
    k = tuple(k)
    if split not in ("random", "temporal"):
        raise ValueError("split must be 'random' or 'temporal'")
    if split == "temporal" and year is None:
        raise ValueError("a temporal split needs year=")
    runs = repeats if split == "random" else 1
    acc: dict[str, dict[str, list[Any]]] = {m: {"auc": [], **{f"precision@{x}": [] for x in k}} for m in methods}
    info: dict[str, list[float]] = {"n_test": [], "n_negatives": [], "n_candidates": [], "candidate_recall": []}
    katz = {"beta": beta, "max_length": max_length, "epsilon": epsilon}
    for rep in range(runs):
        if split == "random":
            H, test = random_split(G, fraction, seed=seed + rep, connected=connected)
            eligible = None
            as_of = None
        else:
            assert year is not None  # a temporal split without year= was refused above
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
        fitted = None
        if "alliance_calibrated" in methods:
            fitted = calibrate_weights(H, split=split, comembership=comembership, seed=seed + rep, base=weights)
            acc["alliance_calibrated"].setdefault("weights", []).append(fitted.components())
        for m in methods:
            w_m = fitted if m == "alliance_calibrated" else weights
            pos_s = _scores(index, tu, tv, m, w_m, as_of, katz)
            neg_s = _scores(index, nu, nv, m, w_m, as_of, katz)
            acc[m]["auc"].append(auc(pos_s, neg_s))
            cs = _scores(index, cu, cv, m, w_m, as_of, katz) if len(cands) else np.zeros(0)
            for x in k:
                acc[m][f"precision@{x}"].append(precision_at_k(cs, labels, x))
    rows = []
    for m in methods:
        row = {
            "split": split,
            "method": m,
            "auc": float(np.nanmean(acc[m]["auc"])),
            "auc_sd": float(np.nanstd(acc[m]["auc"], ddof=1)) if runs > 1 else 0.0,
            "auc_runs": [float(x) for x in acc[m]["auc"]],
        }
        if "weights" in acc[m]:
            row["weights"] = acc[m]["weights"]
        for x in k:
            row[f"precision@{x}"] = float(np.nanmean(acc[m][f"precision@{x}"]))
        row.update(
            {
                key: float(np.nanmean(v)) if key == "candidate_recall" else int(round(np.mean(v)))
                for key, v in info.items()
            }
        )
        row["repeats"] = runs
        rows.append(row)
    return rows


def paired_difference(a: npt.ArrayLike, b: npt.ArrayLike) -> tuple[float, float]:
    """Mean and standard error of the paired differences ``a[i] - b[i]`` (``se = sd / sqrt(n)``, sd with n − 1).

    Examples
    --------
    >>> paired_difference([0.8, 0.7, 0.9], [0.7, 0.7, 0.7])
    (0.1, 0.057735)
    """
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if len(d) < 2:
        return round(float(d.mean()), 6) if len(d) else float("nan"), float("nan")
    return round(float(d.mean()), 6), round(float(d.std(ddof=1) / np.sqrt(len(d))), 6)


def acceptance(
    G: nx.Graph,
    *,
    year: int | None = None,
    comembership: nx.Graph | None = None,
    repeats: int = 5,
    seed: int = 0,
    method: str = "alliance",
    weights: AllianceWeights = AllianceWeights(),
    reference: str = "resource_allocation",
    baselines: Iterable[str] = METHODS,
) -> dict[str, Any]:
    """Check the acceptance criterion of the alliance score (see the module docstring) and give its numbers.

    Parameters
    ----------
    G : networkx graph with dated ties
    year : int, optional
        First year of the temporal test period (default: the last start year − 1, as ``catalyse evaluate``).
    repeats : int
        Random splits (at least 5 for the standard error to mean something).
    method : {"alliance", "alliance_calibrated"}
    reference : str
        The index the random-split comparison is made against (default resource allocation).
    baselines : iterable of str
        The indices to beat on the temporal split (default every index of ``METHODS``).

    Returns
    -------
    dict
        ``{"temporal": {"year", "auc", "best", "best_auc", "margin", "passed"},
        "random": {"repeats", "auc", "auc_sd", "reference_auc", "reference_sd", "difference", "se", "passed"},
        "passed"}``.
    """
    G = _simple_undirected(G)
    if year is None:
        years = sorted(int(str(s)[:4]) for *_, s in G.edges(data="start") if s)
        if not years:
            raise ValueError("the temporal criterion needs dated ties")
        year = years[-1] - 1
    baselines = tuple(baselines)
    methods = tuple(dict.fromkeys(baselines + (reference, method)))
    t = {
        r["method"]: r
        for r in evaluate(
            G, split="temporal", year=year, comembership=comembership, methods=methods, weights=weights, seed=seed
        )
    }
    best = max(baselines, key=lambda m: t[m]["auc"])
    temporal = {
        "year": int(year),
        "auc": t[method]["auc"],
        "best": best,
        "best_auc": t[best]["auc"],
        "margin": t[method]["auc"] - t[best]["auc"],
    }
    temporal["passed"] = bool(temporal["margin"] > 0)
    r = {
        row["method"]: row
        for row in evaluate(
            G,
            split="random",
            repeats=repeats,
            seed=seed,
            comembership=comembership,
            methods=(reference, method),
            weights=weights,
        )
    }
    diff, se = paired_difference(r[method]["auc_runs"], r[reference]["auc_runs"])
    rnd = {
        "repeats": repeats,
        "auc": r[method]["auc"],
        "auc_sd": r[method]["auc_sd"],
        "reference": reference,
        "reference_auc": r[reference]["auc"],
        "reference_sd": r[reference]["auc_sd"],
        "difference": diff,
        "se": se,
        "passed": bool(repeats >= 2 and diff >= -2 * se),
    }
    return {"temporal": temporal, "random": rnd, "passed": temporal["passed"] and rnd["passed"]}

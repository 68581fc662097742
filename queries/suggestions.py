"""Alliance recommendations: whom a catalyser should introduce to whom, why, through whom, and what it would change.

:func:`suggest` finds candidate pairs (:mod:`queries.candidates`), ranks them by the alliance score
(:func:`queries.link_prediction.alliance_score`) and explains each suggestion:

* **reasons in words** (French by default, English with ``lang="en"``): the shared partners by name, the shared
  themes, the sectors bridged (their labels from :func:`graphcore.vocab.label`), the place they share, the
  alliances they already share;
* the **best introducer** — rule: among the *mutual partners* of the two organisations, the one whose weaker tie
  to the two is the strongest (each tie valued by strength × recency, see :class:`AllianceWeights`); a catalyser
  (node attribute ``catalyser=True``) counts ``catalyser_factor`` times (default 2), since introducing is its
  job. Without a mutual partner: the catalyser tied to either of them by the strongest tie; failing that, the
  best-connected catalyser of their EPCI (then département); failing that, nobody;
* the **what-if gain** of the new tie (added with weight ``new_tie_weight``, default 1): both organisations' Burt
  constraint before → after (exact, computed locally from the current ties), whether the tie would join two
  connected components or two Louvain communities, and the share of cross-sector ties before → after (of the two
  organisations and of the whole graph).

For repeated queries on a large graph build :class:`SuggestionIndex` once (CSR matrices, degrees, attribute
arrays, Burt terms, components, communities) and call ``index.suggest(...)``. For every organisation of a large
territory use :func:`iter_suggest`: the same suggestions, yielded block of rows by block of rows (bounded memory),
with the reasons in words written only when ``reasons`` is read.

The ranking is the alliance score, which estimates how likely the tie is to form; bridging sectors weighs 0 in it
by default (ties form less often across sectors, see :class:`queries.link_prediction.AllianceWeights`) but is
still named in the reasons and measured by the what-if (share of cross-sector ties); ``between=`` asks for
cross-world matches only.

Since closure and activity favour well-connected organisations, a few hubs top most lists (on the demo territory
the 10 most-suggested partners get 31 % of every organisation's top 5). The **diversity rule** ``max_per_partner=k``
(off by default) suggests each organisation as a partner at most ``k`` times in one call, best-scored pairs first,
and says in the reasons of a moved suggestion which better-scored partners were set aside (see :func:`suggest`).

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("asso", name="Les Jardins d'Émile", sector="association", commune="26362", themes=("SDG2",))
>>> G.add_node("ent", name="Fromagerie Côté Vercors", sector="company", commune="26362", themes=("SDG2",))
>>> G.add_node("cat", name="Tiers-lieu La Cartonnerie", sector="association", catalyser=True, themes=())
>>> G.add_edges_from([("asso", "cat"), ("ent", "cat")])
>>> s = suggest(G, "asso", top=1)[0]
>>> s.partner, s.introducer
('ent', 'cat')
>>> print("\\n".join(s.reasons))
1 partenaire en commun : Tiers-lieu La Cartonnerie
Thème partagé : ODD 2
Relie deux mondes : Association ↔ Entreprise (Les Jardins d'Émile n'a encore aucun partenaire « Entreprise »)
Même commune (Valence, 26362)
Qui peut les présenter : Tiers-lieu La Cartonnerie (catalyseur), partenaire des deux
Contrainte de Burt : Les Jardins d'Émile 1 → 1,12 (moins bien) ; Fromagerie Côté Vercors 1 → 1,12 (moins bien)
Part des liens intersectoriels : Les Jardins d'Émile 0 % → 50 % (mieux) ; Fromagerie Côté Vercors 100 % → 100 % (stable)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from catalyse.graphcore.territory import Territory
from catalyse.i18n import LANGS, reason_text
from catalyse.queries import structure
from catalyse.queries.candidates import (
    COMPLEMENTARY_SECTORS,
    SOURCES,
    _candidate_blocks,
    _exclude_keys,
    _normalise_pairs,
    _score_bits,
    _source_names,
    _tiebreak,
    _top_per_row,
)
from catalyse.queries.link_prediction import COMPONENTS, AllianceWeights, GraphIndex, _alliance_positions, _dense

__all__ = ["Suggestion", "SuggestionIndex", "suggest", "iter_suggest", "pair_list", "INTRODUCER_RULE"]

#: The introducer rule, in words (also in the module docstring).
INTRODUCER_RULE = {
    "fr": (
        "le partenaire commun dont le plus faible des deux liens (force × fraîcheur) est le plus fort, un "
        "catalyseur comptant double ; sans partenaire commun, le catalyseur le plus lié à l'un des deux ; "
        "à défaut, le catalyseur le mieux connecté de leur intercommunalité ou département"
    ),
    "en": (
        "the mutual partner whose weaker tie to the two (strength × recency) is strongest, a catalyser counting "
        "double; without a mutual partner, the catalyser with the strongest tie to either; failing that, the "
        "best-connected catalyser of their EPCI or département"
    ),
}


@dataclass(slots=True)
class Suggestion:
    """One suggested introduction. ``as_dict()`` gives a plain dict (for JSON / tables).

    ``reasons`` (the explanation in words) is written **on first access** and then kept: a bulk run that never
    reads it pays nothing for it, and one that reads it streams (see :func:`iter_suggest`).
    """

    org: object
    partner: object
    rank: int
    score: float
    components: dict
    org_name: str
    partner_name: str
    sources: tuple
    shared_partners: list
    shared_themes: list
    sectors: tuple
    place: tuple | None
    shared_alliances: int
    introducer: object | None
    introducer_name: str | None
    introducer_role: str | None
    what_if: dict
    _reasons: list | None = field(default=None, repr=False)
    _why: tuple | None = field(default=None, repr=False, compare=False)
    _codes: list | None = field(default=None, repr=False)
    _lang: str = field(default="fr", repr=False, compare=False)
    _diversity: tuple | None = field(default=None, repr=False)  # (max_per_partner, skipped partners)

    @property
    def reason_codes(self) -> list[dict[str, Any]]:
        """The reasons as codes with their values (list of dicts ``{"code": …}``; empty when the suggestion was
        made with ``explain=False``); :func:`catalyse.i18n.reason_text` words them."""
        if self._codes is None:
            self._codes = _explain(self) if self._why is not None else []
            self._why = None
        return self._codes

    @property
    def reasons(self) -> list[str]:
        """The reasons in words, in the language the suggestion was made in (list of str)."""
        if self._reasons is None:
            self._reasons = [reason_text(c, self._lang) for c in self.reason_codes]
        return self._reasons

    def reasons_in(self, lang: str) -> list[str]:
        """The reasons in words in `lang` ("fr" or "en")."""
        return [reason_text(c, lang) for c in self.reason_codes]

    @property
    def pair(self) -> tuple[object, object]:
        return (self.org, self.partner)

    @property
    def skipped_partners(self) -> list:
        """Better-scored candidates of ``org`` set aside by the ``max_per_partner`` rule before this suggestion
        (best first; always empty without the rule)."""
        return list(self._diversity[1]) if self._diversity else []

    @property
    def score_rank(self) -> int:
        """Rank of ``partner`` among ``org``'s candidates by score alone: ``rank`` plus the number of better-scored
        partners the ``max_per_partner`` rule set aside (equal to ``rank`` without the rule)."""
        return self.rank + len(self._diversity[1]) if self._diversity else self.rank

    def as_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        d["components"] = dict(self.components)
        d["what_if"] = dict(self.what_if)
        d["shared_partners"] = list(self.shared_partners)
        d["shared_themes"] = list(self.shared_themes)
        d["reasons"] = list(self.reasons)
        d["reason_codes"] = [dict(c) for c in self.reason_codes]
        d["pair"] = self.pair
        if self._diversity is not None:  # only with max_per_partner, so that the default dict is unchanged
            d["score_rank"] = self.score_rank
            d["skipped_partners"] = self.skipped_partners
        return d


# ---------------------------------------------------------------------------------------------------------------
# index
# ---------------------------------------------------------------------------------------------------------------


class SuggestionIndex(GraphIndex):
    """Everything :func:`suggest` needs, computed once per graph.

    On top of :class:`queries.link_prediction.GraphIndex` (CSR adjacency, strengths, degrees, attribute arrays)
    it holds, computed lazily on first use and cached: the Burt terms (constraint and the per-tie terms used for
    the exact what-if), connected components, Louvain communities, and the catalyser look-up tables.
    ``SuggestionIndex.from_arrays(arrays, nodes, communities=…)`` (see `GraphIndex.from_arrays`) builds the same
    index from a store's arrays, without a networkx graph.

    Parameters
    ----------
    G : networkx graph
    comembership : networkx.Graph, optional
    communities : dict {node: label}, iterable of sets of nodes or array of labels by position, optional
        The territory's partition (:func:`catalyse.queries.structure.communities`, computed once per loaded
        graph and shown to the user elsewhere); computed here when not given.
    seed : int
        Seed of the Louvain run when the partition is computed here (default 0), on graphs of up to
        :data:`NX_LOUVAIN_MAX_TIES` tied pairs; beyond that, without ``communities=``, the what-if has no
        ``bridges_communities``.
    """

    def __init__(
        self,
        G: nx.Graph,
        *,
        comembership: nx.Graph | None = None,
        communities: dict[Hashable, int] | Iterable[Iterable[Hashable]] | None = None,
        seed: int = 0,
        weight: str | None = "weight",
    ) -> None:
        super().__init__(G, weight=weight, comembership=comembership)
        self.graph_as_of = G.graph.get("as_of")
        self._set_up(communities=communities, seed=seed)

    def _set_up(
        self,
        *,
        communities: dict[Hashable, int] | Iterable[Iterable[Hashable]] | np.ndarray | None = None,
        seed: int = 0,
    ) -> None:
        """The suggestion index's own set-up (also that of `GraphIndex.from_arrays`, which builds a
        `SuggestionIndex` from a store's arrays with the same ``communities`` and ``seed``); `communities` may
        also be an array of labels by position."""
        self.seed = seed
        self._communities: np.ndarray | None = None
        self._communities_skipped = False
        if isinstance(communities, np.ndarray):
            if communities.shape != (self.n,):
                raise ValueError(f"communities must have one label per organisation ({self.n})")
            self._communities = communities.astype(np.int64)
        elif communities is not None:
            lab = np.full(self.n, -1, dtype=np.int64)
            if isinstance(communities, dict):
                for x, k in communities.items():
                    if x in self.pos:
                        lab[self.pos[x]] = k
            else:
                for k, members in enumerate(communities):
                    for x in members:
                        lab[self.pos[x]] = k
            self._communities = lab
        self._burt: tuple[np.ndarray, sp.csr_array, np.ndarray] | None = None
        self._components: np.ndarray | None = None
        self._cat_tables: dict[str, np.ndarray] | None = None
        self._cat_E = self._cat_E_key = None

    def suggest(self, org: Hashable | None = None, **kwargs: Any) -> list[Suggestion]:
        """:func:`suggest` on the indexed graph."""
        return suggest(None, org, index=self, **kwargs)

    def iter_suggest(self, org: Hashable | None = None, **kwargs: Any) -> Iterator[Suggestion]:
        """:func:`iter_suggest` on the indexed graph."""
        return iter_suggest(None, org, index=self, **kwargs)

    def warm(
        self,
        *,
        communities: bool = True,
        territory_level: str = "epci",
        complementary: Iterable[Iterable[str]] = COMPLEMENTARY_SECTORS,
    ) -> SuggestionIndex:
        """Compute now what the first query would otherwise compute (Burt terms, components, Louvain if
        ``communities``, the candidate matrices of ``territory_level``), so that every query is equally fast
        (at W2: about 10 s once, then tens of milliseconds per organisation). Returns the index."""
        from catalyse.queries.candidates import _prepared

        self.burt()
        self.components()
        self.neighbour_sectors()
        if communities:
            self.communities()
        _prepared(self, territory_level, _normalise_pairs(complementary))
        return self

    # -- lazily computed pieces -------------------------------------------------------------------------------
    def components(self) -> np.ndarray:
        """Connected-component label of each organisation (undirected skeleton)."""
        if self._components is None:
            self._components = connected_components(self.A, directed=False)[1].astype(np.int64)
        return self._components

    def communities(self) -> np.ndarray | None:
        """Louvain community label of each organisation (seeded; see the class docstring), or None when it would
        take too long: without igraph, networkx's pure-Python Louvain is only run up to
        :data:`NX_LOUVAIN_MAX_TIES` tied pairs (it takes minutes on a million ties; igraph takes seconds)."""
        if self._communities is None and not self._communities_skipped:
            self._communities = _louvain_labels(self, self.seed)
            self._communities_skipped = self._communities is None
        return self._communities

    def burt(self) -> tuple[np.ndarray, sp.csr_array, np.ndarray]:
        """``(s, Y, c)``: mutual-weight strengths, per-tie terms ``Y_ij = p_ij + Σ_q p_iq p_qj`` on the tie
        pattern, and Burt's constraint ``c_i = Σ_j Y_ij²`` (NaN for isolates, like networkx)."""
        if self._burt is None:
            s, P = self._burt_p()
            est = self.A @ self.degree.astype(np.float64) + 1
            cum = np.cumsum(est)
            pieces = []
            start = 0
            while start < self.n:
                base = cum[start - 1] if start else 0.0
                stop = max(int(np.searchsorted(cum, base + 4_000_000, side="right")), start + 1)
                blk = slice(start, stop)
                Pb = P[blk]
                P2 = (Pb @ P).multiply(self.A[blk])
                pieces.append(sp.csr_array(Pb + P2))
                start = stop
            Y = sp.csr_array(sp.vstack(pieces, format="csr")) if pieces else sp.csr_array((0, 0))
            Y.sort_indices()
            c = np.asarray(Y.multiply(Y).sum(axis=1)).ravel() if self.n else np.zeros(0)
            c = np.where(s > 0, c, np.nan)
            self._burt = (s, Y, c)
        return self._burt

    def _burt_p(self) -> tuple[np.ndarray, sp.csr_array]:
        """``(s, P)``: mutual-weight strengths and proportions ``P = diag(1/s) Wm`` (sorted indices), once."""
        if self.__dict__.get("_burt_sp") is None:
            Wm = self.Wm
            s = np.asarray(Wm.sum(axis=1)).ravel()
            inv = np.where(s > 0, 1.0 / np.where(s > 0, s, 1), 0.0)
            P = sp.csr_array(sp.diags_array(inv) @ Wm)
            P.sort_indices()
            self._burt_sp = (s, P)
        return self._burt_sp

    def burt_rows(self, rows: np.ndarray) -> tuple[np.ndarray, sp.csr_array, np.ndarray]:
        """``(s, Y[rows], c[rows])`` of :meth:`burt`, computed for these rows only while the whole terms are not
        (a query for one organisation needs its partners' rows, not the territory's): the same values, since each
        row of ``Y`` is computed from that row alone."""
        rows = np.asarray(rows, dtype=np.int64)
        if self._burt is not None or len(rows) > self.n // 20:
            s, Y, c = self.burt()
            return s, sp.csr_array(Y[rows]), c[rows]
        s, P = self._burt_p()
        uniq, inverse = np.unique(rows, return_inverse=True)
        Pb = P[uniq]
        Yu = sp.csr_array(Pb + (Pb @ P).multiply(self.A[uniq]))
        Yu.sort_indices()
        cu = np.asarray(Yu.multiply(Yu).sum(axis=1)).ravel()
        cu = np.where(s[uniq] > 0, cu, np.nan)
        return s, sp.csr_array(Yu[inverse.ravel()]), cu[inverse.ravel()]

    def catalyser_tables(self) -> dict[str, np.ndarray]:
        """For each EPCI and département code, the best-connected catalyser (or -1)."""
        if self._cat_tables is None:
            tables = {}
            cats = np.flatnonzero(self.catalyser)
            order = cats[np.lexsort((cats, -self.degree[cats]))] if len(cats) else cats
            for attr in ("epci", "departement"):
                arr = getattr(self, attr)
                best = np.full(len(getattr(self, attr + "_codes")) + 1, -1, dtype=np.int64)
                for i in order[::-1]:  # best last so it wins
                    if arr[i] >= 0:
                        best[arr[i]] = i
                tables[attr] = best
            self._cat_tables = tables
        return self._cat_tables


#: Above this many tied pairs an index does not compute the Louvain communities of the what-if itself (seconds to
#: minutes in networkx): pass ``communities=`` (the territory's partition, computed once per loaded graph).
NX_LOUVAIN_MAX_TIES = 200_000


def _louvain_labels(index, seed):
    """The partition of :func:`catalyse.queries.structure.communities` (the one community detection of catalyse)
    on the index's weighted graph, as labels by position; None above :data:`NX_LOUVAIN_MAX_TIES`."""
    if index.n_edges > NX_LOUVAIN_MAX_TIES:
        return None
    H = nx.Graph()
    H.add_nodes_from(index.nodes)
    nodes = index.nodes
    H.add_weighted_edges_from(
        (nodes[u], nodes[v], w)
        for u, v, w in zip(
            index.edge_lo.tolist(), index.edge_hi.tolist(), index.W[index.edge_lo, index.edge_hi].tolist()
        )
    )
    membership = structure.communities(H, seed=seed)["membership"]
    return np.fromiter((membership[x] for x in nodes), dtype=np.int64, count=index.n)


# ---------------------------------------------------------------------------------------------------------------
# what-if
# ---------------------------------------------------------------------------------------------------------------


def _constraint_after(index, us, vs, new_weight, terms):
    """Burt constraint of ``us`` after adding the tie us–vs (exact, local update; see module docstring);
    `terms`: ``index.burt_rows(us)``."""
    s, Yu, cu = terms
    Wm = index.Wm
    m0 = 2.0 * new_weight  # mutual weight of a new undirected tie (w(u,v) + w(v,u))
    su, sv = s[us], s[vs]
    alpha = su / (su + m0)
    rv = m0 / (su + m0)
    gamma = rv / (sv + m0)
    Wv = Wm[vs]
    cross = _dense(Yu.multiply(Wv).sum(axis=1))
    sq = _dense(index.A[us].multiply(Wv.multiply(Wv)).sum(axis=1))
    inv_s = np.where(s > 0, 1.0 / np.where(s > 0, s, 1), 0.0)
    p2 = (Wm[us].multiply(Wv) @ inv_s) * np.where(su > 0, 1.0 / np.where(su > 0, su, 1), 0.0)
    base = np.where(su > 0, cu, 0.0)
    return alpha**2 * base + 2 * alpha * gamma * cross + gamma**2 * sq + (rv + alpha * p2) ** 2


def _what_if(index, us, vs, new_weight, communities=True):
    m = len(us)
    s, Y, c = index.burt_rows(np.concatenate((us, vs)))
    terms_u, terms_v = (s, sp.csr_array(Y[:m]), c[:m]), (s, sp.csr_array(Y[m:]), c[m:])
    after_u = _constraint_after(index, us, vs, new_weight, terms_u)
    after_v = _constraint_after(index, vs, us, new_weight, terms_v)
    comp = index.components()
    out = {
        "constraint_org_before": c[:m],
        "constraint_org_after": after_u,
        "constraint_partner_before": c[m:],
        "constraint_partner_after": after_v,
        "bridges_components": comp[us] != comp[vs],
    }
    com = index.communities() if communities else None
    if com is not None:
        out["bridges_communities"] = com[us] != com[vs]
    nb = index.neighbour_sectors()
    deg = index.degree
    su, sv = index.sector[us], index.sector[vs]
    cross_tie = (su != sv) & (su >= 0) & (sv >= 0)
    same_u = np.where(su >= 0, nb[us, np.maximum(su, 0)], deg[us])
    same_v = np.where(sv >= 0, nb[vs, np.maximum(sv, 0)], deg[vs])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cross_share_org_before"] = np.where(deg[us] > 0, (deg[us] - same_u) / np.maximum(deg[us], 1), np.nan)
        out["cross_share_org_after"] = (deg[us] - same_u + cross_tie) / (deg[us] + 1)
        out["cross_share_partner_before"] = np.where(deg[vs] > 0, (deg[vs] - same_v) / np.maximum(deg[vs], 1), np.nan)
        out["cross_share_partner_after"] = (deg[vs] - same_v + cross_tie) / (deg[vs] + 1)
    m = index.n_edges
    if "_cross_edges" not in index.__dict__:
        sl, sh = index.sector[index.edge_lo], index.sector[index.edge_hi]
        index._cross_edges = int(((sl != sh) & (sl >= 0) & (sh >= 0)).sum())
    ce = index._cross_edges
    out["cross_share_graph_before"] = np.full(len(us), ce / m if m else np.nan)
    out["cross_share_graph_after"] = (ce + cross_tie) / (m + 1)
    return out


# ---------------------------------------------------------------------------------------------------------------
# introducer
# ---------------------------------------------------------------------------------------------------------------


def _row_argmax(M):
    """Column of the largest stored value of each row of CSR ``M`` (the lowest column among equal values, like
    scipy's ``argmax(axis=1)`` on positive values), -1 for an empty row; vectorised (scipy loops over rows)."""
    n = M.shape[0]
    out = np.full(n, -1, dtype=np.int64)
    if M.nnz:
        rows = np.repeat(np.arange(n), np.diff(M.indptr))
        order = np.lexsort((M.indices, -M.data, rows))
        first = np.r_[0, np.flatnonzero(rows[order][1:] != rows[order][:-1]) + 1]
        out[rows[order[first]]] = M.indices[order[first]]
    return out


def _introducers(index, us, vs, E, catalyser_factor):
    """``(introducer row or -1, role code, X)`` where X is the sparse matrix of bottleneck values per pair."""
    X = sp.csr_array(E[us].minimum(E[vs]))
    X.sort_indices()
    factor = np.where(index.catalyser, catalyser_factor, 1.0)
    Xf = sp.csr_array(X @ sp.diags_array(factor))
    has = np.diff(Xf.indptr) > 0
    intro = np.full(len(us), -1, dtype=np.int64)
    role = np.full(len(us), "", dtype=object)
    if has.any():
        am = _row_argmax(Xf)
        intro[has] = am[has]
        role[has] = np.where(index.catalyser[am[has]], "catalyser_mutual", "mutual")
    rest = np.flatnonzero(~has)
    if len(rest) and index.catalyser.any():
        key = ("catalyser_ties", id(E))
        if index._cat_E_key != key:
            Ec = sp.csr_array(E @ sp.diags_array(index.catalyser.astype(np.float64)))
            Ec.eliminate_zeros()
            index._cat_E, index._cat_E_key = Ec, key
        Ec = index._cat_E
        Z = sp.csr_array(Ec[us[rest]].maximum(Ec[vs[rest]]))
        got = np.diff(Z.indptr) > 0
        if got.any():
            am = _row_argmax(Z)
            intro[rest[got]] = am[got]
            role[rest[got]] = "catalyser_tied"
        rest = rest[~got]
        tables = index.catalyser_tables()
        for attr in ("epci", "departement"):
            if not len(rest):
                break
            arr = getattr(index, attr)
            best = tables[attr]
            cand = np.where(arr[us[rest]] >= 0, best[np.maximum(arr[us[rest]], 0)], -1)
            cand = np.where(cand >= 0, cand, np.where(arr[vs[rest]] >= 0, best[np.maximum(arr[vs[rest]], 0)], -1))
            cand = np.where((cand == us[rest]) | (cand == vs[rest]), -1, cand)
            ok = cand >= 0
            intro[rest[ok]] = cand[ok]
            role[rest[ok]] = "catalyser_" + attr
            rest = rest[~ok]
    return intro, role, X


# ---------------------------------------------------------------------------------------------------------------
# reasons, as codes (worded by catalyse.i18n.reason_text)
# ---------------------------------------------------------------------------------------------------------------


def _reason_codes(rec, index, private):
    """The reasons of ``rec`` as codes with their values (``{"code": …, …}``), in the order they are shown."""
    out = []
    k = len(rec.shared_partners)
    if k:
        names = [index.names[index.pos[x]] for x in rec.shared_partners[:3]]
        out.append({"code": "shared_partners", "count": k, "names": names})
    if rec.shared_themes:
        out.append({"code": "shared_themes", "themes": list(rec.shared_themes)})
    sa, sb = rec.sectors
    if sa and sb and sa != sb:
        out.append(
            {
                "code": "bridges_sectors",
                "sectors": [sa, sb],
                "names": [rec.org_name, rec.partner_name],
                "first_for_org": bool(private.get("new_for_org")),
                "first_for_partner": bool(private.get("new_for_partner")),
            }
        )
    if rec.place:
        out.append({"code": "same_place", "level": rec.place[0], "place": rec.place[1]})
    if rec.shared_alliances:
        out.append({"code": "shared_alliances", "count": int(rec.shared_alliances)})
    if rec.introducer is not None:
        out.append(
            {
                "code": "introducer",
                "introducer": rec.introducer,
                "name": rec.introducer_name,
                "role": rec.introducer_role,
                "tied_to_name": private.get("tied_to_name"),
            }
        )
    else:
        out.append({"code": "no_introducer"})
    w = rec.what_if
    if "constraint_org_before" in w:
        names = [rec.org_name, rec.partner_name]
        out.append(
            {
                "code": "constraint_change",
                "names": names,
                "before": [w["constraint_org_before"], w["constraint_partner_before"]],
                "after": [w["constraint_org_after"], w["constraint_partner_after"]],
            }
        )
        if w["bridges_components"]:
            out.append({"code": "bridges_components"})
        elif w.get("bridges_communities"):
            out.append({"code": "bridges_communities"})
        out.append(
            {
                "code": "cross_share_change",
                "names": names,
                "before": [w["cross_share_org_before"], w["cross_share_partner_before"]],
                "after": [w["cross_share_org_after"], w["cross_share_partner_after"]],
            }
        )
    if rec._diversity and rec._diversity[1]:  # placed after partners set aside by max_per_partner
        cap, skipped = rec._diversity
        out.append(
            {
                "code": "diversity",
                "skipped": len(skipped),
                "cap": cap,
                "names": [index.names[index.pos[x]] for x in skipped[:3]],
                "score_rank": rec.score_rank,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------------------------
# suggest
# ---------------------------------------------------------------------------------------------------------------


def _territory_mask(G, index, territory):
    """Organisations of the index inside `territory` (parsed once by `Territory.parse`: the same selector as
    the stores and `projection.restrict`), from the graph's node attributes."""
    where = Territory.parse(territory)
    if G is None:
        raise ValueError("a territory filter needs the graph (node attributes)")
    nd = G.nodes
    return np.fromiter((where.contains(nd[x]) for x in index.nodes), dtype=bool, count=index.n)


def suggest(
    G: nx.Graph | None,
    org: Hashable | None = None,
    *,
    top: int = 10,
    between: tuple[str, str] | None = None,
    territory: str | Territory | None = None,
    theme: str | None = None,
    exclude: Iterable[tuple[Hashable, Hashable]] = (),
    comembership: nx.Graph | None = None,
    lang: str = "fr",
    weights: AllianceWeights = AllianceWeights(),
    as_of: str | date | None = None,
    sources: Iterable[str] = SOURCES,
    territory_level: str = "epci",
    complementary: Iterable[Iterable[str]] = COMPLEMENTARY_SECTORS,
    cap: int = 10,
    what_if: bool = True,
    communities: bool = True,
    new_tie_weight: float = 1.0,
    catalyser_factor: float = 2.0,
    explain: bool = True,
    index: SuggestionIndex | None = None,
    max_per_partner: int | None = None,
) -> list[Suggestion]:
    """Suggested introductions, best first, with reasons, introducer and what-if gain.

    Parameters
    ----------
    G : networkx graph
        Tie graph (``DiGraph`` read through its undirected skeleton). May be None when ``index`` is given.
    org : node, optional
        The organisation to find partners for. ``None``: every organisation's own top list (the catalyser's
        list for the territory), concatenated in node order. For every organisation of a large territory prefer
        :func:`iter_suggest`, which yields the same suggestions block by block in bounded memory.
    top : int
        Suggestions per organisation (default 10; the territory list is usually ``top=5``).
    between : (sector, sector), optional
        Only cross-world matches between these two sector codes (e.g. ``("association", "company")``); the
        ``sectors`` candidate source then looks for exactly this pair.
    territory : str or Territory, optional
        Keep organisations of this territory only (both ends): ``"26"``, ``"region:84"``, ``"epci:200068781"``…,
        read by :meth:`catalyse.graphcore.territory.Territory.parse` like every other territory filter.
    theme : str, optional
        Keep pairs that both have this theme.
    exclude : iterable of (u, v)
        Pairs never suggested (introductions already made or declined), in either order.
    comembership : networkx.Graph, optional
        Co-membership graph: source of candidates and of the ``alliances`` component.
    lang : {"fr", "en"}
        Language of the reasons (default French).
    weights : AllianceWeights
        Weights of the alliance score (e.g. fitted with :func:`queries.evaluation.calibrate_weights`).
    as_of : date or ISO str, optional
        Reference date of tie recency.
    sources, territory_level, complementary, cap
        Candidate generation, see :func:`queries.candidates.candidate_pairs`.
    what_if : bool
        Compute the what-if gain (default True).
    communities : bool
        Include the Louvain-community test in the what-if (default True; computed once per index, see
        :meth:`SuggestionIndex.communities` — left out when it cannot be computed in reasonable time).
    new_tie_weight : float
        Weight of the hypothetical new tie (default 1).
    catalyser_factor : float
        How much more a catalyser counts when choosing the introducer (default 2).
    explain : bool
        Give the reasons in words (default True; they are written when ``reasons`` is first read). False leaves
        ``reasons`` empty (every structured field is still there).
    index : SuggestionIndex, optional
        Prebuilt index (required for speed on large graphs).
    max_per_partner : int, optional
        Diversity rule, off by default (``None``: every list is the score-ordered list, so a few well-connected
        hubs top most of them). With ``max_per_partner=k`` an organisation is **suggested as a partner at most k
        times** in all the lists of this call: the candidate pairs of every organisation are taken together, best
        score first (equal scores: the organisation first in node order), and a pair is kept when its
        organisation's list has fewer than ``top`` entries and its partner has been suggested fewer than ``k``
        times; otherwise it is set aside.
        Each list is therefore its score-ordered list with the partners that reached the cap skipped, and a
        partner's ``k`` places go to the organisations for which it scores best. Lists can come out shorter than
        ``top`` when candidates run out. ``rank`` is the position in the list as given; a suggestion placed after
        set-aside partners says so in its reasons and has ``score_rank`` (its rank by score alone) and
        ``skipped_partners``, also in ``as_dict()``. With one ``org`` the rule changes nothing (a partner appears
        once in a list). The cap does not count the hub's own list (where it is ``org``, not ``partner``).

    Returns
    -------
    list of Suggestion
        Sorted by organisation (node order) then rank (1 = best).

    Examples
    --------
    >>> G = nx.Graph([("a", "w"), ("b", "w"), ("c", "w"), ("b", "c")])
    >>> nx.set_node_attributes(G, "association", "sector")
    >>> [(s.org, s.partner, s.rank) for s in suggest(G, "a", what_if=False)]
    [('a', 'b', 1), ('a', 'c', 2)]
    >>> len(suggest(G, top=1, lang="en"))  # a, b, c each get one; w is tied to everybody
    3

    The diversity rule. Associations a, b, c (3, 2 and 1 partners) and companies H, M, L (4, 3 and 2 partners)
    are two steps apart; by score, the most connected company H heads every association's list. With
    ``max_per_partner=1``, H and M go to a, whose pairs with them score best; both candidates of b are taken, and
    c gets L, its second best.

    >>> G = nx.Graph([("a", "p"), ("a", "q"), ("a", "r"), ("b", "p"), ("b", "q"), ("c", "r"), ("H", "p"),
    ...               ("H", "q"), ("H", "r"), ("H", "t"), ("M", "p"), ("M", "q"), ("M", "t"), ("L", "r"), ("L", "t")])
    >>> nx.set_node_attributes(G, {x: "association" for x in "abc"} | {x: "company" for x in "HML"}, "sector")
    >>> kw = dict(top=2, between=("association", "company"), sources=("two_step",), what_if=False, lang="en")
    >>> lists = lambda res: {x: [s.partner for s in res if s.org == x] for x in "abc"}
    >>> lists(suggest(G, **kw))
    {'a': ['H', 'M'], 'b': ['H', 'M'], 'c': ['H', 'L']}
    >>> res = suggest(G, **kw, max_per_partner=1)
    >>> lists(res)
    {'a': ['H', 'M'], 'b': [], 'c': ['L']}
    >>> c = next(s for s in res if s.org == "c")
    >>> c.rank, c.score_rank, c.skipped_partners
    (1, 2, ['H'])
    >>> c.reasons[-1]
    'Diversity rule: 1 better-scored partner set aside, already suggested once elsewhere (H); score rank 2'
    """
    return list(
        iter_suggest(
            G,
            org,
            top=top,
            between=between,
            territory=territory,
            theme=theme,
            exclude=exclude,
            comembership=comembership,
            lang=lang,
            weights=weights,
            as_of=as_of,
            sources=sources,
            territory_level=territory_level,
            complementary=complementary,
            cap=cap,
            what_if=what_if,
            communities=communities,
            new_tie_weight=new_tie_weight,
            catalyser_factor=catalyser_factor,
            explain=explain,
            index=index,
            max_per_partner=max_per_partner,
        )
    )


def iter_suggest(
    G: nx.Graph | None,
    org: Hashable | None = None,
    *,
    top: int = 10,
    between: tuple[str, str] | None = None,
    territory: str | Territory | None = None,
    theme: str | None = None,
    exclude: Iterable[tuple[Hashable, Hashable]] = (),
    comembership: nx.Graph | None = None,
    lang: str = "fr",
    weights: AllianceWeights = AllianceWeights(),
    as_of: str | date | None = None,
    sources: Iterable[str] = SOURCES,
    territory_level: str = "epci",
    complementary: Iterable[Iterable[str]] = COMPLEMENTARY_SECTORS,
    cap: int = 10,
    what_if: bool = True,
    communities: bool = True,
    new_tie_weight: float = 1.0,
    catalyser_factor: float = 2.0,
    explain: bool = True,
    index: SuggestionIndex | None = None,
    max_per_partner: int | None = None,
) -> Iterator[Suggestion]:
    """The suggestions of :func:`suggest` (same arguments, same order), yielded block of organisations by block.

    Memory stays bounded whatever the number of organisations: candidates and scores are computed by blocks of
    rows (a few thousand organisations), each block's suggestions are yielded before the next block is computed,
    and the reasons in words are only written when read. Nothing is computed before the first item is requested.

    With ``max_per_partner`` (see :func:`suggest`) the lists depend on each other, so every candidate pair is
    scored before the first suggestion is yielded: the memory is then that of the candidate pairs (a few tens of
    bytes each, about 3 million pairs for 100,000 organisations), and the suggestions are still yielded block by
    block with their reasons written when read.

    Examples
    --------
    >>> G = nx.Graph([("a", "w"), ("b", "w"), ("c", "w"), ("b", "c")])
    >>> nx.set_node_attributes(G, "association", "sector")
    >>> it = iter_suggest(G, top=1, what_if=False)
    >>> [(s.org, s.partner) for s in it]
    [('a', 'b'), ('b', 'a'), ('c', 'a')]
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fr' or 'en', not {lang!r}")
    if max_per_partner is not None and (
        isinstance(max_per_partner, bool) or not isinstance(max_per_partner, int) or max_per_partner < 1
    ):
        raise ValueError(f"max_per_partner must be None or an integer ≥ 1, not {max_per_partner!r}")
    if index is None:
        index = SuggestionIndex(G, comembership=comembership)
    elif comembership is not None and index.comembership is None:
        index.set_comembership(comembership)
    n = index.n
    row_ok = np.ones(n, dtype=bool)
    col_ok = np.ones(n, dtype=bool)
    if territory is not None:
        tm = _territory_mask(G, index, territory)
        row_ok &= tm
        col_ok &= tm
    if theme is not None:
        tm = np.zeros(n, dtype=bool)
        if theme in index.theme_codes:
            t = index.theme_codes.index(theme)
            tm = _dense(index.T[:, [t]].sum(axis=1)) > 0
        row_ok &= tm
        col_ok &= tm
    sec_a = sec_b = -2
    if between is not None:
        a, b = between
        codes = index.sector_codes
        sec_a = codes.index(a) if a in codes else -3
        sec_b = codes.index(b) if b in codes else -3
        row_ok &= (index.sector == sec_a) | (index.sector == sec_b)
        complementary = {frozenset((a, b))}

    def pair_filter(r, c):
        ok = col_ok[c] & row_ok[r]
        if between is not None:
            sr, sc = index.sector[r], index.sector[c]
            ok &= ((sr == sec_a) & (sc == sec_b)) | ((sr == sec_b) & (sc == sec_a))
        return ok

    if org is not None:
        if org not in index.pos:
            raise nx.NodeNotFound(f"Organisation {org!r} not in the graph.")
        rows = np.array([index.pos[org]], dtype=np.int64)
        rows = rows[row_ok[rows]]
    else:
        rows = np.flatnonzero(row_ok)
    ex = _exclude_keys(index, exclude)
    blocks = _candidate_blocks(
        index,
        rows,
        sources=tuple(sources),
        territory=territory_level,
        complementary=_normalise_pairs(complementary),
        cap=cap,
        exclude_keys=ex,
        pair_filter=pair_filter,
    )
    kw = dict(
        lang=lang,
        what_if=what_if,
        communities=communities,
        new_tie_weight=new_tie_weight,
        catalyser_factor=catalyser_factor,
        explain=explain,
    )
    if max_per_partner is not None:
        return _generate_capped(
            index, blocks, top=top, max_per_partner=max_per_partner, weights=weights, as_of=as_of, **kw
        )
    return _generate(index, blocks, top=top, weights=weights, as_of=as_of, **kw)


def pair_list(
    suggestions: Iterable[Suggestion], *, max_per_org: int | None = None, limit: int | None = None
) -> list[Suggestion]:
    """The territory's list: each pair once (from its better-scored side), best first.

    Parameters
    ----------
    suggestions : iterable of Suggestion
        Every organisation's list, as :func:`suggest` gives them (a pair may come from both of its sides).
    max_per_org : int, optional
        Keep no organisation in more than this many pairs of the list, on either side (a pair is a suggestion for
        both of its organisations); pairs are taken best first and one with an organisation already in
        ``max_per_org`` pairs is left out. None (default): no cap.
    limit : int, optional
        Keep the first ``limit`` pairs.

    Returns
    -------
    list of Suggestion
        Best score first (equal scores: by organisation, then partner).

    Examples
    --------
    >>> G = nx.Graph([("a", "w"), ("b", "w"), ("c", "w"), ("b", "c")])
    >>> found = suggest(G, what_if=False, lang="en")
    >>> [s.pair for s in found]
    [('a', 'b'), ('a', 'c'), ('b', 'a'), ('c', 'a')]
    >>> [s.pair for s in pair_list(found)], [s.pair for s in pair_list(found, max_per_org=1)]
    ([('a', 'b'), ('a', 'c')], [('a', 'b')])
    """
    best: dict = {}
    for x in suggestions:
        key = frozenset((x.org, x.partner))
        if key not in best or x.score > best[key].score:
            best[key] = x
    found = sorted(best.values(), key=lambda x: (-x.score, str(x.org), str(x.partner)))
    if max_per_org is not None:
        seen: dict = {}
        kept = []
        for x in found:
            if seen.get(x.org, 0) < max_per_org and seen.get(x.partner, 0) < max_per_org:
                seen[x.org] = seen.get(x.org, 0) + 1
                seen[x.partner] = seen.get(x.partner, 0) + 1
                kept.append(x)
        found = kept
    return found[:limit]


def _generate(index, blocks, *, top, weights, as_of, **kw):
    E = index.vitality(weights, as_of)
    for r, c, mask in blocks:
        if not len(r):
            continue
        comp = _alliance_positions(index, r, c, weights, as_of)
        sel = _top_per_row(r, c, comp["score"], top)
        sel = sel[np.lexsort((-comp["score"][sel], r[sel]))]
        yield from _records(index, r[sel], c[sel], mask[sel], {k: v[sel] for k, v in comp.items()}, E, **kw)


def _generate_capped(index, blocks, *, top, max_per_partner, weights, as_of, **kw):
    """The ``max_per_partner`` rule (see :func:`suggest`): one greedy pass over every candidate pair, best first."""
    E = index.vitality(weights, as_of)
    rs, cs, ms, ss = [], [], [], []
    for r, c, mask in blocks:
        if len(r):
            rs.append(r)
            cs.append(c)
            ms.append(mask)
            ss.append(_alliance_positions(index, r, c, weights, as_of)["score"])
    if not rs:
        return
    r, c, mask, score = (np.concatenate(x) for x in (rs, cs, ms, ss))
    del rs, cs, ms, ss
    # best score first, compared like _top_per_row (single precision, then its fixed pseudo-random order of
    # candidates), equal scores of different organisations in node order
    order = np.lexsort((_tiebreak(c), r, -_score_bits(score)))
    filled = np.zeros(index.n, dtype=np.int64)
    used = np.zeros(index.n, dtype=np.int64)
    skipped: dict = {}
    keep, keep_skipped = [], []
    for i, u, v in zip(order.tolist(), r[order].tolist(), c[order].tolist()):
        if filled[u] >= top:
            continue
        if used[v] >= max_per_partner:
            skipped.setdefault(u, []).append(v)
            continue
        filled[u] += 1
        used[v] += 1
        keep.append(i)
        keep_skipped.append(tuple(skipped.get(u, ())))
    keep = np.asarray(keep, dtype=np.int64)
    # each list in the order _generate gives it (so that a cap that skips nobody gives the default lists): score,
    # then, for equal scores, _top_per_row's order — the candidates' order in a row it kept whole (at most `top`
    # candidates), its tiebreak in a longer row
    whole = np.bincount(r, minlength=index.n)[r[keep]] <= top
    by_org = np.lexsort((keep, np.where(whole, 0, _tiebreak(c[keep])), -score[keep], r[keep]))
    keep = keep[by_org]
    keep_skipped = [keep_skipped[k] for k in by_org.tolist()]
    del order
    nodes = index.nodes
    # yield by blocks of whole lists (a list cut in two would restart its ranks)
    starts = np.flatnonzero(np.r_[True, r[keep][1:] != r[keep][:-1]]).tolist() + [len(keep)]
    lo = 0
    while lo < len(keep):
        hi = starts[min(int(np.searchsorted(starts, lo + _RECORD_BLOCK, side="right")), len(starts) - 1)]
        sel = keep[lo:hi]
        us, vs = r[sel], c[sel]
        comp = _alliance_positions(index, us, vs, weights, as_of)
        recs = _records(index, us, vs, mask[sel], comp, E, **kw)
        for rec, sk in zip(recs, keep_skipped[lo:hi]):
            rec._diversity = (max_per_partner, tuple(nodes[j] for j in sk))
        yield from recs
        lo = hi


#: Suggestions written per block by the ``max_per_partner`` path (whole lists; about what one block of rows gives).
_RECORD_BLOCK = 1 << 16


def _records(
    index, us, vs, masks, comp, E, *, lang, what_if, communities, new_tie_weight, catalyser_factor, explain=True
):
    intro, role, X = _introducers(index, us, vs, E, catalyser_factor)
    wi = _what_if(index, us, vs, new_tie_weight, communities) if what_if else {}
    wi_keys = list(wi)
    wi_cols = []
    for val in wi.values():
        col = val.tolist()
        if val.dtype.kind == "f":
            for i in np.flatnonzero(np.isnan(val)).tolist():
                col[i] = None
        wi_cols.append(col)
    wi_rows = list(zip(*wi_cols)) if wi_cols else None
    nodes, names = index.nodes, index.names
    theme_sets = index.__dict__.get("_theme_sets")
    if theme_sets is None:
        theme_sets = index._theme_sets = {}
    T, codes = index.T, index.theme_codes
    for i in set(us.tolist()).union(vs.tolist()).difference(theme_sets):  # only the rows asked for, once each
        theme_sets[i] = frozenset(codes[t] for t in T.indices[T.indptr[i] : T.indptr[i + 1]])
    sector_codes = index.sector_codes
    cached = index.__dict__.get("_record_lists")
    if cached is None:  # Python lists of the attribute codes, built once per index (not once per block)
        cached = index._record_lists = (
            [
                ("commune", index.commune.tolist(), index.commune_codes),
                ("epci", index.epci.tolist(), index.epci_codes),
                ("departement", index.departement.tolist(), index.departement_codes),
            ],
            index.sector.tolist(),
        )
    levels, sector = cached
    Cm = index.comembership
    shared_all = np.rint(_dense(Cm[us, vs])).astype(int).tolist() if Cm is not None and len(us) else [0] * len(us)
    comp_rows = list(zip(*(comp[k].tolist() for k in COMPONENTS)))
    scores = comp["score"].tolist()
    us_l, vs_l, masks_l, intro_l, role_l = us.tolist(), vs.tolist(), masks.tolist(), intro.tolist(), role.tolist()
    source_names = {m: _source_names(m) for m in set(masks_l)}
    # shared partners of each pair, strongest bottleneck first (ties: lowest row), in one sort
    xrows = np.repeat(np.arange(len(us)), np.diff(X.indptr))
    order = np.lexsort((X.indices, -X.data, xrows))
    shared_rows = X.indices[order].tolist()
    indptr = X.indptr.tolist()
    recs = []
    rank = 0
    prev = -1
    for i in range(len(us_l)):
        u, v = us_l[i], vs_l[i]
        rank = rank + 1 if u == prev else 1
        prev = u
        lo, hi = indptr[i], indptr[i + 1]
        shared = [nodes[j] for j in shared_rows[lo:hi]] if hi > lo else []
        th = sorted(theme_sets[u] & theme_sets[v])
        su = sector_codes[sector[u]] if sector[u] >= 0 else None
        sv = sector_codes[sector[v]] if sector[v] >= 0 else None
        place = None
        for level, arr, codes in levels:
            if arr[u] >= 0 and arr[u] == arr[v]:
                place = (level, codes[arr[u]])
                break
        j = intro_l[i]
        recs.append(
            Suggestion(
                org=nodes[u],
                partner=nodes[v],
                rank=rank,
                score=scores[i],
                components=dict(zip(COMPONENTS, comp_rows[i])),
                org_name=names[u],
                partner_name=names[v],
                sources=source_names[masks_l[i]],
                shared_partners=shared,
                shared_themes=th,
                sectors=(su, sv),
                place=place,
                shared_alliances=shared_all[i],
                introducer=nodes[j] if j >= 0 else None,
                introducer_name=names[j] if j >= 0 else None,
                introducer_role=role_l[i] or None,
                what_if=dict(zip(wi_keys, wi_rows[i])) if wi_rows else {},
                _codes=None if explain else [],
                _why=(index, lang, u, v, j, E) if explain else None,
                _lang=lang,
            )
        )
    return recs


def _explain(rec):
    """The reason codes of ``rec`` (called on first access of ``rec.reason_codes`` or ``rec.reasons``)."""
    index, _lang, u, v, j, E = rec._why
    private = {}
    su, sv = index.sector[u], index.sector[v]
    if su >= 0 and sv >= 0 and su != sv:
        nb = index.neighbour_sectors()
        private["new_for_org"] = bool(nb[u, sv] == 0)
        private["new_for_partner"] = bool(nb[v, su] == 0)
    if rec.introducer_role == "catalyser_tied":
        private["tied_to_name"] = index.names[u] if E[u, j] >= E[v, j] else index.names[v]
    return _reason_codes(rec, index, private)

"""Static checks of the generated HTML (no browser): self-contained, UTF-8, escaped, translated."""

from __future__ import annotations

import json
import re

from catalyse.visualisations import alliance_view, catalyser_view, ecosystem_map, ego_view
from catalyse.visualisations._page import json_for_script, vis_assets


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="catalyse-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def _all_views(ties, alliances, suggestions, introductions, lang="fr"):
    return {
        "map": ecosystem_map(ties, lang=lang),
        "geo": ecosystem_map(ties, lang=lang, geo=True),
        "ego": ego_view(ties, "mairie-crest", suggestions, lang=lang),
        "alliances": alliance_view(alliances, lang=lang),
        "catalyser": catalyser_view(ties, "tiers-lieu", introductions, lang=lang),
    }


def test_self_contained_and_utf8(ties, alliances, suggestions, introductions):
    js, css = vis_assets()
    for name, page in _all_views(ties, alliances, suggestions, introductions).items():
        assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page, name
        assert "default-src 'none'" in page, name
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)\s*=", page, re.I), name
        assert "bootstrap" not in page.lower() and "tom-select" not in page.lower(), name
        assert js in page and css in page, name
        page.encode("utf-8")  # no lone surrogate


def test_user_strings_never_reach_markup(ties, alliances, suggestions, introductions, xss):
    for name, page in _all_views(ties, alliances, suggestions, introductions).items():
        for text in xss.values():
            assert text not in page, (name, text)
        assert "<img src=x" not in page and "</script><script>window" not in page, name
        # the data block round-trips: names are intact once parsed
        names = {n["label"] for n in _data(page)["nodes"]}
        if name != "alliances":
            assert xss["script"] in names or name in ("catalyser", "ego"), name


def test_json_for_script_escapes_everything_dangerous():
    text = json_for_script({"k": "</script>&<!--\u2028\u2029'\""})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"k": "</script>&<!--\u2028\u2029'\""}


def test_french_by_default_english_on_request(ties, alliances, suggestions, introductions):
    fr = _all_views(ties, alliances, suggestions, introductions)
    en = _all_views(ties, alliances, suggestions, introductions, lang="en")
    assert _data(fr["map"])["ui"]["search"] == "Rechercher une organisation"
    assert _data(en["map"])["ui"]["search"] == "Search an organisation"
    assert '<html lang="fr">' in fr["map"] and '<html lang="en">' in en["map"]
    fr_legend = [i["label"] for s in _data(fr["map"])["legend"] for i in s["items"]]
    en_legend = [i["label"] for s in _data(en["map"])["legend"] for i in s["items"]]
    assert "Collectivité territoriale" in fr_legend and "Local authority" in en_legend
    assert "Entreprise" in fr_legend and "Company" in en_legend
    assert "Partenariat" in fr_legend and "Partnership" in en_legend
    assert _data(fr["catalyser"])["title"].startswith("Mises en relation de")
    assert _data(en["catalyser"])["title"].startswith("Introductions made by")


def test_map_content(ties):
    measures = {"betweenness": {"mairie-crest": 0.6, "asso-xss": 0.2}}
    data = _data(ecosystem_map(ties, size_by="betweenness", measures=measures))
    assert len(data["nodes"]) == ties.number_of_nodes() and len(data["edges"]) == ties.number_of_edges()
    mairie = next(n for n in data["nodes"] if n["key"] == "mairie-crest")
    assert "betweenness : 0,6" in mairie["title"] and "Secteur : Collectivité territoriale" in mairie["title"]
    assert "Thèmes : ODD 11, mobilité" in mairie["title"]
    assert mairie["size"] == max(n["size"] for n in data["nodes"])
    keys = {f["key"] for f in data["filters"]}
    assert {"sector", "commune", "theme", "tie_type"} <= keys
    assert data["options"]["physics"]["enabled"] is False


def test_geo_positions_follow_coordinates(ties):
    data = _data(ecosystem_map(ties, geo=True))
    pos = {n["key"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert pos["dreal"][1] < pos["mairie-crest"][1]  # Lyon is north of Crest: smaller y
    assert pos["scop-energie"][0] < pos["mairie-crest"][0]  # west
    # uga (Grenoble, 38185) and fondation-elan (Valence, 26362) have a commune and no coordinates: drawn at their
    # commune's position (Grenoble is north-east of Crest), not parked under the map, the tooltip saying so
    assert pos["uga"][0] > pos["mairie-crest"][0] and pos["uga"][1] < pos["mairie-crest"][1]
    assert not any("sans coordonnées" in note for note in data["notes"])
    titles = {n["key"]: n["title"] for n in data["nodes"]}
    assert "position approximative : centre de la commune" in titles["uga"]
    assert "position approximative" not in titles["mairie-crest"]


def test_ego_view_only_its_suggestions(ties, suggestions):
    data = _data(ego_view(ties, "mairie-crest", suggestions))
    sugg = [e for e in data["edges"] if e["cats"] == ["suggestion"]]
    assert len(sugg) == 2 and all(e["dashes"] for e in sugg)
    assert any("Thème commun : ODD 11" in e["title"] and "Intermédiaire possible" in e["title"] for e in sugg)
    assert not any("not about mairie-crest" in e["title"] for e in data["edges"])


def test_catalyser_view_outcomes(ties, introductions):
    data = _data(catalyser_view(ties, "tiers-lieu", introductions))
    outcome_edges = [e for e in data["edges"] if len(e["cats"]) == 1 and e["title"].count("\n") >= 2]
    assert len(outcome_edges) == 4
    legend = [i["label"] for s in data["legend"] for i in s["items"]]
    assert "Alliance formée (1)" in legend and "Déclinée (1)" in legend
    assert data["subtitle"][0].startswith("4 mises en relation")


def test_report_sections_tolerate_absence_and_escape(ties, suggestions, xss):
    from catalyse.visualisations import territory_report

    empty = territory_report(None)
    assert set(empty) == {"report.html"}
    assert empty["report.html"].count("Section non disponible") == 7
    en = territory_report(None, lang="en")["report.html"]
    assert en.count("Section not available") == 7 and "Territory report" in en

    files = territory_report(
        ties,
        summary={xss["script"]: 1},
        by_year=[{"year": 2022, "density": 0.1}, {"year": 2023, "density": 0.2}],
        brokers=[{"org": "asso-xss", "role": "gatekeeper", "score": 2.0}],
        suggestions=suggestions,
        catalyser_activity={"tiers-lieu": {"met": 2, "declined": 1}},
        mixing={"labels": ["association", "company"], "matrix": [[2, 1], [1, 0]]},
        map_html=ecosystem_map(ties),
    )
    page = files["report.html"]
    for text in xss.values():
        assert text not in page
    assert "Portier" in page and "Rencontre faite" in page  # the role as `catalyse brokers` names it
    assert {"img/evolution.png", "img/mixing.png", "img/brokers.png", "img/activity.png", "map.html"} <= set(files)
    assert all(files[k].startswith(b"\x89PNG") for k in files if k.endswith(".png"))
    assert 'sandbox="allow-scripts" srcdoc="&lt;!DOCTYPE html&gt;' in page
    assert "script-src 'sha256-" in page  # only the map's own scripts may run, inside the frame

"""Helpers of the web tests: the demo territory with hostile names, a TestClient on 127.0.0.1:8765, CSRF."""

from __future__ import annotations

import re
import warnings

from catalyse.graphcore.demo import generate_territory
from catalyse.graphcore.model import Dataset, Introduction, Organisation, Tie

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror="window.__pwned=1">'
XSS_QUOTES = 'L\'Atelier "du « Lien »" & Cie'
BASE = "http://127.0.0.1:8765"


def demo_dataset() -> Dataset:
    """The demo territory (120 organisations, seed 2025) and three hostile organisations tied into it."""
    data = generate_territory(120, seed=2025)
    hub = data.catalysers[0].org
    hostile = [
        Organisation("asso-xss", XSS_SCRIPT, "association", commune="26362", themes=("SDG11",)),
        Organisation("sarl-img", XSS_IMG, "company", commune="26362", themes=("SDG11",)),
        Organisation("atelier-quotes", XSS_QUOTES, "social_economy", commune="26362", themes=("SDG11",)),
    ]
    partner = next(t.target if t.source == hub else t.source for t in data.ties if hub in (t.source, t.target))
    ties = [
        Tie(hub, "asso-xss", "partnership"),
        Tie("asso-xss", "sarl-img", "exchange"),
        Tie("sarl-img", "atelier-quotes", "partnership"),
        Tie(partner, "atelier-quotes", "co_project"),
    ]
    intro = Introduction(hub, "asso-xss", "atelier-quotes", data.introductions[0].date, note=XSS_IMG)
    return Dataset(
        data.organisations + hostile,
        data.catalysers,
        data.alliances,
        data.ties + ties,
        data.introductions + [intro],
    )


def client(app, **kwargs):
    with warnings.catch_warnings():  # starlette suggests httpx2 over httpx; both work
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        return TestClient(app, base_url=BASE, **kwargs)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)

"""The user's own settings: which structure they are (their default introducer) and who they are in it, per store.

Kept in one JSON file of the user's (``$CATALYSE_CONFIG``, else ``$XDG_CONFIG_HOME/catalyse/settings.json``, else
``~/.config/catalyse/settings.json``), created with mode 0600, keyed by the store (its description: an embedded
file's path or a Neo4j address): each catalyser sharing a Neo4j server keeps their own default. No secret is kept.

Examples
--------
>>> import os, tempfile
>>> os.environ["CATALYSE_CONFIG"] = os.path.join(tempfile.mkdtemp(), "settings.json")
>>> save_user("embedded store crest.db", catalyser="tiers-lieu-la-cordee", person="Claire").name
'settings.json'
>>> load_user("embedded store crest.db")
{'catalyser': 'tiers-lieu-la-cordee', 'person': 'Claire'}
>>> load_user("embedded store other.db")
{}
>>> del os.environ["CATALYSE_CONFIG"]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def settings_path() -> Path:
    """Where the user's settings live."""
    explicit = os.environ.get("CATALYSE_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "catalyse" / "settings.json"


def _read() -> dict[str, Any]:
    path = settings_path()
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the settings file {path}: {exc}") from None
    return data if isinstance(data, dict) else {}


def load_user(store: str) -> dict[str, str]:
    """The settings recorded for `store` (``catalyser``, ``person``), or {}."""
    entry = _read().get("stores", {}).get(store, {})
    return {k: v for k, v in entry.items() if k in ("catalyser", "person") and isinstance(v, str)}


def save_user(store: str, *, catalyser: str, person: str | None = None) -> Path:
    """Record the user's structure (and name) for `store`; returns the settings file (mode 0600)."""
    data = _read()
    entry: dict[str, str] = {"catalyser": catalyser}
    if person:
        entry["person"] = person
    data.setdefault("stores", {})[store] = entry
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)
    return path

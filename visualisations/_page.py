"""The single-file, offline HTML page every interactive view is rendered into.

- vis-network's JS and CSS are read from the copy pyvis ships in its package (`pyvis/lib/vis-*/`) and inlined;
  nothing else is loaded (no Bootstrap, no tom-select, no font, no CDN).
- Data travel as JSON inside `<script type="application/json">`, with `<`, `>`, `&`, U+2028 and U+2029 escaped
  so that no user string can close the element or start markup; the page's own script builds every piece of
  user text with `textContent` / `new Option()` and vis-network's plain-text titles (`innerText`).
- A Content-Security-Policy `<meta>` forbids every network request (`default-src 'none'`) and lets only the
  page's own inline scripts run (by SHA-256 hash), so even a string that escaped escaping could not run or fetch.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from pathlib import Path

from ._app import APP_CSS, APP_JS

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_RE = re.compile("[<>&\u2028\u2029]")


def json_for_script(obj) -> str:
    """JSON safe to put verbatim inside `<script type="application/json">…</script>`.

    >>> json_for_script({"name": "</script><script>alert(1)</script>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str)
    return _JSON_RE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


@functools.lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(vis-network.min.js, vis-network.css) from the newest `lib/vis-*` folder shipped inside pyvis."""
    import pyvis

    root = Path(pyvis.__file__).parent
    candidates = sorted(
        {p.parent for p in root.glob("**/vis-*/vis-network.min.js")},
        key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.name)),
    )
    if not candidates:  # pragma: no cover - depends on the installed pyvis
        raise RuntimeError(f"vis-network not found inside the pyvis package at {root}")
    folder = candidates[-1]
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    # Neither file may close the element it is inlined in.
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def csp(script_hashes: list[str]) -> str:
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src {' '.join(script_hashes)}; base-uri 'none'; form-action 'none'"
    )


def script_hashes_of(page: str) -> list[str] | None:
    """The script hashes allowed by a page made here (None when the page has no such policy)."""
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    if not m:
        return None
    return re.findall(r"'sha256-[A-Za-z0-9+/=]+'", html.unescape(m.group(1))) or None


def render_page(data: dict, *, title: str, lang: str = "fr") -> str:
    """The whole HTML document of one view."""
    js, css = vis_assets()
    hashes = [_sha256(js), _sha256(APP_JS)]
    return "".join(
        [
            "<!DOCTYPE html>\n",
            f'<html lang="{"en" if lang == "en" else "fr"}">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp(hashes), quote=False)}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            '<meta name="generator" content="catalyse (vis-network via pyvis)">\n',
            f"<title>{html.escape(title)}</title>\n",
            "<style>",
            css,
            "</style>\n<style>",
            APP_CSS,
            "</style>\n</head>\n<body>\n",
            '<div id="cv-app"><aside id="cv-panel"></aside><main id="cv-network"></main></div>\n',
            '<script type="application/json" id="catalyse-data">',
            json_for_script(data),
            "</script>\n",
            "<script>",
            js,
            "</script>\n",
            "<script>",
            APP_JS,
            "</script>\n",
            "</body>\n</html>\n",
        ]
    )

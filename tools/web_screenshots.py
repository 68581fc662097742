#!/usr/bin/env python3
"""Screenshots of the web workspace for the README (`docs/img/web-*.png`): a catalyser's journey on the demo territory.

    python tools/web_screenshots.py [--out docs/img]

Builds the demo territory (`catalyse demo`) in a scratch folder, starts `catalyse serve` on a free loopback port,
and walks through it in headless Chromium (Playwright driving /usr/bin/chromium, offline: any request that leaves
the server is refused): the dashboard, a search, an organisation with its suggestions, an introduction made from
a suggestion and its outcome, an import refused with its problems, then the corrected import.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORG = "la-fabrique-des-transitions-romans-sur-isere"  # the organisation of the README's session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(db: Path, cwd: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "CATALYSE_LANG": "fr"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "catalyse", "--db", str(db), "serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return base, proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from catalyse.visualisations.browser import CHROMIUM_FLAGS, find_chromium, unavailable_reason
    from catalyse.visualisations.screenshots import _shrink

    reason = unavailable_reason()
    if reason:
        raise SystemExit(f"needs headless Chromium: {reason}")
    with tempfile.TemporaryDirectory(prefix="catalyse-web-shots-") as tmp:
        db = Path(tmp) / "catalyse.db"
        subprocess.run(
            [sys.executable, "-m", "catalyse", "--db", str(db), "demo", "--report", ""],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        base, proc = start(db, tmp)
        written = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1280, "height": 860})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base + "/") else r.abort())

                def shot(name: str, *, full: bool = False) -> None:
                    path = out / f"web-{name}.png"
                    page.screenshot(path=str(path), full_page=full)
                    _shrink(path)
                    written.append(path)

                page.goto(base + "/", wait_until="load")
                shot("dashboard")
                page.goto(base + "/search", wait_until="load")
                page.fill("#q", "énergie")
                page.click("#search-go")
                page.wait_for_selector("#results a")
                shot("search")
                page.goto(f"{base}/orgs/{ORG}", wait_until="load")
                shot("org")
                page.click("#sugg-1 .introduce-button")  # introduce from the first suggestion
                page.wait_for_selector("#notice")
                shot("introduce")
                page.click("#set-met")  # what came of it
                page.wait_for_selector("#notice")
                shot("outcome")
                examples = ROOT / "examples"
                page.goto(base + "/import", wait_until="load")
                page.set_input_files(
                    "input[name=files]", [str(examples / "liens-avec-erreurs.csv"), str(examples / "organisations.csv")]
                )
                page.click("#import-go")
                page.wait_for_selector("#problems")
                shot("import-refused")
                page.set_input_files(
                    "input[name=files]", [str(examples / "organisations.csv"), str(examples / "liens.csv")]
                )
                page.click("#import-go")
                page.wait_for_selector("#summary")
                shot("import-done")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Open generated pages in headless Chromium with the network cut off (tests, benchmark, screenshots).

Playwright (Python) drives the system's Chromium (`executable_path`, never `playwright install`): it gives
request routing (every request that is not the page's own file is aborted and recorded), console, page-error and
dialog events, and `evaluate`, in a few lines — the raw DevTools protocol would need the same by hand.

    with OfflineChromium() as browser:
        visit = browser.open("/tmp/map.html")
        visit.page.evaluate("window.catalyseView.counts()")
        assert not visit.console_errors and not visit.foreign_requests and not visit.dialogs
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """Path of a Chromium binary ($CATALYSE_CHROMIUM, then `chromium` / `chromium-browser` on PATH)."""
    env = os.environ.get("CATALYSE_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python package 'playwright' is not installed (pip install playwright; never 'playwright install')"
    if not find_chromium():
        return "Chromium is not installed (apt-get install -y chromium)"
    return None


@dataclass
class Visit:
    page: Page
    url: str
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    foreign_requests: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)

    def wait_ready(self, timeout_ms: float = 60000) -> dict:
        wait_until(self.page, "window.catalyseReady !== undefined", timeout_ms)
        return self.page.evaluate("window.catalyseReady")


def wait_until(page_or_frame, expression: str, timeout_ms: float = 10000, interval_s: float = 0.02):
    """Poll `expression` until truthy. (Playwright's `wait_for_function` evaluates strings with `eval`,
    which our pages' Content-Security-Policy rightly forbids; `evaluate` goes through DevTools and is allowed.)"""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page_or_frame.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_ms} ms: {expression}")
        time.sleep(interval_s)


class OfflineChromium:
    """A headless Chromium with a fresh, empty profile, in which every non-file request is aborted."""

    def __init__(self, *, width: int = 1400, height: int = 900, scale: float = 1.0, playwright=None):
        """`playwright`: a started ``sync_playwright()`` to use (one thread can run only one); else one is started
        here and stopped on exit."""
        self.viewport: ViewportSize = {"width": width, "height": height}
        self.scale = scale
        self._given = playwright

    def __enter__(self) -> OfflineChromium:
        from playwright.sync_api import sync_playwright

        self._profile = tempfile.mkdtemp(prefix="catalyse-chromium-")
        self._pw = self._given or sync_playwright().start()
        self.context = self._pw.chromium.launch_persistent_context(
            self._profile,
            executable_path=find_chromium(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=self.viewport,
            device_scale_factor=self.scale,
            service_workers="block",
            accept_downloads=False,
            offline=True,
        )
        self._allowed: set[str] = set()
        self._aborted: list[str] = []

        def route(r):
            if r.request.url in self._allowed:
                r.continue_()
            else:
                self._aborted.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        return self

    def open(self, path, *, wait: bool = True, timeout_ms: float = 60000) -> Visit:
        url = Path(path).resolve().as_uri()
        self._allowed.add(url)
        page = self.context.new_page()
        visit = Visit(page=page, url=url)
        page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))

        def on_request(req):
            visit.requests.append(req.url)
            if req.url != url and not req.url.startswith(("data:", "about:")):
                visit.foreign_requests.append(req.url)

        page.on("request", on_request)

        def on_dialog(d):
            visit.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)
        page.goto(url, wait_until="load", timeout=timeout_ms)
        if wait:
            visit.wait_ready(timeout_ms)
        return visit

    @property
    def aborted(self) -> list[str]:
        return list(self._aborted)

    def __exit__(self, *exc):
        try:
            self.context.close()
        finally:
            if self._given is None:
                self._pw.stop()
            shutil.rmtree(self._profile, ignore_errors=True)
        return False

"""The web workspace: a Starlette application over one store (through `catalyse.web.data`) and the accounts file.

`create_app(data, accounts, host=..., port=...)` builds it; `catalyse serve` runs it under uvicorn.

Security, in the order a request meets it:

- the ``Host`` header must name the bound host (or one given with ``allowed_hosts``): a page of another site that
  rebinds its DNS name to 127.0.0.1 is refused (DNS rebinding);
- who is asking: ``Authorization: Bearer TOKEN`` (API tokens), else the signed session cookie (HttpOnly,
  SameSite=Lax, server-side session row), else — on a loopback host while no account exists — the local user;
- roles: viewers read, catalysers write introductions and outcomes, admins read the audit log;
- every write made with a session cookie needs the session's CSRF token (form field ``csrf`` or header
  ``X-CSRF-Token``); JSON writes need ``Content-Type: application/json``, and a cross-site ``Origin`` is refused;
- every response carries a strict Content-Security-Policy (no inline script at all on the app's pages;
  the embedded views keep their own hash-based policy), ``X-Content-Type-Options: nosniff``,
  ``frame-ancestors`` and ``Referrer-Policy``; every user string is escaped by Jinja2's autoescape, and JSON
  is strict (NaN and infinities as null).
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from itsdangerous import BadSignature, Signer
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.schemas import SchemaGenerator
from starlette.staticfiles import StaticFiles

from catalyse.graphcore import vocab
from catalyse.i18n import BETTER, LANGS, explain, measure_name, translator

from .accounts import LOCAL_USER, Accounts, User
from .data import ImportRefused, Invalid, NotFound, WebData, clean

SESSION_COOKIE = "catalyse_session"
LANG_COOKIE = "catalyse_lang"
#: The policy of the app's own pages: nothing inline, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_BODY = 1_000_000
#: The largest request accepted (an import of several spreadsheets).
MAX_UPLOAD = 50_000_000
IMPORT_KINDS = ("organisations", "catalysers", "alliances", "members", "ties", "introductions")


class ServeRefused(RuntimeError):
    """The server must not start as asked (the message says why and what to do)."""


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback name or address.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_names(host: str, extra: Iterable[str] = ()) -> set[str]:
    """The names a request's Host header may carry for a server bound to `host`.

    >>> sorted(host_names("127.0.0.1"))
    ['127.0.0.1', '[::1]', 'localhost']
    >>> sorted(host_names("0.0.0.0", ["carto.example.fr"]))
    ['carto.example.fr']
    """
    names = {h.lower() for h in extra}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    elif host not in ("0.0.0.0", "::", ""):
        names.add(f"[{host}]" if ":" in host else host.lower())
    return names


def check_can_serve(host: str, accounts: Accounts, allowed_hosts: Iterable[str] = ()) -> str | None:
    """Raise `ServeRefused` unless serving on `host` is safe; return the line to print at start-up, if any."""
    if not is_loopback(host):
        if accounts.count() == 0:
            raise ServeRefused(
                f"refusing to serve on {host}: no account exists, so anyone who reaches it could read and write; "
                "create one first with `catalyse users add NAME --role admin`"
            )
        if not host_names(host, allowed_hosts):
            raise ServeRefused(
                f"--host {host} listens on every address: name the host users type with --allow-host NAME "
                "(the Host header is checked against it)"
            )
        return None
    if accounts.count() == 0:
        return (
            "No account yet: on this loopback address the local user works without logging in "
            "(create an account with `catalyse users add NAME --role admin` to require logins)."
        )
    return None


# -- request context ------------------------------------------------------------------------------------------------
class Context:
    """What a request carries once the middleware has looked at it."""

    def __init__(self, user: User | None, csrf: str | None, via: str, lang: str, new_sid: str | None = None):
        self.user, self.csrf, self.via, self.lang, self.new_sid = user, csrf, via, lang, new_sid
        self.t = translator(lang)


class HttpError(Exception):
    def __init__(self, status: int, code: str, message: str = "", field: str | None = None):
        self.status, self.code, self.message, self.field = status, code, message, field
        super().__init__(message or code)


def _ctx(request: Request) -> Context:
    return request.state.ctx


def _require(request: Request, role: str) -> User:
    ctx = _ctx(request)
    if ctx.user is None:
        raise HttpError(401, "unauthenticated", "log in, or send Authorization: Bearer TOKEN")
    if not ctx.user.can(role):
        raise HttpError(403, "forbidden", f"the {ctx.user.role} role cannot do this ({role} needed)")
    return ctx.user


def _check_csrf(request: Request, given: str | None, *, json_body: bool = False) -> None:
    """Writes made with a session cookie must carry the session's CSRF token.

    A JSON write without any cookie (a script of the local user, on loopback with no account) carries no ambient
    credential: a page of another site could only send it cross-origin, which its ``Origin`` header, the JSON
    content type (a CORS preflight this server never grants) and the Host check all refuse.
    """
    import hmac

    ctx = _ctx(request)
    if ctx.via == "token" or (json_body and SESSION_COOKIE not in request.cookies):
        return
    if not ctx.csrf or not given or not hmac.compare_digest(str(given), ctx.csrf):
        raise HttpError(403, "csrf", "missing or wrong CSRF token")


class Guard(BaseHTTPMiddleware):
    """Host check, who is asking, language, session cookie, security headers."""

    def __init__(self, app, *, web: Web):
        super().__init__(app)
        self.web = web

    async def dispatch(self, request: Request, call_next):
        web = self.web
        host = (request.headers.get("host") or "").lower()
        name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
        if not name:
            name, port = host, ""
        if name not in web.hosts or (port and web.port and port != str(web.port)):
            return PlainTextResponse("Bad Host header", status_code=400)
        origin = request.headers.get("origin")
        if request.method not in ("GET", "HEAD", "OPTIONS") and origin and origin != "null":
            if urlsplit(origin).netloc.lower() != host:
                return _secure(PlainTextResponse("Cross-site request refused", status_code=403))
        if not request.url.path.startswith("/static/"):
            await run_in_threadpool(web.data.sync)  # writes of other processes (the CLI, another server)
        ctx = await run_in_threadpool(web.context, request)
        request.state.ctx = ctx
        try:
            response = await call_next(request)
        except HttpError as exc:  # raised past the routes' own handlers (should not happen)
            response = web.error(request, exc)
        if ctx.new_sid:
            response.set_cookie(
                SESSION_COOKIE,
                web.signer.sign(ctx.new_sid).decode(),
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(LANG_COOKIE, ctx.lang, samesite="lax", path="/", max_age=365 * 86400)
        return _secure(response)


def _secure(response: Response) -> Response:
    h = response.headers
    if "content-security-policy" not in h:
        h["Content-Security-Policy"] = PAGE_CSP
    h.setdefault("X-Frame-Options", "DENY")
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h.setdefault("Cache-Control", "no-store")
    return response


class Web:
    """The application's state: the data, the accounts, the templates and the host it answers for."""

    def __init__(self, data: WebData, accounts: Accounts, *, host: str, port: int | None, allowed_hosts=(), lang="fr"):
        self.data, self.accounts, self.port, self.default_lang = data, accounts, port, lang
        self.loopback = is_loopback(host)
        self.hosts = host_names(host, allowed_hosts)
        self.signer = Signer(accounts.secret, salt="catalyse.web.session")
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("catalyse.web", "templates"),
            autoescape=True,
        )
        self.templates.globals["label"] = vocab.label
        self.templates.globals["explain"] = explain
        self.templates.globals["measure_name"] = measure_name
        self.templates.globals["better_words"] = BETTER

    # who is asking
    def context(self, request: Request) -> Context:
        lang = request.query_params.get("lang")
        if lang not in LANGS:
            lang = request.cookies.get(LANG_COOKIE)
        if lang not in LANGS:
            lang = self.default_lang
        auth = request.headers.get("authorization")
        if auth:
            scheme, _, token = auth.partition(" ")
            user = self.accounts.token_user(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
            return Context(user, None, "token" if user else "bad-token", lang)
        sid, found = None, None
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                sid = self.signer.unsign(raw).decode()
                found = self.accounts.session(sid)
            except BadSignature:
                found = None
        new_sid = None
        if found is None:
            if request.url.path.startswith("/api/") or request.url.path == "/healthz":
                sid = None  # API clients get no session by reading
                csrf = None
            else:
                new_sid = sid = self.accounts.new_session()
                fresh = self.accounts.session(sid)
                csrf = fresh[1] if fresh else None
            user = None
        else:
            user, csrf = found
        if user is None and self.loopback and self.accounts.count() == 0:
            user = LOCAL_USER
        return Context(user, csrf, "session", lang, new_sid)

    # rendering
    def render(self, request: Request, name: str, status: int = 200, **values) -> HTMLResponse:
        ctx = _ctx(request)
        other = "en" if ctx.lang == "fr" else "fr"
        query = dict(request.query_params)
        query["lang"] = other
        page = self.templates.get_template(name).render(
            t=ctx.t,
            lang=ctx.lang,
            user=ctx.user,
            csrf=ctx.csrf or "",
            local=ctx.user is LOCAL_USER,
            path=request.url.path,
            other_lang_url=f"{request.url.path}?{urlencode(query)}",
            can_write=bool(ctx.user and ctx.user.can("catalyser")),
            is_admin=bool(ctx.user and ctx.user.can("admin")),
            fmt=_fmt,
            **values,
        )
        return HTMLResponse(page, status_code=status)

    def error(self, request: Request, exc: HttpError) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/healthz":
            body = {"error": {"code": exc.code, "message": exc.message}}
            if exc.field:
                body["error"]["field"] = exc.field
            headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
            return json_response(body, exc.status, headers=headers)
        if exc.status == 401:
            return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
        t = _ctx(request).t
        message = {
            403: t("error.csrf") if exc.code == "csrf" else t("error.403"),
            404: t("error.404", message=exc.message),
        }.get(exc.status, t("error.400", message=exc.message))
        return self.render(request, "error.html", status=exc.status, message=message)


def _fmt(value, lang: str = "fr", kind: str = "number") -> str:
    """A number for a page: percentages and decimals with a French comma unless English."""
    if value is None:
        return "–"
    if kind == "percent":
        text = f"{value:.0%}"
        return text.replace("%", "\u202f%") if lang == "fr" else text
    if isinstance(value, float):
        text = f"{value:.3f}"
    else:
        text = f"{value:,}".replace(",", "\u202f" if lang == "fr" else ",")
    return text.replace(".", ",") if lang == "fr" else text


def json_response(body, status: int = 200, headers=None) -> Response:
    """Strict JSON (NaN and infinities as null), UTF-8."""
    text = json.dumps(clean(body), ensure_ascii=False, allow_nan=False)
    return Response(text, status_code=status, media_type="application/json", headers=headers)


def _int(value: str | None, name: str, default: int, lo: int = 1, hi: int = 200) -> int:
    if value is None or value == "":
        return default
    try:
        n = int(value)
    except ValueError:
        raise HttpError(400, "invalid", f"{name}: an integer expected", name) from None
    if not lo <= n <= hi:
        raise HttpError(400, "invalid", f"{name}: between {lo} and {hi}", name)
    return n


def _date(value, name: str = "date") -> _dt.date | None:
    if value in (None, ""):
        return None
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise HttpError(400, "invalid", f"{name}: a date YYYY-MM-DD expected", name) from None


async def _json_body(request: Request) -> dict:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise HttpError(415, "unsupported_media_type", "send Content-Type: application/json")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HttpError(413, "too_large", "request body too large")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "invalid_json", "the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HttpError(400, "invalid_json", "a JSON object expected")
    return body


async def _form(request: Request) -> dict:
    form = await request.form(max_files=0, max_fields=50, max_part_size=MAX_BODY)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def read_upload(request: Request) -> tuple[dict, list[tuple[str, bytes]]]:
    """(fields, [(file name, content)]) of a multipart form; the size of the whole is bounded."""
    form = await request.form(max_files=20, max_fields=20, max_part_size=MAX_BODY)
    fields, files, total = {}, [], 0
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields[key] = value
        elif key == "files":
            content = await value.read()
            total += len(content)
            if total > MAX_UPLOAD:
                raise HttpError(413, "too_large", f"the files exceed {MAX_UPLOAD // 1_000_000} MB")
            if content or value.filename:
                files.append((value.filename or "", content))
    return fields, files


def import_options(fields: dict) -> tuple[str | None, bool]:
    kind = fields.get("kind") or None
    if kind is not None and kind not in IMPORT_KINDS:
        raise HttpError(400, "invalid", f"kind: one of {', '.join(IMPORT_KINDS)}", "kind")
    return kind, fields.get("dry_run") in ("1", "true", "on", "yes")


_SAFE_NEXT = re.compile(r"^/(?!/)[A-Za-z0-9/_.\-?=&%]*$")


def _safe_next(value: str | None) -> str:
    """Only a local path may be the target of a redirect after login."""
    return value if value and _SAFE_NEXT.match(value) and "\\" not in value else "/"


# -- the application ------------------------------------------------------------------------------------------------
def create_app(
    data: WebData,
    accounts: Accounts,
    *,
    host: str = "127.0.0.1",
    port: int | None = 8765,
    allowed_hosts: Iterable[str] = (),
    lang: str = "fr",
) -> Starlette:
    """The web workspace over `data` (the store, in memory) and `accounts`.

    Parameters
    ----------
    data : WebData
    accounts : Accounts
    host, port : where the server is bound; the Host header of every request must name it (``port=None``
        accepts any port).
    allowed_hosts : further host names users reach the server by (e.g. behind a reverse proxy).
    lang : the pages' language when neither ``?lang=`` nor the language cookie says (``fr`` or ``en``).
    """
    web = Web(data, accounts, host=host, port=port, allowed_hosts=tuple(allowed_hosts), lang=lang)
    routes = _api_routes(web) + _page_routes(web)
    from importlib.resources import files

    static = StaticFiles(directory=str(files("catalyse.web") / "static"))
    routes.append(Mount("/static", app=static, name="static"))
    import inspect

    limit: dict[str, Any] = (
        {"max_body_size": MAX_UPLOAD} if "max_body_size" in inspect.signature(Starlette).parameters else {}
    )
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, web=web)],
        exception_handlers={HttpError: lambda request, exc: web.error(request, exc)},
        **limit,
    )
    app.state.web = web
    return app


def _api_routes(web: Web) -> list:
    data = web.data

    async def healthz(request: Request):
        """
        summary: Liveness and what the server serves (no login needed)
        responses:
          200: {description: "status and number of organisations"}
        """
        return json_response({"status": "ok", "organisations": len(data.orgs)})

    async def orgs(request: Request):
        """
        summary: Organisations whose name or id contains q (case and accents ignored)
        parameters:
          - {name: q, in: query, schema: {type: string}}
          - {name: limit, in: query, schema: {type: integer, default: 50}}
        responses:
          200: {description: "list of {id, name, sector, commune, themes}"}
        """
        _require(request, "viewer")
        limit = _int(request.query_params.get("limit"), "limit", 50, hi=10_000)
        rows, _ = await run_in_threadpool(data.search, request.query_params.get("q"), limit=limit)
        return json_response(rows)

    async def org(request: Request):
        """
        summary: One organisation, its ties and alliances (as `catalyse orgs show --format json`)
        responses:
          200: {description: "the organisation"}
          404: {description: "no such organisation"}
        """
        _require(request, "viewer")
        try:
            return json_response(data.organisation(request.path_params["org"]))
        except NotFound as exc:
            raise HttpError(404, "not_found", str(exc)) from None

    async def suggestions(request: Request):
        """
        summary: Suggested introductions for one organisation, with reasons, introducer and what-if gain
        parameters:
          - {name: top, in: query, schema: {type: integer, default: 10}}
          - {name: lang, in: query, schema: {type: string, enum: [en, fr], default: en}}
        responses:
          200: {description: "list of suggestions, best first"}
          404: {description: "no such organisation"}
        """
        _require(request, "viewer")
        top = _int(request.query_params.get("top"), "top", 10, hi=100)
        lang = str(request.query_params.get("lang")) if request.query_params.get("lang") in LANGS else "en"
        try:
            rows = await run_in_threadpool(data.suggestions, request.path_params["org"], top=top, lang=lang)
        except NotFound as exc:
            raise HttpError(404, "not_found", str(exc)) from None
        return json_response(rows)

    async def catalysers(request: Request):
        """
        summary: The territory's catalysers
        responses:
          200: {description: "list of {org, name, metiers}"}
        """
        _require(request, "viewer")
        return json_response(data.catalysers())

    async def introductions(request: Request):
        """
        summary: Introductions, most recent first (filters catalyser, org, outcome); POST records one
        requestBody:
          content:
            application/json:
              schema:
                type: object
                required: [a, b, catalyser]
                properties: {a: {type: string}, b: {type: string}, catalyser: {type: string},
                             note: {type: string}, date: {type: string, format: date}}
        responses:
          200: {description: "list of introductions"}
          201: {description: "introduction recorded"}
          401: {description: "not logged in"}
          403: {description: "role below catalyser, or missing CSRF token with a session cookie"}
        """
        if request.method == "GET":
            _require(request, "viewer")
            q = request.query_params
            outcome = q.get("outcome")
            if outcome:
                try:
                    outcome = vocab.parse("outcome", outcome)
                except vocab.VocabularyError as exc:
                    raise HttpError(400, "invalid", f"outcome: {exc}", "outcome") from None
            try:
                rows = data.introductions(catalyser=q.get("catalyser"), org=q.get("org"), outcome=outcome)
            except Invalid as exc:
                raise HttpError(400, "invalid", str(exc), exc.field) from None
            return json_response(rows)
        user = _require(request, "catalyser")
        body = await _json_body(request)
        _check_csrf(request, request.headers.get("x-csrf-token"), json_body=True)
        try:
            row, new, warnings = await run_in_threadpool(
                data.introduce,
                body.get("a"),
                body.get("b"),
                body.get("catalyser"),
                note=body.get("note"),
                day=_date(body.get("date")),
            )
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        web.accounts.log(user.name, "introduce", {"id": row["id"], "a": row["a"], "b": row["b"], "new": new})
        return json_response({**row, "new": new, "warnings": warnings}, 201 if new else 200)

    async def outcome(request: Request):
        """
        summary: Record what came of an introduction (pending, met, alliance_formed, declined)
        requestBody:
          content:
            application/json:
              schema:
                type: object
                required: [outcome]
                properties: {outcome: {type: string}, date: {type: string, format: date}, note: {type: string}}
        responses:
          200: {description: "the introduction, and whether an 'introduced' tie was added"}
          404: {description: "no such introduction"}
        """
        user = _require(request, "catalyser")
        body = await _json_body(request)
        _check_csrf(request, request.headers.get("x-csrf-token"), json_body=True)
        note = body.get("note")
        if note is not None and not isinstance(note, str):
            raise HttpError(400, "invalid", "note: text expected", "note")
        try:
            row, tie = await run_in_threadpool(
                data.set_outcome,
                request.path_params["intro"],
                body.get("outcome"),
                day=_date(body.get("date")),
                note=note,
            )
        except NotFound as exc:
            raise HttpError(404, "not_found", str(exc)) from None
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        web.accounts.log(user.name, "outcome", {"id": row["id"], "outcome": row["outcome"], "tie_added": tie})
        return json_response({**row, "tie_added": tie})

    async def import_(request: Request):
        """
        summary: Import files (multipart field "files", one or more CSV, XLSX or JSON; optional kind, dry_run)
        description: All files are validated together and written in one transaction; any problem (each with its
          file, row and column) and nothing is written.
        responses:
          200: {description: "what was written: rows new / changed / unchanged per entity"}
          422: {description: "problems; nothing was written"}
        """
        user = _require(request, "catalyser")
        if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
            raise HttpError(415, "unsupported_media_type", "send multipart/form-data with one or more 'files'")
        fields, files = await read_upload(request)
        _check_csrf(request, fields.get("csrf") or request.headers.get("x-csrf-token"))
        kind, dry_run = import_options(fields)
        try:
            result = await run_in_threadpool(data.import_files, files, kind=kind, dry_run=dry_run)
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        except ImportRefused as exc:
            return json_response(
                {"error": {"code": "import_refused", "message": str(exc), "problems": exc.problems}}, 422
            )
        if not dry_run:
            web.accounts.log(user.name, "import", {"files": result["files"], "rows": result["rows"]})
        return json_response(result)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/api/import", import_, methods=["POST"]),
        Route("/api/orgs", orgs),
        Route("/api/orgs/{org}", org),
        Route("/api/orgs/{org}/suggestions", suggestions),
        Route("/api/catalysers", catalysers),
        Route("/api/introductions", introductions, methods=["GET", "POST"]),
        Route("/api/introductions/{intro}/outcome", outcome, methods=["POST"]),
    ]
    schemas = SchemaGenerator({"openapi": "3.0.0", "info": {"title": "catalyse", "version": "1"}})

    async def openapi(request: Request):
        return json_response(schemas.get_schema(routes))

    routes.append(Route("/api/openapi.json", openapi, include_in_schema=False))
    return routes


def _page_routes(web: Web) -> list:
    from . import pages

    return pages.routes(web)

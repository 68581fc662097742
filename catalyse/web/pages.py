"""The HTML pages of the web workspace, rendered on the server (Jinja2, autoescaped; no script on the pages)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from catalyse.graphcore import vocab
from catalyse.i18n import better
from catalyse.visualisations._page import csp, script_hashes_of

from .accounts import LOGIN_FAILURES
from .app import (
    IMPORT_KINDS,
    SESSION_COOKIE,
    HttpError,
    Web,
    _check_csrf,
    _ctx,
    _form,
    _require,
    _safe_next,
    import_options,
    read_upload,
)
from .data import ImportRefused, Invalid, NotFound

#: Key figures of the dashboard: (key in the stats and in `catalyse.i18n.MEASURES`, where in the stats, kind).
FIGURES = (
    ("organisations", "counts.organisations", "number"),
    ("ties", "edges", "number"),
    ("density", "density", "decimal"),
    ("giant_share", "structure.giant_share", "percent"),
    ("isolates", "isolates", "number"),
    ("cross_sector_share", "cross_sector_share", "percent"),
    ("average_clustering", "structure.average_clustering", "decimal"),
    ("degree_centralization", "structure.degree_centralization", "decimal"),
    ("introductions", "counts.introductions", "number"),
    ("conversion", "", "percent"),
)
#: The structure of the network, below the key figures: measures of ``catalyse metrics`` (key, kind).
STRUCTURE = (
    ("mean_degree", "decimal"),
    ("components", "number"),
    ("transitivity", "decimal"),
    ("betweenness_centralization", "decimal"),
    ("ei_index", "decimal"),
    ("assortativity", "decimal"),
    ("communities", "number"),
    ("modularity", "decimal"),
)


def _pick(stats: dict, path: str) -> Any:
    value: Any = stats
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _view_response(html: str) -> HTMLResponse:
    """An embedded view with its own policy (its inline scripts by hash), framable by the app's pages only."""
    hashes = script_hashes_of(html) or []
    policy = csp(hashes) + "; frame-ancestors 'self'"
    return HTMLResponse(
        html, headers={"Content-Security-Policy": policy, "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}
    )


def routes(web: Web) -> list:
    data = web.data

    async def dashboard(request: Request):
        _require(request, "viewer")
        stats = await run_in_threadpool(data.stats)
        outcomes = stats.get("introduction_outcomes", {})
        n_intro = stats["counts"].get("introductions", 0)
        figures = []
        for key, path, kind in FIGURES:
            if key == "conversion":
                value = outcomes.get("alliance_formed", 0) / n_intro if n_intro else None
            else:
                value = _pick(stats, path)
            figures.append({"key": key, "value": value, "kind": kind, "better": better(key)})
        structure = stats.get("structure", {})
        measures = [{"key": k, "value": structure.get(k), "kind": kind, "better": better(k)} for k, kind in STRUCTURE]
        return web.render(
            request,
            "dashboard.html",
            figures=figures,
            measures=measures,
            stats=stats,
            outcomes=outcomes,
            evolution=stats.get("evolution"),
            evolution_keys=data.EVOLUTION_KEYS,
            bridges=stats.get("bridges") or {},
            absent=stats.get("absent") or {"count": 0, "first": []},
            store=data.describe(),
        )

    async def search(request: Request):
        _require(request, "viewer")
        q = (request.query_params.get("q") or "").strip()
        rows, total = await run_in_threadpool(data.search, q or None, limit=100)
        return web.render(request, "search.html", q=q, rows=rows, total=total)

    async def org_page(request: Request):
        _require(request, "viewer")
        org = request.path_params["org"]
        ctx = _ctx(request)
        try:
            record = await run_in_threadpool(data.organisation, org)
            sugg = await run_in_threadpool(data.suggestions, org, top=10, lang=ctx.lang)
        except NotFound as exc:
            raise HttpError(404, "not_found", str(exc)) from None
        ties = sorted(record["ties"], key=lambda r: r["start"] or "", reverse=True)
        catalysers = data.catalysers()
        cat_ids = {c["org"] for c in catalysers}
        for s in sugg:  # the introducer, when a catalyser, is the one preselected in the form
            s["by"] = s["introducer"] if s["introducer"] in cat_ids else (catalysers[0]["org"] if catalysers else "")
        return web.render(
            request,
            "org.html",
            o=record,
            ties=ties,
            names=data.names,
            suggestions=sugg,
            catalysers=catalysers,
            intros=data.introductions(org=record["id"]),
            metiers=[vocab.label("metier", m, ctx.lang) for m in record.get("catalyser_metiers") or ()],
        )

    async def introductions(request: Request):
        if request.method == "POST":
            user = _require(request, "catalyser")
            form = await _form(request)
            _check_csrf(request, form.get("csrf"))
            try:
                row, new, warnings = await run_in_threadpool(
                    data.introduce, form.get("a"), form.get("b"), form.get("catalyser"), note=form.get("note")
                )
            except Invalid as exc:
                raise HttpError(400, "invalid", str(exc), exc.field) from None
            web.accounts.log(user.name, "introduce", {"id": row["id"], "a": row["a"], "b": row["b"], "new": new})
            flags = "&".join(["recorded=1" if new else "already=1"] + [f"warn={w}" for w in warnings])
            return RedirectResponse(f"/introductions/{row['id']}?{flags}", status_code=303)
        _require(request, "viewer")
        q = request.query_params
        outcome = q.get("outcome") if q.get("outcome") in vocab.codes("outcome") else None
        catalyser = q.get("catalyser") or None
        try:
            rows = data.introductions(outcome=outcome, catalyser=catalyser)
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        return web.render(
            request,
            "introductions.html",
            rows=rows,
            names=data.names,
            outcome=outcome or "",
            catalyser=catalyser or "",
            outcomes=vocab.codes("outcome"),
            catalysers=data.catalysers(),
        )

    async def introduction(request: Request):
        _require(request, "viewer")
        iid = request.path_params["intro"]
        found = [r for r in data.introductions() if r["id"] == iid]
        if not found:
            raise HttpError(404, "not_found", f"no introduction {iid!r}")
        q = request.query_params
        warnings = [w for w in q.getlist("warn") if w in ("not_a_catalyser", "already_tied")]
        return web.render(
            request,
            "introduction.html",
            i=found[0],
            names=data.names,
            outcomes=vocab.codes("outcome"),
            recorded=q.get("recorded") == "1",
            already=q.get("already") == "1",
            saved=q.get("saved") == "1",
            tie_added=q.get("tie") == "1",
            warnings=warnings,
        )

    async def outcome(request: Request):
        user = _require(request, "catalyser")
        form = await _form(request)
        _check_csrf(request, form.get("csrf"))
        iid = request.path_params["intro"]
        try:
            row, tie = await run_in_threadpool(data.set_outcome, iid, form.get("outcome") or "")
        except NotFound as exc:
            raise HttpError(404, "not_found", str(exc)) from None
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        web.accounts.log(user.name, "outcome", {"id": row["id"], "outcome": row["outcome"], "tie_added": tie})
        return RedirectResponse(f"/introductions/{iid}?saved=1{'&tie=1' if tie else ''}", status_code=303)

    async def activity(request: Request):
        _require(request, "viewer")
        catalyser = request.query_params.get("catalyser") or None
        try:
            rows = await run_in_threadpool(data.activity, catalyser)
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        years = sorted({y for r in rows for y in r.get("by_year", {})})
        by_year = [
            {
                "year": y,
                "introductions": sum(r["by_year"].get(y, {}).get("introductions", 0) for r in rows),
                "alliance_formed": sum(r["by_year"].get(y, {}).get("alliance_formed", 0) for r in rows),
            }
            for y in years
        ]
        return web.render(
            request,
            "activity.html",
            rows=rows,
            by_year=by_year,
            names=data.names,
            catalysers=data.catalysers(),
            catalyser=catalyser or "",
        )

    async def map_page(request: Request):
        _require(request, "viewer")
        ego = request.query_params.get("ego")
        if ego and ego not in data.orgs:
            raise HttpError(404, "not_found", f"no organisation {ego!r}")
        src = f"/views/ego/{ego}" if ego else "/views/map"
        return web.render(request, "map.html", src=src, ego=ego, names=data.names)

    async def report_page(request: Request):
        _require(request, "viewer")
        return web.render(request, "report.html", src="/views/report")

    async def view_report(request: Request):
        _require(request, "viewer")
        html = await run_in_threadpool(data.report_html, _ctx(request).lang)
        return _view_response(html)

    async def view_map(request: Request):
        _require(request, "viewer")
        html = await run_in_threadpool(data.map_html, _ctx(request).lang)
        return _view_response(html)

    async def view_ego(request: Request):
        _require(request, "viewer")
        try:
            html = await run_in_threadpool(data.ego_html, request.path_params["org"], _ctx(request).lang)
        except NotFound as exc:
            raise HttpError(404, "not_found", str(exc)) from None
        return _view_response(html)

    async def login(request: Request):
        ctx = _ctx(request)
        nxt = _safe_next(request.query_params.get("next"))
        if request.method == "GET":
            return web.render(request, "login.html", next=nxt, failed=False, locked=False)
        form = await _form(request)
        _check_csrf(request, form.get("csrf"))
        nxt = _safe_next(form.get("next"))
        name = (form.get("name") or "")[:64]
        if web.accounts.recent_failures(name) >= LOGIN_FAILURES:
            return web.render(request, "login.html", status=429, next=nxt, failed=True, locked=True)
        user = await run_in_threadpool(web.accounts.authenticate, name, form.get("password") or "")
        if user is None:
            web.accounts.log(name or "?", "login.failed", {})
            return web.render(request, "login.html", status=400, next=nxt, failed=True, locked=False)
        old = request.cookies.get(SESSION_COOKIE)
        if old:  # a new session id at login (no session fixation)
            try:
                web.accounts.end_session(web.signer.unsign(old).decode())
            except Exception:  # noqa: BLE001 - a bad cookie is simply replaced
                pass
        ctx.new_sid = web.accounts.new_session(user.name, lang=ctx.lang)
        web.accounts.log(user.name, "login", {})
        return RedirectResponse(nxt, status_code=303)

    async def logout(request: Request):
        ctx = _ctx(request)
        form = await _form(request)
        _check_csrf(request, form.get("csrf"))
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            try:
                web.accounts.end_session(web.signer.unsign(raw).decode())
            except Exception:  # noqa: BLE001
                pass
        ctx.new_sid = web.accounts.new_session()
        response = RedirectResponse("/login", status_code=303)
        return response

    async def import_page(request: Request):
        user = _require(request, "catalyser")
        values: dict[str, Any] = {"kinds": IMPORT_KINDS, "result": None, "problems": None, "kind": ""}
        if request.method == "GET":
            return web.render(request, "import.html", **values)
        fields, files = await read_upload(request)
        _check_csrf(request, fields.get("csrf"))
        kind, dry_run = import_options(fields)
        values["kind"] = kind or ""
        try:
            values["result"] = await run_in_threadpool(data.import_files, files, kind=kind, dry_run=dry_run)
        except Invalid as exc:
            raise HttpError(400, "invalid", str(exc), exc.field) from None
        except ImportRefused as exc:
            values["problems"] = exc.problems
            # the form shown again with every problem (200: a page the browser shows, not an error of the page;
            # the API answers 422)
            return web.render(request, "import.html", **values)
        if not dry_run:
            web.accounts.log(
                user.name, "import", {"files": values["result"]["files"], "rows": values["result"]["rows"]}
            )
        return web.render(request, "import.html", **values)

    async def audit(request: Request):
        _require(request, "admin")
        return web.render(request, "audit.html", rows=web.accounts.audit(limit=500), users=web.accounts.users())

    return [
        Route("/", dashboard),
        Route("/search", search),
        Route("/orgs/{org}", org_page),
        Route("/introductions", introductions, methods=["GET", "POST"]),
        Route("/introductions/{intro}", introduction),
        Route("/introductions/{intro}/outcome", outcome, methods=["POST"]),
        Route("/activity", activity),
        Route("/map", map_page),
        Route("/views/map", view_map),
        Route("/report", report_page),
        Route("/views/report", view_report),
        Route("/views/ego/{org}", view_ego),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/import", import_page, methods=["GET", "POST"]),
        Route("/admin/audit", audit),
    ]

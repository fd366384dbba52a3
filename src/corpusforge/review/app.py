"""The review web app: list samples, review one beside its source, rate candidates, bulk-accept.

Server-rendered Jinja2 templates (autoescaped; document text is never marked safe) plus a small script
for keyboard shortcuts and drag ordering. Build it with :func:`create_app` and serve it with uvicorn
(:func:`corpusforge.review.server.serve`).
"""

from __future__ import annotations

import getpass
import logging
import math
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from corpusforge.review import queries, sample_views
from corpusforge.review.security import Guard, load_secret
from corpusforge.review.web import NAME, field, int_param, reviewer_of, url
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
PROGRESS_LIMIT = 200
#: highest page number asked of the store (keeps its OFFSET far inside SQLite's 64-bit integers)
MAX_PAGE = 10**9
MESSAGES = {
    "saved": "Edit saved.",
    "unchanged": "Nothing changed.",
    "accepted": "Accepted.",
    "rejected": "Rejected.",
    "skipped": "Skipped.",
    "rated": "Ratings saved.",
    "bulk": "Bulk-accepted {n} samples.",
    "end": "That was the last sample of this list.",
    "allrated": "Ratings saved. No more candidates to rate in this list.",
}


def _reviewer(ws: Workspace) -> str:
    if ws.config.review.reviewer:
        return ws.config.review.reviewer
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def message(params: Any) -> str:
    """The flash message named by the ``msg`` query parameter (only fixed texts, never echoed input)."""
    text = MESSAGES.get(params.get("msg") or "", "")
    return text.format(n=int_param(params.get("n"), 0, 0, 10**12))


def create_app(ws: Workspace, token: str | None = None) -> FastAPI:
    """Build the review app for a workspace.

    Args:
        ws: the opened workspace (its store is read and written by the app).
        token: access token required on every request; None serves loopback hosts only.
    """
    app = FastAPI(title="corpusforge review", docs_url=None, redoc_url=None, openapi_url=None)
    guard = Guard(token, secret=load_secret(ws.store.path.parent / "review.secret"))
    app.middleware("http")(guard.middleware)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["url"] = url
    env.filters["when"] = lambda ts: time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(ts)))
    templates = Jinja2Templates(env=env)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.ws, app.state.guard, app.state.reviewer = ws, guard, _reviewer(ws)
    app.state.templates = templates
    summary = queries.Summary(ws.store, PROGRESS_LIMIT)

    def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        counts = summary.by_status()
        base = {
            "csrf": request.state.csrf,
            "reviewer": reviewer_of(request),
            "status_counts": counts,
            "total_samples": sum(counts.values()),
            "message": message(request.query_params),
        }
        return templates.TemplateResponse(request, name, {**base, **ctx}, status_code=status_code)

    app.state.render = render

    async def form(request: Request) -> Any:
        data = await request.form()
        if not guard.check_csrf(request, data):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        return data

    app.state.form = form

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
    async def list_view(request: Request) -> Response:
        f = queries.Filters.from_params(request.query_params)
        size = ws.config.review.page_size
        page = int_param(request.query_params.get("page"), 1, 1, MAX_PAGE)
        rows, total = ws.store.list_samples(f, page, size)
        pages = max(1, math.ceil(total / size))
        if page > pages:  # past the end (an old link, a hand-edited address): show the last page
            page = pages
            rows, total = ws.store.list_samples(f, page, size)
        return render(
            request,
            "list.html",
            filters=f,
            params=f.params(),
            rows=rows,
            total=total,
            page=page,
            pages=pages,
            first=(page - 1) * size + 1 if rows else 0,
            last=(page - 1) * size + len(rows),
            progress=summary.progress(),
            progress_limit=PROGRESS_LIMIT,
            tasks=summary.by_task(),
            statuses=queries.STATUSES,
            cands=queries.CANDS,
            bulk_min_score=ws.config.review.bulk_min_score,
        )

    @app.post("/bulk-accept")
    async def bulk_accept(request: Request) -> Response:
        data = await form(request)
        f = queries.Filters.from_params(data)
        try:
            threshold = float(field(data, "min_score_bulk"))
        except ValueError:
            raise HTTPException(400, "bulk-accept needs a grounding threshold between 0 and 1") from None
        if not 0.0 <= threshold <= 1.0:
            raise HTTPException(400, "bulk-accept needs a grounding threshold between 0 and 1")
        n = ws.store.bulk_accept(f, threshold, reviewer_of(request))
        log.info("bulk-accepted %d samples (grounding >= %.2f)", n, threshold)
        return RedirectResponse(url("/", f.params(), msg="bulk", n=n), status_code=303)

    @app.post("/reviewer")
    async def set_reviewer(request: Request) -> Response:
        data = await form(request)
        name = field(data, "name").strip()
        if not NAME.fullmatch(name):
            raise HTTPException(400, "a reviewer name is 1-40 letters, digits, spaces or . @ - _")
        back = field(data, "back") or "/"
        if not back.startswith("/") or back.startswith(("//", "/\\")):
            back = "/"  # only paths of this app: no open redirect
        resp = RedirectResponse(back, status_code=303)
        resp.set_cookie(
            f"cfr_name_{request.url.port or 0}",
            quote(name),
            httponly=True,
            samesite="strict",
            max_age=365 * 86400,
        )
        return resp

    sample_views.register(app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not hasattr(request.state, "csrf"):
            return Response(str(exc.detail), status_code=exc.status_code)
        return render(
            request, "error.html", status_code=exc.status_code, code=exc.status_code, detail=exc.detail
        )

    return app

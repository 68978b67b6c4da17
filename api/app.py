"""The web application: JSON API under /api (OpenAPI at /openapi.json) and the web UI.

`create_app(db_path, settings)` builds it; `uvicorn --factory api.app:create_app`
or `vanban serve` runs it. While it runs (its lifespan), a `JobPool` ingests the
uploaded files in worker processes. Errors are `{"error": {"code", "message"}}` under
/api and an error page elsewhere (a page that needs the token sends the browser to
sign in)."""
from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import check_settings
from api.cli import default_ocr
from api.routes import documents, jobs, links, pages
from api.routes.common import ApiError
from store.db import Store
from vanban import __version__
from vanban.config import Settings, default_db_path
from vanban.jobs import JobPool

HERE = Path(__file__).resolve().parent

DESCRIPTION = """Document intelligence for Vietnamese government paperwork.

Uploaded files are ingested by a background job queue: an upload waits for its jobs
(`wait` seconds at most) or, with `wait=0`, answers at once; `/api/jobs` follows them.
Every list takes `limit` and `offset` and answers `{items, total, limit, offset}`.
Errors answer `{"error": {"code", "message"}}` with the HTTP status.
Writes (upload, delete, re-extract) need `Authorization: Bearer <token>` when a token
is configured (`VANBAN_TOKEN`); reads need it too with `VANBAN_READ_TOKEN_REQUIRED=1`."""

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
     b"frame-ancestors 'none'; form-action 'self'"),
]


class SecurityHeaders:
    """No inline scripts, no framing, no content sniffing (uploaded files are served back)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def error_response(request: Request, error: ApiError) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)
    if error.status == 401:
        return RedirectResponse(f"/dang-nhap?next={quote(request.url.path, safe='/')}", status_code=303)
    return pages.page(request, "error.html", status_code=error.status, error=error)


HTTP_CODES = {404: ("not_found", "Không có trang này."),
              405: ("method_not_allowed", "Phương thức không được hỗ trợ ở địa chỉ này.")}


async def on_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(request, exc)


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
    return error_response(request, ApiError(exc.status_code, code, message, exc.headers))


async def on_invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                         for e in exc.errors())
    return error_response(request, ApiError(422, "invalid_request", f"Tham số không hợp lệ: {problems}"))


STOP_GRACE = 5.0   # seconds a worker may take to finish its job at shutdown; then killed (it runs again)


@asynccontextmanager
async def job_pool(app: FastAPI) -> AsyncIterator[None]:
    """The workers that ingest uploads, for as long as the app serves. Starting them
    also queues again the jobs that a crashed or killed server left running."""
    pool = JobPool(app.state.db_path, workers=app.state.workers, settings=app.state.settings,
                   ocr_factory=default_ocr)
    await run_in_threadpool(pool.start)
    try:
        yield
    finally:
        await run_in_threadpool(pool.stop, STOP_GRACE)


def create_app(db_path: str | os.PathLike[str] | None = None, settings: Settings | None = None,
               *, workers: int | None = None) -> FastAPI:
    """`workers`: ingestion processes (default: `settings.ocr_workers`, one per core)."""
    settings = settings or Settings.from_env()
    check_settings(settings)
    db_path = Path(db_path or default_db_path())
    with Store(db_path):   # create or migrate the database before the first request
        pass
    app = FastAPI(title="vanban", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=job_pool)
    app.state.settings = settings
    app.state.db_path = db_path
    app.state.workers = workers or settings.ocr_workers
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in (documents.router, jobs.router, links.router, pages.router, pages.public):
        app.include_router(router)
    return app

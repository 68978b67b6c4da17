"""The web UI: server-rendered pages over the same layers as the JSON API."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from api import service
from api.auth import TOKEN_COOKIE, presented_token, require_read, token_matches
from api.routes import render
from api.routes.common import MAX_PAGE, ApiError, SettingsDep, StoreDep, document_or_404
from api.routes.links import graph_module, obligations, trace_or_404
from store.db import Store
from store.jobs import Jobs, State

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
router = APIRouter(dependencies=[Depends(require_read)], include_in_schema=False,
                   default_response_class=HTMLResponse)
public = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 20
BOARD_SIZE = 500      # tasks on the board at once, soonest due first; filters narrow it


# ---------------------------------------------------------------- template helpers

def vn_date(value: str | None) -> str:
    """2022-08-24 -> 24/08/2022; anything else as printed."""
    if value and len(value) == 10 and value[4] == value[7] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    return value or ""


def vn_time(value: str | None) -> str:
    """An ISO timestamp in the server's time zone: "17:33:05 30/11/2026"."""
    return datetime.fromisoformat(value).astimezone().strftime("%H:%M:%S %d/%m/%Y") if value else ""


def snippet(value: str | None) -> Markup:
    """Search snippets mark matches with [brackets]: escape, then highlight."""
    text = str(escape(value or ""))
    return Markup(text.replace("[", "<mark>").replace("]", "</mark>"))


def file_size(n: int | None) -> str:
    """1536 -> "1,5 KB" (a decimal comma, as Vietnamese writes it)."""
    if n is None:
        return ""
    if n < 1024:
        return f"{n} byte"
    size, unit = (n / 1024, "KB") if n < 1024 * 1024 else (n / 1024 / 1024, "MB")
    return f"{size:.1f} {unit}".replace(".", ",")


templates.env.filters.update(vn_date=vn_date, vn_time=vn_time, snippet=snippet, file_size=file_size)
templates.env.globals.update(relation_labels=render.RELATION_LABELS, status_labels=render.STATUS_LABELS,
                             kind_labels=render.KIND_LABELS, field_labels=render.FIELD_LABELS,
                             job_state_labels=render.JOB_STATE_LABELS, outcome_labels=render.OUTCOME_LABELS,
                             origin_labels=render.ORIGIN_LABELS)


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    context.update(token_configured=settings.api_token is not None,
                   signed_in=token_matches(settings, presented_token(request)))
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def optional_graph() -> ModuleType | None:
    """`linker.graph` when installed: pages that can do without it still render."""
    try:
        return graph_module()
    except ApiError:
        return None


# ---------------------------------------------------------------- upload (home)

@router.get("/")
def home(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    return page(request, "upload.html", recent=store.documents(limit=10), stats=store.stats(),
                max_bytes=settings.max_file_bytes)


# ---------------------------------------------------------------- the job queue

@router.get("/hang-doi")
def job_queue(request: Request, store: StoreDep,
              state: Annotated[State | None, Query(alias="trang_thai")] = None,
              offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    jobs, total = service.find_jobs(store, state=state, batch=None, limit=PAGE_SIZE, offset=offset)
    counts = Jobs(store).counts()
    return page(request, "queue.html", jobs=[service.job_view(store, job) for job in jobs],
                total=total, counts=counts, state=state, offset=offset, page_size=PAGE_SIZE,
                unfinished=counts["queued"] + counts["running"])


# ---------------------------------------------------------------- search

@router.get("/tim-kiem")
def search(request: Request, store: StoreDep,
           q: Annotated[str, Query(max_length=500)] = "",
           doc_type: Annotated[str | None, Query(alias="type")] = None,
           issuer: str | None = None,
           year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
           offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    filters = {"type": doc_type, "issuer": issuer, "year": year}
    items, total = service.find_documents(store, query=q, doc_type=doc_type, issuer=issuer,
                                          year=year, limit=PAGE_SIZE, offset=offset)

    def link(**change: Any) -> str:
        params = {"q": q, **filters, **change}
        return "/tim-kiem?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    return page(request, "search.html", q=q, filters=filters, items=items, total=total,
                offset=offset, page_size=PAGE_SIZE, facets=store.facets(), link=link)


@router.get("/trich-dan")
def citing(request: Request, store: StoreDep,
           ref: Annotated[str, Query(min_length=1, max_length=300)]) -> HTMLResponse:
    items = graph_module().cites(store, ref, limit=MAX_PAGE)
    return page(request, "cites.html", ref=ref, items=items)


# ---------------------------------------------------------------- document

@router.get("/van-ban/{doc_id}")
def document(request: Request, doc_id: str, store: StoreDep) -> HTMLResponse:
    doc = document_or_404(store, doc_id)
    text = store.layout(doc["sha256"]).text
    marks = render.marks_of(doc["record"])
    segments = render.highlight(text, doc["extent_start"], doc["extent_end"], marks)
    kinds = {kind: len({m.key for m in marks if m.kind == kind}) for kind in render.KIND_ORDER}
    graph = optional_graph()
    return page(request, "document.html", doc=doc, segments=segments, kinds=kinds,
                targets=_targets(store, doc["citations"]),
                cited_by=graph.cited_by(store, doc_id) if graph else None,
                siblings=[i for i in store.document_ids(doc["sha256"]) if i != doc_id])


def _targets(store: Store, citations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Brief descriptions of every document a citation resolves or might resolve to."""
    ids = {c["target_id"] for c in citations if c.get("target_id")}
    ids |= {cand["id"] for c in citations for cand in c.get("candidates") or []}
    return {i: service.document_brief(store, i) for i in sorted(ids)}


@router.get("/van-ban/{doc_id}/do-thi")
def graph_view(request: Request, doc_id: str, store: StoreDep,
               depth: Annotated[int, Query(alias="sau", ge=1, le=3)] = 1) -> HTMLResponse:
    doc = document_or_404(store, doc_id)
    graph = graph_module().neighbourhood(store, doc_id, depth=depth)
    return page(request, "graph.html", doc=doc, depth=depth, graph=render.layout_graph(graph, doc_id))


# ---------------------------------------------------------------- tasks

@router.get("/nhiem-vu")
def task_board(request: Request, store: StoreDep,
               agency: Annotated[str | None, Query(alias="co_quan", max_length=300)] = None,
               due_before: Annotated[date | None, Query(alias="han_truoc")] = None,
               overdue: Annotated[bool, Query(alias="qua_han")] = False,
               year: Annotated[int | None, Query(alias="nam", ge=1900, le=2200)] = None) -> HTMLResponse:
    today = date.today()
    tasks = obligations(store, agency=agency, due_before=due_before, overdue=overdue, year=year,
                        as_of=today)
    agencies = sorted({t["lead"] for t in obligations(store, as_of=today) if t.get("lead")})
    return page(request, "tasks.html", lanes=render.board(tasks[:BOARD_SIZE], today.isoformat()),
                total=len(tasks), shown=min(len(tasks), BOARD_SIZE),
                agencies=agencies, agency=agency or "", due_before=due_before, overdue=overdue,
                year=year)


@router.get("/nhiem-vu/{task_id}")
def trace_view(request: Request, task_id: str, store: StoreDep) -> HTMLResponse:
    trace = trace_or_404(store, task_id)
    candidates = {c["id"] for hop in trace["hops"] for c in hop["document"].get("candidates") or []}
    return page(request, "trace.html", trace=trace, today=date.today().isoformat(),
                candidates={i: service.document_brief(store, i) for i in sorted(candidates)})


# ---------------------------------------------------------------- sign in, API reference

@public.get("/dang-nhap")
def sign_in_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", next=_local(next), failed=False)


@public.post("/dang-nhap", response_model=None)
def sign_in(request: Request, settings: SettingsDep, token: Annotated[str, Form()],
            next: Annotated[str, Form()] = "/") -> Response:
    if not token_matches(settings, token):
        return page(request, "login.html", status_code=401, next=_local(next), failed=True)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@public.post("/dang-xuat")
def sign_out() -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response


def _local(target: str) -> str:
    """Only paths on this site are followed after signing in."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.get("/tai-lieu-api")
def api_reference(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return page(request, "api.html", spec=spec)

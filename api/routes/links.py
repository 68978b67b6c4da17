"""JSON API over the citation graph (`linker.graph`): who cites what, a document's
neighbourhood, tasks and the trace from a task back to its source."""
from __future__ import annotations

from datetime import date
from importlib import import_module
from types import ModuleType
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.auth import require_read
from api.routes.common import ApiError, PagingDep, StoreDep, document_or_404
from api.routes.models import ERRORS, Page
from store.db import Store

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)], responses=ERRORS)


def graph_module() -> ModuleType:
    """`linker.graph`, or a 503 when this build has no linker."""
    try:
        return import_module("linker.graph")
    except ModuleNotFoundError as exc:
        if exc.name != "linker.graph":
            raise
        raise ApiError(503, "linker_unavailable", "Chưa cài bộ liên kết văn bản (linker).") from None


def trace_or_404(store: Store, task_id: str) -> dict[str, Any]:
    try:
        return graph_module().trace(store, task_id)
    except LookupError:
        raise ApiError(404, "task_not_found", f"Không có nhiệm vụ với mã “{task_id}”.") from None


@router.get("/cites", tags=["graph"], response_model=Page[dict[str, Any]])
def cites(store: StoreDep, paging: PagingDep,
          ref: Annotated[str, Query(min_length=1, max_length=300, description=(
              "A reference as people write it: \"Nghị định 61/2018/NĐ-CP\", \"61/2018\"."))]
          ) -> dict[str, Any]:
    """Documents that cite `ref`, with the citing sentence, relation and resolution."""
    return paging.window(graph_module().cites(store, ref))


@router.get("/documents/{doc_id}/cited-by", tags=["graph"], response_model=Page[dict[str, Any]])
def cited_by(doc_id: str, store: StoreDep, paging: PagingDep) -> dict[str, Any]:
    """Documents whose citations resolve to this one."""
    document_or_404(store, doc_id)
    return paging.window(graph_module().cited_by(store, doc_id))


@router.get("/documents/{doc_id}/references", tags=["graph"], response_model=Page[dict[str, Any]])
def references(doc_id: str, store: StoreDep, paging: PagingDep) -> dict[str, Any]:
    """What this document cites, each with its resolution and target."""
    document_or_404(store, doc_id)
    return paging.window(graph_module().references(store, doc_id))


@router.get("/documents/{doc_id}/graph", tags=["graph"])
def neighbourhood(doc_id: str, store: StoreDep,
                  depth: Annotated[int, Query(ge=1, le=3, description="Citation hops.")] = 1
                  ) -> dict[str, Any]:
    """The citation graph around a document: `nodes` and `edges`."""
    document_or_404(store, doc_id)
    return graph_module().neighbourhood(store, doc_id, depth=depth)


@router.get("/tasks", tags=["tasks"], response_model=Page[dict[str, Any]])
def tasks(store: StoreDep, paging: PagingDep,
          agency: Annotated[str | None, Query(max_length=300, description="Lead or supporting agency.")] = None,
          due_before: Annotated[date | None, Query(description="Due on or before (YYYY-MM-DD).")] = None,
          overdue: Annotated[bool, Query(description="Only tasks past their due date.")] = False,
          year: Annotated[int | None, Query(ge=1900, le=2200, description="Year due.")] = None,
          as_of: Annotated[date | None, Query(description="The day overdue is judged on (default: today).")] = None,
          ) -> dict[str, Any]:
    """Tasks assigned by the stored documents, by due date."""
    return paging.window(obligations(store, agency=agency, due_before=due_before,
                                     overdue=overdue, year=year, as_of=as_of))


def obligations(store: Store, *, agency: str | None = None, due_before: date | None = None,
                overdue: bool = False, year: int | None = None,
                as_of: date | None = None) -> list[dict[str, Any]]:
    return graph_module().obligations(
        store, agency=agency or None, due_before=due_before.isoformat() if due_before else None,
        overdue=overdue, year=year, today=(as_of or date.today()).isoformat())


@router.get("/tasks/{task_id}/trace", tags=["tasks"])
def trace(task_id: str, store: StoreDep) -> dict[str, Any]:
    """From a task to the document that assigns it, then up its citations to the
    source: `{"task", "hops": [{"document", "via"}]}`."""
    return trace_or_404(store, task_id)

"""What every route shares: the error type, the per-request store, pagination."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from store.db import Store
from vanban.config import Settings


class ApiError(Exception):
    """An error answered as `{"error": {"code", "message"}}` (JSON) or an error page (UI)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_store(request: Request) -> Iterator[Store]:
    """One connection per request (SQLite connections are not shared across threads)."""
    with Store(request.app.state.db_path) as store:
        yield store


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

MAX_PAGE = 200


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int

    def window(self, items: Sequence[Any]) -> dict[str, Any]:
        """A page of an already computed list."""
        return self.page(list(items[self.offset:self.offset + self.limit]), len(items))

    def page(self, items: list[Any], total: int) -> dict[str, Any]:
        return {"items": items, "total": total, "limit": self.limit, "offset": self.offset}


def paging(limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")] = 20,
           offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]


def document_or_404(store: Store, doc_id: str) -> dict[str, Any]:
    doc = store.document(doc_id)
    if doc is None:
        raise ApiError(404, "document_not_found", f"Không có văn bản với mã “{doc_id}”.")
    return doc

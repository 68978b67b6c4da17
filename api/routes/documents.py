"""JSON API: files (upload, download, delete), documents (list, search, detail,
text, original, re-extract), facets and counts."""
from __future__ import annotations

import unicodedata
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from api import service
from api.auth import require_read, require_write
from api.routes.common import ApiError, PagingDep, SettingsDep, StoreDep, document_or_404
from api.routes.models import (ERRORS, Deleted, DocumentSummary, DocumentText, Facets, Page,
                               Reextracted, UploadResult)
from api.routes.uploads import received_files
from store.db import Store

router = APIRouter(prefix="/api", dependencies=[Depends(require_read)], responses=ERRORS)

Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="SHA-256 of the file, hex.")]


# Born-digital files take seconds; a long scan's OCR may not end in time, and is then
# answered 202 and followed with /api/jobs. The default stays under the 60 s after
# which many reverse proxies give up on a request.
WAIT_DEFAULT = 50.0
WAIT_MAX = 300.0


@router.post("/files", tags=["files"], response_model=UploadResult,
             dependencies=[Depends(require_write)],
             responses={202: {"model": UploadResult, "description": "Some files are still queued or running."},
                        413: ERRORS[422] | {"description": "A file over the size limit."},
                        415: ERRORS[422] | {"description": "Not multipart/form-data."}})
async def upload(
    request: Request, response: Response, settings: SettingsDep,
    wait: Annotated[float, Query(ge=0, le=WAIT_MAX, description=(
        "Seconds to wait for the files to be ingested. 0: answer at once (202) with the "
        "jobs queued, and follow them with `GET /api/jobs/{id}`."))] = WAIT_DEFAULT,
) -> dict[str, Any]:
    """Upload one or many files (multipart field `files`). Each file becomes a job of
    the background queue, and the answer gives each file its `job_id` and status:
    `added`, `present` (same content already stored: a duplicate) or `failed`, with
    the ids of the documents it holds; or `queued` / `running` for a file not done
    within `wait` seconds (the answer is then 202). The format is detected from content."""
    db_path = request.app.state.db_path
    async with received_files(request, max_bytes=settings.max_file_bytes) as uploads:
        submission = await run_in_threadpool(service.submit_uploads, db_path, settings, uploads)
    jobs = await service.wait_for_jobs(db_path, submission.jobs, wait)
    if any(job.state in service.PENDING for job in jobs):
        response.status_code = 202
    return await run_in_threadpool(service.upload_results, db_path, submission, jobs)


def _file_or_404(store: Store, sha256: str) -> dict[str, Any]:
    file = store.file(sha256)
    if file is None:
        raise ApiError(404, "file_not_found", f"Không có tệp {sha256}.")
    return file


def _ascii_fallback(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_"
                   for c in plain if not unicodedata.combining(c))


def original_response(store: Store, sha256: str) -> FileResponse:
    """The stored bytes, as an attachment under the original name (never inline:
    an uploaded HTML file must not run as a page of this site)."""
    file = _file_or_404(store, sha256)
    name = file["name"]
    disposition = (f'attachment; filename="{_ascii_fallback(name)}"; '
                   f"filename*=UTF-8''{quote(name, safe='')}")
    return FileResponse(store.blob_path(sha256), media_type=file["media_type"],
                        headers={"Content-Disposition": disposition})


@router.get("/files/{sha256}", tags=["files"], response_class=FileResponse)
def download_file(sha256: Sha256, store: StoreDep) -> FileResponse:
    """The original file, byte for byte."""
    return original_response(store, sha256)


@router.delete("/files/{sha256}", tags=["files"], response_model=Deleted,
               dependencies=[Depends(require_write)])
def delete_file(sha256: Sha256, store: StoreDep) -> dict[str, Any]:
    """Delete a file and every document read from it."""
    _file_or_404(store, sha256)
    return {"sha256": sha256, "document_ids": service.delete_file(store, sha256)}


@router.get("/documents", tags=["documents"], response_model=Page[DocumentSummary])
def list_documents(
    store: StoreDep, paging: PagingDep,
    q: Annotated[str | None, Query(max_length=500, description=(
        "Full-text query, with or without diacritics (\"nghi dinh 61/2018\"). "
        "Results are then ranked by relevance."))] = None,
    doc_type: Annotated[str | None, Query(alias="type", description="Document type, e.g. Kế hoạch.")] = None,
    issuer: Annotated[str | None, Query(description="Issuing body, as stored.")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Year of issue.")] = None,
) -> dict[str, Any]:
    """List documents, filtered by type, issuer and year, searched when `q` is given."""
    items, total = service.find_documents(store, query=q, doc_type=doc_type, issuer=issuer,
                                          year=year, limit=paging.limit, offset=paging.offset)
    return paging.page(items, total)


@router.get("/documents/{doc_id}", tags=["documents"])
def get_document(doc_id: str, store: StoreDep) -> dict[str, Any]:
    """A document: header fields, `record` (the full extraction with spans: offsets
    into `/text`), citations with resolution status and target, tasks, scores."""
    return document_or_404(store, doc_id)


@router.get("/documents/{doc_id}/text", tags=["documents"], response_model=DocumentText)
def get_text(doc_id: str, store: StoreDep) -> dict[str, Any]:
    """The normalised text of the document's file, which spans index into; the
    document itself is `text[extent_start:extent_end]`."""
    doc = document_or_404(store, doc_id)
    return {"id": doc["id"], "sha256": doc["sha256"], "text": store.layout(doc["sha256"]).text,
            "extent_start": doc["extent_start"], "extent_end": doc["extent_end"]}


@router.get("/documents/{doc_id}/original", tags=["documents"], response_class=FileResponse)
def get_original(doc_id: str, store: StoreDep) -> FileResponse:
    """The original file the document was read from."""
    return original_response(store, document_or_404(store, doc_id)["sha256"])


@router.post("/documents/{doc_id}/reextract", tags=["documents"], response_model=Reextracted,
             dependencies=[Depends(require_write)])
def reextract(doc_id: str, store: StoreDep) -> dict[str, Any]:
    """Run extraction again on the stored text of the document's file, replacing all
    the file's documents, and relink them."""
    return service.reextract(store, document_or_404(store, doc_id)["sha256"])


@router.get("/facets", tags=["documents"], response_model=Facets)
def facets(store: StoreDep) -> dict[str, Any]:
    """Counts of documents by type, issuer and year."""
    return store.facets()


@router.get("/stats", tags=["documents"])
def stats(store: StoreDep) -> dict[str, int]:
    """How many files, documents, citations, tasks and scores are stored."""
    return store.stats()

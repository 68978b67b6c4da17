"""Response shapes for the OpenAPI document. Rich structures that belong to other
layers (a document's record, a trace, a graph) are passed through as they come."""
from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str = Field(examples=["document_not_found"])
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching, over all pages.")
    limit: int
    offset: int


class DocumentBrief(BaseModel):
    id: str
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued_date: str | None = None
    title: str | None = None


class DocumentSummary(DocumentBrief):
    place: str | None = None
    sha256: str
    file_name: str
    snippet: str | None = Field(None, description="With a text query: matching words in [brackets].")


class FileResult(BaseModel):
    name: str = Field(description="The file name as sent (metadata only).")
    job_id: int = Field(description="The file's job: `GET /api/jobs/{job_id}` follows it.")
    status: Literal["added", "present", "failed", "queued", "running"] = Field(
        description="added: stored now; present: the same content was already stored; failed: see "
                    "error; queued, running: not finished when the answer was sent.")
    sha256: str | None
    documents: list[DocumentBrief]
    error: ErrorDetail | None


class UploadResult(BaseModel):
    batch: str = Field(description="The request's jobs: `GET /api/jobs?batch=...` lists them.")
    files: list[FileResult]
    added: int
    present: int
    failed: int
    queued: int
    running: int


class JobInfo(BaseModel):
    id: int
    batch: str
    origin: Literal["upload", "watch"] = Field(description="upload: sent to the API; watch: dropped "
                                                           "into a watched folder.")
    name: str = Field(description="The file's name (metadata only).")
    state: Literal["queued", "running", "done", "failed"]
    outcome: Literal["added", "present"] | None = Field(
        description="Once done: added (stored now) or present (the same content was already stored).")
    attempts: int = Field(description="How many times a worker has taken the job.")
    reason: str | None = Field(description="Why it failed; while queued again, why the last attempt did not end.")
    sha256: str | None = Field(description="None when refused before being queued.")
    size: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    documents: list[DocumentBrief] = Field(description="Once done: the documents the file holds.")


class Reextracted(BaseModel):
    sha256: str
    document_ids: list[str]
    warnings: list[str]


class Deleted(BaseModel):
    sha256: str
    document_ids: list[str]


class DocumentText(BaseModel):
    id: str
    sha256: str
    text: str = Field(description="The file's normalised text; spans index into it.")
    extent_start: int
    extent_end: int


class FacetValue(BaseModel):
    value: Any
    n: int


class Facets(BaseModel):
    doc_type: list[FacetValue]
    issuer: list[FacetValue]
    year: list[FacetValue]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in {
        401: "Missing or wrong token.", 404: "Unknown id.", 422: "Malformed parameters."}.items()}

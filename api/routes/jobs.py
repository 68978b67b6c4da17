"""JSON API over the background job queue: every upload and every file dropped into a
watched folder is a job (queued, running, done or failed with its reason)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api import service
from api.auth import require_read
from api.routes.common import ApiError, PagingDep, StoreDep
from api.routes.models import ERRORS, JobInfo, Page
from store.jobs import Jobs, State

router = APIRouter(prefix="/api", tags=["jobs"], dependencies=[Depends(require_read)], responses=ERRORS)


@router.get("/jobs", response_model=Page[JobInfo])
def list_jobs(
    store: StoreDep, paging: PagingDep,
    batch: Annotated[str | None, Query(max_length=100, description=(
        "Only the jobs of one batch (an upload request's `batch`)."))] = None,
    state: Annotated[State | None, Query(description="Only the jobs in this state.")] = None,
) -> dict[str, Any]:
    """Jobs, newest first: uploads and dropped files, with state, attempts and reason."""
    jobs, total = service.find_jobs(store, state=state, batch=batch, limit=paging.limit, offset=paging.offset)
    return paging.page([service.job_view(store, job) for job in jobs], total)


@router.get("/jobs/{job_id}", response_model=JobInfo)
def get_job(job_id: int, store: StoreDep) -> dict[str, Any]:
    """One job: its state, attempts, reason, and once done the documents of its file."""
    job = Jobs(store).get(job_id)
    if job is None:
        raise ApiError(404, "job_not_found", f"Không có tác vụ với mã “{job_id}”.")
    return service.job_view(store, job)

"""Async /generate jobs: their state lives in Redis for a day, keyed by workspace and id.

queued (on enqueue) -> processing (a worker took it) -> completed | failed. A job id from
another workspace is simply not found.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from core import dispatch
from core.redis import redis_client

JOB_TTL_SECONDS = 24 * 3600


def job_key(workspace_id: int, job_id: str) -> str:
    return f"genjob:{workspace_id}:{job_id}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def save(workspace_id: int, job: dict[str, Any]) -> None:
    redis_client().set(job_key(workspace_id, job["job_id"]), json.dumps(job), ex=JOB_TTL_SECONDS)


def load(workspace_id: int, job_id: str) -> dict[str, Any] | None:
    raw = redis_client().get(job_key(workspace_id, job_id))
    return json.loads(raw) if raw is not None else None


def enqueue(workspace_id: int, request: dict[str, Any]) -> dict[str, Any]:
    job_id = str(uuid.uuid4())
    job = {
        "job_id": job_id,
        "status": "queued",
        "result": None,
        "error": None,
        "created_at": now_iso(),
        "completed_at": None,
    }
    save(workspace_id, job)
    dispatch.generate(workspace_id, job_id, request)
    return job


def update(workspace_id: int, job_id: str, **changes: Any) -> dict[str, Any] | None:
    job = load(workspace_id, job_id)
    if job is None:
        return None
    job.update(changes)
    save(workspace_id, job)
    return job

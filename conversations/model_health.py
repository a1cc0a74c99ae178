"""The model replies are drafted with, as configured now, and whether it answers.

/api/health and /api/model/reload report it. Asking the model server is one short HTTP call
(GET /v1/models, which vLLM and llama.cpp's server both answer), remembered in Redis for a
few seconds so a busy health check does not become load on the model server.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import httpx
import redis
from django.conf import settings
from django.utils import timezone

from core.redis import redis_client
from mlops.generation import TEMPLATE_MODEL_VERSION
from mlops.llm import packaged_gguf_path

# Per configuration: a changed model or server is asked afresh.
PROBE_KEY = "health:model:{backend}:{model}:{url}"
PROBE_SECONDS = 10
PROBE_TIMEOUT_SECONDS = 1.0


def configured_model() -> dict[str, str]:
    """The base model every reply uses unless a persona has an adapter, as configured now."""
    if settings.LLM_BACKEND == "transformers":
        path = settings.LLM_LOCAL_PATH or str(packaged_gguf_path())
        return {"backend": "transformers", "model": Path(path).name}
    if settings.LLM_BASE_URL:
        return {"backend": "openai-compatible", "model": settings.LLM_MODEL}
    return {"backend": "templates", "model": TEMPLATE_MODEL_VERSION}


def server_serves(model: str) -> bool:
    """The server lists the configured model (any model, when it lists none by name)."""
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    url = settings.LLM_BASE_URL.rstrip("/") + "/v1/models"
    try:
        response = httpx.get(url, headers=headers, timeout=PROBE_TIMEOUT_SECONDS)
        listed = [str(entry.get("id", "")) for entry in response.json().get("data", [])]
    except (httpx.HTTPError, ValueError, AttributeError):
        return False
    return response.status_code == 200 and (model in listed or not any(listed))


def answers(configured: dict[str, str]) -> bool:
    if configured["backend"] == "openai-compatible":
        return server_serves(configured["model"])
    if configured["backend"] == "transformers":
        # Loaded by the llm workers, not this process: the weights must be there to load.
        path = Path(settings.LLM_LOCAL_PATH or packaged_gguf_path())
        return path.exists()
    return True  # the template generator is code: it always answers


def model_status() -> dict[str, Any]:
    """The configured model and whether it answered, at most PROBE_SECONDS old."""
    configured = configured_model()
    key = probe_key(configured)
    try:
        remembered = redis_client().get(key)
    except redis.RedisError:
        remembered = None
    if remembered is not None:
        return json.loads(remembered)
    status = {
        **configured,
        "answers": answers(configured),
        "checked_at": timezone.now().isoformat(),
    }
    # Redis away: health reports that itself; the probe is simply not remembered.
    with contextlib.suppress(redis.RedisError):
        redis_client().set(key, json.dumps(status), ex=PROBE_SECONDS)
    return status


def forget_status() -> None:
    """After a reload: the next report asks the model again."""
    redis_client().delete(probe_key(configured_model()))


def probe_key(configured: dict[str, str]) -> str:
    return PROBE_KEY.format(**configured, url=settings.LLM_BASE_URL)

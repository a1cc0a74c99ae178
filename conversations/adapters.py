"""A persona's fine-tuned adapter: deploy, roll back, and the backend that serves it.

Deploying makes a gated LoRA version the persona's adapter: the version becomes active (the
one before is retired), the persona's model name becomes the adapter's, and the persona's
cached completions are dropped so the next suggestion comes from the new adapter.

Serving (settings.LLM_ADAPTERS):
- "in-process": the llm worker loads base + adapter with transformers (CPU here, CUDA on a
  GPU node), once per adapter;
- "server": vLLM started with --enable-lora serves it by name; deploying registers the
  adapter through vLLM's POST /v1/load_lora_adapter (VLLM_ALLOW_RUNTIME_LORA_UPDATING=True),
  so no restart is needed. The adapter folder must be readable by the vLLM server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core import audit
from core.redis import redis_client
from mlops.llm import LLMBackend, transformers_backend
from mlops.llm_replies import CACHE_PREFIX, delete_cached
from mlops.models import ModelVersion, TrainingJob
from personas.models import Persona


class AdapterError(Exception):
    """The adapter cannot be deployed or rolled back; the message says why (409)."""


@dataclass(frozen=True)
class Deployment:
    persona: Persona
    version: ModelVersion | None  # None: back on the base model
    cache_entries_deleted: int
    replaced: ModelVersion | None = None  # the adapter served before this change


def adapter_name(version: ModelVersion) -> str:
    return str(version.metrics.get("adapter") or Path(version.artifact).name)


def deploy(job: TrainingJob) -> Deployment:
    version = job.result
    if job.kind != "lora" or version is None:
        raise AdapterError(f"the job has no adapter to deploy (status {job.status})")
    if not (job.gate or {}).get("passed"):
        reasons = "; ".join((job.gate or {}).get("reasons") or ["it was not evaluated"])
        raise AdapterError(f"the evaluation gate did not pass: {reasons}")
    persona = (
        Persona.objects.filter(pk=version.persona_id, workspace_id=job.workspace_id).first()
        if version.persona_id is not None and job.workspace_id is not None
        else None
    )
    if persona is None:
        raise AdapterError("the persona this adapter was trained for no longer exists")
    if settings.LLM_ADAPTERS == "server":
        register_with_server(version)
    replaced = persona.adapter
    with transaction.atomic():
        version.set_status(ModelVersion.Status.ACTIVE)
        ModelVersion.objects.filter(pk=version.pk).update(
            deployed_at=timezone.now(), rolled_back_at=None
        )
        use_adapter(persona, version)
    return Deployment(persona, version, invalidate_cache(persona), replaced)


def rollback(persona: Persona) -> Deployment:
    """Back to the adapter deployed before the current one (or to the base model)."""
    current = persona.adapter
    if current is None:
        raise AdapterError(f"{persona.name} has no adapter deployed; nothing to roll back")
    previous = (
        ModelVersion.objects.filter(
            kind="lora",
            persona_id=persona.pk,
            deployed_at__isnull=False,
            rolled_back_at__isnull=True,
        )
        .exclude(pk=current.pk)
        .order_by("-deployed_at")
        .first()
    )
    if previous is not None and settings.LLM_ADAPTERS == "server":
        register_with_server(previous)
    with transaction.atomic():
        ModelVersion.objects.filter(pk=current.pk).update(
            status=ModelVersion.Status.RETIRED, rolled_back_at=timezone.now()
        )
        if previous is not None:
            previous.set_status(ModelVersion.Status.ACTIVE)
        use_adapter(persona, previous)
    return Deployment(persona, previous, invalidate_cache(persona), current)


def audit_deployment(action: str, deployment: Deployment, request: HttpRequest) -> None:
    """Log a deploy or rollback with who did it (a person on the page, or an API key)."""

    def served(version: ModelVersion | None) -> dict:
        if version is None:
            return {"adapter": None}
        return {"adapter": adapter_name(version), "model_version": version.version}

    audit.record(
        f"adapter.{action}",
        workspace=deployment.persona.workspace,
        target=deployment.persona,
        before=served(deployment.replaced),
        after=served(deployment.version),
        request=request,
    )


def use_adapter(persona: Persona, version: ModelVersion | None) -> None:
    persona.adapter = version
    persona.llm_model = adapter_name(version) if version else ""
    persona.save(update_fields=["adapter", "llm_model"])


def invalidate_cache(persona: Persona) -> int:
    """Drop the persona's cached completions (the namespace conversations.replies uses)."""
    name = "".join(f"\\{c}" if c in "*?[]\\" else c for c in persona.name)  # glob-escaped
    return delete_cached(redis_client(), f"{CACHE_PREFIX}{persona.workspace_id}:", f"{name}:*")


def register_with_server(version: ModelVersion) -> None:
    """vLLM's runtime LoRA loading. It answers 200 with a line of text, or 400 for a name it
    already serves (fine: the same adapter, deployed again after a rollback)."""
    headers = {"Authorization": f"Bearer {settings.LLM_API_KEY}"} if settings.LLM_API_KEY else {}
    body = {"lora_name": adapter_name(version), "lora_path": version.artifact}
    try:
        response = httpx.post(
            f"{settings.LLM_BASE_URL.rstrip('/')}/v1/load_lora_adapter",
            json=body,
            headers=headers,
            timeout=settings.LLM_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        raise AdapterError(f"the model server is unreachable: {exc}") from exc
    if response.status_code == 200:
        return
    if response.status_code == 400 and "already" in response.text.lower():
        return
    raise AdapterError(
        f"the model server did not load the adapter: HTTP {response.status_code} "
        f"{response.text[:200]}"
    )


def adapter_backend(persona: Persona) -> LLMBackend | None:
    """The in-process backend for the persona's adapter, or None when the configured
    server serves it by name (or the persona has none)."""
    version = persona.adapter
    if version is None or settings.LLM_ADAPTERS != "in-process":
        return None
    from mlops.lora import base_model_folder

    return transformers_backend(str(base_model_folder()), version.artifact)

"""Reply options for an inbound message: from the LLM when one is configured, else templates.

The LLM path gathers what the prompt needs (persona, campaign, phase, CTA decision,
perception, retrieved knowledge and memory, history), asks for n samples under a per-call
timeout and a total deadline, and keeps the ones that pass the guardrails. Failing calls
open the workspace's circuit breaker, so its next messages fall back at once instead of
each waiting for its own timeout; another workspace's circuit is its own, so one tenant's
timeouts or abuse never cut off another's drafts (a real outage opens each workspace's
circuit as that workspace sees it fail). Each workspace drafts within its own model budget
per minute (mlops.llm_quota); past it, drafts come from templates, as with no model.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from conversations.models import Conversation, CtaDecision, Message
from conversations.retrieval import RetrievedContext
from conversations.streaming import DraftStream, StreamedSample
from core.models import Workspace
from core.redis import redis_client
from mlops import llm_quota
from mlops.fact_checks import sources_for_prompt
from mlops.generation import PROMPT_VERSION as TEMPLATE_PROMPT_VERSION
from mlops.generation import TEMPLATE_MODEL_VERSION, ReplyContext, ReplyOption, generate_replies
from mlops.guardrails import Rules
from mlops.llm import (
    GenerationParams,
    LLMBackend,
    LLMError,
    ModelBusy,
    OpenAICompatibleBackend,
    packaged_gguf_path,
    transformers_backend,
)
from mlops.llm_replies import CircuitBreaker, CompletionFn, NoValidReply, generate_options
from mlops.prompts import PROMPT_VERSION, PromptInputs, build_messages, instructions
from mlops.sentiment import label_for
from personas.models import Persona
from personas.style import StyleProfile, describe_style

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Replies:
    options: list[ReplyOption]
    model_version: str
    prompt_version: str
    notes: dict  # what happened: cached, dropped samples, the error that forced a fallback


def configured_backend(persona: Persona | None = None) -> LLMBackend | None:
    """The persona's fine-tuned adapter when it has one served in-process, else the
    configured model (a server by URL, or transformers in this process), else None."""
    if persona is not None and persona.adapter_id is not None:
        from conversations.adapters import adapter_backend

        backend = adapter_backend(persona)
        if backend is not None:
            return backend
    if settings.LLM_BACKEND == "transformers":
        return transformers_backend(settings.LLM_LOCAL_PATH or packaged_gguf_path())
    if not settings.LLM_BASE_URL:
        return None
    return OpenAICompatibleBackend(
        base_url=settings.LLM_BASE_URL,
        default_model=settings.LLM_MODEL,
        structured=settings.LLM_STRUCTURED_OUTPUT,
        api_key=settings.LLM_API_KEY,
    )


def circuit(workspace_id: int) -> CircuitBreaker:
    """The workspace's own breaker: its failures open it, and only it."""
    return CircuitBreaker(
        redis_client(),
        name=f"llm:ws{workspace_id}",
        threshold=settings.LLM_CIRCUIT_FAILURES,
        cooldown=settings.LLM_CIRCUIT_COOLDOWN_SECONDS,
    )


def cta_decision_for(message: Message) -> str:
    row = CtaDecision.objects.filter(message=message, is_shadow=False).first()
    return row.decision if row else "WAIT"


def campaign_config(conversation: Conversation) -> dict:
    """The campaign's prompt config with its A/B variant's settings on top."""
    config: dict = {}
    if conversation.campaign is not None:
        config.update(conversation.campaign.prompt_config or {})
    if conversation.variant is not None:
        config.update(conversation.variant.prompt_config or {})
    return config


def prompt_inputs(
    conversation: Conversation,
    message: Message,
    found: RetrievedContext,
    journey_state: str | None = None,
) -> PromptInputs:
    """The prompt's values; journey_state: the phase the message was answered in, when
    rebuilding the prompt of an earlier turn (training data), else the current one."""
    persona = conversation.persona
    analysis = message.analysis or {}
    phase = journey_state or conversation.journey_state
    state = conversation.playbook.spec.states.get(phase)
    return PromptInputs(
        persona_name=persona.name,
        persona_profile={str(k): str(v) for k, v in (persona.profile or {}).items()},
        persona_phrases=persona.phrases,
        style_notes=style_notes(persona.style_profile) if persona.apply_style else "",
        campaign=campaign_config(conversation),
        journey_state=phase,
        journey_goal=state.goal if state else "",
        cta_decision=cta_decision_for(message),
        sentiment_label=label_for(analysis.get("context", {}).get("effective_score", 0.0)),
        guidance=analysis.get("guidance", ""),
        contact_name=conversation.contact.display_name,
        facts=[(hit.kind, hit.value) for hit in found.facts if hit.score >= 0.2],
        memories=[hit.summary for hit in found.memories],
        knowledge=[hit.text for hit in found.knowledge if hit.similarity >= 0.25][:2],
        history=[("user" if h.direction == "in" else "assistant", h.text) for h in found.history],
        last_message=message.text,
    )


def style_notes(profile: dict) -> str:
    return describe_style(StyleProfile.from_dict(profile)) if profile else ""


def guard_rules(workspace: Workspace, inputs: PromptInputs) -> Rules:
    banned = tuple(line.strip() for line in workspace.banned_phrases.splitlines() if line.strip())
    offer = inputs.persona_profile.get("cta_concept", "")
    return Rules(
        max_chars=settings.SUGGESTION_MAX_CHARS,
        max_sentences=int(inputs.campaign.get("max_sentences") or 2),
        cta_allowed=inputs.cta_decision != "NEVER",
        banned_phrases=banned,
        system_prompt=instructions(inputs),
        extra_cta_terms=(offer,) if offer else (),
        speaker=inputs.persona_name,
        # What a reply may state as fact: anything else it names is invented.
        fact_sources=sources_for_prompt(inputs),
    )


def generation_params(seed_offset: int = 0, **fields: Any) -> GenerationParams:
    """The one way sampling parameters are made: the configured length and temperature,
    what the caller sets, then seed 003's deterministic mode when it is switched on.

    `seed_offset` gives later batches of one suggestion set their own seeds in
    deterministic mode, or they would repeat the first batch word for word.
    """
    fields = {
        "max_tokens": settings.LLM_MAX_TOKENS,
        "temperature": settings.LLM_TEMPERATURE,
        **{name: value for name, value in fields.items() if value is not None},
    }
    fields["max_tokens"] = llm_quota.capped_max_tokens(int(fields["max_tokens"]))
    params = GenerationParams(**fields)
    return params.deterministic(seed=42 + seed_offset) if settings.LLM_DETERMINISTIC else params


def sampling(conversation: Conversation, inputs: PromptInputs, offset: int = 0) -> GenerationParams:
    """A suggestion's sampling: the campaign's length and temperature over the defaults,
    on the persona's model (its adapter, on vLLM)."""
    campaign = inputs.campaign
    return generation_params(
        seed_offset=offset,
        max_tokens=int(campaign["max_tokens"]) if campaign.get("max_tokens") else None,
        temperature=(
            float(campaign["temperature"]) if campaign.get("temperature") is not None else None
        ),
        model=conversation.persona.llm_model,
    )


def suggestion_deadline() -> float:
    """When a suggestion must be done, first option and the rest together (monotonic)."""
    return time.monotonic() + settings.LLM_DEADLINE_SECONDS


def time_left(deadline: float | None) -> float:
    """The per-call timeout, shortened to what is left of the total deadline."""
    if deadline is None:
        return settings.LLM_TIMEOUT_SECONDS
    left = deadline - time.monotonic()
    if left <= 0.05:
        raise LLMError("the suggestion deadline has passed")
    return min(settings.LLM_TIMEOUT_SECONDS, left)


def llm_replies(
    backend: LLMBackend,
    conversation: Conversation,
    message: Message,
    found: RetrievedContext,
    use_cache: bool = True,
    count: int | None = None,
    offset: int = 0,
    deadline: float | None = None,
    stream: DraftStream | None = None,
) -> Replies:
    inputs = prompt_inputs(conversation, message, found)
    if stream is not None:
        backend = StreamedSample(backend, stream)
    timeout = time_left(deadline)
    params = sampling(conversation, inputs, offset)
    started = time.monotonic()
    complete = CompletionFn(
        backend,
        redis_client(),
        timeout=timeout,
        namespace=f"{conversation.workspace_id}:{conversation.persona.name}:{offset}",
        ttl_seconds=settings.LLM_CACHE_SECONDS,
        use_cache=use_cache and settings.LLM_CACHE_SECONDS > 0,
    )
    generated = generate_options(
        complete,
        build_messages(inputs),
        params,
        guard_rules(conversation.workspace, inputs),
        message.text,
        count or settings.LLM_SUGGESTIONS,
    )
    notes = {
        "cached": generated.cached,
        "dropped": generated.dropped,
        "llm_ms": int((time.monotonic() - started) * 1000),
    }
    model = params.model or backend.default_model
    return Replies(generated.options, f"{backend.name}:{model}", PROMPT_VERSION, notes)


def streams_options() -> bool:
    """With an LLM, the first option is generated alone, streamed to the page as it is
    written (conversations.streaming), and stored alone; the rest follow."""
    uses_llm = bool(settings.LLM_BASE_URL) or settings.LLM_BACKEND == "transformers"
    return uses_llm and settings.LLM_SUGGESTIONS > 1


def template_replies(context: ReplyContext) -> Replies:
    return Replies(generate_replies(context), TEMPLATE_MODEL_VERSION, TEMPLATE_PROMPT_VERSION, {})


def replies_for(
    conversation: Conversation,
    message: Message,
    found: RetrievedContext,
    context: ReplyContext,
    use_cache: bool = True,
    count: int | None = None,
    offset: int = 0,
    deadline: float | None = None,
    stream: DraftStream | None = None,
) -> Replies:
    """LLM options when a backend is configured, the workspace's circuit is closed and its
    drafting budget not spent (else templates, noted), else templates.

    Raises LLMError when the LLM was tried and failed: the caller falls back and counts it.
    With `stream`, a single sample is streamed into it as the model writes it; a stream
    stopped because the customer wrote again raises StreamStopped (not a failure).
    """
    backend = configured_backend(conversation.persona)
    if backend is None:
        return template_replies(context)
    breaker = circuit(conversation.workspace_id)
    if breaker.is_open():
        raise LLMError("circuit open: the model server failed repeatedly; retrying later")
    if not llm_quota.allow_draft(conversation.workspace_id):
        spent = template_replies(context)
        return Replies(spent.options, spent.model_version, spent.prompt_version, budget_note())
    try:
        replies = llm_replies(
            backend, conversation, message, found, use_cache, count, offset, deadline, stream
        )
    except (NoValidReply, ModelBusy):
        raise  # the server is up: its answer was unusable, or it was busy for too long
    except LLMError:
        breaker.record_failure()
        raise
    breaker.record_success()
    return replies


def budget_note() -> dict:
    return {"model_budget": llm_quota.drafts_spent_note()}

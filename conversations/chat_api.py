"""Seed 000's /chat (the whole orchestration for one message) and seed 002's /suggestions.

/chat stores the message like any other (so the conversation shows up in the inbox),
then runs the pipeline in this request: perception, memory, steering, CTA, retrieval,
generation and guardrails, and answers strict JSON. The same pipeline also runs on the
workers for the stored message; every stage is idempotent, so whichever gets there
first does the work.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from conversations import ingestion, pipeline
from conversations.llm_api import llm_quota_or_429
from conversations.models import Conversation, CtaDecision, Message
from conversations.ranking import rank_drafts
from conversations.replies import circuit, configured_backend, generation_params, guard_rules
from core import dispatch
from core.api_input import ApiInput
from core.redis import redis_client
from mlops.embeddings import embed_one
from mlops.generation import TEMPLATE_MODEL_VERSION, ReplyContext, ReplyOption, generate_replies
from mlops.llm import LLMError, ModelBusy
from mlops.llm_replies import CompletionFn, NoValidReply, generate_options
from mlops.prompts import PromptInputs, build_messages
from mlops.sentiment import label_for
from personas.models import Persona

router = Router(tags=["generation"])

CHAT_CHANNEL = "chat"
PAGE_SIZE = 3
MORE_TTL_SECONDS = 3600


class ChatIn(ApiInput):
    persona_name: str = Field(..., min_length=1, max_length=80, pattern=r"\S")
    user_id: str = Field(..., min_length=1, max_length=200, pattern=r"\S")
    message: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS, pattern=r"\S")
    cta_introduced_count: int = Field(0, ge=0, le=1000)


class OptionOut(Schema):
    text: str
    theme: str
    descriptor: str
    confidence: float  # the reply ranker's probability that an operator sends it
    quality_score: float
    # Where it came from: sent, bootstrap or phrase (the reply library), model, adapter,
    # template or fallback.
    source: str = ""


class SentimentOut(Schema):
    label: str
    trend: str  # the context-aware reading: steady, improving, sarcastic_positive, ...
    score: float
    emotion: str
    sarcastic: bool
    guidance: str


class CtaOut(Schema):
    decision: Literal["NOW", "WAIT", "NEVER"]
    probabilities: dict[str, float]
    introduce_cta: bool


class ChatOut(Schema):
    conversation_id: int
    message_id: int
    response: str
    options: list[OptionOut]
    phase: str
    previous_phase: str
    outcome: str
    sentiment: SentimentOut
    cta: CtaOut
    facts: dict
    knowledge_used: list[str]
    model_version: str
    is_fallback: bool


class ErrorOut(Schema):
    detail: str


def option_out(suggestion) -> OptionOut:
    return OptionOut(
        text=suggestion.text,
        theme=suggestion.theme,
        descriptor=suggestion.descriptor,
        confidence=suggestion.confidence,
        quality_score=suggestion.quality_score,
        source=suggestion.source,
    )


def sentiment_out(analysis: dict) -> SentimentOut:
    context = analysis.get("context") or {}
    score = float(context.get("effective_score", 0.0))
    return SentimentOut(
        label=label_for(score),  # positive / neutral / negative, as everywhere else
        trend=str(context.get("label", "")),
        score=score,
        emotion=str((analysis.get("emotions") or {}).get("top") or ""),
        sarcastic=bool((analysis.get("sarcasm") or {}).get("is_sarcastic")),
        guidance=str(analysis.get("guidance", "")),
    )


def cta_out(message: Message) -> CtaOut:
    row = CtaDecision.objects.filter(message=message, is_shadow=False).first()
    if row is None:
        return CtaOut(decision="WAIT", probabilities={}, introduce_cta=False)
    return CtaOut(
        decision=row.decision,  # type: ignore[arg-type]  # one of mlops.cta.LABELS
        probabilities={k: float(v) for k, v in row.probabilities.items()},
        introduce_cta=row.decision == "NOW",
    )


@router.post(
    "/chat",
    response={200: ChatOut, 422: ErrorOut, 429: ErrorOut},
    summary="Seed 000's orchestration for one message: phase, sentiment, memory, CTA, reply",
)
def chat(request: HttpRequest, payload: ChatIn):
    workspace = request.auth  # type: ignore[attr-defined]
    # Before anything is stored: a refused call leaves nothing behind to retry around.
    llm_quota_or_429(workspace.pk)
    try:
        result = ingestion.ingest(
            workspace,
            ingestion.InboundMessage(
                channel=CHAT_CHANNEL,
                external_id=f"chat-{uuid.uuid4()}",
                contact_external_id=payload.user_id,
                contact_name="",
                persona=payload.persona_name,
                text=payload.message,
            ),
        )
    except ingestion.IngestionError as exc:
        raise HttpError(422, f"{exc.field}: {exc}") from exc
    # The caller counts the offers it has made; our counter must not be behind it.
    Conversation.objects.filter(
        pk=result.conversation_id, cta_count__lt=payload.cta_introduced_count
    ).update(cta_count=payload.cta_introduced_count)
    message = Message.objects.select_related("conversation__contact", "conversation__persona").get(
        pk=result.message_id
    )
    previous_phase = message.conversation.journey_state
    pipeline.perceive(message)
    suggestion_set = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
    message.refresh_from_db()
    conversation = Conversation.objects.select_related("contact").get(pk=message.conversation_id)
    options = [option_out(s) for s in suggestion_set.suggestions.all()] if suggestion_set else []
    return ChatOut(
        conversation_id=conversation.pk,
        message_id=message.pk,
        response=options[0].text if options else "",
        options=options,
        phase=conversation.journey_state,
        previous_phase=previous_phase,
        outcome=conversation.outcome,
        sentiment=sentiment_out(message.analysis),
        cta=cta_out(message),
        facts=conversation.contact.profile_facts,
        knowledge_used=[
            k["document"]
            for k in (suggestion_set.retrieval.get("knowledge", []) if suggestion_set else [])
        ],
        model_version=suggestion_set.model_version if suggestion_set else "",
        is_fallback=bool(suggestion_set and suggestion_set.is_fallback),
    )


# -- seed 002's /suggestions --------------------------------------------------------------


class ChatLine(Schema):
    role: Literal["user", "assistant"]
    content: str = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS, pattern=r"\S")
    timestamp: datetime | None = None


class SuggestionsIn(ApiInput):
    conversation_id: str = Field(..., min_length=1, max_length=200, pattern=r"\S")
    messages: list[ChatLine] = Field(..., min_length=1, max_length=100)
    count: int = Field(3, ge=1, le=10)
    themes: list[str] = Field(default_factory=list, max_length=10)
    persona: str | None = Field(None, max_length=80)


class SuggestionsOut(Schema):
    request_id: str
    conversation_id: str
    options: list[OptionOut]
    has_more: bool
    total_count: int
    model_version: str


class MoreOut(Schema):
    options: list[OptionOut]


def more_key(workspace_id: int, request_id: str) -> str:
    return f"suggest:more:{workspace_id}:{request_id}"


def api_prompt_inputs(workspace, payload: SuggestionsIn) -> PromptInputs:
    persona = None
    if payload.persona:
        persona = Persona.objects.for_workspace(workspace).filter(name=payload.persona).first()
        if persona is None:
            raise HttpError(422, f"persona: unknown persona {payload.persona!r}")
    *earlier, last = payload.messages
    return PromptInputs(
        persona_name=persona.name if persona else "the account owner",
        persona_profile={str(k): str(v) for k, v in (persona.profile if persona else {}).items()},
        persona_phrases=persona.phrases if persona else [],
        history=[(line.role, line.content) for line in earlier[-10:]],
        last_message=last.content,
    )


@router.post(
    "/suggestions",
    response={200: SuggestionsOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Themed reply options for a conversation; more with /suggestions/more/{id}",
)
def suggestions(request: HttpRequest, payload: SuggestionsIn):
    workspace = request.auth  # type: ignore[attr-defined]
    llm_quota_or_429(workspace.pk)
    inputs = api_prompt_inputs(workspace, payload)
    backend = configured_backend()
    if backend is None:
        context = ReplyContext("", "", "", inputs.last_message, "neutral", inputs.persona_name)
        drafts = generate_replies(context, payload.count)
        options = ranked_out(drafts, inputs.last_message, "template", workspace.pk)
        model_version = TEMPLATE_MODEL_VERSION
    else:
        options, model_version = llm_options(backend, workspace, inputs, payload)
    request_id = str(uuid.uuid4())
    first, rest = options[:PAGE_SIZE], options[PAGE_SIZE:]
    if rest:
        redis_client().set(
            more_key(workspace.pk, request_id),
            json.dumps([o.dict() for o in rest]),
            ex=MORE_TTL_SECONDS,
        )
    return SuggestionsOut(
        request_id=request_id,
        conversation_id=payload.conversation_id,
        options=first,
        has_more=bool(rest),
        total_count=len(options),
        model_version=model_version,
    )


def llm_options(backend, workspace, inputs: PromptInputs, payload: SuggestionsIn):
    themes = tuple(t.strip().lower() for t in payload.themes if t.strip())
    complete = CompletionFn(
        backend,
        redis_client(),
        timeout=settings.LLM_TIMEOUT_SECONDS,
        namespace=f"{workspace.pk}:suggestions",
        ttl_seconds=settings.LLM_CACHE_SECONDS,
        use_cache=settings.LLM_CACHE_SECONDS > 0,
    )
    params = generation_params()
    breaker = circuit(workspace.pk)  # the workspace's own: its failures open it, and only it
    if breaker.is_open():
        raise HttpError(503, "circuit open: the model server failed repeatedly; retrying later")
    try:
        generated = generate_options(
            complete,
            build_messages(inputs),
            params,
            guard_rules(workspace, inputs),
            inputs.last_message,
            payload.count,
            themes=themes or None,
        )
    except LLMError as exc:
        # Not when the server answered (only the text was bad) or was busy for too long.
        if not isinstance(exc, (NoValidReply, ModelBusy)):
            breaker.record_failure()
        raise HttpError(503, f"the model did not answer usable options: {exc}") from exc
    breaker.record_success()
    options = ranked_out(generated.options, inputs.last_message, "model", workspace.pk)
    return options, f"{backend.name}:{backend.default_model}"


def ranked_out(
    drafts: list[ReplyOption], last_message: str, source: str, workspace_id: int
) -> list[OptionOut]:
    """The options best first by the workspace's reply ranker, whose probability that an
    operator sends each one is its confidence (never a number the model wrote)."""
    said = embed_one(last_message)
    return [OptionOut(**vars(o)) for o in rank_drafts(drafts, said, source, workspace_id)]


@router.get(
    "/suggestions/more/{request_id}",
    response={200: MoreOut, 404: ErrorOut},
    summary="The rest of a /suggestions answer",
)
def more_suggestions(request: HttpRequest, request_id: uuid.UUID):
    raw = redis_client().get(more_key(request.auth.pk, str(request_id)))  # type: ignore[attr-defined]
    if raw is None:
        raise HttpError(404, "no more options for this request (they are kept for an hour)")
    return MoreOut(options=[OptionOut(**o) for o in json.loads(raw)])

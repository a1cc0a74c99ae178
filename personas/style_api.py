"""Seed 002's style endpoints: per-contact style profiles and the creator's flirty style.

Profiles are learned by rules (personas.style) and stored per workspace. Applying a style
is rule-based; `use_llm: true` asks the LLM backend (LLM_BASE_URL) to rewrite the reply
instead, vetted by the guardrails, with the rules' version when the model fails; without
a backend it is refused with 503.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from core.api_input import ApiInput, refuse_unstorable_path
from mlops import llm_quota
from mlops.guardrails import Rules, guard
from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend
from personas.models import CreatorStyle, StyleProfile
from personas.style import (
    CreatorStyle as CreatorStyleData,
)
from personas.style import (
    StyleProfile as StyleProfileData,
)
from personas.style import (
    apply_creator_style,
    apply_style,
    describe_style,
    learn_creator_style,
    learn_style,
    merge_style,
)

router = Router(tags=["style"])

# `pattern` refuses blank strings: whitespace is not a key, a sample or a reply.
KEY = Field(..., min_length=1, max_length=200, pattern=r"\S")
TEXT = Field(..., min_length=1, max_length=settings.MESSAGE_MAX_CHARS, pattern=r"\S")
MAX_SAMPLES = 500


class Sample(Schema):
    input: str = Field("", max_length=settings.MESSAGE_MAX_CHARS)
    # Blank outputs are skipped (a sample that says nothing about style), not refused.
    output: str = Field(..., max_length=settings.MESSAGE_MAX_CHARS)


class LearnIn(ApiInput):
    user_id: str = KEY
    contact_id: str = KEY
    samples: list[Sample] = Field(..., min_length=1, max_length=MAX_SAMPLES)


class ApplyIn(ApiInput):
    user_id: str = KEY
    contact_id: str = KEY
    response: str = TEXT
    use_llm: bool = False


class CreatorLearnIn(ApiInput):
    creator_id: str = KEY
    samples: list[str] = Field(..., min_length=1, max_length=MAX_SAMPLES)


class CreatorApplyIn(ApiInput):
    creator_id: str = KEY
    text: str = TEXT


class ErrorOut(Schema):
    detail: str


def stored_profile(request: HttpRequest, user_id: str, contact_id: str) -> StyleProfile:
    refuse_unstorable_path(user_id=user_id, contact_id=contact_id)
    row = StyleProfile.objects.filter(
        workspace=request.auth,  # type: ignore[attr-defined]
        user_id=user_id,
        contact_id=contact_id,
    ).first()
    if row is None:
        raise HttpError(404, f"no style profile for user {user_id!r} and contact {contact_id!r}")
    return row


@router.post("/style/learn", response={200: dict, 422: ErrorOut}, summary="Learn a style")
def learn(request: HttpRequest, payload: LearnIn):
    """Learn from samples; a second call adds to the profile (weighted by sample counts)."""
    outputs = [sample.output for sample in payload.samples if sample.output.strip()]
    if not outputs:
        raise HttpError(422, "samples: every output is blank")
    with transaction.atomic():
        row = (
            StyleProfile.objects.select_for_update()
            .filter(
                workspace=request.auth,  # type: ignore[attr-defined]
                user_id=payload.user_id,
                contact_id=payload.contact_id,
            )
            .first()
        )
        if row is None:
            profile = learn_style(outputs)
            row = StyleProfile(
                workspace=request.auth,  # type: ignore[attr-defined]
                user_id=payload.user_id,
                contact_id=payload.contact_id,
            )
        else:
            profile = merge_style(StyleProfileData.from_dict(row.profile), outputs)
        row.profile = profile.to_dict()
        row.save()
    return row.profile


@router.get("/style/{user_id}/{contact_id}", response={200: dict, 404: ErrorOut}, summary="A style")
def get_style(request: HttpRequest, user_id: str, contact_id: str):
    return stored_profile(request, user_id, contact_id).profile


@router.post(
    "/style/apply",
    response={200: dict, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    summary="Rewrite a response in a learned style",
)
def apply(request: HttpRequest, payload: ApplyIn):
    row = stored_profile(request, payload.user_id, payload.contact_id)
    if payload.use_llm and not settings.LLM_BASE_URL:
        raise HttpError(503, "use_llm needs an LLM backend (LLM_BASE_URL); none is configured")
    if payload.use_llm:
        spend_model_call(request.auth.pk)  # type: ignore[attr-defined]
    profile = StyleProfileData.from_dict(row.profile)
    answer = {
        "styled_response": apply_style(payload.response, profile),
        "original_response": payload.response,
        "profile_used": row.profile,
        "method": "rules",
    }
    if payload.use_llm:
        try:
            answer.update(styled_response=llm_rewrite(payload.response, profile), method="llm")
        except LLMError as exc:
            # The rules' version is still a styled reply; say why the model's is missing.
            answer["llm_error"] = str(exc)[:300]
    return answer


def spend_model_call(workspace_id: int) -> None:
    """A rewrite by the model spends the workspace's model quota like any model route."""
    try:
        llm_quota.spend_call(workspace_id)
    except llm_quota.QuotaSpent as exc:
        raise HttpError(429, str(exc)) from exc


def llm_rewrite(response: str, profile: StyleProfileData) -> str:
    """The model rewrites the reply in the style; the guardrails vet what it wrote."""
    backend = OpenAICompatibleBackend(
        base_url=settings.LLM_BASE_URL,
        default_model=settings.LLM_MODEL,
        structured="none",
        api_key=settings.LLM_API_KEY,
    )
    messages = [
        {
            "role": "system",
            "content": "Rewrite the message in this style: "
            + describe_style(profile)
            + ". Keep its meaning. Answer with the rewritten message only.",
        },
        {"role": "user", "content": response},
    ]
    params = GenerationParams(max_tokens=llm_quota.capped_max_tokens(80), temperature=0.3)
    [text] = backend.complete(messages, params, settings.LLM_TIMEOUT_SECONDS)
    styled, reason = guard(text, Rules(max_chars=settings.SUGGESTION_MAX_CHARS, max_sentences=3))
    if reason:
        raise LLMError(f"the rewrite was refused by the guardrails: {reason}")
    return styled


@router.delete(
    "/style/{user_id}/{contact_id}", response={200: dict, 404: ErrorOut}, summary="Forget"
)
def delete_style(request: HttpRequest, user_id: str, contact_id: str):
    stored_profile(request, user_id, contact_id).delete()
    return {"deleted": True}


@router.post(
    "/flirty/style/learn", response={200: dict, 422: ErrorOut}, summary="Learn a creator style"
)
def learn_creator(request: HttpRequest, payload: CreatorLearnIn):
    samples = [sample for sample in payload.samples if sample.strip()]
    if not samples:
        raise HttpError(422, "samples: every sample is blank")
    style = learn_creator_style(payload.creator_id, samples)
    CreatorStyle.objects.update_or_create(
        workspace=request.auth,  # type: ignore[attr-defined]
        creator_id=payload.creator_id,
        defaults={"profile": style.to_dict()},
    )
    return style.to_dict()


@router.post("/flirty/style/apply", response=dict[str, Any], summary="Say it the creator's way")
def apply_creator(request: HttpRequest, payload: CreatorApplyIn):
    row = CreatorStyle.objects.filter(
        workspace=request.auth,  # type: ignore[attr-defined]
        creator_id=payload.creator_id,
    ).first()
    if row is None:  # seed 002 answers with profile_applied false rather than an error
        return {"original": payload.text, "styled": payload.text, "profile_applied": False}
    style = CreatorStyleData.from_dict(row.profile)
    return {
        "original": payload.text,
        "styled": apply_creator_style(payload.text, style),
        "profile_applied": True,
    }


@router.get(
    "/flirty/style/{creator_id}", response={200: dict, 404: ErrorOut}, summary="A creator style"
)
def get_creator_style(request: HttpRequest, creator_id: str):
    refuse_unstorable_path(creator_id=creator_id)
    row = CreatorStyle.objects.filter(workspace=request.auth, creator_id=creator_id).first()  # type: ignore[attr-defined]
    if row is None:
        raise HttpError(404, f"no style learned for creator {creator_id!r}")
    return row.profile

"""A workspace's share of the model server, so one tenant's flood is never another's wait.

Two budgets per workspace, each counted in Redis over a sliding minute (core.ratelimit)
and shared by every web and worker process:

- calls someone waits on: the API's model routes (/api/chat, /api/suggestions,
  /api/generate, /api/style/apply with use_llm) and an operator's regenerate.
  LLM_RATE_PER_MINUTE; past it the caller gets 429 with `QuotaSpent`'s message;
- the drafting pipeline's model calls for inbound messages (each batch of samples is one
  call): LLM_DRAFTS_PER_MINUTE, larger, since every inbound message is drafted. Past it the
  workspace's drafts come from the reply library and the journey's lines, as with no model
  configured: nothing fails and no conversation is ended for it. Its drafts also go to
  the back of the llm queue (conversations.presence), so a tenant's flood of inbound
  messages does not make another tenant's drafts wait.

A call through /api/chat or regenerate uses both: the request from the first, the drafts
it makes from the second.
"""

from __future__ import annotations

from django.conf import settings

from core import ratelimit


class QuotaSpent(Exception):
    """The workspace used its model budget for this minute; the message says which."""


def calls_bucket(workspace_id: int) -> str:
    return f"llm:{workspace_id}"


def drafts_bucket(workspace_id: int) -> str:
    return f"llm-drafts:{workspace_id}"


def spend_call(workspace_id: int) -> None:
    """Count one model call someone waits on; QuotaSpent when the minute's budget is used."""
    limit = settings.LLM_RATE_PER_MINUTE
    if not ratelimit.allow(calls_bucket(workspace_id), limit):
        raise QuotaSpent(
            f"model quota spent: this workspace may make {limit} model calls a minute "
            "(LLM_RATE_PER_MINUTE); try again in a minute"
        )


def allow_draft(workspace_id: int) -> bool:
    """Count one drafting call; False when the workspace's drafting budget is used."""
    return ratelimit.allow(drafts_bucket(workspace_id), settings.LLM_DRAFTS_PER_MINUTE)


def drafts_spent(workspace_id: int) -> bool:
    """Whether the workspace used its drafting budget this minute (spends nothing)."""
    return ratelimit.used(drafts_bucket(workspace_id)) >= settings.LLM_DRAFTS_PER_MINUTE


def drafts_spent_note() -> str:
    return (
        f"model budget spent: {settings.LLM_DRAFTS_PER_MINUTE} drafting calls a minute per "
        "workspace (LLM_DRAFTS_PER_MINUTE); options came from the library and the journey"
    )


def capped_max_tokens(requested: int) -> int:
    """What a sampling request may ask for at most, whoever set it (an API caller, a
    campaign's prompt config): the server's cap, LLM_MAX_TOKENS_CAP."""
    return min(requested, settings.LLM_MAX_TOKENS_CAP)

"""Seed 003's CampaignPromptConfig: per-campaign prompt settings, stored as JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class CampaignPromptConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system_prompt_override: str | None = Field(None, max_length=8000)
    greeting_override: str | None = Field(None, max_length=1000)
    compliance_text: str | None = Field(None, max_length=2000)  # legal disclaimers
    tools_context: str | None = Field(None, max_length=4000)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(None, ge=1, le=4096)
    response_style: str = Field("conversational", max_length=40)
    language: str = Field("en", min_length=2, max_length=10)
    max_sentences: int = Field(2, ge=1, le=20)
    context_variables: dict[str, str] = Field(default_factory=dict)


def prompt_config_problems(data: Any) -> list[str]:
    """Every problem with a stored config, as 'field: message' sentences."""
    try:
        CampaignPromptConfig.model_validate(data if data is not None else {})
    except ValidationError as exc:
        return [
            f"{'.'.join(str(p) for p in error['loc']) or 'config'}: {error['msg']}"
            for error in exc.errors()
        ]
    return []

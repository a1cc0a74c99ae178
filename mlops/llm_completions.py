"""Raw-prompt completions (POST /v1/completions), as seed 002's /generate takes them: the
text, the tokens spent, and how sure the model was of its own words, computed from the
token log-probabilities the server returns (never a number the model writes about itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend


@dataclass(frozen=True)
class TextCompletion:
    text: str
    tokens_used: int
    # exp(mean token log-probability): how sure the model was of its own words.
    confidence: float | None


def complete_prompt(
    backend: OpenAICompatibleBackend, prompt: str, params: GenerationParams, timeout: float
) -> TextCompletion:
    """A raw-prompt completion (POST /v1/completions), as seed 002's /generate takes."""
    body: dict[str, Any] = {
        "model": params.model or backend.default_model,
        "prompt": prompt,
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "repetition_penalty": params.repeat_penalty,
        "repeat_penalty": params.repeat_penalty,
        "logprobs": 1,
    }
    if params.seed is not None:
        body["seed"] = params.seed
    if params.stop:
        body["stop"] = list(params.stop)
    data = backend.post("/v1/completions", body, timeout)
    try:
        choice = data["choices"][0]
        usage = data.get("usage") or {}
        return TextCompletion(
            str(choice["text"]),
            int(usage.get("completion_tokens") or 0),
            mean_probability((choice.get("logprobs") or {}).get("token_logprobs")),
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise LLMError(f"{backend.name} broke the protocol: {exc!r}") from exc


def mean_probability(logprobs: list[float | None] | None) -> float | None:
    values = [float(v) for v in logprobs or [] if v is not None]
    if not values:
        return None
    return round(math.exp(sum(values) / len(values)), 3)

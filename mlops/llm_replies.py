"""Reply options from an LLM: n samples of one JSON object each, parsed strictly, guarded.

Also the two things that keep a dead or slow model server from stalling operators: a
Redis cache of completions (seed 002: the key is a hash of the prompt and the sampling
parameters) and a circuit breaker shared by every worker.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

import redis

from mlops.generation import ReplyOption
from mlops.guardrails import Rules, guard
from mlops.llm import GenerationParams, LLMBackend, LLMError, Message
from mlops.prompts import REPLY_SCHEMA, THEMES

CACHE_PREFIX = "llm:cache:"
# An option's confidence until the reply ranker gives it one (conversations.ranking): the
# model is never asked how sure it is, since what it would write is not a measurement.
UNRANKED = 0.0


class NoValidReply(LLMError):
    """The model answered, but nothing it said passed parsing and the guardrails."""


def parse_option(raw: str, themes: Sequence[str] = THEMES) -> dict | None:
    """The reply object, or None when the text is not exactly what the schema asks for."""
    try:
        data = json.loads(raw.strip())
    except (json.JSONDecodeError, AttributeError):
        return None
    if not isinstance(data, dict):
        return None
    text, theme, descriptor = data.get("text"), data.get("theme"), data.get("descriptor")
    if not (isinstance(text, str) and isinstance(descriptor, str)):
        return None
    # "..." and the like: the schema's shape with nothing said in it.
    if not any(char.isalnum() for char in text):
        return None
    if theme not in themes:
        return None
    # A "confidence" the model adds anyway (an older prompt asked for one) is ignored.
    return {"text": text, "theme": theme, "descriptor": descriptor.strip()[:40]}


def schema_for(themes: Sequence[str]) -> dict:
    """REPLY_SCHEMA with the theme restricted to the ones asked for."""
    properties = {**REPLY_SCHEMA["properties"], "theme": {"type": "string", "enum": list(themes)}}
    return {**REPLY_SCHEMA, "properties": properties}


def words(text: str) -> set[str]:
    return {w.strip(".,!?…'\"").lower() for w in text.split()} - {""}


def quality_score(reply: str, raw_text: str, customer_message: str) -> float:
    """Share of simple checks passed: kept whole, short enough, not parroting the contact."""
    echo = words(reply) & words(customer_message)
    parroting = len(echo) / max(len(words(reply)), 1) > 0.7
    checks = [reply == " ".join(raw_text.split()), 0 < len(reply) <= 200, not parroting]
    return round(sum(checks) / len(checks), 2)


@dataclass(frozen=True)
class Generated:
    options: list[ReplyOption]
    dropped: list[str]  # why the other samples were not kept
    cached: bool


def generate_options(
    complete: CompletionFn,
    messages: Sequence[Message],
    params: GenerationParams,
    rules: Rules,
    customer_message: str,
    count: int,
    themes: Sequence[str] | None = None,
) -> Generated:
    """n samples -> the options that parse and pass the guardrails, without duplicates."""
    allowed = tuple(themes or THEMES)
    schema = schema_for(allowed)
    texts, cached = complete(messages, replace(params, n=count, json_schema=schema))
    options: list[ReplyOption] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for raw in texts:
        parsed = parse_option(raw, allowed)
        if parsed is None:
            dropped.append("not the JSON the schema asks for")
            continue
        reply, reason = guard(parsed["text"], rules)
        if reason:
            dropped.append(reason)
            continue
        if reply.lower() in seen:
            dropped.append("duplicate")
            continue
        seen.add(reply.lower())
        options.append(
            ReplyOption(
                reply,
                parsed["theme"],
                parsed["descriptor"],
                UNRANKED,
                quality_score(reply, parsed["text"], customer_message),
            )
        )
    if not options:
        raise NoValidReply("no sample passed parsing and guardrails: " + "; ".join(dropped))
    return Generated(options, dropped, cached)


class CompletionFn:
    """backend.complete with the Redis cache in front: (texts, came_from_cache)."""

    def __init__(
        self,
        backend: LLMBackend,
        client: redis.Redis | None,
        timeout: float,
        namespace: str = "",
        ttl_seconds: int = 3600,
        use_cache: bool = True,
    ) -> None:
        self.backend, self.client, self.timeout = backend, client, timeout
        self.namespace, self.ttl, self.use_cache = namespace, ttl_seconds, use_cache

    def __call__(
        self, messages: Sequence[Message], params: GenerationParams
    ) -> tuple[list[str], bool]:
        key = cache_key(messages, params, self.namespace)
        if self.client is not None and self.use_cache:
            hit = self.client.get(key)
            if hit is not None:
                return json.loads(hit), True
        texts = self.backend.complete(messages, params, self.timeout)
        # A TTL of 0 means no cache at all (Redis refuses an expiry of 0 outright).
        if self.client is not None and self.ttl > 0:
            self.client.set(key, json.dumps(texts), ex=self.ttl)
        return texts, False


def delete_cached(client: redis.Redis, prefix: str, pattern: str = "*") -> int:
    """Drop cached completions whose key is `prefix` + a Redis glob `pattern`."""
    keys = list(client.scan_iter(match=prefix + pattern, count=500))
    return int(client.delete(*keys)) if keys else 0


def cache_key(messages: Sequence[Message], params: GenerationParams, namespace: str = "") -> str:
    """Deterministic: the same prompt and sampling parameters give the same key."""
    payload = json.dumps(
        {"messages": list(messages), **params.cache_fields(), "schema": params.json_schema},
        sort_keys=True,
        ensure_ascii=False,
    )
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return f"{CACHE_PREFIX}{namespace}:{digest}" if namespace else f"{CACHE_PREFIX}{digest}"


class CircuitBreaker:
    """Shared by every worker through Redis: after `threshold` failures within `window`
    seconds the circuit opens for `cooldown` seconds, and callers go straight to their
    fallback instead of waiting on a dead server. The first call after the cooldown is a
    trial: one more failure opens it again at once."""

    def __init__(
        self,
        client: redis.Redis,
        name: str = "llm",
        threshold: int = 3,
        window: int = 60,
        cooldown: int = 30,
    ) -> None:
        self.client, self.threshold = client, threshold
        self.window, self.cooldown = window, cooldown
        self.failures_key = f"circuit:{name}:failures"
        self.open_key = f"circuit:{name}:open"
        self.tripped_key = f"circuit:{name}:tripped"

    def allows(self) -> bool:
        return not self.client.exists(self.open_key)

    def is_open(self) -> bool:
        return not self.allows()

    def record_success(self) -> None:
        self.client.delete(self.failures_key, self.tripped_key)

    def record_failure(self) -> None:
        failures = self.client.incr(self.failures_key)
        if failures == 1:
            self.client.expire(self.failures_key, self.window)
        if failures >= self.threshold or self.client.exists(self.tripped_key):
            self.client.set(self.open_key, 1, ex=self.cooldown)
            self.client.set(self.tripped_key, 1, ex=self.cooldown + self.window)
            self.client.delete(self.failures_key)

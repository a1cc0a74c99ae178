"""HMAC-SHA256 signatures over "timestamp.body", for webhooks in both directions."""

from __future__ import annotations

import hashlib
import hmac
import time


class BadSignature(Exception):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    tolerance_seconds: int,
    now: float | None = None,
) -> None:
    """Raise BadSignature unless the signature matches and the timestamp is fresh."""
    if not timestamp or not signature:
        raise BadSignature("missing X-Webhook-Timestamp or X-Webhook-Signature header")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise BadSignature("X-Webhook-Timestamp must be Unix seconds") from None
    now = time.time() if now is None else now
    if abs(now - sent_at) > tolerance_seconds:
        raise BadSignature("timestamp outside the allowed window (stale or replayed)")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise BadSignature("signature does not match")

"""Signed webhooks in both directions.

Standard Webhooks (https://www.standardwebhooks.com), the default: headers `webhook-id`,
`webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64 part of a `whsec_`
secret. Any one matching signature is enough, so a sender can sign with an old and a new
secret while it rotates.

Legacy, for workspaces whose senders predate it (`webhook_scheme == "legacy"`):
`X-Webhook-Timestamp` and `X-Webhook-Signature: sha256=HEX(HMAC-SHA256(secret,
"timestamp.body"))`, keyed with the secret string as it is.

Which headers a request carries decides how it is read; whether it is accepted depends on
the workspace's scheme and secrets. An unknown workspace goes through the same checks with a
random key, so it answers exactly like a workspace whose signature does not match.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.models import Workspace, new_webhook_secret

STANDARD = "standard"
LEGACY = "legacy"
SECRET_PREFIX = "whsec_"
# A webhook-id is an opaque token the sender picks (`msg_2KWPBgLlAfxdpx2AI54pPJ85f4W`);
# bounded and printable because it is signed, stored and echoed.
MAX_WEBHOOK_ID = 200
MISSING_ALL = (
    "missing webhook-id, webhook-timestamp and webhook-signature headers (Standard Webhooks; "
    "workspaces on the legacy scheme send X-Webhook-Timestamp and X-Webhook-Signature)"
)
# Stands in for the secret of a workspace that does not exist or does not use the scheme
# the request was signed with: the HMAC is still computed, and never matches.
_DECOY_KEY = secrets.token_bytes(32)


class BadSignature(Exception):
    pass


@dataclass(frozen=True)
class Verified:
    scheme: str
    webhook_id: str | None  # the idempotency key; the legacy scheme has none


# -- keys and secrets -------------------------------------------------------------------


def standard_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_` secret, decoded as the reference libraries do."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded + "==")
    except (binascii.Error, ValueError):
        return _DECOY_KEY  # a broken stored secret verifies nothing


def inbound_secrets(workspace: Workspace, now: datetime.datetime | None = None) -> list[str]:
    """The current inbound secret, and the previous one while its overlap lasts."""
    return live_secrets(
        workspace.webhook_secret,
        workspace.previous_webhook_secret,
        workspace.previous_webhook_secret_expires_at,
        now,
    )


def outbound_secrets(workspace: Workspace, now: datetime.datetime | None = None) -> list[str]:
    """The secrets an outbound delivery is signed with: the current one first, and the
    previous one while its overlap lasts, so receivers holding either verify."""
    return live_secrets(
        workspace.outbound_webhook_secret,
        workspace.previous_outbound_webhook_secret,
        workspace.previous_outbound_webhook_secret_expires_at,
        now,
    )


def live_secrets(
    current: str,
    previous: str,
    previous_expires_at: datetime.datetime | None,
    now: datetime.datetime | None = None,
) -> list[str]:
    now = now or timezone.now()
    found = [current]
    if previous and previous_expires_at is not None and previous_expires_at > now:
        found.append(previous)
    return [secret for secret in found if secret]


def rotate_inbound_secret(workspace: Workspace, overlap: datetime.timedelta) -> str:
    """A new inbound secret, returned once; the old one is still accepted for `overlap`."""
    return rotate(workspace, "webhook_secret", "previous_webhook_secret", overlap)


def rotate_outbound_secret(
    workspace: Workspace, overlap: datetime.timedelta = datetime.timedelta(hours=24)
) -> str:
    """A new secret for our outbound deliveries, returned once. For `overlap` deliveries
    carry a signature with the old secret too, so a receiver that has not switched yet
    keeps verifying them (legacy-scheme workspaces: the new secret only, one signature)."""
    return rotate(workspace, "outbound_webhook_secret", "previous_outbound_webhook_secret", overlap)


@transaction.atomic
def rotate(
    workspace: Workspace, current_field: str, previous_field: str, overlap: datetime.timedelta
) -> str:
    """Replace the secret in `current_field`, keeping the old one in `previous_field` (and
    its expiry in `previous_field`_expires_at) for `overlap`; a zero overlap drops it.
    A secret already in its overlap is dropped: at most two secrets are ever live."""
    locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
    expires_field = previous_field + "_expires_at"
    keep_old = overlap > datetime.timedelta(0)
    new_secret = new_webhook_secret()
    setattr(workspace, previous_field, getattr(locked, current_field) if keep_old else "")
    setattr(workspace, expires_field, timezone.now() + overlap if keep_old else None)
    setattr(workspace, current_field, new_secret)
    workspace.save(update_fields=[current_field, previous_field, expires_field])
    return new_secret


# -- Standard Webhooks -------------------------------------------------------------------


def sign_standard(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def standard_headers(secrets_: list[str], webhook_id: str, body: bytes) -> dict[str, str]:
    """The headers of one signed event: a space-separated v1 signature per secret."""
    timestamp = str(int(time.time()))
    signatures = [sign_standard(secret, webhook_id, timestamp, body) for secret in secrets_]
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": " ".join(signatures),
    }


def verify_standard(
    keys: list[bytes],
    webhook_id: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    tolerance_seconds: int,
    now: float | None = None,
) -> None:
    """Raise BadSignature unless one listed v1 signature matches one key, in time."""
    if not webhook_id or not timestamp or not signature:
        raise BadSignature("missing webhook-id, webhook-timestamp or webhook-signature header")
    if not printable_ascii(webhook_id) or len(webhook_id) > MAX_WEBHOOK_ID:
        raise BadSignature(f"webhook-id must be 1 to {MAX_WEBHOOK_ID} printable ASCII characters")
    check_timestamp(timestamp, "webhook-timestamp", tolerance_seconds, now)
    offered = listed_signatures(signature)
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    expected = [hmac.new(key, signed, hashlib.sha256).digest() for key in keys]
    # Every pair is compared, matched or not, so the time taken says nothing about which.
    matches = [hmac.compare_digest(mac, digest) for mac in offered for digest in expected]
    if not any(matches):
        raise BadSignature("signature does not match")


def listed_signatures(header: str) -> list[bytes]:
    """The v1 digests of a `webhook-signature` header. Other versions (v1a: asymmetric) are
    skipped; a header with no well-formed v1 entry is refused as malformed."""
    if not (header.isascii() and header.isprintable()):
        raise BadSignature("malformed webhook-signature header: ASCII only")
    digests = []
    for entry in header.split():
        version, _, encoded = entry.partition(",")
        if version != "v1":
            continue
        try:
            digest = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(digest) == hashlib.sha256().digest_size:
            digests.append(digest)
    if not digests:
        raise BadSignature(
            "malformed webhook-signature header: expected space-separated v1,<base64 HMAC-SHA256>"
        )
    return digests


# -- legacy scheme -------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The legacy signature: `sha256=` and the hex HMAC of "timestamp.body"."""
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
    """Raise BadSignature unless the legacy signature matches and the timestamp is fresh."""
    verify_legacy([secret], timestamp, signature, body, tolerance_seconds, now)


def verify_legacy(
    secrets_: list[str],
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    tolerance_seconds: int,
    now: float | None = None,
) -> None:
    if not timestamp or not signature:
        raise BadSignature("missing X-Webhook-Timestamp or X-Webhook-Signature header")
    check_timestamp(timestamp, "X-Webhook-Timestamp", tolerance_seconds, now)
    # compare_digest raises TypeError on non-ASCII text: compare bytes, malformed never match.
    offered = signature.encode("utf-8", "surrogateescape")
    expected = [sign(secret, timestamp, body).encode() for secret in secrets_]
    if not any([hmac.compare_digest(offered, each) for each in expected]):
        raise BadSignature("signature does not match")


# -- shared --------------------------------------------------------------------------------


def printable_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable() and " " not in text


def check_timestamp(
    timestamp: str, header: str, tolerance_seconds: int, now: float | None = None
) -> None:
    # int() alone would take " 12", "1_2" and non-ASCII digits; Unix seconds are [0-9]+.
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise BadSignature(f"{header} must be Unix seconds")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > tolerance_seconds:
        raise BadSignature("timestamp outside the allowed window (stale or replayed)")


def secrets_for(workspace: Workspace | None, scheme: str) -> list[str]:
    """The workspace's inbound secrets if it signs with `scheme`, else none."""
    if workspace is None or workspace.webhook_scheme != scheme:
        return []
    return inbound_secrets(workspace)


def verify_inbound(
    workspace: Workspace | None,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_seconds: int,
) -> Verified:
    """Check a webhook request for `workspace` (None: no such workspace) or raise
    BadSignature. The reason given depends only on the request, never on the workspace."""
    if any(name in headers for name in ("webhook-id", "webhook-timestamp", "webhook-signature")):
        keys = [standard_key(s) for s in secrets_for(workspace, STANDARD)] or [_DECOY_KEY]
        webhook_id = headers.get("webhook-id")
        verify_standard(
            keys,
            webhook_id,
            headers.get("webhook-timestamp"),
            headers.get("webhook-signature"),
            body,
            tolerance_seconds,
        )
        return Verified(STANDARD, webhook_id)
    if "X-Webhook-Timestamp" in headers or "X-Webhook-Signature" in headers:
        verify_legacy(
            secrets_for(workspace, LEGACY) or [_DECOY_KEY.hex()],
            headers.get("X-Webhook-Timestamp"),
            headers.get("X-Webhook-Signature"),
            body,
            tolerance_seconds,
        )
        return Verified(LEGACY, None)
    raise BadSignature(MISSING_ALL)

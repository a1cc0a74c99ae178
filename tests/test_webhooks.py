"""The legacy scheme of signed inbound webhooks, for workspaces whose senders predate
Standard Webhooks (webhook_scheme "legacy"): HMAC-SHA256 over "timestamp.body" in
X-Webhook-Signature, refused unless fresh and exact. Standard Webhooks, the default, is in
tests/test_standard_webhooks.py."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conversations.models import Contact, Conversation, Message
from conversations.signing import BadSignature, rotate_inbound_secret, sign, verify
from core.models import Workspace
from tests.conftest import message_body

URL = "/api/webhooks/acme/messages"
TOLERANCE = settings.WEBHOOK_TOLERANCE_SECONDS


@pytest.fixture
def workspace(workspace: Workspace) -> Workspace:
    """A workspace that existed before Standard Webhooks, with a hex secret."""
    workspace.webhook_scheme = "legacy"
    workspace.webhook_secret = "3f" * 32
    workspace.save(update_fields=["webhook_scheme", "webhook_secret"])
    return workspace


def stored_counts() -> tuple[int, int, int]:
    return Message.objects.count(), Contact.objects.count(), Conversation.objects.count()


def encode(body: dict) -> bytes:
    return json.dumps(body).encode()


def without(field: str) -> dict:
    body = message_body()
    del body[field]
    return body


def deliver(
    body: bytes, timestamp: str | None = None, signature: str | None = None, url: str = URL
):
    headers = {}
    if timestamp is not None:
        headers["X-Webhook-Timestamp"] = timestamp
    if signature is not None:
        headers["X-Webhook-Signature"] = signature
    # A server error should show as a status code in the assertion, not as a raised exception.
    client = Client(raise_request_exception=False)
    return client.post(url, body, content_type="application/json", headers=headers)


def deliver_signed(secret: str, body: bytes, timestamp: int | None = None, url: str = URL):
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return deliver(body, ts, sign(secret, ts, body), url)


@pytest.mark.django_db
def test_it_stores_a_correctly_signed_message(workspace, persona):
    response = deliver_signed(workspace.webhook_secret, encode(message_body(channel="webhook")))

    assert response.status_code == 201
    body = response.json()
    assert body["seq"] == 1
    assert body["duplicate"] is False
    message = Message.objects.get(pk=body["message_id"])
    assert message.workspace == workspace
    assert message.channel == "webhook"
    assert message.text == "hey, love your pics!"


@pytest.mark.django_db
def test_it_answers_a_signed_redelivery_as_a_duplicate(workspace, persona):
    body = encode(message_body())
    first = deliver_signed(workspace.webhook_secret, body)
    again = deliver_signed(workspace.webhook_secret, body)

    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert Message.objects.count() == 1


BODY_SENT = encode(message_body())


def signed_at(offset: int):
    """An attempt signed correctly, but `offset` seconds away from now."""

    def attempt(secret: str, now: int):
        ts = str(now + offset)
        return deliver(BODY_SENT, ts, sign(secret, ts, BODY_SENT))

    return attempt


# Each attempt gets the workspace secret and the current time, and delivers BODY_SENT badly.
REFUSED = [
    pytest.param(lambda secret, now: deliver(BODY_SENT), "missing", id="no headers"),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, timestamp=str(now)),
        "missing",
        id="no signature header",
    ),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, signature=sign(secret, str(now), BODY_SENT)),
        "missing",
        id="no timestamp header",
    ),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, str(now), sign("not-it", str(now), BODY_SENT)),
        "does not match",
        id="signed with another secret",
    ),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, str(now), "sha256=" + "0" * 64),
        "does not match",
        id="wrong signature",
    ),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, str(now), sign(secret, str(now), BODY_SENT)[7:]),
        "does not match",
        id="signature without sha256= prefix",
    ),
    pytest.param(signed_at(-TOLERANCE - 30), "window", id="stale timestamp"),
    pytest.param(signed_at(TOLERANCE + 30), "window", id="future timestamp"),
    pytest.param(
        lambda secret, now: deliver(
            encode(message_body(text="tampered")), str(now), sign(secret, str(now), BODY_SENT)
        ),
        "does not match",
        id="body tampered after signing",
    ),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, str(now + 1), sign(secret, str(now), BODY_SENT)),
        "does not match",
        id="timestamp changed after signing",
    ),
    pytest.param(
        lambda secret, now: deliver(BODY_SENT, "yesterday", sign(secret, "yesterday", BODY_SENT)),
        "Unix seconds",
        id="timestamp not in unix seconds",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("attempt", "reason"), REFUSED)
def test_it_refuses_a_badly_signed_delivery_with_401(workspace, persona, attempt, reason):
    before = stored_counts()

    response = attempt(workspace.webhook_secret, int(time.time()))

    assert response.status_code == 401
    assert reason in response.json()["detail"]
    assert stored_counts() == before


@pytest.mark.django_db
def test_it_refuses_a_signature_made_with_another_workspace_secret(
    workspace, other_workspace, persona
):
    response = deliver_signed(other_workspace.webhook_secret, encode(message_body()))

    assert response.status_code == 401
    assert Message.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param(encode(message_body(text="")), "text", id="empty text"),
        pytest.param(encode(message_body(channel="Bad Channel")), "channel", id="bad channel"),
        pytest.param(encode(without("text")), "text", id="missing text"),
        pytest.param(encode({"channel": "api"}), "external_id", id="only a channel"),
        pytest.param(encode(message_body(persona="Nobody")), "Nobody", id="unknown persona"),
        pytest.param(b'{"channel": ', "", id="not json"),
    ],
)
def test_it_refuses_a_signed_but_invalid_body_with_422(workspace, persona, body, named):
    before = stored_counts()

    response = deliver_signed(workspace.webhook_secret, body)

    assert response.status_code == 422
    assert response.json()["detail"]
    assert named in response.json()["detail"]
    assert stored_counts() == before


@pytest.mark.django_db
def test_nul_character_bug_in_a_signed_body_or_the_slug_is_a_422_not_a_500(workspace, persona):
    # Found by tests/test_api_fuzz.py: PostgreSQL text cannot hold NUL (U+0000).
    before = stored_counts()

    in_body = deliver_signed(workspace.webhook_secret, encode(message_body(text="hi\x00")))
    in_slug = deliver_signed(
        workspace.webhook_secret, encode(message_body()), url="/api/webhooks/acme%00/messages"
    )

    assert in_body.status_code == 422
    assert in_body.json()["detail"].startswith("text: ")
    assert in_slug.status_code == 422
    assert in_slug.json()["detail"].startswith("workspace_slug: ")
    assert stored_counts() == before


@pytest.mark.django_db
def test_an_unknown_workspace_is_answered_exactly_like_a_bad_signature(workspace, persona):
    # Before: 404 for an unknown slug and 401 for a known one, which told which slugs exist.
    before = stored_counts()
    body = encode(message_body())

    to_nobody = deliver_signed(workspace.webhook_secret, body, url="/api/webhooks/nope/messages")
    with_wrong_secret = deliver_signed("not-it", body)

    assert to_nobody.status_code == with_wrong_secret.status_code == 401
    assert to_nobody.content == with_wrong_secret.content
    assert stored_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signature",
    [
        pytest.param("sha256=" + "é" * 64, id="non-ASCII hex"),
        pytest.param("sha256=\u2603", id="a snowman"),
        pytest.param("sha256", id="no digest"),
        pytest.param("v1,AAAA", id="a standard signature"),
    ],
)
def test_a_malformed_signature_header_is_a_401_not_a_500(workspace, persona, signature):
    # Before: compare_digest raised TypeError on non-ASCII text, and the sender got a 500.
    before = stored_counts()

    response = deliver(BODY_SENT, str(int(time.time())), signature)

    assert response.status_code == 401
    assert "does not match" in response.json()["detail"]
    assert stored_counts() == before


@pytest.mark.django_db
def test_the_previous_secret_is_accepted_during_its_overlap_only(workspace, persona):
    old = workspace.webhook_secret
    new = rotate_inbound_secret(workspace, datetime.timedelta(minutes=10))
    first, second = encode(message_body(external_id="m-1")), encode(message_body(external_id="m-2"))

    assert deliver_signed(old, first).status_code == 201
    assert deliver_signed(new, second).status_code == 201
    workspace.previous_webhook_secret_expires_at = timezone.now()
    workspace.save(update_fields=["previous_webhook_secret_expires_at"])
    assert deliver_signed(old, encode(message_body(external_id="m-3"))).status_code == 401
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_it_needs_no_api_key(workspace, persona):
    response = deliver_signed(workspace.webhook_secret, encode(message_body()))

    assert response.status_code == 201


# signing.verify on its own

SECRET = "s3cret"
BODY = b'{"hello": "world"}'
NOW = 1_700_000_000


def test_verify_accepts_a_fresh_exact_signature():
    verify(SECRET, str(NOW), sign(SECRET, str(NOW), BODY), BODY, 300, now=NOW)


@pytest.mark.parametrize("skew", [-300, 300])
def test_verify_accepts_a_timestamp_at_the_edge_of_the_window(skew):
    ts = str(NOW + skew)
    verify(SECRET, ts, sign(SECRET, ts, BODY), BODY, 300, now=NOW)


def test_sign_is_hex_sha256_with_a_prefix():
    signature = sign(SECRET, str(NOW), BODY)

    assert signature.startswith("sha256=")
    assert len(signature) == len("sha256=") + 64
    assert signature == sign(SECRET, str(NOW), BODY)
    assert signature != sign(SECRET, str(NOW + 1), BODY)


@pytest.mark.parametrize(
    ("timestamp", "signature", "body", "message"),
    [
        pytest.param(None, sign(SECRET, str(NOW), BODY), BODY, "missing", id="no timestamp"),
        pytest.param(str(NOW), None, BODY, "missing", id="no signature"),
        pytest.param("", sign(SECRET, "", BODY), BODY, "missing", id="empty timestamp"),
        pytest.param("soon", sign(SECRET, "soon", BODY), BODY, "Unix seconds", id="not a number"),
        pytest.param(
            str(NOW - 301), sign(SECRET, str(NOW - 301), BODY), BODY, "window", id="stale"
        ),
        pytest.param(
            str(NOW + 301), sign(SECRET, str(NOW + 301), BODY), BODY, "window", id="future"
        ),
        pytest.param(
            str(NOW), sign("other", str(NOW), BODY), BODY, "does not match", id="wrong secret"
        ),
        pytest.param(
            str(NOW), sign(SECRET, str(NOW), BODY), BODY + b" ", "does not match", id="tampered"
        ),
        pytest.param(
            str(NOW),
            sign(SECRET, str(NOW), BODY).upper(),
            BODY,
            "does not match",
            id="altered signature",
        ),
    ],
)
def test_verify_refuses(timestamp, signature, body, message):
    with pytest.raises(BadSignature, match=message):
        verify(SECRET, timestamp, signature, body, 300, now=NOW)

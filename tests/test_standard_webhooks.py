"""Inbound webhooks by Standard Webhooks, signed by the `standardwebhooks` package (a client
no one here wrote): webhook-id as the idempotency key, several signatures for rotation, the
previous secret during its overlap only, malformed headers refused with 401 (never a 500),
and an unknown workspace answered exactly like a bad signature."""

from __future__ import annotations

import datetime
import json
import time

import httpx
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from conversations.models import Contact, Conversation, Message
from conversations.signing import rotate_inbound_secret, rotate_outbound_secret, sign
from core.models import new_webhook_secret
from tests.conftest import message_body

URL = "/api/webhooks/acme/messages"
TOLERANCE = settings.WEBHOOK_TOLERANCE_SECONDS
BODY = json.dumps(message_body(channel="webhook")).encode()


def stored_counts() -> tuple[int, int, int]:
    return Message.objects.count(), Contact.objects.count(), Conversation.objects.count()


def at(offset_seconds: float = 0) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=offset_seconds)


def signed(
    secret: str, body: bytes = BODY, msg_id: str = "msg_1", when: datetime.datetime | None = None
) -> dict[str, str]:
    """The three headers a Standard Webhooks sender sends, made by the reference package."""
    when = when or at()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body),
    }


def post(headers: dict[str, str], body: bytes = BODY, url: str = URL):
    # A server error should show as a status code in the assertion, not as a raised exception.
    client = Client(raise_request_exception=False)
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_new_workspaces_use_the_standard_scheme_with_separate_whsec_secrets(workspace):
    assert workspace.webhook_scheme == "standard"
    assert workspace.webhook_secret.startswith("whsec_")
    assert workspace.outbound_webhook_secret.startswith("whsec_")
    assert workspace.webhook_secret != workspace.outbound_webhook_secret


@pytest.mark.django_db
def test_a_delivery_signed_by_the_reference_package_is_stored(workspace, persona):
    response = post(signed(workspace.webhook_secret))

    assert response.status_code == 201
    body = response.json()
    assert body["duplicate"] is False
    message = Message.objects.get(pk=body["message_id"])
    assert (message.workspace, message.channel, message.text) == (
        workspace,
        "webhook",
        "hey, love your pics!",
    )


@pytest.mark.django_db
def test_a_redelivery_with_the_same_webhook_id_stores_nothing_new(workspace, persona):
    first = post(signed(workspace.webhook_secret, msg_id="msg_a"))
    # A sender's retry: same id, a later timestamp and so a new signature.
    retry = post(signed(workspace.webhook_secret, msg_id="msg_a", when=at(60)))
    # Even a body that names another message is the same delivery under the same id.
    other_body = json.dumps(message_body(channel="webhook", external_id="msg-2")).encode()
    same_id = post(signed(workspace.webhook_secret, other_body, msg_id="msg_a"), other_body)

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json() == {**first.json(), "duplicate": True}
    assert same_id.status_code == 200
    assert same_id.json() == retry.json()
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_another_webhook_id_is_another_delivery(workspace, persona):
    other_body = json.dumps(message_body(channel="webhook", external_id="msg-2")).encode()

    first = post(signed(workspace.webhook_secret, msg_id="msg_a"))
    second = post(signed(workspace.webhook_secret, other_body, msg_id="msg_b"), other_body)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["seq"] == 2
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_body_does_not_use_up_its_webhook_id(workspace, persona):
    bad = json.dumps(message_body(persona="Nobody")).encode()

    refused = post(signed(workspace.webhook_secret, bad, msg_id="msg_a"), bad)
    fixed = post(signed(workspace.webhook_secret, msg_id="msg_a"))

    assert refused.status_code == 422
    assert "Nobody" in refused.json()["detail"]
    assert fixed.status_code == 201
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_any_one_listed_signature_is_enough(workspace, persona):
    headers = signed(workspace.webhook_secret)
    stranger = signed(new_webhook_secret())["webhook-signature"]
    headers["webhook-signature"] = (
        f"v1a,c29tZXRoaW5nIGVsc2U= {stranger} {headers['webhook-signature']}"
    )

    response = post(headers)

    assert response.status_code == 201


@pytest.mark.django_db
def test_during_rotation_the_old_secret_is_accepted_until_the_overlap_ends(workspace, persona):
    old = workspace.webhook_secret

    new = rotate_inbound_secret(workspace, datetime.timedelta(hours=1))

    workspace.refresh_from_db()
    assert new.startswith("whsec_") and new != old
    assert workspace.webhook_secret == new
    bodies = [json.dumps(message_body(external_id=f"m-{n}")).encode() for n in range(4)]
    with_old = post(signed(old, bodies[0], msg_id="msg_0"), bodies[0])
    with_new = post(signed(new, bodies[1], msg_id="msg_1"), bodies[1])
    assert (with_old.status_code, with_new.status_code) == (201, 201)

    # The overlap ends: only the new secret is left.
    workspace.previous_webhook_secret_expires_at = timezone.now() - datetime.timedelta(seconds=1)
    workspace.save(update_fields=["previous_webhook_secret_expires_at"])
    late_old = post(signed(old, bodies[2], msg_id="msg_2"), bodies[2])
    late_new = post(signed(new, bodies[3], msg_id="msg_3"), bodies[3])

    assert late_old.status_code == 401
    assert late_new.status_code == 201
    assert Message.objects.count() == 3


@pytest.mark.django_db
def test_a_sender_may_sign_with_both_secrets_while_it_switches(workspace, persona):
    old = workspace.webhook_secret
    new = rotate_inbound_secret(workspace, datetime.timedelta(0))  # no overlap at all
    when = at()
    headers = signed(new, when=when)
    headers["webhook-signature"] = (
        Webhook(old).sign("msg_1", when, BODY) + " " + headers["webhook-signature"]
    )

    assert post(signed(old)).status_code == 401
    assert post(headers).status_code == 201


@pytest.mark.django_db
def test_inbound_and_outbound_secrets_are_separate_and_rotate_apart(workspace, persona):
    inbound = workspace.webhook_secret

    outbound = rotate_outbound_secret(workspace)

    workspace.refresh_from_db()
    assert workspace.outbound_webhook_secret == outbound != inbound
    assert workspace.webhook_secret == inbound
    # Whoever holds our outbound secret (every receiver does) cannot post messages with it.
    assert post(signed(outbound)).status_code == 401
    assert post(signed(inbound)).status_code == 201


def now_seconds() -> str:
    return str(int(time.time()))


def good_signature(secret: str, msg_id: str = "msg_1", timestamp: str | None = None) -> str:
    ts = timestamp or now_seconds()
    return Webhook(secret).sign(
        msg_id, datetime.datetime.fromtimestamp(int(ts), datetime.UTC), BODY
    )


def altered(signature: str) -> str:
    """The same signature with its first base64 character changed: well-formed, wrong."""
    version, digest = signature.split(",")
    return f"{version},{'B' if digest[0] == 'A' else 'A'}{digest[1:]}"


# Each attempt gets the workspace secret and returns the headers to send with BODY.
MALFORMED = [
    pytest.param(lambda s: {}, "missing", id="no headers"),
    pytest.param(
        lambda s: {"webhook-id": "msg_1", "webhook-timestamp": now_seconds()},
        "missing",
        id="no signature header",
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-signature": "v1,é" + "A" * 43},
        "ASCII",
        id="non-ASCII signature",
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-id": "msg_é"},
        "printable ASCII",
        id="non-ASCII webhook-id",
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-signature": "sha256=" + "0" * 64},
        "malformed",
        id="legacy shape in a standard header",
    ),
    pytest.param(lambda s: {**signed(s), "webhook-signature": "v1"}, "malformed", id="no comma"),
    pytest.param(
        lambda s: {**signed(s), "webhook-signature": "v1,"}, "malformed", id="empty signature"
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-signature": "v1,!!not base64!!"},
        "malformed",
        id="bad base64",
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-signature": "v1,AAAA"},
        "malformed",
        id="base64 of the wrong length",
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-signature": altered(good_signature(s))},
        "does not match",
        id="altered signature",
    ),
    pytest.param(
        lambda s: {**signed(s), "webhook-timestamp": "\u0661\u0667" + "\u0660" * 8},
        "Unix seconds",
        id="non-ASCII digits in the timestamp",
    ),
    pytest.param(lambda s: signed(s, when=at(-TOLERANCE - 30)), "window", id="stale"),
    pytest.param(lambda s: signed(s, when=at(TOLERANCE + 30)), "window", id="future"),
    pytest.param(lambda s: {**signed(s), "webhook-id": "msg_2"}, "does not match", id="id changed"),
    pytest.param(lambda s: signed(new_webhook_secret()), "does not match", id="another secret"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("attempt", "reason"), MALFORMED)
def test_a_bad_or_malformed_signature_is_a_401_that_stores_nothing(
    workspace, persona, attempt, reason
):
    before = stored_counts()

    response = post(attempt(workspace.webhook_secret))

    assert response.status_code == 401
    assert reason in response.json()["detail"]
    assert stored_counts() == before


@pytest.mark.django_db
def test_a_standard_workspace_refuses_the_legacy_scheme(workspace, persona):
    ts = now_seconds()
    legacy = {
        "X-Webhook-Timestamp": ts,
        "X-Webhook-Signature": sign(workspace.webhook_secret, ts, BODY),
    }

    response = post(legacy)

    assert response.status_code == 401
    assert Message.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda s: signed(new_webhook_secret()), id="signed with another secret"),
        pytest.param(lambda s: {}, id="no headers"),
        pytest.param(lambda s: {**signed(s), "webhook-signature": "v1,é"}, id="malformed"),
        pytest.param(lambda s: signed(s, when=at(-TOLERANCE - 30)), id="stale"),
        pytest.param(
            lambda s: {"X-Webhook-Timestamp": now_seconds(), "X-Webhook-Signature": "sha256=00"},
            id="legacy headers",
        ),
    ],
)
def test_an_unknown_workspace_is_answered_exactly_like_a_bad_signature(workspace, persona, attempt):
    # The real workspace's own secret, sent to a slug that does not exist.
    to_nobody = post(attempt(workspace.webhook_secret), url="/api/webhooks/nope/messages")
    with_wrong_secret = post(attempt(new_webhook_secret()))

    assert to_nobody.status_code == with_wrong_secret.status_code == 401
    assert to_nobody.content == with_wrong_secret.content
    assert to_nobody["Content-Type"] == with_wrong_secret["Content-Type"]
    assert Message.objects.count() == 0


@pytest.mark.django_db
def test_the_api_documents_both_schemes():
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/webhooks/{workspace_slug}/messages"]["post"]

    assert "webhook-signature" in operation["description"]
    assert "X-Webhook-Signature" in operation["description"]
    assert "404" not in operation["responses"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(120)
def test_raw_non_ascii_header_bytes_on_the_real_server_are_a_401(asgi_server, workspace, persona):
    headers = signed(workspace.webhook_secret)
    raw = [(name.encode(), value.encode()) for name, value in headers.items()]
    raw = [(n, v) for n, v in raw if n != b"webhook-signature"]
    raw += [
        (b"webhook-signature", b"v1,\xff\xfe" + b"A" * 42),
        (b"content-type", b"application/json"),
    ]

    response = httpx.post(f"{asgi_server}{URL}", content=BODY, headers=raw, timeout=30)

    assert response.status_code == 401
    assert "ASCII" in response.json()["detail"]
    assert Message.objects.count() == 0

"""Outbound connectors: how an operator's reply leaves the building.

- channel "simulator": pushed onto a Redis list that `manage.py simulate` reads, so the
  simulated customer answers like a real one would.
- any other channel: POSTed as JSON to the workspace's outbound webhook URL, signed with the
  workspace's outbound secret (never the inbound one): Standard Webhooks headers, with a
  `webhook-id` that is the same for every retry of a message so the receiver can drop
  repeats; the legacy X-Webhook-* headers for workspaces on the legacy scheme. After the
  outbound secret is rotated, Standard Webhooks deliveries carry a signature with the old
  secret too until the overlap ends, so receivers can switch without rejecting any.

The URL is checked at every send (conversations.url_safety): loopback, private, link-local
and metadata addresses are refused unless the platform allows them, the connection goes to
the address that was checked, and redirects are never followed.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import redis
from django.conf import settings
from django.utils import timezone

from conversations import events, metrics
from conversations.models import Message
from conversations.signing import LEGACY, outbound_secrets, sign, standard_headers
from conversations.simulator import OUTBOX_KEY
from conversations.url_safety import CheckedTarget, UnresolvableHost, UnsafeUrl, checked_target
from core.models import Workspace
from core.redis import redis_client

SIMULATOR_CHANNEL = "simulator"


class DeliveryError(Exception):
    """A delivery that may succeed if tried again later."""


class NoConnector(Exception):
    """Nowhere to deliver: retrying will not help."""


class DeliveryRefused(NoConnector):
    """The URL is refused, or answers with a redirect: retrying will not help either."""


@dataclass(frozen=True)
class TestDelivery:
    """What a test event sent from the settings page met."""

    __test__ = False  # not a pytest test class, whatever its name

    ok: bool
    status_code: int | None
    detail: str


def simulator_outbox_key(workspace_id: int) -> str:
    return OUTBOX_KEY.format(workspace_id=workspace_id)


def outbound_payload(message: Message) -> dict:
    conversation = message.conversation
    return {
        "type": "message",
        "message_id": message.pk,
        "conversation_id": conversation.pk,
        "seq": message.seq,
        "channel": message.channel,
        "contact_external_id": conversation.contact.external_id,
        "persona": conversation.persona.name,
        "text": message.text,
    }


def send_to_simulator(message: Message) -> None:
    body = json.dumps(outbound_payload(message))
    try:
        redis_client().rpush(simulator_outbox_key(message.workspace_id), body)
    except redis.RedisError as exc:
        raise DeliveryError(str(exc)) from exc


def message_webhook_id(message: Message) -> str:
    """The same for every attempt at one message: the receiver's idempotency key."""
    return f"msg_{message.pk}"


def send_to_webhook(message: Message) -> None:
    try:
        response = post_event(
            message.workspace, outbound_payload(message), message_webhook_id(message)
        )
    except UnresolvableHost as exc:
        raise DeliveryError(str(exc)) from exc  # DNS may answer again later
    except UnsafeUrl as exc:
        raise DeliveryRefused(f"outbound webhook URL refused: {exc}") from exc
    except httpx.HTTPError as exc:
        raise DeliveryError(str(exc)) from exc
    if 300 <= response.status_code < 400:
        raise DeliveryRefused(redirect_detail(response))
    if response.status_code >= 400:
        raise DeliveryError(f"outbound webhook answered {response.status_code}")


def send_test_delivery(workspace: Workspace) -> TestDelivery:
    """POST a signed `{"type": "test"}` event to the workspace's outbound URL and say what
    happened, for the settings page's "send a test" button."""
    payload = {
        "type": "test",
        "workspace": workspace.slug,
        "sent_at": timezone.now().isoformat(),
        "text": "A test delivery from the operator dashboard.",
    }
    try:
        response = post_event(workspace, payload, "msg_test_" + secrets.token_hex(12))
    except NoConnector as exc:
        return TestDelivery(False, None, str(exc))
    except UnsafeUrl as exc:
        return TestDelivery(False, None, f"refused: {exc}")
    except httpx.HTTPError as exc:
        return TestDelivery(False, None, f"could not connect: {str(exc) or type(exc).__name__}")
    status = response.status_code
    if 300 <= status < 400:
        return TestDelivery(False, status, redirect_detail(response))
    if status >= 400:
        return TestDelivery(False, status, f"the receiver answered {status}")
    return TestDelivery(True, status, f"delivered: the receiver answered {status}")


def redirect_detail(response: httpx.Response) -> str:
    location = response.headers.get("Location", "")
    where = f" to {location}" if location else ""
    return (
        f"outbound webhook answered {response.status_code} (a redirect{where}); redirects "
        "are not followed, so set the final URL"
    )


def post_event(workspace: Workspace, payload: dict, webhook_id: str) -> httpx.Response:
    """POST one signed event to the workspace's outbound URL, once the URL is checked."""
    url = workspace.outbound_webhook_url
    if not url:
        raise NoConnector("no outbound webhook URL is configured for this workspace")
    target = checked_target(url)
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **signature_headers(workspace, webhook_id, body)}
    return post_pinned(target, body, headers)


def signature_headers(workspace: Workspace, webhook_id: str, body: bytes) -> dict[str, str]:
    if workspace.webhook_scheme == LEGACY:
        # The legacy header holds one signature: the current secret only, even mid-rotation.
        timestamp = str(int(time.time()))
        return {
            "X-Webhook-Timestamp": timestamp,
            "X-Webhook-Signature": sign(workspace.outbound_webhook_secret, timestamp, body),
        }
    # Both secrets while a rotation's overlap lasts: receivers holding either one verify.
    return standard_headers(outbound_secrets(workspace), webhook_id, body)


def post_pinned(target: CheckedTarget, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST to the addresses the URL check resolved, never to a fresh DNS answer: the Host
    header and TLS (SNI and certificate check) still name the URL's host."""
    url = httpx.URL(target.url)
    headers = {**headers, "Host": url.netloc.decode("ascii")}
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    error: httpx.HTTPError | None = None
    with httpx.Client(timeout=settings.OUTBOUND_TIMEOUT_SECONDS, follow_redirects=False) as client:
        for address in target.addresses:
            request = client.build_request(
                "POST",
                url.copy_with(host=address),
                content=body,
                headers=headers,
                extensions=extensions,
            )
            try:
                return client.send(request)
            except httpx.ConnectError as exc:
                error = exc  # the next address of the host may answer
    assert error is not None  # checked_target never returns a target without addresses
    raise error


def deliver(message: Message) -> None:
    """Send a stored outbound message through its conversation's connector."""
    with counted_delivery(message.channel):
        if message.channel == SIMULATOR_CHANNEL:
            send_to_simulator(message)
        else:
            send_to_webhook(message)
    mark_delivery(message, Message.Delivery.SENT)


@contextmanager
def counted_delivery(channel: str) -> Iterator[None]:
    """Count the attempt in the metrics by its outcome, then let any exception go on."""
    connector = "simulator" if channel == SIMULATOR_CHANNEL else "webhook"
    status, started = "error", time.perf_counter()
    try:
        yield
        status = "sent"
    except DeliveryRefused:
        status = "refused"
        raise
    except NoConnector:
        status = "unconfigured"
        raise
    except DeliveryError:
        status = "failed"
        raise
    finally:
        metrics.delivered(connector, status, time.perf_counter() - started)


def mark_delivery(message: Message, delivery: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        delivery=delivery,
        delivered_at=timezone.now() if delivery == Message.Delivery.SENT else None,
    )
    events.publish(
        message.workspace_id,
        events.MessageDelivered(message.conversation_id, message.pk, message.seq, delivery),
    )

"""Outbound webhooks: signed with Standard Webhooks and the workspace's own outbound secret
(verified by the `standardwebhooks` package on a real HTTP server on 127.0.0.1), one
webhook-id per message across retries, and only to URLs that are safe to call: no loopback,
private, link-local, metadata or non-http(s) target unless the platform allows it, checked
after DNS resolution, and no redirect followed."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from conversations import connectors, ingestion, messages
from conversations.models import Message
from conversations.signing import rotate_outbound_secret, sign
from conversations.tasks import deliver_reply
from conversations.url_safety import UnsafeUrl, check_outbound_url
from core.models import Workspace
from stack import free_port


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it is sent and answers from a
    script of (status, headers), the last answer repeating."""

    url: str
    port: int
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=lambda: [(200, {})])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    state = Receiver(url=f"http://127.0.0.1:{port}/hooks/replies", port=port)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append(Received(self.path, dict(self.headers.items()), body))
            status, headers = state.answers.pop(0) if len(state.answers) > 1 else state.answers[0]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_loopback(settings) -> None:
    settings.OUTBOUND_URL_ALLOWLIST = ["127.0.0.1"]


@pytest.fixture
def reply(workspace, persona, receiver) -> Message:
    """An operator's reply on the generic webhook channel, waiting to go out."""
    workspace.outbound_webhook_url = receiver.url
    workspace.save(update_fields=["outbound_webhook_url"])
    inbound = ingestion.ingest(
        workspace,
        ingestion.InboundMessage(
            channel="webhook",
            external_id="in-1",
            contact_external_id="contact-1",
            contact_name="Sam",
            persona="Mia",
            text="hey, love your pics!",
        ),
    )
    conversation = Message.objects.get(pk=inbound.message_id).conversation
    return messages.append_message(
        conversation,
        text="Thank you, Sam!",
        direction=Message.Direction.OUT,
        author_kind=Message.AuthorKind.OPERATOR,
        delivery=Message.Delivery.PENDING,
    )


def delivery_of(message_id: int) -> str:
    return Message.objects.get(pk=message_id).delivery


# -- which URLs may be called ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        pytest.param("http://127.0.0.1:8000/hook", "loopback", id="loopback"),
        pytest.param("http://localhost:8000/hook", "localhost resolves to", id="localhost"),
        pytest.param("http://127.1/hook", "loopback", id="short loopback"),
        pytest.param("http://2130706433/hook", "loopback", id="loopback as a number"),
        pytest.param("http://[::1]/hook", "loopback", id="IPv6 loopback"),
        pytest.param("http://[::ffff:127.0.0.1]/hook", "loopback", id="IPv4-mapped loopback"),
        pytest.param("http://10.0.0.5/hook", "private", id="10.x"),
        pytest.param("https://192.168.1.20/hook", "private", id="192.168.x"),
        pytest.param("http://172.16.0.1/hook", "private", id="172.16.x"),
        pytest.param("http://169.254.169.254/latest/meta-data/", "metadata", id="metadata"),
        pytest.param("http://[fd00:ec2::254]/", "metadata", id="IPv6 metadata"),
        pytest.param("http://metadata.google.internal/", "metadata", id="metadata by name"),
        pytest.param("http://169.254.10.1/", "link-local", id="link-local"),
        pytest.param("http://0.0.0.0:8000/", "unspecified", id="unspecified"),
        pytest.param("http://224.0.0.1/", "multicast", id="multicast"),
        pytest.param("http://100.64.0.1/", "not a public address", id="shared address space"),
        pytest.param("file:///etc/passwd", "only http and https", id="file"),
        pytest.param("gopher://example.com/", "only http and https", id="gopher"),
        pytest.param("example.com/hook", "http:// or https://", id="no scheme"),
        pytest.param("http:///hook", "no host", id="no host"),
        pytest.param("http://8.8.8.8:99999/", "port", id="bad port"),
        pytest.param("http://nowhere.invalid/hook", "does not resolve", id="unresolvable"),
    ],
)
def test_unsafe_targets_are_refused_with_a_reason(settings, url, reason):
    settings.OUTBOUND_URL_ALLOWLIST = []

    with pytest.raises(UnsafeUrl, match=reason) as refused:
        check_outbound_url(url)

    assert isinstance(refused.value, ValueError)  # forms show it as a validation message


@pytest.mark.parametrize("url", ["https://93.184.215.14/hooks", "http://[2606:4700::1111]:8443/"])
def test_public_addresses_are_allowed(settings, url):
    settings.OUTBOUND_URL_ALLOWLIST = []

    check_outbound_url(url)


def test_the_platform_allow_list_lets_listed_hosts_addresses_and_networks_through(settings):
    settings.OUTBOUND_URL_ALLOWLIST = ["127.0.0.1", "localhost", "10.2.0.0/16"]

    check_outbound_url("http://127.0.0.1:8000/hook")
    check_outbound_url("http://localhost:8000/hook")
    check_outbound_url("http://10.2.3.4/hook")
    for still_refused in ("http://10.3.0.1/", "http://169.254.169.254/", "file:///etc/passwd"):
        with pytest.raises(UnsafeUrl):
            check_outbound_url(still_refused)


# -- deliveries ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_verifies_with_the_reference_package_and_the_outbound_secret(
    allow_loopback, receiver, reply, workspace
):
    connectors.deliver(reply)

    [got] = receiver.received
    assert got.path == "/hooks/replies"
    payload = Webhook(workspace.outbound_webhook_secret).verify(got.body, got.headers)
    assert payload["type"] == "message"
    assert (payload["message_id"], payload["text"]) == (reply.pk, "Thank you, Sam!")
    assert payload["contact_external_id"] == "contact-1"
    # Signed with its own secret: the inbound one (which senders hold) verifies nothing.
    with pytest.raises(WebhookVerificationError):
        Webhook(workspace.webhook_secret).verify(got.body, got.headers)
    assert "X-Webhook-Signature" not in got.headers
    assert delivery_of(reply.pk) == Message.Delivery.SENT


@pytest.mark.django_db
def test_a_retried_delivery_keeps_its_webhook_id(allow_loopback, receiver, reply, workspace):
    receiver.answers = [(503, {}), (200, {})]

    with pytest.raises(connectors.DeliveryError):
        connectors.deliver(reply)
    connectors.deliver(reply)

    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    verifier = Webhook(workspace.outbound_webhook_secret)
    assert verifier.verify(first.body, first.headers) == verifier.verify(
        second.body, second.headers
    )
    assert delivery_of(reply.pk) == Message.Delivery.SENT


@pytest.mark.django_db
def test_a_loopback_url_is_refused_at_send_and_nothing_is_sent(settings, receiver, reply):
    settings.OUTBOUND_URL_ALLOWLIST = []

    deliver_reply.apply(args=[reply.pk])

    assert receiver.received == []
    assert delivery_of(reply.pk) == Message.Delivery.FAILED
    with pytest.raises(connectors.DeliveryRefused, match="loopback"):
        connectors.deliver(reply)


@pytest.mark.django_db
def test_a_name_that_resolves_to_loopback_is_refused_at_send(settings, receiver, reply, workspace):
    settings.OUTBOUND_URL_ALLOWLIST = []
    workspace.outbound_webhook_url = f"http://localhost:{receiver.port}/hooks/replies"
    workspace.save(update_fields=["outbound_webhook_url"])
    reply.refresh_from_db()

    with pytest.raises(connectors.DeliveryRefused, match="localhost resolves to"):
        connectors.deliver(reply)

    assert receiver.received == []


@pytest.mark.django_db
def test_the_connection_goes_to_the_checked_address_with_the_urls_host(
    settings, receiver, reply, workspace
):
    settings.OUTBOUND_URL_ALLOWLIST = ["localhost"]
    workspace.outbound_webhook_url = f"http://localhost:{receiver.port}/hooks/replies"
    workspace.save(update_fields=["outbound_webhook_url"])
    reply.refresh_from_db()

    connectors.deliver(reply)

    [got] = receiver.received
    assert got.headers["Host"] == f"localhost:{receiver.port}"
    Webhook(workspace.outbound_webhook_secret).verify(got.body, got.headers)


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_fails_the_delivery(allow_loopback, receiver, reply):
    elsewhere = f"http://127.0.0.1:{receiver.port}/elsewhere"
    receiver.answers = [(302, {"Location": elsewhere})]

    with pytest.raises(connectors.DeliveryRefused, match="redirects are not followed"):
        connectors.deliver(reply)
    deliver_reply.apply(args=[reply.pk])

    assert [r.path for r in receiver.received] == ["/hooks/replies", "/hooks/replies"]
    assert delivery_of(reply.pk) == Message.Delivery.FAILED


@pytest.mark.django_db
def test_a_legacy_workspace_gets_the_legacy_headers_signed_with_its_outbound_secret(
    allow_loopback, receiver, reply, workspace
):
    workspace.webhook_scheme = "legacy"
    workspace.save(update_fields=["webhook_scheme"])
    reply.refresh_from_db()

    connectors.deliver(reply)

    [got] = receiver.received
    timestamp = got.headers["X-Webhook-Timestamp"]
    secret = workspace.outbound_webhook_secret
    assert got.headers["X-Webhook-Signature"] == sign(secret, timestamp, got.body)
    assert "webhook-signature" not in {name.lower() for name in got.headers}


# -- the settings page's test delivery ---------------------------------------------------------


@pytest.mark.django_db
def test_a_test_delivery_reports_success_and_verifies(allow_loopback, receiver, workspace):
    workspace.outbound_webhook_url = receiver.url
    workspace.save(update_fields=["outbound_webhook_url"])

    result = connectors.send_test_delivery(workspace)

    assert (result.ok, result.status_code) == (True, 200)
    [got] = receiver.received
    event = Webhook(workspace.outbound_webhook_secret).verify(got.body, got.headers)
    assert event["type"] == "test"
    assert event["workspace"] == "acme"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "status", "words"),
    [
        pytest.param([(500, {})], 500, "answered 500", id="server error"),
        pytest.param([(404, {})], 404, "answered 404", id="not found"),
        pytest.param([(307, {"Location": "http://10.0.0.1/"})], 307, "not followed", id="redirect"),
    ],
)
def test_a_test_delivery_reports_what_the_receiver_answered(
    allow_loopback, receiver, workspace, answers, status, words
):
    receiver.answers = answers
    workspace.outbound_webhook_url = receiver.url
    workspace.save(update_fields=["outbound_webhook_url"])

    result = connectors.send_test_delivery(workspace)

    assert (result.ok, result.status_code) == (False, status)
    assert words in result.detail
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_test_delivery_reports_a_refused_url_and_sends_nothing(settings, receiver, workspace):
    settings.OUTBOUND_URL_ALLOWLIST = []
    workspace.outbound_webhook_url = receiver.url
    workspace.save(update_fields=["outbound_webhook_url"])

    result = connectors.send_test_delivery(workspace)

    assert (result.ok, result.status_code) == (False, None)
    assert "refused" in result.detail and "loopback" in result.detail
    assert receiver.received == []


@pytest.mark.django_db
def test_a_test_delivery_reports_a_connection_error(allow_loopback, workspace):
    workspace.outbound_webhook_url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    workspace.save(update_fields=["outbound_webhook_url"])

    result = connectors.send_test_delivery(workspace)

    assert (result.ok, result.status_code) == (False, None)
    assert "could not connect" in result.detail


@pytest.mark.django_db
def test_a_test_delivery_without_a_url_says_so(workspace):
    result = connectors.send_test_delivery(workspace)

    assert (result.ok, result.status_code) == (False, None)
    assert "no outbound webhook URL" in result.detail


# -- rotating the outbound secret -------------------------------------------------------------


def end_overlap(workspace: Workspace) -> None:
    """The overlap window has passed (as it would a day after the rotation)."""
    Workspace.objects.filter(pk=workspace.pk).update(
        previous_outbound_webhook_secret_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_during_the_overlap_a_delivery_verifies_with_the_old_and_the_new_secret(
    allow_loopback, receiver, reply, workspace
):
    old = workspace.outbound_webhook_secret

    new = rotate_outbound_secret(workspace)
    reply.refresh_from_db()
    connectors.deliver(reply)

    [got] = receiver.received
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    # A receiver that has not switched yet still accepts it, and so does one that has.
    assert Webhook(old).verify(got.body, got.headers)["message_id"] == reply.pk
    assert Webhook(new).verify(got.body, got.headers)["message_id"] == reply.pk
    assert delivery_of(reply.pk) == Message.Delivery.SENT


@pytest.mark.django_db
def test_after_the_overlap_ends_only_the_new_secret_verifies(
    allow_loopback, receiver, reply, workspace
):
    old = workspace.outbound_webhook_secret
    new = rotate_outbound_secret(workspace)

    end_overlap(workspace)
    reply.refresh_from_db()
    connectors.deliver(reply)

    [got] = receiver.received
    assert Webhook(new).verify(got.body, got.headers)["message_id"] == reply.pk
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(got.body, got.headers)


@pytest.mark.django_db
def test_the_test_delivery_is_signed_with_both_secrets_during_the_overlap(
    allow_loopback, receiver, workspace
):
    workspace.outbound_webhook_url = receiver.url
    workspace.save(update_fields=["outbound_webhook_url"])
    old = workspace.outbound_webhook_secret
    new = rotate_outbound_secret(workspace, overlap=datetime.timedelta(hours=1))

    assert connectors.send_test_delivery(workspace).ok
    end_overlap(workspace)
    workspace.refresh_from_db()
    assert connectors.send_test_delivery(workspace).ok

    during, after = receiver.received
    assert Webhook(old).verify(during.body, during.headers)["type"] == "test"
    assert Webhook(new).verify(during.body, during.headers)["type"] == "test"
    assert Webhook(new).verify(after.body, after.headers)["type"] == "test"
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


@pytest.mark.django_db
def test_the_old_outbound_secret_is_kept_for_a_day_by_default_and_at_most_two_are_live(
    workspace,
):
    first = workspace.outbound_webhook_secret
    before = timezone.now()

    second = rotate_outbound_secret(workspace)

    stored = Workspace.objects.get(pk=workspace.pk)
    assert (stored.outbound_webhook_secret, stored.previous_outbound_webhook_secret) == (
        second,
        first,
    )
    expires = stored.previous_outbound_webhook_secret_expires_at
    assert expires is not None
    assert before + datetime.timedelta(hours=24) <= expires
    assert expires <= timezone.now() + datetime.timedelta(hours=24)
    # Rotating again mid-overlap keeps the one being replaced, never the oldest.
    third = rotate_outbound_secret(workspace)
    stored.refresh_from_db()
    assert (stored.outbound_webhook_secret, stored.previous_outbound_webhook_secret) == (
        third,
        second,
    )
    # No overlap: the old secret stops signing at once.
    rotate_outbound_secret(workspace, overlap=datetime.timedelta(0))
    stored.refresh_from_db()
    assert stored.previous_outbound_webhook_secret == ""
    assert stored.previous_outbound_webhook_secret_expires_at is None


@pytest.mark.django_db
def test_a_legacy_workspace_is_signed_with_the_new_outbound_secret_only_after_rotation(
    allow_loopback, receiver, reply, workspace
):
    workspace.webhook_scheme = "legacy"
    workspace.save(update_fields=["webhook_scheme"])
    old = workspace.outbound_webhook_secret

    new = rotate_outbound_secret(workspace)
    reply.refresh_from_db()
    connectors.deliver(reply)

    [got] = receiver.received
    timestamp = got.headers["X-Webhook-Timestamp"]
    # The legacy header has room for one signature: the new secret's.
    assert got.headers["X-Webhook-Signature"] == sign(new, timestamp, got.body)
    assert got.headers["X-Webhook-Signature"] != sign(old, timestamp, got.body)

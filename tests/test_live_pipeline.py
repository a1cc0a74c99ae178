"""The real path, across processes: API (uvicorn) -> Celery worker -> websocket.

Each test runs against the ASGI server and a Celery worker started as subprocesses on
the test database, so data is committed (transactional tests).
"""

from __future__ import annotations

import asyncio
import json

import pytest
import redis
import websockets
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client

from conversations.connectors import simulator_outbox_key
from conversations.models import Message, OperatorDecision, SuggestionSet
from tests.conftest import message_body, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.worker,
    pytest.mark.usefixtures("close_async_db_connections"),
]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def ws_url(server: str, path: str) -> str:
    return server.replace("http://", "ws://") + path


async def next_event(socket, event_type: str, timeout: float = 20) -> dict:
    """Read events until one of the given type arrives."""

    async def read() -> dict:
        while True:
            event = json.loads(await socket.recv())
            if event["type"] == event_type:
                return event

    return await asyncio.wait_for(read(), timeout)


async def test_posted_message_brings_suggestions_over_the_websocket(
    asgi_server, celery_worker, workspace, persona, api_key, operator, http
):
    cookie = await sync_to_async(session_cookie)(operator)
    headers = {"Cookie": cookie, "Origin": asgi_server}
    async with websockets.connect(
        ws_url(asgi_server, "/ws/w/acme/inbox/"), additional_headers=headers
    ) as inbox:
        response = await sync_to_async(http.post)(
            f"{asgi_server}/api/messages", json=message_body(), headers={"X-API-Key": api_key}
        )
        assert response.status_code == 201
        posted = response.json()

        created = await next_event(inbox, "message.created")
        assert created["message_id"] == posted["message_id"]
        assert created["seq"] == 1
        ready = await next_event(inbox, "suggestions.ready")
        opened = await SuggestionSet.objects.aget(pk=ready["suggestion_set_id"])
        if opened.generation.get("drafting"):
            # The reply library's options came at once; the drafts follow on the same set.
            again = await next_event(inbox, "suggestions.ready")
            assert again["suggestion_set_id"] == opened.pk

    suggestion_set = await SuggestionSet.objects.aget(pk=ready["suggestion_set_id"])
    assert suggestion_set.message_id == posted["message_id"]
    assert not suggestion_set.generation.get("drafting")
    options = [s async for s in suggestion_set.suggestions.all()]
    assert len([s for s in options if s.source == "template"]) == 3
    assert all(0 < len(s.text) <= settings.SUGGESTION_MAX_CHARS for s in options)
    message = await Message.objects.aget(pk=posted["message_id"])
    assert message.analysis["sentiment"]["label"] == "positive"
    assert {"emotions", "sarcasm", "context", "guidance", "triage"} <= set(message.analysis)


async def test_conversation_socket_streams_each_message_with_its_seq(
    asgi_server, celery_worker, workspace, persona, api_key, operator, http
):
    post = sync_to_async(http.post)
    first = await post(
        f"{asgi_server}/api/messages", json=message_body(), headers={"X-API-Key": api_key}
    )
    conversation_id = first.json()["conversation_id"]
    cookie = await sync_to_async(session_cookie)(operator)
    async with websockets.connect(
        ws_url(asgi_server, f"/ws/w/acme/c/{conversation_id}/"),
        additional_headers={"Cookie": cookie, "Origin": asgi_server},
    ) as socket:
        for n in range(2, 5):
            await post(
                f"{asgi_server}/api/messages",
                json=message_body(external_id=f"msg-{n}", text=f"message {n}"),
                headers={"X-API-Key": api_key},
            )
        seqs = [(await next_event(socket, "message.created"))["seq"] for _ in range(3)]
    assert seqs == [2, 3, 4]


def test_websocket_refuses_a_user_of_another_workspace(
    asgi_server, workspace, persona, api_key, outsider, http
):
    posted = http.post(
        f"{asgi_server}/api/messages", json=message_body(), headers={"X-API-Key": api_key}
    ).json()
    cookie = session_cookie(outsider)

    async def handshake_status(path: str) -> int:
        try:
            async with websockets.connect(
                ws_url(asgi_server, path),
                additional_headers={"Cookie": cookie, "Origin": asgi_server},
            ):
                return 101
        except websockets.InvalidStatus as refused:
            return refused.response.status_code

    for path in ("/ws/w/acme/inbox/", f"/ws/w/acme/c/{posted['conversation_id']}/"):
        # Closed before accept: the server refuses the handshake itself.
        assert asyncio.run(handshake_status(path)) == 403, path


def test_operator_reply_is_delivered_to_the_simulator_outbox(
    asgi_server, celery_worker, workspace, persona, api_key, operator, http
):
    posted = http.post(
        f"{asgi_server}/api/messages",
        json=message_body(channel="simulator"),
        headers={"X-API-Key": api_key},
    ).json()
    browser = Client()
    browser.force_login(operator)
    url = f"/w/acme/c/{posted['conversation_id']}/reply/"
    response = browser.post(
        url, {"text": "Hi Sam, thanks for writing!"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200

    outbox = redis.Redis.from_url(settings.REDIS_URL)
    raw = wait_until(lambda: outbox.lpop(simulator_outbox_key(workspace.pk)))
    delivered = json.loads(raw)
    assert delivered["text"] == "Hi Sam, thanks for writing!"
    assert delivered["contact_external_id"] == "contact-1"
    reply = Message.objects.get(pk=delivered["message_id"])
    wait_until(lambda: Message.objects.get(pk=reply.pk).delivery == Message.Delivery.SENT)
    decision = OperatorDecision.objects.get(sent_message=reply)
    assert decision.action == OperatorDecision.Action.MANUAL
    assert decision.operator == operator

"""The web process's HTTP handler (dashboard.http_handler), called as uvicorn calls it:
the sender of a message gets its answer before the message is queued for perception and
announced to open pages, and both still happen once the answer is out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from django.conf import settings

from conversations import live_hub
from conversations.events import inbox_group
from conversations.models import Message
from core.broker import queue_keys
from dashboard.asgi import django_asgi_app
from dashboard.health import QUEUES


def queued() -> int:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return sum(int(broker.llen(key)) for queue in QUEUES for key in queue_keys(queue))


def message_request(api_key: str, body: bytes) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/messages",
        "raw_path": b"/api/messages",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-api-key", api_key.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


@pytest.mark.django_db(transaction=True)
def test_a_message_is_answered_before_it_is_queued_and_announced_and_then_both_happen(
    workspace, persona, api_key
):
    body = json.dumps(
        {
            "channel": "api",
            "external_id": "handler-1",
            "contact": {"external_id": "c-handler"},
            "persona": persona.name,
            "text": "hi there",
        }
    ).encode()
    before = queued()
    seen_at_answer: dict[str, object] = {}

    async def call() -> dict:
        # An open inbox page, as the live hub sees one: a writer for the inbox's events.
        frames: asyncio.Queue[str] = asyncio.Queue()

        async def page(text: str) -> None:
            frames.put_nowait(text)

        await live_hub.hub().join(inbox_group(workspace.id), page)
        bodies = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            if bodies:
                return bodies.pop()
            await asyncio.Event().wait()  # no disconnect: the handler cancels this wait
            return {}

        async def send(event: Mapping[str, Any]) -> None:
            if event["type"] == "http.response.start":
                seen_at_answer["status"] = event["status"]
            elif event["type"] == "http.response.body":
                # The answer is going out: the stored message's publishes are still held.
                seen_at_answer["queued"] = queued()
                seen_at_answer["body"] = json.loads(event["body"])

        await django_asgi_app(message_request(api_key, body), receive, send)
        return json.loads(await asyncio.wait_for(frames.get(), timeout=10))

    announced = async_to_sync(call)()

    assert seen_at_answer["status"] == 201
    assert seen_at_answer["queued"] == before
    message = Message.objects.get(pk=seen_at_answer["body"]["message_id"])  # type: ignore[index]
    assert queued() == before + 1  # the message went to perception once the answer was out
    assert announced["type"] == "message.created"
    assert announced["message_id"] == message.pk

"""Smaller holes (issue 18, item 7): websocket frames are limited in bytes, by a setting;
/api/health shows queue sizes only to a caller with an API key."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings

from conversations.consumers import MESSAGE_TOO_BIG
from core.models import ApiKey
from tests.test_socket_access import closed_with, open_sockets
from tests.test_tenancy import ingest

# -- websocket frames -------------------------------------------------------------------


@pytest.fixture
def conversation(workspace, persona):
    return ingest(workspace)


@pytest.mark.django_db(transaction=True)
async def test_a_frame_is_measured_in_bytes_not_characters(operator, conversation):
    (socket,) = (await open_sockets(operator, conversation))[:1]
    # 3,000 characters, 9,000 bytes: under the limit counted in characters, over in bytes.
    await socket.send_to(text_data="€" * 3_000)
    assert await closed_with(socket) == MESSAGE_TOO_BIG


@pytest.mark.django_db(transaction=True)
async def test_the_frame_limit_is_a_setting(operator, conversation):
    with override_settings(WEBSOCKET_MAX_CLIENT_FRAME=256):
        (socket,) = (await open_sockets(operator, conversation))[:1]
        await socket.send_to(text_data='{"type": "ping"}')
        assert await socket.receive_nothing(timeout=0.3)  # a keep-alive still passes
        await socket.send_to(text_data="x" * 257)
        assert await closed_with(socket) == MESSAGE_TOO_BIG


# -- /api/health ------------------------------------------------------------------------

QUEUE_FIELDS = {"queue_length", "queues"}


def waiting_on_ml(count: int) -> None:
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush("ml", *[b"{}"] * count)


@pytest.mark.django_db
def test_health_without_a_key_reveals_no_queue_sizes():
    waiting_on_ml(3)

    health = Client().get("/api/health").json()

    assert not QUEUE_FIELDS & set(health), health
    assert health["db_connected"] is True and health["redis_connected"] is True
    assert set(health["workers"]) >= {"default", "ml", "llm"}
    assert health["status"] in {"healthy", "degraded"}


@pytest.mark.django_db
def test_health_with_a_wrong_or_revoked_key_reveals_no_queue_sizes(api_key):
    ApiKey.objects.update(revoked=True)
    for key in ("not-a-key", api_key):
        health = Client(headers={"X-API-Key": key}).get("/api/health").json()
        assert not QUEUE_FIELDS & set(health), key


@pytest.mark.django_db
def test_health_with_a_key_shows_the_queue_sizes(api):
    waiting_on_ml(3)

    health = api.get("/api/health").json()

    assert health["queues"]["ml"] == 3
    assert health["queue_length"] == sum(health["queues"].values()) >= 3
    assert health["redis_connected"] is True

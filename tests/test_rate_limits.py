"""Rate limits per API key, per login address, per user's websockets and per workspace's
LLM use: over the limit, 429 (or a socket closed with 4429) and nothing else happens. The
client address is taken from X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import Client

from conversations.models import Message
from core import ratelimit
from core.models import ApiKey
from tests.conftest import PASSWORD, message_body
from tests.test_tenancy import connect

pytestmark = pytest.mark.django_db


def test_an_api_key_over_its_limit_gets_429_and_stores_nothing(api, persona, settings):
    settings.API_RATE_PER_MINUTE = 3
    statuses = [
        api.post(
            "/api/messages", message_body(external_id=f"m-{n}"), content_type="application/json"
        ).status_code
        for n in range(5)
    ]

    assert statuses == [201, 201, 201, 429, 429]
    assert Message.objects.count() == 3
    refused = api.get("/api/personas")
    assert refused.status_code == 429
    assert "3 requests a minute per key" in refused.json()["detail"]


def test_each_key_has_its_own_limit(api, persona, workspace, settings):
    settings.API_RATE_PER_MINUTE = 2
    for _ in range(3):
        api.get("/api/personas")
    other = Client(headers={"X-API-Key": ApiKey.issue(workspace, "second key")})

    assert other.get("/api/personas").status_code == 200


def test_a_wrong_key_is_401_not_counted(persona, settings):
    settings.API_RATE_PER_MINUTE = 1
    stranger = Client(headers={"X-API-Key": "not-a-key"})
    assert [stranger.get("/api/personas").status_code for _ in range(3)] == [401] * 3


def login(client: Client, password: str = "wrong", remote: str = "10.0.0.1", **headers):
    return client.post(
        "/login/",
        {"username": "olivia", "password": password},
        REMOTE_ADDR=remote,
        headers=headers,
    )


def test_login_attempts_from_one_address_are_limited(operator, settings):
    settings.LOGIN_RATE_PER_MINUTE = 3
    client = Client()

    statuses = [login(client).status_code for _ in range(3)]
    blocked = login(client, password=PASSWORD)

    assert statuses == [200, 200, 200]  # the form again, with its error
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password waits
    assert login(Client(), password=PASSWORD, remote="10.0.0.2").status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_login_limit(operator, settings):
    settings.LOGIN_RATE_PER_MINUTE = 2
    for _ in range(2):
        login(Client())
    spoofed = login(Client(), password=PASSWORD, **{"X-Forwarded-For": "203.0.113.9"})

    assert spoofed.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_limited(operator, settings):
    settings.LOGIN_RATE_PER_MINUTE = 2
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    proxy = "10.0.0.254"
    for _ in range(2):
        login(Client(), remote=proxy, **{"X-Forwarded-For": "198.51.100.7"})

    same_client = login(Client(), remote=proxy, **{"X-Forwarded-For": "198.51.100.7"})
    another = login(Client(), PASSWORD, remote=proxy, **{"X-Forwarded-For": "198.51.100.8"})

    assert same_client.status_code == 429
    assert another.status_code == 302


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("198.51.100.1", "203.0.113.5", "198.51.100.1"),  # not a proxy: header ignored
        ("10.0.0.254", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.254", "203.0.113.5, 10.0.0.253", "203.0.113.5"),  # two trusted hops
        ("10.0.0.254", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the forged left part
        ("10.0.0.254", "", "10.0.0.254"),
    ],
)
def test_the_client_address_comes_from_the_trusted_hops_only(settings, remote, forwarded, client):
    settings.TRUSTED_PROXIES = ["10.0.0.254", "10.0.0.253"]
    assert ratelimit.forwarded_client(remote, forwarded) == client


def test_workspace_llm_use_through_the_api_is_limited(api, persona, settings):
    settings.LLM_RATE_PER_MINUTE = 2
    body = {"prompt": "User: hi\nAssistant:", "max_tokens": 8}

    statuses = [
        api.post("/api/generate", body, content_type="application/json").status_code
        for _ in range(3)
    ]

    # No model server in this test: the first two are let through (and answered 503).
    assert statuses[:2] == [503, 503] and statuses[2] == 429


@pytest.mark.django_db(transaction=True)
async def test_a_user_opening_sockets_in_a_loop_is_cut_off(operator, workspace, settings):
    settings.WEBSOCKET_RATE_PER_MINUTE = 2
    results = []
    for _ in range(3):
        communicator, connected, code = await connect(operator, "/ws/w/acme/inbox/")
        results.append((connected, code if not connected else None))
        await communicator.disconnect()

    assert results == [(True, None), (True, None), (False, 4429)]

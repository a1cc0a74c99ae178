"""Resync: a live page converges to the database even when live events are lost.

A real uvicorn serves the app with the live-event publisher losing one group's event in a
hundred (tests/faults.py), and real Chromium watches a conversation and the inbox while
hundreds of messages arrive. Sequence numbers let the page fetch exactly what it lacks;
the periodic resync brings what no event announced.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from conversations.models import Message
from stack import free_port, wait_for_port, web_server_command
from tests import faults
from tests.conftest import ROOT, child_env, message_body, stop
from tests.test_browser import log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

RESYNC_SECONDS = 2
MESSAGES = 300


@pytest.fixture(scope="module")
def lossy_server(django_db_setup) -> Iterator[str]:
    port = free_port()
    env = child_env()
    env.update(
        LIVE_EVENTS_PUBLISHER="tests.faults.lossy_publish",
        LIVE_RESYNC_SECONDS=str(RESYNC_SECONDS),
        API_RATE_PER_MINUTE="100000",
    )
    process = subprocess.Popen(web_server_command(port), cwd=ROOT, env=env)
    try:
        wait_for_port(port, "lossy ASGI server")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture
def lossy_page(browser, lossy_server) -> Iterator[Page]:
    faults.reset()
    context = browser.new_context(base_url=lossy_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    faults.reset()


@pytest.fixture
def post(lossy_server, api_key) -> Iterator:
    with httpx.Client(base_url=lossy_server, headers={"X-API-Key": api_key}, timeout=10) as http:

        def post(**overrides) -> dict:
            response = http.post("/api/messages", json=message_body(**overrides))
            assert response.status_code == 201, response.text
            return response.json()

        yield post


def shown_seqs(page: Page) -> list[int]:
    return page.locator("#messages [data-seq]").evaluate_all(
        "items => items.map(item => +item.dataset.seq)"
    )


def stored(conversation_id: int) -> list[tuple[int, str]]:
    return list(
        Message.objects.filter(conversation_id=conversation_id)
        .order_by("seq")
        .values_list("seq", "text")
    )


@pytest.mark.timeout(300)
def test_pages_converge_to_the_database_through_a_layer_that_loses_events(
    lossy_page, post, workspace, persona, operator
):
    page = lossy_page
    log_in(page, "olivia")
    inbox = page.context.new_page()
    inbox.goto("/w/acme/")
    expect(inbox.locator("[data-live-status]")).to_have_text("live")
    first = post(text="hey! are you around?")
    conversation_id = first["conversation_id"]
    page.goto(f"/w/acme/c/{conversation_id}/")
    expect(page.locator("[data-live-status]")).to_have_text("live")

    # One group message in a hundred is lost while the customer writes 300 messages.
    faults.lose_one_group_message_in(100)
    for n in range(2, MESSAGES + 2):
        post(external_id=f"burst-{n}", text=f"message number {n}")
    expected = stored(conversation_id)
    expect(page.locator("#messages [data-seq]")).to_have_count(len(expected), timeout=30_000)
    page.wait_for_timeout(RESYNC_SECONDS * 1000)  # a late duplicate would show by now
    texts = page.locator("#messages [data-seq] .text").all_inner_texts()
    assert list(zip(shown_seqs(page), texts, strict=True)) == expected
    lost_in_the_burst = faults.dropped()
    print(f"\n{len(expected)} messages; {lost_in_the_burst} group messages lost; page == database")
    assert lost_in_the_burst >= MESSAGES * 2 // 100 - 1  # each message goes to two groups

    # Now every event is lost: only the periodic resync can bring the next messages.
    faults.lose_one_group_message_in(1)
    post(external_id="silent-1", text="are you still there?")
    newcomer = post(
        external_id="silent-2",
        contact={"external_id": "contact-2", "name": "Robin"},
        text="hi, I'm new here",
    )
    timeout = (RESYNC_SECONDS + 5) * 1000
    expect(page.locator("#messages [data-seq]").last).to_contain_text(
        "are you still there?", timeout=timeout
    )
    assert shown_seqs(page) == [seq for seq, _ in stored(conversation_id)]
    row = inbox.locator(f'tr[data-conversation-id="{newcomer["conversation_id"]}"]')
    expect(row).to_contain_text("hi, I'm new here", timeout=timeout)
    assert faults.dropped() >= lost_in_the_burst + 4  # both messages, both groups: all lost

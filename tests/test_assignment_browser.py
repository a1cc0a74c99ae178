"""Two operators in two Chromium sessions on one conversation: a claim shows live for the
other, presence (viewing, typing) appears and clears, and the reply timer turns red past the
workspace's target. Real ASGI server, real Redis channel layer, Debian's chromium."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from core.models import Role
from tests.conftest import PASSWORD, make_user, message_body

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def conversation_id(asgi_server, api_key, http, workspace, persona) -> int:
    response = http.post(
        f"{asgi_server}/api/messages",
        json=message_body(text="hi, is anyone there?"),
        headers={"X-API-Key": api_key},
    )
    assert response.status_code in (200, 201), response.text
    return response.json()["conversation_id"]


@pytest.fixture
def theo_page(browser, asgi_server, workspace):
    make_user("theo", workspace, Role.OPERATOR)
    context = browser.new_context(base_url=asgi_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "theo")
    yield page
    context.close()


def open_page(page: Page, conversation_id: int) -> None:
    page.goto(f"/w/acme/c/{conversation_id}/")
    expect(page.locator("[data-live-status]")).to_have_text("live")


def test_a_claim_and_presence_show_live_for_the_other_operator(
    page, theo_page, operator, conversation_id
):
    log_in(page, "olivia")
    open_page(page, conversation_id)
    open_page(theo_page, conversation_id)
    presence = page.locator("[data-presence]")
    expect(presence).to_contain_text("Also here: theo")

    theo_page.get_by_label("Reply").press_sequentially("one moment", delay=30)
    expect(presence).to_contain_text("theo is typing…")
    expect(presence).not_to_contain_text("typing", timeout=12_000)  # stopped typing

    page.locator("#owner [data-claim]").click()
    expect(page.locator("#owner")).to_contain_text("Owner: you")
    expect(theo_page.locator("#owner")).to_contain_text("Owner: olivia")  # live, no reload
    warning = theo_page.locator("[data-owner-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("olivia owns this conversation")

    theo_page.goto("/w/acme/?owner=unassigned")  # theo leaves the conversation
    expect(theo_page.locator(f'tr[data-conversation-id="{conversation_id}"]')).to_have_count(0)
    expect(presence).not_to_contain_text("theo")


def test_the_reply_timer_turns_red_past_the_target_on_page_and_inbox(
    page, theo_page, operator, workspace, conversation_id
):
    workspace.reply_target_seconds = 3
    workspace.save()
    log_in(page, "olivia")
    theo_page.goto("/w/acme/")
    open_page(page, conversation_id)
    timer = page.locator(".conversation-head [data-reply-timer]")
    row_timer = theo_page.locator(
        f'tr[data-conversation-id="{conversation_id}"] [data-reply-timer]'
    )

    expect(timer).to_have_class(re.compile(r"\boverdue\b"), timeout=10_000)
    expect(row_timer).to_have_class(re.compile(r"\boverdue\b"), timeout=10_000)

    page.get_by_label("Reply").fill("Sorry for the wait!")
    page.get_by_label("Reply").press("Enter")
    expect(page.locator("#messages .message.out")).to_contain_text("Sorry for the wait!")
    expect(timer).to_be_hidden()

"""An operator in real Chromium: messages arrive live, suggestions follow, replies go out.

Playwright drives Debian's chromium (never a downloaded browser) against the real ASGI
server and a real Celery worker on the test database.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from conversations.decisions import edit_distance
from conversations.models import Message, OperatorDecision, Suggestion
from tests.conftest import PASSWORD, message_body, wait_until

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# in between are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def post(asgi_server, api_key, http):
    def post(**overrides) -> dict:
        response = http.post(
            f"{asgi_server}/api/messages",
            json=message_body(**overrides),
            headers={"X-API-Key": api_key},
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    return post


def wait_until_no_request_in_flight(page: Page, quiet_ms: int = 300) -> None:
    """Wait until the page has had no htmx request out for `quiet_ms`.

    htmx marks each request's source with the htmx-request class while the request is out.
    A request asked for before the socket dropped (the reconnect's catch-up, a resync) can
    still be answered by a slow server after the test stores more messages: correct, but
    not "arriving while down"."""
    page.wait_for_function(
        """(quietMs) => {
            const busy = document.querySelector(".htmx-request") !== null;
            const now = performance.now();
            if (busy || window.__quietSince === undefined) window.__quietSince = now;
            return !busy && now - window.__quietSince >= quietMs;
        }""",
        arg=quiet_ms,
        polling=50,
    )


def open_conversation(page: Page, post) -> dict:
    """Log in, watch the inbox receive a message live, and open its conversation."""
    log_in(page, "olivia")
    expect(page.locator("[data-live-status]")).to_have_text("live")
    posted = post(text="hey! are you around?")
    row = page.locator(f'tr[data-conversation-id="{posted["conversation_id"]}"]')
    expect(row).to_contain_text("hey! are you around?")  # arrived without a reload
    row.get_by_role("link").click()
    expect(page.locator("[data-live-status]")).to_have_text("live")
    return posted


def test_operator_edits_a_suggestion_and_sends_it(
    page, celery_worker, workspace, persona, operator, post
):
    posted = open_conversation(page, post)
    post(external_id="msg-2", text="what are you up to today?")
    expect(page.locator('#messages [data-seq="2"]')).to_contain_text("what are you up to")

    # Suggestions for the newer message replace those for the first one. The test's one
    # solo worker reads and drafts #1, then reads and drafts #2, in series: on a loaded
    # 2-core CI machine that can take longer than the default 5 s.
    first = page.locator('#suggestions [data-answers-seq="2"] .option').first
    expect(first).to_be_visible(timeout=20_000)
    suggestion = Suggestion.objects.get(pk=first.get_attribute("data-suggestion-id"))
    first.get_by_role("button", name="Edit").click()
    composer = page.get_by_label("Reply")
    expect(composer).to_have_value(suggestion.text)
    composer.press("End")
    composer.type(" See you soon!")
    page.locator("[data-composer]").get_by_role("button", name="Send").click()

    sent = page.locator("#messages .message.out")
    expect(sent).to_contain_text("See you soon!")
    expect(composer).to_have_value("")
    decision = wait_until(
        lambda: OperatorDecision.objects.filter(conversation_id=posted["conversation_id"]).first()
    )
    final_text = f"{suggestion.text} See you soon!"
    assert decision.action == OperatorDecision.Action.EDIT
    assert decision.final_text == final_text
    assert decision.edit_distance == edit_distance(suggestion.text, final_text) == 14
    assert decision.suggestion == suggestion
    assert decision.latency_ms is not None
    assert decision.sent_message.text == final_text


def test_a_new_message_marks_the_suggestions_on_screen_as_answering_an_earlier_one(
    page, workspace, persona, operator, post
):
    from tests.conftest import running_worker

    with running_worker():
        open_conversation(page, post)
        expect(page.locator('#suggestions [data-answers-seq="1"] .option').first).to_be_visible()
    # No worker now: nothing new is drafted, and no suggestions event will come. The
    # customer's new message alone tells the panel that #1's options are out of date.
    post(external_id="msg-2", text="actually wait, one more thing")
    expect(page.locator("#suggestions [data-superseded]")).to_contain_text(
        "the customer wrote again (#2)"
    )
    expect(page.locator('#suggestions [data-answers-seq="1"] .option').first).to_be_visible()


def test_enter_accepts_the_first_suggestion(
    page, celery_worker, workspace, persona, operator, post
):
    posted = open_conversation(page, post)
    first = page.locator("#suggestions .option").first
    expect(first).to_be_visible()
    text = first.locator(".text").inner_text()
    page.locator("#messages").click()  # focus on the page, not in a field
    page.keyboard.press("Enter")

    expect(page.locator("#messages .message.out")).to_contain_text(text)
    decision = wait_until(
        lambda: OperatorDecision.objects.filter(conversation_id=posted["conversation_id"]).first()
    )
    assert decision.action == OperatorDecision.Action.ACCEPT
    assert decision.edit_distance == 0


def test_dropped_socket_catches_up_with_exactly_the_missed_messages(
    page, celery_worker, workspace, persona, operator, post
):
    posted = open_conversation(page, post)
    page.evaluate("window.dashboardLive.disconnect()")
    expect(page.locator("[data-live-status]")).to_have_text("offline")
    wait_until_no_request_in_flight(page)
    for n in range(2, 7):
        post(external_id=f"missed-{n}", text=f"missed message {n}")
    page.wait_for_timeout(500)
    assert page.locator("#messages [data-seq]").count() == 1  # nothing arrives while down

    page.evaluate("window.dashboardLive.connect()")
    items = page.locator("#messages [data-seq]")
    expect(items).to_have_count(6)
    page.wait_for_timeout(500)  # any late duplicate would show up now
    seqs = [int(s) for s in items.evaluate_all("els => els.map(e => e.dataset.seq)")]
    assert seqs == [1, 2, 3, 4, 5, 6]
    texts = items.locator(".text").all_inner_texts()
    assert texts[1:] == [f"missed message {n}" for n in range(2, 7)]
    stored = Message.objects.filter(conversation_id=posted["conversation_id"]).count()
    assert stored == 6


def test_reply_appears_live_for_another_operator_watching(
    browser, page, asgi_server, celery_worker, workspace, persona, operator, post
):
    from core.models import Role
    from tests.conftest import make_user

    make_user("theo", workspace, Role.OPERATOR)
    posted = open_conversation(page, post)
    watcher_context = browser.new_context(base_url=asgi_server)
    watcher = watcher_context.new_page()
    log_in(watcher, "theo")
    watcher.goto(f"/w/acme/c/{posted['conversation_id']}/")
    expect(watcher.locator("[data-live-status]")).to_have_text("live")

    page.get_by_label("Reply").fill("Hi! Yes, I'm here.")
    page.get_by_label("Reply").press("Enter")

    expect(watcher.locator("#messages .message.out")).to_contain_text("Hi! Yes, I'm here.")
    watcher_context.close()


def test_labeler_reads_but_cannot_send(page, celery_worker, workspace, persona, labeler, post):
    posted = post()
    log_in(page, "lena")
    page.goto(f"/w/acme/c/{posted['conversation_id']}/")
    expect(page.locator('#messages [data-seq="1"]')).to_be_visible()
    expect(page.get_by_text("can read conversations but not send")).to_be_visible()
    assert page.locator("[data-composer]").count() == 0
    assert page.locator("#suggestions [data-accept]").count() == 0


def test_phase_override_shows_in_the_history_and_is_stored_as_a_label(
    page, celery_worker, workspace, persona, operator, post
):
    from conversations.models import PhaseOverride

    posted = open_conversation(page, post)
    journey = page.locator("aside.journey")
    expect(journey.locator("[data-phase]")).to_have_text("rapport_building")
    journey.get_by_text("Override phase or set outcome").click()
    journey.get_by_label("Phase").select_option("cta")
    journey.get_by_label("Why").fill("she asked for the link in a voice note")
    journey.get_by_role("button", name="Apply").click()

    expect(journey.locator("[data-phase]")).to_have_text("cta")
    expect(journey.locator("[data-history] li.override")).to_contain_text(
        "she asked for the link in a voice note"
    )
    label = PhaseOverride.objects.get(conversation_id=posted["conversation_id"])
    assert (label.from_state, label.to_state, label.operator) == (
        "rapport_building",
        "cta",
        operator,
    )


def test_journeys_page_counts_conversations_per_state_live(
    page, celery_worker, workspace, persona, operator, post
):
    log_in(page, "olivia")
    page.goto("/w/acme/journeys/")
    expect(page.locator("[data-live-status]")).to_have_text("live")
    node = page.locator('[data-playbook="creator-dm"] [data-state="rapport_building"]')
    expect(node).to_have_attribute("data-count", "0")
    post()
    expect(node).to_have_attribute("data-count", "1")  # no reload


def test_manager_imports_a_playbook_written_as_json(page, workspace, post):
    import json

    from core.models import Role
    from tests.conftest import make_user

    make_user("maya", workspace, Role.MANAGER)
    log_in(page, "maya")
    page.goto("/w/acme/journeys/")
    broken = {"slug": "vip", "entry": "hello", "states": {"hello": {}}, "transitions": []}
    page.get_by_label("Document").fill(json.dumps(broken))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("no path from entry state hello")

    playbook = {
        "slug": "vip",
        "name": "VIP follow-up",
        "entry": "hello",
        "states": {"hello": {"goal": "Say hi"}, "done": {"terminal": True, "outcome": "success"}},
        "transitions": [{"from": "hello", "on": ["confirmed"], "to": "done"}],
    }
    page.get_by_label("Document").fill(json.dumps(playbook))
    page.get_by_role("button", name="Import").click()
    expect(page.locator('[data-playbook="vip"]')).to_contain_text("VIP follow-up")
    expect(page.locator('[data-playbook="vip"] [data-state="done"]')).to_be_visible()


def test_operator_accepts_the_cta_and_a_labeler_reviews_it_with_the_keyboard(
    browser, page, asgi_server, celery_worker, workspace, persona, operator, labeler, post
):
    from conversations.models import CtaDecision, CtaLabel
    from mlops.training import ensure_bootstrap_model

    ensure_bootstrap_model()
    posted = open_conversation(page, post)
    panel = page.locator("#suggestions [data-cta]")
    expect(panel).to_be_visible()
    decision = CtaDecision.objects.get(conversation_id=posted["conversation_id"], is_shadow=False)
    panel.get_by_role("button", name=f"Accept {decision.decision}").click()
    expect(page.locator("#suggestions [data-cta-label]")).to_have_text(
        f"you said {decision.decision}"
    )

    reviewer = browser.new_context(base_url=asgi_server).new_page()
    log_in(reviewer, "lena")
    reviewer.goto("/w/acme/labels/")
    expect(reviewer.locator("[data-model-decision]")).to_have_text(decision.decision)
    reviewer.keyboard.press("3")  # NEVER
    expect(reviewer.locator("[data-queue-empty]")).to_be_visible()
    verdicts = {label.source: label.label for label in CtaLabel.objects.filter(decision=decision)}
    assert verdicts == {"operator": decision.decision, "labeler": "NEVER"}

"""An operator in real Chromium watches the first draft being written: its words are on
the page before its set is stored, the reply box stays theirs, a reconnect mid-stream
brings the stored set and no stale preview, and a draft that fails its checks is shown
replaced.

The model is a stand-in speaking the OpenAI streaming protocol on a real loopback socket
(tests.streaming_model), held at chosen tokens, so "written so far, not stored yet" is a
state the test reaches for sure; the worker, the web server and the socket are real.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from conversations.models import Suggestion
from mlops.llm_stream import reply_preview
from tests.conftest import PASSWORD, message_body, wait_until
from tests.streaming_model import Script, StreamingModelServer, reply_object
from tests.test_llm import clear_llm_keys

# Playwright's sync API runs an event loop in this thread; the ORM calls in between are
# plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

GOOD = 'Hey Sam, so glad you wrote \u2014 tell me "everything" about your day!'
# Written, then caught by the guardrails (AI wording): replaced by the next valid sample.
BAD = "As an AI language model I enjoy our chats so much."
HELD_AT = 10  # tokens of GOOD's object sent before the stream waits for the test


class Gates:
    def __init__(self) -> None:
        self.start = threading.Event()  # the model begins writing
        self.middle = threading.Event()  # the model finishes writing


@pytest.fixture
def gates() -> Gates:
    return Gates()


@pytest.fixture
def model(gates: Gates) -> Iterator[StreamingModelServer]:
    good = Script(GOOD, pause=0.02, holds={0: gates.start, HELD_AT: gates.middle})
    server = StreamingModelServer([good, Script(BAD, pause=0.01)])
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def worker_on_the_stand_in(model: StreamingModelServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "LLM_BASE_URL": model.url,
        "LLM_MODEL": "stand-in",
        "LLM_STRUCTURED_OUTPUT": "json_object",
        "LLM_SUGGESTIONS": "3",
        "LLM_TIMEOUT_MS": "60000",
        "LLM_DEADLINE_MS": "90000",
    }.items():
        monkeypatch.setenv(name, value)
    clear_llm_keys()


def log_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def drafts_of(conversation_id: int, seq: int):
    return Suggestion.objects.filter(
        suggestion_set__conversation_id=conversation_id,
        suggestion_set__message__seq=seq,
        source="model",
    ).order_by("position")


def test_the_operator_watches_the_draft_written_and_sees_a_failed_one_replaced(
    page, gates, worker_on_the_stand_in, celery_worker, workspace, persona, operator,
    asgi_server, api_key, http,
):  # fmt: skip
    def post(**fields) -> dict:
        response = http.post(
            f"{asgi_server}/api/messages",
            json=message_body(**fields),
            headers={"X-API-Key": api_key},
        )
        assert response.status_code in (200, 201), response.text
        return response.json()

    log_in(page, "olivia")
    posted = post(external_id="m-1", text="hey! how was your day?")
    conversation_id = posted["conversation_id"]
    page.goto(f"/w/acme/c/{conversation_id}/")
    expect(page.locator("[data-live-status]")).to_have_text("live")
    gates.start.set()

    # The words so far, marked as a draft being written, and nothing stored yet.
    draft = page.locator("[data-draft-stream]")
    so_far = reply_preview("".join(Script(GOOD).tokens()[:HELD_AT]))
    assert so_far.startswith("Hey Sam") and len(so_far) < len(GOOD)
    # The worker reads the message first (its models load on the first one).
    expect(draft.locator("[data-draft-text]")).to_have_text(so_far, timeout=90_000)
    expect(draft).to_have_attribute("data-state", "drafting")
    expect(draft).to_contain_text("Drafting a reply to #1")
    assert draft.locator("button, a, form, input").count() == 0  # nothing here sends
    assert not drafts_of(conversation_id, 1).exists()
    expect(page.locator("#suggestions")).not_to_contain_text(so_far)

    # The reply box is the operator's while the model writes.
    composer = page.get_by_label("Reply")
    composer.fill("typing while it drafts")
    expect(composer).to_be_editable()
    expect(composer).to_have_value("typing while it drafts")

    # The socket drops mid-stream; the draft is finished and stored meanwhile.
    page.evaluate("window.dashboardLive.disconnect()")
    expect(page.locator("[data-live-status]")).to_have_text("offline")
    gates.middle.set()
    stored = wait_until(lambda: drafts_of(conversation_id, 1).first(), timeout=30)
    assert stored.text.startswith(so_far)
    expect(draft.locator("[data-draft-text]")).to_have_text(so_far)  # heard nothing since

    # Back: the stored set is shown, and the stale preview is gone.
    page.evaluate("window.dashboardLive.connect()")
    expect(page.locator("[data-live-status]")).to_have_text("live")
    answers_first = page.locator('#suggestions [data-answers-seq="1"]')
    expect(answers_first).to_contain_text(stored.text, timeout=15_000)
    expect(draft).to_be_hidden()
    expect(composer).to_have_value("typing while it drafts")

    # The next draft is written in full, fails the guardrails, and is shown replaced.
    post(external_id="m-2", text="so what do you do for fun?")
    expect(draft).to_have_attribute("data-state", "rejected", timeout=60_000)
    expect(draft).to_contain_text("Draft failed checks — replaced")
    expect(draft.locator("[data-draft-text]")).to_have_text(BAD)
    options = page.locator('#suggestions [data-answers-seq="2"] .option')
    expect(options.first).to_be_visible(timeout=30_000)
    replacement = wait_until(lambda: drafts_of(conversation_id, 2).first(), timeout=30)
    assert replacement.text != BAD and reply_object(BAD) not in replacement.text
    expect(page.locator("#suggestions")).to_contain_text(replacement.text)
    expect(page.locator("#suggestions")).not_to_contain_text(BAD)

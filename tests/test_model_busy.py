"""Busy is not broken: when every model server stays busy for as long as a draft can wait
(a burst), the stack's balancer answers "busy" and the operator gets the fallback lines,
but the workspace's circuit stays closed and the customer's conversation is not counted a
generation failure (two of those end it). The real balancer, in front of a stand-in model
server whose answer the test holds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conversations import pipeline
from conversations.models import Conversation
from conversations.replies import circuit
from core import dispatch
from stack.processes import LLM_ALIAS
from tests.conftest import receive
from tests.test_llm import clear_llm_keys
from tests.test_llm_balancer import HeldModelServer, ask, start_balancer, wait_for


@pytest.fixture
def busy_balancer(settings) -> Iterator[str]:
    """Django pointed at a balancer whose one server is busy with someone else's draft."""
    server = HeldModelServer("busy")
    process, url = start_balancer([server.url])
    holder = ask(url, "someone else's draft", False)
    wait_for([server], 1)
    settings.LLM_BASE_URL = url
    settings.LLM_MODEL = LLM_ALIAS
    settings.LLM_STRUCTURED_OUTPUT = "json_object"
    # The balancer keeps a request waiting up to its caller's timeout less 3 s.
    settings.LLM_TIMEOUT_SECONDS = settings.LLM_DEADLINE_SECONDS = 4
    settings.LLM_CIRCUIT_FAILURES = 1  # any failure that counted would open it
    clear_llm_keys()
    try:
        yield url
    finally:
        server.close()
        holder.join(timeout=20)
        process.terminate()
        process.wait(timeout=10)
        clear_llm_keys()


def test_busy_servers_neither_open_the_circuit_nor_end_the_conversation(
    workspace, persona, busy_balancer
):
    for number in (1, 2):
        message = receive(workspace, f"hey, you there? ({number})", f"m-{number}")
        drafted = pipeline.suggest(message, dispatch.auto_request_key(message.pk))
        assert drafted is not None and drafted.is_fallback
        assert "busy" in drafted.generation["error"]
        assert drafted.suggestions.filter(source="fallback").exists()  # lines to send

    assert not circuit(workspace.pk).is_open()
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.llm_error_count == 0
    assert conversation.status == Conversation.Status.OPEN

"""While the options after a set's first wait at the back of the llm queue
(conversations.fill), the operator's page says more are coming; once the fill has ended,
filled or given up on, it no longer does. Against a stand-in model server that speaks the
streaming protocol; the fill runs as the worker would run it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conversations import fill, pipeline
from conversations.models import Message, SuggestionSet
from core import dispatch
from stack import LLM_ALIAS
from tests.conftest import receive
from tests.streaming_model import Script, StreamingModelServer
from tests.test_llm import clear_llm_keys

COMING = "data-filling"


@pytest.fixture
def model(settings) -> Iterator[StreamingModelServer]:
    server = StreamingModelServer([Script("Hey you! How was the shoot today?")])
    settings.LLM_BASE_URL = server.url
    settings.LLM_MODEL = LLM_ALIAS
    settings.LLM_STRUCTURED_OUTPUT = "json_object"
    settings.LLM_SUGGESTIONS = 3
    clear_llm_keys()
    yield server
    server.close()
    clear_llm_keys()


def suggestions_html(client, message: Message) -> str:
    response = client.get(
        f"/w/acme/c/{message.conversation_id}/suggestions/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_more_options_are_coming_until_the_fill_ends(
    workspace, persona, operator_client, model
):
    message = receive(workspace, "hey! what are you up to?", "m-1")
    first = pipeline.suggest(message, dispatch.auto_request_key(message.pk), latest_only=True)
    assert first is not None and first.suggestions.filter(source="model").count() == 1
    assert COMING in suggestions_html(operator_client, message)

    fill.fill(first.pk)

    filled = SuggestionSet.objects.get(pk=first.pk)
    assert filled.suggestions.filter(source="model").count() == 3
    assert filled.generation["filling"] is False
    assert COMING not in suggestions_html(operator_client, message)


def test_a_fill_given_up_on_says_so_too(workspace, persona, operator_client, model):
    """The customer wrote again before the fill ran: no more options come for the old set,
    and the page does not promise them."""
    message = receive(workspace, "hey! what are you up to?", "m-1")
    first = pipeline.suggest(message, dispatch.auto_request_key(message.pk), latest_only=True)
    assert first is not None
    receive(workspace, "hello??", "m-2")

    fill.fill(first.pk)

    assert SuggestionSet.objects.get(pk=first.pk).suggestions.filter(source="model").count() == 1
    assert SuggestionSet.objects.get(pk=first.pk).generation["filling"] is False

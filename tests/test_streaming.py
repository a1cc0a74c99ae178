"""The first draft streams: Server-Sent Events parsed whatever way the network cuts them,
the reply's words read out of a JSON object that is still being written, every failure
mid-stream an LLMError, a stop that closes the response; then, across real processes
(Celery worker, real model server, uvicorn, Redis channel layer), the words reach the
conversation's websocket before the stored set does, growing, and end as it is stored.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from conversations import ingestion
from conversations.models import Message, SuggestionSet
from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend
from mlops.llm_stream import ChatStream, EventStream, StreamBroken, StreamStopped, reply_preview
from mlops.prompts import REPLY_SCHEMA
from stack import LLM_ALIAS
from tests.conftest import running_worker, stop, wait_until
from tests.streaming_model import Script, StreamingModelServer, reply_object
from tests.test_llm import MESSAGES, clear_llm_keys, start_llm_server

# -- Server-Sent Events, cut anywhere --------------------------------------------------

TRANSCRIPT = (
    ": ping - keep-alive\r\n\r\n"
    'data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]}\r\n\r\n'
    "event: message\r\n"
    'data: {"choices":[{"index":0,\r\n'
    'data: "delta":{"content":"caf\\u00e9 "}}]}\r\n\r\n'
    'data:{"choices":[{"index":0,"delta":{"content":"ol\\u00e9"},"finish_reason":"stop"}]}\n\n'
    "data: [DONE]\r\n\r\n"
)


def events_of(chunks: list[str]) -> list[str]:
    parser = EventStream()
    return [data for chunk in chunks for data in parser.feed(chunk)]


def test_events_are_the_same_however_the_stream_is_cut():
    whole = events_of([TRANSCRIPT])
    assert len(whole) == 4 and whole[-1] == "[DONE]"
    assert json.loads(whole[1])["choices"][0]["delta"]["content"] == "café "  # two data lines
    assert events_of(list(TRANSCRIPT)) == whole  # one character at a time, "\r" | "\n" too
    cuts = random.Random(7)
    for _ in range(50):
        points = sorted(cuts.sample(range(1, len(TRANSCRIPT)), 12))
        pieces = [TRANSCRIPT[a:b] for a, b in pairwise([0, *points, len(TRANSCRIPT)])]
        assert events_of(pieces) == whole


def test_a_chat_stream_is_its_deltas_until_done():
    chat = ChatStream()
    grew = [chat.feed(char) for char in TRANSCRIPT]
    assert chat.text == "café olé" and chat.done and chat.finished
    assert sum(grew) == 2  # one growth per content delta, none for the role or [DONE]


def test_an_error_event_mid_stream_breaks_it():
    chat = ChatStream()
    chat.feed('data: {"choices":[{"index":0,"delta":{"content":"hel"}}]}\n\n')
    with pytest.raises(StreamBroken, match="failed mid-stream: out of memory"):
        chat.feed('data: {"error": {"message": "out of memory"}}\n\n')
    with pytest.raises(StreamBroken, match="not JSON"):
        ChatStream().feed("data: {half an event\n\n")


# -- the reply's words inside a JSON object that is still arriving ----------------------

TRICKY = 'She said "hi"\nthen left \u2014 caf\u00e9 \U0001f600 back\\slash ok'


def test_every_prefix_shows_a_growing_reply_and_never_json():
    raw = json.dumps({"text": TRICKY, "theme": "warm", "descriptor": "x", "confidence": 0.5})
    assert "\\u00e9" in raw and "\\ud83d\\ude00" in raw and '\\"' in raw  # really escaped
    shown = [reply_preview(raw[:end]) for end in range(len(raw) + 1)]
    for before, after in pairwise(shown):
        assert after.startswith(before)
    for text in shown:
        assert not any(piece in text for piece in ('"text"', "\\u", '\\"', "\\n", "{"))
        assert "\ud83d" not in text  # half a character is held back, never shown
    assert shown[-1] == " ".join(TRICKY.split())
    opened = raw.index('"text"') + len('"text": "')
    assert shown[opened] == "" and shown[opened + 1] == "S"  # words only once they begin


def test_the_reply_is_found_wherever_the_object_puts_it():
    before = {"theme": "warm", "descriptor": 'a, "b" {c}', "n": [1, {"x": 2}]}
    raw = json.dumps({**before, "text": "hey"})
    assert reply_preview(raw[: raw.index('"text"')]) == ""
    assert reply_preview(raw) == "hey"
    assert reply_preview('{"text": 5}') == reply_preview("not json") == reply_preview("") == ""
    assert reply_preview('{"text": "a\\ud83dx"}') == "a\ufffdx"  # a lone half: replaced
    for cut in ("ab\\", "ab\\u00", "ab\\ud83d", "ab\\ud83d\\ude", "ab\\q"):
        assert reply_preview('{"text": "' + cut) == "ab"


# -- streaming over HTTP, against a stand-in that speaks the protocol -------------------


class Heard:
    """A stream's listener: what it heard, and a stop after `stop_after` growths."""

    def __init__(self, stop_after: int | None = None) -> None:
        self.texts: list[str] = []
        self.stop_after = stop_after

    def on_text(self, text: str) -> None:
        self.texts.append(text)

    def stopped(self) -> bool:
        return self.stop_after is not None and len(self.texts) >= self.stop_after


def stream_from(script: Script, to: Heard, timeout: float = 10) -> str:
    server = StreamingModelServer([script])
    try:
        backend = OpenAICompatibleBackend(server.url, LLM_ALIAS, structured="json_object")
        params = GenerationParams(json_schema=REPLY_SCHEMA)
        return backend.stream(MESSAGES, params, timeout, to)
    finally:
        server.close()


def test_a_stream_hands_over_its_text_as_it_grows():
    heard = Heard()
    raw = stream_from(Script(TRICKY, chars_per_event=2), heard)
    assert raw == reply_object(TRICKY)
    assert len(heard.texts) > 20 and heard.texts[-1] == raw
    for before, after in pairwise(heard.texts):
        assert after.startswith(before) and len(after) > len(before)


@pytest.mark.parametrize(
    ("end", "says"), [("error", "failed mid-stream: the model crashed"), ("hang-up", "before")]
)
def test_a_stream_that_breaks_mid_way_is_an_llm_error(end, says):
    heard = Heard()
    with pytest.raises(LLMError, match=says):
        stream_from(Script("hello there", end=end), heard)
    assert heard.texts  # it broke after some words had come


def test_a_stream_past_its_deadline_is_an_llm_error():
    with pytest.raises(LLMError, match="deadline"):
        stream_from(Script("slowly, one piece at a time", pause=0.1), Heard(), timeout=0.5)


def test_a_server_that_ignores_stream_answers_in_one_piece():
    server = StreamingModelServer([], others=["all at once"], ignores_stream=True)
    heard = Heard()
    try:
        backend = OpenAICompatibleBackend(server.url, LLM_ALIAS, structured="json_object")
        raw = backend.stream(MESSAGES, GenerationParams(json_schema=REPLY_SCHEMA), 10, heard)
    finally:
        server.close()
    assert raw == reply_object("all at once") and heard.texts == [raw]


def test_a_stopped_stream_closes_the_response():
    server = StreamingModelServer([Script("a long reply " * 20, pause=0.01)])
    backend = OpenAICompatibleBackend(server.url, LLM_ALIAS, structured="json_object")
    heard = Heard(stop_after=3)
    try:
        with pytest.raises(StreamStopped):
            backend.stream(MESSAGES, GenerationParams(json_schema=REPLY_SCHEMA), 10, heard)
        # The server found its client gone before the end: it stops generating.
        wait_until(server.hung_up.is_set, timeout=5)
    finally:
        server.close()
    assert len(heard.texts) == 3


# -- the real path: worker, real model, websocket ----------------------------------------


@pytest.fixture(scope="module")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = start_llm_server(Path(tmp_path_factory.mktemp("llm")) / "llm-server.log")
    try:
        yield url
    finally:
        stop(process)


@pytest.fixture
def worker_on_the_model(model_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's settings come from its environment: the real model, streaming on."""
    for name, value in {
        "LLM_BASE_URL": model_server,
        "LLM_MODEL": LLM_ALIAS,
        "LLM_STRUCTURED_OUTPUT": "json_object",
        "LLM_SUGGESTIONS": "2",
        "LLM_MAX_TOKENS": "80",
        "LLM_TIMEOUT_MS": "40000",
        "LLM_DEADLINE_MS": "60000",
    }.items():
        monkeypatch.setenv(name, value)
    clear_llm_keys()


def conversation_socket(server: str, user, conversation_id: int):
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = server.replace("http://", "ws://") + f"/ws/w/acme/c/{conversation_id}/"
    return connect(url, additional_headers={"Cookie": cookie, "Origin": server})


def frames_until_stored(socket, seq: int, timeout: float = 150) -> list[dict]:
    """This message's draft frames and ready events, until the first ready after the
    stream's closing frame (the set that stores the draft, or its replacement)."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    closed = False
    while time.monotonic() < deadline:
        event = json.loads(socket.recv(timeout=deadline - time.monotonic()))
        if event["type"] not in ("suggestions.streaming", "suggestions.ready"):
            continue
        if event["seq"] != seq:
            continue
        seen.append(event)
        closed = closed or bool(event.get("done"))
        if closed and event["type"] == "suggestions.ready":
            return seen
    pytest.fail(f"no stored set after the stream within {timeout}s: {seen}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_first_draft_streams_to_the_page_before_its_set_is_stored(
    asgi_server, worker_on_the_model, workspace, persona, operator
):
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage("api", "m-1", "c-1", "Sam", "Mia", "hey! how was your day?"),
    )
    message = Message.objects.get(pk=result.message_id)
    # Listening before the worker starts: its first frame cannot come before the socket.
    socket = conversation_socket(asgi_server, operator, message.conversation_id)
    with socket, running_worker():
        seen = frames_until_stored(socket, message.seq)
        stored = SuggestionSet.objects.get(pk=seen[-1]["suggestion_set_id"])

    frames = [e for e in seen if e["type"] == "suggestions.streaming"]
    closing = next(i for i, e in enumerate(frames) if e["done"])
    assert frames[closing:] == frames[-1:]  # nothing streams after the closing frame
    assert seen[-1]["type"] == "suggestions.ready"  # the stored set comes after it
    for frame in frames:
        assert (frame["conversation_id"], frame["message_id"]) == (
            message.conversation_id,
            message.pk,
        )
    growing = [f["text"] for f in frames[:closing]]
    for before, after in pairwise(growing):
        assert after.startswith(before) and len(after) > len(before)
    last = frames[-1]
    drafts = stored.suggestions.filter(source="model").order_by("position")
    if last["rejected"]:
        # The finished draft failed its checks: the set holds its replacement.
        assert stored.suggestions.exists()
        assert stored.is_fallback or drafts.exists()
    else:
        assert growing, "the words streamed before the draft was finished"
        first_draft = drafts.first()
        assert first_draft is not None
        assert last["text"] == first_draft.text


@pytest.mark.django_db
@pytest.mark.parametrize("operator_has_it_open", [True, False])
def test_a_first_draft_says_whether_an_operator_is_watching_it(
    workspace, persona, settings, operator_has_it_open
):
    """The balancer in front of the model servers (stack.llm_balancer) serves a watched
    draft first; the draft says so only while an operator has its conversation open."""
    from conversations import presence
    from conversations.streaming import DraftStream, StreamedSample

    settings.DRAFT_ORDER = "latest"
    result = ingestion.ingest(
        workspace,
        ingestion.InboundMessage(
            channel="api",
            external_id="w-1",
            contact_external_id="c-w",
            contact_name="",
            persona=persona.name,
            text="hey",
        ),
    )
    message = Message.objects.get(pk=result.message_id)
    channel = f"test-page-{operator_has_it_open}"
    if operator_has_it_open:
        presence.watch(message.conversation_id, channel)
    server = StreamingModelServer([Script("Hi there!")])
    try:
        backend = OpenAICompatibleBackend(server.url, LLM_ALIAS, structured="json_object")
        sample = StreamedSample(backend, DraftStream(message))
        texts = sample.complete(MESSAGES, GenerationParams(json_schema=REPLY_SCHEMA), 10)
    finally:
        server.close()
        presence.unwatch(message.conversation_id, channel)
    assert "Hi there!" in texts[0]
    expected: list[str | None] = ["1"] if operator_has_it_open else [None]
    assert server.watched == expected

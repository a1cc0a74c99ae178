"""A model server that hangs or answers 500: operators get fallback suggestions within
the deadline, the circuit opens so later messages do not wait at all, and the operator
keeps replying. The server is a real HTTP server on loopback speaking the OpenAI paths."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator

import pytest

from conversations.models import Conversation, Message, OperatorDecision
from conversations.replies import circuit
from stack import free_port
from tests.conftest import receive
from tests.test_llm import HTMX, LLM_ALIAS, clear_llm_keys, suggest

pytestmark = pytest.mark.django_db

TIMEOUT_SECONDS = 1.0
DEADLINE_SECONDS = 2.0
FAILURES_TO_OPEN = 2


class BrokenModelServer(http.server.ThreadingHTTPServer):
    """Chat completions that hang (until released, at most 30 s) or fail with 500."""

    daemon_threads = True

    def __init__(self, mode: str) -> None:
        super().__init__(("127.0.0.1", free_port()), BrokenModelHandler)
        self.mode = mode
        self.requests = 0
        self.released = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class BrokenModelHandler(http.server.BaseHTTPRequestHandler):
    server: BrokenModelServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        if self.server.mode == "hang":
            self.server.released.wait(30)
            return
        body = json.dumps({"error": {"message": "CUDA out of memory"}}).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(params=["hang", "500"])
def broken_model(request, settings) -> Iterator[BrokenModelServer]:
    server = BrokenModelServer(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.LLM_BASE_URL = server.url
    settings.LLM_MODEL = LLM_ALIAS
    settings.LLM_STRUCTURED_OUTPUT = "json_object"
    settings.LLM_TIMEOUT_SECONDS = TIMEOUT_SECONDS
    settings.LLM_DEADLINE_SECONDS = DEADLINE_SECONDS
    settings.LLM_CIRCUIT_FAILURES = FAILURES_TO_OPEN
    clear_llm_keys()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
        clear_llm_keys()


def test_a_broken_model_server_falls_back_in_time_opens_the_circuit_and_operators_reply(
    broken_model, workspace, persona, operator, operator_client
):
    message = receive(workspace, "hey, are you there?", "m-1")
    for attempt in range(1, FAILURES_TO_OPEN + 1):
        started = time.monotonic()
        failed = suggest(message, f"try:{attempt}")
        took = time.monotonic() - started
        assert failed.is_fallback, failed.generation
        assert failed.suggestions.exists()
        # The deadline bounds the whole set, whatever the server does (+1 s for storing).
        assert took < DEADLINE_SECONDS + 1, f"{broken_model.mode}: {took:.1f} s"
    assert circuit(workspace.pk).is_open()
    asked = broken_model.requests

    started = time.monotonic()
    skipped = suggest(message, "try:open")
    assert time.monotonic() - started < 1
    assert "circuit open" in skipped.generation["error"]
    assert broken_model.requests == asked  # the open circuit spared the sick server

    # The operator sends a fallback line as it is; nothing waits on the model.
    fallback = skipped.suggestions.get(position=0)
    conversation = Conversation.objects.get(pk=message.conversation_id)
    response = operator_client.post(
        f"/w/acme/c/{conversation.pk}/reply/",
        {"text": fallback.text, "suggestion_id": fallback.pk},
        headers=HTMX,
    )
    assert response.status_code == 200
    reply = Message.objects.get(conversation=conversation, direction=Message.Direction.OUT)
    assert reply.text == fallback.text
    assert OperatorDecision.objects.get(sent_message=reply).suggestion == fallback

"""stack.llm_balancer, the one address in front of the CPU model servers: run as `./dev
run` runs it (a process on a loopback port), in front of stand-in model servers on real
sockets whose answers the test holds and releases."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlops.llm import GenerationParams, LLMError, ModelBusy, OpenAICompatibleBackend
from mlops.llm_headers import watched_draft
from stack.llm_pause import LONGEST_PAUSE_S
from stack.processes import llm_balancer_command
from stack.services import ROOT, free_port, wait_for_port


class HeldModelServer(ThreadingHTTPServer):
    """Answers every POST with an event, then, once `release` is set, a few comments and
    `[DONE]`; notes when the connection was closed before it could finish."""

    daemon_threads = True

    def __init__(self, name: str) -> None:
        super().__init__(("127.0.0.1", 0), HeldHandler)
        self.name = name
        self.release = threading.Event()
        self.hung_up = threading.Event()  # the balancer closed a request before its end
        self.requests: list[dict] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class HeldHandler(BaseHTTPRequestHandler):
    server: HeldModelServer

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        self.wfile.write(f"data: {json.dumps({'server': self.server.name})}\n\n".encode())
        self.wfile.flush()
        self.server.release.wait(30)
        try:
            for _ in range(20):  # SSE comments: writes that fail once the reader has gone
                self.wfile.write(b": still here\n\n")
                self.wfile.flush()
                time.sleep(0.05)
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            self.server.hung_up.set()


@pytest.fixture
def servers() -> Iterator[list[HeldModelServer]]:
    started = [HeldModelServer("first"), HeldModelServer("second")]
    yield started
    for server in started:
        server.close()


def start_balancer(upstreams: list[str], **options: Any) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(llm_balancer_command(port, upstreams, **options), cwd=ROOT)
    wait_for_port(port, "LLM balancer")
    return process, f"http://127.0.0.1:{port}"


@pytest.fixture
def balancer(servers: list[HeldModelServer]) -> Iterator[str]:
    process, url = start_balancer([server.url for server in servers])
    yield url
    process.terminate()
    process.wait(timeout=10)


def first_event(lines: Iterator[str]) -> dict:
    for line in lines:
        if line.startswith("data: "):
            return json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended without an event")


def test_it_sends_a_request_to_the_server_that_is_not_busy_and_streams_as_it_comes(
    servers: list[HeldModelServer], balancer: str
) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}], "stream": True}
    path = "/v1/chat/completions"
    with (
        httpx.Client(base_url=balancer, timeout=20) as client,
        client.stream("POST", path, json=body) as one,
    ):
        # The first event is read while its server still holds the rest: not buffered.
        one_lines = one.iter_lines()
        busy = first_event(one_lines)["server"]
        with client.stream("POST", path, json=body) as two:
            two_lines = two.iter_lines()
            other = first_event(two_lines)["server"]
            for server in servers:
                server.release.set()
            assert "data: [DONE]" in list(two_lines)
        assert "data: [DONE]" in list(one_lines)
    assert {busy, other} == {"first", "second"}
    assert [len(server.requests) for server in servers] == [1, 1]
    assert servers[0].requests[0] == body  # forwarded as it came


def test_a_caller_that_hangs_up_mid_stream_stops_the_request_upstream(
    servers: list[HeldModelServer], balancer: str
) -> None:
    """A draft stopped because the customer wrote again must not keep a server busy."""
    body = {"messages": [{"role": "user", "content": "hi"}], "stream": True}
    with (
        httpx.Client(base_url=balancer, timeout=20) as client,
        client.stream("POST", "/v1/chat/completions", json=body) as response,
    ):
        name = first_event(response.iter_lines())["server"]
    server = next(s for s in servers if s.name == name)
    server.release.set()
    assert server.hung_up.wait(10)


def test_it_skips_a_server_that_is_down_and_answers_502_when_all_are(
    servers: list[HeldModelServer],
) -> None:
    down = HeldModelServer("down")
    down_url = down.url
    down.close()
    servers[0].release.set()
    process, url = start_balancer([down_url, servers[0].url])
    try:
        with httpx.Client(base_url=url, timeout=20) as client:
            for _ in range(3):
                response = client.post("/v1/chat/completions", json={"messages": []})
                assert response.status_code == 200
                assert first_event(response.iter_lines())["server"] == "first"
            servers[0].close()
            response = client.post("/v1/chat/completions", json={"messages": []})
            assert response.status_code == 502
            assert response.json() == {"error": "no model server is reachable"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def ask(balancer: str, content: str, stream: bool, watched: bool = False) -> threading.Thread:
    """A request in a thread of its own, as one of the llm worker's processes sends it."""

    def post() -> None:
        body = {"messages": [{"role": "user", "content": content}], "stream": stream}
        headers = {"X-Draft-Watched": "1"} if watched else {}
        with httpx.Client(base_url=balancer, timeout=30) as client:
            response = client.post("/v1/chat/completions", json=body, headers=headers)
            assert response.status_code == 200

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    return thread


def asked(servers: list[HeldModelServer]) -> list[str]:
    return [r["messages"][0]["content"] for s in servers for r in s.requests]


def wait_for(servers: list[HeldModelServer], count: int) -> None:
    deadline = time.monotonic() + 10
    while len(asked(servers)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(asked(servers)) == count, asked(servers)


def order_after_release(
    servers: list[HeldModelServer], balancer: str, busy: list[str], waiting: list
) -> list[str]:
    """Both servers busy with `busy`; `waiting` ((content, stream, watched), in the order
    asked) queue in the balancer; the first busy server is freed: what it was asked."""
    threads = []
    for count, content in enumerate(busy, start=1):
        threads.append(ask(balancer, content, False))
        wait_for(servers, count)
    for content, stream, watched in waiting:
        threads.append(ask(balancer, content, stream, watched))
        time.sleep(0.5)  # waiting in the balancer: a server takes one generation at a time
    assert len(asked(servers)) == len(busy)
    freed = next(s for s in servers if s.requests[0]["messages"][0]["content"] == busy[0])
    freed.release.set()
    wait_for(servers, len(busy) + len(waiting))
    contents = [r["messages"][0]["content"] for r in freed.requests]
    for server in servers:
        server.release.set()
    for thread in threads:
        thread.join(timeout=20)
        assert not thread.is_alive()
    return contents


def test_a_streamed_draft_waiting_for_a_server_goes_before_options_that_only_fill_in(
    servers: list[HeldModelServer], balancer: str
) -> None:
    """Both servers busy: the first draft of a newer message (streamed, an operator watches
    it being written) takes the next free server ahead of an older message's other
    options, although it asked later."""
    order = order_after_release(
        servers,
        balancer,
        busy=["older 1", "older 2"],
        waiting=[("older 3, fills in", False, False), ("newer, streamed", True, False)],
    )
    assert order[:2] == ["older 1", "newer, streamed"]


def test_the_draft_an_operator_has_open_goes_before_other_first_drafts(
    servers: list[HeldModelServer], balancer: str
) -> None:
    """In a burst, first drafts of conversations nobody has open wait in the balancer; the
    draft of the conversation an operator is looking at (X-Draft-Watched) takes the next
    free server, although it asked last."""
    order = order_after_release(
        servers,
        balancer,
        busy=["busy 1", "busy 2"],
        waiting=[
            ("unwatched A", True, False),
            ("unwatched B", True, False),
            ("watched", True, True),
        ],
    )
    assert order[:2] == ["busy 1", "watched"]


def test_a_server_kept_for_watched_drafts_takes_no_other_request(
    servers: list[HeldModelServer],
) -> None:
    """With the second server kept for the conversation an operator has open, a draft
    nobody watches waits for the first although the second is free, and a watched draft
    that asks after it is served at once."""
    process, url = start_balancer([s.url for s in servers], kept_for_watched=1)
    try:
        threads = [ask(url, "unwatched 1", True)]
        wait_for(servers, 1)
        threads.append(ask(url, "unwatched 2", True))
        time.sleep(0.5)
        assert asked(servers) == ["unwatched 1"]
        threads.append(ask(url, "watched", True, watched=True))
        wait_for(servers, 2)
        assert [r["messages"][0]["content"] for r in servers[1].requests] == ["watched"]
        servers[0].release.set()
        wait_for(servers, 3)
        assert servers[0].requests[-1]["messages"][0]["content"] == "unwatched 2"
        servers[1].release.set()
        for thread in threads:
            thread.join(timeout=20)
            assert not thread.is_alive()
    finally:
        process.terminate()
        process.wait(timeout=10)


def process_state(pid: int) -> str:
    """'T' while stopped, as /proc reports it."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]


@pytest.fixture
def reading_servers() -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    """Three stand-in model servers, each a process the balancer can pause."""
    started = []
    for _ in range(3):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "prompt_reading_server.py"), str(port)]
        )
        started.append((server, f"http://127.0.0.1:{port}"))
    for _server, url in started:
        wait_for_port(int(url.rsplit(":", 1)[1]), "stand-in model server")
    yield started
    for server, _url in started:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def note_states(pids: list[int], states: list[list[str]]) -> None:
    states.append([process_state(pid) for pid in pids])


def watched_stream(balancer: str, read_s: float) -> float:
    """Seconds from asking to the first event of a watched streamed draft."""
    body = {"messages": [], "stream": True, "read_s": read_s}
    started = time.monotonic()
    with (
        httpx.Client(base_url=balancer, timeout=20) as client,
        client.stream(
            "POST", "/v1/chat/completions", json=body, headers={"X-Draft-Watched": "1"}
        ) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("data: "):
                return time.monotonic() - started
    raise AssertionError("no event came")


def test_the_other_servers_pause_while_a_watched_draft_reads_its_prompt(
    reading_servers: list[tuple[subprocess.Popen[bytes], str]],
) -> None:
    """So that the prompt of the conversation an operator has open is read with the whole
    CPU: the other servers are stopped until its first token, and go on after it."""
    pids = [server.pid for server, _url in reading_servers]
    process, url = start_balancer(
        [url for _server, url in reading_servers], kept_for_watched=1, pause_pids=pids
    )
    states: list[list[str]] = []
    try:
        timer = threading.Timer(0.5, note_states, (pids, states))
        timer.start()
        waited = watched_stream(url, read_s=1.0)
        timer.join()
        assert waited >= 1.0
        assert states[0][:2] == ["T", "T"] and states[0][2] != "T"
        time.sleep(0.2)
        assert all(process_state(pid) != "T" for pid in pids)
        # A prompt that takes longer than the longest pause: the others go on anyway.
        timer = threading.Timer(LONGEST_PAUSE_S + 0.5, note_states, (pids, states))
        timer.start()
        watched_stream(url, read_s=LONGEST_PAUSE_S + 1.5)
        timer.join()
        assert all(state != "T" for state in states[-1])
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert all(process_state(pid) != "T" for pid in pids)


def test_a_request_no_server_can_take_in_time_is_answered_busy_while_its_caller_listens(
    servers: list[HeldModelServer], balancer: str
) -> None:
    """In a burst, an option that would get a server only when its caller has given up is
    answered 503 "busy" while the caller still waits (its timeout less a generation's
    time): the caller raises ModelBusy, not a server failure, and no server starts work
    nobody will read."""
    threads = [ask(balancer, "busy 1", False), ask(balancer, "busy 2", False)]
    wait_for(servers, 2)
    backend = OpenAICompatibleBackend(base_url=balancer, default_model="m", structured="none")
    messages = [{"role": "user", "content": "too late"}]
    started = time.monotonic()
    with pytest.raises(ModelBusy, match="every model server stayed busy"):
        backend.complete(messages, GenerationParams(max_tokens=5), timeout=3.5)
    assert time.monotonic() - started < 3.5  # answered before the caller's own timeout
    for server in servers:
        server.release.set()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(asked(servers)) == ["busy 1", "busy 2"]  # "too late" reached none


def test_the_batch_that_replaces_a_rejected_watched_draft_is_served_as_watched(
    servers: list[HeldModelServer],
) -> None:
    """When the streamed first draft of a conversation an operator has open is unusable,
    its replacement is a batch (not streamed); asked inside watched_draft() it still takes
    the server kept for watched drafts, instead of waiting behind every stream."""
    process, url = start_balancer([s.url for s in servers], kept_for_watched=1)
    backend = OpenAICompatibleBackend(base_url=url, default_model="m", structured="none")
    try:
        busy = ask(url, "unwatched", True)
        wait_for(servers, 1)

        def replace_rejected_draft() -> None:
            # The stand-in answers every request with events, which a batch cannot read:
            # where the request went is what this test is about.
            with watched_draft(), contextlib.suppress(LLMError):
                backend.complete([{"role": "user", "content": "batch"}], GenerationParams(), 20)

        batch = threading.Thread(target=replace_rejected_draft, daemon=True)
        batch.start()
        wait_for(servers, 2)
        assert [r["messages"][0]["content"] for r in servers[1].requests] == ["batch"]
        for server in servers:
            server.release.set()
        for thread in (busy, batch):
            thread.join(timeout=20)
    finally:
        process.terminate()
        process.wait(timeout=10)

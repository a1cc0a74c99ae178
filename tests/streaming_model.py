"""A stand-in model server that streams: OpenAI chat completions on a real loopback socket,
`stream: true` answered with Server-Sent Events as vLLM and llama-cpp-python's server send
them, with the timing in the test's hands.

Each streamed request takes the next script from `streams` (the last one repeats): the
reply object's JSON, sent a few characters per event (so escapes are cut mid-way), then
a finish event and `data: [DONE]`, or an error event, or a hang-up. A script may hold at
some token until the test releases it, so "words are on screen, the set is not stored
yet" is a state the test reaches for sure, not a race. Requests without `stream` (and
every request, with `ignores_stream`) get whole replies from `others`, a fresh one each
time (they are the options after the first).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reply_object(text: str, theme: str = "warm") -> str:
    return json.dumps({"text": text, "theme": theme, "descriptor": "stand-in"})


@dataclass
class Script:
    """One streamed answer: `text` is the reply inside the object."""

    text: str
    chars_per_event: int = 3
    pause: float = 0.0
    # token index -> a gate the stream waits on before sending that token
    holds: dict[int, threading.Event] = field(default_factory=dict)
    end: str = "done"  # "done", "error" (an error event mid-stream) or "hang-up"

    def tokens(self) -> list[str]:
        raw = reply_object(self.text)
        size = self.chars_per_event
        return [raw[at : at + size] for at in range(0, len(raw), size)]


class StreamingModelServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, streams: list[Script], others: list[str] | None = None, ignores_stream: bool = False
    ) -> None:
        super().__init__(("127.0.0.1", 0), StreamingModelHandler)
        self.streams = streams
        self.ignores_stream = ignores_stream  # answers in one piece, as some proxies do
        self.streamed = 0  # streamed requests answered so far
        self.others = itertools.cycle(others or [f"Another reply, number {n}." for n in range(9)])
        self.lock = threading.Lock()
        self.hung_up = threading.Event()  # a client closed a stream before its end
        self.watched: list[str | None] = []  # each streamed request's X-Draft-Watched
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_script(self) -> Script:
        with self.lock:
            self.streamed += 1
            return self.streams[min(self.streamed, len(self.streams)) - 1]

    def close(self) -> None:
        for script in self.streams:
            for gate in script.holds.values():
                gate.set()
        self.shutdown()
        self.server_close()


class StreamingModelHandler(BaseHTTPRequestHandler):
    server: StreamingModelServer

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        if body.get("stream") and not self.server.ignores_stream:
            self.server.watched.append(self.headers.get("X-Draft-Watched"))
            self.stream(self.server.next_script())
        else:
            self.whole(int(body.get("n") or 1))

    def whole(self, n: int) -> None:
        with self.server.lock:
            texts = [next(self.server.others) for _ in range(n)]
        choices = [
            {"index": i, "message": {"role": "assistant", "content": reply_object(text)}}
            for i, text in enumerate(texts)
        ]
        data = json.dumps({"choices": choices}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def stream(self, script: Script) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        try:
            self.event({"delta": {"role": "assistant"}, "finish_reason": None})
            for index, token in enumerate(script.tokens()):
                if index in script.holds:
                    script.holds[index].wait(60)
                self.event({"delta": {"content": token}, "finish_reason": None})
                time.sleep(script.pause)
            if script.end == "error":
                self.send({"error": {"message": "the model crashed", "code": 500}})
            elif script.end == "done":
                self.event({"delta": {}, "finish_reason": "stop"})
                self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            self.server.hung_up.set()

    def event(self, choice: dict) -> None:
        self.send({"object": "chat.completion.chunk", "choices": [{"index": 0, **choice}]})

    def send(self, data: dict) -> None:
        self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")

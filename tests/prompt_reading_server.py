"""A stand-in model server in a process of its own, so that the balancer can pause it as it
pauses llama-cpp-python's servers: a streamed request's first event comes after the
request's "read_s" seconds (the time a real server spends reading the prompt), then a few
more and `[DONE]`.

Run: python tests/prompt_reading_server.py PORT
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PromptReadingHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        self.wfile.flush()
        time.sleep(float(body.get("read_s", 0)))
        for token in ("Hi", " there", "!"):
            self.wfile.write(f"data: {json.dumps({'content': token})}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), PromptReadingHandler)
    server.daemon_threads = True
    server.serve_forever()

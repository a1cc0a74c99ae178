"""Streamed chat completions: Server-Sent Events in, the sample's text so far out.

The OpenAI protocol (vLLM, llama-cpp-python's server) streams a completion as SSE:
`data: {json}` events whose `choices[0].delta.content` carry the next piece of text, ended
by `data: [DONE]`. The network cuts the stream anywhere (mid-line, mid-escape), so events
are buffered until whole. An error object inside the stream, an event that is not JSON,
or a stream that stops short is a broken stream.

The sample is a JSON object (structured output), so the words arrive inside it:
`reply_preview` reads the reply's text out of however much of the object has arrived, so
a page can show the words as they are written and never the JSON around them.

Django-free, and it imports nothing of mlops.llm (which imports it): failures are raised as
StreamBroken, a ValueError that the backend turns into its LLMError.
"""

from __future__ import annotations

import itertools
import json
import re
import string
import time
from collections.abc import Iterable
from typing import Protocol

LINE_END = re.compile(r"\r\n|\r|\n")
DONE = "[DONE]"


class StreamBroken(ValueError):
    """The stream broke mid-way or broke the protocol; the message says how."""


class StreamStopped(Exception):
    """The caller asked the stream to stop (its work was superseded): not a failure."""


class EventStream:
    """Server-Sent Events: feed text as it arrives, get back the data of each whole event."""

    def __init__(self) -> None:
        self.pending = ""
        self.data: list[str] = []

    def feed(self, chunk: str) -> list[str]:
        text = self.pending + chunk
        held = ""
        if text.endswith("\r"):
            # It may be the first half of "\r\n": one line end, not two.
            text, held = text[:-1], "\r"
        *lines, rest = LINE_END.split(text)
        self.pending = rest + held
        events = []
        for line in lines:
            if not line:  # a blank line ends an event
                if self.data:
                    events.append("\n".join(self.data))
                self.data = []
                continue
            name, _, value = line.partition(":")
            if name == "data":  # comments (":"), "event:", "id:" and "retry:" carry no text
                self.data.append(value[1:] if value.startswith(" ") else value)
        return events


class ChatStream:
    """One streamed sample: its text so far, and whether the server said it is finished."""

    def __init__(self) -> None:
        self.events = EventStream()
        self.parts: list[str] = []
        self.done = False  # [DONE] arrived
        self.finished = False  # a choice said why it stopped (length, stop)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def feed(self, chunk: str) -> bool:
        """Take a piece of the stream; True when the text grew."""
        grew = False
        for data in self.events.feed(chunk):
            if data.strip() == DONE:
                self.done = True
                break
            piece, finish_reason = delta(data)
            self.finished = self.finished or bool(finish_reason)
            if piece:
                self.parts.append(piece)
                grew = True
        return grew


def delta(data: str) -> tuple[str, str | None]:
    """An event's new text and its finish reason, if any."""
    try:
        event = json.loads(data)
    except ValueError as exc:
        raise StreamBroken("streamed an event that is not JSON") from exc
    if isinstance(event, dict) and event.get("error"):
        error = event["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise StreamBroken(f"failed mid-stream: {str(message)[:200]}")
    try:
        choices = event["choices"]
        if not choices:  # vLLM's closing usage event has none
            return "", None
        choice = choices[0]
        return str(choice.get("delta", {}).get("content") or ""), choice.get("finish_reason")
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise StreamBroken(f"broke the streaming protocol: {exc!r}") from exc


class Listener(Protocol):
    """Who follows a stream: hears its text so far, and may ask it to stop."""

    def on_text(self, text: str) -> None: ...

    def stopped(self) -> bool: ...


def read_answer(chunks: Iterable[str], to: Listener, deadline: float) -> str:
    """The sample from a streamed answer, or from a server (or proxy) that ignored `stream`
    and answered in one piece: a plain chat completion, told apart by its first character
    (an event stream never starts with "{"), whatever its content type says."""
    rest = iter(chunks)
    first = next((chunk for chunk in rest if chunk.strip()), "")
    if not first.lstrip().startswith("{"):
        return read_stream(itertools.chain([first], rest), to, deadline)
    try:
        whole = json.loads(first + "".join(rest))
        text = str(whole["choices"][0]["message"]["content"] or "")
    except (KeyError, IndexError, TypeError) as exc:
        raise StreamBroken(f"broke the protocol: {exc!r}") from exc
    to.on_text(text)
    return text


def read_stream(chunks: Iterable[str], to: Listener, deadline: float) -> str:
    """The whole sample, telling `to` the text so far each time it grows.

    `to.stopped()` is asked after every chunk; True raises StreamStopped (the caller's
    `with` closes the response, and the server stops generating). Past `deadline`
    (monotonic) the stream is broken off as timed out.
    """
    chat = ChatStream()
    for chunk in chunks:
        if chat.feed(chunk):
            to.on_text(chat.text)
        if chat.done:
            return chat.text
        if to.stopped():
            raise StreamStopped
        if time.monotonic() > deadline:
            raise StreamBroken("stream passed its deadline")
    if chat.finished:  # a server that closes without [DONE] after a finish reason
        return chat.text
    raise StreamBroken("stream ended before [DONE]")


# -- the reply's text inside a partial JSON object -------------------------------------

ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
WHITESPACE = " \t\r\n"


def reply_preview(raw: str, field: str = "text") -> str:
    """The value of the object's `field` as far as it has arrived, whitespace collapsed;
    "" until the field's value has begun (never a piece of the JSON itself)."""
    value = partial_field(raw, field)
    return " ".join(value.split())


def partial_field(raw: str, field: str) -> str:
    """A top-level string field of a JSON object that may be cut off anywhere."""
    at = skip_space(raw, 0)
    if not raw.startswith("{", at):
        return ""
    at += 1
    while True:
        at = skip_space(raw, at)
        if not raw.startswith('"', at):
            return ""
        key, at, closed = read_string(raw, at)
        at = skip_space(raw, at)
        if not closed or not raw.startswith(":", at):
            return ""
        at = skip_space(raw, at + 1)
        if at >= len(raw):
            return ""
        if key == field:
            return read_string(raw, at)[0] if raw[at] == '"' else ""
        end = skip_value(raw, at)
        if end is None:
            return ""
        at = skip_space(raw, end)
        if not raw.startswith(",", at):
            return ""
        at += 1


def skip_space(raw: str, at: int) -> int:
    while at < len(raw) and raw[at] in WHITESPACE:
        at += 1
    return at


def read_string(raw: str, at: int) -> tuple[str, int, bool]:
    """The string starting at raw[at] == '"', decoded as far as it is whole:
    (text, index after it, closed). An escape cut off at the end is held back."""
    out: list[str] = []
    at += 1
    while at < len(raw):
        char = raw[at]
        if char == '"':
            return "".join(out), at + 1, True
        if char != "\\":
            out.append(char)
            at += 1
            continue
        decoded, at = read_escape(raw, at)
        if decoded is None:
            break
        out.append(decoded)
    return "".join(out), at, False


def read_escape(raw: str, at: int) -> tuple[str | None, int]:
    """The escape at raw[at] == "\\": (its character, index after), or (None, at) when it
    is cut off or broken. A surrogate pair is read whole; a lone half becomes U+FFFD."""
    kind = raw[at + 1 : at + 2]
    if kind in ESCAPES:
        return ESCAPES[kind], at + 2
    if kind != "u":
        return None, at
    unit = hex_unit(raw, at)
    if unit is None:
        return None, at
    if 0xD800 <= unit < 0xDC00:
        after = raw[at + 6 : at + 12]
        if "\\u".startswith(after) or (after.startswith("\\u") and len(after) < 6):
            return None, at  # the low half may be on its way
        low = hex_unit(raw, at + 6) if after.startswith("\\u") else None
        if low is not None and 0xDC00 <= low < 0xE000:
            return chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)), at + 12
        return "\ufffd", at + 6
    if 0xDC00 <= unit < 0xE000:
        return "\ufffd", at + 6
    return chr(unit), at + 6


def hex_unit(raw: str, at: int) -> int | None:
    digits = raw[at + 2 : at + 6]
    if len(digits) < 4 or not all(char in string.hexdigits for char in digits):
        return None
    return int(digits, 16)


def skip_value(raw: str, at: int) -> int | None:
    """The index after the (whole) JSON value at raw[at], or None while it is incomplete."""
    if raw[at] == '"':
        _, end, closed = read_string(raw, at)
        return end if closed else None
    depth = 0
    while at < len(raw):
        char = raw[at]
        if char == '"':
            _, at, closed = read_string(raw, at)
            if not closed:
                return None
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                return at
            depth -= 1
        elif char == "," and depth == 0:
            return at
        at += 1
    return None

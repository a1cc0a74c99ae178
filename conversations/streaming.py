"""The first draft, streamed to the operator's page while the model writes it.

With streaming on (conversations.replies.streams_options), the first option is one
streamed sample: each time its reply text grows, a `suggestions.streaming` frame carrying
the whole text so far goes to the conversation's page (so a frame lost on the way costs
nothing), at most one per FRAME_EVERY_SECONDS, the first at once. When the sample is
finished and checked, a last frame says done; if it failed parsing, the guardrails or the
fact checks, the frame says rejected and the page shows that it was replaced. The stored
set, announced by `suggestions.ready` as always, is the truth: frames are a preview and
are never stored. A customer who writes again stops the stream (latest wins).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from conversations import events, presence
from conversations.models import Message
from mlops.llm import GenerationParams, LLMBackend, OpenAICompatibleBackend
from mlops.llm import Message as ChatMessage
from mlops.llm_stream import reply_preview

logger = logging.getLogger(__name__)

# At most one frame per this many seconds: ~20 a second reads as live typing and stays
# far from flooding a page (every frame carries the whole text so far).
FRAME_EVERY_SECONDS = 0.05
# How often a stream asks whether the customer wrote again (one small query).
SUPERSEDED_EVERY_SECONDS = 0.25
# A preview never carries more than this: the stored reply is cut far shorter anyway.
PREVIEW_MAX_CHARS = 1000


class DraftStream:
    """One message's first draft as the page sees it while it is written; the listener
    (mlops.llm_stream.Listener) of the model's stream.

    Frames are throttled on both edges: the first words go at once, later ones at most
    every FRAME_EVERY_SECONDS, and words held back by the throttle follow on a timer, so
    a stream that pauses mid-way (a busy server) never leaves the page behind it."""

    def __init__(self, message: Message, superseded: Callable[[], bool] | None = None) -> None:
        self.conversation_id = message.conversation_id
        self.message_id = message.pk
        self.seq = message.seq
        self.superseded = superseded
        self.visible = ""  # the reply's text so far
        self.shown = ""  # what the last frame carried
        self.frames = 0
        self.sent_at = 0.0
        self.first_sent_at: float | None = None  # time.perf_counter() of the first frame
        self.checked_at = 0.0
        self.broken = False
        self.closed = False  # the closing frame went out (or the stream was dropped)
        self.rejected = False
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def first_frame_timing(self, started: float) -> dict[str, int]:
        """When the operator saw the first words, from `started` (time.perf_counter())."""
        if self.first_sent_at is None:
            return {}
        return {"first_frame_ms": round((self.first_sent_at - started) * 1000)}

    def on_text(self, text: str) -> None:
        """The sample so far (JSON, cut anywhere): its reply's words go to the page."""
        with self.lock:
            self.visible = reply_preview(text)[:PREVIEW_MAX_CHARS]
            if self.closed or not self.visible or self.visible == self.shown:
                return
            wait = self.sent_at + FRAME_EVERY_SECONDS - time.monotonic()
            if not self.frames or wait <= 0:
                self.send(self.visible)
            elif self.timer is None:
                self.timer = threading.Timer(wait, self.catch_up)
                self.timer.daemon = True
                self.timer.start()

    def catch_up(self) -> None:
        """The words the throttle held back, once it allows them."""
        with self.lock:
            self.timer = None
            if not self.closed and self.visible != self.shown:
                self.send(self.visible)

    def stopped(self) -> bool:
        """True once the customer wrote again: the stream is closed, nothing is stored."""
        now = time.monotonic()
        if self.superseded is None or now - self.checked_at < SUPERSEDED_EVERY_SECONDS:
            return False
        self.checked_at = now
        return self.superseded()

    def finish(self, text: str) -> None:
        """The draft as it is stored (checked, styled): the preview's last word. After a
        rejection the replacement is not streamed: the stored set brings it."""
        self.close(text, rejected=False)

    def reject(self) -> None:
        """The finished draft failed its checks: the page shows it replaced."""
        self.close(None, rejected=True)

    def close(self, text: str | None = None, rejected: bool = False) -> None:
        """No more frames; the closing one says done (rejected) when there is one to say."""
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.closed:
                return
            self.closed = True
            if rejected:
                self.rejected = True
                self.send(self.visible, done=True, rejected=True)
            elif text is not None:
                self.send(text, done=True)

    def send(self, text: str, done: bool = False, rejected: bool = False) -> None:
        """One frame to the conversation's page (the caller holds the lock)."""
        if self.broken:
            return
        frame = events.DraftStreaming(
            conversation_id=self.conversation_id,
            message_id=self.message_id,
            seq=self.seq,
            text=text,
            done=done,
            rejected=rejected,
        )
        try:
            events.send_to_groups([events.conversation_group(self.conversation_id)], frame)
        except Exception:
            # A preview is not worth a draft: the stored set still comes, announced.
            logger.warning("draft frames for message %s stopped", self.message_id, exc_info=True)
            self.broken = True
            return
        self.frames += 1
        self.sent_at = time.monotonic()
        if self.first_sent_at is None:
            self.first_sent_at = time.perf_counter()
        self.shown = text


@dataclass
class StreamedSample:
    """A backend whose single samples stream into a DraftStream. Several samples at once,
    or a backend that cannot stream (transformers in-process), answer as they always do."""

    backend: LLMBackend
    draft: DraftStream
    name: str = field(init=False)
    default_model: str = field(init=False)

    def __post_init__(self) -> None:
        self.name, self.default_model = self.backend.name, self.backend.default_model

    def complete(
        self, messages: Sequence[ChatMessage], params: GenerationParams, timeout: float
    ) -> list[str]:
        if params.n != 1 or not isinstance(self.backend, OpenAICompatibleBackend):
            return self.backend.complete(messages, params, timeout)
        watched = operator_watching(self.draft.conversation_id)
        return [self.backend.stream(messages, params, timeout, self.draft, watched=watched)]


def operator_watching(conversation_id: int) -> bool:
    """Whether an operator has the conversation open now: the balancer then hands its first
    draft the next free model server, ahead of drafts nobody is reading yet (in first-in
    first-out order every draft waits its turn, as the baseline does)."""
    if settings.DRAFT_ORDER != "latest":
        return False
    return presence.is_watched(conversation_id)

"""What a request to a model server says about itself beyond the OpenAI protocol, for the
stack's balancer (stack.llm_balancer); other servers ignore these headers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Sent with a streamed draft someone is watching being written (mlops.llm's stream()),
# and with the requests made while FOR_WATCHED_DRAFT is set (watched_draft()).
WATCHED_HEADER = "X-Draft-Watched"
FOR_WATCHED_DRAFT: ContextVar[bool] = ContextVar("for_watched_draft", default=False)
# Sent with every request: how long the caller waits, so that the stack's balancer can
# answer "busy" (BUSY_HEADER) while the caller still listens, rather than hand a server a
# request that was given up on.
TIMEOUT_HEADER = "X-Request-Timeout-Ms"
BUSY_HEADER = "X-Model-Busy"


@contextmanager
def watched_draft(watched: bool = True) -> Iterator[None]:
    """Requests made inside are for a draft an operator is waiting for on screen (the one
    that replaces a rejected streamed draft, say): they carry WATCHED_HEADER too."""
    token = FOR_WATCHED_DRAFT.set(watched)
    try:
        yield
    finally:
        FOR_WATCHED_DRAFT.reset(token)

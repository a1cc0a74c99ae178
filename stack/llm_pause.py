"""Pausing the other CPU model servers while the draft an operator has open reads its prompt.

On two cores every busy model server takes its share of the CPU, so the first draft of
the conversation on an operator's screen reads its prompt at a third of the speed it
would alone: measured 0.39 s to the first token beside two busy servers, 0.13 s with them
stopped (the same prompt, the same machine). Reading the prompt is the part the operator
waits through with nothing on screen; the words after it stream. So while a watched draft
waits for its first token, the balancer stops the servers that are not drafting a watched
reply (SIGSTOP) and lets them go on (SIGCONT) at that first token, or after LONGEST_PAUSE_S
whatever happens: their requests only take that much longer, and every caller's timeout is
far longer than the pause.

This is the CPU stack's stand-in for what vLLM's scheduler does with priorities; against
vLLM there are no local processes to pause and the balancer is not used.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from collections.abc import Callable

# A long prompt must not stall every other draft for long: past this the servers go on.
LONGEST_PAUSE_S = 2.0


class Pauser:
    """Which servers are stopped, from which watched drafts are reading their prompts."""

    def __init__(self, pids: dict[str, int], longest_s: float = LONGEST_PAUSE_S) -> None:
        self.pids = pids  # server URL -> its process
        self.longest_s = longest_s
        self.reading: dict[int, str] = {}  # watched draft -> the server reading its prompt
        self.stopped: set[str] = set()
        self.ids = itertools.count()

    def pause_others(self, url: str) -> Callable[[], None]:
        """Stop every server but `url` (and any other serving a watched draft) until the
        returned callable is called, or LONGEST_PAUSE_S has passed; calling it twice is
        harmless."""
        if not self.pids:
            return lambda: None
        draft = next(self.ids)
        self.reading[draft] = url
        self.apply()

        def go_on() -> None:
            if self.reading.pop(draft, None) is not None:
                self.apply()

        asyncio.get_running_loop().call_later(self.longest_s, go_on)
        return go_on

    def apply(self) -> None:
        keep_running = set(self.reading.values())
        for url, pid in self.pids.items():
            stop = bool(self.reading) and url not in keep_running
            if stop == (url in self.stopped):
                continue
            if send(pid, signal.SIGSTOP if stop else signal.SIGCONT):
                (self.stopped.add if stop else self.stopped.discard)(url)

    def resume_all(self) -> None:
        """On the balancer's way out: no server may stay stopped behind it."""
        self.reading.clear()
        for url in list(self.stopped):
            send(self.pids[url], signal.SIGCONT)
        self.stopped.clear()


def send(pid: int, signum: signal.Signals) -> bool:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:  # the server has gone; the balancer skips it on connect
        return False
    return True

"""The replayed traffic: chitchat-dataset conversations as inbound messages."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

# -- the replayed traffic --------------------------------------------------------------


def replay(count: int, contacts: int) -> list[tuple[str, str]]:
    """(contact, line) pairs: `contacts` chitchat conversations at a time, interleaved,
    each contact sending its conversation's turns in order; a finished one is replaced
    by the next conversation of the dataset."""
    import chitchat_dataset
    from django.conf import settings

    chats = [
        lines
        for chat in chitchat_dataset.ConversationDataset()
        if (lines := [line.strip()[: settings.MESSAGE_MAX_CHARS] for line in chat if line.strip()])
    ]
    numbered: Iterator[tuple[int, list[str]]] = enumerate(itertools.cycle(chats))
    slots = [next(numbered) for _ in range(contacts)]
    cursors = [0] * contacts
    traffic: list[tuple[str, str]] = []
    while len(traffic) < count:
        slot = len(traffic) % contacts
        number, lines = slots[slot]
        if cursors[slot] == len(lines):
            slots[slot], cursors[slot] = next(numbered), 0
            number, lines = slots[slot]
        traffic.append((f"chitchat-{number}", lines[cursors[slot]]))
        cursors[slot] += 1
    return traffic

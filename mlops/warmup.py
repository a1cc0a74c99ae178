"""Load what the first message of a shift would otherwise load on its own time.

A cold worker spends seconds on its first message: the embedding model, the intent head
(its corpus is generated to find the file), the red-flag examples' embeddings and head,
and the sentiment lexicons. Workers that serve the model queues call warm() before they
take work, so the first customer waits no longer than the rest.
"""

from __future__ import annotations

import logging
import time

from mlops import bad_actor, intent_training
from mlops.common_words import common_words
from mlops.embeddings import embed
from mlops.perception import PerceptionInput, perceive_batch

logger = logging.getLogger(__name__)

SAMPLE = "hey! are you around today?"


def warm(perception: bool = True) -> float:
    """Run each lazily loaded reader once on a sample message; the seconds it took. The
    embedding model always (drafting retrieves with it too); the perception readers only
    for a worker that perceives: a drafting process would hold them for nothing, and
    loading them in every pool process at once slows the first messages of a start."""
    started = time.perf_counter()
    vector = embed([SAMPLE])[0]
    common_words()  # the drafts' fact checks read it
    if perception:
        intent_training.bootstrap_head().read(vector, SAMPLE)
        bad_actor.detect_bad_actor([SAMPLE], vectors=[vector])
        perceive_batch([PerceptionInput(text=SAMPLE)])
    seconds = time.perf_counter() - started
    logger.info("models warmed in %.1f s", seconds)
    return seconds

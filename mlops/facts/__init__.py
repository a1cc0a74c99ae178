"""Contact facts from one inbound chat message, read by rules.

A contact's messages keep revealing things an operator should remember: a name, a job,
where they live, what they love or hate, what they are doing now and what is coming up.
`extract_facts` reads those from first-person phrasings ("I'm a nurse", "I live in Berlin",
"I have an exam tomorrow"); `merge_facts` folds them into the facts already stored.

The rules lean towards precision. A wrong fact on an operator's screen costs more than a
missed one, so phrasings that only look like a fact ("I'm a big fan of jazz" is not a job,
"I'm So tired" is not a name, "are you a fan of jazz?" is not the contact's taste) yield
nothing for that kind.

Pure Python and standard library only: this runs inline for every inbound message.
"""

from __future__ import annotations

from mlops.facts.engine import (
    FACT_KINDS,
    LIST_KINDS,
    SINGLE_KINDS,
    ExtractedFact,
    extract_facts,
    merge_facts,
    normalize_value,
)
from mlops.facts.text import MAX_VALUE_CHARS

__all__ = [
    "FACT_KINDS",
    "LIST_KINDS",
    "MAX_VALUE_CHARS",
    "SINGLE_KINDS",
    "ExtractedFact",
    "extract_facts",
    "merge_facts",
    "normalize_value",
]

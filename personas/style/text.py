"""Text primitives shared by every style: the restyling limit, regexes and small helpers.

Words, emoji, clauses and sentences are found the same way for every profile here, and
``_fit`` keeps any restyled text within ``MAX_STYLED_CHARS``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

#: A restyled text never exceeds this many characters (one chat bubble).
MAX_STYLED_CHARS = 280

_APOSTROPHE = "['\u2019]"
_ELLIPSIS = "\u2026"
_SENTENCE_END = ".!?" + _ELLIPSIS
_CLAUSE_MARKS = ",;:" + _SENTENCE_END

# One emoji as a reader sees it: a flag (two regional indicators), or a pictograph with an
# optional skin tone and presentation selector, possibly joined to more by zero-width
# joiners (family and couple emoji), so a cluster counts once rather than per code point.
_PICTOGRAPH = "[\U0001f300-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff]"
_EMOJI_TAIL = "[\U0001f3fb-\U0001f3ff]?\ufe0f?"
_EMOJI_PATTERN = (
    f"[\U0001f1e6-\U0001f1ff]{{2}}|{_PICTOGRAPH}{_EMOJI_TAIL}(?:\u200d{_PICTOGRAPH}{_EMOJI_TAIL})*"
)
_EMOJI_RE = re.compile(_EMOJI_PATTERN)
# Any code point that can be part of an emoji cluster, for scanning a text's tail.
_EMOJI_PART_RE = re.compile(
    "[\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff"
    "\u200d\ufe0f]"
)
_WORD_RE = re.compile(rf"[^\W\d_]+(?:{_APOSTROPHE}[^\W\d_]+)*")
# A clause ends at punctuation followed by a space or the end, so "3.5" or "e.g.x" don't.
# Boundaries are zero-width and runs of marks are matched from their first mark only, so
# long runs ("!!!!...") cost linear rather than quadratic time.
_CLAUSE_BOUNDARY_RE = re.compile(rf"(?<=[{_CLAUSE_MARKS}])(?=\s|\Z)")
_SENTENCE_SPLIT_RE = re.compile(rf"(?<![{_SENTENCE_END}])[{_SENTENCE_END}]++\s+|\n+")
_EMPHATIC_RE = re.compile(rf"[!?]{{2,}}|\.{{3}}|{_ELLIPSIS}|!.*!", re.DOTALL)
_REPEATED_MARK_RE = re.compile(r"([!?])\1+")
_LONE_FINAL_PERIOD_RE = re.compile(r"(?<!\.)\.\Z")


def _normalize(text: str) -> str:
    """Lowercase with straight apostrophes, the form every lexicon here is written in."""
    return text.lower().replace("\u2019", "'")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(_normalize(text))


def _emojis(text: str) -> list[str]:
    return _EMOJI_RE.findall(text)


def _unit(value: float) -> float:
    """Clamp to 0..1 and round to the two decimals every profile reports."""
    return round(min(1.0, max(0.0, value)), 2)


def _phrase_re(phrase: str) -> re.Pattern[str]:
    """A lexicon phrase as a whole-word pattern; its apostrophes are optional ("cant")."""
    parts = [re.escape(word).replace("'", f"{_APOSTROPHE}?") for word in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _terms(spec: str) -> tuple[str, ...]:
    """A comma-separated word list as a tuple, so lexicons stay compact and readable."""
    return tuple(term.strip() for term in spec.split(",") if term.strip())


def _lexicon(phrases: Iterable[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((phrase, _phrase_re(phrase)) for phrase in phrases)


def _found(lexicon: Iterable[tuple[str, re.Pattern[str]]], text: str) -> list[str]:
    """Each lexicon phrase once per occurrence in the text, in order of appearance."""
    hits = [(m.start(), phrase) for phrase, pattern in lexicon for m in pattern.finditer(text)]
    return [phrase for _, phrase in sorted(hits)]


def _rank(groups: Iterable[Iterable[str]]) -> list[str]:
    """Distinct items, most frequent first; ties keep the order they were first seen."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for group in groups:
        for item in group:
            counts[item] += 1
            first_seen.setdefault(item, len(first_seen))
    return sorted(counts, key=lambda item: (-counts[item], first_seen[item]))


def _require(samples: Sequence[str]) -> list[str]:
    texts = [sample for sample in samples if sample and sample.strip()]
    if not texts:
        raise ValueError("no samples")
    return texts


def _split_trailing_decor(text: str) -> tuple[str, str]:
    """Split off trailing whitespace and emoji, so punctuation rules see the last word."""
    # A backward scan rather than an anchored regex, which backtracks quadratically on
    # long runs of spaces or emoji in the middle of a text.
    cut = len(text)
    while cut and (text[cut - 1].isspace() or _EMOJI_PART_RE.match(text[cut - 1])):
        cut -= 1
    return text[:cut], text[cut:]


def _at_sentence_start(text: str, index: int) -> bool:
    before = index
    while before and text[before - 1].isspace():
        before -= 1
    return before == 0 or text[before - 1] in _SENTENCE_END


def _truncate(text: str, limit: int) -> str:
    """Cut to the limit, at a word boundary when one is reasonably close."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip()


def _fit(body: str, suffix: str = "") -> str:
    """The body plus suffix within ``MAX_STYLED_CHARS``; the body gives way, not the suffix."""
    if len(suffix) >= MAX_STYLED_CHARS // 2:
        suffix = ""
    return _truncate(body, MAX_STYLED_CHARS - len(suffix)) + suffix

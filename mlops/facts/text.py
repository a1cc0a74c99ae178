"""Text helpers all fact kinds share: preparing a message, whose phrase it is, cleaning values."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

MAX_VALUE_CHARS = 60

Finding = tuple[str, str]  # (kind, value) read from one match
Reader = Callable[[re.Match[str], str], list[Finding]]


def wordset(words: str) -> frozenset[str]:
    """A lexicon written as whitespace-separated words."""
    return frozenset(words.split())


# -- preparing the text ------------------------------------------------------------------

# Typographic apostrophes (U+2019 and friends) become "'" so one pattern covers both.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
# Control characters, zero-width joiners, variation selectors and emoji end a value just
# like a full stop does ("I love hiking 😍 see you" must give "hiking").
_BREAKERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufe0f"
    "\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
)
# Where the subject of a phrase can no longer be: "I'm a nurse, big fan of jazz".
_CLAUSE_END = re.compile(r"[.!?;,\n]")
_TOKEN = re.compile(r"[^\W_][\w']*")
_SPACES = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Same length as `text`, so match offsets can cut evidence from the original."""
    return _BREAKERS.sub(".", text.translate(APOSTROPHES))


def words_before(text: str, index: int) -> list[str]:
    """Lower-cased words of the clause that precede `index`, at most a few."""
    window = text[max(0, index - 80) : index]
    clause = _CLAUSE_END.split(window)[-1]
    return _TOKEN.findall(clause.lower())[-_SUBJECT_WINDOW:]


_SUBJECT_WINDOW = 5
_FIRST_PERSON = wordset("i i'm im i've ive i'd i'll me myself we we're we've us am let's")
_OTHER_PERSON = wordset(
    "you u ya you're youre ur your he she they he's she's they're theyre his her their "
    "him them is are was were has it it's its who someone somebody everyone people does"
)
_POSSESSIVES = frozenset({"my", "our"})
_FILLERS = wordset(
    "a an as hi hey hello yo so well ok okay yeah yes yep lol haha um uh oh omg wow btw "
    "also and just actually honestly currently now really sorry ugh phew finally guess "
    "what anyway"
)


def said_about_self(words: Sequence[str], *, strict: bool = False) -> bool:
    """Whether the words before a subject-less phrase make it about the contact.

    "big fan of jazz" and "I'm a big fan of jazz" are; "are you a fan of jazz" and "my dad
    is a big fan of jazz" are not. Walking back, the nearest pronoun or verb decides; "my"
    further back than the word right before the phrase starts a subject of its own ("my
    sister has a degree in law", unlike "I finished my degree in law"). With `strict`, any
    other word also counts against ("the nursing student, ...").
    """
    for distance, word in enumerate(reversed(words)):
        if word in _FIRST_PERSON:
            return True
        if word in _OTHER_PERSON or word.endswith("'s"):
            return False
        if word in _POSSESSIVES and distance > 0:
            return False
        if strict and word not in _FILLERS:
            return False
    return True


# -- cleaning values ---------------------------------------------------------------------

_EDGE_JUNK = re.compile(r"^[\W_]+|[^\w+#]+$")


def clean(raw: str) -> str:
    """Collapse spaces, drop leading/trailing punctuation and cap at MAX_VALUE_CHARS."""
    value = _EDGE_JUNK.sub("", _SPACES.sub(" ", raw))
    if len(value) > MAX_VALUE_CHARS:
        value = _EDGE_JUNK.sub("", _shorten(value))
    return value


def _shorten(value: str) -> str:
    """Cut at the last whole word that fits."""
    head = value[: MAX_VALUE_CHARS + 1]
    space = head.rfind(" ")
    return head[:space] if space > 0 else value[:MAX_VALUE_CHARS]


def split_words(raw: str) -> list[str]:
    """Whitespace-separated words with quotes and punctuation trimmed off their edges."""
    words = (word.strip("'\"-*_~") for word in raw.split())
    return [word for word in words if word]


def drop_leading(words: list[str], droppable: frozenset[str]) -> list[str]:
    while words and words[0].lower() in droppable:
        words = words[1:]
    return words


ARTICLES = frozenset({"a", "an", "the"})
ARTICLE_A = frozenset({"a", "an"})
TO = frozenset({"to"})

# Words that point back at the conversation itself ("I love it", "my job is killing me").
CONTEXT_PRONOUNS = wordset(
    "it you u ya yall y'all him her them me us your ur yours that this these those"
)

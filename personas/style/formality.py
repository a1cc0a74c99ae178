"""Formality: how formal a text reads, and the phrase and contraction swaps that restyle it.

``formality_score`` weighs politeness, slang, contractions and the like; the swaps and
the contraction preference are the rewriting both voices (contact and creator) share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from personas.style.text import (
    _APOSTROPHE,
    _EMPHATIC_RE,
    _LONE_FINAL_PERIOD_RE,
    _at_sentence_start,
    _emojis,
    _found,
    _lexicon,
    _split_trailing_decor,
    _terms,
    _unit,
    _words,
)

#: Contractions are applied above this preference...
CONTRACT_ABOVE = 0.5
#: ...and expanded below this one; in between the draft is left as written.
EXPAND_BELOW = 0.3
#: Formality reported for text with no words to judge.
NEUTRAL_FORMALITY = 0.5
_LONG_WORD_LETTERS = 7
_FRAGMENT_WORDS = 4

_POLITENESS = _lexicon(
    _terms(
        "please, thank you, kindly, regards, sincerely, appreciate, would you, could you,"
        " may i, dear, grateful, pleasure, certainly, apologize, apologise"
    )
)
_SLANG = frozenset(
    _terms(
        "yep, yup, yeah, ya, yah, nah, nope, lol, lmao, omg, btw, tbh, idk, imo, lmk, gonna,"
        " wanna, gotta, kinda, sorta, u, ur, k, kk, ok, okay, hey, hiya, sup, thx, pls, plz,"
        " dude, bro, haha, hehe, cuz, ty, np, xo, xoxo, ttyl"
    )
)
# Contractions written with an apostrophe. Only pronoun-like words take "'s", so that
# possessives ("Sam's") are not read as casual writing.
_CONTRACTION_RE = re.compile(
    rf"\b(?:\w+n{_APOSTROPHE}t|\w+{_APOSTROPHE}(?:re|ve|ll|d|m)"
    rf"|(?:it|that|what|there|here|he|she|who|where|how|let){_APOSTROPHE}s)\b"
    # Casual spellings that drop the apostrophe; ambiguous ones ("ill", "its") are left out.
    r"|\b(?:dont|doesnt|didnt|cant|isnt|arent|wasnt|werent|couldnt|wouldnt|shouldnt"
    r"|havent|hasnt|im|ive|youre|theyre|thats|whats|gonna|wanna|gotta)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Contraction:
    expanded: str
    contracted: str
    # "it's" may stand for "it has", "I'd" for "I had": those are only ever contracted.
    reversible: bool = True


_CONTRACTIONS = (
    _Contraction("I am", "I'm"),
    _Contraction("you are", "you're"),
    _Contraction("we are", "we're"),
    _Contraction("they are", "they're"),
    _Contraction("it is", "it's", reversible=False),
    _Contraction("that is", "that's", reversible=False),
    _Contraction("what is", "what's", reversible=False),
    _Contraction("there is", "there's", reversible=False),
    _Contraction("let us", "let's"),
    _Contraction("I will", "I'll"),
    _Contraction("you will", "you'll"),
    _Contraction("we will", "we'll"),
    _Contraction("they will", "they'll"),
    _Contraction("I would", "I'd", reversible=False),
    _Contraction("do not", "don't"),
    _Contraction("does not", "doesn't"),
    _Contraction("did not", "didn't"),
    _Contraction("is not", "isn't"),
    _Contraction("are not", "aren't"),
    _Contraction("was not", "wasn't"),
    _Contraction("were not", "weren't"),
    _Contraction("have not", "haven't"),
    _Contraction("has not", "hasn't"),
    _Contraction("will not", "won't"),
    _Contraction("would not", "wouldn't"),
    _Contraction("could not", "couldn't"),
    _Contraction("should not", "shouldn't"),
    _Contraction("cannot", "can't"),
    _Contraction("can not", "can't", reversible=False),
)


def _expanded_re(contraction: _Contraction) -> re.Pattern[str]:
    """The spelled-out form. "I am" can't contract at a clause end ("what it is."), so
    forms other than negations only match when a word follows."""
    body = r"\s+".join(re.escape(word) for word in contraction.expanded.split())
    needs_follower = not contraction.expanded.endswith("not")
    follower = r"(?=\s+\w)" if needs_follower else r"\b"
    return re.compile(rf"\b{body}{follower}", re.IGNORECASE)


def _contracted_re(contraction: _Contraction) -> re.Pattern[str]:
    body = re.escape(contraction.contracted).replace("'", _APOSTROPHE)
    return re.compile(rf"\b{body}\b", re.IGNORECASE)


_CONTRACT_RULES = tuple((_expanded_re(c), c.contracted) for c in _CONTRACTIONS)
_EXPAND_RULES = tuple((_contracted_re(c), c.expanded) for c in _CONTRACTIONS if c.reversible)
_EXPANDED_FORMS_RE = re.compile(
    "|".join(f"(?:{pattern.pattern})" for pattern, _ in _CONTRACT_RULES), re.IGNORECASE
)


def _count_contractions(text: str) -> int:
    return len(_CONTRACTION_RE.findall(text))


def _count_expanded(text: str) -> int:
    return len(_EXPANDED_FORMS_RE.findall(text))


def _is_well_formed(text: str) -> bool:
    """Starts with a capital and ends like a written sentence (period or question mark)."""
    body, _ = _split_trailing_decor(text.strip())
    first_letter = next((char for char in body if char.isalpha()), "")
    return first_letter.isupper() and body.endswith((".", "?"))


def formality_score(text: str) -> float:
    """How formal the text reads: 0 casual .. 1 formal.

    Starts neutral and adds weighted signals: politeness markers, spelled-out forms
    ("I am"), long words and proper sentences push up; contractions, slang, emoji, no
    capitals at all, emphatic punctuation and short fragments push down.
    """
    words = _words(text)
    if not words:
        return NEUTRAL_FORMALITY
    long_words = [w for w in words if "'" not in w and len(w) >= _LONG_WORD_LETTERS]
    slang = [w for w in words if w in _SLANG]
    formal = (
        0.20 * min(1.0, len(_found(_POLITENESS, text)))
        + 0.10 * min(1.0, _count_expanded(text))
        + 0.20 * min(1.0, 4 * len(long_words) / len(words))
        + 0.10 * _is_well_formed(text)
    )
    casual = (
        0.15 * min(1.0, _count_contractions(text))
        + 0.25 * min(1.0, 4 * len(slang) / len(words))
        + 0.15 * bool(_emojis(text))
        + 0.10 * (not any(char.isupper() for char in text))
        + 0.10 * bool(_EMPHATIC_RE.search(text))
        + 0.10 * (len(words) < _FRAGMENT_WORDS)
    )
    return _unit(NEUTRAL_FORMALITY + formal - casual)


# Restyling shared by both voices --------------------------------------------------------

Swap = tuple[re.Pattern[str], str]


def _swaps(pairs: Iterable[tuple[str, str]]) -> tuple[Swap, ...]:
    return tuple(
        (re.compile(rf"(?<!\w)(?:{source})(?!\w)", re.IGNORECASE), target)
        for source, target in pairs
    )


# Formal wording and its everyday equivalent, used for any casual voice. More specific
# phrasings come first so "thank you very much" is not left as "thanks very much".
_CASUAL_SWAPS = _swaps(
    (
        (r"thank you(?: very much| so much)?", "thanks"),
        (r"I apologi[sz]e", "sorry"),
        (r"I am unable to", "I can't"),
        (r"please let me know", "let me know"),
        (r"hello|greetings", "hey"),
        (r"certainly|of course", "sure"),
        (r"however,?", "but"),
        (r"therefore,?", "so"),
        (r"perhaps", "maybe"),
        (r"goodbye", "bye"),
        (r"regarding", "about"),
        (r"yes", "yeah"),
    )
)
# A contact's voice: as few words as will do ("good, thanks").
_CONTACT_SWAPS = _swaps(
    (
        (r"thank you (?:so much |very much )?for asking", "thanks"),
        (rf"I(?: am|{_APOSTROPHE}m) doing (?:very |really )?well", "doing good"),
        (r"doing (?:very |really )?well", "good"),
    )
)
# A creator's voice: warm and engaged rather than merely short ("thanks for checking in").
_CREATOR_SWAPS = _swaps(
    (
        (r"thank you (?:so much |very much )?for asking", "thanks for checking in"),
        (r"doing (?:very |really )?well", "great"),
    )
)


def _swap(text: str, rules: Iterable[Swap]) -> str:
    """Apply each rule in turn, capitalizing a replacement that now opens a sentence."""
    for pattern, target in rules:
        text = pattern.sub(partial(_cased, replacement=target), text)
    return text


def _cased(match: re.Match[str], replacement: str) -> str:
    opens_sentence = _at_sentence_start(match.string, match.start())
    if opens_sentence and match.group(0)[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _apply_contraction_preference(text: str, preference: float) -> str:
    if preference > CONTRACT_ABOVE:
        return _swap(text, _CONTRACT_RULES)
    if preference < EXPAND_BELOW:
        return _swap(text, _EXPAND_RULES)
    return text


def _drop_final_period(text: str) -> str:
    body, tail = _split_trailing_decor(text)
    return _LONE_FINAL_PERIOD_RE.sub("", body) + tail


def _has_words(text: str) -> bool:
    return bool(_words(text))

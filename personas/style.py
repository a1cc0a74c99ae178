"""Rule-based writing style: learn how someone writes, then restyle a draft to match.

Two kinds of profile live here:

* ``StyleProfile``: how a contact or operator replies, learned from the outputs of
  (input, output) samples, used to make a draft reply sound like them.
* ``CreatorStyle``: a creator's flirty voice (pet names, signature emojis, teasing),
  learned from plain sample messages.

Everything is deterministic pure Python with no Django or network access: the same
samples always give the same profile, and it runs the same in views, tasks and tests.
Restyling never raises on odd input, never returns more than ``MAX_STYLED_CHARS``
characters, and always keeps at least the first clause of the draft.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from statistics import fmean
from typing import Any

#: A restyled text never exceeds this many characters (one chat bubble).
MAX_STYLED_CHARS = 280
#: Profiles less formal than this get formal phrases swapped for everyday ones.
CASUAL_BELOW = 0.5
#: Contractions are applied above this preference...
CONTRACT_ABOVE = 0.5
#: ...and expanded below this one; in between the draft is left as written.
EXPAND_BELOW = 0.3
#: A profile this brief (or briefer) gets trailing clauses dropped.
BRIEF_AT = 0.5
#: How far past the learned average length a reply may run before it is trimmed: trimming
#: to the exact mean would chop every reply that is merely a little long.
LENGTH_SLACK = 1.5
#: Trimming keeps at least this many words, so an opener like "Sure," is never all that is
#: left of an answer.
MIN_KEPT_WORDS = 3
#: Emoji must show up in at least this share of samples before restyling adds one.
EMOJI_SHARE = 0.3
#: The emoji added for a contact whose profile uses emoji (profiles keep no emoji list).
CONTACT_EMOJI = "\U0001f642"
#: Outputs of this many characters or fewer count as maximally brief...
BRIEFEST_CHARS = 20
#: ...and outputs this long or longer as not brief at all.
WORDIEST_CHARS = 200
MAX_COMMON_PHRASES = 10
MAX_SIGNATURE_EMOJIS = 5
#: Teasing markers in one message that make it fully teasing.
MARKERS_FOR_FULL_TEASE = 2
#: Formality reported for text with no words to judge.
NEUTRAL_FORMALITY = 0.5

# Text primitives ------------------------------------------------------------------------

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
_LONG_WORD_LETTERS = 7
_FRAGMENT_WORDS = 4


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


# Formality ------------------------------------------------------------------------------

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


# Contact / operator style ---------------------------------------------------------------

PUNCTUATION_STYLES = ("minimal", "standard", "expressive")
CAPITALIZATIONS = ("lowercase", "sentence", "mixed")


@dataclass
class StyleProfile:
    """How a contact or operator writes their replies."""

    formality: float
    emoji_usage: bool
    avg_length: int
    punctuation_style: str
    capitalization: str
    common_phrases: list[str]
    contraction_preference: float
    response_brevity: float
    samples_count: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StyleProfile:
        """Rebuild a profile from ``to_dict`` output (e.g. stored JSON); extra keys are
        ignored and values are coerced to their field types."""
        return cls(
            formality=float(data["formality"]),
            emoji_usage=bool(data["emoji_usage"]),
            avg_length=int(data["avg_length"]),
            punctuation_style=str(data["punctuation_style"]),
            capitalization=str(data["capitalization"]),
            common_phrases=[str(phrase) for phrase in data["common_phrases"]],
            contraction_preference=float(data["contraction_preference"]),
            response_brevity=float(data["response_brevity"]),
            samples_count=int(data["samples_count"]),
        )


_STOPWORDS = frozenset(
    _terms(
        "a, an, the, i, you, me, my, your, we, us, our, it, is, are, was, be, am, to, of, and,"
        " or, in, on, at, for, with, that, this, so, do, it's, i'm, he, she, they, them, his,"
        " her, their, there, here, what, if, but, not, no, as, by, from, up, can, will, just,"
        " have, has, had"
    )
)
# Casual markers worth keeping even if seen only once: they are what makes a voice.
_CASUAL_MARKERS = frozenset(
    _terms(
        "yep, yup, yeah, nah, nope, sure, cool, sounds good, no worries, no problem, lol, haha,"
        " omg, ok, okay, kk, thx, ty, np, got it, will do, on it, for sure, all good, see ya,"
        " ttyl, lmk, btw, tbh, idk"
    )
)
_MAX_NGRAM = 3


def _ngrams(text: str) -> list[str]:
    words = _words(text)
    return [
        " ".join(words[start : start + size])
        for size in range(1, _MAX_NGRAM + 1)
        for start in range(len(words) - size + 1)
    ]


def _common_phrases(outputs: Sequence[str]) -> list[str]:
    """Short n-grams used in at least two outputs, plus known casual markers used at all.

    Longer phrases win ties, and a phrase already covered by a chosen longer one ("sounds"
    inside "sounds good") is skipped.
    """
    spread: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for output in outputs:
        for gram in dict.fromkeys(_ngrams(output)):
            spread[gram] += 1
            first_seen.setdefault(gram, len(first_seen))

    def is_candidate(gram: str) -> bool:
        if gram in _CASUAL_MARKERS:
            return True
        return spread[gram] >= 2 and not all(word in _STOPWORDS for word in gram.split())

    candidates = sorted(
        filter(is_candidate, spread),
        key=lambda gram: (-spread[gram], -len(gram.split()), first_seen[gram]),
    )
    chosen: list[str] = []
    for gram in candidates:
        if not any(f" {gram} " in f" {kept} " for kept in chosen):
            chosen.append(gram)
        if len(chosen) == MAX_COMMON_PHRASES:
            break
    return chosen


def _capitalization_of(text: str) -> str | None:
    """How one output capitalizes its sentence openings; None when it has no letters."""
    cased = [char for char in text if char.isupper() or char.islower()]
    if not cased:
        return None
    if len(cased) > 3 and all(char.isupper() for char in cased):
        return "mixed"  # shouting is not sentence case
    openings = [
        next(char for char in sentence if char.isupper() or char.islower())
        for sentence in _SENTENCE_SPLIT_RE.split(text)
        if any(char.isupper() or char.islower() for char in sentence)
    ]
    if all(char.islower() for char in openings):
        return "lowercase"
    if all(char.isupper() for char in openings):
        return "sentence"
    return "mixed"


def _punctuation_of(text: str) -> str:
    body, _ = _split_trailing_decor(text.strip())
    if _EMPHATIC_RE.search(body):
        return "expressive"
    if not body or body[-1] not in _SENTENCE_END:
        return "minimal"
    return "standard"


def _capitalization_votes(outputs: Iterable[str]) -> Counter[str]:
    return Counter(label for label in map(_capitalization_of, outputs) if label)


def _punctuation_votes(outputs: Iterable[str]) -> Counter[str]:
    return Counter(map(_punctuation_of, outputs))


def _capitalization_from(votes: Counter[str]) -> str:
    """The single most common habit; a tie (or no letters at all) means "mixed"."""
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return "mixed"
    return ranked[0][0]


def _punctuation_from(votes: Counter[str]) -> str:
    """The most common habit. Ties lean minimal, then expressive: someone who skips
    end punctuation even half the time reads as a minimal punctuator."""
    preference = {"minimal": 2, "expressive": 1, "standard": 0}
    return max(PUNCTUATION_STYLES, key=lambda style: (votes[style], preference[style]))


def _emoji_share(outputs: Sequence[str]) -> float:
    return sum(bool(_emojis(output)) for output in outputs) / len(outputs)


def _brevity(avg_length: float) -> float:
    """1 for texts of ``BRIEFEST_CHARS`` or fewer, falling linearly to 0 at
    ``WORDIEST_CHARS``."""
    span = WORDIEST_CHARS - BRIEFEST_CHARS
    return _unit(1 - (avg_length - BRIEFEST_CHARS) / span)


def _contraction_preference(outputs: Sequence[str], formality: float) -> float:
    """Share of contracted over contracted-plus-spelled-out forms, smoothed by one pseudo
    observation from formality, so outputs with neither (common in short replies) fall
    back to "casual writers contract"."""
    contracted = sum(_count_contractions(output) for output in outputs)
    spelled_out = sum(_count_expanded(output) for output in outputs)
    prior = 1 - formality
    return _unit((contracted + prior) / (contracted + spelled_out + 1))


def learn_style(outputs: Sequence[str]) -> StyleProfile:
    """Learn a contact's reply style from the outputs of their (input, output) samples.

    Blank outputs are ignored; raises ``ValueError("no samples")`` when none are left.
    """
    texts = _require(outputs)
    formality = _unit(fmean(formality_score(text) for text in texts))
    avg_length = round(fmean(len(text) for text in texts))
    return StyleProfile(
        formality=formality,
        emoji_usage=_emoji_share(texts) >= EMOJI_SHARE,
        avg_length=avg_length,
        punctuation_style=_punctuation_from(_punctuation_votes(texts)),
        capitalization=_capitalization_from(_capitalization_votes(texts)),
        common_phrases=_common_phrases(texts),
        contraction_preference=_contraction_preference(texts, formality),
        response_brevity=_brevity(avg_length),
        samples_count=len(texts),
    )


def _merge_phrases(old: list[str], new: list[str], old_is_heavier: bool) -> list[str]:
    """Phrases both sides share first, then the better-supported side's, then the other's."""
    heavier, lighter = (old, new) if old_is_heavier else (new, old)
    shared = [phrase for phrase in heavier if phrase in lighter]
    merged = dict.fromkeys([*shared, *heavier, *lighter])
    return list(merged)[:MAX_COMMON_PHRASES]


def merge_style(old: StyleProfile, outputs: Sequence[str]) -> StyleProfile:
    """Fold new outputs into an existing profile without its original samples.

    Each side weighs by its sample count: numbers are weighted means, emoji usage a
    weighted share, and the categorical habits a vote where the old label counts once per
    old sample. Profiles keep no raw text, so this is an approximation: phrases repeated
    across old and new outputs can't be found. Re-learn from all stored samples with
    ``learn_style`` when they are at hand.
    """
    texts = _require(outputs)
    fresh = learn_style(texts)
    old_weight = max(0, old.samples_count)
    total = old_weight + fresh.samples_count

    def blend(old_value: float, new_value: float) -> float:
        return (old_value * old_weight + new_value * fresh.samples_count) / total

    capitalization_votes = _capitalization_votes(texts)
    capitalization_votes[old.capitalization] += old_weight
    punctuation_votes = _punctuation_votes(texts)
    punctuation_votes[old.punctuation_style] += old_weight
    avg_length = round(blend(old.avg_length, fresh.avg_length))
    return StyleProfile(
        formality=_unit(blend(old.formality, fresh.formality)),
        emoji_usage=blend(float(old.emoji_usage), _emoji_share(texts)) >= EMOJI_SHARE,
        avg_length=avg_length,
        punctuation_style=_punctuation_from(punctuation_votes),
        capitalization=_capitalization_from(capitalization_votes),
        common_phrases=_merge_phrases(
            old.common_phrases, fresh.common_phrases, old_weight >= fresh.samples_count
        ),
        contraction_preference=_unit(
            blend(old.contraction_preference, fresh.contraction_preference)
        ),
        response_brevity=_brevity(avg_length),
        samples_count=total,
    )


def _trim_clauses(text: str, target: float) -> str:
    """Drop trailing clauses while the text runs past the target, keeping the first clause
    and at least ``MIN_KEPT_WORDS`` words."""
    clauses = [clause for clause in _CLAUSE_BOUNDARY_RE.split(text) if clause]
    length = len(text)
    words = len(_words(text))
    kept = len(clauses)
    while kept > 1 and length > target:
        dropped = clauses[kept - 1]
        if words - len(_words(dropped)) < MIN_KEPT_WORDS:
            break
        length -= len(dropped)
        words -= len(_words(dropped))
        kept -= 1
    if kept == len(clauses):
        return text
    # A clause cut after "good," would otherwise end on a dangling comma.
    return "".join(clauses[:kept]).rstrip().rstrip(",;:").rstrip()


def _sentence_case(text: str) -> str:
    text = re.sub(r"\bi\b", "I", text)
    return re.sub(
        rf"(\A\W*|[{_SENTENCE_END}]\s+)([^\W\d_])",
        lambda match: match.group(1) + match.group(2).upper(),
        text,
    )


def _apply_capitalization(text: str, capitalization: str) -> str:
    if capitalization == "lowercase":
        return text.lower()
    if capitalization == "sentence":
        return _sentence_case(text)
    return text  # "mixed": no single habit to imitate


def _apply_punctuation(text: str, style: str) -> str:
    body, tail = _split_trailing_decor(text)
    if style == "minimal":
        body = _LONE_FINAL_PERIOD_RE.sub("", _REPEATED_MARK_RE.sub(r"\1", body))
    elif style == "standard":
        body = _REPEATED_MARK_RE.sub(r"\1", body)
        if body[-1:].isalnum():
            body += "."
    elif style == "expressive":
        body = _LONE_FINAL_PERIOD_RE.sub("!", body)
    return body + tail


def _strip_emojis(text: str) -> str:
    """The text without emoji, or unchanged if emoji were all it said."""
    stripped = re.sub(r"[ \t]{2,}", " ", _EMOJI_RE.sub("", text)).strip()
    return stripped if _has_words(stripped) else text


def apply_style(text: str, profile: StyleProfile) -> str:
    """Restyle a draft reply so it reads like the profile's author.

    Casual profiles get everyday phrasing; contractions follow the contraction
    preference; brief profiles lose trailing clauses; then capitalization, punctuation and
    emoji follow the profile's habits. At most ``MAX_STYLED_CHARS`` characters come back.
    """
    styled = text.strip()
    if not _has_words(styled):
        return _fit(styled)
    if profile.formality < CASUAL_BELOW:
        styled = _swap(styled, (*_CONTACT_SWAPS, *_CASUAL_SWAPS))
    styled = _apply_contraction_preference(styled, profile.contraction_preference)
    if profile.response_brevity >= BRIEF_AT:
        styled = _trim_clauses(styled, max(1, profile.avg_length) * LENGTH_SLACK)
    styled = _apply_capitalization(styled, profile.capitalization)
    if not profile.emoji_usage:
        styled = _strip_emojis(styled)
    styled = _apply_punctuation(styled, profile.punctuation_style)
    suffix = ""
    if profile.emoji_usage and not _emojis(styled):
        suffix = f" {CONTACT_EMOJI}"
    return _fit(styled, suffix)


# Creator ("flirty") style ---------------------------------------------------------------

_PET_NAMES = _terms(
    "babe, baby, handsome, honey, hun, hon, sweetie, sweetheart, love, darling, cutie, sexy,"
    " gorgeous, hottie, beautiful, sugar, dear, stud"
)
# Everyday words that are only pet names when used to address someone ("hey love" or
# "night, love" but not "I love it").
_AMBIGUOUS_PET_NAMES = frozenset(_terms("love, sexy, gorgeous, beautiful, sugar, dear, honey, hon"))
_ADDRESS_OPENER_RE = re.compile(
    r"\b(?:hey|hi|hello|heya|my|oh|night|morning|thanks|thank you|bye)\Z", re.IGNORECASE
)
_SUBJECT_BEFORE_RE = re.compile(r"\b(?:i|you|we|they|would|i'd|to|so|a|the)\Z", re.IGNORECASE)
_ESCALATION = _lexicon(
    _terms(
        "miss you, thinking about you, can't stop, wish you were here, can't wait, want you,"
        " need you, all yours, just for you, only for you, come closer, all night"
    )
)
_DEFLECTION = _lexicon(
    _terms(
        "sub to my page, subscribe, cashapp, cash app, venmo, paypal, check my page,"
        " link in bio, dm me, tip me, unlock, my vip, exclusive content"
    )
)
# Each pattern is one teasing move; a message scores by how many distinct moves it makes.
_TEASING_MARKERS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"wouldn{_APOSTROPHE}?t you like to know",
        r"\b(?:maybe|guess|you wish|make me|who knows|behave|naughty|tease|find out)\b",
        rf"\bwe{_APOSTROPHE}?ll see\b|\bif you{_APOSTROPHE}?re good\b",
        rf"\.{{3}}|{_ELLIPSIS}",
        "[\U0001f60f\U0001f609\U0001f61c\U0001f608\U0001f648\U0001f92d\U0001f60b]",
        r"\bwinks?\b|;-?\)",
        # Rhetorical questions: negative-led ("don't you...?") or tagged ("..., right?").
        rf"\b(?:wouldn|don|aren|isn|won|didn|can){_APOSTROPHE}?t you\b[^?]*\?",
        r",\s*(?:right|huh|hmm|no)\s*\?",
        # Making them earn it: "sub first, then we'll talk", "if you ...".
        r"\bfirst\b[^.!?]*\bthen\b|\bif you\b",
    )
)


def _is_addressing(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] addresses the reader: after a greeting, or
    closing a phrase ("miss you, love") without a subject right before it ("I love.")."""
    # Only the few words right before matter; a bounded window keeps long texts cheap.
    before = text[max(0, start - 40) : start].rstrip()
    after = text[end:].lstrip()
    if _ADDRESS_OPENER_RE.search(before):
        return True
    closes_phrase = not after or after[0] in _CLAUSE_MARKS or bool(_EMOJI_RE.match(after))
    return closes_phrase and not _SUBJECT_BEFORE_RE.search(before.replace("\u2019", "'"))


def _pet_names_in(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Pet names used in the text, in order of appearance."""
    names = dict.fromkeys([*_PET_NAMES, *(name.lower() for name in extra if name.strip())])
    hits: list[tuple[int, str]] = []
    for name in names:
        for match in _phrase_re(name).finditer(text):
            ambiguous = name in _AMBIGUOUS_PET_NAMES
            if not ambiguous or _is_addressing(text, match.start(), match.end()):
                hits.append((match.start(), name))
    return [name for _, name in sorted(hits)]


def _teasing_level(samples: Sequence[str]) -> float:
    def tease(sample: str) -> float:
        moves = sum(bool(marker.search(sample)) for marker in _TEASING_MARKERS)
        return min(1.0, moves / MARKERS_FOR_FULL_TEASE)

    return _unit(fmean(tease(sample) for sample in samples))


@dataclass
class CreatorStyle:
    """A creator's flirty voice."""

    creator_id: str
    sample_count: int
    pet_names: list[str]
    signature_emojis: list[str]
    teasing_level: float
    formality: float
    escalation_phrases: list[str]
    deflection_phrases: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CreatorStyle:
        """Rebuild a style from ``to_dict`` output; extra keys are ignored."""

        def strings(key: str) -> list[str]:
            return [str(item) for item in data[key]]

        return cls(
            creator_id=str(data["creator_id"]),
            sample_count=int(data["sample_count"]),
            pet_names=strings("pet_names"),
            signature_emojis=strings("signature_emojis"),
            teasing_level=float(data["teasing_level"]),
            formality=float(data["formality"]),
            escalation_phrases=strings("escalation_phrases"),
            deflection_phrases=strings("deflection_phrases"),
        )


def learn_creator_style(creator_id: str, samples: Sequence[str]) -> CreatorStyle:
    """Learn a creator's voice from sample messages they wrote.

    Lists are ranked by frequency, ties in order of first appearance. Blank samples are
    ignored; raises ``ValueError("no samples")`` when none are left.
    """
    texts = _require(samples)

    def ranked(find: Callable[[str], list[str]]) -> list[str]:
        return _rank(find(text) for text in texts)

    return CreatorStyle(
        creator_id=creator_id,
        sample_count=len(texts),
        pet_names=ranked(_pet_names_in),
        signature_emojis=ranked(_emojis)[:MAX_SIGNATURE_EMOJIS],
        teasing_level=_teasing_level(texts),
        formality=_unit(fmean(formality_score(text) for text in texts)),
        escalation_phrases=ranked(lambda text: _found(_ESCALATION, text)),
        deflection_phrases=ranked(lambda text: _found(_DEFLECTION, text)),
    )


def _insert_after_first_clause(text: str, word: str) -> str:
    """Put the word after the first clause's last word: "I'm great babe, thanks"."""
    clause_end = _CLAUSE_BOUNDARY_RE.search(text)
    first_clause = text[: clause_end.start()] if clause_end else text
    word_ends = [match.end() for match in re.finditer(r"\w+", first_clause)]
    if not word_ends:
        return text  # nothing to attach to (punctuation or emoji only)
    cut = word_ends[-1]
    return f"{text[:cut]} {word}{text[cut:]}"


def _casualize(text: str) -> str:
    styled = _swap(text, (*_CREATOR_SWAPS, *_CASUAL_SWAPS))
    return _drop_final_period(_swap(styled, _CONTRACT_RULES))


def apply_creator_style(text: str, style: CreatorStyle) -> str:
    """Restyle a draft in the creator's voice.

    A draft more formal than the creator gets casual phrasing, contractions and no final
    period; the creator's top pet name goes after the first clause unless the draft
    already uses one, and their top signature emoji goes at the end unless it already has
    emoji. At most ``MAX_STYLED_CHARS`` characters come back.
    """
    styled = text.strip()
    if not _has_words(styled):
        return _fit(styled)
    if formality_score(styled) > style.formality:
        styled = _casualize(styled)
    pet_name = next((name for name in style.pet_names if name.strip()), None)
    if pet_name and not _pet_names_in(styled, style.pet_names):
        styled = _insert_after_first_clause(styled, pet_name.strip())
    emoji = next((e for e in style.signature_emojis if e.strip()), None)
    suffix = f" {emoji.strip()}" if emoji and not _emojis(styled) else ""
    return _fit(styled, suffix)


def describe_style(style: StyleProfile) -> str:
    """The profile in words, for a prompt: what an LLM rewrite or suggestion should match."""
    phrases = ", ".join(style.common_phrases[:5])
    return (
        f"{style.capitalization} capitalization, {style.punctuation_style} punctuation, "
        f"about {style.avg_length} characters, {'with' if style.emoji_usage else 'no'} emoji"
        + (f", phrases like {phrases}" if phrases else "")
    )

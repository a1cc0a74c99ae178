"""Which words are common English or chat words, for telling names from words.

Learnt once from what is installed offline: the chitchat corpus (how often each word is
written in lower case against capitalised in the middle of a sentence: "emily" and "paris"
are mostly capitalised, "spring" is not), the VADER and NRC lexicons, and a list of chat
interjections. Cached on disk beside the other derived data (MLOPS_ARTIFACT_DIR, var/mlops
by default) and in memory. mlops.fact_checks reads it to find proper nouns.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

VOCAB_VERSION = 2
# A word is common when written in lower case at least this often in the chitchat corpus
# and at least COMMON_RATIO times as often as capitalised mid-sentence.
COMMON_MIN_LOWER = 5
COMMON_RATIO = 2

CURLY_APOSTROPHE = "\u2019"


def spaced_words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Chat words that no lexicon lists reliably, and capitalised words that name no one.
CHAT_WORDS = spaced_words(
    """
    haha hahaha hahahaha hehe hehehe lol lmao lmfao rofl omg omfg wtf tbh ngl idk idc imo
    imho brb ttyl btw fyi irl jk ikr smh fr nvm pls plz thx ty tysm np yw xoxo xo xx yay
    ugh hmm hmmm mhm aww awww aw ooh oops yikes whoa wow yup yep nope nah ya yah yeah yea
    hey heya hiya howdy sup yo gm gn ciao hola aloha bonjour cya bestie babe bae hun hon
    sweetie cutie ok okay okie okey kk emoji selfie selfies dm dms insta tiktok
    god gosh jesus lord christmas xmas easter halloween thanksgiving valentine valentines
    mr mrs ms dr mom mum dad
    """
)
# Words a name never ends in when the rest is a common word: "springs", "shooting".
DERIVED_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "er", "ers", "est", "ness", "ment", "y")
# Words that make the capitalised run after them a place, not a person.

TOKEN = re.compile(r"[A-Za-z]+(?:['_][A-Za-z]+)*")
SENTENCE_BREAK = re.compile(r"[.!?…:;\n]")


# -- the vocabulary of common words ---------------------------------------------------------


def vocabulary_path() -> Path:
    """Beside the other derived data: MLOPS_ARTIFACT_DIR when Django is configured."""
    folder = Path(__file__).resolve().parent.parent / "var" / "mlops"
    try:
        from django.conf import settings

        if settings.configured:
            folder = Path(settings.MLOPS_ARTIFACT_DIR)
    except ImportError:
        pass
    return folder / "fact-checks" / f"common-words-{vocabulary_fingerprint()}.json"


def vocabulary_fingerprint() -> str:
    """Changes when the rules or the installed sources change."""
    from importlib import metadata

    versions = [f"v{VOCAB_VERSION}"]
    for package in ("chitchat-dataset", "vaderSentiment", "NRCLex"):
        try:
            versions.append(metadata.version(package))
        except metadata.PackageNotFoundError:
            versions.append("none")
    return re.sub(r"[^\w.-]", "_", "-".join(versions))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case common English and chat words: what the corpus and the lexicons say (read
    from the disk cache after the first build, a few seconds) and CHAT_WORDS, held in memory."""
    path = vocabulary_path()
    try:
        return frozenset(json.loads(path.read_text(encoding="utf-8"))) | CHAT_WORDS
    except (OSError, ValueError):
        pass
    words = build_common_words()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(sorted(words)), encoding="utf-8")
        temporary.replace(path)  # atomic: two workers may build it at once
    except OSError as exc:
        logger.warning("fact checks: vocabulary not cached at %s: %s", path, exc)
    return words | CHAT_WORDS


def chitchat_counts() -> tuple[Counter[str], Counter[str]]:
    """(lower-case count, capitalised-mid-sentence count) of every word in chitchat."""
    lower: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    try:
        import chitchat_dataset
    except ImportError:
        logger.warning("fact checks: chitchat-dataset is not installed; lexicons only")
        return lower, capitalised
    for conversation in chitchat_dataset.Dataset().values():
        for turn in conversation["messages"]:
            for message in turn:
                count_words(str(message.get("text") or ""), lower, capitalised)
    return lower, capitalised


def count_words(text: str, lower: Counter[str], capitalised: Counter[str]) -> None:
    previous_end = 0
    for match in TOKEN.finditer(text.replace(CURLY_APOSTROPHE, "'")):
        word = match.group()
        initial = previous_end == 0 or bool(
            SENTENCE_BREAK.search(text, previous_end, match.start())
        )
        previous_end = match.end()
        if word.islower():
            lower[word] += 1
        elif not initial and word[0].isupper() and word[1:].islower() and word != "I":
            capitalised[word.lower()] += 1


def lexicon_words() -> set[str]:
    """The words of the VADER and NRC lexicons that are plain words."""
    found: set[str] = set()
    try:
        import vaderSentiment

        path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            found.add(line.split("\t", 1)[0])
    except (ImportError, OSError):
        pass
    try:
        import nrclex

        path = Path(nrclex.__file__).parent / "data" / "nrc_en.json"
        found.update(json.loads(path.read_text(encoding="utf-8")))
    except (ImportError, OSError, ValueError):
        pass
    return {word for word in found if re.fullmatch(r"[a-z]+(?:'[a-z]+)*", word)}


def build_common_words() -> frozenset[str]:
    lower, capitalised = chitchat_counts()
    common = {
        word
        for word, count in lower.items()
        if count >= COMMON_MIN_LOWER and count >= COMMON_RATIO * capitalised[word]
    }
    # A lexicon word is common unless chat mostly capitalises it ("john" is in NRC).
    common |= {word for word in lexicon_words() if capitalised[word] <= lower[word]}
    return frozenset(common)


def is_common(word: str, vocabulary: frozenset[str]) -> bool:
    word = word.lower().replace(CURLY_APOSTROPHE, "'")
    if word in vocabulary or re.fullmatch(r"(?:ha|he|ah|lo)+h?|a+w+|o+h+|u+g+h+|h+m+", word):
        return True
    if "'" in word:
        return is_common(word.split("'", 1)[0], vocabulary)
    squeezed = re.sub(r"(.)\1{2,}", r"\1", word)  # "sooo", "heyyy"
    if squeezed != word and (
        squeezed in vocabulary or re.sub(r"(.)\1+", r"\1", word) in vocabulary
    ):
        return True
    for suffix in DERIVED_SUFFIXES:
        stem = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and len(stem) >= 3
            and (stem in vocabulary or stem + "e" in vocabulary)
        ):
            return True
    return False

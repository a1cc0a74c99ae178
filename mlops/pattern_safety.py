"""Regular expressions a workspace writes itself (red-flag patterns), made safe to run.

A pattern such as `(a+)+$` takes exponential time on a long run of `a` that does not
match: one hostile or careless pattern would hang perception for every message of the
workspace. So patterns are compiled with the `regex` module, whose searches take a
timeout, and checked when they are saved:

- nested unbounded quantifiers (`(a+)+`, `(\\w+\\s?)*`, `(x{1,9})+`) are refused outright;
- every pattern is tried on long hostile inputs made from its own characters, under a
  time limit, which catches the rest (`(a|aa)+$` and the like).

At run time every search has a time budget as well (see bad_actor.find_flags), so a
pattern stored before these checks cannot hang perception either.
"""

from __future__ import annotations

import importlib
import re
import time
from functools import lru_cache
from typing import Any

import regex

FLAGS = regex.IGNORECASE | regex.VERSION0  # VERSION0: the same syntax as `re`
# The probe: strings this long, each search allowed this long, all of them this long.
PROBE_LENGTH = 5_000
PROBE_SEARCH_SECONDS = 0.05
PROBE_TOTAL_SECONDS = 0.5
# Characters every probe tries besides the pattern's own literals.
PROBE_CHARACTERS = "a 0.-_!"
NESTED = (
    "nested quantifiers such as (a+)+ can take exponential time on a long message; "
    "rewrite the pattern without a repeated group that itself repeats"
)
TOO_SLOW = (
    "the pattern takes too long on a long message (catastrophic backtracking); "
    "simplify its alternatives and repeats"
)


@lru_cache(maxsize=512)
def compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, FLAGS)


# A search cut off by the clock while its thread was mostly waiting for a core (a loaded
# machine, not a slow pattern) gets one more try with this many times the time.
LOADED_RETRY_FACTOR = 4


def search(pattern: regex.Pattern[str], text: str, seconds: float) -> regex.Match[str] | None:
    """The first match, or None; raises TimeoutError past `seconds` of the pattern's own
    work. The regex module's timeout is wall-clock time, so on a busy machine an ordinary
    pattern can run out of it without having run at all: a search that used less than
    half its time on the CPU is tried once more, with LOADED_RETRY_FACTOR times as long.
    A slow pattern burns its time on the CPU, so it is still cut off at the first try."""
    seconds = max(seconds, 0.0)
    spent = time.thread_time()
    try:
        return pattern.search(text, timeout=seconds)
    except TimeoutError:
        if time.thread_time() - spent >= seconds / 2:
            raise
    return pattern.search(text, timeout=seconds * LOADED_RETRY_FACTOR)


def problems(pattern: str) -> list[str]:
    """Why this pattern may not be saved: invalid, nested quantifiers, or slow."""
    try:
        built = compiled(pattern)
    except regex.error as exc:
        return [f"pattern is not a valid regular expression: {exc}"]
    if has_nested_quantifiers(pattern):
        return [NESTED]
    if too_slow(built, pattern):
        return [TOO_SLOW]
    return []


# -- nested quantifiers, read from the parse tree of Python's own `re` ------------------

# Python's own parser of `re` syntax (private, stable across 3.11's life; the public
# sre_parse alias is deprecated).
sre_parser = importlib.import_module("re._parser")
sre_constants = importlib.import_module("re._constants")

REPEATS = {
    sre_constants.MAX_REPEAT,
    sre_constants.MIN_REPEAT,
    *([sre_constants.POSSESSIVE_REPEAT] if hasattr(sre_constants, "POSSESSIVE_REPEAT") else []),
}
UNBOUNDED = sre_constants.MAXREPEAT


def has_nested_quantifiers(pattern: str) -> bool:
    """A repeat of something that itself repeats, one of them without an upper bound."""
    try:
        tree = sre_parser.parse(pattern, re.IGNORECASE)
    except (re.error, OverflowError, RecursionError):
        return False  # `regex` syntax that `re` lacks: the probe still judges it
    return nested(list(tree), outer=None)


def nested(items: list[tuple[Any, Any]], outer: int | None) -> bool:
    """`outer`: the upper bound of the nearest enclosing repeat that repeats (None: none)."""
    for op, value in items:
        if op in REPEATS:
            _low, high, body = value
            if high > 1 and outer is not None and UNBOUNDED in (high, outer):
                return True
            if nested(list(body), high if high > 1 else outer):
                return True
        else:
            for child in children(op, value):
                if nested(child, outer):
                    return True
    return False


def children(op: Any, value: Any) -> list[list[tuple[Any, Any]]]:
    """The sub-patterns inside a group, an alternation, an assertion or a condition."""
    if op == sre_constants.SUBPATTERN:
        return [list(value[3])]
    if op == sre_constants.BRANCH:
        return [list(branch) for branch in value[1]]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [list(value[1])]
    if op == getattr(sre_constants, "ATOMIC_GROUP", None):
        return [list(value)]
    if op == sre_constants.GROUPREF_EXISTS:
        return [list(branch) for branch in value[1:] if branch is not None]
    return []


# -- the probe: long hostile inputs under a time limit ----------------------------------


def probe_inputs(pattern: str) -> list[str]:
    """Runs of each character the pattern names (and a few common ones), each ending in
    something the pattern is unlikely to want, so a backtracking search tries it all."""
    letters = {c for c in pattern if c.isalnum() or c in " .-_@"}
    alphabet = sorted(letters | set(PROBE_CHARACTERS))
    runs = [c * PROBE_LENGTH + "\x00" for c in alphabet]
    runs.append("a " * (PROBE_LENGTH // 2) + "\x00")
    return runs


def too_slow(built: regex.Pattern[str], pattern: str) -> bool:
    deadline = time.monotonic() + PROBE_TOTAL_SECONDS
    for text in probe_inputs(pattern):
        left = min(PROBE_SEARCH_SECONDS, deadline - time.monotonic())
        if left <= 0:
            return True
        try:
            search(built, text, left)
        except TimeoutError:
            return True
    return False

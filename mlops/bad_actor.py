"""Bad-actor detection over a whole conversation (seed 002).

Patterns are data (see red_flags.yaml; workspaces keep editable copies in the database):
this module takes them as RedFlagRule values and returns scores per category, the flags
with the text that matched, a recommendation and whether to block.

A pattern matches a message in three ways: its regular expression; where the regex
misses, the message's meaning being close to one of the pattern's example phrasings
(mlops/semantic_flags.py); and, for a category nothing flagged yet, the trained red-flag
head reading the message as that category (mlops/red_flag_head.py), credited to the
category's pattern whose examples the message is closest to. A flag by meaning carries
the example and the similarity (and the head's probability) as evidence.

Over a whole conversation, weak evidence does not add up to an alarm (combined_risk): of
the faint flags only the strongest counts, and LOW flags add at most LOW_ADDS.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import regex
import yaml

from mlops import pattern_safety, red_flag_head, semantic_flags

logger = logging.getLogger(__name__)

CATEGORIES = ("scam", "freeloader", "time_waste", "emotional_manipulation", "payment_scam")
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
# How much each category counts toward the combined risk: taking money dishonestly is worst.
CATEGORY_FACTOR = {
    "scam": 1.0,
    "payment_scam": 0.8,
    "emotional_manipulation": 0.8,
    "freeloader": 0.6,
    "time_waste": 0.5,
}
BLOCK_AT = 0.7
# What LOW flags together may add to the combined risk: enough to show, never enough to
# turn a lone MEDIUM flag (at least 0.5 x 0.8 = 0.4) into an alarm at 0.5.
LOW_ADDS = 0.1
# A long conversation with no sign of buying is itself time-wasting (seed 002).
NO_INTENT_AFTER = 12
PURCHASE_WORDS = re.compile(r"\b(buy|price|pay|paid|how much|link|subscribe|cost)\b", re.I)
RULES_FILE = Path(__file__).resolve().parent / "red_flags.yaml"
MAX_EXAMPLES = 50
MAX_EXAMPLE_CHARS = 300
# What all of a workspace's patterns together, and each one, may spend on one message.
# Patterns are checked for catastrophic backtracking when saved; this bounds one stored
# before that, or one the checks missed: its search is cut off, counted as no match, logged.
MESSAGE_BUDGET_SECONDS = 0.2
PATTERN_SECONDS = 0.05


@dataclass(frozen=True)
class RedFlagRule:
    pattern_name: str
    category: str
    severity: str
    weight: float
    pattern: str
    examples: tuple[str, ...] = ()

    def compiled(self) -> regex.Pattern[str]:
        return compile_pattern(self.pattern)


@dataclass(frozen=True)
class RedFlag:
    pattern_name: str
    matched_text: str
    severity: str
    weight: float  # what the flag counted with: a faint semantic match counts for less
    category: str
    match: str = "regex"  # or "semantic": close in meaning to one of the rule's examples
    example: str = ""  # the example phrasing a semantic match was closest to
    similarity: float | None = None  # its cosine similarity to the message
    evidence: str = ""  # for people: what matched, and for a semantic match, like what
    probability: float | None = None  # the red-flag head's reading, when it found the flag


@dataclass(frozen=True)
class BadActorReport:
    freeloader_score: float
    scam_risk: float
    time_waste_score: float
    combined_risk: float
    red_flags: list[RedFlag] = field(default_factory=list)
    recommendation: str = ""
    should_block: bool = False
    manipulation_score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def compile_pattern(pattern: str) -> regex.Pattern[str]:
    """Case-insensitive, with the `regex` module: its searches take a timeout."""
    return pattern_safety.compiled(pattern)


def rule_problems(rule: RedFlagRule) -> list[str]:
    """Why a rule cannot be used (for the admin form), or nothing."""
    problems = []
    if rule.category not in CATEGORIES:
        problems.append(f"category must be one of {', '.join(CATEGORIES)}")
    if rule.severity not in SEVERITIES:
        problems.append(f"severity must be one of {', '.join(SEVERITIES)}")
    if not 0 < rule.weight <= 1:
        problems.append("weight must be above 0 and at most 1")
    problems.extend(pattern_safety.problems(rule.pattern))
    examples = rule.examples
    if not isinstance(examples, list | tuple) or not all(isinstance(e, str) for e in examples):
        problems.append("examples must be a list of phrasings (strings)")
    elif len(examples) > MAX_EXAMPLES:
        problems.append(f"at most {MAX_EXAMPLES} examples")
    elif any(not e.strip() or len(e) > MAX_EXAMPLE_CHARS for e in examples):
        problems.append(f"each example must be 1 to {MAX_EXAMPLE_CHARS} characters")
    return problems


@lru_cache(maxsize=1)
def default_rules() -> tuple[RedFlagRule, ...]:
    return tuple(
        RedFlagRule(**{**item, "examples": tuple(item.get("examples", ()))})
        for item in yaml.safe_load(RULES_FILE.read_text())
    )


def combine(weights: list[float]) -> float:
    """Independent evidence: 1 - product of (1 - w). Two MEDIUM flags beat one."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1 - weight
    return round(1 - remaining, 3)


def find_flags(
    messages: list[str],
    rules: tuple[RedFlagRule, ...],
    vectors: Sequence[Sequence[float] | None] | None = None,
    budget: float = MESSAGE_BUDGET_SECONDS,
) -> list[RedFlag]:
    """Each pattern counts once: by its regex, else by meaning (see semantic_flags)."""
    flags: list[RedFlag] = []
    seen: set[str] = set()
    for text in messages:
        for rule, match in regex_matches(text, rules, budget):
            if rule.pattern_name not in seen:
                seen.add(rule.pattern_name)
                flags.append(
                    RedFlag(
                        rule.pattern_name,
                        match.group(0),
                        rule.severity,
                        rule.weight,
                        rule.category,
                        evidence=match.group(0),
                    )
                )
    left = [r for r in rules if r.pattern_name not in seen]
    flags.extend(semantic(messages, left, vectors, {f.category for f in flags}))
    if len(messages) >= NO_INTENT_AFTER and not any(PURCHASE_WORDS.search(m) for m in messages):
        flags.append(
            RedFlag("no_purchase_intent", f"{len(messages)} messages", "LOW", 0.4, "time_waste")
        )
    return flags


def regex_matches(
    text: str, rules: tuple[RedFlagRule, ...], budget: float
) -> list[tuple[RedFlagRule, regex.Match[str]]]:
    """The rules whose pattern matches `text`. Each search may take PATTERN_SECONDS and
    all of them together `budget` of CPU time: a search cut off counts as no match (and
    is logged), so one slow pattern costs the others nothing but its own slice."""
    # Counted in this thread's CPU time: on a busy machine the clock runs while the
    # worker waits for a core, and wall time would skip patterns that never ran.
    deadline = time.thread_time() + budget
    found = []
    for rule in rules:
        left = deadline - time.thread_time()
        if left <= 0:
            logger.warning("red-flag patterns ran out of time on a %d-character message", len(text))
            break
        try:
            match = pattern_safety.search(rule.compiled(), text, min(PATTERN_SECONDS, left))
        except (regex.error, TimeoutError) as exc:
            logger.warning(
                "red-flag pattern %r skipped on a %d-character message: %s",
                rule.pattern_name, len(text), exc or type(exc).__name__,
            )  # fmt: skip
            continue
        if match:
            found.append((rule, match))
    return found


def semantic(
    messages: list[str],
    rules: list[RedFlagRule],
    vectors: Sequence[Sequence[float] | None] | None,
    flagged: set[str] | frozenset[str] = frozenset(),
) -> list[RedFlag]:
    """Flags for the rules whose examples a message is close to, then the head's for the
    categories still unflagged. Stored message vectors are used as they are; only
    messages without one are embedded (in one call)."""
    example_sets = [usable_examples(tuple(rule.examples)) for rule in rules]
    rules = [rule for rule, examples in zip(rules, example_sets, strict=True) if examples]
    example_sets = [examples for examples in example_sets if examples]
    if not rules or not any(text.strip() for text in messages):
        return []
    matrix = semantic_flags.message_matrix(messages, vectors)
    if not matrix.any():  # every message under MIN_WORDS words: nothing to read by meaning
        return []
    readings = red_flag_head.table(matrix)
    flags = []
    for found in semantic_flags.best_matches(example_sets, matrix):
        rule = rules[found.rule]
        # Two views of the same message: the closest example and the trained head. The
        # flag counts with the weaker of the two, so a line that merely sounds like an
        # example, and that the head reads as ordinary, stays faint.
        probability = red_flag_head.probability(readings, found.message, rule.category)
        share = min(semantic_flags.weight_share(found.similarity), red_flag_head.share(probability))
        flags.append(
            RedFlag(
                rule.pattern_name,
                messages[found.message],
                rule.severity,
                round(rule.weight * share, 3),
                rule.category,
                match="semantic",
                example=found.example,
                similarity=found.similarity,
                evidence=f"close to “{found.example}” (similarity {found.similarity:.2f})",
                probability=probability,
            )
        )
    flagged = {*flagged, *(flag.category for flag in flags)}
    return flags + head_flags(messages, rules, example_sets, matrix, flagged, readings)


@lru_cache(maxsize=4096)
def usable_examples(examples: tuple[str, ...]) -> tuple[str, ...]:
    """A rule's non-blank examples, remembered: every message's scan asks for them."""
    return tuple(example for example in examples if example.strip())


def head_flags(
    messages: list[str],
    rules: list[RedFlagRule],
    example_sets: list[tuple[str, ...]],
    matrix: np.ndarray,
    flagged: set[str] | frozenset[str],
    readings: np.ndarray | None = None,
) -> list[RedFlag]:
    """The head's readings, for categories neither the regex nor the examples flagged."""
    flags: list[RedFlag] = []
    flagged = set(flagged)
    for message, category, probability in red_flag_head.category_readings(matrix, readings):
        if category in flagged:
            continue
        flagged.add(category)
        owners = [i for i, rule in enumerate(rules) if rule.category == category]
        if not owners:
            continue
        matrices = semantic_flags.example_matrices([example_sets[i] for i in owners])
        closeness = [float((m @ matrix[message]).max()) for m in matrices]
        pick = int(np.argmax(closeness))
        rule, examples = rules[owners[pick]], example_sets[owners[pick]]
        example = examples[int((matrices[pick] @ matrix[message]).argmax())]
        # As for an example's match, the weaker view decides the weight: a reading far from
        # every example of its category is shown, but counts faintly.
        closeness_share = semantic_flags.weight_share(closeness[pick])
        flags.append(
            RedFlag(
                rule.pattern_name,
                messages[message],
                rule.severity,
                round(rule.weight * min(red_flag_head.share(probability), closeness_share), 3),
                category,
                match="semantic",
                example=example,
                similarity=round(closeness[pick], 3),
                evidence=(
                    f"reads as {category.replace('_', ' ')} (p {probability:.2f}); "
                    f"closest to “{example}”"
                ),
                probability=probability,
            )
        )
    return flags


def weak(flag: RedFlag) -> bool:
    """A semantic match short of FULL_AT (of similarity, or of the head's probability): it
    counts, but too faintly to block by itself."""
    if flag.similarity is None:
        return False  # a regex match
    head_unsure = flag.probability is not None and flag.probability < red_flag_head.FULL_AT
    return flag.similarity < semantic_flags.FULL_AT or head_unsure


def category_score(flags: list[RedFlag]) -> float:
    """A category's score: its firm flags (regex, or meaning at full strength) combine as
    independent evidence; of its faint ones only the strongest counts. Forty lines of
    small talk each faintly like some example are one maybe, not forty."""
    firm = [f.weight for f in flags if not weak(f)]
    faint = [f.weight for f in flags if weak(f)]
    return combine([*firm, max(faint, default=0.0)])


def combined_risk(flags: list[RedFlag]) -> float:
    """The conversation's risk, in the spirit of seed 002's severities: firm MEDIUM-and-up
    flags combine (each scaled by its category's factor); faint flags, of whatever category,
    add only the strongest of them; LOW flags (time wasting, however many) together add at
    most LOW_ADDS. So weak evidence cannot add up to an alarm: on chitchat conversations a
    single "I love you" (MEDIUM, 0.4 after its factor) plus a long chat's LOW
    no_purchase_intent, or a dozen faint matches, used to cross 0.5."""
    firm = [f for f in flags if f.severity != "LOW" and not weak(f)]
    faint = [f for f in flags if f.severity != "LOW" and weak(f)]
    low = [f for f in flags if f.severity == "LOW"]
    parts = [
        combine([f.weight for f in firm if f.category == c]) * CATEGORY_FACTOR[c]
        for c in CATEGORIES
    ]
    parts.append(max((f.weight * CATEGORY_FACTOR[f.category] for f in faint), default=0.0))
    low_part = combine(
        [
            category_score([f for f in low if f.category == c]) * CATEGORY_FACTOR[c]
            for c in CATEGORIES
        ]
    )
    return combine([*parts, min(low_part, LOW_ADDS)])


def recommendation_for(combined: float, flags: list[RedFlag]) -> str:
    if not flags:
        return "LOW RISK - No red flags detected."
    worst = max(flags, key=lambda f: f.weight * CATEGORY_FACTOR[f.category])
    kind = worst.category.replace("_", " ").capitalize()
    if combined >= BLOCK_AT:
        return f"HIGH RISK - {kind} patterns detected. Block recommended."
    if combined >= 0.4:
        return f"MEDIUM RISK - {kind} patterns detected. Proceed with caution."
    return f"LOW RISK - {kind} signals only. Keep an eye on it."


def detect_bad_actor(
    messages: list[str],
    rules: tuple[RedFlagRule, ...] | None = None,
    vectors: Sequence[Sequence[float] | None] | None = None,
) -> BadActorReport:
    """Score the contact's messages (incoming only) for scams, freeloading and the rest.

    `vectors`, one per message where known (the stored Message.embedding), spare embedding
    those messages again; without them the messages are embedded here, in one call."""
    flags = find_flags(messages, rules if rules is not None else default_rules(), vectors)
    by_category = {
        category: category_score([f for f in flags if f.category == category])
        for category in CATEGORIES
    }
    scam_risk = combine([by_category["scam"], by_category["payment_scam"]])
    combined = combined_risk(flags)
    critical = any(f.severity == "CRITICAL" and not weak(f) for f in flags)
    return BadActorReport(
        freeloader_score=by_category["freeloader"],
        scam_risk=scam_risk,
        time_waste_score=by_category["time_waste"],
        combined_risk=combined,
        red_flags=flags,
        recommendation=recommendation_for(combined, flags),
        should_block=combined >= BLOCK_AT or critical,
        manipulation_score=by_category["emotional_manipulation"],
    )

"""The red-flag head: a category read from the message's embedding, for paraphrases far
from every example; faint unless the examples agree; trained on data kept apart from the
evaluation sets."""

from __future__ import annotations

import json
from pathlib import Path

from mlops import bad_actor, intent_corpus, red_flag_head, semantic_flags

DATA = Path(red_flag_head.__file__).resolve().parent / "data"
# Written for this test, in words none of the built-in examples use.
PARAPHRASES = {
    "payment_scam": "i'll settle the bill next month, just send the whole bundle today",
    "freeloader": "gimme a little free taste of the premium set first babe",
    "emotional_manipulation": "nobody will ever love you the way i do, don't listen to them",
}
FAR_FROM_EXAMPLES = "gimme a little free taste of the premium set first babe"
ORDINARY = [
    "what time does the gym open tomorrow",
    "my sister just started a new job and she loves it",
    "I paid for dinner last night, my treat for once",
    "did you watch the game on sunday? crazy ending",
]


def test_a_paraphrase_is_read_by_its_category_with_an_example_as_evidence():
    for category, text in PARAPHRASES.items():
        readings = red_flag_head.probabilities(semantic_flags.message_matrix([text]))
        reading = readings[0]
        assert max(reading, key=lambda name: reading[name]) == category, text
        report = bad_actor.detect_bad_actor([text])
        flags = [f for f in report.red_flags if f.category == category]
        assert flags, text
        flag = max(flags, key=lambda f: f.probability or 0)
        assert flag.match == "semantic"
        assert flag.probability is not None and flag.probability >= red_flag_head.AT
        rule_examples = next(
            r.examples for r in bad_actor.default_rules() if r.pattern_name == flag.pattern_name
        )
        assert flag.example in rule_examples  # the closest example is the evidence
        assert flag.example in flag.evidence


def test_ordinary_chat_reads_as_none():
    readings = red_flag_head.probabilities(semantic_flags.message_matrix(ORDINARY))
    for text, reading in zip(ORDINARY, readings, strict=True):
        assert max(reading.values()) < red_flag_head.AT, (text, reading)
    report = bad_actor.detect_bad_actor(ORDINARY)
    assert report.red_flags == [] and not report.should_block


def test_a_reading_far_from_every_example_counts_faintly_and_never_blocks():
    report = bad_actor.detect_bad_actor([FAR_FROM_EXAMPLES])
    [flag] = [f for f in report.red_flags if f.category == "freeloader"]
    rule = next(r for r in bad_actor.default_rules() if r.pattern_name == flag.pattern_name)
    assert flag.similarity is not None and flag.similarity < semantic_flags.THRESHOLD
    assert flag.probability is not None and flag.probability >= red_flag_head.FULL_AT
    assert "reads as freeloader" in flag.evidence
    assert flag.weight == round(rule.weight * semantic_flags.WEAK_SHARE, 3)
    assert bad_actor.weak(flag)
    assert not report.should_block and report.combined_risk < 0.5


def test_both_views_agreeing_count_in_full():
    text = "before I pay, send me your bank account and routing number so I can deposit"
    report = bad_actor.detect_bad_actor([text])
    [flag] = [f for f in report.red_flags if f.category == "scam" and f.weight >= 0.5]
    assert flag.probability is not None and flag.probability >= red_flag_head.AT
    assert flag.similarity is not None and flag.similarity >= semantic_flags.FULL_AT
    assert report.should_block


def test_a_match_the_head_reads_as_ordinary_counts_faintly():
    # An example's neighbour the head gives little chance of its category stays faint.
    text = "my brother will pay you from his paypal, just send everything to me"
    report = bad_actor.detect_bad_actor([text])
    doubted = [f for f in report.red_flags if f.probability is not None and f.probability < 0.2]
    assert doubted
    for flag in doubted:
        rule = next(r for r in bad_actor.default_rules() if r.pattern_name == flag.pattern_name)
        assert flag.weight <= round(rule.weight * semantic_flags.WEAK_SHARE, 3) + 1e-9


def test_short_messages_are_not_read():
    matrix = semantic_flags.message_matrix(["pay later", "gift card"])
    assert red_flag_head.category_readings(matrix) == []
    assert all(max(r.values()) == 0 for r in red_flag_head.probabilities(matrix))


def test_the_cached_head_is_named_by_its_training_rows_and_recipe():
    rows = red_flag_head.training_rows()
    assert red_flag_head.head_path(rows) == red_flag_head.head_path(list(rows))
    assert red_flag_head.head_path(rows) != red_flag_head.head_path(rows[:-1])
    saved = red_flag_head.default_head().to_dict()
    assert saved["recipe"] == red_flag_head.RECIPE
    assert sorted(saved["classes"]) == sorted((*red_flag_head.CATEGORIES, red_flag_head.NONE))


def test_training_never_reads_the_evaluation_data():
    rows = red_flag_head.training_rows()
    texts = {row["text"].casefold() for row in rows}
    for name in ("red_flags_heldout.jsonl", "red_flags_hard_negatives.jsonl"):
        lines = (DATA / name).read_text().splitlines()
        evaluation = {json.loads(line)["text"].casefold() for line in lines if line.strip()}
        shared = texts & evaluation
        assert not shared, f"{len(shared)} training rows are {name} texts"  # texts not shown
    for row in rows:
        if row["group"].startswith("chat:"):
            key = row["group"].removeprefix("chat:")
            assert intent_corpus.chitchat_split(key) == "train"
            assert red_flag_head.chitchat_side(key) == "fit"


def test_every_category_and_none_has_many_phrasings():
    rows = red_flag_head.phrased_rows()
    for label in (*red_flag_head.CATEGORIES, red_flag_head.NONE):
        assert sum(row["label"] == label for row in rows) >= 150, label


def test_a_template_expands_to_its_alternatives_and_slots():
    import random

    seen = {red_flag_head.expand("{a|b} {pay}", random.Random(n)) for n in range(200)}
    firsts = {text.split(" ", 1)[0] for text in seen}
    assert firsts == {"a", "b"}
    assert all(text.split(" ", 1)[1] in red_flag_phrases_slots("pay") for text in seen)


def red_flag_phrases_slots(name: str) -> tuple[str, ...]:
    from mlops import red_flag_phrases

    return red_flag_phrases.SLOTS[name]

"""Round four of red flags (issue 17): stalling, pressure, exposure-for-pay and payment
workarounds have patterns of their own; each is shown, and none alarms by itself, since
they are LOW or MEDIUM. Texts written for this test, not taken from any data set."""

from __future__ import annotations

from mlops import bad_actor, red_flag_head

ALARM = 0.5
# One per new pattern, worded so its regex matches: (text, pattern, category).
REGEX_CASES = [
    ("honestly i need to think about it for a few more months", "stalling", "time_waste"),
    ("do it or i will give you a one-star review", "pressure_tactics", "emotional_manipulation"),
    ("i'll share your page for exposure, that's the deal", "exposure_not_pay", "freeloader"),
    ("if the set is bad i'll just do a chargeback", "payment_workaround", "payment_scam"),
]


def rule(name: str) -> bad_actor.RedFlagRule:
    return next(r for r in bad_actor.default_rules() if r.pattern_name == name)


def test_the_new_patterns_are_valid_and_match_their_behaviour():
    for text, name, category in REGEX_CASES:
        assert bad_actor.rule_problems(rule(name)) == []
        assert rule(name).category == category
        assert rule(name).compiled().search(text), text


def test_a_lone_new_pattern_is_shown_but_does_not_alarm():
    for text, name, _ in REGEX_CASES:
        report = bad_actor.detect_bad_actor([text])
        assert name in {flag.pattern_name for flag in report.red_flags}, text
        assert report.combined_risk < ALARM and not report.should_block, text


def test_time_wasting_is_read_from_a_lower_probability_only_because_it_is_low():
    lowered = red_flag_head.FLAG_AT_FOR
    assert all(value < red_flag_head.FLAG_AT for value in lowered.values())
    for category in lowered:
        rules = [r for r in bad_actor.default_rules() if r.category == category]
        assert rules and all(r.severity == "LOW" for r in rules)


def test_ordinary_near_misses_stay_quiet():
    for text in (
        "I left a bad review for that hotel, the room was dirty",
        "my free trial of the music app ends on sunday",
        "is it ok to pay in two parts? totally fine if not",
    ):
        report = bad_actor.detect_bad_actor([text])
        assert report.combined_risk < ALARM and not report.should_block, text

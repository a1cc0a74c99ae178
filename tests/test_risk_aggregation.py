"""A conversation's risk from its flags: weak evidence does not add up to an alarm, firm
evidence still does (seed 002's severities and weights, issue 17's false-alarm target)."""

from __future__ import annotations

from mlops import bad_actor
from mlops.bad_actor import RedFlag

ALARM = 0.5


def faint(name: str, category: str, weight: float = 0.08) -> RedFlag:
    # A semantic match below semantic_flags.FULL_AT: shown, counted faintly.
    return RedFlag(name, "some line", "HIGH", weight, category, "semantic", "ex", 0.55, "", 0.3)


def firm(name: str, category: str, severity: str, weight: float) -> RedFlag:
    return RedFlag(name, "matched words", severity, weight, category)


def test_many_faint_matches_count_as_the_strongest_one():
    flags = [
        faint("bank_details_request", "scam"),
        faint("sugar_daddy_scam", "scam"),
        faint("gaslighting", "emotional_manipulation"),
        faint("isolation", "emotional_manipulation"),
        faint("wire_transfer_request", "payment_scam", 0.1),
    ]
    assert all(bad_actor.weak(flag) for flag in flags)
    strongest = 0.1 * bad_actor.CATEGORY_FACTOR["payment_scam"]
    assert bad_actor.combined_risk(flags) == round(strongest, 3)
    assert bad_actor.category_score(flags[:2]) == 0.08


def test_low_flags_add_a_little_and_never_make_a_lone_medium_flag_an_alarm():
    love = firm("love_bombing", "emotional_manipulation", "MEDIUM", 0.5)
    low = [
        firm("no_purchase_intent", "time_waste", "LOW", 0.4),
        firm("excessive_compliments", "time_waste", "LOW", 0.3),
        firm("just_chatting", "time_waste", "LOW", 0.3),
    ]
    alone = bad_actor.combined_risk([love])
    together = bad_actor.combined_risk([love, *low])
    assert alone < together < ALARM
    assert bad_actor.combined_risk(low) == bad_actor.LOW_ADDS


def test_firm_evidence_still_combines_to_an_alarm():
    flags = [
        firm("free_content_request", "freeloader", "MEDIUM", 0.6),
        firm("guilt_tripping", "emotional_manipulation", "MEDIUM", 0.6),
    ]
    assert bad_actor.combined_risk(flags) >= ALARM


def test_a_long_friendly_chat_with_one_i_love_you_is_not_alarmed():
    lines = [f"haha that was such a fun day {i}" for i in range(14)] + ["I love you"]
    report = bad_actor.detect_bad_actor(lines)
    names = {flag.pattern_name for flag in report.red_flags}
    assert {"love_bombing", "no_purchase_intent"} <= names  # both still shown as evidence
    assert report.time_waste_score >= 0.4  # the category's own score is unchanged
    assert report.combined_risk < ALARM and not report.should_block
    assert report.recommendation.startswith("MEDIUM RISK")


def test_a_scammer_is_still_blocked_in_a_long_chat():
    lines = [f"haha that was such a fun day {i}" for i in range(14)]
    report = bad_actor.detect_bad_actor([*lines, "send me your bank details so I can pay you"])
    assert report.should_block and report.combined_risk >= bad_actor.BLOCK_AT

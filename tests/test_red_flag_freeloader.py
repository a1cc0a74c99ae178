"""Round five of red flags: freeloading and payment abuse at the edges of their categories
(refund after use, promotion instead of the price, a standing discount, fee-dodging off the
platform, a charge denied to the bank after delivery). Texts written for this test from
the facets of dev set C (mlops/data/red_flags_dev_c.jsonl), not taken from any data set."""

from __future__ import annotations

from mlops import bad_actor, red_flag_head, red_flag_phrases_freeloader

ALARM = 0.5
FLAGGED = [
    ("i've seen the whole set already, so now give me a refund", "freeloader"),
    ("waive the fee for me just this one time, please", "freeloader"),
    ("i'm a regular, so i should get a discount code every time", "freeloader"),
    ("i'll order it and then tell my bank the charge was never mine", "payment_scam"),
    ("skip the site fees, pay me straight on venmo and keep it all", "payment_scam"),
]
QUIET = [
    "is there a free trial? i'd like a look around before i subscribe",
    "I shared your page with my friends after I subscribed, they love it",
    "i was charged twice for one set, could you refund the second one?",
]


def categories(text: str) -> set[str]:
    return {flag.category for flag in bad_actor.detect_bad_actor([text]).red_flags}


def test_the_module_is_read_by_the_head():
    payment = red_flag_phrases_freeloader.PAYMENT_SCAM.strip().splitlines()
    assert payment and set(payment) <= set(red_flag_head.templates("payment_scam"))


def test_edge_forms_of_freeloading_and_payment_abuse_are_flagged():
    for text, category in FLAGGED:
        assert category in categories(text), text


def test_honest_versions_of_the_same_topics_do_not_alarm():
    for text in QUIET:
        report = bad_actor.detect_bad_actor([text])
        assert report.combined_risk < ALARM and not report.should_block, text

"""The negation development set (mlops/data/intent_negation_dev.jsonl) stays well formed, and
the negation-scope set phrases it led to open no scope."""

from __future__ import annotations

import json
from pathlib import Path

from mlops import intent_features, intent_model

DATA = Path(__file__).resolve().parent.parent / "mlops" / "data"
NEGATION_DEV = DATA / "intent_negation_dev.jsonl"


def test_negation_dev_rows_are_labelled_negated_utterances():
    rows = [json.loads(line) for line in NEGATION_DEV.read_text().splitlines() if line.strip()]
    assert len(rows) >= 200
    assert all(set(row) == {"text", "intent", "negated"} for row in rows)
    assert all(row["intent"] in intent_model.INTENTS for row in rows)
    assert all(row["negated"] for row in rows)
    assert len({row["text"].lower() for row in rows}) == len(rows)
    # mostly yes and no, but every other intent that carries negators has rows too, so a
    # fix cannot pass by reading every negation as a yes or a no
    polar = sum(row["intent"] in {"yes", "no"} for row in rows)
    assert 0.6 < polar / len(rows) < 0.9
    assert {"objection", "uncertain", "callback", "request_human"} <= {r["intent"] for r in rows}


def test_a_reassurance_before_agreeing_opens_no_scope():
    # "dont worry i'm interested" is agreement: its "dont" negates no word after it
    assert intent_model.negation_buckets("dont worry i'm interested") == {}
    assert intent_model.negation_buckets("no brainer, sign me up") == {}
    assert intent_model.negation_buckets("don't sign me up") != {}


def test_denied_assent_and_denied_refusal_share_a_mark_across_verbs():
    """ "don't sign me up" and "not going ahead" deny assent with other verbs; "not gonna
    refuse" and "wouldn't say no" deny a refusal: each pair shares its class mark."""

    def marks(text: str) -> set[int]:
        return set(intent_model.negation_buckets(text))

    def mark(gram: str) -> int:
        return intent_features.hashed(gram, intent_model.NEGATION_BUCKETS)

    assert mark("NOT_<assent>") in marks("please don't sign me up")
    assert mark("NOT_<assent>") in marks("we've decided not to go ahead")
    assert mark("NOT_<dissent>") in marks("not gonna refuse that")
    assert mark("NOT_<dissent>") in marks("I wouldn't say no")
    assert mark("NOT_<dissent>") not in marks("no thanks")
    assert mark("NOT_<assent>") not in marks("sign me up")

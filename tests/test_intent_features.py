"""The intent head's input row: embedding, hashed words, character trigrams, negation scope; a
head saved with another layout is never read with today's rows."""

from __future__ import annotations

import json

import numpy as np

from mlops import intent_features, intent_model, intent_training


def overlap(a: dict[int, float], b: dict[int, float]) -> float:
    return sum(value * b.get(bucket, 0.0) for bucket, value in a.items())


def test_a_stretched_or_misspelt_word_shares_most_of_its_trigrams():
    plain = intent_model.char_buckets("nope")
    assert intent_model.char_buckets("nopeeeee") == intent_model.char_buckets("nopee")
    assert overlap(plain, intent_model.char_buckets("nopee")) > 0.5
    assert overlap(plain, intent_model.char_buckets("sure")) < 0.2
    assert (
        overlap(intent_model.char_buckets("interested"), intent_model.char_buckets("intrested"))
        > 0.6
    )


def test_the_row_is_the_embedding_then_words_then_trigrams():
    vector = [float(x) for x in np.linspace(-1, 1, intent_model.EMBEDDING_DIMENSIONS)]
    row = intent_model.features(vector, "not bad at all")
    assert row.shape == (intent_model.WIDTH,)
    assert np.allclose(row[: intent_model.EMBEDDING_DIMENSIONS], vector)
    parts = (
        row[intent_model.WORDS_AT : intent_model.CHARS_AT],
        row[intent_model.CHARS_AT : intent_model.NEGATION_AT],
        row[intent_model.NEGATION_AT :],
    )
    for part in parts:  # each block is normalised on its own
        assert abs(np.linalg.norm(part) - 1) < 1e-5
    assert intent_model.negation_buckets("not bad") != intent_model.negation_buckets("bad")
    assert intent_model.negation_buckets("not not bad") != intent_model.negation_buckets("not bad")
    assert intent_model.feature_matrix([], []).shape == (0, intent_model.WIDTH)


def test_a_head_of_another_layout_reads_as_the_bootstrap(tmp_path):
    head = intent_training.bootstrap_head()
    stale = {**head.to_dict(), "char_buckets": 0, "name": "stale"}
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(stale))

    loaded = intent_training.cached_head(-1, str(path))

    assert loaded.name == head.name == "intent-bootstrap"


def test_reading_one_message_from_its_hashed_columns_equals_reading_its_whole_row():
    """`read` multiplies only the embedding and the message's non-zero text columns; it must
    give what the whole feature row gives, for every family."""
    texts = ["not bad at all", "nope, never", "how much??", "call me tmrw", "hi there", "ok bye"]
    labels = ["yes", "no", "price", "callback", "greeting", "goodbye"]
    rng = np.random.default_rng(0)
    vectors = [list(rng.normal(size=intent_model.EMBEDDING_DIMENSIONS)) for _ in texts]
    rows = intent_model.feature_matrix(vectors, texts)
    for family in intent_model.MODEL_FAMILIES:
        head = intent_model.fit(rows, labels, family)
        head.temperature = 0.8
        for vector, text, row in zip(vectors, texts, rows, strict=True):
            one, whole = head.read(vector, text), head.read_rows(row[None, :])[0]
            assert one.intent == whole.intent
            for intent, probability in whole.probabilities.items():
                assert abs(one.probabilities[intent] - probability) <= 1e-4


def test_a_set_phrase_with_a_negator_opens_no_negation_scope():
    """ "not gonna lie" and "no worries" negate nothing after them: the agreement that
    follows is read like one with no negator at all."""
    assert intent_model.negation_buckets("not gonna lie that sounds great") == {}
    assert intent_model.negation_buckets("no worries, payment sent") == {}
    assert intent_model.negation_buckets("can't wait, book me in") == {}
    assert intent_model.negation_buckets("I'm not gonna sign up") != {}


def test_an_interjected_no_and_the_clauses_own_negator_say_no_once():
    """ "no don't want it" is one refusal, not a double negation; "I wouldn't say no" is."""

    def marks(text: str) -> set[int]:
        return set(intent_model.negation_buckets(text))

    def mark(gram: str) -> int:
        return intent_features.hashed(gram, intent_model.NEGATION_BUCKETS)

    assert mark("NOT_want") in marks("no dont want it")
    assert mark("NOTNOT_want") not in marks("no dont want it")
    assert mark("NOT_interested") in marks("nope not interested")
    assert mark("NOTNOT_interested") in marks("not not interested")
    # The no that ends a negated clause is marked as negated itself.
    assert mark("NOTNOT_no") in marks("I wouldn't say no")
    assert mark("NOTNOT_no") not in marks("I'm gonna say no")

"""The perception analysers on their own: plain text in, plain values out."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops import bad_actor, context, emotion, sarcasm, sentiment, triage
from mlops.perception import ModelPaths, PerceptionInput, perceive_batch
from mlops.textclassifier import TextClassifier

SARCASTIC = "Oh great, another delayed shipment. Just what I needed."


# -- sentiment, emotion, sarcasm, context --------------------------------------------------


def test_vader_reads_clear_sentiment():
    happy, sad = sentiment.analyse_sentiments(["I love this, thank you!", "This is awful."])
    assert (happy.label, sad.label) == ("positive", "negative")
    assert happy.intensity == abs(happy.compound) > 0.5


def test_nrc_emotions_find_fear_and_joy():
    scared, glad = emotion.analyse_emotions(
        ["I am scared and afraid of what happens", "what a joy, I am so happy"]
    )
    assert scared.scores.get("fear", 0) > 0
    assert glad.top == "joy"
    assert sum(glad.scores.values()) == pytest.approx(1, abs=0.01)


def test_emotion_tokens_find_lexicon_words_behind_suffixes():
    assert "delay" in emotion.lexicon_tokens("delayed again", {"delay": ["anger"]})


@pytest.mark.parametrize(
    "text",
    [
        SARCASTIC,
        "Wonderful, my train is late again 🙄",
        "yeah right, that was 'fast' /s",
        "Perfect. The app crashed again.",
    ],
)
def test_sarcasm_rules_catch_common_cues(text):
    result = sarcasm.rule_sarcasm(text)
    assert result.is_sarcastic, result
    assert result.cues


@pytest.mark.parametrize("text", ["This is great, thank you!", "The shipment is delayed."])
def test_plain_praise_or_plain_trouble_is_not_sarcasm(text):
    assert not sarcasm.rule_sarcasm(text).is_sarcastic


def test_sarcastic_praise_reads_as_negative_in_context():
    [result] = perceive_batch([PerceptionInput(SARCASTIC)])
    assert result["sarcasm"]["is_sarcastic"]
    assert result["sentiment"]["label"] == "positive"  # the words alone
    assert result["context"]["label"] == "sarcastic_positive"
    assert result["context"]["effective_score"] < 0  # what it means
    assert "sarcastic" in result["guidance"]


@pytest.mark.parametrize(
    ("history", "text", "score", "expected"),
    [
        ([0.6, 0.5, 0.6], "this is getting annoying", -0.4, "declining"),
        ([-0.6, -0.5, -0.4], "ok that actually helps, thanks", 0.5, "recovering"),
        ([-0.6, -0.4], "fine, whatever, thanks", 0.3, "forced_positive"),
        ([0.3, 0.4], "sounds good", 0.4, "steady_positive"),
        ([], "hello", 0.0, "steady"),
    ],
)
def test_context_aware_sentiment_over_the_last_turns(history, text, score, expected):
    result = context.context_sentiment(text, score, False, None, history)
    assert result.label == expected
    assert result.guidance


def test_guidance_for_an_anxious_user_says_to_reassure():
    result = context.context_sentiment("I'm worried", -0.3, False, "fear", [])
    assert result.guidance == "User is anxious — be reassuring, skip promos"


# -- triage (seed 002) ----------------------------------------------------------------------


def test_seed_example_from_a_friend_is_urgent():
    result = triage.triage("Hey, can you call me ASAP? It's urgent!", "friend", "msg-123")
    assert result.priority == "urgent"
    assert result.adjusted_urgency > result.urgency_score >= 0.8
    assert (result.intent, result.suggested_response_time) == ("request", "immediate")
    assert result.is_urgent and result.needs_action
    assert result.message_id == "msg-123"


@pytest.mark.parametrize(
    ("score", "priority"),
    [(0.85, "urgent"), (0.8, "urgent"), (0.65, "time-sensitive"), (0.3, "routine"), (0.1, "low")],
)
def test_priority_thresholds_are_the_seeds(score, priority):
    assert triage.priority_for(score) == priority


def test_classification_changes_urgency():
    text = "please call me today, it's important"
    family = triage.triage(text, "family").adjusted_urgency
    unknown = triage.triage(text, "unknown").adjusted_urgency
    assert family > unknown


# -- bad actors (seed 002) ---------------------------------------------------------------


def test_seed_payment_scam_is_high_and_blocked():
    report = bad_actor.detect_bad_actor(["Hey beautiful", "my bank doesn't allow venmo"])
    [flag] = [f for f in report.red_flags if f.category == "payment_scam"]
    assert (flag.pattern_name, flag.severity, flag.weight) == ("echeck_bank_excuse", "HIGH", 0.9)
    assert flag.matched_text == "my bank doesn't allow venmo"
    assert report.should_block
    assert report.scam_risk >= 0.85
    assert report.recommendation.startswith("HIGH RISK")


def test_every_category_has_patterns_with_the_seed_severities():
    rules = bad_actor.default_rules()
    assert {r.category for r in rules} == set(bad_actor.CATEGORIES)
    assert all(not bad_actor.rule_problems(r) for r in rules)
    critical = {r.pattern_name for r in rules if r.severity == "CRITICAL"}
    assert {"bank_details_request", "self_harm_threat", "echeck_only"} <= critical


def test_a_friendly_buyer_is_low_risk():
    report = bad_actor.detect_bad_actor(["hey! how much is the set?", "ok I just paid, thanks"])
    assert report.red_flags == []
    assert not report.should_block
    assert report.combined_risk == 0


def test_endless_chat_without_buying_is_time_waste():
    report = bad_actor.detect_bad_actor([f"haha nice {i}" for i in range(14)])
    assert [f.pattern_name for f in report.red_flags] == ["no_purchase_intent"]
    assert report.time_waste_score > 0


def test_a_broken_rule_is_reported_not_run():
    rule = bad_actor.RedFlagRule("bad", "nonsense", "HUGE", 3, "(unclosed")
    problems = bad_actor.rule_problems(rule)
    assert len(problems) == 4


# -- transformers checkpoints (a tiny one the test builds and saves) ------------------------


def build_tiny_classifier(path: Path, labels: list[str]) -> Path:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    words = ["great", "shipment", "delayed", "love", "hate", "call", "me", "now", "oh", "the"]
    vocab = path / "vocab.txt"
    path.mkdir(parents=True, exist_ok=True)
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    BertTokenizer(vocab_file=str(vocab)).save_pretrained(path)
    # Labels go in through keyword arguments that transformers' config stubs don't declare.
    config = BertConfig(  # type: ignore[call-arg]
        vocab_size=len(words) + 5,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    BertForSequenceClassification(config).save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def sentiment_checkpoint(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sentiment")
    return str(build_tiny_classifier(path, ["negative", "neutral", "positive"]))


def test_transformers_classifier_batches_give_the_same_answers_as_one_by_one(
    sentiment_checkpoint,
):
    classifier = TextClassifier(sentiment_checkpoint)
    texts = ["oh great", "the shipment is delayed", "I love it", "call me now", "hate"]

    batched = classifier.classify(texts, batch_size=2)
    single = [classifier.classify([text])[0] for text in texts]

    assert len(batched) == len(texts)
    for one, other in zip(batched, single, strict=True):
        assert set(one) == {"negative", "neutral", "positive"}
        assert sum(one.values()) == pytest.approx(1, abs=1e-5)
        for label in one:
            assert one[label] == pytest.approx(other[label], abs=1e-5)


def test_configured_checkpoint_drives_the_sentiment_label(sentiment_checkpoint):
    texts = ["oh great", "hate the delayed shipment"]
    results = sentiment.analyse_sentiments(texts, sentiment_checkpoint)
    probabilities = TextClassifier(sentiment_checkpoint).classify(texts)
    for result, p in zip(results, probabilities, strict=True):
        assert result.model.startswith("transformers:")
        assert result.compound == pytest.approx(p["positive"] - p["negative"], abs=1e-3)


def test_perception_runs_every_analyser_on_checkpoints(tmp_path, sentiment_checkpoint):
    emotions = build_tiny_classifier(tmp_path / "emotion", ["anger", "fear", "joy", "sadness"])
    sarcastic = build_tiny_classifier(tmp_path / "sarcasm", ["not_sarcastic", "sarcastic"])
    paths = ModelPaths(sentiment_checkpoint, str(emotions), str(sarcastic))

    results = perceive_batch([PerceptionInput(SARCASM_TEXT) for _ in range(3)], paths)

    assert len(results) == 3
    for result in results:
        assert result["emotions"]["top"] in {"anger", "fear", "joy", "sadness"}
        assert 0 <= result["sarcasm"]["score"] <= 1
        assert result["sarcasm"]["cues"]  # the rules still explain the text's cues
        assert set(result["timings"]) == {
            "sentiment_ms",
            "emotion_ms",
            "sarcasm_ms",
            "context_triage_ms",
        }


SARCASM_TEXT = SARCASTIC

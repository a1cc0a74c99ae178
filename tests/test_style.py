"""Rule-based style learning and restyling (personas.style): pure Python, no database."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from personas.style import (
    CAPITALIZATIONS,
    MAX_STYLED_CHARS,
    PUNCTUATION_STYLES,
    CreatorStyle,
    StyleProfile,
    apply_creator_style,
    apply_style,
    formality_score,
    learn_creator_style,
    learn_style,
    merge_style,
)

SEED_SAMPLES = [
    {"input": "How are you?", "output": "Good! You?"},
    {"input": "Meeting tomorrow?", "output": "yep, see you there"},
]
SEED_OUTPUTS = [sample["output"] for sample in SEED_SAMPLES]
SEED_RESPONSE = "I am doing well, thank you for asking."

CREATOR_SAMPLES = [
    "Hey handsome, miss you already 😘",
    "Wouldn't you like to know... 😏",
    "Sub to my page first, then we'll talk 💕",
]
CREATOR_TEXT = "I'm doing well, thank you for asking."

LETTER = re.compile(r"[^\W\d_]")


@pytest.fixture
def seed_profile() -> StyleProfile:
    return learn_style(SEED_OUTPUTS)


@pytest.fixture
def creator() -> CreatorStyle:
    return learn_creator_style("creator-1", CREATOR_SAMPLES)


# formality_score -------------------------------------------------------------------------


def test_formality_ranks_formal_above_casual() -> None:
    formal = formality_score("Dear Sir, I would appreciate your assistance. Thank you.")
    casual = formality_score("yep lol gonna be there 😂")
    assert formal > 0.7
    assert casual < 0.3
    assert formal > formality_score(SEED_RESPONSE) - 0.2 > casual


def test_formality_is_neutral_without_words_and_stays_in_range() -> None:
    assert formality_score("") == 0.5
    assert formality_score("😘😘 !!") == 0.5
    for text in ("OMG!!! YES", "Kindly find the attached documentation.", "k"):
        assert 0.0 <= formality_score(text) <= 1.0


# learn_style -----------------------------------------------------------------------------


def test_learn_style_on_the_seed_samples(seed_profile: StyleProfile) -> None:
    # One sentence-case output and one lowercase one: no single habit, so "mixed".
    assert seed_profile.capitalization == "mixed"
    assert seed_profile.emoji_usage is False
    assert seed_profile.samples_count == 2
    assert seed_profile.punctuation_style == "minimal"
    assert seed_profile.contraction_preference > 0.5
    assert seed_profile.response_brevity > 0.5
    assert seed_profile.formality < 0.5
    assert seed_profile.avg_length == round((len("Good! You?") + len("yep, see you there")) / 2)
    assert "yep" in seed_profile.common_phrases


def test_learn_style_floats_are_rounded(seed_profile: StyleProfile) -> None:
    for value in (
        seed_profile.formality,
        seed_profile.contraction_preference,
        seed_profile.response_brevity,
    ):
        assert value == round(value, 2)


def test_learn_style_reads_consistent_habits() -> None:
    lowercase = learn_style(["sounds good 👍", "ok sounds good", "yeah sounds good to me 😂"])
    assert lowercase.capitalization == "lowercase"
    assert lowercase.emoji_usage is True
    assert lowercase.common_phrases[0] == "sounds good"

    formal = learn_style(
        [
            "Thank you for your message. I will review the documents tomorrow.",
            "Certainly. I am available on Thursday afternoon.",
        ]
    )
    assert formal.capitalization == "sentence"
    assert formal.punctuation_style == "standard"
    assert formal.formality > 0.6
    assert formal.contraction_preference < 0.3
    assert formal.response_brevity < 0.9

    excited = learn_style(["OMG yes!!", "Can't wait!!! See you", "no way..."])
    assert excited.punctuation_style == "expressive"


@pytest.mark.parametrize("outputs", [[], ["", "   "]])
def test_learn_style_needs_samples(outputs: list[str]) -> None:
    with pytest.raises(ValueError, match="no samples"):
        learn_style(outputs)


def test_merge_style_weighs_by_sample_count(seed_profile: StyleProfile) -> None:
    new_outputs = ["Thank you for the update. I will review the documents tomorrow."]
    merged = merge_style(seed_profile, new_outputs)
    fresh = learn_style(new_outputs)
    assert merged.samples_count == 3
    assert merged.common_phrases[0] == "yep"
    # Two old samples outvote one new one.
    assert merged.formality == round((2 * seed_profile.formality + fresh.formality) / 3, 2)
    assert abs(merged.formality - seed_profile.formality) < abs(merged.formality - fresh.formality)
    assert merged.punctuation_style == "minimal"
    assert seed_profile.avg_length < merged.avg_length < fresh.avg_length

    with pytest.raises(ValueError, match="no samples"):
        merge_style(seed_profile, [])


def test_merge_style_lets_many_new_samples_win(seed_profile: StyleProfile) -> None:
    emoji_heavy = ["lol ok 😂", "haha yes 😂", "omg 😍", "sure 😘", "k 👍"]
    merged = merge_style(seed_profile, emoji_heavy)
    assert merged.emoji_usage is True
    assert merged.capitalization == "lowercase"


# apply_style -----------------------------------------------------------------------------


def test_apply_style_on_the_seed_response(seed_profile: StyleProfile) -> None:
    styled = apply_style(SEED_RESPONSE, seed_profile)
    assert len(styled) < len(SEED_RESPONSE)
    assert not styled.endswith(".")
    assert "thanks" in styled.lower()
    assert "thank you for asking" not in styled.lower()


def test_apply_style_lowercases_for_lowercase_writers(seed_profile: StyleProfile) -> None:
    styled = apply_style(SEED_RESPONSE, replace(seed_profile, capitalization="lowercase"))
    assert styled == styled.lower()
    assert "thanks" in styled


def test_apply_style_moves_closer_to_the_profile(seed_profile: StyleProfile) -> None:
    styled = apply_style(SEED_RESPONSE, seed_profile)
    assert formality_score(styled) < formality_score(SEED_RESPONSE)


def test_apply_style_contracts_for_contracting_writers(seed_profile: StyleProfile) -> None:
    styled = apply_style("I do not know yet, it is too early", seed_profile)
    assert styled.startswith("I don't know yet")


def test_apply_style_expands_for_formal_writers() -> None:
    formal = learn_style(
        ["Thank you. I am not certain yet.", "I will confirm the time tomorrow morning."]
    )
    styled = apply_style("I'm not sure, we'll see", formal)
    assert styled.startswith("I am not sure")
    assert styled.endswith(".")


def test_apply_style_trims_trailing_clauses_but_keeps_the_first(
    seed_profile: StyleProfile,
) -> None:
    draft = "Sure, the meeting is at five tomorrow, and I will bring the slides we discussed."
    styled = apply_style(draft, seed_profile)
    assert styled.startswith("Sure, the meeting is at five tomorrow")
    assert "slides" not in styled

    verbose = replace(seed_profile, response_brevity=0.1)
    assert "slides" in apply_style(draft, verbose)


def test_apply_style_adds_emoji_only_for_emoji_users(seed_profile: StyleProfile) -> None:
    assert not re.search(r"[\U0001f300-\U0001faff]", apply_style(SEED_RESPONSE, seed_profile))
    with_emoji = apply_style(SEED_RESPONSE, replace(seed_profile, emoji_usage=True))
    assert re.search(r"[\U0001f300-\U0001faff]$", with_emoji)
    assert apply_style("Great 😂 see you", seed_profile) == "Great see you"


def test_apply_style_punctuation_habits(seed_profile: StyleProfile) -> None:
    standard = replace(seed_profile, punctuation_style="standard")
    expressive = replace(seed_profile, punctuation_style="expressive")
    assert apply_style("see you there", standard) == "see you there."
    assert apply_style("See you there.", expressive) == "See you there!"
    assert apply_style("really?? ok", seed_profile) == "really? ok"


# Creator style ---------------------------------------------------------------------------


def test_learn_creator_style_on_the_seed_samples(creator: CreatorStyle) -> None:
    assert creator.creator_id == "creator-1"
    assert creator.sample_count == 3
    assert "handsome" in creator.pet_names
    assert creator.signature_emojis == ["😘", "😏", "💕"]
    assert "miss you" in creator.escalation_phrases
    assert "sub to my page" in creator.deflection_phrases
    assert creator.teasing_level > 0.3
    assert creator.formality < 0.5


def test_learn_creator_style_ranks_by_frequency() -> None:
    style = learn_creator_style(
        "c", ["hey babe 💕", "night babe 😘💕", "thanks hun 💕", "I love it"]
    )
    assert style.pet_names == ["babe", "hun"]  # "love" here is a verb, not a pet name
    assert style.signature_emojis == ["💕", "😘"]
    assert style.teasing_level == 0.0


def test_learn_creator_style_needs_samples() -> None:
    with pytest.raises(ValueError, match="no samples"):
        learn_creator_style("c", [])


def test_apply_creator_style_on_the_seed_text(creator: CreatorStyle) -> None:
    styled = apply_creator_style(CREATOR_TEXT, creator)
    assert "handsome" in styled
    assert styled.endswith("😘")
    assert "thanks" in styled
    assert formality_score(styled) < formality_score(CREATOR_TEXT)

    babe = apply_creator_style(CREATOR_TEXT, replace(creator, pet_names=["babe"]))
    assert babe == "I'm great babe, thanks for checking in 😘"


def test_apply_creator_style_keeps_existing_pet_names_and_emoji(creator: CreatorStyle) -> None:
    styled = apply_creator_style("Hey babe, see you soon 💕", creator)
    assert "handsome" not in styled
    assert styled.count("💕") == 1
    assert "😘" not in styled


def test_apply_creator_style_without_names_or_emoji_only_casualizes() -> None:
    plain = CreatorStyle("c", 1, [], [], 0.0, 0.2, [], [])
    assert apply_creator_style("Thank you.", plain) == "Thanks"


# Serialization ---------------------------------------------------------------------------


def test_style_profile_round_trip(seed_profile: StyleProfile) -> None:
    data = seed_profile.to_dict()
    assert set(data) == {
        "formality",
        "emoji_usage",
        "avg_length",
        "punctuation_style",
        "capitalization",
        "common_phrases",
        "contraction_preference",
        "response_brevity",
        "samples_count",
    }
    assert StyleProfile.from_dict(json.loads(json.dumps(data))) == seed_profile


def test_creator_style_round_trip(creator: CreatorStyle) -> None:
    data = creator.to_dict()
    assert data["signature_emojis"] == ["😘", "😏", "💕"]
    assert CreatorStyle.from_dict(json.loads(json.dumps(data))) == creator


# Properties ------------------------------------------------------------------------------

unit = st.floats(min_value=0, max_value=1)
profiles = st.builds(
    StyleProfile,
    formality=unit,
    emoji_usage=st.booleans(),
    avg_length=st.integers(min_value=0, max_value=1000),
    punctuation_style=st.sampled_from(PUNCTUATION_STYLES),
    capitalization=st.sampled_from(CAPITALIZATIONS),
    common_phrases=st.lists(st.text(max_size=20), max_size=5),
    contraction_preference=unit,
    response_brevity=unit,
    samples_count=st.integers(min_value=0, max_value=100),
)
creator_styles = st.builds(
    CreatorStyle,
    creator_id=st.text(max_size=10),
    sample_count=st.integers(min_value=0, max_value=100),
    pet_names=st.lists(st.text(max_size=20), max_size=3),
    signature_emojis=st.lists(st.text(max_size=5), max_size=3),
    teasing_level=unit,
    formality=unit,
    escalation_phrases=st.lists(st.text(max_size=20), max_size=3),
    deflection_phrases=st.lists(st.text(max_size=20), max_size=3),
)
drafts = st.one_of(
    st.text(max_size=600),
    st.lists(st.sampled_from([SEED_RESPONSE, CREATOR_TEXT, "😘", "...", "İ", "ß"])).map(" ".join),
)


@settings(deadline=None)
@given(text=drafts, profile=profiles)
def test_apply_style_never_crashes_or_overflows(text: str, profile: StyleProfile) -> None:
    styled = apply_style(text, profile)
    assert len(styled) <= MAX_STYLED_CHARS
    if LETTER.search(text):
        assert re.search(r"\w", styled)


@settings(deadline=None)
@given(text=drafts, style=creator_styles)
def test_apply_creator_style_never_crashes_or_overflows(text: str, style: CreatorStyle) -> None:
    styled = apply_creator_style(text, style)
    assert len(styled) <= MAX_STYLED_CHARS
    if LETTER.search(text):
        assert re.search(r"\w", styled)


@settings(deadline=None)
@given(outputs=st.lists(st.text(max_size=200), min_size=1, max_size=5))
def test_learning_accepts_arbitrary_text(outputs: list[str]) -> None:
    if not any(output.strip() for output in outputs):
        return
    profile = learn_style(outputs)
    assert 0 <= profile.formality <= 1
    assert StyleProfile.from_dict(profile.to_dict()) == profile
    style = learn_creator_style("c", outputs)
    assert 0 <= style.teasing_level <= 1


@pytest.mark.parametrize(
    "text", ["!" * 5000 + "a", "a" + " " * 5000 + "x", "😘" * 5000 + "x", "a, " * 3000]
)
@pytest.mark.timeout(20)  # a hang guard against catastrophic backtracking, not a benchmark
def test_pathological_text_is_handled(text: str) -> None:
    """Runs of marks, spaces or emoji must not make the regexes backtrack quadratically."""
    profile = learn_style(SEED_OUTPUTS)
    style = learn_creator_style("c", CREATOR_SAMPLES)
    assert len(apply_style(text, profile)) <= 280
    assert len(apply_creator_style(text, style)) <= 280
    assert learn_style([text]).samples_count == 1
    assert learn_creator_style("c", [text]).sample_count == 1

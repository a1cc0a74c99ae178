"""Contact facts read from one inbound message by rules, and merged into stored facts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlops.facts import (
    FACT_KINDS,
    LIST_KINDS,
    MAX_VALUE_CHARS,
    SINGLE_KINDS,
    ExtractedFact,
    extract_facts,
    merge_facts,
    normalize_value,
)


def facts_of(text: str) -> set[tuple[str, str]]:
    return {(fact.kind, fact.value) for fact in extract_facts(text)}


def values_of(text: str, kind: str) -> list[str]:
    return [fact.value for fact in extract_facts(text) if fact.kind == kind]


def kinds_of(text: str) -> set[str]:
    return {fact.kind for fact in extract_facts(text)}


# -- each kind from the phrasings contacts use ----------------------------------------------

POSITIVE_CASES = [
    # occupation
    ("I'm a nurse", "occupation", "nurse"),
    ("I am a nurse", "occupation", "nurse"),
    ("I work as a nurse", "occupation", "nurse"),
    ("I'm working as an engineer", "occupation", "engineer"),
    ("my job is teaching", "occupation", "teaching"),
    ("nurse by profession", "occupation", "nurse"),
    ("I'm a carpenter by trade", "occupation", "carpenter"),
    ("I'm a software engineer at Google", "occupation", "software engineer"),
    ("I work as a dog groomer", "occupation", "dog groomer"),
    ("Im also a nurse lol", "occupation", "nurse"),
    ("I'm retired", "occupation", "retired"),
    ("nursing student here", "occupation", "student"),
    # studies
    ("nursing student here", "studies", "nursing"),
    ("I study law", "studies", "law"),
    ("I'm studying computer science", "studies", "computer science"),
    ("majoring in biology", "studies", "biology"),
    ("I'm doing a masters in economics", "studies", "economics"),
    ("I'm a law student at NYU", "studies", "law"),
    ("3rd year nursing student here", "studies", "nursing"),
    # name
    ("my name is Sam", "name", "Sam"),
    ("call me Sam", "name", "Sam"),
    ("I'm Sam", "name", "Sam"),
    ("name's Sam", "name", "Sam"),
    ("The name's Bond", "name", "Bond"),
    ("hi I'm Sam Lee, nice to meet you", "name", "Sam Lee"),
    # relationship status
    ("I'm single", "relationship_status", "single"),
    ("I'm married", "relationship_status", "married"),
    ("I'm happily married", "relationship_status", "married"),
    ("my wife says hi", "relationship_status", "married"),
    ("my girlfriend loves this", "relationship_status", "in a relationship"),
    ("my boyfriend and I", "relationship_status", "in a relationship"),
    ("I'm divorced", "relationship_status", "divorced"),
    ("Divorced, two kids", "relationship_status", "divorced"),
    ("I'm engaged", "relationship_status", "engaged"),
    ("we just got engaged!!", "relationship_status", "engaged"),
    ("it's complicated", "relationship_status", "it's complicated"),
    ("my late husband loved jazz", "relationship_status", "widowed"),
    # location
    ("I live in Berlin", "location", "Berlin"),
    ("I'm from Texas", "location", "Texas"),
    ("based in London", "location", "London"),
    ("I'm in Paris right now", "location", "Paris"),
    ("I moved to Lisbon last year", "location", "Lisbon"),
    # interests
    ("I love hiking", "interests", "hiking"),
    ("I'm into anime", "interests", "anime"),
    ("I enjoy cooking", "interests", "cooking"),
    ("my hobby is chess", "interests", "chess"),
    ("big fan of jazz", "interests", "jazz"),
    ("I'm a big fan of jazz", "interests", "jazz"),
    ("I really like photography", "interests", "photography"),
    ("I love to travel", "interests", "travel"),
    # dislikes
    ("I hate mornings", "dislikes", "mornings"),
    ("I can't stand spiders", "dislikes", "spiders"),
    ("not a fan of cats", "dislikes", "cats"),
    ("I'm not a big fan of horror movies", "dislikes", "horror movies"),
    ("I don't like coffee", "dislikes", "coffee"),
    ("I'm not really into sports", "dislikes", "sports"),
    # current activities
    ("I'm currently watching Dune", "current_activities", "watching Dune"),
    ("right now I'm cooking dinner", "current_activities", "cooking dinner"),
    ("I'm cooking dinner right now", "current_activities", "cooking dinner"),
    ("just got back from the gym", "current_activities", "got back from the gym"),
    ("I'm working on my thesis", "current_activities", "working on my thesis"),
    ("I'm just chilling lol", "current_activities", "chilling"),
    # upcoming events
    ("I have an exam tomorrow", "upcoming_events", "exam tomorrow"),
    ("going to a concert this weekend", "upcoming_events", "concert this weekend"),
    ("my birthday is next week", "upcoming_events", "birthday next week"),
    ("I'm flying to Rome on Friday", "upcoming_events", "flying to Rome on Friday"),
    (
        "I've got a job interview on Monday morning",
        "upcoming_events",
        "job interview on Monday morning",
    ),
    ("my exam's tomorrow", "upcoming_events", "exam tomorrow"),
]


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVE_CASES)
def test_reads_each_kind_from_its_phrasings(text: str, kind: str, value: str) -> None:
    assert (kind, value) in facts_of(text)


@pytest.mark.parametrize(("text", "kind", "value"), POSITIVE_CASES)
def test_typographic_apostrophes_and_trailing_punctuation_read_the_same(
    text: str, kind: str, value: str
) -> None:
    variant = text.replace("'", "\u2019") + "!!"
    assert (kind, value) in facts_of(variant)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [case for case in POSITIVE_CASES if case[1] not in ("name", "location")],
)
def test_triggers_are_case_insensitive(text: str, kind: str, value: str) -> None:
    normalized = {(k, normalize_value(v)) for k, v in facts_of(text.upper())}
    assert (kind, normalize_value(value)) in normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm a nurse", {("occupation", "nurse")}),
        ("I'm a nursing student", {("occupation", "student"), ("studies", "nursing")}),
        ("I'm a med student", {("occupation", "student"), ("studies", "medicine")}),
        ("I'm a grad student", {("occupation", "student")}),
        ("I'm in Paris right now", {("location", "Paris")}),
        ("I love hiking and climbing", {("interests", "hiking"), ("interests", "climbing")}),
        ("I don't like coffee", {("dislikes", "coffee")}),
        ("I'm a big fan of jazz", {("interests", "jazz")}),
        ("I'm flying to Rome on Friday", {("upcoming_events", "flying to Rome on Friday")}),
        (
            "I'm going to a concert this weekend",
            {("upcoming_events", "concert this weekend")},
        ),
        (
            "Hey! I'm Sam, I work as a nurse in Berlin. I love hiking but I hate mornings",
            {
                ("name", "Sam"),
                ("occupation", "nurse"),
                ("interests", "hiking"),
                ("dislikes", "mornings"),
            },
        ),
    ],
)
def test_reads_exactly_what_is_said(text: str, expected: set[tuple[str, str]]) -> None:
    assert facts_of(text) == expected


# -- what must not be read ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hey",
        "how are you?",
        "lol ok",
        "I'm good thanks",
        "I'm Good",
        "I'm So tired",
        "I'm a bit tired",
        "ok 👍",
        "hahaha",
        "Thanks! You too",
        "good morning!!",
        "what about you?",
        "",
        "   \n\t ",
    ],
)
def test_small_talk_yields_nothing(text: str) -> None:
    assert extract_facts(text) == []


NEGATIVE_CASES = [
    ("I'm a big fan of jazz", "occupation"),
    ("I'm a bit tired", "occupation"),
    ("I'm a terrible cook", "occupation"),
    ("I'm a hard worker", "occupation"),
    ("I'm a people person", "occupation"),
    ("my job is boring", "occupation"),
    ("my job is killing me", "occupation"),
    ("I work as hard as I can", "occupation"),
    ("I'm Good", "name"),
    ("I'm So tired", "name"),
    ("I'm Tired", "name"),
    ("I'm Italian", "name"),
    ("I'm a nurse", "name"),
    ("call me later", "name"),
    ("call me maybe", "name"),
    ("her name is Anna", "name"),
    ("my name is not important", "name"),
    ("I'm not single", "relationship_status"),
    ("my ex wife lives in Ohio", "relationship_status"),
    ("my sister just got married", "relationship_status"),
    ("Single or double room?", "relationship_status"),
    ("the form? it's complicated to fill in", "relationship_status"),
    ("my girlfriends and I went out", "relationship_status"),
    ("I'm in love", "location"),
    ("I'm in bed", "location"),
    ("I live in fear", "location"),
    ("I live in a house with my cat", "location"),
    ("where do you live in Berlin?", "location"),
    ("I love you", "interests"),
    ("I love it!", "interests"),
    ("I like your pics", "interests"),
    ("I'd like a refund", "interests"),
    ("I would love to", "interests"),
    ("I like the way you talk", "interests"),
    ("are you a fan of jazz?", "interests"),
    ("my dad is a big fan of jazz", "interests"),
    ("I don't like coffee", "interests"),
    ("I hate you lol", "dislikes"),
    ("I hate it when people are late", "dislikes"),
    ("I don't like to talk about it", "dislikes"),
    ("I study hard", "studies"),
    ("I'm studying for my exam", "studies"),
    ("my sister has a degree in law", "studies"),
    ("the nursing student said hi", "studies"),
    ("Student loans suck", "occupation"),
    ("I'm just saying", "current_activities"),
    ("I'm working on it", "current_activities"),
    ("my brother just got back from the gym", "current_activities"),
    ("I have no plans tomorrow", "upcoming_events"),
    ("are you going to the party tomorrow?", "upcoming_events"),
    ("I'm feeling sick today", "upcoming_events"),
    ("I have a dog", "upcoming_events"),
]


@pytest.mark.parametrize(("text", "kind"), NEGATIVE_CASES)
def test_lookalike_phrasings_are_not_read_as_that_kind(text: str, kind: str) -> None:
    assert kind not in kinds_of(text)


# -- shape of values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("I'm in Paris right now", "Paris"),
        ("I'm in LA rn", "LA"),
        ("I live in Berlin now", "Berlin"),
        ("I'm from Texas, born and raised", "Texas"),
        ("I live in New York City and I love it", "New York City"),
        ("I'm in New York City visiting friends", "New York City"),
        ("I'm originally from Rio de Janeiro", "Rio de Janeiro"),
        ("I moved to the UK last year", "the UK"),
        ("i live in berlin", "berlin"),
        ("I live in a small town near Munich", "small town"),
    ],
)
def test_location_keeps_its_capitalisation_and_stops_at_the_place(text: str, place: str) -> None:
    assert values_of(text, "location") == [place]


@pytest.mark.parametrize(
    ("text", "interests"),
    [
        ("I love hiking and climbing", ["hiking", "climbing"]),
        ("I love hiking, climbing and chess", ["hiking", "climbing", "chess"]),
        ("I love hiking, what about you?", ["hiking"]),
        ("I love hiking but I also enjoy cooking", ["hiking", "cooking"]),
        ("I love hiking, I love chess", ["hiking", "chess"]),
        ("I love rock and roll", ["rock and roll"]),
        ("I love hiking!!! 😍😍 see you later", ["hiking"]),
        ("I love hiking. I LOVE HIKING!", ["hiking"]),
    ],
)
def test_interest_lists_split_only_on_real_enumerations(text: str, interests: list[str]) -> None:
    assert values_of(text, "interests") == interests


def test_values_are_capped_at_whole_words() -> None:
    words = ["supercalifragilistic", "expialidocious", "antidisestablishment", "floccinaucinihil"]
    [activity] = values_of(
        f"I'm currently watching {' '.join(words)} tonight", "current_activities"
    )
    assert len(activity) <= MAX_VALUE_CHARS
    assert activity == "watching supercalifragilistic expialidocious"


def test_a_single_overlong_word_is_cut_to_the_cap() -> None:
    [interest] = values_of("I love " + "a" * 200, "interests")
    assert interest == "a" * MAX_VALUE_CHARS


def test_evidence_is_the_part_of_the_message_that_was_read() -> None:
    [fact] = extract_facts("Hey!! I love hiking, what about you?")
    assert fact == ExtractedFact("interests", "hiking", "I love hiking")


def test_evidence_keeps_the_original_characters() -> None:
    [fact] = extract_facts("So yeah, I\u2019m a nurse \U0001f469")
    assert fact == ExtractedFact("occupation", "nurse", "I\u2019m a nurse")


def test_rewritten_values_keep_the_whole_match_as_evidence() -> None:
    [fact] = extract_facts("my wife and I")
    assert fact == ExtractedFact("relationship_status", "married", "my wife")


def test_facts_come_in_message_order_so_the_later_statement_wins() -> None:
    text = "I'm originally from Texas but I live in Berlin now"
    assert values_of(text, "location") == ["Texas", "Berlin"]
    assert merge_facts({}, extract_facts(text))["location"] == "Berlin"


def test_control_characters_and_emoji_end_a_value() -> None:
    text = "I love hiking\x00\x07 and I'm a nurse\u200d\U0001f469\u200d\u2695\ufe0f ok"
    assert facts_of(text) == {("interests", "hiking"), ("occupation", "nurse")}


# -- normalize_value ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Hiking!", "hiking"),
        ("  The   Rolling  Stones!! ", "rolling stones"),
        ("an Apple", "apple"),
        ("movies", "movie"),
        ("puppies", "puppy"),
        ("Rock \u2019n\u2019 Roll", "rock 'n' roll"),
        ("\uff23\uff21\uff26\uff25", "cafe"),  # full-width letters
    ],
)
def test_normalize_value_matches_spellings_of_the_same_thing(left: str, right: str) -> None:
    assert normalize_value(left) == normalize_value(right)


@pytest.mark.parametrize(("left", "right"), [("C++", "C"), ("chess", "ches"), ("hiking", "biking")])
def test_normalize_value_keeps_different_things_apart(left: str, right: str) -> None:
    assert normalize_value(left) != normalize_value(right)


def test_normalize_value_is_a_plain_lowercase_key() -> None:
    assert normalize_value("  Hiking!!  ") == "hiking"
    assert normalize_value("The") == "the"  # an article alone is kept, not emptied
    assert normalize_value("") == ""


# -- merge_facts -----------------------------------------------------------------------------


def fact(kind: str, value: str) -> ExtractedFact:
    return ExtractedFact(kind, value, value)


def test_merge_keeps_one_of_each_list_value_in_first_seen_order() -> None:
    merged = merge_facts(
        {"interests": ["chess"]},
        [fact("interests", "hiking"), fact("interests", "Hiking!"), fact("interests", "Chess")],
    )
    assert merged["interests"] == ["chess", "hiking"]


def test_merge_replaces_single_kinds_with_the_newer_value() -> None:
    merged = merge_facts(
        {"location": "Texas", "name": "Sam"},
        [fact("location", "Austin"), fact("location", "Berlin")],
    )
    assert merged == {"location": "Berlin", "name": "Sam"}


def test_merge_returns_a_new_dict_and_leaves_its_input_alone() -> None:
    existing: dict[str, str | list[str]] = {"interests": ["chess"], "name": "Sam"}
    merged = merge_facts(existing, [fact("interests", "hiking"), fact("name", "Alex")])
    assert existing == {"interests": ["chess"], "name": "Sam"}
    assert merged == {"interests": ["chess", "hiking"], "name": "Alex"}
    assert merged["interests"] is not existing["interests"]


def test_merge_keeps_other_keys_and_tidies_stored_lists() -> None:
    merged = merge_facts(
        {"notes": "vip", "dislikes": ["cats", "Cats!"], "interests": "chess"},
        [fact("interests", "hiking")],
    )
    assert merged == {"notes": "vip", "dislikes": ["cats"], "interests": ["chess", "hiking"]}


def test_merge_skips_blank_values_and_rejects_unknown_kinds() -> None:
    assert merge_facts({"name": "Sam"}, [fact("name", " !! ")]) == {"name": "Sam"}
    with pytest.raises(ValueError, match="unknown fact kind"):
        merge_facts({}, [fact("favourite_colour", "blue")])


def test_merging_a_conversation() -> None:
    facts: dict[str, str | list[str]] = {}
    for message in [
        "hey! I'm Sam, I love hiking",
        "I'm a nurse btw. I have an exam tomorrow",
        "lol ok",
        "I really like Hiking and photography!",
        "I'm working as an engineer now, I live in Berlin",
    ]:
        facts = merge_facts(facts, extract_facts(message))
    assert facts == {
        "name": "Sam",
        "interests": ["hiking", "photography"],
        "occupation": "engineer",
        "upcoming_events": ["exam tomorrow"],
        "location": "Berlin",
    }


# -- robustness ------------------------------------------------------------------------------

FRAGMENTS = [
    "I'm",
    "I\u2019m",
    "I am",
    "a",
    "an",
    "nurse",
    "student",
    "my name is",
    "call me",
    "Sam",
    "I love",
    "I hate",
    "not a fan of",
    "and",
    ",",
    ".",
    "?",
    "right now",
    "tomorrow",
    "on Friday",
    "I live in",
    "Berlin",
    "my wife",
    "by profession",
    "just got back from",
    "going to",
    "😍",
    "\x00",
    "\n",
]
messages = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30).map(
        " ".join
    ),
)


def assert_well_formed(text: str, facts: list[ExtractedFact]) -> None:
    for extracted in facts:
        assert extracted.kind in FACT_KINDS
        assert extracted.value == extracted.value.strip()
        assert 0 < len(extracted.value) <= MAX_VALUE_CHARS
        assert normalize_value(extracted.value)
        assert extracted.evidence
        assert extracted.evidence in text
    keys = [(extracted.kind, normalize_value(extracted.value)) for extracted in facts]
    assert len(keys) == len(set(keys))


@settings(max_examples=300, deadline=None)
@given(messages)
def test_any_text_gives_well_formed_facts(text: str) -> None:
    assert_well_formed(text, extract_facts(text))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_value_is_idempotent(value: str) -> None:
    assert normalize_value(normalize_value(value)) == normalize_value(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(messages, max_size=5))
def test_merged_lists_never_hold_the_same_value_twice(conversation: list[str]) -> None:
    facts: dict[str, str | list[str]] = {}
    for message in conversation:
        facts = merge_facts(facts, extract_facts(message))
    for kind, value in facts.items():
        assert kind in FACT_KINDS
        if kind in LIST_KINDS:
            assert isinstance(value, list)
            keys = [normalize_value(item) for item in value]
            assert len(keys) == len(set(keys))
        else:
            assert kind in SINGLE_KINDS
            assert isinstance(value, str)


@pytest.mark.parametrize(
    "text",
    [
        "I'm " * 250_000,
        "I love hiking and " * 60_000,
        "I have " + "x " * 500_000,
        "a" * 1_000_000,
        "😍" * 200_000,
        "\x00\x1b\u202e" * 100_000,
    ],
    ids=["im", "love", "have", "letters", "emoji", "control"],
)
@pytest.mark.timeout(20)  # a hang guard against catastrophic backtracking, not a benchmark
def test_huge_messages_are_read_without_backtracking_blowup(text: str) -> None:
    facts = extract_facts(text)
    assert_well_formed(text, facts)

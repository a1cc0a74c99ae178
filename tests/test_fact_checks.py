"""Fact checks on reply drafts (mlops.fact_checks), mostly on real drafts of the CPU model.

tests/fixtures/cpu_drafts.json holds drafts that SmolLM2-135M-Instruct wrote for personas
Mia and Alex (benchmarks/capture_drafts.py re-captures them), each with the values its
prompt was built from and a hand label: "flag" when it invents a name, handle, link,
price, date, place, identity or promise, greets the persona by her own name or leaves a
template slot, "clean" otherwise. No database: the checks take plain values.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from mlops import common_words as common_words_module
from mlops.common_words import common_words, is_common
from mlops.fact_checks import (
    FactSources,
    check_reply,
    invented_facts,
    sources_for_prompt,
    sources_from,
)
from mlops.guardrails import Rules, guard, validate_response
from mlops.llm import GenerationParams
from mlops.llm_replies import generate_options
from mlops.prompts import PromptInputs

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "cpu_drafts.json"
DRAFTS: list[dict] = json.loads(FIXTURE.read_text(encoding="utf-8"))

# Each reason starts with the words of its rule.
RULES = {
    "own_name": "addresses the persona by her own name",
    "identity": "speaks as someone else",
    "name": "invented name",
    "place": "invented place",
    "handle": "invented handle",
    "url": "invented URL",
    "email": "invented e-mail",
    "price": "invented price",
    "date": "invented date",
    "promise": "promise not in the profile",
    "placeholder": "unfilled placeholder",
}
# Drafts labelled "flag" that the checks do not see (their notes start "known miss"): a
# known name or place put in an invented claim ("I'm a local from Denver", Denver being the
# contact's city). Telling those apart needs to know who the claim is about.
KNOWN_MISSES = 9
KNOWN_FALSE_ALARMS = 1  # "This is a fun meetup for me": a meetup, but nothing promised


def sources(row: dict) -> FactSources:
    return sources_from(
        row["persona"],
        profile=row["profile"],
        phrases=row["phrases"],
        knowledge=row["knowledge"],
        contact_name=row["contact"],
        facts=[(kind, value) for kind, value in row["facts"]],
        history=[(role, text) for role, text in row["history"]],
        last_message=row["customer_message"],
    )


def rules_of(reasons: list[str]) -> set[str]:
    return {rule for rule, start in RULES.items() for r in reasons if r.startswith(start)}


def real(draft: str) -> dict:
    """The fixture's row for a draft, found by its opening words."""
    rows = [row for row in DRAFTS if row["draft"].startswith(draft)]
    assert len(rows) == 1, draft
    return rows[0]


MIA = sources_from(
    "Mia",
    profile={"city": "Austin", "studies": "photography", "cta_concept": "exclusive photo set"},
    phrases=["omg stop it 😂", "ok but tell me more"],
    knowledge=["My favourite spot in Austin is Barton Springs at sunrise.", "Sets: mia-photos.com"],
    contact_name="Jake",
    facts=[("friend", "Tom"), ("city", "Denver")],
    history=[("user", "hi"), ("assistant", "hey you 😏")],
    last_message="how was your weekend?",
)


# -- the real drafts, all together ---------------------------------------------------


def test_it_keeps_precision_and_recall_on_the_real_drafts():
    counts: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    for row in DRAFTS:
        reasons = invented_facts(row["draft"], sources(row))
        counts.update(rules_of(reasons))
        flagged, expected = bool(reasons), row["expected"] == "flag"
        outcome[("t" if flagged == expected else "f") + ("p" if flagged else "n")] += 1
    precision = outcome["tp"] / (outcome["tp"] + outcome["fp"])
    recall = outcome["tp"] / (outcome["tp"] + outcome["fn"])
    print(f"\n{len(DRAFTS)} real drafts; flagged per rule: {dict(counts.most_common())}")
    print(f"tp {outcome['tp']} fp {outcome['fp']} fn {outcome['fn']} tn {outcome['tn']}")
    print(f"precision {precision:.3f}, recall {recall:.3f}")
    assert outcome["fn"] <= KNOWN_MISSES and outcome["fp"] <= KNOWN_FALSE_ALARMS
    assert precision >= 0.95 and recall >= 0.9


@pytest.mark.parametrize("rule", [rule for rule in RULES if rule not in ("email", "place")])
def test_it_catches_each_rule_on_real_drafts(rule):
    """Every rule meets real drafts of its kind (no captured draft had an e-mail address)
    and names nine in ten of them; names and places are one rule."""
    kinds = {"name", "place"} if rule == "name" else {rule}
    labelled = [
        row
        for row in DRAFTS
        if kinds & set(row["kinds"]) and not row["note"].startswith("known miss")
    ]
    assert labelled, f"no real draft of kind {rule}"
    caught = [
        row for row in labelled if kinds & rules_of(invented_facts(row["draft"], sources(row)))
    ]
    missed = [row["draft"] for row in labelled if row not in caught]
    print(f"\n{rule}: {len(caught)}/{len(labelled)} real drafts; missed: {missed}")
    assert len(caught) >= 0.9 * len(labelled)


def test_it_leaves_the_clean_real_drafts_alone():
    for row in DRAFTS:
        if row["expected"] == "clean" and "false positive" not in row["note"]:
            assert invented_facts(row["draft"], sources(row)) == [], row["draft"]


# -- each rule on real drafts, with the reason an operator sees ----------------------------


def test_it_catches_the_persona_addressed_by_her_own_name():
    for draft in ("Dear Mia, I'm really enjoying", "Howdy Mia, I hope", "Hi Alex, I hope"):
        row = real(draft)
        assert "addresses the persona by her own name" in invented_facts(row["draft"], sources(row))


def test_it_catches_the_persona_speaking_as_someone_else():
    row = real("Hey there, you! I'm Emily.")
    assert invented_facts(row["draft"], sources(row)) == ["speaks as someone else (Emily)"]
    row = real("Hello. I'm Sarah.")
    assert invented_facts(row["draft"], sources(row)) == ["speaks as someone else (Sarah)"]
    row = real("Hello, I am Priya.")  # the contact's name: still not Alex
    assert "speaks as someone else (Priya)" in invented_facts(row["draft"], sources(row))
    row = real("Hi! I am Max.")  # "max" is a word too, but the contact's dog is Max
    assert invented_facts(row["draft"], sources(row)) == ["speaks as someone else (Max)"]


def test_it_catches_invented_handles_dates_and_places():
    row = real("The new series, completed by @BatgirlCo.")
    assert invented_facts(row["draft"], sources(row)) == [
        "invented handle @BatgirlCo",
        "invented date this Friday",
        "invented place Barton Springs",
    ]


def test_it_catches_invented_names_prices_links_and_placeholders():
    cases = {
        "1. My new friend Emma": "invented name Emma",
        "20-minute demo call for $15": "invented price $15",
        "https://t. co/": "invented URL https://t",
        "Dear [Name], welcome": "unfilled placeholder [Name]",
        "This is a request made to you.": "invented date tomorrow at 1pm",
    }
    for draft, reason in cases.items():
        row = real(draft)
        assert reason in invented_facts(row["draft"], sources(row)), draft


def test_it_catches_promises_the_profile_does_not_make():
    cases = {
        "Chat chat room. Im happy to meet you in person.": "meeting in person",
        "This is a beautiful story. I'll give you 50% off": "50% off",
        "Here's a complimentary free 24-hour trial": "discount",
        "I'm so glad you're excited to meet your new friends.": "a gift",
    }
    for draft, promise in cases.items():
        row = real(draft)
        reasons = invented_facts(row["draft"], sources(row))
        assert f"promise not in the profile: {promise}" in reasons, (draft, reasons)


# -- what must pass ------------------------------------------------------------------------


def test_it_accepts_a_name_from_the_contact_and_the_message():
    row = real("Theres a thing you want to know")  # "help Sam": the contact
    assert invented_facts(row["draft"], sources(row)) == []
    row = real("My dog Max says hi.")
    assert invented_facts(row["draft"], sources(row)) == []
    assert invented_facts("Say hi to Tom for me!", MIA) == []  # a friend in the facts
    assert invented_facts("Say hi to Ben for me!", MIA) == ["invented name Ben"]


def test_it_accepts_a_link_from_the_knowledge():
    assert invented_facts("all my sets are on mia-photos.com 😘", MIA) == []
    assert invented_facts("all my sets are on mia-pics.com 😘", MIA) == [
        "invented URL mia-pics.com"
    ]


def test_it_accepts_places_from_the_profile_and_the_knowledge():
    for draft in ("I grew up in San Antonio", "261} I love tacos", "The new photo shoot at"):
        row = real(draft)
        assert invented_facts(row["draft"], sources(row)) == [], draft
    assert invented_facts("Austin is so hot today ugh", MIA) == []
    nowhere = sources_from("Mia", profile={"studies": "photography"})
    assert invented_facts("Austin is so hot today ugh", nowhere) == ["invented name Austin"]


def test_it_accepts_the_persona_introducing_herself():
    for draft in ("Hello, I'm Mia. I hope", "Hi, I'm Mia. I have no idea", "Hello, my name is Mia"):
        row = real(draft)
        assert invented_facts(row["draft"], sources(row)) == [], draft
    for draft in ("it's Mia here 😘", "Mia here! how are you?", "love, Mia"):
        assert invented_facts(draft, MIA) == [], draft


def test_it_accepts_emoji_interjections_and_slang():
    for draft in ("🌱 How was", "🌟 Hi there. 😏 I'm so happy", "Hi there, I'm Mia. 😘🌸✨"):
        row = real(draft)
        assert invented_facts(row["draft"], sources(row)) == [], draft
    for draft in (
        "omg stop it 😂 lol",
        "hahaha ur so sweet 😘",
        "ngl that's fire 🔥🔥",
        "OMG yesss, brb!",
        "Heyyy you 😏 wyd?",
        "Oh my God stop 😂",
        "Aww thank you",
        "Lol same",
        "Sooo cute!!",
        "Happy Friday!! 🎉",
    ):
        assert invented_facts(draft, MIA) == [], draft


def test_it_never_lets_the_contact_ask_a_promise_into_existence():
    asked = sources_from("Mia", profile={"city": "Austin"}, last_message="any discount for me?")
    assert invented_facts("sure, a discount just for you 😘", asked) == [
        "promise not in the profile: discount"
    ]
    offered = sources_from("Alex", knowledge=["Every plan starts with a 14-day free trial."])
    assert invented_facts("You can start with a free trial today", offered) == []
    assert invented_facts("You get a free upgrade today", offered) == [
        "promise not in the profile: free upgrade"
    ]


# -- repair and the guardrails ---------------------------------------------------------------


def test_it_repairs_a_vocative_with_the_persona_own_name():
    assert check_reply("Hi Mia! How are you?", MIA) == (
        "Hi! How are you?",
        ["addresses the persona by her own name"],
    )
    assert check_reply("Mia, you're too sweet", MIA)[0] == "You're too sweet"
    assert check_reply("How was your weekend, Mia?", MIA)[0] == "How was your weekend?"
    row = real("Hi Mia, I hope your day is going well.")
    assert check_reply(row["draft"], sources(row))[0] == (
        "Hi, I hope your day is going well. We've had a lot of fun so far!"
    )
    row = real("You have a great idea, Alex.")
    assert check_reply(row["draft"], sources(row))[0].startswith("You have a great idea. I am")


def test_it_drops_everything_else():
    row = real("Dear Mia, I hope this message finds you well.")
    text, reasons = check_reply(row["draft"], sources(row))
    assert text == "" and reasons == [
        "addresses the persona by her own name",
        "invented date last month",
        "promise not in the profile: meeting in person",
    ]
    row = real("Hi Alex, it's a pleasure to connect with you.")
    assert check_reply(row["draft"], sources(row))[0] == ""
    assert check_reply("hey you 😏", MIA) == ("hey you 😏", [])


def test_the_guardrails_repair_or_drop_when_given_sources():
    rules = Rules(speaker="Mia", fact_sources=MIA)
    assert guard("Mia: Hi Mia! How are you?", rules) == ("Hi! How are you?", "")
    assert guard("Hey there, you! I'm Emily.", rules) == ("", "speaks as someone else (Emily)")
    assert guard("see you at Zilker Park tomorrow", rules) == (
        "",
        "invented date tomorrow; invented place Zilker Park; "
        "promise not in the profile: meeting in person",
    )
    assert validate_response("Hi Mia!", rules) == (False, "addresses the persona by her own name")
    # The checks that came first still come first.
    assert guard("As an AI, I'm Emily", rules) == ("", "AI or technical wording")


def test_the_guardrails_change_nothing_without_sources():
    assert guard("Hi Mia! I'm Emily, see you Friday at 5pm", Rules()) == (
        "Hi Mia! I'm Emily, see you Friday at 5pm",
        "",
    )
    assert validate_response("Hi Mia!", Rules()) == (True, "")


def test_generated_options_record_why_a_draft_was_dropped():
    texts = [
        json.dumps({"text": t, "theme": "warm", "descriptor": "x", "confidence": 0.5})
        for t in ("Hi Mia! How are you?", "Hey there, you! I'm Emily.", "omg stop it 😂")
    ]
    generated = generate_options(
        lambda messages, params: (texts, False),  # type: ignore[arg-type]
        [{"role": "user", "content": "hi"}],
        GenerationParams(),
        Rules(speaker="Mia", fact_sources=MIA),
        customer_message="hi",
        count=3,
    )
    assert [option.text for option in generated.options] == ["Hi! How are you?", "omg stop it 😂"]
    assert generated.dropped == ["speaks as someone else (Emily)"]


def test_sources_for_a_prompt_take_every_value_the_prompt_shows():
    inputs = PromptInputs(
        persona_name="Mia",
        persona_profile={"city": "Austin", "cta_concept": "photo set"},
        persona_phrases=["omg stop it"],
        campaign={"context_variables": {"launch": "Zilker Park shoot"}},
        contact_name="Jake",
        facts=[("pet", "a dog called Max")],
        memories=["talked about Denver"],
        knowledge=["I have a cat called Biscuit."],
        history=[("user", "my friend Tom says hi")],
        last_message="any discount?",
    )
    found = sources_for_prompt(inputs)
    for word in ("Austin", "Zilker Park", "Jake", "Max", "Denver", "Biscuit", "Tom", "discount"):
        assert found.knows(word), word
    assert "discount" not in found.offer_text and "Biscuit" in found.offer_text


# -- the vocabulary and speed ----------------------------------------------------------------


def test_it_learns_which_words_are_common_from_the_chat_corpus():
    words = common_words()
    for name in ("emily", "paris", "barton", "sarah", "texas"):
        assert not is_common(name, words), name
    for word in ("spring", "springs", "hello", "haha", "lol", "omg", "beautiful", "shooting"):
        assert is_common(word, words), word
    path = common_words_module.vocabulary_path()
    assert path.exists()
    assert frozenset(json.loads(path.read_text())) | common_words_module.CHAT_WORDS == words


def test_it_checks_a_reply_in_well_under_a_millisecond():
    common_words()  # the first call builds or reads the vocabulary
    prepared = [(row["draft"], sources(row)) for row in DRAFTS]
    started = time.perf_counter()
    for draft, found in prepared:
        check_reply(draft, found)
    per_reply = (time.perf_counter() - started) / len(prepared)
    assert per_reply < 0.001, f"{per_reply * 1000:.2f} ms per reply"

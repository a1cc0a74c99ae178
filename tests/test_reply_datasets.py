"""Reply datasets (conversations.reply_datasets, mlops.datasets, mlops.registry): SFT rows
and preference pairs built from operators' decisions on known data, PII scrubbing,
de-duplication, the split by conversation, stored versions, tenancy and the persona filter."""

from __future__ import annotations

import json

import pytest

from conversations import decisions, ingestion, pipeline, replies
from conversations.models import Conversation, Message, Suggestion
from conversations.reply_datasets import ReplyDatasetOptions, build_reply_dataset
from conversations.retrieval import RetrievedContext
from mlops import registry
from mlops.datasets import (
    PARTS,
    ReplyDataset,
    eval_conversations,
    sample_rows,
    scrub,
    split_parts,
)
from mlops.models import Dataset
from mlops.prompts import build_messages
from personas.models import Persona
from tests.conftest import receive

pytestmark = pytest.mark.django_db


def suggested(
    workspace, text: str, external_id: str, contact: str = "c-1", persona: str = "Mia"
) -> tuple[Message, list[Suggestion]]:
    """An inbound message from "Sam", perceived, with the template generator's options."""
    if persona == "Mia":
        message = receive(workspace, text, external_id, contact)
    else:
        result = ingestion.ingest(
            workspace, ingestion.InboundMessage("api", external_id, contact, "Sam", persona, text)
        )
        message = Message.objects.select_related("conversation__contact").get(pk=result.message_id)
        pipeline.perceive(message)
        message.refresh_from_db()
    suggestion_set = pipeline.suggest(message, f"test:{message.pk}")
    assert suggestion_set is not None
    # The generator's options (the reply library's come first, and vary with its contents).
    options = list(suggestion_set.suggestions.filter(source="template").order_by("position"))
    assert len(options) >= 3
    return message, options


def conversation_of(message: Message) -> Conversation:
    return Conversation.objects.get(pk=message.conversation_id)


def named(text: str) -> str:
    """A text as scrubbing leaves it: every contact in these tests is called Sam."""
    return text.replace("Sam", "[NAME]")


def targets(dataset: ReplyDataset) -> list[str]:
    return [row["messages"][-1]["content"] for row in dataset.sft]


def pair_texts(dataset: ReplyDataset) -> list[tuple[str, str, str]]:
    return [(p["chosen"], p["rejected"], p["meta"]["source"]) for p in dataset.pairs]


def user_turn(row: dict) -> str:
    return str(row["messages"][-2]["content"])


# -- SFT rows and preference pairs from known decisions ---------------------------------------


@pytest.fixture
def known(workspace, persona, operator) -> dict:
    """Three conversations: an accept; an edit; a reject followed by a manual reply to the same
    message. Then the first conversation's next message gets a reject and nothing sent."""
    a, a_opts = suggested(workspace, "hey, love your pics!", "m-a", contact="c-a")
    b, b_opts = suggested(workspace, "what are you doing tonight?", "m-b", contact="c-b")
    c, c_opts = suggested(workspace, "are you even real?", "m-c", contact="c-c")
    assert "Sam" in a_opts[0].text  # so the accepted target shows name scrubbing
    accept = decisions.send_reply(conversation_of(a), operator, a_opts[0].text, a_opts[0].pk)
    edit = decisions.send_reply(
        conversation_of(b), operator, "just chilling at home, you?", b_opts[1].pk
    )
    reject = decisions.reject_suggestion(conversation_of(c), operator, c_opts[2].pk, "too pushy")
    manual = decisions.send_reply(conversation_of(c), operator, "haha yes, very real")
    a2, a2_opts = suggested(workspace, "you there?", "m-a2", contact="c-a")
    assert a2.conversation_id == a.conversation_id
    unpaired = decisions.reject_suggestion(conversation_of(a2), operator, a2_opts[0].pk, "meh")
    actions = [d.action for d in (accept, edit, reject, manual, unpaired)]
    assert actions == ["accept", "edit", "reject", "manual", "reject"]
    return {
        "messages": (a, b, c, a2),
        "options": (a_opts, b_opts, c_opts, a2_opts),
        "decisions": (accept, edit, reject, manual, unpaired),
    }


def test_known_decisions_give_exactly_the_expected_rows_pairs_and_counts(workspace, known):
    a, b, c, _ = known["messages"]
    a_opts, b_opts, c_opts, _ = known["options"]
    accept, edit, reject, _, _ = known["decisions"]

    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())

    assert targets(dataset) == [named(a_opts[0].text), "just chilling at home, you?"]
    assert [row["weight"] for row in dataset.sft] == [1.0, 1.0]
    assert [row["meta"] for row in dataset.sft] == [
        {
            "decision_id": accept.pk,
            "conversation_id": a.conversation_id,
            "persona_id": a.conversation.persona_id,
            "message_id": a.pk,
            "action": "accept",
            "theme": a_opts[0].theme,
        },
        {
            "decision_id": edit.pk,
            "conversation_id": b.conversation_id,
            "persona_id": b.conversation.persona_id,
            "message_id": b.pk,
            "action": "edit",
            "theme": b_opts[1].theme,
        },
    ]
    assert pair_texts(dataset) == [
        ("just chilling at home, you?", named(b_opts[1].text), "edit"),
        ("haha yes, very real", named(c_opts[2].text), "reject"),
    ]
    reject_pair = dataset.pairs[1]
    assert reject_pair["meta"]["decision_id"] == reject.pk
    assert reject_pair["meta"]["message_id"] == c.pk
    assert reject_pair["meta"]["conversation_id"] == c.conversation_id
    assert "Their new message: are you even real?" in reject_pair["prompt"][-1]["content"]
    # A pair's prompt is the same context as an SFT row's, without the answer.
    assert dataset.pairs[0]["prompt"] == dataset.sft[1]["messages"][:-1]
    assert dataset.counts == {
        "accept": 1,
        "edit": 1,
        "manual": 1,
        "reject": 2,
        "unpaired_rejections": 1,
        "duplicates_removed": 0,
    }


def test_manual_replies_are_sft_rows_only_when_asked_for(workspace, known):
    _, _, c, _ = known["messages"]
    a_opts, _, _, _ = known["options"]
    manual = known["decisions"][3]
    without = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    with_manual = build_reply_dataset(workspace.pk, ReplyDatasetOptions(include_manual=True))

    assert "haha yes, very real" not in targets(without)
    assert targets(with_manual) == [
        named(a_opts[0].text),
        "just chilling at home, you?",
        "haha yes, very real",
    ]
    assert [row["weight"] for row in with_manual.sft] == [1.0, 1.0, 0.5]
    manual_row = with_manual.sft[2]
    assert manual_row["meta"]["decision_id"] == manual.pk
    assert manual_row["meta"]["action"] == "manual"
    assert manual_row["meta"]["theme"] == ""
    assert manual_row["meta"]["message_id"] == c.pk  # it answers the message before it
    assert pair_texts(with_manual) == pair_texts(without)
    assert with_manual.counts == without.counts


def test_weights_come_from_the_options(workspace, known):
    weights = {"accept": 2.0, "edit": 3.0, "manual": 0.25}
    dataset = build_reply_dataset(
        workspace.pk, ReplyDatasetOptions(include_manual=True, weights=weights)
    )
    assert [(row["meta"]["action"], row["weight"]) for row in dataset.sft] == [
        ("accept", 2.0),
        ("edit", 3.0),
        ("manual", 0.25),
    ]


def test_an_edit_that_only_changes_case_is_an_sft_row_but_no_pair(workspace, persona, operator):
    message, options = suggested(workspace, "hey, love your pics!", "m-1")
    decision = decisions.send_reply(
        conversation_of(message), operator, options[0].text.upper(), options[0].pk
    )
    assert decision.action == "edit"
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    assert targets(dataset) == [options[0].text.upper()]
    assert dataset.pairs == []


def test_a_rejection_answered_by_a_later_suggestion_is_paired(workspace, persona, operator):
    message, options = suggested(workspace, "what are you doing tonight?", "m-1")
    conversation = conversation_of(message)
    decisions.reject_suggestion(conversation, operator, options[0].pk, "boring")
    decisions.send_reply(conversation, operator, options[1].text, options[1].pk)
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    assert targets(dataset) == [options[1].text]
    assert pair_texts(dataset) == [(options[1].text, options[0].text, "reject")]
    assert dataset.counts["unpaired_rejections"] == 0


def test_a_rejection_is_unpaired_when_the_reply_answers_a_newer_message(
    workspace, persona, operator
):
    first, options = suggested(workspace, "what are you doing tonight?", "m-1")
    decisions.reject_suggestion(conversation_of(first), operator, options[0].pk, "boring")
    receive(workspace, "hello??", "m-2")
    decisions.send_reply(conversation_of(first), operator, "sorry, was busy")
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(include_manual=True))
    assert dataset.pairs == []
    assert dataset.counts["unpaired_rejections"] == 1
    [row] = dataset.sft
    assert "Their new message: hello??" in user_turn(row)


def test_a_rejection_followed_by_the_same_text_makes_no_pair(workspace, persona, operator):
    """The operator rejects an option, regenerates (the template generator gives the same
    texts) and accepts the identical option: chosen == rejected teaches nothing. Edits get
    this check (normalised texts compared); rejections do not."""
    message, options = suggested(workspace, "what are you doing tonight?", "m-1")
    conversation = conversation_of(message)
    decisions.reject_suggestion(conversation, operator, options[0].pk, "not now")
    again = pipeline.suggest(message, "regenerate:1")
    assert again is not None
    same = again.suggestions.get(text=options[0].text)
    decisions.send_reply(conversation, operator, same.text, same.pk)
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    assert [p for p in dataset.pairs if p["chosen"] == p["rejected"]] == []


# -- the context: the prompt the model is trained on ------------------------------------------


@pytest.fixture
def two_turns(workspace, persona, operator) -> dict:
    first, first_opts = suggested(workspace, "hey, love your pics!", "m-1")
    decisions.send_reply(conversation_of(first), operator, first_opts[0].text, first_opts[0].pk)
    second, second_opts = suggested(workspace, "I just got back from the gym", "m-2")
    decisions.send_reply(
        conversation_of(second), operator, "nice, which workout today?", second_opts[0].pk
    )
    return {"first": first, "first_opts": first_opts, "second": second}


def test_the_prompt_holds_the_persona_the_message_and_the_history(workspace, two_turns):
    accepted = two_turns["first_opts"][0].text
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    assert targets(dataset) == [accepted, "nice, which workout today?"]
    system, user, assistant = dataset.sft[1]["messages"]
    assert system["role"] == "system"
    assert system["content"].startswith("You are Mia, chatting in private messages.")
    assert "Phrases you use: omg stop it | you're sweet" in system["content"]
    assert user["role"] == "user"
    assert user["content"].endswith(
        "Their new message: I just got back from the gym\nWrite your reply."
    )
    assert f"Recent messages:\nThem: hey, love your pics!\nYou: {accepted}\n" in user["content"]
    assert assistant == {"role": "assistant", "content": "nice, which workout today?"}
    first_user = user_turn(dataset.sft[0])
    assert "Recent messages" not in first_user
    assert first_user.endswith("Their new message: hey, love your pics!\nWrite your reply.")


def test_history_turns_limits_the_history(workspace, two_turns):
    accepted = two_turns["first_opts"][0].text
    dataset = build_reply_dataset(
        workspace.pk, ReplyDatasetOptions(scrub_pii=False, history_turns=1)
    )
    user = user_turn(dataset.sft[1])
    assert f"Recent messages:\nYou: {accepted}\nTheir new message:" in user
    assert "Them: hey, love your pics!" not in user


def test_the_phase_of_each_row_is_the_one_its_suggestions_were_made_in(workspace, two_turns):
    conversation = conversation_of(two_turns["second"])
    assert conversation.journey_state == "deepening"  # the second message moved it on
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    assert "Conversation phase: rapport_building." in user_turn(dataset.sft[0])
    assert "Conversation phase: deepening." in user_turn(dataset.sft[1])


def test_the_goal_of_each_row_is_its_own_phases_goal(workspace, two_turns):
    """The phase comes from the suggestion set (rapport_building) but the goal from the
    conversation's *current* state (deepening): the row says phase A, goal of phase B."""
    states = conversation_of(two_turns["second"]).playbook.spec.states
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    rapport = f"Conversation phase: rapport_building. Goal: {states['rapport_building'].goal}"
    assert rapport in user_turn(dataset.sft[0])


def test_the_prompt_is_the_one_the_suggestion_model_gets(workspace, persona, operator):
    """context_messages promises the serving prompt; serving (replies.prompt_inputs) puts the
    message's stored mood and guidance in the turn, the dataset always says 'neutral'."""
    message, options = suggested(workspace, "hey, love your pics!", "m-1")
    conversation = conversation_of(message)
    serving = build_messages(replies.prompt_inputs(conversation, message, RetrievedContext()))
    assert "Their mood: positive. User is in a good mood" in serving[1]["content"]
    decisions.send_reply(conversation, operator, options[0].text, options[0].pk)
    [row] = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False)).sft
    assert row["messages"][:2] == serving


# -- PII scrubbing ----------------------------------------------------------------------------

LEAKY = "my email is sam.lee@example.com, call +1 (555) 123-4567 or see https://example.com/me"


@pytest.fixture
def leaky(workspace, persona, operator) -> dict:
    message, options = suggested(workspace, LEAKY, "m-1")
    decisions.send_reply(
        conversation_of(message),
        operator,
        "write to mia.rose@example.org instead, Sam",
        options[0].pk,
    )
    later, later_opts = suggested(workspace, "ok bye", "m-2")
    decisions.send_reply(conversation_of(later), operator, later_opts[0].text, later_opts[0].pk)
    return {"options": options, "later_opts": later_opts}


def test_scrubbing_replaces_pii_in_prompts_and_targets(workspace, leaky):
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    first, second = dataset.sft
    [pair] = dataset.pairs
    scrubbed_message = "my email is [EMAIL], call [PHONE] or see [URL]"
    assert f"Their new message: {scrubbed_message}\n" in user_turn(first)
    assert first["messages"][-1]["content"] == "write to [EMAIL] instead, [NAME]"
    assert pair["chosen"] == "write to [EMAIL] instead, [NAME]"
    assert pair["rejected"] == named(leaky["options"][0].text)
    assert pair["prompt"] == first["messages"][:-1]
    # The history of the next message is scrubbed too.
    assert f"Them: {scrubbed_message}\nYou: write to [EMAIL] instead, [NAME]\n" in user_turn(second)
    assert second["messages"][-1]["content"] == named(leaky["later_opts"][0].text)
    everything = json.dumps([dataset.sft, dataset.pairs], ensure_ascii=False)
    for raw in ("sam.lee@example.com", "123-4567", "https://", "mia.rose@example.org", "Sam"):
        assert raw not in everything


def test_without_scrubbing_the_raw_text_stays(workspace, leaky):
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions(scrub_pii=False))
    first, second = dataset.sft
    assert f"Their new message: {LEAKY}\n" in user_turn(first)
    assert first["messages"][-1]["content"] == "write to mia.rose@example.org instead, Sam"
    assert pair_texts(dataset) == [
        ("write to mia.rose@example.org instead, Sam", leaky["options"][0].text, "edit")
    ]
    assert f"Them: {LEAKY}\n" in user_turn(second)
    assert "[EMAIL]" not in json.dumps([dataset.sft, dataset.pairs])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail me at jane.doe+shop@mail.example.co.uk please", "mail me at [EMAIL] please"),
        ("Jane@Example.COM", "[EMAIL]"),
        ("call +1 (555) 123-4567 tonight", "call [PHONE] tonight"),
        ("my number is 555-123-4567", "my number is [PHONE]"),
        ("text 5551234567 ok", "text [PHONE] ok"),
        ("see https://example.com/a?b=c now", "see [URL] now"),
        ("go to www.example.com", "go to [URL]"),
        ("https://example.com/?to=jane@example.com", "[URL]"),  # a URL before an email
        ("card 4111 1111 1111 1111 ok", "card [CARD] ok"),
        ("4111-1111-1111-1111", "[CARD]"),  # a card before a phone
        ("4111111111111111", "[CARD]"),
        ("follow me @mia_rose", "follow me [HANDLE]"),
        ("I am 25", "I am 25"),
        ("see you on 2024-05-01", "see you on 2024-05-01"),  # a date is no phone
        ("I was there 2019-2021", "I was there 2019-2021"),
        ("order 12345678 shipped", "order 12345678 shipped"),
        ("call (555) 123-4567 now", "call [PHONE] now"),
        ("see https://example.com/me.", "see [URL]."),  # the sentence's full stop stays
        ("dm me on t.me/sam_lee or onlyfans.com/mia", "dm me on [URL] or [URL]"),
        ("it costs $49.99 and I have 2 dogs", "it costs $49.99 and I have 2 dogs"),
        ("see you at 10:30, ok?", "see you at 10:30, ok?"),
        ("a normal sentence.", "a normal sentence."),
        ("", ""),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected


def test_scrub_replaces_contact_name_parts_as_whole_words():
    assert (
        scrub("Hey SAM, sam! Samantha and Lee", ["Sam", "Lee"])
        == "Hey [NAME], [NAME]! Samantha and [NAME]"
    )
    assert scrub("J is here", ["J"]) == "J is here"  # one letter is no name to scrub
    # A name that is also a word is scrubbed only as written.
    assert scrub("Will said I will call", ["Will"]) == "[NAME] said I will call"
    assert scrub("mail sam@example.com", ["Sam"]) == "mail [EMAIL]"


# -- de-duplication ---------------------------------------------------------------------------


def test_the_same_reply_to_the_same_message_is_kept_once(workspace, persona, operator):
    one, one_opts = suggested(workspace, "hey, love your pics!", "m-1", contact="c-1")
    two, two_opts = suggested(workspace, "hey, love your pics!", "m-2", contact="c-2")
    assert one.conversation_id != two.conversation_id
    assert one_opts[0].text == two_opts[0].text
    first = decisions.send_reply(conversation_of(one), operator, one_opts[0].text, one_opts[0].pk)
    decisions.send_reply(conversation_of(two), operator, two_opts[0].text, two_opts[0].pk)

    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    assert targets(dataset) == [named(one_opts[0].text)]
    assert dataset.sft[0]["meta"]["decision_id"] == first.pk  # the first one is kept
    assert dataset.counts["accept"] == 2
    assert dataset.counts["duplicates_removed"] == 1


def test_duplicate_pairs_are_removed_too(workspace, persona, operator):
    one, one_opts = suggested(workspace, "hey, love your pics!", "m-1", contact="c-1")
    two, two_opts = suggested(workspace, "hey, love your pics!", "m-2", contact="c-2")
    decisions.send_reply(conversation_of(one), operator, "thank you!!", one_opts[1].pk)
    decisions.send_reply(conversation_of(two), operator, "thank you!!", two_opts[1].pk)
    decisions.send_reply(conversation_of(two), operator, "anything else?", two_opts[2].pk)

    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    assert targets(dataset) == ["thank you!!", "anything else?"]
    assert pair_texts(dataset) == [
        ("thank you!!", named(one_opts[1].text), "edit"),
        ("anything else?", named(two_opts[2].text), "edit"),
    ]
    assert dataset.counts["edit"] == 3
    assert dataset.counts["duplicates_removed"] == 2  # one SFT row, one pair


def test_different_messages_are_not_duplicates(workspace, persona, operator):
    one, one_opts = suggested(workspace, "hey, love your pics!", "m-1", contact="c-1")
    two, two_opts = suggested(workspace, "hey, love your videos!", "m-2", contact="c-2")
    decisions.send_reply(conversation_of(one), operator, "thanks babe", one_opts[0].pk)
    decisions.send_reply(conversation_of(two), operator, "thanks babe", two_opts[0].pk)
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    assert targets(dataset) == ["thanks babe", "thanks babe"]
    assert dataset.counts["duplicates_removed"] == 0


# -- the split and stored versions ------------------------------------------------------------


def test_eval_conversations_is_a_stable_hash_ordered_choice():
    assert eval_conversations(set(), 0.2) == set()
    assert eval_conversations({7}, 0.2) == set()  # one conversation: all for training
    # sha256("1") = 6b86..., sha256("2") = d473...: 1 sorts first.
    assert eval_conversations({1, 2}, 0.2) == {1}
    assert eval_conversations({2, 1}, 0.01) == {1}
    ids = set(range(1, 11))
    # sha256 order starts 9 (1958...), 8 (2c62...), 10 (4a44...)
    assert eval_conversations(ids, 0.2) == {8, 9}
    assert eval_conversations(set(reversed(range(1, 11))), 0.2) == {8, 9}
    assert eval_conversations(ids, 0.25) == {8, 9, 10}
    assert len(eval_conversations(ids, 1.0)) == 9  # never everything
    assert eval_conversations(ids, 0.0) == set()
    for n in range(2, 12):
        assert len(eval_conversations(set(range(100, 100 + n)), 0.2)) >= 1


@pytest.fixture
def four_conversations(workspace, persona, operator) -> ReplyDataset:
    """Each: an accept for the first message, an edit for the second (2 SFT rows, 1 pair)."""
    for city in ("Berlin", "Paris", "Rome", "Oslo"):
        first, first_opts = suggested(workspace, f"hey from {city}!", f"{city}-1", contact=city)
        conversation = conversation_of(first)
        decisions.send_reply(conversation, operator, first_opts[0].text, first_opts[0].pk)
        _, second_opts = suggested(workspace, f"what to do in {city}?", f"{city}-2", contact=city)
        decisions.send_reply(conversation, operator, f"walk around {city}", second_opts[0].pk)
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    assert (len(dataset.sft), len(dataset.pairs)) == (8, 4)
    return dataset


def conversations_in(rows: list[dict]) -> set[int]:
    return {row["meta"]["conversation_id"] for row in rows}


def test_a_conversation_is_never_in_both_splits(four_conversations):
    dataset = four_conversations
    parts = split_parts(dataset, 0.25)
    held_out = eval_conversations(conversations_in(dataset.sft), 0.25)
    assert len(held_out) == 1
    train = conversations_in(parts["sft-train"]) | conversations_in(parts["dpo-train"])
    held = conversations_in(parts["sft-eval"]) | conversations_in(parts["dpo-eval"])
    assert held == held_out
    assert train.isdisjoint(held)
    assert train | held == conversations_in(dataset.sft)
    assert [len(parts[part]) for part in PARTS] == [6, 2, 3, 1]
    assert sorted(parts["sft-train"] + parts["sft-eval"], key=str) == sorted(dataset.sft, key=str)
    assert split_parts(dataset, 0.25) == parts  # deterministic


def test_sample_rows_are_their_own_conversations():
    rows = sample_rows(
        [
            {"input": "hi", "output": "hey you", "quality": 0.9},
            {"input": "bye", "output": "see you"},
        ]
    )
    assert rows == [
        {
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "hey you"},
            ],
            "weight": 0.9,
            "meta": {"conversation_id": -1, "action": "sample"},
        },
        {
            "messages": [
                {"role": "user", "content": "bye"},
                {"role": "assistant", "content": "see you"},
            ],
            "weight": 1.0,
            "meta": {"conversation_id": -2, "action": "sample"},
        },
    ]
    parts = split_parts(ReplyDataset(rows, [], {}), 0.2)
    assert (len(parts["sft-train"]), len(parts["sft-eval"])) == (1, 1)


def test_a_stored_dataset_loads_back_and_versions_count_up_per_workspace(
    workspace, other_workspace, persona, operator, four_conversations
):
    dataset = four_conversations
    options = ReplyDatasetOptions()
    parts = split_parts(dataset, options.eval_fraction)
    first = registry.store_reply_dataset(
        workspace.pk, persona.pk, parts, dataset.counts, options.as_dict(), created_by=operator
    )
    stored = Dataset.objects.get(pk=first.pk)
    assert (stored.kind, stored.version, stored.workspace_id) == ("replies", "v1", workspace.pk)
    assert stored.persona_id == persona.pk
    assert stored.created_by == operator
    assert stored.config == json.loads(json.dumps(options.as_dict()))
    for part in PARTS:
        assert registry.load_part(stored, part) == parts[part]
    assert registry.load_part(stored, "no-such-part") == []
    assert stored.rows == len(parts["sft-train"]) + len(parts["sft-eval"]) == 8
    assert stored.sources == {
        **dataset.counts,
        "sft-train": len(parts["sft-train"]),
        "sft-eval": len(parts["sft-eval"]),
        "dpo-train": len(parts["dpo-train"]),
        "dpo-eval": len(parts["dpo-eval"]),
    }

    second = registry.store_reply_dataset(workspace.pk, None, parts, dataset.counts, {})
    assert second.version == "v2"
    assert second.path != first.path
    assert second.sha256 == first.sha256  # same rows, same digest
    elsewhere = registry.store_reply_dataset(
        other_workspace.pk, None, {part: [] for part in PARTS}, {}, {}
    )
    assert elsewhere.version == "v1"
    assert elsewhere.rows == 0
    third = registry.store_reply_dataset(workspace.pk, None, {"sft-train": []}, {}, {})
    assert third.version == "v3"


# -- tenancy and the persona filter -----------------------------------------------------------


def test_decisions_of_another_workspace_never_appear(
    workspace, other_workspace, persona, operator, outsider
):
    Persona.objects.create(workspace=other_workspace, name="Mia")
    mine, mine_opts = suggested(workspace, "hey, love your pics!", "m-1")
    theirs, theirs_opts = suggested(other_workspace, "hey, love your pics!", "m-1")
    decisions.send_reply(conversation_of(mine), operator, "mine: thanks!", mine_opts[0].pk)
    their_conversation = conversation_of(theirs)
    decisions.send_reply(their_conversation, outsider, "theirs: thank you", theirs_opts[0].pk)
    decisions.reject_suggestion(their_conversation, outsider, theirs_opts[1].pk, "no")
    decisions.send_reply(their_conversation, outsider, "theirs: typed")

    options = ReplyDatasetOptions(include_manual=True)
    dataset = build_reply_dataset(workspace.pk, options)
    assert targets(dataset) == ["mine: thanks!"]
    assert pair_texts(dataset) == [("mine: thanks!", named(mine_opts[0].text), "edit")]
    assert conversations_in(dataset.sft + dataset.pairs) == {mine.conversation_id}
    assert dataset.counts == {
        "accept": 0,
        "edit": 1,
        "manual": 0,
        "reject": 0,
        "unpaired_rejections": 0,
        "duplicates_removed": 0,
    }
    assert "theirs" not in json.dumps([dataset.sft, dataset.pairs])

    their_dataset = build_reply_dataset(other_workspace.pk, options)
    assert targets(their_dataset) == ["theirs: thank you", "theirs: typed"]
    assert conversations_in(their_dataset.sft) == {theirs.conversation_id}


def test_persona_id_keeps_one_personas_conversations(workspace, persona, operator):
    zoe = Persona.objects.create(workspace=workspace, name="Zoe")
    mia_msg, mia_opts = suggested(workspace, "hey, love your pics!", "m-1", contact="c-1")
    zoe_msg, zoe_opts = suggested(
        workspace, "hey, love your pics!", "m-2", contact="c-1", persona="Zoe"
    )
    assert mia_msg.conversation_id != zoe_msg.conversation_id
    decisions.send_reply(conversation_of(mia_msg), operator, "hi from Mia", mia_opts[0].pk)
    decisions.send_reply(conversation_of(zoe_msg), operator, "hi from Zoe", zoe_opts[0].pk)

    only_zoe = build_reply_dataset(workspace.pk, ReplyDatasetOptions(persona_id=zoe.pk))
    assert targets(only_zoe) == ["hi from Zoe"]
    assert [p["chosen"] for p in only_zoe.pairs] == ["hi from Zoe"]
    assert {row["meta"]["persona_id"] for row in only_zoe.sft + only_zoe.pairs} == {zoe.pk}
    assert only_zoe.sft[0]["messages"][0]["content"].startswith("You are Zoe,")
    assert only_zoe.counts["edit"] == 1

    only_mia = build_reply_dataset(workspace.pk, ReplyDatasetOptions(persona_id=persona.pk))
    assert targets(only_mia) == ["hi from Mia"]
    assert only_mia.sft[0]["messages"][0]["content"].startswith("You are Mia,")

    both = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    assert targets(both) == ["hi from Mia", "hi from Zoe"]
    assert both.counts["edit"] == 2


def test_the_same_reply_by_two_personas_is_not_a_duplicate(workspace, persona, operator):
    """Over every persona (persona_id=None), the same words by two personas are two rows:
    their system prompts (who is speaking) differ."""
    Persona.objects.create(workspace=workspace, name="Zoe")
    mia_msg, mia_opts = suggested(workspace, "hey, love your pics!", "m-1", contact="c-1")
    zoe_msg, zoe_opts = suggested(
        workspace, "hey, love your pics!", "m-2", contact="c-1", persona="Zoe"
    )
    decisions.send_reply(conversation_of(mia_msg), operator, "thanks babe", mia_opts[0].pk)
    decisions.send_reply(conversation_of(zoe_msg), operator, "thanks babe", zoe_opts[0].pk)
    dataset = build_reply_dataset(workspace.pk, ReplyDatasetOptions())
    systems = [row["messages"][0]["content"].split(",")[0] for row in dataset.sft]
    assert systems == ["You are Mia", "You are Zoe"]

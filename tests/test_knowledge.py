"""Persona knowledge, the watched folder, contact memory and retrieval, on real pgvector."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from conversations import ingestion, memory, pipeline, retrieval
from conversations.models import (
    Contact,
    ContactFact,
    Conversation,
    FactCorrection,
    Memory,
    Message,
)
from personas import folder_sync, knowledge
from personas.folder_sync import parse_profile, sync_root
from personas.models import KnowledgeChunk, KnowledgeDocument, Persona
from tests.conftest import receive

pytestmark = pytest.mark.django_db

SIZE = knowledge.CHUNK_CHARS


def sentence(i: int) -> str:
    return f"Sentence number {i} talks about topic {i % 7} in some detail."


# -- chunking -------------------------------------------------------------------------


def test_short_paragraphs_pack_into_one_chunk():
    text = "First paragraph.\n\nSecond paragraph.\n\n\nThird."
    assert knowledge.chunk_text(text) == ["First paragraph. Second paragraph. Third."]


def test_chunks_break_between_paragraphs_and_never_exceed_the_size():
    paragraphs = [" ".join(sentence(i * 10 + j) for j in range(8)) for i in range(10)]
    chunks = knowledge.chunk_text("\n\n".join(paragraphs))
    assert all(len(chunk) <= SIZE for chunk in chunks)
    assert len(chunks) > 1
    # Every paragraph survives whole inside exactly one chunk.
    for paragraph in paragraphs:
        assert sum(paragraph in chunk for chunk in chunks) == 1
    assert " ".join(chunks) == " ".join(paragraphs)


def test_a_paragraph_longer_than_a_chunk_splits_between_sentences():
    paragraph = " ".join(sentence(i) for i in range(60))  # ~3.6k characters, no breaks
    chunks = knowledge.chunk_text(paragraph)
    assert len(chunks) >= 3
    assert all(len(chunk) <= SIZE for chunk in chunks)
    assert all(chunk.endswith(".") for chunk in chunks)  # cut after a sentence, not inside
    assert " ".join(chunks) == paragraph


def test_a_sentence_longer_than_a_chunk_splits_between_words_and_long_words_are_cut():
    words = " ".join(f"word{i}" for i in range(600))  # one 4.7k-character "sentence"
    blob = "x" * (SIZE * 2 + 10)
    chunks = knowledge.chunk_text(words + "\n\n" + blob)
    assert all(len(chunk) <= SIZE for chunk in chunks)
    rejoined = " ".join(chunks)
    assert all(f"word{i} " in rejoined + " " for i in range(600))
    assert rejoined.replace(" ", "").count("x") == len(blob)


def test_exact_size_boundary_and_empty_text():
    exact = "a" * (SIZE - 1) + "."
    assert knowledge.chunk_text(exact) == [exact]
    assert knowledge.chunk_text(exact + " b.") == [exact, "b."]
    assert knowledge.chunk_text("  \n\n \t ") == []


# -- documents and search --------------------------------------------------------------


def test_storing_a_document_embeds_its_chunks_and_search_finds_the_right_one(persona):
    text = (
        "I have a rescue cat called Biscuit who sleeps on my prints.\n\n"
        "My favourite food is tacos from the trucks on East Cesar Chavez.\n\n"
        "I study photography and shoot on a Canon AE-1 film camera."
    )
    result = knowledge.store_document(persona, "about.txt", "\n\n".join([text] * 1))
    assert result.changed
    assert result.document.chunk_count == KnowledgeChunk.objects.filter(persona=persona).count()
    knowledge.store_document(persona, "pets.txt", "Biscuit is orange and very dramatic.")
    hits = knowledge.search(persona, "what's your cat's name?", k=2)
    assert hits[0].text.startswith("Biscuit is orange") or "Biscuit" in hits[0].text
    assert hits[0].similarity >= hits[1].similarity


def test_unchanged_content_is_not_reembedded_and_changed_content_replaces_chunks(persona):
    first = knowledge.store_document(persona, "faq.txt", "Old answer about shipping.")
    chunk_ids = set(first.document.chunks.values_list("pk", flat=True))
    again = knowledge.store_document(persona, "faq.txt", "Old answer about shipping.")
    assert not again.changed
    assert set(again.document.chunks.values_list("pk", flat=True)) == chunk_ids
    changed = knowledge.store_document(persona, "faq.txt", "New answer: we ship worldwide.")
    assert changed.changed
    texts = list(changed.document.chunks.values_list("text", flat=True))
    assert texts == ["New answer: we ship worldwide."]
    assert KnowledgeDocument.objects.filter(persona=persona).count() == 1


def test_search_never_returns_another_personas_or_tenants_chunks(
    workspace, other_workspace, persona
):
    alex = Persona.objects.create(workspace=workspace, name="Alex")
    foreign = Persona.objects.create(workspace=other_workspace, name="Mia")
    secret = "The vault code is 4242 and the cat is called Biscuit."
    knowledge.store_document(alex, "secret.txt", secret)
    knowledge.store_document(foreign, "secret.txt", secret)
    knowledge.store_document(persona, "hobby.txt", "I like hiking in the hills.")
    for exact in (False, True):
        hits = knowledge.search(persona, secret, k=10, exact=exact)
        assert [hit.text for hit in hits] == ["I like hiking in the hills."]


def test_hnsw_search_agrees_with_the_exact_scan(persona):
    for i in range(30):
        knowledge.store_document(persona, f"doc{i}.txt", f"{sentence(i)} Topic {i} matters.")
    for query in ("topic 3 in detail", "sentence number 17", "what matters"):
        fast = [hit.chunk_id for hit in knowledge.search(persona, query, k=5, exact=False)]
        exact = [hit.chunk_id for hit in knowledge.search(persona, query, k=5, exact=True)]
        assert len(set(fast) & set(exact)) >= 4


def test_the_hnsw_index_exists_with_cosine_ops():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname IN "
            "('knowledge_chunk_hnsw', 'memory_hnsw') ORDER BY indexname"
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert len(definitions) == 2
    assert all("USING hnsw" in d and "vector_cosine_ops" in d for d in definitions)


# -- the watched folder ----------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def folder(tmp_path, workspace) -> Path:
    mia = tmp_path / workspace.slug / "Mia"
    write(mia / "profile.txt", "# comment\nmodel_name: Mia\nCity: Austin\nnot a pair\n")
    write(mia / "common_phrases.txt", "omg stop it\nok but tell me more\n")
    write(mia / "about.txt", "I grew up in San Antonio.\n\nI moved to Austin for college.")
    write(mia / "notes/food.md", "Tacos are my weakness.")
    write(mia / ".hidden.txt", "editor swap file, not knowledge")
    return tmp_path


def test_parse_profile_reads_key_value_lines():
    text = "model_name: Mia\n\n# skip\nCTA concept: photo set: exclusive\nnonsense\n"
    assert parse_profile(text) == {"model_name": "Mia", "cta_concept": "photo set: exclusive"}


def test_folder_sync_creates_persona_profile_phrases_and_documents(folder, workspace):
    [report] = sync_root(folder)
    assert report.created
    persona = Persona.objects.get(workspace=workspace, name="Mia")
    assert persona.profile == {"model_name": "Mia", "city": "Austin"}
    assert persona.phrases == ["omg stop it", "ok but tell me more"]
    assert persona.folder_synced_at is not None
    names = set(persona.documents.values_list("name", flat=True))
    assert names == {"about.txt", "notes/food.md"}
    assert set(persona.documents.values_list("source", flat=True)) == {"folder"}


def test_resync_of_one_changed_file_touches_only_its_chunks(folder, workspace):
    sync_root(folder)
    persona = Persona.objects.get(workspace=workspace, name="Mia")
    about = persona.documents.get(name="about.txt")
    about_chunks = set(about.chunks.values_list("pk", flat=True))
    food_chunks = set(
        persona.documents.get(name="notes/food.md").chunks.values_list("pk", flat=True)
    )

    write(folder / workspace.slug / "Mia" / "notes/food.md", "Ramen is my new weakness.")
    [report] = sync_root(folder)

    assert report.embedded == ["notes/food.md"]
    assert report.unchanged == ["about.txt"]
    assert set(about.chunks.values_list("pk", flat=True)) == about_chunks
    food = persona.documents.get(name="notes/food.md")
    assert set(food.chunks.values_list("pk", flat=True)).isdisjoint(food_chunks)
    assert list(food.chunks.values_list("text", flat=True)) == ["Ramen is my new weakness."]


def test_deleted_file_drops_its_chunks_and_uploads_are_left_alone(folder, workspace):
    sync_root(folder)
    persona = Persona.objects.get(workspace=workspace, name="Mia")
    knowledge.store_document(persona, "uploaded.txt", "Uploaded on the page.")
    (folder / workspace.slug / "Mia" / "about.txt").unlink()
    [report] = sync_root(folder)
    assert report.deleted == ["about.txt"]
    assert set(persona.documents.values_list("name", flat=True)) == {
        "notes/food.md",
        "uploaded.txt",
    }
    assert not KnowledgeChunk.objects.filter(persona=persona, text__contains="San Antonio")


def test_folders_of_unknown_workspaces_are_ignored(tmp_path, other_workspace):
    write(tmp_path / "no-such-workspace" / "Mia" / "a.txt", "text")
    assert sync_root(tmp_path) == []
    assert not Persona.objects.filter(name="Mia").exists()


def test_links_in_the_folder_are_never_followed(folder, workspace, other_workspace, tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    write(secret, "the other agency's price list")
    mia = folder / workspace.slug / "Mia"
    (mia / "linked.txt").symlink_to(secret)  # a file link
    (mia / "linked-dir").symlink_to(secret.parent, target_is_directory=True)  # a folder link
    (mia / "profile.txt").unlink()
    (mia / "profile.txt").symlink_to(secret)  # even the profile
    # A workspace folder that is a link to another workspace's folder maps nothing.
    write(tmp_path / "elsewhere" / "Zoe" / "a.txt", "someone else's persona")
    (folder / other_workspace.slug).symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    reports = sync_root(folder)

    assert [r.persona for r in reports] == ["Mia"]  # nothing synced for the linked workspace
    persona = Persona.objects.get(workspace=workspace, name="Mia")
    assert set(persona.documents.values_list("name", flat=True)) == {"about.txt", "notes/food.md"}
    assert persona.profile == {}
    assert not KnowledgeChunk.objects.filter(text__contains="price list").exists()
    assert not Persona.objects.filter(workspace=other_workspace).exists()


def test_a_file_is_size_checked_while_it_is_read(folder, workspace, monkeypatch):
    monkeypatch.setattr(folder_sync, "MAX_FILE_BYTES", 64)
    write(folder / workspace.slug / "Mia" / "big.txt", "x" * 65)
    [report] = sync_root(folder)
    assert "big.txt" in report.skipped
    persona = Persona.objects.get(workspace=workspace, name="Mia")
    assert "big.txt" not in set(persona.documents.values_list("name", flat=True))


def test_an_edit_reaches_the_next_suggestion_without_a_restart(folder, workspace):
    sync_root(folder)
    first = receive(workspace, "Where did you grow up?", "m-1")
    pipeline.suggest(first, "k-1")
    write(
        folder / workspace.slug / "Mia" / "pets.txt",
        "I have a rescue cat called Biscuit. She is orange and sleeps on my prints.",
    )
    sync_root(folder)
    second = receive(workspace, "Do you have a cat? What's her name?", "m-2")
    suggestion_set = pipeline.suggest(second, "k-2")
    assert suggestion_set is not None
    texts = [s.text for s in suggestion_set.suggestions.all()]
    assert any("Biscuit" in text for text in texts), texts
    assert suggestion_set.retrieval["knowledge"][0]["document"] == "pets.txt"


# -- contact memory ------------------------------------------------------------------


def test_the_memory_stage_stores_facts_vectors_and_sentiment(workspace, persona):
    message = receive(workspace, "I'm a nurse and I live in Berlin. I love hiking!", "m-1")
    assert message.embedding is not None and len(message.embedding) == 384
    contact = message.conversation.contact
    contact.refresh_from_db()
    facts = {(f.kind, f.value) for f in contact.facts.all()}
    assert {("occupation", "nurse"), ("location", "Berlin"), ("interests", "hiking")} <= facts
    assert contact.profile_facts["occupation"] == "nurse"
    assert contact.profile_facts["interests"] == ["hiking"]
    assert [s["message_id"] for s in contact.sentiment_history] == [message.pk]


def test_facts_are_deduplicated_and_single_facts_replaced(workspace, persona):
    receive(workspace, "I love hiking", "m-1")
    receive(workspace, "I really love Hiking!", "m-2")
    receive(workspace, "I live in Berlin", "m-3")
    receive(workspace, "I live in Paris now", "m-4")
    contact = Conversation.objects.get().contact
    assert list(contact.facts.filter(kind="interests").values_list("value", flat=True)) == [
        "hiking"
    ]
    assert list(contact.facts.filter(kind="location").values_list("value", flat=True)) == ["Paris"]


def test_redelivered_perception_changes_nothing(workspace, persona):
    message = receive(workspace, "I'm a nurse", "m-1")
    pipeline.perceive(message)
    contact = message.conversation.contact
    contact.refresh_from_db()
    assert contact.facts.count() == 1
    assert len(contact.sentiment_history) == 1


def test_sentiment_history_keeps_the_last_twenty(workspace, persona, settings):
    for i in range(23):
        receive(workspace, f"message {i} is lovely", f"m-{i}")
    contact = Contact.objects.get()
    contact.refresh_from_db()
    assert len(contact.sentiment_history) == settings.SENTIMENT_HISTORY_SIZE == 20
    last_ids = list(Message.objects.order_by("-pk").values_list("pk", flat=True)[:20])
    assert [s["message_id"] for s in contact.sentiment_history] == sorted(last_ids)


def test_a_summary_is_written_every_n_messages(workspace, persona, settings):
    settings.MEMORY_SUMMARY_EVERY = 4
    lines = [
        "I just got back from a concert",
        "the band played for three hours",
        "my feet hurt so much",
        "the opening act was amazing too",
        "anyway how was your day",
        # lines that carry no intent, so the conversation stays open (a goodbye would end
        # it and the next line would start another)
        "my ears are still ringing",
        "the merch line was so long",
        "ugh mondays",
    ]
    for i, text in enumerate(lines):
        receive(workspace, text, f"m-{i}")
    summaries = list(Memory.objects.order_by("upto_seq"))
    assert [m.upto_seq for m in summaries] == [4, 8]
    assert "concert" in summaries[0].summary or "opening act" in summaries[0].summary
    first = summaries[0]
    assert first.contact is not None and first.user_key == "Mia"
    assert first.contact_key == first.contact.external_id
    assert [m["content"] for m in first.messages] == lines[:4]


def test_an_early_fact_is_retrieved_for_a_later_related_message(workspace, persona):
    receive(workspace, "I have my final nursing exam next Friday", "m-1")
    receive(workspace, "I love cooking pasta", "m-2")
    receive(workspace, "haha yes", "m-3")
    later = receive(workspace, "so nervous about the test, wish me luck", "m-4")
    found = retrieval.retrieve(later.conversation, later)
    assert found.facts, "no facts retrieved"
    assert found.facts[0].kind == "upcoming_events"
    assert "exam" in found.facts[0].value
    suggestion_set = pipeline.suggest(later, "k-4")
    assert suggestion_set is not None
    assert any("exam" in s.text for s in suggestion_set.suggestions.all())


def test_recency_decay_prefers_a_recent_mention(workspace, persona):
    message = receive(workspace, "I love hiking. I love climbing.", "m-1")
    contact = message.conversation.contact
    ContactFact.objects.filter(contact=contact, value="hiking").update(
        last_mentioned_at=timezone.now() - timedelta(days=365)
    )
    query = receive(workspace, "outdoor sports on the weekend?", "m-2")
    found = retrieval.retrieve(query.conversation, query)
    values = [hit.value for hit in found.facts if hit.kind == "interests"]
    assert values.index("climbing") < values.index("hiking")


def test_history_retrieval_ranks_related_earlier_messages_in_thread_order(workspace, persona):
    receive(workspace, "my dog Rex loves the beach", "m-1")
    for i in range(5):
        receive(workspace, f"random filler {i}", f"f-{i}")
    later = receive(workspace, "Rex chewed my shoes again", "m-2")
    history = retrieval.relevant_history(later.conversation, later, list(later.embedding), n=3)
    assert [hit.seq for hit in history] == sorted(hit.seq for hit in history)
    assert any("Rex" in hit.text for hit in history)


def test_retrieval_is_scoped_to_the_contact_and_workspace(workspace, other_workspace, persona):
    Persona.objects.create(workspace=other_workspace, name="Mia")
    receive(workspace, "I'm a nurse", "m-1", contact="c-1")
    ingestion.ingest(
        other_workspace,
        ingestion.InboundMessage("api", "x-1", "c-1", "Sam", "Mia", "I'm a pilot"),
    )
    pipeline.perceive(Message.objects.get(workspace=other_workspace))
    receive(workspace, "I'm Jo and I am a pilot", "m-2", contact="c-2")
    Memory.objects.create(
        workspace=other_workspace,
        user_key="Mia",
        contact_key="c-1",
        summary="Contact: I'm a pilot",
        embedding=list(Message.objects.get(workspace=other_workspace).embedding),
    )
    query = receive(workspace, "how is your job going", "m-3", contact="c-1")
    found = retrieval.retrieve(query.conversation, query)
    assert {hit.value for hit in found.facts} == {"nurse"}
    assert found.memories == []
    assert all("pilot" not in hit.text for hit in found.history)


def test_correcting_and_deleting_a_fact_is_labelled(workspace, persona, operator):
    message = receive(workspace, "I'm a nurse", "m-1")
    fact = ContactFact.objects.get()
    memory.correct_fact(fact, "midwife", operator)
    fact.refresh_from_db()
    assert (fact.value, fact.origin) == ("midwife", "operator")
    contact = fact.contact
    contact.refresh_from_db()
    assert contact.profile_facts == {"occupation": "midwife"}
    memory.delete_fact(fact, operator)
    contact.refresh_from_db()
    assert not contact.facts.exists()
    assert contact.profile_facts == {}
    labels = list(
        FactCorrection.objects.order_by("created_at").values_list(
            "action", "old_value", "new_value", "source_text"
        )
    )
    assert labels == [
        ("corrected", "nurse", "midwife", message.text),
        ("deleted", "midwife", "", message.text),
    ]

"""Suggestions judged against what a real person wrote next: library, model, both ranked.

Run: ./dev bench suggestions-quality [TURNS] [LIBRARY_SIZE] [MODEL_TURNS]
(defaults 500, 4000 and 150: the CPU model drafts for the first MODEL_TURNS turns only, as
it takes seconds a turn; every column is compared on those, the library on all TURNS)

Data: `chitchat-dataset`'s human-to-human chats, split by the sha256 of the conversation
key (mlops.intent_corpus.chitchat_split). The library is filled with LIBRARY_SIZE replies
from the train side, stored as if operators had sent them (context, template, scrubbed),
on top of the bootstrap library and the persona's phrases. TURNS turns come from the
held-out side only (one per conversation): the turn before and the customer's message
are stored in a conversation of persona Mia, and the real next message is the reference.

For each turn, through the product's own code paths (retrieval, library candidates,
guardrails with the invented-fact checks, the ranker, the CPU model on llama.cpp):
- recall@3: an option whose MiniLM similarity to the reference is >= 0.7, and the mean
  best similarity, for the library only, the model only (today's order), both ranked
  together, and the options in the order the page shows them (library first);
- invented-fact flags: the model's drafts the checks dropped, and, on what is shown, an
  independent count of the persona addressed by her own name, handles and URLs;
- time to the first option: the library stage, and the model's first draft.
Then 40 fixed customer messages to the demo personas, with the options printed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

import numpy as np  # noqa: E402
from django.db import transaction  # noqa: E402

from conversations import ingestion, library, messages, ranking, replies, retrieval  # noqa: E402
from conversations.models import Contact, Conversation, Message, ReplyEntry  # noqa: E402
from conversations.suggestions import library_options  # noqa: E402
from core.models import Workspace  # noqa: E402
from mlops import intent_training  # noqa: E402
from mlops.embeddings import as_list, embed  # noqa: E402
from mlops.fact_checks import check_reply  # noqa: E402
from mlops.generation import ReplyOption  # noqa: E402
from mlops.intent_corpus import chitchat_split  # noqa: E402
from mlops.llm import OpenAICompatibleBackend  # noqa: E402
from mlops.llm_replies import CompletionFn, generate_options  # noqa: E402
from mlops.prompts import build_messages  # noqa: E402
from personas.folder_sync import sync_persona_folder  # noqa: E402
from personas.models import Persona  # noqa: E402
from stack import LLM_ALIAS, free_port, llm_server_command, llm_server_env, wait_for_port  # noqa: E402

HIT = 0.7
TOP = 3
DEMO = Path(__file__).resolve().parent.parent / "personas" / "demo_folder"
HANDLE_OR_URL = re.compile(r"(?<![\w@])@\w{2,}|https?://|www\.|\b\w+\.(?:com|net|org|io)\b", re.I)
# fmt: off
FIXED_MESSAGES = {
    "Mia": [
        "hello", "hey mia how are you", "what are you up to today?", "you're so pretty",
        "I just got home from work, so tired", "where are you from?",
        "do you have a boyfriend?", "what do you do for fun", "how much is your page?",
        "is it worth it tho", "send me something exclusive", "I don't have money right now",
        "are you a bot?", "lol you're funny", "can we talk later?", "goodnight",
        "what camera do you use", "i'm from canada", "ok I'm in, where do I sign up",
        "nah not interested",
    ],
    "Alex": [
        "Hi, who is this?", "What does your product do?", "How much does it cost?",
        "That's too expensive for us", "Can you call me next week?",
        "We already use another tool", "Do you have a free trial?",
        "I need to talk to my manager first", "Can I speak to a real person?",
        "Sounds interesting, tell me more", "What's the setup time?",
        "Does it integrate with our CRM?", "We're a team of five", "Not now, thanks",
        "OK let's book it", "Is my data safe with you?", "Who else uses this?",
        "Can you send me a summary by email?", "I'm just browsing", "Thanks, bye",
    ],
}
# fmt: on


@dataclass(frozen=True)
class ChatTurn:
    key: str
    before: str  # what the other side said last (the "operator")
    said: str  # the customer's message being answered
    reference: str  # what the other side really wrote next


def turns_of(data: dict, key: str) -> list[ChatTurn]:
    lines = [" ".join(" ".join(u["text"] for u in m).split()) for m in data[key]["messages"]]
    return [
        ChatTurn(key, lines[i - 1], lines[i], lines[i + 1])
        for i in range(1, len(lines) - 1)
        if 2 <= len(lines[i + 1]) <= 200 and lines[i].strip()
    ]


def chitchat_turns(side: str, count: int, per_conversation: int) -> list[ChatTurn]:
    """Turns from one side of the split, in a stable hash order, a few per conversation."""
    import chitchat_dataset

    data = chitchat_dataset.Dataset()
    keys = sorted(
        (k for k in data if chitchat_split(k) == side),
        key=lambda k: hashlib.sha256(f"quality:{k}".encode()).hexdigest(),
    )
    chosen: list[ChatTurn] = []
    for key in keys:
        turns = turns_of(data, key)
        step = max(1, len(turns) // per_conversation)
        chosen.extend(turns[::step][:per_conversation])
        if len(chosen) >= count:
            break
    return chosen[:count]


def fill_library(persona: Persona, turns: list[ChatTurn]) -> int:
    """Train-side replies as sent replies: scrubbed templates with their contexts."""
    saids = intent_training.embed_cached([t.said for t in turns])
    befores = intent_training.embed_cached([t.before for t in turns])
    kept, rows = set(), []
    for turn, said, before in zip(turns, saids, befores, strict=True):
        template = library.to_template(turn.reference, [])
        if not template or library.entry_key(template) in kept:
            continue
        kept.add(library.entry_key(template))
        context = library.unit(said + library.PREVIOUS_TURN_WEIGHT * before)
        rows.append((template, turn.said, context))
    vectors = intent_training.embed_cached([library.unfilled(t) for t, _, _ in rows])
    ReplyEntry.objects.bulk_create(
        [
            ReplyEntry(
                workspace_id=persona.workspace_id,
                persona=persona,
                source=ReplyEntry.Source.SENT,
                text=template,
                key=library.entry_key(template),
                theme="personal",
                descriptor="Sent before",
                phase="rapport_building",
                context=said[:500],
                embedding=as_list(context),
                reply_embedding=as_list(vector),
                sent=1,
            )
            for (template, said, context), vector in zip(rows, vectors, strict=True)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return len(rows)


def new_conversation(persona: Persona, name: str, before: str, said: str) -> Message:
    """A conversation holding the turn before and the customer's message; nothing queued."""
    contact = Contact.objects.create(
        workspace_id=persona.workspace_id,
        channel="bench",
        external_id=f"{name}-{time.time_ns()}",
        display_name=name,
    )
    conversation = ingestion.open_conversation(contact, persona, None)
    with transaction.atomic():
        if before:
            messages.append_message(
                conversation,
                text=before,
                direction=Message.Direction.OUT,
                author_kind=Message.AuthorKind.OPERATOR,
                delivery=Message.Delivery.SENT,
            )
        return messages.append_message(
            conversation,
            text=said,
            direction=Message.Direction.IN,
            author_kind=Message.AuthorKind.CONTACT,
            delivery=Message.Delivery.RECEIVED,
        )


def intent_of(message: Message) -> str:
    head, _ = intent_training.active_head(message.workspace_id)
    return head.read(library.message_vector(message), message.text, "other").intent


@dataclass
class TurnResult:
    library: list[ReplyOption]
    drafts: list[ReplyOption]  # today: the model's drafts, guarded, without the fact checks
    ranked_drafts: list[ReplyOption]  # the drafts the fact checks kept (or repaired), ranked
    flagged: int  # of today's drafts, those the fact checks drop or repair
    library_ms: float
    draft_ms: float


def answer(backend, message: Message, count: int = 3) -> TurnResult:
    conversation = Conversation.objects.select_related("persona", "contact", "playbook").get(
        pk=message.conversation_id
    )
    started = time.perf_counter()
    found = retrieval.retrieve(conversation, message)
    offered, _ = library_options(conversation, message, found, count=10, intent=intent_of(message))
    library_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    drafts, checked = model_drafts(backend, conversation, message, found, count)
    draft_ms = (time.perf_counter() - started) * 1000
    ranked = ranking.rank_drafts(
        checked, library.message_vector(message), "model", conversation.workspace_id
    )
    flagged = len(drafts) - sum(1 for d, c in zip(drafts, checked, strict=False) if d == c)
    return TurnResult(offered, drafts, ranked, flagged, library_ms, draft_ms)


def model_drafts(
    backend, conversation: Conversation, message: Message, found, count: int
) -> tuple[list[ReplyOption], list[ReplyOption]]:
    """(today's drafts: the product's prompt and guardrails minus the fact checks, and what
    the fact checks make of them: repaired in place or dropped); none without a model."""
    if backend is None:
        return [], []
    inputs = replies.prompt_inputs(conversation, message, found)
    rules = replies.guard_rules(conversation.workspace, inputs)
    complete = CompletionFn(backend, None, timeout=60)
    try:
        today = generate_options(
            complete,
            build_messages(inputs),
            replies.sampling(conversation, inputs),
            dataclasses.replace(rules, fact_sources=None),
            message.text,
            count,
        ).options
    except Exception:
        return [], []
    checked = []
    assert rules.fact_sources is not None
    for draft in today:
        text, _ = check_reply(draft.text, rules.fact_sources)
        if text:
            checked.append(dataclasses.replace(draft, text=text))
    return today, checked


def pooled(result: TurnResult) -> list[ReplyOption]:
    """Library and drafts ranked together by the ranker's probability, no text twice."""
    seen, out = set(), []
    for option in sorted(result.library + result.ranked_drafts, key=lambda o: -o.confidence):
        if option.text.lower() not in seen:
            seen.add(option.text.lower())
            out.append(option)
    return out[:TOP]


def as_shown(result: TurnResult) -> list[ReplyOption]:
    """The page's first three: the library's two, then the best-ranked draft."""
    return (result.library[:2] + result.ranked_drafts)[:TOP]


def best_similarity(options: list[ReplyOption], reference: np.ndarray, cache: dict) -> float:
    texts = [o.text for o in options if o.text not in cache]
    for text, vector in zip(texts, embed(texts), strict=True):
        cache[text] = np.asarray(vector, dtype=np.float32)
    return max((float(cache[o.text] @ reference) for o in options), default=0.0)


def leaks(options: list[ReplyOption], persona_name: str) -> int:
    """Independent of the checks: shown options addressing the persona by her own name,
    or naming a handle or URL."""
    vocative = re.compile(
        rf"\b(?:hi|hey|hello|dear|thanks|thank you)\W+{persona_name}\b|^\W*{persona_name}\s*,|"
        rf",\s*{persona_name}\W*$",
        re.I,
    )
    return sum(1 for o in options if vocative.search(o.text) or HANDLE_OR_URL.search(o.text))


def start_model() -> tuple[subprocess.Popen, OpenAICompatibleBackend]:
    port = free_port()
    server = subprocess.Popen(
        llm_server_command(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **llm_server_env(port)},
    )
    wait_for_port(port, "LLM server", timeout=90)
    backend = OpenAICompatibleBackend(
        f"http://127.0.0.1:{port}", LLM_ALIAS, structured="json_object"
    )
    return server, backend


def setup_workspace(fill: int) -> tuple[Workspace, Persona, int]:
    workspace = Workspace.objects.create(
        name="Suggestion quality bench", slug=f"bench-quality-{time.time_ns()}"
    )
    for name in ("Mia", "Alex"):
        sync_persona_folder(workspace, DEMO / name)
    mia = Persona.objects.get(workspace=workspace, name="Mia")
    library.ensure_library(mia)
    library.ensure_library(Persona.objects.get(workspace=workspace, name="Alex"))
    filled = fill_library(mia, chitchat_turns("train", fill, per_conversation=3))
    return workspace, mia, filled


COLUMNS = ("library only", "model only", "model, checked", "both ranked", "as the page shows")


@dataclass
class Tally:
    """Per column, each turn's best similarity; and the checks' and timings' counts."""

    columns: dict[str, list[float]] = dataclasses.field(
        default_factory=lambda: {name: [] for name in COLUMNS}
    )
    library_ms: list[float] = dataclasses.field(default_factory=list)
    draft_ms: list[float] = dataclasses.field(default_factory=list)
    drafts: int = 0
    flagged: int = 0
    raw_leaks: int = 0
    shown: int = 0
    shown_leaks: int = 0


def evaluate(backend, mia: Persona, turns: list[ChatTurn], model_turns: int) -> None:
    """The library on every turn; the model, and so every column, on the first
    `model_turns` (the CPU model takes seconds a turn)."""
    everywhere, with_model = Tally(), Tally()
    cache: dict = {}
    references = embed([t.reference for t in turns])
    for index, (turn, reference) in enumerate(zip(turns, references, strict=True)):
        message = new_conversation(mia, "Sam", turn.before, turn.said)
        drafting = index < model_turns
        result = answer(backend if drafting else None, message)
        ref = np.asarray(reference, dtype=np.float32)
        everywhere.columns["library only"].append(best_similarity(result.library[:TOP], ref, cache))
        everywhere.library_ms.append(result.library_ms)
        if drafting:
            tally(with_model, result, ref, cache, mia.name)
        if (index + 1) % 50 == 0:
            print(f"  {index + 1} turns", flush=True)
    count = len(turns)
    sims = everywhere.columns["library only"]
    print(f"\nlibrary only, all {count} held-out turns: recall@{TOP} "
          f"{sum(s >= HIT for s in sims) / count:.3f}, mean best similarity "
          f"{statistics.mean(sims):.3f}, first option p50 "
          f"{statistics.median(everywhere.library_ms):.0f} ms")  # fmt: skip
    if model_turns > 0:
        report(with_model, min(model_turns, count))


def tally(into: Tally, result: TurnResult, ref: np.ndarray, cache: dict, persona: str) -> None:
    picks = {
        "library only": result.library[:TOP],
        "model only": result.drafts[:TOP],
        "model, checked": result.ranked_drafts[:TOP],
        "both ranked": pooled(result),
        "as the page shows": as_shown(result),
    }
    for name, options in picks.items():
        into.columns[name].append(best_similarity(options, ref, cache))
    into.library_ms.append(result.library_ms)
    into.draft_ms.append(result.draft_ms)
    into.drafts += len(result.drafts)
    into.flagged += result.flagged
    into.raw_leaks += leaks(result.drafts, persona)
    shown = as_shown(result) + pooled(result)
    into.shown += len(shown)
    into.shown_leaks += leaks(shown, persona)


def report(t: Tally, count: int) -> None:
    print(f"\nthe first {count} held-out turns, every column; a hit is MiniLM similarity "
          f">= {HIT} to the real next message")  # fmt: skip
    recall = {name: sum(s >= HIT for s in sims) / count for name, sims in t.columns.items()}
    for name, sims in t.columns.items():
        print(f"  {name:18} recall@{TOP} {recall[name]:.3f}   mean best similarity "
              f"{statistics.mean(sims):.3f}")  # fmt: skip
    base = recall["model only"]
    for name in ("both ranked", "as the page shows"):
        ratio = f"{recall[name] / base:.1f}x" if base else "inf (model only has no hits)"
        print(f"{name} vs model only: recall@{TOP} {ratio}")
    print(f"invented-fact checks: {t.flagged} of {t.drafts} model drafts flagged (dropped or "
          f"repaired, {t.flagged / max(t.drafts, 1):.1%}); {t.raw_leaks} of them address the "
          "persona by name or carry a handle or URL before the checks; after them, "
          f"{t.shown_leaks} of {t.shown} shown options do")  # fmt: skip
    library, drafts = statistics.median(t.library_ms), statistics.median(t.draft_ms)
    print(f"time to first option p50: library {library:.0f} ms, model's drafts {drafts:.0f} ms "
          f"({drafts / library:.0f}x)")  # fmt: skip


def show_fixed(backend, workspace: Workspace) -> None:
    print("\n40 fixed messages to the demo personas (source, confidence, text):")
    leaked = total = 0
    for persona_name, texts in FIXED_MESSAGES.items():
        persona = Persona.objects.get(workspace=workspace, name=persona_name)
        for text in texts:
            message = new_conversation(persona, "Jordan", "", text)
            result = answer(backend, message)
            options = (result.library[:2] + result.ranked_drafts)[:5]
            leaked += leaks(options, persona_name)
            total += len(options)
            print(f"\n[{persona_name}] customer: {text}")
            for option in options:
                print(f"   {option.source:9} {option.confidence:.2f}  {option.text}")
    print(f"\nfixed messages: {leaked} of {total} shown options address the persona by name "
          "or carry a handle or URL")  # fmt: skip


def main(count: int, fill: int, model_turns: int) -> None:
    workspace, mia, filled = setup_workspace(fill)
    print(f"library: {ReplyEntry.objects.filter(persona=mia).count()} entries for Mia "
          f"({filled} train-side chitchat replies as sent replies, the bootstrap library, "
          "her phrases)")  # fmt: skip
    turns = chitchat_turns("heldout", count, per_conversation=1)
    server, backend = start_model()
    try:
        evaluate(backend, mia, turns, model_turns)
        show_fixed(backend, workspace)
    finally:
        server.terminate()
        server.wait(timeout=10)
        workspace.delete()


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 500,
        int(sys.argv[2]) if len(sys.argv) > 2 else 4000,
        int(sys.argv[3]) if len(sys.argv) > 3 else 150,
    )

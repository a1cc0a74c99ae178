"""Capture real reply drafts from the packaged CPU model for tests/fixtures/cpu_drafts.json.

Run: .venv/bin/python benchmarks/capture_drafts.py [SAMPLES] [OUT] [SEED_BASE]

Starts llama-cpp-python's server on the SmolLM2-135M GGUF (the one `./dev run` uses) on a
loopback port, builds realistic prompts with the real prompt builder (personas Mia and Alex
from personas/demo_folder, their knowledge chunks picked by word overlap with the message,
a contact with facts, a short history), asks for SAMPLES drafts per message at temperature
0.8 with the production JSON schema (fixed seeds from SEED_BASE, default 0: the same seeds give
the same drafts on the same build), and writes every parsed draft as it would reach the
fact checks (cleaned and truncated by the guardrails) to OUT (default
var/cpu_drafts_raw.json). The server is stopped when done.

The drafts come out unlabelled ("expected": ""); a draft whose text is already in the
fixture keeps that fixture's label, kinds and note. Labelling is done by hand: copy the
drafts to keep into tests/fixtures/cpu_drafts.json, set "expected" to "clean" or "flag",
"kinds" to what it invents (own_name, identity, name, place, handle, url, email, price,
date, promise, placeholder) and add a "source" line. The fixture holds seeds 0 (4 samples)
and 500 (2 samples, labelled before the checks were tuned on them).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlops.guardrails import clean_response, truncate_response  # noqa: E402
from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend  # noqa: E402
from mlops.llm_replies import parse_option  # noqa: E402
from mlops.prompts import REPLY_SCHEMA, PromptInputs, build_messages  # noqa: E402
from stack import LLM_ALIAS, free_port, llm_server_command, llm_server_env  # noqa: E402
from stack.services import wait_for_port  # noqa: E402

FOLDER = ROOT / "personas" / "demo_folder"
FIXTURE = ROOT / "tests" / "fixtures" / "cpu_drafts.json"
STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an and are at be but do for from have how i i'm in is it it's me my of on or so that "
        "the to was what when where who why with you your you're does did any can about just "
        "there this today hey hi hello",
    )
)

# (persona, contact name, contact facts, history, customer message, CTA decision)
CASES: list[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], str, str]] = [
    ("Mia", "Jake", [], [], "hello", "WAIT"),
    ("Mia", "Jake", [], [], "hey mia", "WAIT"),
    ("Mia", "", [], [], "hi there! who are you?", "WAIT"),
    ("Mia", "Sam", [("occupation", "nurse")], [], "how was your day?", "WAIT"),
    (
        "Mia",
        "Sam",
        [("occupation", "nurse")],
        [("user", "hi"), ("assistant", "hey you 😏")],
        "just got off a long shift lol",
        "WAIT",
    ),
    ("Mia", "Jake", [("city", "Denver")], [], "what are you up to this weekend?", "WAIT"),
    ("Mia", "Jake", [], [], "do you have any pets?", "NEVER"),
    ("Mia", "Jake", [], [], "where do you like to swim?", "WAIT"),
    ("Mia", "Chris", [], [], "how much is your page?", "NOW"),
    ("Mia", "Chris", [], [], "is there a discount for new subscribers?", "NOW"),
    ("Mia", "Chris", [], [], "what's new on your page this week?", "NOW"),
    ("Mia", "Chris", [], [], "can we meet up sometime?", "NEVER"),
    ("Mia", "Leo", [("hobby", "guitar")], [], "I played a gig last night haha", "WAIT"),
    ("Mia", "Leo", [], [], "what camera do you use?", "WAIT"),
    ("Mia", "Leo", [], [], "what's your favourite food?", "WAIT"),
    ("Mia", "Leo", [], [], "omg you're so pretty 😍", "WAIT"),
    ("Mia", "Dan", [("pet", "a dog called Max")], [], "my dog Max says hi", "WAIT"),
    ("Mia", "Dan", [], [], "where are you from?", "WAIT"),
    ("Mia", "Dan", [], [], "what do you study?", "WAIT"),
    ("Mia", "Dan", [], [], "send me something free?", "NEVER"),
    ("Mia", "Ben", [], [], "good morning beautiful", "WAIT"),
    ("Mia", "Ben", [], [], "what movie should I watch tonight?", "WAIT"),
    ("Mia", "Ben", [], [], "are you real?", "WAIT"),
    ("Mia", "Ben", [], [], "when do you post new photos?", "NOW"),
    ("Alex", "Priya", [("company", "Acme Retail")], [], "hello", "WAIT"),
    ("Alex", "Priya", [("company", "Acme Retail")], [], "how much does it cost?", "NOW"),
    ("Alex", "Tom", [], [], "who are you and what do you sell?", "WAIT"),
    ("Alex", "Tom", [], [], "do you integrate with Shopify?", "WAIT"),
    ("Alex", "Tom", [], [], "can I get a discount if we sign for a year?", "NOW"),
    ("Alex", "Tom", [], [], "is my data safe with you?", "WAIT"),
    ("Alex", "Nina", [("team size", "12 people")], [], "how long does setup take?", "WAIT"),
    ("Alex", "Nina", [], [], "can you call me tomorrow?", "NOW"),
    ("Alex", "Nina", [], [], "is there a free trial?", "NOW"),
    ("Alex", "Nina", [], [], "thanks, that's helpful!", "WAIT"),
    ("Mia", "Kai", [], [], "what's your instagram?", "NOW"),
    ("Mia", "Kai", [], [], "where can I find your page?", "NOW"),
    ("Mia", "Kai", [], [], "what did you do yesterday?", "WAIT"),
    ("Mia", "Kai", [], [], "any plans for tonight?", "WAIT"),
    (
        "Mia",
        "Ryan",
        [],
        [("user", "hey"), ("assistant", "hey you! how's your day going?")],
        "what's your name?",
        "WAIT",
    ),
    ("Mia", "Ryan", [], [], "where in Austin do you live?", "WAIT"),
    ("Mia", "Ryan", [("birthday", "next Saturday")], [], "it's my birthday soon!", "WAIT"),
    ("Mia", "Ryan", [], [], "tell me about the golden hour series", "NOW"),
    ("Mia", "Omar", [], [], "can I get a free photo?", "NEVER"),
    ("Mia", "Omar", [], [], "what's your email?", "WAIT"),
    ("Mia", "Omar", [], [], "what music do you like?", "WAIT"),
    ("Mia", "Omar", [("city", "Chicago")], [], "I'm visiting Texas next month", "WAIT"),
    ("Alex", "Grace", [], [], "what's your website?", "NOW"),
    ("Alex", "Grace", [], [], "who else uses Northwind?", "WAIT"),
    ("Alex", "Grace", [], [], "when can we book the demo?", "NOW"),
    ("Alex", "Grace", [("company", "Bloom Florists")], [], "what's the price for 5 users?", "NOW"),
]


def read_persona(name: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(profile, phrases, knowledge chunks): one chunk per paragraph of the other files."""
    folder = FOLDER / name
    profile: dict[str, str] = {}
    for line in (folder / "profile.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            profile["_".join(key.strip().lower().split())] = value.strip()
    phrases = [p.strip() for p in (folder / "common_phrases.txt").read_text().splitlines()]
    chunks = []
    for path in sorted(folder.glob("*.txt")):
        if path.name not in ("profile.txt", "common_phrases.txt"):
            chunks += [p.strip() for p in path.read_text().split("\n\n") if p.strip()]
    return profile, [p for p in phrases if p], chunks


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if w not in STOPWORDS and len(w) > 2}


def retrieve(chunks: list[str], message: str) -> list[str]:
    """The two chunks sharing the most content words with the message (a stand-in for the
    embedding search, which keeps at most two above a similarity floor)."""
    wanted = content_words(message)
    scored = sorted(((len(wanted & content_words(c)), c) for c in chunks), reverse=True)
    return [chunk for score, chunk in scored[:2] if score > 0]


def main(samples: int, out: Path, seed_base: int = 0) -> None:
    port = free_port()
    server = subprocess.Popen(
        llm_server_command(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **llm_server_env(port)},
    )
    try:
        wait_for_port(port, "LLM server", timeout=120)
        drafts = capture(f"http://127.0.0.1:{port}", samples, seed_base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    labels = {}
    if FIXTURE.exists():
        labels = {row["draft"]: row for row in json.loads(FIXTURE.read_text())}
    for row in drafts:
        known = labels.get(row["draft"])
        if known:
            row.update({key: known[key] for key in ("expected", "kinds", "note") if key in known})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(drafts, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(drafts)} drafts written to {out}")


def capture(base_url: str, samples: int, seed_base: int = 0) -> list[dict]:
    backend = OpenAICompatibleBackend(base_url, LLM_ALIAS, structured="json_object")
    params = GenerationParams(max_tokens=100, temperature=0.8, json_schema=REPLY_SCHEMA)
    personas = {name: read_persona(name) for name in ("Mia", "Alex")}
    drafts: list[dict] = []
    seen: set[str] = set()
    for index, (name, contact, facts, history, message, cta) in enumerate(CASES):
        profile, phrases, chunks = personas[name]
        knowledge = retrieve(chunks, message)
        inputs = PromptInputs(
            persona_name=name,
            persona_profile=profile,
            persona_phrases=phrases,
            campaign={"language": "en", "max_sentences": 2},
            journey_state="rapport_building",
            cta_decision=cta,
            contact_name=contact,
            facts=facts,
            knowledge=knowledge,
            history=history,
            last_message=message,
        )
        messages = build_messages(inputs)
        for sample in range(samples):
            try:
                texts = backend.complete(
                    messages, replace(params, seed=seed_base + 1000 * index + sample), 60
                )
            except LLMError as exc:
                print(f"  {message!r} sample {sample}: {exc}", file=sys.stderr)
                continue
            parsed = parse_option(texts[0]) if texts else None
            if parsed is None:
                continue
            draft = truncate_response(clean_response(parsed["text"], name), 280, 2)
            if not draft or draft.lower() in seen:
                continue
            seen.add(draft.lower())
            drafts.append(
                {
                    "persona": name,
                    "profile": profile,
                    "phrases": phrases,
                    "knowledge": knowledge,
                    "contact": contact,
                    "facts": [list(fact) for fact in facts],
                    "history": [list(turn) for turn in history],
                    "customer_message": message,
                    "cta_decision": cta,
                    "draft": draft,
                    "expected": "",
                    "kinds": [],
                    "note": "",
                }
            )
            print(f"[{name}] {message!r} -> {draft!r}", flush=True)
    return drafts


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "var" / "cpu_drafts_raw.json"
    main(count, target, int(sys.argv[3]) if len(sys.argv) > 3 else 0)

"""The red-flag and sentiment half of `./dev bench understanding` (see understanding.py).

Red flags: each held-out paraphrase is scored alone, as its conversation's only message;
it is caught when a flag of its own category fires. False alarms are counted as the
product acts on them: a report with combined_risk >= 0.5 or should_block. Chitchat lines
come from the conversations of chitchat-dataset that the training corpus never draws from
(intent_corpus.chitchat_split), read line by line and as whole conversations.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

from mlops import intent_corpus
from mlops.bad_actor import CATEGORIES, BadActorReport, default_rules, detect_bad_actor
from mlops.embeddings import embed
from mlops.perception import PerceptionInput, perceive_batch
from mlops.sentiment import label_for, vader

DATA = Path(__file__).resolve().parent.parent / "mlops" / "data"
CHITCHAT_LINES = 3000
ALARM_AT = 0.5


def jsonl(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def alarmed(report: BadActorReport) -> bool:
    return report.combined_risk >= ALARM_AT or report.should_block


def heldout_chitchat(lines_wanted: int) -> list[list[str]]:
    """Whole conversations from the held-out side of the split, until enough lines."""
    import chitchat_dataset

    data = chitchat_dataset.Dataset()
    conversations, total = [], 0
    for key in sorted(data):
        if intent_corpus.chitchat_split(key) != "heldout":
            continue
        lines = [
            " ".join(str(u.get("text", "")).split())
            for m in data[key]["messages"]
            for u in m
            if str(u.get("text", "")).strip()
        ]
        conversations.append(lines[: lines_wanted - total])
        total += len(conversations[-1])
        if total >= lines_wanted:
            break
    return conversations


def recall(rows: list[dict], rules, vectors) -> dict[str, tuple[int, int]]:
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, vector in zip(rows, vectors, strict=True):
        report = detect_bad_actor([row["text"]], rules, [vector])
        caught[row["category"]][1] += 1
        if any(flag.category == row["category"] for flag in report.red_flags):
            caught[row["category"]][0] += 1
    return {category: (hit, total) for category, (hit, total) in caught.items()}


def red_flags() -> None:
    rules = default_rules()
    regex_only = tuple(replace(rule, examples=()) for rule in rules)
    paraphrases = jsonl("red_flags_heldout.jsonl")
    negatives = jsonl("red_flags_hard_negatives.jsonl")
    vectors = embed([row["text"] for row in paraphrases])
    semantic, regex = recall(paraphrases, rules, vectors), recall(paraphrases, regex_only, vectors)
    print(f"\n== red flags: recall on {len(paraphrases)} held-out paraphrases")
    print(f"  {'category':<24}{'regex only':>12}{'+ examples, head':>18}")
    for category in CATEGORIES:
        hit_r, total = regex.get(category, (0, 0))
        hit_s, _ = semantic.get(category, (0, 0))
        print(f"  {category:<24}{hit_r / max(total, 1):>12.2f}{hit_s / max(total, 1):>18.2f}")
    overall = sum(h for h, _ in semantic.values()) / len(paraphrases)
    overall_regex = sum(h for h, _ in regex.values()) / len(paraphrases)
    print(f"  {'all':<24}{overall_regex:>12.2f}{overall:>18.2f}")
    negative_vectors = embed([row["text"] for row in negatives])
    false_alarms = sum(
        alarmed(detect_bad_actor([row["text"]], rules, [vector]))
        for row, vector in zip(negatives, negative_vectors, strict=True)
    )
    print(f"  hard negatives alarmed: {false_alarms} of {len(negatives)}")
    chitchat_alarms()


def chitchat_alarms() -> None:
    rules = default_rules()
    conversations = heldout_chitchat(CHITCHAT_LINES)
    lines = [line for conversation in conversations for line in conversation]
    started = time.perf_counter()
    vectors = embed(lines)
    embed_ms = (time.perf_counter() - started) * 1000 / len(lines)
    by_line = iter(vectors)
    line_alarms = conversation_alarms = 0
    started = time.perf_counter()
    for conversation in conversations:
        own = [next(by_line) for _ in conversation]
        line_alarms += sum(
            alarmed(detect_bad_actor([line], rules, [vector]))
            for line, vector in zip(conversation, own, strict=True)
        )
        conversation_alarms += alarmed(detect_bad_actor(conversation, rules, own))
    scan_ms = (time.perf_counter() - started) * 1000 / (len(lines) + len(conversations))
    print(
        f"  chitchat false alarms: {line_alarms} of {len(lines)} lines "
        f"({line_alarms / len(lines):.2%}), {conversation_alarms} of {len(conversations)} "
        f"conversations ({conversation_alarms / len(conversations):.2%})"
    )
    print(f"  cost: embedding {embed_ms:.2f} ms per line, scan {scan_ms:.2f} ms per report")


def sentiment() -> None:
    rows = jsonl("sentiment_heldout.jsonl")
    texts = [row["text"] for row in rows]
    chat = [
        result["sentiment"]["label"]
        for result in perceive_batch([PerceptionInput(t) for t in texts])
    ]
    plain = [label_for(float(vader().polarity_scores(text)["compound"])) for text in texts]
    truth = [row["sentiment"] for row in rows]
    print(f"\n== sentiment on {len(rows)} held-out chat messages (label accuracy)")
    for name, guesses in (("VADER alone", plain), ("chat-aware", chat)):
        right = Counter(t for t, g in zip(truth, guesses, strict=True) if t == g)
        per = "  ".join(
            f"{label} {right[label] / truth.count(label):.2f}" for label in sorted(set(truth))
        )
        accuracy = sum(right.values()) / len(rows)
        print(f"  {name:<14} accuracy {accuracy:.2f}   {per}")


def report() -> None:
    red_flags()
    sentiment()

"""Error analysis for the understanding models, on development sets only.

Run: ./dev bench understanding_dev. The held-out sets of `./dev bench understanding` are
never printed or read line by line; this script is where misreads are looked at, on sets
written for it (mlops/data/intent_dev.jsonl, red_flags_dev.jsonl: slang, typos, emoji,
multi-clause, negations, sales-call and fan-DM style; intent_negation_dev.jsonl: negated
utterances only, negator forms varied one by one) and on the "check" half of the
training side of chitchat-dataset (red_flag_head.chitchat_side), never on the evaluation
side. Fixes go to the corpus and the phrasings, so these figures flatter the models
after a round of fixes: the held-out benchmark is the honest one.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

import numpy as np  # noqa: E402

from benchmarks import understanding_risk_dev  # noqa: E402
from benchmarks.understanding_risk import alarmed  # noqa: E402
from mlops import intent_model, intent_training, red_flag_head  # noqa: E402
from mlops.bad_actor import default_rules, detect_bad_actor  # noqa: E402
from mlops.embeddings import embed  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "mlops" / "data"


def jsonl(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def intents(name: str = "intent_dev.jsonl") -> None:
    """One dev file's accuracy, macro-F1 and polarity flips, then each misread. Also run on
    intent_negation_dev.jsonl: negations written by another procedure (negator forms,
    litotes, negated questions) before the negation fixes, so a fix that only learnt the
    first file's sentences shows up there."""
    rows = jsonl(name)
    head = intent_training.bootstrap_head()
    matrix = intent_model.feature_matrix(
        embed([r["text"] for r in rows]), [r["text"] for r in rows]
    )
    guesses = head.predict(matrix)
    metrics = intent_model.scores([r["intent"] for r in rows], guesses)
    flips = intent_training.polarity_flips(rows, guesses)
    print(f"{name}: {len(rows)}; accuracy {metrics['accuracy']}, ", end="")
    print(f"macro-F1 {metrics['macro_f1']}, negations flipped {flips}")
    confusions: Counter[tuple[str, str]] = Counter()
    for row, guess, probs in zip(rows, guesses, head.probabilities(matrix), strict=True):
        if guess != row["intent"]:
            confusions[(row["intent"], guess)] += 1
            print(f"  {row['intent']:>13} -> {guess:<13} p={probs.max():.2f}  {row['text']}")
    print("  most confused:", confusions.most_common(8))


def red_flags() -> None:
    rules = default_rules()
    rows = jsonl("red_flags_dev.jsonl")
    vectors = embed([r["text"] for r in rows])
    caught: Counter[tuple[str, bool]] = Counter()
    for row, vector in zip(rows, vectors, strict=True):
        report = detect_bad_actor([row["text"]], rules, [vector])
        cats = {f.category for f in report.red_flags}
        hit = row["category"] in cats if row["category"] != "none" else not alarmed(report)
        caught[row["category"], hit] += 1
        if not hit:
            reading = red_flag_head.probabilities(np.asarray([vector], dtype=np.float32))[0]
            top = max(reading, key=lambda category: reading[category])
            print(f"  miss {row['category']:>22}: flags {sorted(cats)} head {top} ", end="")
            print(f"{reading[top]:.2f} risk {report.combined_risk}  {row['text']}")
    for category in sorted({c for c, _ in caught}):
        total = caught[category, True] + caught[category, False]
        print(f"  {category:<24} {caught[category, True]}/{total}")


def chitchat_check(conversations_wanted: int = 800) -> None:
    """Alarms on the "check" half of chitchat's training side (never fitted on): the red-flag
    dev report's own check (benchmarks/understanding_risk_dev.py)."""
    understanding_risk_dev.chitchat_check(conversations_wanted)


if __name__ == "__main__":
    parts = sys.argv[1:] or ["intents", "red_flags", "chitchat"]
    if "intents" in parts:
        intents()
        intents("intent_negation_dev.jsonl")
    if "red_flags" in parts:
        red_flags()
    if "chitchat" in parts:
        chitchat_check()

"""Red-flag recall per category on the development sets, and false alarms where they are
allowed to be looked at: the near-miss negatives of those sets and the "check" half of the
training side of chitchat-dataset (red_flag_head.chitchat_side). Never the held-out sets.

Run: ./dev bench understanding_risk_dev [sets...] [--misses] [--chitchat N]
  sets: dev (red_flags_dev.jsonl), dev_b (red_flags_dev_b.jsonl; written later, by another
  procedure: flags buried in friendly multi-sentence DMs, implied forms, slang, sales-call
  style, with ordinary near-misses); dev_c (red_flags_dev_c.jsonl; written from the
  freeloader and payment definitions facet by facet, each in several registers: one-word
  DMs, rambling, typos, emoji, learner English; near-misses on the same topics); dev_d
  (red_flags_dev_d.jsonl; round six, written as personas would write in a creator DM or a
  sales chat: superfan, student, haggling buyer, influencer, trial and refund abusers,
  off-platform payer, chargeback threat, pay-later, someone else's card; the flag stated
  indirectly amid ordinary text, weighted to freeloading and payment; 41 near-misses on
  money, trials, discounts, gifts, sharing); all by default.
  --misses prints each missed row and each alarmed negative, with the head's reading.
  --chitchat N scans N "check" conversations (0 skips; 800 by default).
A row is caught as understanding_risk.recall counts it: scored alone, caught when a flag of
its own category fires. A negative (category "none") fails when it alarms as the product
acts on it (understanding_risk.alarmed), and is also counted when it merely carries a flag.
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
django.setup()

import numpy as np  # noqa: E402

from benchmarks.understanding_risk import alarmed, jsonl  # noqa: E402
from mlops import intent_corpus, intent_training, red_flag_head  # noqa: E402
from mlops.bad_actor import CATEGORIES, default_rules, detect_bad_actor  # noqa: E402
from mlops.embeddings import embed  # noqa: E402

SETS = {
    "dev": "red_flags_dev.jsonl",
    "dev_b": "red_flags_dev_b.jsonl",
    "dev_c": "red_flags_dev_c.jsonl",
    "dev_d": "red_flags_dev_d.jsonl",
}


def reading(vector: Sequence[float]) -> str:
    probs = red_flag_head.probabilities(np.asarray([vector], dtype=np.float32))[0]
    top = max(probs, key=lambda category: probs[category])
    return f"head {top} {probs[top]:.2f}"


def score_set(name: str, show_misses: bool) -> dict[str, tuple[int, int]]:
    rules = default_rules()
    rows = jsonl(SETS[name])
    vectors = embed([row["text"] for row in rows])
    caught: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_style: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    flagged_negatives = 0
    for row, vector in zip(rows, vectors, strict=True):
        report = detect_bad_actor([row["text"]], rules, [vector])
        found = {flag.category for flag in report.red_flags}
        hit: bool
        if row["category"] == "none":
            hit = not alarmed(report)
            flagged_negatives += bool(found)
        else:
            hit = row["category"] in found
            style = by_style[row.get("style", "-")]
            style[0], style[1] = style[0] + hit, style[1] + 1
        tally = caught[row["category"]]
        tally[0], tally[1] = tally[0] + hit, tally[1] + 1
        if show_misses and not hit:
            print(f"  miss {row['category']:>22}: flags {sorted(found)} {reading(vector)} ", end="")
            print(f"risk {report.combined_risk}  {row['text']}")
    print(f"\n== {name} ({SETS[name]}): recall per category, scored a message alone")
    positives = [0, 0]
    for category in CATEGORIES:
        got, total = caught.get(category, (0, 0))
        positives = [positives[0] + got, positives[1] + total]
        print(f"  {category:<24}{got:>4}/{total:<4}{got / max(total, 1):>6.2f}")
    print(f"  {'all flagged categories':<24}{positives[0]:>4}/{positives[1]:<4}", end="")
    print(f"{positives[0] / max(positives[1], 1):>6.2f}")
    if "none" in caught:
        ok, total = caught["none"]
        print(f"  negatives alarmed: {total - ok} of {total}; carrying any flag: ", end="")
        print(f"{flagged_negatives} of {total}")
    if len(by_style) > 1:
        styles = "  ".join(f"{s} {h}/{t}" for s, (h, t) in sorted(by_style.items()))
        print(f"  recall by style: {styles}")
    return {category: (hit, total) for category, (hit, total) in caught.items()}


def chitchat_check(conversations_wanted: int) -> None:
    """Alarms on the "check" conversations of the training side, whole and line by line."""
    rules = default_rules()
    picked = [
        [line for line in lines if line.strip()]
        for key, lines in intent_corpus.chitchat_conversations()
        if red_flag_head.chitchat_side(key) == "check"
    ][:conversations_wanted]
    vectors = iter(intent_training.per_text_cached([x for c in picked for x in c]))
    alarms = flagged = line_alarms = 0
    per_category: Counter[str] = Counter()
    for lines in picked:
        own = [next(vectors) for _ in lines]
        for line, vector in zip(lines, own, strict=True):
            alone = detect_bad_actor([line], rules, [vector])
            flagged += bool(alone.red_flags)
            per_category.update({flag.category for flag in alone.red_flags})
            line_alarms += alarmed(alone)
        report = detect_bad_actor(lines, rules, own)
        if alarmed(report):
            alarms += 1
            print(f"  alarm risk {report.combined_risk} ({len(lines)} lines):")
            for flag in report.red_flags:
                print(f"    {flag.pattern_name} w{flag.weight} {flag.match}: {flag.matched_text}")
    total = sum(len(lines) for lines in picked)
    print(f"\n== chitchat check side: {alarms} of {len(picked)} conversations alarmed; ", end="")
    print(f"{line_alarms} of {total} lines alarm alone, {flagged / total:.2%} carry a flag")
    counts = ", ".join(f"{c} {n}" for c, n in sorted(per_category.items()))
    print(f"  lines flagged per category: {counts}")


def main(argv: list[str]) -> None:
    show = "--misses" in argv
    wanted = 800
    if "--chitchat" in argv:
        wanted = int(argv[argv.index("--chitchat") + 1])
    names = [arg for arg in argv if arg in SETS] or list(SETS)
    for name in names:
        score_set(name, show)
    if wanted:
        chitchat_check(wanted)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Perception stage throughput: batched (each analyser loaded once, called on a batch)
against the naive seed-000 style (every analyser set up and called separately for every
message), on replayed real human chat lines from the chitchat-dataset wheel.

Run: ./dev bench perception [N]. Prints messages/second, p50/p95 per message, the ratio.
"""

from __future__ import annotations

import statistics
import sys
import time

from conversations.simulated_contacts import small_talk_pool
from mlops.bad_actor import detect_bad_actor
from mlops.context import context_sentiment
from mlops.perception import PerceptionInput, perceive_batch
from mlops.sarcasm import rule_sarcasm
from mlops.triage import triage

BATCH = 64


def naive_perceive(text: str, history: list[float]) -> dict:
    """What a first version does: build each analyser per message, run them one by one."""
    from nrclex import NRCLex
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    compound = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    emotions = NRCLex()
    emotions.load_token_list(text.lower().split())
    top = emotions.top_emotions[0][0] if emotions.raw_emotion_scores else None
    sarcastic = rule_sarcasm(text).is_sarcastic
    context = context_sentiment(text, compound, sarcastic, top, history)
    return {"context": context, "triage": triage(text, sentiment=context.effective_score)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_naive(texts: list[str]) -> list[float]:
    latencies = []
    for text in texts:
        started = time.perf_counter()
        naive_perceive(text, [])
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def run_batched(texts: list[str]) -> list[float]:
    latencies = []
    for start in range(0, len(texts), BATCH):
        batch = [PerceptionInput(text) for text in texts[start : start + BATCH]]
        started = time.perf_counter()
        perceive_batch(batch)
        per_message = (time.perf_counter() - started) * 1000 / len(batch)
        latencies.extend([per_message] * len(batch))
    return latencies


def report(name: str, latencies: list[float]) -> float:
    rate = 1000 * len(latencies) / sum(latencies)
    print(
        f"{name:<28} {rate:9.0f} msg/s   p50 {statistics.median(latencies):7.2f} ms"
        f"   p95 {percentile(latencies, 0.95):7.2f} ms"
    )
    return rate


def main(count: int) -> None:
    pool = small_talk_pool().fillers
    texts = [pool[i % len(pool)] for i in range(count)]
    perceive_batch([PerceptionInput("warm-up")])  # load the lexicons before timing
    naive_perceive("warm-up", [])  # and import the libraries the naive path uses
    print(f"{count} real chat lines (chitchat-dataset), batches of {BATCH}")
    naive = report("naive, one by one", run_naive(texts))
    batched = report("perception stage, batched", run_batched(texts))
    print(f"ratio batched / naive: {batched / naive:.1f}x")
    started = time.perf_counter()
    detect_bad_actor(texts[:50])
    scan_ms = (time.perf_counter() - started) * 1000
    print(f"bad-actor scan of a 50-message conversation: {scan_ms:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)

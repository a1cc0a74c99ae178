"""A transformers text-classification checkpoint from a local path, run in batches.

Used for sentiment, emotion or sarcasm when a checkpoint path is configured; loads once
per worker process, on the GPU when there is one. Nothing is downloaded: the path must
hold a saved model and tokenizer (`save_pretrained`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

DEFAULT_BATCH_SIZE = 32
MAX_TOKENS = 128  # DMs are short; longer texts are cut, not refused


class TextClassifier:
    def __init__(self, path: str | Path) -> None:
        # Heavy imports here, in the worker that needs them, never in the web process.
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.path = str(path)
        self.torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(self.path, local_files_only=True)
        self.model = model.to(self.device).eval()
        self.labels = [
            str(self.model.config.id2label[i]).lower() for i in range(self.model.config.num_labels)
        ]

    def classify(
        self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE
    ) -> list[dict[str, float]]:
        """Label probabilities for each text, computed batch_size texts at a time."""
        results: list[dict[str, float]] = []
        for start in range(0, len(texts), batch_size):
            results.extend(self._classify_batch(texts[start : start + batch_size]))
        return results

    def _classify_batch(self, texts: list[str]) -> list[dict[str, float]]:
        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        ).to(self.device)
        with self.torch.no_grad():
            probabilities = self.model(**encoded).logits.softmax(dim=-1).cpu().tolist()
        return [dict(zip(self.labels, row, strict=True)) for row in probabilities]


@lru_cache(maxsize=8)
def load_classifier(path: str) -> TextClassifier:
    """One instance per checkpoint per process."""
    return TextClassifier(path)


def top_label(probabilities: dict[str, Any]) -> tuple[str, float]:
    label = max(probabilities, key=probabilities.__getitem__)
    return label, float(probabilities[label])

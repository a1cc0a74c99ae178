"""Loading registered models in workers: once per version per process, and a promotion is
noticed on the next decision (the active version is looked up each time, one query)."""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from mlops.models import Dataset, ModelVersion

ARTIFACTS = Path(settings.MLOPS_ARTIFACT_DIR)


def store_dataset(
    kind: str, version: str, workspace_id: int | None, rows: list[dict[str, Any]], sources: dict
) -> Dataset:
    folder = ARTIFACTS / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{workspace_id or 'shared'}-{version}-{uuid.uuid4().hex[:8]}.jsonl"
    text = "".join(json.dumps(row, sort_keys=True) + "\n" for row in rows)
    path.write_text(text)
    dataset, _ = Dataset.objects.update_or_create(
        kind=kind,
        version=version,
        workspace_id=workspace_id,
        defaults={
            "rows": len(rows),
            "path": str(path),
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
            "sources": sources,
        },
    )
    return dataset


def load_rows(dataset: Dataset) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(dataset.path).read_text().splitlines() if line]


def save_model(model: Any, kind: str, workspace_id: int | None, version: int) -> str:
    """The sklearn model (joblib, for retraining and audits) and its FastForest (JSON, what
    inference loads); returns the JSON path."""
    import joblib

    from mlops.cta import FastForest

    folder = ARTIFACTS / "models"
    folder.mkdir(parents=True, exist_ok=True)
    # A random suffix: a database reset restarts version numbers, files must not clash.
    stem = folder / f"{kind}-{workspace_id or 'shared'}-v{version}-{uuid.uuid4().hex[:8]}"
    joblib.dump(model, stem.with_suffix(".joblib"))
    stem.with_suffix(".json").write_text(json.dumps(FastForest.from_sklearn(model).to_dict()))
    return str(stem.with_suffix(".json"))


def save_json_model(data: dict[str, Any], kind: str, workspace_id: int | None, version: int) -> str:
    """A model whose weights are plain arrays (the intent head): one JSON file."""
    folder = ARTIFACTS / "models"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{workspace_id or 'shared'}-v{version}-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(data))
    return str(path)


@lru_cache(maxsize=16)
def load_fast_forest(version_pk: int, artifact: str) -> Any:
    from mlops.cta import FastForest

    return FastForest.from_dict(json.loads(Path(artifact).read_text()))


def next_version(kind: str, workspace_id: int | None) -> int:
    latest = ModelVersion.objects.filter(kind=kind, workspace_id=workspace_id).first()
    return (latest.version if latest else 0) + 1


def store_reply_dataset(
    workspace_id: int,
    persona_id: int | None,
    parts: dict[str, list[dict[str, Any]]],
    counts: dict[str, int],
    config: dict[str, Any],
    created_by: Any = None,
) -> Dataset:
    """A reply dataset is a folder with one JSON-lines file per part (sft-train, sft-eval,
    dpo-train, dpo-eval); versions count up per workspace."""
    folder = ARTIFACTS / "datasets" / f"replies-{workspace_id}-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for part, rows in parts.items():
        text = "".join(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n" for row in rows)
        (folder / f"{part}.jsonl").write_text(text, encoding="utf-8")
        digest.update(text.encode("utf-8"))
    fields = {
        "workspace_id": workspace_id,
        "persona_id": persona_id,
        "rows": len(parts.get("sft-train", [])) + len(parts.get("sft-eval", [])),
        "path": str(folder),
        "sha256": digest.hexdigest(),
        "sources": {**counts, **{part: len(rows) for part, rows in parts.items()}},
        "config": config,
        "created_by": created_by,
    }
    # Two builds at the same moment may pick the same number; the unique constraint
    # refuses the second, which then takes the next one.
    for _attempt in range(5):
        existing = Dataset.objects.filter(kind="replies", workspace_id=workspace_id)
        versions = existing.values_list("version", flat=True)
        number = 1 + max((int(v[1:]) for v in versions), default=0)
        try:
            with transaction.atomic():
                return Dataset.objects.create(kind="replies", version=f"v{number}", **fields)
        except IntegrityError:
            continue
    raise RuntimeError("could not number the dataset: too many concurrent builds")


def load_part(dataset: Dataset, part: str) -> list[dict[str, Any]]:
    path = Path(dataset.path) / f"{part}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

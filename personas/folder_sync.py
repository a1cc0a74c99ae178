"""The watched persona folder (seed 000's Drive folder, on a disk the team can share).

Layout: `<PERSONA_FOLDER>/<workspace slug>/<persona name>/` holding
  profile.txt         key: value lines (model_name, age, city, tactics, cta_concept, ...)
  common_phrases.txt  one phrase per line
  anything else       knowledge: chunked and embedded
A worker syncs it every few seconds. Unchanged files cost a read and a hash; a changed
file is re-chunked and re-embedded alone; a deleted file takes its chunks with it. The
pipeline reads personas and chunks from the database on every turn, so a running
conversation picks an edit up on its next message without a restart (hot swap).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.models import Workspace
from personas.knowledge import store_document
from personas.models import KnowledgeDocument, Persona

logger = logging.getLogger(__name__)

PROFILE_FILE = "profile.txt"
PHRASES_FILE = "common_phrases.txt"
# Bigger files are skipped with a warning: a stray video in the folder is not knowledge.
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class FolderReport:
    persona: str
    created: bool = False
    profile_changed: bool = False
    embedded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def parse_profile(text: str) -> dict[str, str]:
    """`key: value` per line; blank lines and `#` comments ignored; keys snake_cased."""
    profile: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        key, value = line.split(":", 1)
        key = "_".join(key.strip().lower().split())
        if key:
            profile[key] = value.strip()
    return profile


def read_text(path: Path) -> str:
    # Collaborators save from every editor there is; undecodable bytes must not stop a sync.
    return path.read_text(encoding="utf-8", errors="replace")


def knowledge_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.name not in (PROFILE_FILE, PHRASES_FILE)
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def sync_persona_folder(workspace: Workspace, folder: Path) -> FolderReport:
    persona, created = Persona.objects.get_or_create(workspace=workspace, name=folder.name)
    report = FolderReport(persona=persona.name, created=created)
    report.profile_changed = sync_profile(persona, folder)
    seen: set[str] = set()
    for path in knowledge_files(folder):
        name = path.relative_to(folder).as_posix()
        if path.stat().st_size > MAX_FILE_BYTES:
            report.skipped.append(name)
            logger.warning("skipping %s: larger than %d bytes", path, MAX_FILE_BYTES)
            continue
        seen.add(name)
        result = store_document(persona, name, read_text(path), KnowledgeDocument.Source.FOLDER)
        (report.embedded if result.changed else report.unchanged).append(name)
    report.deleted = drop_missing_documents(persona, seen)
    Persona.objects.filter(pk=persona.pk).update(folder_synced_at=timezone.now())
    return report


def sync_profile(persona: Persona, folder: Path) -> bool:
    """Take profile.txt and common_phrases.txt when present; True when either changed."""
    updates: dict[str, object] = {}
    profile_path, phrases_path = folder / PROFILE_FILE, folder / PHRASES_FILE
    if profile_path.is_file():
        profile = parse_profile(read_text(profile_path))
        if profile != persona.profile:
            updates["profile"] = profile
    if phrases_path.is_file():
        phrases = read_text(phrases_path).strip()
        if phrases != persona.common_phrases:
            updates["common_phrases"] = phrases
    if updates:
        Persona.objects.filter(pk=persona.pk).update(**updates)
    return bool(updates)


@transaction.atomic
def drop_missing_documents(persona: Persona, seen: set[str]) -> list[str]:
    """Folder documents whose file is gone are deleted, their chunks with them."""
    missing = persona.documents.filter(source=KnowledgeDocument.Source.FOLDER).exclude(
        name__in=seen
    )
    names = sorted(missing.values_list("name", flat=True))
    missing.delete()
    return names


def sync_root(root: Path) -> list[FolderReport]:
    """Sync every persona folder of every workspace found under root."""
    reports: list[FolderReport] = []
    if not root.is_dir():
        return reports
    for workspace_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        workspace = Workspace.objects.filter(slug=workspace_dir.name).first()
        if workspace is None:
            logger.warning("persona folder %s names no workspace", workspace_dir)
            continue
        for persona_dir in sorted(p for p in workspace_dir.iterdir() if p.is_dir()):
            if not persona_dir.name.startswith("."):
                reports.append(sync_persona_folder(workspace, persona_dir))
    return reports

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
import os
import stat
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


class SkippedFile(ValueError):
    """Not synced: not a regular file, or past MAX_FILE_BYTES (checked while reading, so
    a file that grows after the listing is caught too)."""


def is_regular(path: Path) -> bool:
    """A plain file, not a link to one: a symlink in a shared folder could point at any
    file the worker can read, another workspace's folder included."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def open_beneath(base: Path, path: Path) -> int:
    """A descriptor for `path`, opened one component at a time from `base`, none of them
    through a link: a folder swapped for a link after the listing (`notes -> /etc`) is
    refused at its own step, not only the file at the end. Non-blocking, so a named pipe
    swapped in cannot hang the worker on open."""
    parts = path.relative_to(base).parts
    directory = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=directory)
            os.close(directory)
            directory = inner
        return os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    finally:
        os.close(directory)


def read_text(path: Path, base: Path | None = None) -> str:
    """At most MAX_FILE_BYTES of a regular file beneath `base` (its own folder when not
    given), opened without following a link at any step (a file or folder swapped for a
    link after the listing is refused by the open itself)."""
    descriptor = open_beneath(base or path.parent, path)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise SkippedFile(f"{path} is not a regular file")
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise SkippedFile(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    # Collaborators save from every editor there is; undecodable bytes must not stop a sync.
    return data.decode("utf-8", errors="replace")


def readable(path: Path) -> str | None:
    """The text of a profile or phrases file; None when absent, linked or too large."""
    if not is_regular(path):
        return None
    try:
        return read_text(path)
    except (SkippedFile, OSError) as exc:
        logger.warning("skipping %s: %s", path, exc)
        return None


def knowledge_files(folder: Path) -> list[Path]:
    """Regular files under the persona's folder, never through a link (os.walk does not
    follow linked directories; linked files are left out), hidden ones skipped."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            if name.startswith(".") or not is_regular(path):
                continue
            if path.parent == folder and name in (PROFILE_FILE, PHRASES_FILE):
                continue
            found.append(path)
    return sorted(found)


def sync_persona_folder(workspace: Workspace, folder: Path) -> FolderReport:
    persona, created = Persona.objects.get_or_create(workspace=workspace, name=folder.name)
    report = FolderReport(persona=persona.name, created=created)
    report.profile_changed = sync_profile(persona, folder)
    seen: set[str] = set()
    for path in knowledge_files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            text = read_text(path, folder)
        except (SkippedFile, OSError) as exc:
            report.skipped.append(name)
            logger.warning("skipping %s: %s", path, exc)
            continue
        seen.add(name)
        result = store_document(persona, name, text, KnowledgeDocument.Source.FOLDER)
        (report.embedded if result.changed else report.unchanged).append(name)
    report.deleted = drop_missing_documents(persona, seen)
    Persona.objects.filter(pk=persona.pk).update(folder_synced_at=timezone.now())
    return report


def sync_profile(persona: Persona, folder: Path) -> bool:
    """Take profile.txt and common_phrases.txt when present; True when either changed."""
    updates: dict[str, object] = {}
    profile_path, phrases_path = folder / PROFILE_FILE, folder / PHRASES_FILE
    profile_text, phrases_text = readable(profile_path), readable(phrases_path)
    if profile_text is not None:
        profile = parse_profile(profile_text)
        if profile != persona.profile:
            updates["profile"] = profile
    if phrases_text is not None:
        phrases = phrases_text.strip()
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
    # Linked directories are skipped at both levels: `acme -> ../other-agency` must not
    # map one workspace's folder into another's.
    for workspace_dir in sorted(p for p in root.iterdir() if is_real_dir(p)):
        workspace = Workspace.objects.filter(slug=workspace_dir.name).first()
        if workspace is None:
            logger.warning("persona folder %s names no workspace", workspace_dir)
            continue
        for persona_dir in sorted(p for p in workspace_dir.iterdir() if is_real_dir(p)):
            if not persona_dir.name.startswith("."):
                reports.append(sync_persona_folder(workspace, persona_dir))
    return reports

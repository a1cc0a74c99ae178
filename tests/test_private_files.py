"""Secrets the dev stack writes to var/ are readable by their owner only (0600): the
session-signing key, and the demo credentials (passwords, API key, webhook secret)."""

from __future__ import annotations

import stat
from pathlib import Path

from django.core.management import call_command

from stack.services import dev_secret_key


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_secret_key_is_written_for_its_owner_only(tmp_path):
    key = dev_secret_key(tmp_path)
    assert len(key) > 40
    assert mode(tmp_path / "secret_key") == 0o600
    assert dev_secret_key(tmp_path) == key  # the same key on the next start


def test_a_key_left_readable_by_an_older_version_is_tightened(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("an-old-key-from-before")
    path.chmod(0o644)
    assert dev_secret_key(tmp_path) == "an-old-key-from-before"
    assert mode(path) == 0o600


def test_the_demo_credentials_are_written_for_their_owner_only(db, tmp_path):
    out = tmp_path / "demo-credentials.json"
    out.write_text("{}")
    out.chmod(0o644)  # left by an older version
    call_command("seed_demo", out=str(out), persona_folder=str(tmp_path / "personas"))
    assert mode(out) == 0o600
    assert '"api_key"' in out.read_text()

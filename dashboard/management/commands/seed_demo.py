"""Create (or refresh) the demo workspace: one user per role, two personas, an API key,
and a platform staff account for `/admin/` that belongs to no workspace.

Safe to run on every start: existing rows are kept, and the API key and the platform
password written to the credentials file last time stay valid.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

import personas
from core.models import ApiKey, Membership, Role, Workspace
from mlops import intent_training
from mlops.training import ensure_bootstrap_model
from personas.models import Campaign, Persona

DEMO_PASSWORD_SUFFIX = "-demo-pass"
# The platform's own staff: the Django admin reads every tenant, so its password is random
# (kept in the credentials file, readable by its owner only), never a guessable demo one.
PLATFORM_USERNAME = "platform"
# Example persona folders (profile, phrases, knowledge) for the watched folder.
DEMO_FOLDER = Path(personas.__file__).resolve().parent / "demo_folder"

DEMO_PERSONAS = [
    {
        "name": "Mia",
        "profile": {
            "model_name": "Mia",
            "age": "24",
            "city": "Austin",
            "studies": "photography",
            "tactics": "playful teasing, asks about their day, mirrors their energy",
            "emotional_expressions": "giggles, 😏, 😘",
            "cta_concept": "exclusive photo set on her page",
        },
        "common_phrases": "omg stop it 😂\nyou're sweet, you know that?\nok but tell me more",
    },
    {
        "name": "Alex",
        "profile": {
            "model_name": "Alex",
            "role": "account executive",
            "company": "Northwind Automation",
            "tactics": "qualify the need, quantify time saved, offer a demo",
            "cta_concept": "book a 20-minute demo call",
        },
        "common_phrases": "Happy to help!\nGreat question.\nWhat would success look like for you?",
        "playbook_slug": "sales-7",
    },
]


class Command(BaseCommand):
    help = "Create the demo workspace, users, personas and API key; write credentials JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--out", default="var/demo-credentials.json")
        parser.add_argument(
            "--persona-folder",
            default="",
            help="the watched persona folder: the demo personas' folders are put there",
        )

    def handle(self, *args, **options) -> None:
        out = Path(options["out"])
        previous = read_previous(out)
        with transaction.atomic():
            workspace, _ = Workspace.objects.get_or_create(
                slug="demo",
                # The demo mutes scammers automatically so the policy can be seen working,
                # and deals new conversations to the operator on shift so ownership (the
                # inbox's Mine view, revenue by operator) can be seen working too.
                defaults={
                    "name": "Demo Agency",
                    "risk_policy": "mute",
                    "risk_threshold": 0.7,
                    "auto_assign": True,
                    "max_open_per_operator": 50,
                },
            )
            users = [ensure_user(workspace, role) for role in Role]
            for persona in DEMO_PERSONAS:
                Persona.objects.get_or_create(
                    workspace=workspace, name=persona["name"], defaults=persona
                )
            Campaign.objects.get_or_create(
                workspace=workspace,
                slug="spring-demo-call",
                defaults={
                    "name": "Spring demo calls",
                    "playbook_slug": "call-outcome",
                    "prompt_config": {
                        "greeting_override": "Hi, this is Alex from Northwind, got a minute?",
                        "compliance_text": "This conversation may be recorded.",
                        "temperature": 0.6,
                        "max_sentences": 2,
                        "context_variables": {"offer": "20-minute demo"},
                    },
                },
            )
            api_key = reuse_or_issue_key(workspace, previous.get("api_key", ""))
            platform = ensure_platform_staff(previous.get("platform", {}).get("password", ""))
        if options["persona_folder"]:
            place_demo_folders(Path(options["persona_folder"]) / workspace.slug)
        credentials = {
            "url": options["url"],
            "workspace": workspace.slug,
            "users": users,
            "platform": platform,
            "api_key": api_key,
            "webhook_secret": workspace.webhook_secret,
        }
        # The shared CTA model every workspace starts from (trained once, ~2 s).
        ensure_bootstrap_model()
        # The shared intent model, registered with its held-out figures (~1 min the first
        # time on two cores, then the embeddings and the head are cached on disk).
        intent_training.ensure_bootstrap_model()
        write_private(out, json.dumps(credentials, indent=2))
        self.stdout.write(f"demo workspace ready; credentials in {out}")


def place_demo_folders(workspace_folder: Path) -> None:
    """Copy the demo personas' folders in once; later edits there are the user's own."""
    for source in sorted(DEMO_FOLDER.iterdir()):
        target = workspace_folder / source.name
        if not target.exists():
            shutil.copytree(source, target)


def ensure_user(workspace: Workspace, role: str) -> dict:
    username, password = str(role), f"{role}{DEMO_PASSWORD_SUFFIX}"
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    # The workspace admin runs the workspace in the product; `/admin/` is the platform's.
    user.is_staff = user.is_superuser = False
    user.save()
    Membership.objects.update_or_create(user=user, workspace=workspace, defaults={"role": role})
    return {"role": str(role), "username": username, "password": password}


def ensure_platform_staff(previous_password: str) -> dict:
    """A superuser with no membership: the only kind of account `/admin/` lets in."""
    user, _ = get_user_model().objects.get_or_create(username=PLATFORM_USERNAME)
    password = previous_password or secrets.token_urlsafe(18)
    user.set_password(password)
    user.is_staff = user.is_superuser = user.is_active = True
    user.save()
    return {"username": PLATFORM_USERNAME, "password": password, "url": "/admin/"}


def reuse_or_issue_key(workspace: Workspace, previous: str) -> str:
    if previous and ApiKey.objects.workspace_for(previous) == workspace:
        return previous
    return ApiKey.issue(workspace, "demo")


def read_previous(credentials_file: Path) -> dict:
    if not credentials_file.exists():
        return {}
    try:
        return json.loads(credentials_file.read_text())
    except ValueError:
        return {}


def write_private(path: Path, text: str) -> None:
    """Passwords, an API key and the webhook secret: written readable by their owner only,
    from the first byte (a new file beside it, then renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        os.fchmod(file.fileno(), 0o600)  # whatever the umask
        file.write(text)
    os.replace(partial, path)

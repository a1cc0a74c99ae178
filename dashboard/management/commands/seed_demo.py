"""Create (or refresh) the demo workspace: one user per role, two personas, an API key.

Safe to run on every start: existing rows are kept, and the API key written to the
credentials file last time stays valid.
"""

from __future__ import annotations

import json
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
        with transaction.atomic():
            workspace, _ = Workspace.objects.get_or_create(
                slug="demo",
                # The demo mutes scammers automatically so the policy can be seen working.
                defaults={"name": "Demo Agency", "risk_policy": "mute", "risk_threshold": 0.7},
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
            api_key = reuse_or_issue_key(workspace, out)
        if options["persona_folder"]:
            place_demo_folders(Path(options["persona_folder"]) / workspace.slug)
        credentials = {
            "url": options["url"],
            "workspace": workspace.slug,
            "users": users,
            "api_key": api_key,
            "webhook_secret": workspace.webhook_secret,
        }
        # The shared CTA model every workspace starts from (trained once, ~2 s).
        ensure_bootstrap_model()
        # The shared intent model, registered with its held-out figures (~1 min the first
        # time on two cores, then the embeddings and the head are cached on disk).
        intent_training.ensure_bootstrap_model()
        out.parent.mkdir(parents=True, exist_ok=True)
        # Passwords, an API key and the webhook secret: readable by their owner only.
        out.touch(mode=0o600)
        out.chmod(0o600)
        out.write_text(json.dumps(credentials, indent=2))
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
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save()
    Membership.objects.update_or_create(user=user, workspace=workspace, defaults={"role": role})
    return {"role": str(role), "username": username, "password": password}


def reuse_or_issue_key(workspace: Workspace, credentials_file: Path) -> str:
    if credentials_file.exists():
        previous = json.loads(credentials_file.read_text()).get("api_key", "")
        if previous and ApiKey.objects.workspace_for(previous) == workspace:
            return previous
    return ApiKey.issue(workspace, "demo")

"""The burst benchmark's data: its workspace, operator, conversations, and what its
generations were spent on, read back from the database."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.loadkit.ours import session_for

SLUG = "bench-burst"
OPERATOR = "bench-burst-operator"
PERSONA = "Bench"


@dataclass
class Bench:
    workspace_id: int
    slug: str
    persona: str
    api_key: str
    cookie: str
    session_key: str
    contacts: list[str]  # external ids, one per conversation
    conversations: list[int]  # ids, in the same order


def remove_leftovers() -> None:
    from django.contrib.auth import get_user_model

    from core.models import Workspace

    Workspace.objects.filter(slug=SLUG).delete()
    get_user_model().objects.filter(username=OPERATOR).delete()


def prepare(conversations: int) -> Bench:
    """A workspace with one operator and `conversations` open conversations, made before
    the traffic so the operator's pages can be open when the first message arrives."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from conversations.ingestion import open_conversation
    from conversations.models import Contact
    from core.models import ApiKey, Membership, Role, Workspace
    from personas.models import Persona

    remove_leftovers()
    workspace = Workspace.objects.create(name="Burst benchmark", slug=SLUG)
    persona = Persona.objects.create(workspace=workspace, name=PERSONA)
    api_key = ApiKey.issue(workspace, "burst benchmark")
    # No password: nobody can log in as this user, only hold its session.
    user = get_user_model().objects.create_user(OPERATOR)
    Membership.objects.create(user=user, workspace=workspace, role=Role.OPERATOR)
    session_key = session_for(user)
    contacts, conversation_ids = [], []
    for n in range(conversations):
        contact = Contact.objects.create(
            workspace=workspace, channel="api", external_id=f"burst-{n:03d}", display_name=f"C{n}"
        )
        conversation_ids.append(open_conversation(contact, persona, None).pk)
        contacts.append(contact.external_id)
    return Bench(
        workspace.pk,
        SLUG,
        PERSONA,
        api_key,
        f"{settings.SESSION_COOKIE_NAME}={session_key}",
        session_key,
        contacts,
        conversation_ids,
    )


def clean_up(bench: Bench) -> None:
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore().delete(bench.session_key)
    remove_leftovers()


def has_drafts(suggestion_set_id: int) -> bool:
    """The set holds the model's drafts (or their fallback), not only the library's."""
    from conversations.models import SuggestionSet

    return (
        SuggestionSet.objects.filter(pk=suggestion_set_id).exclude(model_version="library").exists()
    )


def count_generations(bench: Bench, exclude: int) -> dict[str, int]:
    """Sets stored with drafts, fallbacks among them, and drafting dropped part-way as
    superseded; the warm-up conversation `exclude` left out."""
    from conversations.models import SuggestionSet

    sets = SuggestionSet.objects.filter(workspace_id=bench.workspace_id).exclude(
        conversation_id=exclude
    )
    return {
        "sets": sets.exclude(model_version="library").count(),
        "fallbacks": sets.filter(is_fallback=True).count(),
        "dropped": sets.filter(generation__superseded=True).count(),
    }


def fallback_messages(bench: Bench, exclude: int) -> set[tuple[int, int]]:
    """(conversation, seq) of the messages whose drafts were the state's fallback lines: the
    model never drafted them (timed out, or its circuit was open)."""
    from conversations.models import SuggestionSet

    sets = SuggestionSet.objects.filter(workspace_id=bench.workspace_id, is_fallback=True)
    return set(sets.exclude(conversation_id=exclude).values_list("conversation_id", "message__seq"))

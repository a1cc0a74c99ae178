"""Persona pages: profile, phrases, knowledge documents (upload, delete) and style.

Everyone in the workspace may read a persona (operators write as it); managers and admins
change it. Folder documents are changed in the watched folder, not here: the next sync
would bring back a document deleted on the page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from conversations.models import ReplyEntry
from conversations.persona_style import learn_persona_style
from core.access import member_or_404, require_role
from core.models import Membership, Role
from dashboard.views import HtmxHttpRequest
from personas.knowledge import store_document
from personas.models import KnowledgeDocument, Persona

PERSONA_EDITORS = {Role.MANAGER, Role.ADMIN}
# The reply library's table: one page at a time, filtered by source.
PER_PAGE = 25
SOURCES = {choice.value for choice in ReplyEntry.Source}
# Knowledge is text people wrote; anything bigger is a mistake (or a binary file).
MAX_UPLOAD_BYTES = 1024 * 1024


def persona_or_404(membership: Membership, persona_id: int) -> Persona:
    return get_object_or_404(Persona, workspace=membership.workspace, pk=persona_id)


def persona_context(membership: Membership, persona: Persona) -> dict:
    return {
        "membership": membership,
        "workspace": membership.workspace,
        "persona": persona,
        "documents": persona.documents.order_by("source", "name"),
        "can_edit": membership.role in PERSONA_EDITORS,
        "style": persona.style_profile,
    }


def library_context(request: HtmxHttpRequest, membership: Membership, persona: Persona) -> dict:
    """The persona page's context with one page of library entries, filtered as asked."""
    source = request.GET.get("source", "")
    retired = request.GET.get("retired") == "1"
    search = request.GET.get("q", "").strip()[:200]
    entries = ReplyEntry.objects.filter(persona=persona, retired=retired)
    if source in SOURCES:
        entries = entries.filter(source=source)
    if search:
        entries = entries.filter(text__icontains=search)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return {
        **persona_context(membership, persona),
        "library_page": page,
        "library_filter": {"source": source, "retired": retired, "q": search},
        "library_sources": ReplyEntry.Source.choices,
    }


@require_GET
@login_required
def personas_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    membership = member_or_404(request, slug)
    personas = Persona.objects.for_workspace(membership.workspace).order_by("name")
    rows = [
        {"persona": p, "documents": p.documents.count(), "chunks": sum_chunks(p)} for p in personas
    ]
    return render(
        request,
        "personas.html",
        {"membership": membership, "workspace": membership.workspace, "rows": rows},
    )


def sum_chunks(persona: Persona) -> int:
    return sum(persona.documents.values_list("chunk_count", flat=True))


@require_GET
@login_required
def persona_page(request: HtmxHttpRequest, slug: str, persona_id: int) -> HttpResponse:
    membership = member_or_404(request, slug)
    persona = persona_or_404(membership, persona_id)
    return render(request, "persona.html", library_context(request, membership, persona))


def editor(request: HtmxHttpRequest, slug: str, persona_id: int) -> tuple[Membership, Persona]:
    """An unknown persona is a 404 before the role is looked at."""
    membership = member_or_404(request, slug)
    persona = persona_or_404(membership, persona_id)
    require_role(membership, PERSONA_EDITORS, "Only managers and admins edit personas.")
    return membership, persona


def knowledge_response(
    request: HtmxHttpRequest, membership: Membership, persona: Persona, error: str = ""
) -> HttpResponse:
    context = persona_context(membership, persona)
    context["upload_error"] = error
    template = "persona.html#knowledge" if request.htmx else "persona.html"
    return render(request, template, context, status=422 if error else 200)


def uploaded_text(request: HtmxHttpRequest) -> tuple[str, str, str]:
    """(name, text, error) from the form: a file, or a name and pasted text."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            return "", "", f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB."
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            return "", "", "The file is not UTF-8 text; knowledge must be plain text."
        return (upload.name or "upload.txt"), text, ""
    name = request.POST.get("name", "").strip()
    text = request.POST.get("text", "")
    if not name:
        return "", "", "Give the document a name."
    if len(text.encode()) > MAX_UPLOAD_BYTES:
        return "", "", f"The text is larger than {MAX_UPLOAD_BYTES // 1024} KB."
    return name, text, ""


@require_POST
@login_required
def upload_document(request: HtmxHttpRequest, slug: str, persona_id: int) -> HttpResponse:
    membership, persona = editor(request, slug, persona_id)
    name, text, error = uploaded_text(request)
    if not error and not text.strip():
        error = "The document is empty."
    if not error and len(name) > 255:
        error = "The name is longer than 255 characters."
    if not error and persona.documents.filter(name=name, source="folder").exists():
        error = f"{name} comes from the watched folder; change it there."
    if error:
        return knowledge_response(request, membership, persona, error)
    store_document(persona, name, text, KnowledgeDocument.Source.UPLOAD)
    return knowledge_response(request, membership, persona)


@require_POST
@login_required
def delete_document(
    request: HtmxHttpRequest, slug: str, persona_id: int, document_id: int
) -> HttpResponse:
    membership, persona = editor(request, slug, persona_id)
    document = get_object_or_404(KnowledgeDocument, persona=persona, pk=document_id)
    if document.source == KnowledgeDocument.Source.FOLDER:
        return knowledge_response(
            request, membership, persona, f"{document.name} comes from the watched folder."
        )
    document.delete()
    return knowledge_response(request, membership, persona)


@require_POST
@login_required
def persona_style(request: HtmxHttpRequest, slug: str, persona_id: int) -> HttpResponse:
    """Learn the style from operators' replies, or switch applying it on or off."""
    membership, persona = editor(request, slug, persona_id)
    action = request.POST.get("action")
    error = ""
    if action == "learn":
        if learn_persona_style(persona) is None:
            error = "No operator replies sent as this persona yet: nothing to learn from."
    elif action in ("on", "off"):
        if action == "on" and not persona.style_profile:
            error = "Learn the style first."
        else:
            persona.apply_style = action == "on"
            persona.save(update_fields=["apply_style"])
    else:
        error = "Unknown action."
    persona.refresh_from_db()
    context = persona_context(membership, persona)
    context["style_error"] = error
    template = "persona.html#style" if request.htmx else "persona.html"
    return render(request, template, context, status=422 if error else 200)

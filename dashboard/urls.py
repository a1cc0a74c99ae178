from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from dashboard import (
    analytics_views,
    assignment_views,
    cta_views,
    finetune_views,
    intent_views,
    journey_views,
    library_views,
    memory_views,
    metrics_view,
    persona_views,
    ranker_views,
    views,
)
from dashboard.api import api
from dashboard.login import RateLimitedLoginView
from dashboard.outages import handler500 as dependency_aware_500
from dashboard.settings_pages import config_urls, team_urls

# A database or Redis outage outside any view (e.g. loading the session) is a 503 too.
handler500 = dependency_aware_500
# core.access raises PermissionDenied with the reason; the member reads it as the answer.
handler403 = views.forbidden

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", RateLimitedLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # For a Prometheus scraper: a bearer token (METRICS_TOKEN) or loopback only.
    path("metrics", metrics_view.metrics, name="metrics"),
    path("w/<slug:slug>/", views.inbox, name="inbox"),
    path("w/<slug:slug>/journeys/", journey_views.journeys_page, name="journeys"),
    path("w/<slug:slug>/labels/", cta_views.label_queue, name="label_queue"),
    path("w/<slug:slug>/labels/intents/", intent_views.intent_queue, name="intent_queue"),
    path(
        "w/<slug:slug>/models/intents/retrain/",
        intent_views.retrain_intents,
        name="retrain_intents",
    ),
    path(
        "w/<slug:slug>/models/ranker/retrain/", ranker_views.retrain_ranker, name="retrain_ranker"
    ),
    path("w/<slug:slug>/models/intents/phrasings/", intent_views.add_phrasing, name="add_phrasing"),
    path("w/<slug:slug>/models/intents/new/", intent_views.add_intent, name="add_intent"),
    path("w/<slug:slug>/models/intents/remove/", intent_views.remove_intent, name="remove_intent"),
    path("w/<slug:slug>/analytics/", analytics_views.analytics_page, name="analytics"),
    path(
        "w/<slug:slug>/analytics/conversations/",
        analytics_views.analytics_conversations,
        name="analytics_conversations",
    ),
    path("w/<slug:slug>/analytics/export.csv", analytics_views.analytics_csv, name="analytics_csv"),
    path("w/<slug:slug>/analytics/ab/", analytics_views.ab_results, name="ab_results"),
    path("w/<slug:slug>/models/", cta_views.models_page, name="models"),
    path("w/<slug:slug>/fine-tuning/", finetune_views.finetune_page, name="finetune"),
    path(
        "w/<slug:slug>/fine-tuning/datasets/",
        finetune_views.build_dataset,
        name="finetune_build",
    ),
    path(
        "w/<slug:slug>/fine-tuning/datasets/<int:dataset_id>/download/",
        finetune_views.download_dataset,
        name="finetune_download",
    ),
    path(
        "w/<slug:slug>/fine-tuning/datasets/<int:dataset_id>/train/",
        finetune_views.start_training,
        name="finetune_train",
    ),
    path(
        "w/<slug:slug>/fine-tuning/jobs/<int:job_id>/cancel/",
        finetune_views.cancel_job,
        name="finetune_cancel",
    ),
    path(
        "w/<slug:slug>/fine-tuning/jobs/<int:job_id>/deploy/",
        finetune_views.deploy_job,
        name="finetune_deploy",
    ),
    path(
        "w/<slug:slug>/fine-tuning/personas/<int:persona_id>/rollback/",
        finetune_views.rollback_persona,
        name="finetune_rollback",
    ),
    path("w/<slug:slug>/models/retrain/", cta_views.retrain, name="retrain"),
    path(
        "w/<slug:slug>/models/<int:version_id>/status/",
        cta_views.set_model_status,
        name="set_model_status",
    ),
    path("w/<slug:slug>/c/<int:conversation_id>/cta/", cta_views.cta_verdict, name="cta_verdict"),
    path("w/<slug:slug>/journeys/import/", journey_views.import_playbook, name="import_playbook"),
    path(
        "w/<slug:slug>/journeys/<slug:playbook_slug>/export/",
        journey_views.export_playbook,
        name="export_playbook",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/journey/",
        journey_views.conversation_journey,
        name="conversation_journey",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/phase/",
        journey_views.override_phase,
        name="override_phase",
    ),
    path("w/<slug:slug>/c/<int:conversation_id>/", views.conversation_page, name="conversation"),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/messages/",
        views.conversation_messages,
        name="conversation_messages",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/suggestions/",
        views.conversation_suggestions,
        name="conversation_suggestions",
    ),
    path("w/<slug:slug>/c/<int:conversation_id>/reply/", views.send_reply, name="send_reply"),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/moderation/",
        views.moderate_conversation,
        name="moderate_conversation",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/reject/",
        views.reject_suggestion,
        name="reject_suggestion",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/regenerate/",
        views.regenerate_suggestions,
        name="regenerate_suggestions",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/facts/<int:fact_id>/",
        memory_views.edit_fact,
        name="edit_fact",
    ),
    path(
        "w/<slug:slug>/c/<int:conversation_id>/primer/",
        memory_views.conversation_primer,
        name="conversation_primer",
    ),
    path("w/<slug:slug>/c/<int:conversation_id>/take-over/", views.take_over, name="take_over"),
    path("w/<slug:slug>/personas/", persona_views.personas_page, name="personas"),
    path("w/<slug:slug>/personas/<int:persona_id>/", persona_views.persona_page, name="persona"),
    path(
        "w/<slug:slug>/personas/<int:persona_id>/library/",
        library_views.library_page,
        name="persona_library",
    ),
    path(
        "w/<slug:slug>/personas/<int:persona_id>/library/<int:entry_id>/",
        library_views.change_entry,
        name="change_library_entry",
    ),
    path(
        "w/<slug:slug>/personas/<int:persona_id>/documents/",
        persona_views.upload_document,
        name="upload_document",
    ),
    path(
        "w/<slug:slug>/personas/<int:persona_id>/documents/<int:document_id>/delete/",
        persona_views.delete_document,
        name="delete_document",
    ),
    path(
        "w/<slug:slug>/personas/<int:persona_id>/style/",
        persona_views.persona_style,
        name="persona_style",
    ),
]
# Workspace settings (/w/<slug>/settings/...), kept in their own modules.
urlpatterns += [*team_urls.urlpatterns, *config_urls.urlpatterns]
# Conversation ownership: claim, release, assign, and the member's shift switch.
urlpatterns += assignment_views.urlpatterns

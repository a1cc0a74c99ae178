from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConversationsConfig(AppConfig):
    name = "conversations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from conversations.builtin_playbooks import sync_builtin_playbooks
        from conversations.risk import sync_builtin_red_flags

        post_migrate.connect(sync_builtin_playbooks, sender=self)
        post_migrate.connect(sync_builtin_red_flags, sender=self)

        from conversations.access import connect_signals

        connect_signals()

from django.urls import path

from conversations import consumers

websocket_urlpatterns = [
    path("ws/w/<slug:slug>/inbox/", consumers.InboxConsumer.as_asgi()),
    path(
        "ws/w/<slug:slug>/c/<int:conversation_id>/",
        consumers.ConversationConsumer.as_asgi(),
    ),
]

"""Django's ASGI handler with the whole HTTP request in one worker thread.

Every view and middleware of this project is synchronous, so under Django's own ASGI
handler each request crossed between the event loop and its worker thread three times
before any code of ours ran: the middleware chain in a thread, back to the loop for the
async core, and into a thread again for the view (a sync-only middleware anywhere in the
chain forces this; Django's MiddlewareMixin would hop for each middleware if all were
async). Here the middleware chain and the view run as they would under WSGI, in one
thread hop per request. Websockets do not come through here (Channels routes them).

The publishes a request's commit sets off that the sweeper backs up (a stored message to
perception, its announcement to open pages: core.dispatch.publish_or_leave_to_sweeper)
go out after the answer is sent, in the same worker thread: the sender of a message does
not wait on three Redis round trips and an event-loop trip it has no use for.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase

from core import dispatch


class OneHopASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        # The synchronous chain, whatever ASGIHandler asks for.
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # Same thread as the request's other sync work (ThreadSensitiveContext per request).
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Tasks and threads started below copy this context, so they share the one list.
        with dispatch.after_the_answer() as held:
            await super().handle(scope, receive, send)
        if held:
            await sync_to_async(dispatch.run_held, thread_sensitive=True)(held)

"""Pushing a message to every open socket of a user, from any thread.

With the in-memory channel layer (`make run`) the consumers live on daphne's event loop and the
Huey worker threads push from other threads. The in-memory layer is built on asyncio queues that
are not thread-safe, so a `group_send` run on a worker thread's own loop may never wake the
consumer. `manage.py serve` therefore registers daphne's loop here, and pushes from other threads
are scheduled onto that loop. With channels-redis every process has its own connection and the
plain `async_to_sync` path is used.
"""

import asyncio
import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

PUSH_TIMEOUT_SECONDS = 5

_home_loop: asyncio.AbstractEventLoop | None = None


def set_push_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Register the event loop the consumers run on (called by `manage.py serve`)."""
    global _home_loop
    _home_loop = loop


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def push_to_user(user_id: int, message: dict) -> None:
    """Send one message to every socket of a user (all tabs). Never raises: the inbox keeps the message."""
    _send_to_user(user_id, {"type": "push.message", "message": message})


def close_user_sockets(user_id: int) -> None:
    """Close every open socket of a user (signed out everywhere, account closed). Never raises: a socket
    that misses it still cannot reconnect, since the consumer checks the account on connect."""
    _send_to_user(user_id, {"type": "session.revoked"})


def _send_to_user(user_id: int, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        _group_send(layer, user_group(user_id), event)
    except Exception:  # noqa: BLE001 - best effort; the database is the record
        logger.exception("%s to user %s failed", event["type"], user_id)


def _group_send(layer, group: str, event: dict) -> None:
    loop = _home_loop
    if loop is not None and loop.is_running():
        if getattr(loop, "_thread_id", None) == threading.get_ident():
            # Sync code called from the loop's own thread must not block it: fire and forget.
            loop.create_task(layer.group_send(group, event))
            return
        asyncio.run_coroutine_threadsafe(layer.group_send(group, event), loop).result(PUSH_TIMEOUT_SECONDS)
        return
    async_to_sync(layer.group_send)(group, event)

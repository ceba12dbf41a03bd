"""Pushing a message to every open socket of a user, from any thread.

With the in-memory channel layer (`make run`) the consumers live on daphne's event loop and the
Huey worker threads push from other threads. The in-memory layer is built on asyncio queues that
are not thread-safe, so a `group_send` run on a worker thread's own loop may never wake the
consumer. `manage.py serve` therefore registers daphne's loop here, and pushes from other threads
are scheduled onto that loop. With channels-redis every process has its own connection and the
plain `async_to_sync` path is used.
"""

import asyncio
import hashlib
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


def credential_group(key: str) -> str:
    """The sockets opened with one session or API token (hashed: group names are short and public-safe)."""
    return "credential." + hashlib.sha256(key.encode()).hexdigest()[:40]


def push_to_user(user_id: int, message: dict) -> None:
    """Send one message to every socket of a user (all tabs). Never raises: the inbox keeps the message."""
    _send([user_group(user_id)], {"type": "push.message", "message": message})


def close_user_sockets(user_id: int) -> None:
    """Close every open socket of a user (signed out everywhere, password changed, banned)."""
    _send([user_group(user_id)], {"type": "auth.revoked"})


def close_credential_sockets(keys: list[str]) -> None:
    """Close the sockets opened with these session keys or API tokens (signed out of one session)."""
    _send([credential_group(key) for key in keys if key], {"type": "auth.revoked"})


def _send(groups: list[str], event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        try:
            _group_send(layer, group, event)
        except Exception:  # noqa: BLE001 - best effort; closing also happens when the credential is next checked
            logger.exception("push to %s failed", group)


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

"""Pushing a message to every open socket of a user, from any thread.

With the in-memory channel layer (`make run`) the consumers live on daphne's event loop and the
Huey worker threads push from other threads. The in-memory layer is built on asyncio queues that
are not thread-safe, so a `group_send` run on a worker thread's own loop may never wake the
consumer. `manage.py serve` therefore registers daphne's loop here, and pushes from other threads
are scheduled onto that loop. With channels-redis, sync code pushes on a loop thread of its own per process
(`_push_loop`), which keeps the layer's Redis connections open from one push to the next.
"""

import asyncio
import hashlib
import logging
import os
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

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
    _send([(user_group(user_id), _message_event(message))])


def push_on_commit(user_id: int, message: dict) -> None:
    """Push `message` once the current transaction commits (at once outside one), grouped with the other
    pushes of that transaction: one hop to the event loop per commit, not one per message.

    The messages queued at one savepoint level share one on_commit callback, so a rolled-back savepoint
    drops exactly its own messages, as Django drops its other callbacks.
    """
    event = (user_group(user_id), _message_event(message))
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        level = set(connection.savepoint_ids)
        for sids, callback, _robust in reversed(connection.run_on_commit):
            if isinstance(callback, _PushBatch) and sids == level:
                callback.events.append(event)
                return
    transaction.on_commit(_PushBatch([event]))


class _PushBatch:
    """The pushes of one transaction (at one savepoint level), sent together when it commits."""

    def __init__(self, events: list[tuple[str, dict]]):
        self.events = events

    def __call__(self) -> None:
        _send(self.events)


def close_user_sockets(user_id: int) -> None:
    """Close every open socket of a user (signed out everywhere, password changed, banned)."""
    _send([(user_group(user_id), {"type": "auth.revoked"})])


def close_credential_sockets(keys: list[str]) -> None:
    """Close the sockets opened with these session keys or API tokens (signed out of one session)."""
    _send([(credential_group(key), {"type": "auth.revoked"}) for key in keys if key])


def _message_event(message: dict) -> dict:
    return {"type": "push.message", "message": message}


def _send(events: list[tuple[str, dict]]) -> None:
    """Hand every (group, event) to the channel layer in one trip to an event loop. Best effort: a failed
    group is logged and the others are still sent (the inbox keeps messages; closing also happens when the
    credential is next checked)."""
    layer = get_channel_layer()
    if layer is None or not events:
        return
    loop = _home_loop
    try:
        if loop is not None and loop.is_running():
            if getattr(loop, "_thread_id", None) == threading.get_ident():
                # Sync code called from the loop's own thread must not block it: fire and forget.
                loop.create_task(_send_all(layer, events))
                return
            asyncio.run_coroutine_threadsafe(_send_all(layer, events), loop).result(PUSH_TIMEOUT_SECONDS)
            return
        if hasattr(layer, "group_send_many"):  # Redis: its connections stay open on the process's push loop
            asyncio.run_coroutine_threadsafe(_send_all(layer, events), _push_loop()).result(PUSH_TIMEOUT_SECONDS)
            return
        async_to_sync(_send_all)(layer, events)
    except Exception:  # noqa: BLE001 - best effort, see above
        logger.exception("push of %d events failed", len(events))


_push_loop_lock = threading.Lock()
_own_loop: tuple[int, asyncio.AbstractEventLoop] | None = None  # (process id, loop)


def _push_loop() -> asyncio.AbstractEventLoop:
    """The event loop this process pushes on from sync code (web workers, Huey threads), in a thread of its own,
    started on first use (again in a forked child). `async_to_sync` would start a loop, and the channel layer a
    Redis connection, for every push."""
    global _own_loop
    with _push_loop_lock:
        if _own_loop is None or _own_loop[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="push-loop", daemon=True).start()
            _own_loop = (os.getpid(), loop)
        return _own_loop[1]


async def _send_all(layer, events: list[tuple[str, dict]]) -> None:
    if hasattr(layer, "group_send_many"):  # Redis: the empty groups are skipped (notifications/layers.py)
        await layer.group_send_many(events)
        return
    for group, event in events:
        try:
            await layer.group_send(group, event)
        except Exception:  # noqa: BLE001 - best effort, see _send
            logger.exception("push to %s failed", group)

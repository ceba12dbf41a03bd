"""WebSocket fan-out: 500 connected clients, one notification each sent from a worker thread.

Clients are channels' in-process WebsocketCommunicators on the real ASGI application (origin check,
token auth, the consumer); the channel layer is the configured one: in-memory by default (pushes from
the worker thread are handed to the clients' event loop, as under `manage.py serve`), channels-redis
when REDIS_URL is set. Each notification is stored and pushed by `notify()`, like a Huey job does.
Prints the delivered count and p50/p99 latency from notify() to receipt. Runs in a throw-away test database.
"""

import asyncio
import statistics
import threading
import time

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

CLIENTS = 500
CONNECT_BATCH = 25


def _seed() -> list[tuple[int, str]]:
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from community.models import CommunityProfile

    User.objects.bulk_create(
        [User(email=f"fan{i}@example.com", password="!", is_active=True) for i in range(CLIENTS)], batch_size=500
    )
    users = list(User.objects.filter(email__startswith="fan").order_by("pk"))
    CommunityProfile.objects.bulk_create(
        [CommunityProfile(user=u, nickname=f"fan{i}", nickname_key=f"fan{i}") for i, u in enumerate(users)]
    )
    Token.objects.bulk_create([Token(user=u, key=f"{u.pk:040d}") for u in users])
    return [(u.pk, f"{u.pk:040d}") for u in users]


def _worker(user_ids: list[int]) -> None:
    from notifications.services import notify

    for user_id in user_ids:
        notify(user_id, "notification", {"sent": time.perf_counter()})
    connection.close()


async def _run(clients: list[tuple[int, str]]) -> tuple[int, list[float], float]:
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from bidangil.asgi import application
    from notifications.push import set_push_loop

    set_push_loop(asyncio.get_running_loop())
    origin = settings.SITE_URL.encode()
    sockets = [
        WebsocketCommunicator(application, f"/ws/notifications/?token={token}", headers=[(b"origin", origin)])
        for _, token in clients
    ]
    # Connect in small concurrent batches: serial connects on channels-redis wait behind the layer's blocking
    # receive, and all at once would exhaust its connection pool.
    for start in range(0, len(sockets), CONNECT_BATCH):
        batch = sockets[start : start + CONNECT_BATCH]
        results = await asyncio.gather(*(ws.connect(timeout=60) for ws in batch))
        assert all(connected for connected, _ in results)

    async def receive(ws):
        try:
            message = await ws.receive_json_from(timeout=30)
        except TimeoutError:
            return None
        return time.perf_counter() - message["sent"]

    started = time.perf_counter()
    waiting = asyncio.gather(*(receive(ws) for ws in sockets))
    worker = threading.Thread(target=_worker, args=([user_id for user_id, _ in clients],))
    worker.start()
    latencies = [value for value in await waiting if value is not None]
    wall = time.perf_counter() - started
    await asyncio.to_thread(worker.join)
    for start in range(0, len(sockets), CONNECT_BATCH):
        await asyncio.gather(*(ws.disconnect() for ws in sockets[start : start + CONNECT_BATCH]))
    set_push_loop(None)
    return len(latencies), latencies, wall


def main() -> None:
    from django.conf import settings

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        clients = _seed()
        delivered, latencies, wall = asyncio.run(_run(clients))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    ms = sorted(x * 1000 for x in latencies)
    p50 = statistics.median(ms) if ms else float("nan")
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
    print(f"layer: {layer}; clients: {CLIENTS}; delivered: {delivered}/{CLIENTS}")
    print(f"latency notify->client: p50 {p50:.1f} ms, p99 {p99:.1f} ms; all delivered in {wall:.2f} s")
    if delivered != CLIENTS:
        raise SystemExit("fan-out lost messages")

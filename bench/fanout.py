"""WebSocket fan-out: 500 connected clients, one notification each sent from the worker.

Clients are channels' in-process WebsocketCommunicators on the real ASGI application (origin check,
token auth, the consumer). Each notification is one Huey job (`notify()` inside it), run by a Huey
consumer on the bench's own queue, so nothing reaches the site's queue:
- embedded default: a MemoryHuey consumer with worker threads in this process, pushing through the
  in-memory channel layer from those threads onto the clients' loop, as under `manage.py serve`;
- REDIS_URL: a RedisHuey queue and channels-redis. The consumer is a separate process, as `run_huey`
  runs in production.
Prints the delivered count and p50/p99 latency from notify() (in the job) to receipt, and from enqueueing
to receipt. Runs in a throw-away test database (on SQLite a temporary file rather than the in-memory one, so
that worker threads and the worker process write to it as they would to the real one).
"""

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

CLIENTS = 500
CONNECT_BATCH = 25
WORKERS = 4


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


def _notify_one(user_id: int, enqueued: float) -> None:
    from notifications.services import notify

    # Wall-clock times: the job may run in another process.
    notify(user_id, "notification", {"sent": time.time(), "enqueued": enqueued})


def _queue(name: str):
    """The bench's Huey and its one job; the worker process builds the same pair from the same name."""
    from huey import MemoryHuey, RedisHuey

    huey = RedisHuey(name, url=settings.REDIS_URL, results=False) if settings.REDIS_URL else MemoryHuey(name)
    return huey, huey.task(name="bench_notify_one")(_notify_one)


def worker_main() -> None:
    """Entry point of the worker process: a Huey consumer on the bench's queue until SIGTERM."""
    huey, _job = _queue(os.environ["BENCH_HUEY_NAME"])
    huey.create_consumer(workers=WORKERS, worker_type="thread", periodic=False, check_worker_health=False).run()


def _database_url() -> str:
    """The test database as DATABASE_URL for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"mysql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"


class Worker:
    """Huey consumer threads here, or (Redis and a shared database) a worker process."""

    def __init__(self, huey, name: str):
        self.huey, self.name, self.consumer, self.process = huey, name, None, None

    def start(self) -> str:
        if settings.REDIS_URL:
            env = {**os.environ, "BENCH_HUEY_NAME": self.name, "DATABASE_URL": _database_url(), "HUEY_IMMEDIATE": "0"}
            code = "import django; django.setup(); from bench.fanout import worker_main; worker_main()"
            self.process = subprocess.Popen([sys.executable, "-c", code], env=env)
            return f"Huey worker process ({WORKERS} threads)"
        self.consumer = self.huey.create_consumer(
            workers=WORKERS, worker_type="thread", periodic=False, check_worker_health=False
        )
        self.consumer.start()
        return f"Huey consumer, {WORKERS} threads in this process"

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


async def _run(clients: list[tuple[int, str]], job) -> tuple[int, list[tuple[float, float]], float]:
    from channels.testing import WebsocketCommunicator

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
        now = time.time()
        return now - message["sent"], now - message["enqueued"]

    started = time.perf_counter()
    waiting = asyncio.gather(*(receive(ws) for ws in sockets))

    def enqueue():
        for user_id, _ in clients:
            job(user_id, time.time())

    await asyncio.to_thread(enqueue)
    latencies = [value for value in await waiting if value is not None]
    wall = time.perf_counter() - started
    for start in range(0, len(sockets), CONNECT_BATCH):
        await asyncio.gather(*(ws.disconnect() for ws in sockets[start : start + CONNECT_BATCH]))
    set_push_loop(None)
    return len(latencies), latencies, wall


def _percentiles(values: list[float]) -> tuple[float, float]:
    ms = sorted(x * 1000 for x in values)
    if not ms:
        return float("nan"), float("nan")
    return statistics.median(ms), ms[min(len(ms) - 1, int(len(ms) * 0.99))]


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-fanout-")
        connection.settings_dict["TEST"]["NAME"] = os.path.join(folder, "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    name = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    huey, job = _queue(name)
    worker = Worker(huey, name)
    try:
        clients = _seed()
        where = worker.start()
        delivered, latencies, wall = asyncio.run(_run(clients, job))
    finally:
        worker.stop()
        if settings.REDIS_URL:
            huey.storage.flush_queue()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        if connection.vendor == "sqlite":
            shutil.rmtree(folder, ignore_errors=True)
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    p50, p99 = _percentiles([notified for notified, _ in latencies])
    q50, q99 = _percentiles([enqueued for _, enqueued in latencies])
    print(f"layer: {layer}; worker: {where}; clients: {CLIENTS}; delivered: {delivered}/{CLIENTS}")
    print(f"latency notify->client: p50 {p50:.1f} ms, p99 {p99:.1f} ms; all delivered in {wall:.2f} s")
    print(f"latency enqueue->client (queue wait included): p50 {q50:.1f} ms, p99 {q99:.1f} ms")
    if delivered != CLIENTS:
        raise SystemExit("fan-out lost messages")

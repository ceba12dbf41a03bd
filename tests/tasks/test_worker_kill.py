"""Real processes: workers and a Redis server killed mid-way lose no job and repeat no effect; a periodic job
killed while holding its lease does not block the next run.

2,000 notification emails go through `run_huey` workers on this test's MariaDB database; the mail backend
writes each message into a table in the sender's transaction, so every effect is counted exactly.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.db import connection
from huey.storage import RedisStorage

from bidangil.jobs import requeue_stalled
from commerce.shipping.tracking import LEASE
from notifications.models import Notification
from tasks import tracking
from tasks.models import JobLease
from tasks.notifications import send_notification
from tests.accounts.factories import UserFactory
from tests.commerce.factories import fedex_shipment
from tests.integrations.fake_fedex import CLIENT_ID, CLIENT_SECRET, fake_fedex_fixture  # noqa: F401
from tests.workers import needs_worker_database, queued_jobs, start_worker, stop_worker  # noqa: F401

pytestmark = [*needs_worker_database, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOBS = 2000
CLAIM_SECONDS = 3  # how long a killed worker's claim blocks its notification (JOB_CLAIM_SECONDS)
WORKER_ENV = {
    "JOB_CLAIM_SECONDS": str(CLAIM_SECONDS),
    "TEST_EMAIL_BACKEND": "tests.accounts.mail_backends.DatabaseEmailBackend",
}


@pytest.fixture
def sent_mail(settings):
    settings.JOB_CLAIM_SECONDS = CLAIM_SECONDS
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS test_sent_mail")
        cursor.execute("CREATE TABLE test_sent_mail (id INT AUTO_INCREMENT PRIMARY KEY, recipient TEXT, body TEXT)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS test_sent_mail")


def sent() -> list[int]:
    """The job number of every message sent, one entry per message."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM test_sent_mail")
        return [int(re.search(r"job-(\d+)", body).group(1)) for (body,) in cursor.fetchall()]


def sent_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM test_sent_mail")
        return cursor.fetchone()[0]


def enqueue_notifications() -> list[int]:
    user = UserFactory()
    Notification.objects.bulk_create(
        Notification(user=user, type="test.load", payload={"message": f"job-{n}"}, delivery="pending")
        for n in range(JOBS)
    )
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        send_notification(pk)
    return ids


def wait_for(condition, *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(every)


def wait_for_a_quarter():
    wait_for(lambda: sent_count() > 0, timeout=120, what="the worker to start")  # slow on a busy machine
    wait_for(lambda: sent_count() >= JOBS // 4, timeout=60, what="a quarter of the emails")


def finish_with_sweeps(huey, *, timeout: float = 90):
    """Let the worker drain the queue, then sweep (as the periodic job does) until nothing is pending."""

    def done() -> bool:
        if not Notification.objects.filter(delivery="pending").exists():
            return True
        if huey.pending_count() == 0:
            time.sleep(CLAIM_SECONDS)  # the claims of jobs lost with a dead worker or queue expire
            requeue_stalled()
        return False

    wait_for(done, timeout=timeout, what="every notification sent", every=0.5)


def assert_each_sent_once(ids):
    numbers = sent()
    assert len(numbers) == JOBS, f"{len(numbers) - len(set(numbers))} duplicates, {JOBS - len(set(numbers))} lost"
    assert sorted(numbers) == list(range(JOBS))
    assert Notification.objects.filter(pk__in=ids, delivery="done", emailed_at__isnull=False).count() == JOBS


def test_a_worker_killed_mid_way_loses_nothing_and_sends_nothing_twice(queued_jobs, sent_mail):  # noqa: F811
    ids = enqueue_notifications()
    worker = start_worker("--workers", "4", "--worker-type", "thread", **WORKER_ENV)
    try:
        wait_for_a_quarter()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert sent_count() < JOBS, "the worker finished before it was killed"
        worker = start_worker("--workers", "4", "--worker-type", "thread", **WORKER_ENV)
        finish_with_sweeps(queued_jobs)
    finally:
        print(stop_worker(worker))
    assert_each_sent_once(ids)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of this test's own, without persistence: a restart loses every queued job."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def up() -> bool:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            return False
        return True

    wait_for(up, timeout=10, what="redis-server")
    return process


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_a_redis_restart_loses_the_queue_but_no_job_and_repeats_no_effect(
    queued_jobs,  # noqa: F811
    sent_mail,
):
    port = free_port()
    redis = start_redis(port)
    url = f"redis://127.0.0.1:{port}/0"
    shared_storage, queued_jobs.storage = queued_jobs.storage, RedisStorage(queued_jobs.name, url=url)
    worker = None
    try:
        ids = enqueue_notifications()
        worker = start_worker("--workers", "4", "--worker-type", "thread", redis_url=url, **WORKER_ENV)
        wait_for_a_quarter()
        redis.kill()
        redis.wait(timeout=10)
        redis = start_redis(port)
        assert queued_jobs.pending_count() == 0  # the queue is gone with the old server
        assert sent_count() < JOBS
        finish_with_sweeps(queued_jobs)
        assert worker.poll() is None, "the worker died with the Redis server"
    finally:
        queued_jobs.storage = shared_storage
        if worker:
            print(stop_worker(worker))
        redis.kill()
        redis.wait(timeout=10)
    assert_each_sent_once(ids)


def test_a_periodic_job_killed_holding_its_lease_does_not_block_the_next_run(
    queued_jobs,  # noqa: F811
    fake_fedex,
    settings,
):
    settings.JOB_CLAIM_SECONDS = CLAIM_SECONDS
    shipment = fedex_shipment()
    fake_fedex.delay_next(20)  # the poll hangs on the carrier while holding its lease
    worker = start_worker(
        JOB_CLAIM_SECONDS=str(CLAIM_SECONDS),
        CARRIER_BACKEND="fedex",
        FEDEX_API_URL=fake_fedex.url,
        FEDEX_CLIENT_ID=CLIENT_ID,
        FEDEX_CLIENT_SECRET=CLIENT_SECRET,
    )
    try:
        tracking.poll_tracking()  # enqueued: the worker runs it
        wait_for(lambda: fake_fedex.track_calls == 1, timeout=60, what="the poll to reach the carrier")
        assert JobLease.objects.filter(name=LEASE).exists()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        print(stop_worker(worker))

    assert JobLease.objects.filter(name=LEASE).exists()  # the dead run's lease is still there
    assert tracking.poll_tracking.call_local() == {"skipped": True}  # and holds until it expires
    time.sleep(CLAIM_SECONDS + 0.5)
    report = tracking.poll_tracking.call_local()
    assert (report["polled"], report["errors"]) == (1, 0)
    assert shipment.events.count() == 3
    assert not JobLease.objects.exists()

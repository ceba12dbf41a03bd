"""The tracking poll as a Huey job (immediate mode here; a real consumer on Redis in CI) and as a command."""

import logging
import os
import time
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskException

from commerce.orders.models import Order
from commerce.shipping import tracking as shipping_tracking
from commerce.shipping.models import ShipmentEvent
from tasks import tracking
from tasks.models import JobLease
from tests.commerce.factories import fedex_shipment
from tests.integrations.fake_fedex import fake_fedex_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_schedule():
    HUEY.storage.flush_schedule()
    yield
    HUEY.storage.flush_schedule()


def scheduled_retries():
    return [t for t in HUEY.scheduled() if t.name == "tracking.retry"]


@pytest.mark.parametrize(
    ("interval", "when", "due"),
    [
        (120, datetime(2025, 3, 1, 0, 0), True),
        (120, datetime(2025, 3, 1, 2, 0), True),
        (120, datetime(2025, 3, 1, 1, 0), False),
        (120, datetime(2025, 3, 1, 2, 1), False),
        (15, datetime(2025, 3, 1, 9, 45), True),
        (15, datetime(2025, 3, 1, 9, 50), False),
    ],
)
def test_poll_is_due_every_interval(settings, interval, when, due):
    settings.TRACKING_POLL_INTERVAL_MINUTES = interval
    assert tracking.is_poll_due(when) is due


def test_poll_is_registered_as_a_periodic_job(settings):
    settings.TRACKING_POLL_INTERVAL_MINUTES = 120
    assert "tracking.poll" in [t.name for t in HUEY.read_periodic(datetime(2025, 3, 1, 4, 0))]
    assert "tracking.poll" not in [t.name for t in HUEY.read_periodic(datetime(2025, 3, 1, 4, 30))]


def test_periodic_job_polls_every_shipped_order(fake_fedex):
    shipments = [fedex_shipment() for _ in range(3)]
    fake_fedex.set_result(shipments[0].tracking_number, status="DL", scans=[])
    tracking.poll_tracking()  # immediate mode: runs now (Huey keeps no result for periodic jobs)
    assert ShipmentEvent.objects.count() == 6
    assert Order.objects.filter(status=Order.Status.DELIVERED).count() == 1
    assert not scheduled_retries()
    assert not JobLease.objects.exists()  # released


def test_two_polls_never_overlap(fake_fedex):
    fedex_shipment()
    now = timezone.now()
    JobLease.objects.create(
        name=shipping_tracking.LEASE, token="live", acquired_at=now, expires_at=now + timedelta(minutes=1)
    )
    tracking.poll_tracking()
    assert fake_fedex.track_calls == 0 and not ShipmentEvent.objects.exists()
    with pytest.raises(CommandError, match="already running"):
        call_command("poll_tracking", stdout=StringIO())


def test_a_poll_killed_while_holding_its_lease_does_not_block_the_next(fake_fedex):
    fedex_shipment()
    now = timezone.now()
    JobLease.objects.create(
        name=shipping_tracking.LEASE, token="killed", acquired_at=now, expires_at=now - timedelta(seconds=1)
    )
    assert tracking.poll_tracking.call_local()["polled"] == 1
    assert not JobLease.objects.exists()


def test_a_long_poll_renews_its_lease_after_each_batch(fake_fedex, settings):
    settings.JOB_CLAIM_SECONDS = 60
    [fedex_shipment() for _ in range(31)]
    seen = []
    shipping_tracking.run_tracking_poll(on_progress=lambda report: seen.append(JobLease.objects.get().expires_at))
    assert len(seen) == 2 and seen[1] > seen[0] > timezone.now() + timedelta(seconds=50)


def test_lock_is_released_when_the_poll_crashes(fake_fedex, monkeypatch):
    def crash(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(shipping_tracking, "poll_shipments", crash)
    with pytest.raises(RuntimeError):
        shipping_tracking.run_tracking_poll()
    assert not JobLease.objects.exists()


# The failing batch's traceback is logged by Huey, as it would be in production.
@pytest.mark.server_error
def test_failed_batch_is_retried_later_with_backoff(fake_fedex):
    shipments = [fedex_shipment() for _ in range(31)]
    fake_fedex.fail_next(500, times=3)  # the first batch of 30 fails, retries included

    tracking.poll_tracking()

    assert ShipmentEvent.objects.filter(shipment=shipments[30]).count() == 3
    assert not ShipmentEvent.objects.filter(shipment__in=shipments[:30]).exists()
    [retry] = scheduled_retries()
    assert retry.args == ([s.pk for s in shipments[:30]],)
    assert (retry.retries, retry.retry_delay, retry.retry_backoff) == (4, 240, 2)

    # The carrier still fails when the retry runs: Huey schedules the next attempt, later.
    HUEY.storage.flush_schedule()
    fake_fedex.fail_next(500, times=3)
    with pytest.raises(TaskException):
        tracking.retry_tracking(retry.args[0]).get()
    [again] = scheduled_retries()
    assert again.retries == 3 and again.retry_delay == 480

    # The carrier is back: the retry applies the batch.
    assert tracking.retry_tracking(retry.args[0]).get()["polled"] == 30
    assert ShipmentEvent.objects.filter(shipment__in=shipments[:30]).count() == 90


def test_command_logs_counts_and_prints_a_summary(fake_fedex, caplog):
    shipments = [fedex_shipment() for _ in range(32)]
    fake_fedex.set_result(shipments[0].tracking_number, status="DL", scans=[])
    fake_fedex.set_result(shipments[1].tracking_number, status="DE", description="Delivery exception", scans=[])
    fake_fedex.set_not_found(shipments[2].tracking_number)
    out = StringIO()
    caplog.set_level(logging.INFO, logger="commerce.management.commands.poll_tracking")
    call_command("poll_tracking", stdout=out)
    # Not a terminal: no progress bar, only the summary on stdout and the counts in the log.
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Done: 32 of 32 polled")
    [record] = [r for r in caplog.records if r.name == "commerce.management.commands.poll_tracking"]
    assert record.getMessage() == "Polling tracking: 32 of 32, 1 delivered, 1 exceptions, 1 errors"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_poll_runs_on_a_real_huey_consumer(fake_fedex, settings):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    shipment = fedex_shipment()
    fake_fedex.set_result(shipment.tracking_number, status="DL", scans=[])
    HUEY.immediate = False  # back to Redis storage: the job goes through the queue to the consumer
    try:
        HUEY.flush()
        consumer = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False, check_worker_health=False)
        consumer.start()  # scheduler and worker threads; this (main) thread only waits
        try:
            tracking.poll_tracking()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not Order.objects.filter(status=Order.Status.DELIVERED).exists():
                time.sleep(0.2)
        finally:
            consumer.stop(graceful=True)
    finally:
        HUEY.flush()
        HUEY.immediate = True
    assert fake_fedex.track_calls == 1
    shipment.parcel.orders.get().refresh_from_db()
    assert shipment.parcel.orders.get().status == Order.Status.DELIVERED

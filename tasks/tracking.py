"""Carrier tracking: a periodic poll of every shipped order, and retries of batches the carrier failed."""

import logging
from collections.abc import Callable
from dataclasses import asdict

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task, db_task

from commerce.shipping.services import PollReport, poll_shipments
from integrations.carriers import CarrierError

from .leases import LeaseHeld, lease

logger = logging.getLogger(__name__)

LEASE = "tracking.poll"
# Delay before the first retry of a failed batch; Huey then doubles it on each further failure.
RETRY_DELAY_SECONDS = 120


class PollAlreadyRunning(LeaseHeld):
    pass


def interval_minutes() -> int:
    return max(1, int(getattr(settings, "TRACKING_POLL_INTERVAL_MINUTES", 120)))


def is_poll_due(dt) -> bool:
    """Huey's periodic check, every minute: true once per TRACKING_POLL_INTERVAL_MINUTES (counted from midnight)."""
    minutes = dt.toordinal() * 1440 + dt.hour * 60 + dt.minute
    return minutes % interval_minutes() == 0


def run_tracking_poll(on_progress: Callable[[PollReport], None] | None = None) -> PollReport:
    """Poll every shipped order once under a lease, and schedule a retry of the batches that failed.

    The lease is renewed after each batch and expires JOB_CLAIM_SECONDS after the last renewal, so a
    worker killed mid-poll blocks the next polls no longer than that. Raises PollAlreadyRunning when held.
    """

    def progress(report: PollReport) -> None:
        held.renew()
        if on_progress:
            on_progress(report)

    try:
        with lease(LEASE) as held:
            report = poll_shipments(on_progress=progress)
    except LeaseHeld:
        raise PollAlreadyRunning("A tracking poll is already running.") from None
    if report.failed_ids:
        retry_tracking.schedule(args=(report.failed_ids,), delay=RETRY_DELAY_SECONDS)
    logger.info(
        "Tracking poll: %d of %d polled, %d delivered, %d exceptions, %d errors",
        report.polled,
        report.total,
        report.delivered,
        report.exceptions,
        report.errors,
    )
    return report


@db_periodic_task(is_poll_due, name="tracking.poll")
def poll_tracking() -> dict:
    """Every TRACKING_POLL_INTERVAL_MINUTES: ask the carrier about every shipped order."""
    try:
        report = run_tracking_poll()
    except PollAlreadyRunning:
        logger.info("Tracking poll skipped: the previous one is still running.")
        return {"skipped": True}
    return asdict(report)


@db_task(retries=4, retry_delay=RETRY_DELAY_SECONDS * 2, retry_backoff=2, name="tracking.retry")
def retry_tracking(shipment_ids: list[int]) -> dict:
    """Poll again the shipments of batches the carrier failed; raising makes Huey retry with backoff."""
    report = poll_shipments(shipment_ids=shipment_ids)
    if report.failed_ids:
        raise CarrierError(f"Carrier still failing for {len(report.failed_ids)} shipments.")
    return asdict(report)
